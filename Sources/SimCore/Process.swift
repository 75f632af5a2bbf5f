#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The phases of a tick, in the order the engine runs them (see `Engine.step()`).
///
/// Every process runs in exactly one phase; within a phase, processes run in the order they were
/// added. Ordering matters only for `.immediate` fields: double-buffered fields are read as they
/// were at the start of the tick in every phase.
public enum Phase: Int, CaseIterable, Codable, Sendable, Comparable, CustomStringConvertible {
    /// Boundary conditions for the tick: rain fields, inflow hydrographs, travel demand.
    case forcing
    /// Rainfall → runoff on subcatchments (infiltration, LID, non-linear reservoir).
    case runoff
    /// Surface → network exchange: inlet capture, runoff to nodes (dual drainage, surface side).
    case surfaceToNetwork
    /// Flow routing in the drainage network (kinematic or dynamic wave).
    case pipeRouting
    /// Network → surface exchange: manhole surcharge onto the surface grid.
    case networkToSurface
    /// 2D surface flow on the terrain raster (local inertial).
    case surfaceFlood
    /// Flood depth → road speed factors and closures.
    case floodToRoads
    /// Traffic decisions: departures, routes, signal programs.
    case trafficPlan
    /// Traffic movement: car following, lane changes, junctions.
    case trafficMove

    public static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .forcing: "forcing"
        case .runoff: "runoff"
        case .surfaceToNetwork: "surfaceToNetwork"
        case .pipeRouting: "pipeRouting"
        case .networkToSurface: "networkToSurface"
        case .surfaceFlood: "surfaceFlood"
        case .floodToRoads: "floodToRoads"
        case .trafficPlan: "trafficPlan"
        case .trafficMove: "trafficMove"
        }
    }
}

/// One simulated process (stormwater runoff, pipe routing, surface flood, traffic) or coupler.
///
/// A process is a struct (or a final class, if it must hold a live resource); the engine stores it
/// as `any Process` and calls, in order:
///
/// 1. `prepare(_:)` once, before the first tick, in phase order: declare the fields it writes and
///    the ledger accounts it books to, read its initial state, keep `context.rng` if it draws
///    random numbers.
/// 2. `bind(_:)` once, after every process is prepared: look up fields and accounts other
///    processes declared (entity indices, grids).
/// 3. Every tick from `t0` to `t1`: `maxStep(at: t0)` (to size the tick), then
///    `advance(from: t0, to: t1, fields:ledger:)` in its phase, then `commit()` once all phases
///    have run, then (internal checks builds) `checkInvariants(at:fields:ledger:)`.
/// 4. `finish()` once, when the run reaches its end time.
///
/// Between ticks the engine may call `snapshotState()` and, on a freshly prepared engine,
/// `restoreState(_:)`. A `Codable` process gets both for free (its whole value is the state);
/// customise its `CodingKeys` to leave out configuration that `prepare` rebuilds.
///
/// A process never sees another process; it meets them only through `ExchangeFields` and the
/// `Ledger`. Errors it throws stop the run with a `SimError` naming it and the time.
public protocol Process {
    /// Unique within an engine; keys the process's RNG stream and its snapshot state.
    var name: String { get }
    /// The phase the process runs in.
    var phase: Phase { get }

    /// Declares fields and ledger accounts and reads the initial state. Called once, at time 0.
    mutating func prepare(_ context: inout ProcessContext) throws

    /// Resolves fields and accounts declared by other processes. Called once, after every process
    /// is prepared. Default: nothing.
    mutating func bind(_ context: inout ProcessContext) throws

    /// The longest tick this process accepts from `time` (e.g. a CFL or Courant limit, or the time to
    /// its next forcing change), or nil for no limit. The engine never makes a tick longer than the
    /// smallest limit, nor shorter than 1 ms. Default: nil.
    func maxStep(at time: SimTime) -> SimDuration?

    /// Advances the process over the tick [`from`, `to`), taking as many internal sub-steps as it
    /// needs. Reads current field values, writes next values, books transfers in the ledger.
    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws

    /// Makes the state computed by `advance` current (for processes that keep old/new pairs).
    /// Called after every phase of the tick has run. Default: nothing.
    mutating func commit()

    /// Checks the process's own invariants (no negative stores, …) after a tick; only called in
    /// internal checks builds. Throw to stop the run. Default: nothing.
    func checkInvariants(at time: SimTime, fields: ExchangeFields, ledger: Ledger) throws

    /// Called once when the run reaches its end time (final statistics, closing files).
    /// Default: nothing.
    mutating func finish() throws

    /// The process's state, enough for `restoreState(_:)` to continue bit for bit.
    func snapshotState() throws -> Data

    /// Restores a state from `snapshotState()`. Called after `prepare` and `bind`.
    mutating func restoreState(_ data: Data) throws
}

/// Another name for `Process`, for files that also import Foundation (whose `Process` runs
/// subprocesses and makes the bare name ambiguous there).
public typealias SimProcess = Process

extension Process {
    public mutating func bind(_ context: inout ProcessContext) throws {}
    public func maxStep(at time: SimTime) -> SimDuration? { nil }
    public mutating func commit() {}
    public func checkInvariants(at time: SimTime, fields: ExchangeFields, ledger: Ledger) throws {}
    public mutating func finish() throws {}
}

extension Process where Self: Codable {
    /// The whole process, encoded with `SnapshotCoder`.
    public func snapshotState() throws -> Data { try SnapshotCoder.encode(self) }

    /// Replaces the whole process with the decoded state.
    public mutating func restoreState(_ data: Data) throws { self = try SnapshotCoder.decode(Self.self, from: data) }
}

/// What a process gets while preparing and binding.
public struct ProcessContext {
    /// The process's name.
    public let name: String
    /// The process's phase.
    public let phase: Phase
    /// The run's options (tick, report step, end time, seed).
    public let options: EngineOptions
    /// The time the run starts from (time 0).
    public let time: SimTime
    /// The process's own random stream: the run's generator `.stream(named: name)`. Keep it in the
    /// process's state so snapshots carry it.
    public let rng: SeededRNG
    /// The exchange fields: declare the ones this process owns in `prepare`.
    public var fields: ExchangeFields
    /// The ledger: open the accounts this process books to in `prepare`.
    public var ledger: Ledger

    public init(name: String, phase: Phase, options: EngineOptions, time: SimTime, rng: SeededRNG,
                fields: ExchangeFields, ledger: Ledger) {
        self.name = name; self.phase = phase; self.options = options; self.time = time; self.rng = rng
        self.fields = fields; self.ledger = ledger
    }
}

/// The encoding of process states in snapshots: a binary property list, which round-trips every
/// `Double`, `Float` (NaN and infinities included) and `UInt64` exactly.
public enum SnapshotCoder {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let e = PropertyListEncoder()
        e.outputFormat = .binary
        return try e.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try PropertyListDecoder().decode(type, from: data)
    }
}
