import Geometry
import SimCore

/// The manhole ↔ surface exchange of a dual-drainage run, as a SimCore process (phase
/// `networkToSurface`), between a pipe-routing process that owns `.nodeHead` and `.nodeInflow`
/// (`StormwaterProcess`) and a surface flood that owns `.surfaceDepth` and applies
/// `.surfaceExchange` (`FloodProcess`).
///
/// **Scheme** (explicit, one exchange per tick, in the manner of Leandro & Martins 2016's
/// SWMM–2D link). In the tick [t_k, t_k+1) of length Δt_k:
/// 1. The pipe network receives the flow Q_{k−1} decided in the previous tick (`.nodeInflow` is a
///    flux field: visible one tick later), i.e. the volume V = Q_{k−1}·Δt_k; the coupler writes
///    −V/Δt_k to `.surfaceExchange`, which the flood applies in the same tick. Both sides see the
///    same volume, so the exchange conserves water exactly. A removal from the surface never takes
///    more than the water on the cell at t_k (the flood's depth at the start of the tick); what the
///    pipe received beyond that is carried as a *debt* and taken from the cell as soon as water is
///    there, and reported (``debt``).
/// 2. From the levels at t_k (pipe head `.nodeHead`, surface depth `.surfaceDepth`, the ground at
///    the cell) it computes Q_k with ``ManholeExchange/flow(pipeHead:surface:depth:inlet:coefficients:)``,
///    under-relaxes it (``ExchangeCoefficients/relaxation``), caps inflow at the inlet's capacity,
///    and limits it so that neither side goes negative or overshoots within one base tick Δt_max:
///    inflow Q·Δt_max ≤ min(h·A_cell left after step 1, (H_s − max(H_p, z))·A_cell); surcharge
///    |Q|·Δt_max ≤ (H_p − H_s)·A_cell (the street level rises at most to the pipe head). These are
///    the head-difference limits of Chen et al. 2007 that stop the explicit exchange from
///    oscillating.
///
/// Units: flows m³/s (positive into the network), volumes m³, heads and levels m above the datum.
/// The process moves no water itself, so it books nothing; the two sides book their own accounts
/// (see ``CoupledWaterBalance``).
public struct DualDrainageProcess: SimProcess, Codable {
    public let name: String
    public var phase: Phase { .networkToSurface }
    /// The coupled inlets, one surface cell each (cells distinct).
    public let inlets: [ManholeInlet]
    /// Ground (weir crest) at each inlet's cell (m above the datum).
    public let surface: [Double]
    /// Plan area of a surface cell (m²).
    public let cellArea: Double
    public let coefficients: ExchangeCoefficients
    /// Interval of the recorded exchange hydrograph (s).
    public let sampleInterval: Double

    /// The flow decided last tick, applied this tick (m³/s, positive into the network), per inlet.
    public private(set) var flow: [Double]
    /// Volume the pipes received but the surface has not yet given (m³, ≥ 0), per inlet.
    public private(set) var debt: [Double]
    /// Cumulative volume into the network through each inlet (m³; negative: net surcharge).
    public private(set) var toNetwork: [Double]
    /// Cumulative volume the surface gave up at each inlet (m³; negative: net gained).
    public private(set) var fromSurface: [Double]
    /// Cumulative surcharge volume onto the surface (m³, ≥ 0) and drained volume (m³, ≥ 0), per inlet.
    public private(set) var surcharged: [Double], drained: [Double]
    /// The regime of the last computed flow, per inlet.
    public private(set) var regime: [ExchangeRegime]
    /// Recorded hydrograph: times (s) and the flow applied in the tick starting then (m³/s) per inlet.
    public private(set) var sampleTimes: [Double] = []
    public private(set) var samples: [[Double]] = []

    var nodeIndex: [Int] = []
    var baseTick = 1.0
    var nextSample = 0.0

    /// - Parameters:
    ///   - surface: ground at each inlet's cell (m above the datum), e.g. `FloodGrid.bed[cell]`.
    ///   - cellArea: plan area of a surface cell (m²).
    /// - Throws: `InputError` when two inlets share a cell, a diameter is not positive, or the
    ///   coefficients are out of range.
    public init(name: String = "dual drainage", inlets: [ManholeInlet], surface: [Double], cellArea: Double,
                coefficients: ExchangeCoefficients = ExchangeCoefficients(), sampleInterval: Double = 10) throws {
        guard surface.count == inlets.count else {
            throw InputError(.badValue, "dual drainage: \(inlets.count) inlets but \(surface.count) surface levels", at: SourceLocation(file: name))
        }
        var seen = Set<Int>()
        for m in inlets {
            let at = SourceLocation(file: name, feature: m.node)
            guard seen.insert(m.cell).inserted else { throw InputError(.duplicateID, "inlet \(m.node): cell \(m.cell) is already coupled to another inlet", at: at) }
            guard m.diameter > 0, m.diameter.isFinite else { throw InputError(.badValue, "inlet \(m.node): diameter \(m.diameter) m must be positive", at: at) }
            if let c = m.capacity, !(c >= 0) { throw InputError(.badValue, "inlet \(m.node): capacity \(c) m³/s must be ≥ 0", at: at) }
        }
        let c = coefficients
        guard c.weir > 0, c.orifice > 0, c.relaxation > 0, c.relaxation <= 1, c.gravity > 0 else {
            throw InputError(.badValue, "dual drainage: coefficients need C_w > 0, C_o > 0, 0 < α ≤ 1, g > 0", at: SourceLocation(file: name))
        }
        guard cellArea > 0 else { throw InputError(.badValue, "dual drainage: cell area must be positive", at: SourceLocation(file: name)) }
        self.name = name; self.inlets = inlets; self.surface = surface; self.cellArea = cellArea
        self.coefficients = coefficients; self.sampleInterval = sampleInterval
        let zero = [Double](repeating: 0, count: inlets.count)
        flow = zero; debt = zero; toNetwork = zero; fromSurface = zero; surcharged = zero; drained = zero
        regime = Array(repeating: .none, count: inlets.count)
    }

    // MARK: SimProcess

    public mutating func prepare(_ context: inout ProcessContext) throws {
        try context.fields.declare(.surfaceExchange, initial: EntityVector(ids: inlets.map { String($0.cell) }))
        baseTick = context.options.tick.seconds
    }

    public mutating func bind(_ context: inout ProcessContext) throws {
        let heads = try context.fields.value(.nodeHead)
        nodeIndex = try inlets.map { m in
            guard let i = heads.index(of: m.node) else {
                throw SimError(.undeclared, "\(name): node \(m.node) is not a node of the drainage network")
            }
            return i
        }
        let depth = try context.fields.value(.surfaceDepth)
        for m in inlets where m.cell >= depth.values.count {
            throw SimError(.fieldShape, "\(name): inlet \(m.node) cell \(m.cell) is outside the \(depth.grid.width)×\(depth.grid.height) surface grid")
        }
        _ = try context.fields.value(.nodeInflow)
    }

    public mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let dt = (to - from).seconds
        guard dt > 0 else { return }
        let heads = try fields.value(.nodeHead), depth = try fields.value(.surfaceDepth)
        let a = cellArea, limitStep = max(baseTick, dt)
        var surfaceRate = [Double](repeating: 0, count: inlets.count)
        var next = flow
        for k in inlets.indices {
            let m = inlets[k], h = Double(depth.values[m.cell])
            // 1. The volume the pipes take this tick (decided last tick), given up by the surface.
            let vPipe = flow[k] * dt
            let owed = vPipe + debt[k]
            var vSurface: Double
            if owed > 0 { vSurface = min(owed, h * a); debt[k] = owed - vSurface }
            else { vSurface = owed; debt[k] = 0 }
            toNetwork[k] += vPipe; fromSurface[k] += vSurface
            if vPipe < 0 { surcharged[k] -= vPipe } else { drained[k] += vPipe }
            surfaceRate[k] = -vSurface / dt
            // 2. The flow for the next tick, from the levels now.
            let hp = heads[nodeIndex[k]], z = surface[k]
            let (q0, r) = ManholeExchange.flow(pipeHead: hp, surface: z, depth: h, inlet: m, coefficients: coefficients)
            var q = flow[k] + coefficients.relaxation * (q0 - flow[k])
            let left = max(h - vSurface / a, 0), hs = z + h
            if q0 > 0 {
                let drop = max(hs - max(hp, z), 0)
                q = min(max(q, 0), min(left, drop) * a / limitStep)
                if let cap = m.capacity { q = min(q, cap) }
            } else if q0 < 0 {
                q = max(min(q, 0), -(hp - hs) * a / limitStep)
            } else {
                q = 0
            }
            next[k] = q
            regime[k] = r
        }
        if from.seconds >= nextSample - 1e-9 {
            sampleTimes.append(from.seconds)
            samples.append(inlets.indices.map { flow[$0] })
            nextSample = from.seconds + sampleInterval
        }
        flow = next
        try fields.write(.surfaceExchange, EntityVector(ids: inlets.map { String($0.cell) }, values: surfaceRate))
        try fields.update(.nodeInflow) { v in
            for k in inlets.indices { v.values[nodeIndex[k]] += next[k] }
        }
    }

    // MARK: results

    /// The recorded hydrograph of inlet `k`: (time s, flow m³/s positive into the network).
    public func hydrograph(of k: Int) -> [(time: Double, flow: Double)] {
        zip(sampleTimes, samples).map { ($0, $1[k]) }
    }

    enum CodingKeys: String, CodingKey {
        case name, inlets, surface, cellArea, coefficients, sampleInterval, flow, debt, toNetwork, fromSurface
        case surcharged, drained, regime, sampleTimes, samples, nodeIndex, baseTick, nextSample
    }
}
