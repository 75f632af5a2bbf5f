import Foundation

/// The hydraulic state of a compiled network and the routing step that advances it (SWMM 5.2's
/// `routing.c`/`flowrout.c`): old/new node depths and volumes, link flows and areas, lateral inflows,
/// flooding, and the per-step bookkeeping that the mass balance and statistics read.
///
/// Internal US units throughout: depths ft, volumes ft³, flows cfs, times s.
public struct FlowRouter: Sendable {
    public internal(set) var net: RoutingNetwork
    let options: RoutingOptions
    /// Resolved dynamic-wave constants (internal units).
    let minSurfArea: Double, headTol: Double, maxTrials: Int, minStep: Double

    // Node state
    var oldDepth: [Double], newDepth: [Double]
    var oldVolume: [Double], newVolume: [Double]
    var inflow: [Double], outflow: [Double]
    var oldLatFlow: [Double], newLatFlow: [Double]
    var oldNetInflow: [Double]
    var overflow: [Double]
    var losses: [Double]
    // DW node work arrays
    var newSurfArea: [Double], oldSurfArea: [Double], sumdqdh: [Double], dYdT: [Double]
    var converged: [Bool]
    var updated: [Bool]

    // Link state
    var oldFlow: [Double], newFlow: [Double]
    var linkNewDepth: [Double]
    var oldLinkVolume: [Double], newLinkVolume: [Double]
    /// Per-barrel conduit flows and areas at the two ends (KW) or mid/old (DW).
    var q1: [Double], q2: [Double], a1: [Double], a2: [Double]
    var froude: [Double]
    var flowClass: [FlowClass]
    var dqdh: [Double]
    var surfArea1: [Double], surfArea2: [Double]
    var bypassed: [Bool]
    /// Control setting (0 closed … 1 open; pump speed) and the target set by controls.
    var setting: [Double], targetSetting: [Double]
    /// Orifice/weir surface area used in DW (ft²).
    var structureSurfArea: [Double]
    /// Last per-barrel flow (cfs) for which the normal and critical depths (ft) of a link ending at
    /// an outfall were computed, and those depths: both are pure functions of the flow, so they are
    /// reused while the flow does not change (NaN: none yet).
    var outfallMemoFlow: [Double], outfallMemoNormal: [Double], outfallMemoCritical: [Double]
    /// Seepage hook: storage seepage state per node, empty when no node seeps (Seepage.swift).
    var seepage: [StorageSeepage?]

    /// Dynamic wave: the current variable step (s), 0 before the first step.
    var variableStep = 0.0
    /// Iterations of the last dynamic-wave step and count of non-converged steps.
    public internal(set) var lastIterations = 0
    public internal(set) var nonConvergedSteps = 0
    public internal(set) var totalIterations = 0
    public internal(set) var stepCount = 0

    enum FlowClass: UInt8, Sendable { case dry, upDry, dnDry, subcritical, supercritical, upCritical, dnCritical }

    public init(network: RoutingNetwork, options: RoutingOptions, units: (lengthPerMetre: Double, areaPerM2: Double)) {
        net = network
        self.options = options
        minSurfArea = options.minSurfaceArea > 0 ? options.minSurfaceArea * units.areaPerM2 : 12.566
        headTol = options.headTolerance > 0 ? options.headTolerance * units.lengthPerMetre : 0.005
        maxTrials = options.maxTrials > 0 ? options.maxTrials : 8
        minStep = max(0.001, min(options.minimumStep > 0 ? options.minimumStep : 0.5, options.routingStep))
        let n = network.nodeCount, m = network.linkCount
        func z(_ k: Int) -> [Double] { Array(repeating: 0, count: k) }
        oldDepth = z(n); newDepth = z(n); oldVolume = z(n); newVolume = z(n)
        inflow = z(n); outflow = z(n); oldLatFlow = z(n); newLatFlow = z(n); oldNetInflow = z(n)
        overflow = z(n); losses = z(n); newSurfArea = z(n); oldSurfArea = z(n); sumdqdh = z(n); dYdT = z(n)
        converged = Array(repeating: false, count: n); updated = Array(repeating: false, count: n)
        oldFlow = z(m); newFlow = z(m); linkNewDepth = z(m); oldLinkVolume = z(m); newLinkVolume = z(m)
        q1 = z(m); q2 = z(m); a1 = z(m); a2 = z(m); froude = z(m)
        flowClass = Array(repeating: .dry, count: m); dqdh = z(m); surfArea1 = z(m); surfArea2 = z(m)
        bypassed = Array(repeating: false, count: m)
        setting = Array(repeating: 1, count: m); targetSetting = Array(repeating: 1, count: m)
        structureSurfArea = z(m)
        outfallMemoFlow = Array(repeating: .nan, count: m); outfallMemoNormal = z(m); outfallMemoCritical = z(m)
        seepage = network.storageSeepage.contains { $0 != nil } ? network.storageSeepage : []  // Seepage hook
        initialize()
    }

    // MARK: initial state (flowrout_init)

    mutating func initialize() {
        let n = net.nodeCount, m = net.linkCount
        for i in 0..<n { newDepth[i] = net.initDepth[i]; oldDepth[i] = newDepth[i] }
        for j in 0..<m {
            if net.linkKind[j] == .pump, let p = net.pump[j] { setting[j] = p.initiallyOn ? 1 : 0 }
            targetSetting[j] = setting[j]
            newFlow[j] = net.initialFlow[j]
            // Conduits with an initial flow start at its normal depth.
            if net.linkKind[j] == .conduit && newFlow[j] != 0 {
                linkNewDepth[j] = net.xsect[j].normalDepth(flow: abs(newFlow[j]) / net.barrels[j], beta: net.conduit[j].beta)
            }
        }
        if options.method == .dynamicWave {
            initNodeDepths()
            initLinkDepths()
        }
        for i in 0..<n {
            inflow[i] = newLatFlow[i]; outflow[i] = 0
            if options.allowPonding && net.pondedArea[i] > 0 && newDepth[i] > net.fullDepth[i] {
                newVolume[i] = net.fullVolume[i] + (newDepth[i] - net.fullDepth[i]) * net.pondedArea[i]
            } else {
                newVolume[i] = nodeVolume(i, newDepth[i])
            }
        }
        for j in 0..<m {
            if newFlow[j] >= 0 { outflow[net.node1[j]] += newFlow[j]; inflow[net.node2[j]] += newFlow[j] }
            else { inflow[net.node1[j]] -= newFlow[j]; outflow[net.node2[j]] -= newFlow[j] }
            if net.linkKind[j] == .conduit {
                q1[j] = newFlow[j] / net.barrels[j]; q2[j] = q1[j]
                a1[j] = net.xsect[j].area(depth: linkNewDepth[j]); a2[j] = a1[j]
                newLinkVolume[j] = a1[j] * net.conduit[j].length * net.barrels[j]
                oldLinkVolume[j] = newLinkVolume[j]
            }
        }
        for i in 0..<n { oldNetInflow[i] = inflow[i] - outflow[i]; oldVolume[i] = newVolume[i] }
    }

    private mutating func initNodeDepths() {
        let n = net.nodeCount
        var sum = Array(repeating: 0.0, count: n), count = Array(repeating: 0.0, count: n)
        for j in 0..<net.linkCount {
            let y = linkNewDepth[j] > Hydraulics.fudge ? linkNewDepth[j] + net.offset1[j] : 0
            sum[net.node1[j]] += y; count[net.node1[j]] += 1
            sum[net.node2[j]] += y; count[net.node2[j]] += 1
        }
        for i in 0..<n where net.nodeKind[i] != .outfall && net.nodeKind[i] != .storage && net.initDepth[i] <= 0 && count[i] > 0 {
            newDepth[i] = sum[i] / count[i]
        }
        for j in 0..<net.linkCount { setOutfallDepth(j, time: 0) }
    }

    private mutating func initLinkDepths() {
        for j in 0..<net.linkCount where net.linkKind[j] == .conduit && net.xsect[j].kind != .dummy && newFlow[j] == 0 {
            let yFull = net.xsect[j].yFull
            let y1 = min(max(newDepth[net.node1[j]] - net.offset1[j], 0), yFull)
            let y2 = min(max(newDepth[net.node2[j]] - net.offset2[j], 0), yFull)
            linkNewDepth[j] = max(0.5 * (y1 + y2), Hydraulics.fudge)
        }
    }

    // MARK: node geometry

    /// Stored volume (ft³) at node i for depth y (junctions and outfalls store nothing).
    func nodeVolume(_ i: Int, _ y: Double) -> Double {
        if let s = net.storage[i] { return s.volume(y) }
        return 0
    }

    /// Depth (ft) at node i holding volume v.
    func nodeDepth(_ i: Int, volume v: Double) -> Double {
        if let s = net.storage[i] { return s.depth(volume: v, maxDepth: net.fullDepth[i]) }
        return 0
    }

    /// Plan area of node i at depth y (ft²): storage curve area, 0 for junctions.
    func nodeSurfArea(_ i: Int, _ y: Double) -> Double {
        if let s = net.storage[i] { return s.area(y) }
        return 0
    }

    /// Surface area counting the ponded area above full depth (dynamic wave with ponding).
    func nodePondedArea(_ i: Int, _ y: Double) -> Double {
        if y <= net.fullDepth[i] || net.pondedArea[i] <= 0 { return nodeSurfArea(i, y) }
        return net.pondedArea[i]
    }

    /// Limits an outflow q from node i so that its volume cannot go negative over dt.
    func maxOutflow(_ i: Int, _ q: Double, _ dt: Double) -> Double {
        var q = q
        if net.fullVolume[i] > 0 {
            let qMax = inflow[i] + oldVolume[i] / dt
            if q > qMax { q = qMax }
        }
        return max(0, q)
    }

    // MARK: outfalls

    /// Sets the depth of the outfall at either end of link j from its boundary condition and the
    /// link's normal and critical depths (SWMM `link_setOutfallDepth`/`node_setOutfallDepth`).
    mutating func setOutfallDepth(_ j: Int, time: Double) {
        let n: Int, z: Double
        if net.nodeKind[net.node2[j]] == .outfall { n = net.node2[j]; z = net.offset2[j] }
        else if net.nodeKind[net.node1[j]] == .outfall { n = net.node1[j]; z = net.offset1[j] }
        else { return }
        var yNorm = 0.0, yCrit = 0.0
        if net.linkKind[j] == .conduit && net.xsect[j].kind != .dummy {
            let q = abs(newFlow[j] / net.barrels[j])
            if q == outfallMemoFlow[j] {
                yNorm = outfallMemoNormal[j]; yCrit = outfallMemoCritical[j]
            } else {
                yNorm = normalDepth(j, q)
                yCrit = net.xsect[j].criticalDepth(flow: q)
                outfallMemoFlow[j] = q; outfallMemoNormal[j] = yNorm; outfallMemoCritical[j] = yCrit
            }
        }
        guard let spec = net.outfall[n] else { return }
        let invert = net.invert[n]
        let stage: Double
        switch spec.kind {
        case .free: newDepth[n] = z > 0 ? 0 : min(yNorm, yCrit); return
        case .normal: newDepth[n] = z > 0 ? 0 : yNorm; return
        case .fixed(let s): stage = s
        case .tidal(let t): stage = t.lookup((time / 3600).truncatingRemainder(dividingBy: 24) + (t.x.first ?? 0))
        case .timeSeries(let t): stage = t.lookup(time)
        }
        let yc = min(yCrit, yNorm)
        var yNew: Double
        if yc + z + invert < stage { yNew = stage - invert }
        else if z > 0 { yNew = stage < invert + z ? max(0, stage - invert) : z + yc }
        else { yNew = yc }
        newDepth[n] = yNew
    }

    /// Normal depth (ft) of conduit j for per-barrel flow q (SWMM `link_getYnorm`).
    func normalDepth(_ j: Int, _ q: Double) -> Double {
        let c = net.conduit[j]
        let qq = min(abs(q), c.qMax)
        if qq <= 0 || c.beta <= 0 { return 0 }
        let x = net.xsect[j]
        return x.depth(area: x.area(sectionFactor: qq / c.beta))
    }

    // MARK: per-step bookkeeping (routing.c)

    /// Saves the current state as the old state and resets node flows to the lateral inflows.
    mutating func beginStep(dt: Double) {
        for j in 0..<net.linkCount {
            oldFlow[j] = newFlow[j]; oldLinkVolume[j] = newLinkVolume[j]
        }
        for i in 0..<net.nodeCount {
            oldDepth[i] = newDepth[i]; oldVolume[i] = newVolume[i]
            oldNetInflow[i] = inflow[i] - outflow[i]   // Seepage hook: outflow includes the node's losses
            inflow[i] = newLatFlow[i] >= 0 ? newLatFlow[i] : 0
            outflow[i] = newLatFlow[i] < 0 ? -newLatFlow[i] : 0
            losses[i] = 0
        }
    }

    /// Pump start-up/shut-off depths set the pumps' targets before controls run (`link_setTargetSetting`).
    mutating func setPumpTargets() {
        for j in 0..<net.linkCount where net.linkKind[j] == .pump {
            guard let p = net.pump[j] else { continue }
            let n1 = net.node1[j]
            targetSetting[j] = setting[j]
            if p.yOff > 0 && setting[j] > 0 && newDepth[n1] < p.yOff { targetSetting[j] = 0 }
            if p.yOn > 0 && setting[j] == 0 && newDepth[n1] > p.yOn { targetSetting[j] = 1 }
        }
    }

    /// Applies target settings (orifices move gradually over their open/close time).
    mutating func applySettings(dt: Double) -> Int {
        var changes = 0
        for j in 0..<net.linkCount where targetSetting[j] != setting[j] {
            changes += 1
            if net.linkKind[j] == .orifice, let o = net.orifice[j], o.openCloseTime > 0 {
                let delta = dt / o.openCloseTime
                let diff = targetSetting[j] - setting[j]
                setting[j] = abs(diff) <= delta ? targetSetting[j] : setting[j] + (diff > 0 ? delta : -delta)
            } else {
                setting[j] = targetSetting[j]
            }
        }
        return changes
    }

    /// One routing step of length dt (s) at simulation time `time` (s, end of the step).
    mutating func route(dt: Double, time: Double) {
        for i in 0..<net.nodeCount {
            updated[i] = false
            overflow[i] = 0
            if net.nodeKind[i] != .storage && newVolume[i] > net.fullVolume[i] {
                overflow[i] = (newVolume[i] - net.fullVolume[i]) / dt
            }
        }
        stepCount += 1
        if options.method == .dynamicWave {
            let it = dynamicWaveStep(dt: dt, time: time)
            lastIterations = it; totalIterations += it
        } else {
            kinematicWaveStep(dt: dt)
            lastIterations = 1; totalIterations += 1
        }
    }

    /// Flow leaving the system at node i (cfs): outfall discharge, or overflow lost as flooding.
    func systemOutflow(_ i: Int) -> (q: Double, flooded: Bool) {
        if net.nodeKind[i] == .outfall { return (inflow[i] - outflow[i], false) }
        if options.method != .dynamicWave && net.outDegree[i] == 0 && net.nodeKind[i] != .storage {
            return (outflow[i] == 0 ? inflow[i] : 0, false)
        }
        let q = newVolume[i] <= net.fullVolume[i] ? overflow[i] : 0
        return (q, q > 0)
    }

    /// Total water stored in nodes and links (ft³).
    public var storedVolume: Double {
        var v = 0.0
        for i in 0..<net.nodeCount { v += newVolume[i] }
        for j in 0..<net.linkCount { v += newLinkVolume[j] }
        return v
    }
}
