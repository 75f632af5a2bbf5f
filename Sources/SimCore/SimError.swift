/// A stable code for a simulation error. Numbers never change once published; new codes are added
/// at the end. SimCore uses the 7xx range (input errors use 1xx–6xx, see `Geometry.ErrorCode`).
public enum SimErrorCode: Int, Codable, Sendable, CaseIterable {
    /// Engine options are unusable (non-positive tick or report step, negative end time).
    case invalidOptions = 700
    /// Two processes share a name (names key RNG streams and snapshots).
    case duplicateProcess = 701
    /// A field or ledger account was declared twice with different kinds or policies.
    case declarationConflict = 702
    /// A field or account was used without being declared.
    case undeclared = 703
    /// A value written to a field does not fit it (wrong grid, wrong entity count).
    case fieldShape = 704
    /// A process threw while preparing, advancing, committing or finishing.
    case processFailed = 705
    /// An observer threw at a report time.
    case observerFailed = 706
    /// An invariant check failed (ledger drift, time not increasing, non-finite field value).
    case invariantViolated = 707
    /// A snapshot does not fit this engine (other processes, fields, or a process state that does
    /// not decode).
    case snapshotMismatch = 708
    /// The engine has reached its end time, or an earlier error left it unusable (restore a
    /// snapshot to continue).
    case notRunnable = 709
    /// The run was cancelled (by its task or its progress callback).
    case cancelled = 710

    /// Short name used in messages (`E705`).
    public var label: String { "E\(rawValue)" }
}

/// An error raised while configuring or running an `Engine`: its code, the process (or observer)
/// involved, the simulated time, and what went wrong. Its description is the one line a user sees:
/// `E705 process "flood2d" failed at 00:12:30 (tick to 00:12:31, phase surfaceFlood): …`.
public struct SimError: Error, CustomStringConvertible {
    public var code: SimErrorCode
    /// The name of the process (or, for `.observerFailed`, the observer) involved, when there is one.
    public var process: String?
    /// The phase the process runs in, for process errors.
    public var phase: Phase?
    /// The simulated time at the start of the failing tick (or of the failing operation).
    public var time: SimTime?
    /// The end of the failing tick, for errors thrown while advancing.
    public var tickEnd: SimTime?
    public var message: String
    /// The error the process threw, when this one wraps it.
    public var underlying: (any Error)?

    public init(_ code: SimErrorCode, _ message: String, process: String? = nil, phase: Phase? = nil,
                time: SimTime? = nil, tickEnd: SimTime? = nil, underlying: (any Error)? = nil) {
        self.code = code; self.message = message; self.process = process; self.phase = phase
        self.time = time; self.tickEnd = tickEnd; self.underlying = underlying
    }

    public var description: String {
        var s = code.label
        if let process { s += (code == .observerFailed ? " observer" : " process") + " \"\(process)\"" }
        s += " " + message
        if let time {
            s += " at \(time)"
            var extra: [String] = []
            if let tickEnd { extra.append("tick to \(tickEnd)") }
            if let phase { extra.append("phase \(phase)") }
            if !extra.isEmpty { s += " (\(extra.joined(separator: ", ")))" }
        }
        if let underlying { s += ": \(underlying)" }
        return s
    }
}
