import CityModel
import Foundation
import SimCore

/// Stormwater (runoff and pipe routing of a SWMM model) as a SimCore process.
///
/// Runs in the `pipeRouting` phase. Runoff is computed inside the same process, ahead of routing,
/// as SWMM does (routing interpolates runoff between runoff times, Rossman 2017, *SWMM Reference
/// Manual Vol. II*, §3.4); within a tick the process takes its own routing steps (the variable
/// Courant step under dynamic wave) and cuts the last one at the tick's end. `maxStep(at:)`
/// proposes the next routing step, so an engine whose base tick and report step are at least the
/// routing step advances one routing step per tick and reproduces `StormwaterSimulation.run()`
/// exactly.
///
/// Exchange fields (SI, `StandardFields`), over the model's drainage node IDs:
/// - reads `.nodeInflow` (m³/s into the network, e.g. water captured by inlets) and adds it to the
///   nodes' lateral inflow over the next tick, counted as external inflow;
/// - writes `.nodeHead` (m above the model datum: invert + depth) at the end of each tick;
/// - writes `.nodeOverflow` (m³/s out of the network): the tick-average flooding rate of each node.
///
/// Rain comes from the model's own rain gages; the `.rainRate` field is not read yet.
///
/// Ledger (`.water`, m³): inflows `stormwater rainfall` and `stormwater inflows` (dry weather,
/// external and exchange inflows); outflows `stormwater infiltration and evaporation` (with
/// seepage), `stormwater outfalls`, `stormwater flooding`; the store `stormwater` (water ponded on
/// subcatchments, in transit to the network, and in nodes and conduits); and the outflow
/// `stormwater continuity error`, where the scheme's own runoff and routing continuity errors (the
/// ones SWMM reports) are booked, so the ledger balances and the error stays visible.
public struct StormwaterProcess: SimProcess {
    public let name: String
    public var phase: Phase { .pipeRouting }
    /// The run being advanced.
    public private(set) var simulation: StormwaterSimulation
    let nodeIDs: [String]
    /// Node inverts in metres above the datum.
    let invertM: [Double]

    /// Cumulative volumes (m³) booked so far, by account.
    struct Booked: Codable, Sendable, Equatable {
        var rainfall = 0.0, inflows = 0.0, losses = 0.0, outfalls = 0.0, flooding = 0.0, error = 0.0
        /// The store's content (m³) at the last booking.
        var store = 0.0
    }
    var booked = Booked()
    var accounts: [AccountID] = []

    /// m³ per ft³ and m³/s per cfs (exact).
    static let cubicMetresPerCubicFoot = 0.3048 * 0.3048 * 0.3048

    /// A process over `model` (with its `stormwater` inputs); runoff when it has subcatchments.
    public init(model: CityModel, name: String = "stormwater", file: String = "model") throws {
        try SWMMRun.checkSupported(model)
        let runoff: RunoffModel? = model.subcatchments.isEmpty ? nil : try RunoffModel(model: model)
        simulation = try StormwaterSimulation(model: model, runoff: runoff, threads: 1, file: file)
        self.name = name
        let net = simulation.router.net
        nodeIDs = net.nodeIDs
        invertM = net.invert.map { $0 * 0.3048 }
    }

    /// The routing summary (as `StormwaterSimulation.summary`).
    public var summary: RoutingSummary { simulation.summary }

    // MARK: SimProcess

    public mutating func prepare(_ context: inout ProcessContext) throws {
        try context.fields.declare(.nodeInflow, initial: EntityVector(ids: nodeIDs))
        try context.fields.declare(.nodeOverflow, initial: EntityVector(ids: nodeIDs))
        try context.fields.declare(.nodeHead, initial: EntityVector(ids: nodeIDs, values: heads()))
        let water = Quantity.water
        accounts = [
            try context.ledger.open("stormwater rainfall", .inflow, of: water),
            try context.ledger.open("stormwater inflows", .inflow, of: water),
            try context.ledger.open("stormwater infiltration and evaporation", .outflow, of: water),
            try context.ledger.open("stormwater outfalls", .outflow, of: water),
            try context.ledger.open("stormwater flooding", .outflow, of: water),
            try context.ledger.open("stormwater continuity error", .outflow, of: water),
            try context.ledger.open("stormwater", .storage, of: water, initial: stored()),
        ]
        booked = Booked()
        booked.store = stored()
    }

    public func maxStep(at time: SimTime) -> SimDuration? {
        if simulation.isFinished { return nil }
        var probe = simulation
        return .init(seconds: probe.nextStep())
    }

    public mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        // Exchange inflow (m³/s → cfs), held over the tick.
        let q = try fields.value(.nodeInflow)
        if q.values.contains(where: { $0 != 0 }) {
            simulation.coupledInflow = q.values.map { $0 / Self.cubicMetresPerCubicFoot }
        } else if !simulation.coupledInflow.isEmpty {
            simulation.coupledInflow = []
        }
        let flood0 = simulation.statistics.nodeFloodVolume
        let end = min(to.seconds, simulation.duration)
        while !simulation.isFinished && simulation.time < end - 1e-9 { simulation.step(until: end) }

        let span = (to - from).seconds
        let flood = zip(simulation.statistics.nodeFloodVolume, flood0).map { span > 0 ? ($0 - $1) * Self.cubicMetresPerCubicFoot / span : 0 }
        try fields.write(.nodeOverflow, EntityVector(ids: nodeIDs, values: flood))
        try fields.write(.nodeHead, EntityVector(ids: nodeIDs, values: heads()))
        book(&ledger)
    }

    public mutating func finish() throws { simulation.finish() }

    public func snapshotState() throws -> Data {
        try SnapshotCoder.encode(SavedState(simulation: simulation.savedState, booked: booked))
    }

    public mutating func restoreState(_ data: Data) throws {
        let s = try SnapshotCoder.decode(SavedState.self, from: data)
        simulation.savedState = s.simulation
        booked = s.booked
    }

    struct SavedState: Codable {
        var simulation: StormwaterSimulation.SavedState
        var booked: Booked
    }

    // MARK: bookkeeping

    /// Node heads (m above the datum).
    func heads() -> [Double] {
        let d = simulation.router.newDepth
        return (0..<nodeIDs.count).map { invertM[$0] + d[$0] * 0.3048 }
    }

    /// Water held by the run (m³): ponded on subcatchments, in transit from runoff to routing
    /// (runoff runs ahead of routing), and in nodes and conduits.
    func stored() -> Double {
        var v = simulation.router.storedVolume
        if let r = simulation.runoff as? RunoffModel {
            v += r.storage() + r.totals.runoff - simulation.continuity.wetWeatherInflow
        }
        return v * Self.cubicMetresPerCubicFoot
    }

    /// Books the volumes moved since the last call (cumulative totals minus what was booked).
    mutating func book(_ ledger: inout Ledger) {
        let f = Self.cubicMetresPerCubicFoot
        let c = simulation.continuity
        let r = (simulation.runoff as? RunoffModel)?.totals
        var now = Booked()
        now.rainfall = (r?.rainfall ?? 0) * f
        now.inflows = (c.dryWeatherInflow + c.externalInflow + c.groundwaterInflow + c.rdiiInflow) * f
        now.losses = ((r?.infiltration ?? 0) + (r?.evaporation ?? 0) + c.evaporationLoss + c.seepageLoss) * f
        now.outfalls = c.externalOutflow * f
        now.flooding = c.floodingLoss * f
        let store = stored()
        let rain = accounts[0], inflow = accounts[1], losses = accounts[2], outfalls = accounts[3], flooding = accounts[4]
        let errorAccount = accounts[5], storage = accounts[6]
        let dIn = (now.rainfall - booked.rainfall) + (now.inflows - booked.inflows)
        let dOut = (now.losses - booked.losses) + (now.outfalls - booked.outfalls) + (now.flooding - booked.flooding)
        ledger.book(now.rainfall - booked.rainfall, from: rain, to: storage)
        ledger.book(now.inflows - booked.inflows, from: inflow, to: storage)
        ledger.book(now.losses - booked.losses, from: storage, to: losses)
        ledger.book(now.outfalls - booked.outfalls, from: storage, to: outfalls)
        ledger.book(now.flooding - booked.flooding, from: storage, to: flooding)
        // The store holds less than the transfers say by the scheme's continuity error.
        let error = booked.store + dIn - dOut - store
        ledger.book(error, from: storage, to: errorAccount)
        ledger.setStored(store, in: storage)
        now.error = booked.error + error
        now.store = store
        booked = now
    }
}
