import Foundation
import SimCore

/// The traffic simulation as a SimCore process in the `trafficMove` phase: each engine tick runs as
/// many traffic steps as fit (the engine's tick should be a multiple of the traffic step). Vehicles
/// are booked in the ledger: inserted vehicles flow from the "traffic demand" source into the
/// "traffic network" store, arrived ones on to the "traffic arrivals" sink; the store is set from
/// the vehicles on the lanes, so a lost or duplicated vehicle breaks the balance.
///
/// When a coupler declares `.roadSpeedFactor` (per road edge ID: 1 free, 0 closed), each tick that
/// it changed the process caps the edges' speeds at factor × speed limit (closed edges at
/// `closedEdgeSpeed`, so vehicles already on them crawl out) and re-routes around closed edges.
///
/// Snapshots are not supported yet (`snapshotState` throws).
public struct TrafficProcess: SimProcess {
    public var name = "traffic"
    public var phase = Phase.trafficMove
    public private(set) var simulation: TrafficSimulation
    var source: AccountID?, store: AccountID?, sink: AccountID?
    var bookedInserted = 0, bookedArrived = 0
    /// CPU seconds spent inside `advance`.
    public private(set) var cpuSeconds = 0.0
    /// Speed (m/s) on a closed edge for the vehicles already on it.
    public var closedEdgeSpeed = 1.0
    /// Graph edge of each entry of `.roadSpeedFactor` (-1: not a traffic edge); empty without one.
    var speedFactorEdges: [Int] = []
    var appliedFactors: [Double] = []
    /// Vehicles re-routed around closures so far.
    public private(set) var rerouted = 0

    public init(simulation: TrafficSimulation) { self.simulation = simulation }

    public mutating func prepare(_ context: inout ProcessContext) throws {
        source = try context.ledger.open("traffic demand", .inflow, of: .vehicles)
        store = try context.ledger.open("traffic network", .storage, of: .vehicles)
        sink = try context.ledger.open("traffic arrivals", .outflow, of: .vehicles)
        book(&context.ledger)
    }

    public mutating func bind(_ context: inout ProcessContext) throws {
        guard context.fields.isDeclared(FieldKey<EntityVector>.roadSpeedFactor.name) else { speedFactorEdges = []; return }
        let f = try context.fields.value(.roadSpeedFactor)
        speedFactorEdges = f.ids.map { simulation.graph.edgeIndex[$0] ?? -1 }
    }

    public func maxStep(at time: SimTime) -> SimDuration? { SimDuration(seconds: simulation.options.step) }

    public mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let c0 = cpuClock()
        if !speedFactorEdges.isEmpty {
            let f = try fields.value(.roadSpeedFactor).values
            if f != appliedFactors {
                let g = simulation.graph
                var factors = [Double](repeating: 1, count: g.edgeCount), caps = [Double](repeating: .infinity, count: g.edgeCount)
                for (k, e) in speedFactorEdges.enumerated() where e >= 0 {
                    factors[e] = f[k]
                    let limit = g.laneSpeed[Int(g.edgeLaneStart[e])]
                    caps[e] = f[k] >= 1 ? .infinity : (f[k] <= 0 ? closedEdgeSpeed : f[k] * limit)
                }
                rerouted += simulation.setEdgeSpeeds(caps: caps, speedFactors: factors)
                appliedFactors = f
            }
        }
        while simulation.time < to.seconds - 1e-9 { simulation.step() }
        cpuSeconds += cpuClock() - c0
        book(&ledger)
    }

    mutating func book(_ ledger: inout Ledger) {
        let c = simulation.counts
        ledger.book(Double(c.inserted - bookedInserted), from: source!, to: store!)
        ledger.book(Double(c.arrived - bookedArrived), from: store!, to: sink!)
        bookedInserted = c.inserted; bookedArrived = c.arrived
        ledger.setStored(Double(simulation.vehiclesOnLanes), in: store!)
    }

    public func checkInvariants(at time: SimTime, fields: ExchangeFields, ledger: Ledger) throws {
        simulation.checkConservation()
    }

    public mutating func finish() throws { simulation.finishIntervals() }

    public func snapshotState() throws -> Data {
        throw SimError(.invalidOptions, "traffic: snapshots are not supported yet")
    }

    public mutating func restoreState(_ data: Data) throws {
        throw SimError(.invalidOptions, "traffic: snapshots are not supported yet")
    }
}

/// CPU time of this process (s), all threads.
public func cpuClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

extension TrafficSimulation {
    /// Vehicles currently on lanes (counted from the lanes, not from the counters).
    public var vehiclesOnLanes: Int { laneN.reduce(0) { $0 + Int($1) } }
}
