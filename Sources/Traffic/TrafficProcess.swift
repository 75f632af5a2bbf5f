import Foundation
import SimCore

/// The traffic simulation as a SimCore process in the `trafficMove` phase: each engine tick runs as
/// many traffic steps as fit (the engine's tick should be a multiple of the traffic step). Vehicles
/// are booked in the ledger: inserted vehicles flow from the "traffic demand" source into the
/// "traffic network" store, arrived ones on to the "traffic arrivals" sink; the store is set from
/// the vehicles on the lanes, so a lost or duplicated vehicle breaks the balance.
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

    public init(simulation: TrafficSimulation) { self.simulation = simulation }

    public mutating func prepare(_ context: inout ProcessContext) throws {
        source = try context.ledger.open("traffic demand", .inflow, of: .vehicles)
        store = try context.ledger.open("traffic network", .storage, of: .vehicles)
        sink = try context.ledger.open("traffic arrivals", .outflow, of: .vehicles)
        book(&context.ledger)
    }

    public func maxStep(at time: SimTime) -> SimDuration? { SimDuration(seconds: simulation.options.step) }

    public mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let c0 = cpuClock()
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
