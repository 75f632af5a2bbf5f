import CityModel
import Foundation

/// Surface runoff from subcatchments, as EPA SWMM 5.2 computes it (Rossman & Huber 2016, *SWMM
/// Reference Manual Vol. I — Hydrology*): each subcatchment is split into an impervious area without
/// depression storage, an impervious area with it, and a pervious area; each is a non-linear reservoir
///
///   dd/dt = i − e − f − α·(d − ds)^{5/3},   α = 1.49·W·√S / (n·A),
///
/// integrated over each runoff step with adaptive Cash–Karp Runge–Kutta (tolerance 1e-4). W is the
/// whole subcatchment's width and A the whole impervious (or pervious) area, as in SWMM. Runoff can be
/// routed between the sub-areas (OUTLET / IMPERVIOUS / PERVIOUS with a percentage) and to another
/// subcatchment (run-on, applied at the next step). The step is the wet step while it rains or water
/// runs off, the dry step otherwise, cut at rainfall and evaporation changes and at the end.
///
/// Internally everything is in SWMM's US units (ft, ft², ft/s, ft³/s) converted from the model's SI
/// values with ``SWMMUnits``; the public results are SI or in the model's own units as documented.
public struct RunoffModel: Sendable {
    struct Subarea: Sendable, Codable {
        var fArea = 0.0, n = 0.0, dStore = 0.0, alpha = 0.0, fOutlet = 1.0
        var depth = 0.0, inflow = 0.0, runoff = 0.0
    }
    struct Sub: Sendable, Codable {
        var area = 0.0
        var gage = -1
        var outNode = -1, outSub = -1
        var routeTo: SubcatchmentRunoffInputs.InternalRouting = .outlet
        var areas = [Subarea](repeating: Subarea(), count: 3)
        var infil = InfiltrationState.none
        var rainfall = 0.0, runon = 0.0
        var oldRunoff = 0.0, newRunoff = 0.0
        var stats = SubcatchmentRunoffStatistics()
        /// Area of the LID units placed in the subcatchment (ft²) — LID hook (LID.swift).
        var lidArea = 0.0
    }

    let units: SWMMUnits
    var subs: [Sub] = []
    /// LID units per subcatchment (LID.swift).
    var lids: [[LIDUnitGroup]] = []
    var gages: [RainGageState] = []
    var evap: EvaporationState
    let wetStep: Double, dryStep: Double, duration: Double
    let ignoreRainfall: Bool
    /// Monthly rainfall multipliers ([ADJUSTMENTS] RAINFALL), January first.
    let rainFactor: [Double]
    let start: StormwaterDateTime
    /// IDs of the subcatchments, in model order.
    public let subcatchmentIDs: [String]
    /// Number of drainage nodes of the model (lateral inflows are indexed like `model.drainageNodes`).
    public let nodeCount: Int

    /// Runoff clock (s from the start): the last step ran from `oldTime` to `newTime`.
    public internal(set) var oldTime = 0.0, newTime = 0.0
    var isRaining = false, hasRunoff = false
    /// Continuity totals (ft³).
    var totals = RunoffContinuity()
    /// Number of runoff steps taken.
    public internal(set) var steps = 0

    public init(model: CityModel) throws {
        guard let p = model.stormwater else { throw SimulationInputError("the model has no stormwater inputs") }
        units = p.units
        let o = p.options
        wetStep = o.wetStep; dryStep = max(o.dryStep, o.wetStep); duration = o.duration
        ignoreRainfall = o.ignoreRainfall
        rainFactor = p.adjustments.rainfall.count == 12 ? p.adjustments.rainfall : [Double](repeating: 1, count: 12)
        start = o.start
        evap = try EvaporationState(project: p, units: units)
        var gageIndex: [String: Int] = [:]
        for (i, g) in p.rainGages.enumerated() {
            gageIndex[g.id] = i
            gages.append(try RainGageState(gage: g, project: p, units: units))
        }
        let nodeIndex = Dictionary(model.drainageNodes.enumerated().map { ($1.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        let subIndex = Dictionary(model.subcatchments.enumerated().map { ($1.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        nodeCount = model.drainageNodes.count
        subcatchmentIDs = model.subcatchments.map(\.id.rawValue)
        lids = try Self.makeLIDGroups(project: p, model: model, units: units, nodeIndex: nodeIndex, subIndex: subIndex)
        for s in model.subcatchments {
            var x = Sub()
            x.area = units.toInternal(s.area, .landArea)
            // LID hook: the units' area leaves the subcatchment's sub-areas.
            x.lidArea = lids[subs.count].reduce(0) { $0 + $1.area }
            if x.lidArea > x.area * (1 + 1e-9) { throw SimulationInputError("LID units cover more than the area of subcatchment '\(s.id.rawValue)'") }
            x.lidArea = min(x.lidArea, x.area)
            x.gage = s.rainGauge.flatMap { gageIndex[$0.rawValue] } ?? -1
            if let k = nodeIndex[s.outlet] { x.outNode = k } else { x.outSub = subIndex[s.outlet] ?? -1 }
            let extra = p.subcatchmentRunoff[s.id.rawValue] ?? SubcatchmentRunoffInputs()
            let imp = s.imperviousness, zero = s.zeroStorageFraction
            let width = units.toInternal(s.width, .length)
            x.areas[0].fArea = imp * zero
            x.areas[1].fArea = imp * (1 - zero)
            x.areas[2].fArea = 1 - imp
            x.areas[0].n = s.nImpervious; x.areas[1].n = s.nImpervious; x.areas[2].n = s.nPervious
            x.areas[1].dStore = units.toInternal(s.storageImpervious, .rainDepth)
            x.areas[2].dStore = units.toInternal(s.storagePervious, .rainDepth)
            for i in 0..<3 {
                let a = (i == 2 ? 1 - imp : imp) * (x.area - x.lidArea)
                if a > 0 && x.areas[i].n > 0 { x.areas[i].alpha = 1.49 * width / a * s.slope.squareRoot() / x.areas[i].n }
            }
            x.routeTo = extra.internalRouting
            switch extra.internalRouting {
            case .outlet: break
            case .impervious: x.areas[2].fOutlet = 1 - extra.fractionRouted
            case .pervious: x.areas[0].fOutlet = 1 - extra.fractionRouted; x.areas[1].fOutlet = 1 - extra.fractionRouted
            }
            if imp < 1 { x.infil = InfiltrationState(s.infiltration, units: units) }
            subs.append(x)
        }
        totals.initialStorage = storage()
    }

    /// Whether the runoff clock has reached the end of the simulation.
    public var isFinished: Bool { newTime >= duration }

    /// Water ponded on all subcatchments (ft³).
    func storage() -> Double {
        subs.reduce(0) { acc, s in acc + s.areas.reduce(0) { $0 + $1.depth * $1.fArea * (s.area - s.lidArea) } } + lidStorage()
    }

    /// Advances runoff by one step (SWMM's `runoff_execute`).
    public mutating func step() {
        let t = newTime
        evap.setState(at: t)
        isRaining = false
        for j in gages.indices {
            if ignoreRainfall { continue }
            gages[j].setState(at: t)
            if gages[j].rainfall > 0 { isRaining = true }
        }
        var dt = isRaining || hasRunoff ? wetStep : dryStep
        var maxStep = evap.nextChange - t
        for g in gages { if let c = g.nextChange(after: t), c - t > 0, c - t < maxStep { maxStep = c - t } }
        maxStep = (maxStep).rounded()
        if maxStep > 0 && dt > maxStep { dt = maxStep }
        oldTime = newTime
        newTime += dt
        if newTime > duration { dt = duration - oldTime; newTime = duration }

        for j in subs.indices {
            subs[j].oldRunoff = subs[j].newRunoff
            subs[j].runon = 0
            for i in 0..<3 { subs[j].areas[i].inflow = 0 }
        }
        for j in subs.indices { getRunon(j) }
        hasRunoff = false
        let factor = rainFactor[start.adding(seconds: t).month - 1]
        for j in subs.indices where subs[j].area > 0 {
            subs[j].rainfall = subs[j].gage >= 0 ? gages[subs[j].gage].rainfall * factor : 0
            if subRunoff(j, dt) > 0 { hasRunoff = true }
            if lids[j].contains(where: \.isWet) { hasRunoff = true }
        }
        steps += 1
    }

    /// Runs runoff to the end of the simulation.
    public mutating func run() { while !isFinished { step() } }

    /// Run-on from the previous step: outflow of upstream subcatchments and flow routed between sub-areas.
    mutating func getRunon(_ j: Int) {
        let k = subs[j].outSub
        if k >= 0 && k != j && subs[k].area > 0 {
            let q = subs[j].oldRunoff / subs[k].area
            subs[k].runon += q
            for i in 0..<3 { subs[k].areas[i].inflow += q }
        }
        // LID hook: surface outflow returned to the pervious area, drain flow sent to another subcatchment.
        for g in lids[j] {
            let nonLid = subs[j].area - subs[j].lidArea
            if g.flowToPerv > 0 && subs[j].areas[2].fArea > 0 && nonLid > 0 {
                subs[j].areas[2].inflow += g.flowToPerv / (subs[j].areas[2].fArea * nonLid)
            }
            if g.drainSub >= 0 && subs[g.drainSub].area > 0 {
                let q = g.newDrainFlow / subs[g.drainSub].area
                subs[g.drainSub].runon += q
                for i in 0..<3 { subs[g.drainSub].areas[i].inflow += q }
            }
        }
        let a = subs[j].areas
        if a[2].fArea > 0 && subs[j].routeTo == .pervious {
            let q = a[0].runoff * a[0].fArea + a[1].runoff * a[1].fArea
            subs[j].areas[2].inflow += q * (1 - a[0].fOutlet) / a[2].fArea
        }
        if a[0].fArea + a[1].fArea > 0 && subs[j].routeTo == .impervious && a[1].fArea > 0 {
            subs[j].areas[1].inflow += a[2].runoff * (1 - a[2].fOutlet) * a[2].fArea / a[1].fArea
        }
    }

    /// One subcatchment's runoff over a step (SWMM's `subcatch_getRunoff`); returns its total runoff
    /// rate over its area (ft/s) and stores the flow leaving it (cfs) in `newRunoff`.
    mutating func subRunoff(_ j: Int, _ dt: Double) -> Double {
        var s = subs[j]
        let area = s.area - s.lidArea
        let vRunon = s.runon * dt * s.area
        let evapRate = evap.dryOnly && s.rainfall > 0 ? 0 : evap.rate
        var vEvap = 0.0, vInfil = 0.0, vOut = 0.0, vImp = 0.0, vPerv = 0.0, total = 0.0
        for i in 0..<3 {
            let a = s.areas[i].fArea * area
            guard a > 0 else { s.areas[i].runoff = 0; continue }
            var sa = s.areas[i]
            var tRunoff = dt
            var moisture = sa.depth / dt
            let surfEvap = min(moisture, evapRate)
            var infil = 0.0
            if i == 2 {
                infil = s.infil.rate(step: dt, rain: s.rainfall, runon: sa.inflow, depth: sa.depth, recovery: evap.recoveryFactor)
            }
            sa.inflow += s.rainfall
            moisture += sa.inflow
            vEvap += surfEvap * a * dt
            vInfil += infil * a * dt
            var runoff = 0.0
            if surfEvap + infil >= moisture {
                sa.depth = 0
            } else {
                sa.inflow -= surfEvap + infil
                Self.updatePondedDepth(&sa, &tRunoff)
                let x = sa.depth - sa.dStore
                if x > 1e-6 {
                    if sa.n > 0 { runoff = sa.alpha * pow(x, 5.0 / 3.0) } else { runoff = x / tRunoff; sa.depth = sa.dStore }
                }
            }
            sa.runoff = runoff
            s.areas[i] = sa
            let v = sa.fOutlet * runoff * a * dt
            vOut += v
            if i < 2 { vImp += v } else { vPerv += v }
            total += runoff * s.areas[i].fArea
        }
        // LID hook: units capture part of this step's runoff and return surface and drain outflow.
        var vDrainOut = 0.0
        if !lids[j].isEmpty {
            let a = s.areas
            var qImp = (a[0].runoff * a[0].fArea + a[1].runoff * a[1].fArea) * area
            if s.routeTo == .pervious && a[2].fArea > 0 { qImp *= a[0].fOutlet }
            let qPerv = a[2].runoff * a[2].fArea * area * a[2].fOutlet
            subs[j] = s
            let r = evalLIDs(j, qImperv: qImp, qPerv: qPerv, rain: s.rainfall, runon: s.runon,
                             fullArea: area <= 0, evapRate: evapRate, dt: dt)
            vOut += r.toOutlet + r.drainToOutlet - r.captured
            // Drain flow to the outlet node or to another node is "LID drainage"; to a subcatchment it is run-on.
            vDrainOut = s.outNode >= 0 ? r.drainToOutlet : 0
            vEvap += r.evap
            vInfil += r.infil
            totals.drains += vDrainOut + r.drainToNode
        }
        s.newRunoff = vOut / dt
        let vRain = s.rainfall * dt * s.area
        totals.rainfall += vRain
        totals.evaporation += vEvap
        totals.infiltration += vInfil
        if s.outNode >= 0 { totals.runoff += vOut - vDrainOut }
        s.stats.precipitation += s.rainfall * dt
        s.stats.runon += vRunon
        s.stats.evaporation += vEvap
        s.stats.infiltration += vInfil
        s.stats.imperviousRunoff += vImp
        s.stats.perviousRunoff += vPerv
        s.stats.runoff += vOut
        s.stats.peakRunoff = max(s.stats.peakRunoff, s.newRunoff)
        subs[j] = s
        return total
    }

    /// Ponded depth over a step: fill depression storage first, then integrate the reservoir.
    static func updatePondedDepth(_ sa: inout Subarea, _ dt: inout Double) {
        let ix = sa.inflow
        if sa.depth + ix * dt <= sa.dStore {
            sa.depth += ix * dt
        } else {
            var tx = 0.0
            let dx = sa.dStore - sa.depth
            if dx > 0 && ix > 0 { tx = dx / ix; sa.depth = sa.dStore }
            dt -= tx
            if sa.alpha > 0 && dt > 0 {
                let alpha = sa.alpha, ds = sa.dStore
                sa.depth = CashKarp.integrate(sa.depth, over: dt, tolerance: 1e-4) { d in
                    let rx = d - ds
                    return ix - (rx < 0 ? 0 : alpha * pow(rx, 5.0 / 3.0))
                }
            } else {
                if dt < 0 { dt = 0 }
                sa.depth += ix * dt
            }
        }
        if sa.depth < 0 { sa.depth = 0 }
    }

    // MARK: - Results

    /// Runoff of the subcatchment at index `j` (m³/s) at the end of the last step.
    public func runoff(ofSubcatchment j: Int) -> Double { units.toSI(subs[j].newRunoff, .flow) }

    /// Adds the lateral inflow (m³/s) that runoff sends to each node at time `t` (s from the start, in
    /// `oldTime...newTime`), interpolated linearly between the last two runoff steps as SWMM does.
    /// `inflow` is indexed like `model.drainageNodes`.
    public func addLateralInflows(at t: Double, to inflow: inout [Double]) {
        let span = newTime - oldTime
        let f = span > 0 ? min(max((t - oldTime) / span, 0), 1) : 1
        for s in subs where s.outNode >= 0 {
            inflow[s.outNode] += units.toSI((1 - f) * s.oldRunoff + f * s.newRunoff, .flow)
        }
        // LID hook: drain flow sent to a node other than the outlet.
        for g in lids.joined() where g.drainNode >= 0 {
            inflow[g.drainNode] += units.toSI((1 - f) * g.oldDrainFlow + f * g.newDrainFlow, .flow)
        }
    }

    /// Runoff continuity so far, in the model's volume units (ft³ or m³).
    public var continuity: RunoffContinuity {
        var c = totals
        c.finalStorage = storage()
        let v = 1 / units.internalPerFileUnit(.volume)
        return RunoffContinuity(rainfall: c.rainfall * v, evaporation: c.evaporation * v, infiltration: c.infiltration * v,
                                runoff: c.runoff * v, drains: c.drains * v, initialStorage: c.initialStorage * v,
                                finalStorage: c.finalStorage * v, tinyImbalance: v)
    }

    /// Per-subcatchment statistics in the model's units: depth in in or mm, volumes in ft³ or m³,
    /// flow in the model's flow units.
    public var statistics: [(id: String, stats: SubcatchmentRunoffStatistics)] {
        let v = 1 / units.internalPerFileUnit(.volume), d = 1 / units.internalPerFileUnit(.rainDepth)
        let q = 1 / units.internalPerFileUnit(.flow)
        return zip(subcatchmentIDs, subs).map { id, s in
            var x = s.stats
            x.precipitation *= d; x.runon *= v; x.evaporation *= v; x.infiltration *= v
            x.imperviousRunoff *= v; x.perviousRunoff *= v; x.runoff *= v; x.peakRunoff *= q
            return (id, x)
        }
    }
}

/// Runoff statistics of one subcatchment (SWMM's subcatchment runoff summary).
public struct SubcatchmentRunoffStatistics: Sendable, Hashable, Codable {
    /// Rainfall depth (in or mm in reports; ft internally).
    public var precipitation = 0.0
    /// Volumes of run-on, evaporation, infiltration, impervious and pervious runoff and total runoff.
    public var runon = 0.0, evaporation = 0.0, infiltration = 0.0
    public var imperviousRunoff = 0.0, perviousRunoff = 0.0, runoff = 0.0
    /// Peak runoff rate.
    public var peakRunoff = 0.0
}

/// Runoff continuity terms (volumes) and SWMM's error, 100·(1 − out/in).
public struct RunoffContinuity: Sendable, Hashable, Codable {
    public var rainfall = 0.0, evaporation = 0.0, infiltration = 0.0, runoff = 0.0
    /// Drain flow of LID units (SWMM's "LID Drainage").
    public var drains = 0.0
    public var initialStorage = 0.0, finalStorage = 0.0
    /// An imbalance smaller than this volume (SWMM: 1 ft³) is reported as an error of 1e-6 %.
    public var tinyImbalance = 1.0

    public var inflow: Double { rainfall + initialStorage }
    public var outflow: Double { evaporation + infiltration + runoff + drains + finalStorage }
    /// Continuity error (%).
    public var errorPercent: Double {
        let i = inflow, o = outflow
        if abs(i - o) < tinyImbalance { return 1e-6 }
        if i > 0 { return 100 * (1 - o / i) }
        if o > 0 { return 100 * (i / o - 1) }
        return 0
    }
}
