#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything needed to continue a run bit for bit: the time, the root random generator, every
/// field's current value, the ledger and each process's state (by name).
///
/// Taken between ticks with `Engine.snapshot()`; restored with `Engine.restore(_:)` onto an engine
/// configured with the same processes (a fresh one, or the same one to rewind). `Codable` (numbers
/// in fields and process states are stored as exact bit patterns) and `Hashable`, so two snapshots
/// compare equal exactly when the two runs are in the same state. Observers are not part of a
/// snapshot: they keep what they recorded and carry on from the restored time.
public struct EngineSnapshot: Hashable, Codable, Sendable {
    /// One process's state, from `Process.snapshotState()`.
    public struct ProcessState: Hashable, Codable, Sendable {
        public var name: String
        public var phase: Phase
        public var state: Data
    }

    /// The version of this layout; bumped when it changes incompatibly.
    public static let currentFormat = 1

    public var format: Int
    public var time: SimTime
    public var tickCount: Int
    /// The options of the run the snapshot was taken from (for reference; the restoring engine keeps
    /// its own).
    public var options: EngineOptions
    public var rng: SeededRNG
    /// Every field, sorted by name.
    public var fields: [FieldSnapshot]
    public var ledger: Ledger
    /// Every process, in run order.
    public var processes: [ProcessState]
}

extension Engine {
    /// The engine's state between ticks.
    ///
    /// - Throws: `.processFailed` if a process cannot encode its state; `.notRunnable` before
    ///   `prepare()` or after an error.
    public func snapshot() throws -> EngineSnapshot {
        switch state {
        case .running, .finished: break
        case .configuring: throw SimError(.notRunnable, "prepare() the engine before taking a snapshot", time: time)
        case .failed: throw SimError(.notRunnable, "an error left the engine inside a tick; nothing consistent to snapshot", time: time)
        }
        var states: [EngineSnapshot.ProcessState] = []
        for p in processes {
            do { states.append(.init(name: p.name, phase: p.phase, state: try p.snapshotState())) } catch {
                throw wrap(error, .processFailed, "could not save its state", process: p, tick: nil)
            }
        }
        return EngineSnapshot(format: EngineSnapshot.currentFormat, time: time, tickCount: tickCount, options: options,
                              rng: rng, fields: fields.snapshot, ledger: ledger, processes: states)
    }

    /// Continues from a snapshot. The engine must hold processes of the same names and phases (it is
    /// prepared first if needed, without calling observers); fields must match in name, policy and
    /// shape. Observers are not called for the restored time.
    ///
    /// - Throws: `.snapshotMismatch`; on failure the engine is left unusable (`.notRunnable`) until a
    ///   restore succeeds.
    public mutating func restore(_ snapshot: EngineSnapshot) throws {
        guard snapshot.format == EngineSnapshot.currentFormat else {
            throw SimError(.snapshotMismatch, "snapshot format \(snapshot.format), this engine reads \(EngineSnapshot.currentFormat)")
        }
        try prepare(observe: false)
        guard prepared else { throw SimError(.notRunnable, "a process failed to prepare; build a new engine to restore into") }
        guard snapshot.time >= .zero, snapshot.time <= options.end else {
            throw SimError(.snapshotMismatch, "snapshot time \(snapshot.time) is outside this run (end \(options.end))")
        }
        let mine = processes.map { "\($0.name)@\($0.phase)" }, theirs = snapshot.processes.map { "\($0.name)@\($0.phase)" }
        guard mine.sorted() == theirs.sorted() else {
            throw SimError(.snapshotMismatch, "snapshot has processes [\(theirs.joined(separator: ", "))], engine has [\(mine.joined(separator: ", "))]")
        }
        try fields.restore(snapshot.fields)   // validates everything before changing anything
        state = .failed                       // until every process is restored
        ledger = snapshot.ledger
        rng = snapshot.rng
        time = snapshot.time
        tickCount = snapshot.tickCount
        let saved = Dictionary(snapshot.processes.map { ($0.name, $0.state) }, uniquingKeysWith: { a, _ in a })
        for i in processes.indices {
            do { try processes[i].restoreState(saved[processes[i].name]!) } catch {
                throw wrap(error, .snapshotMismatch, "could not restore its state", process: processes[i], tick: nil)
            }
        }
        state = time == options.end ? .finished : .running
    }
}
