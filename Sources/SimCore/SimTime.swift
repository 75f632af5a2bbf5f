/// A length of simulated time, in whole milliseconds.
///
/// Durations are exact integers so that adding ticks never drifts: 86 400 one-second ticks are
/// exactly one day. Convert to seconds (`seconds`) only where a rate is multiplied by a step.
/// A duration may be negative (the difference of two times).
public struct SimDuration: Hashable, Comparable, Codable, Sendable, AdditiveArithmetic, CustomStringConvertible {
    /// The length in milliseconds (ms).
    public var milliseconds: Int64

    /// A duration of `milliseconds` ms.
    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// A duration of `seconds` s, rounded to the nearest millisecond (halves away from zero).
    ///
    /// - Precondition: `seconds` is finite and within ±9.2 × 10¹⁵ s.
    public init(seconds: Double) { self.milliseconds = msRounded(seconds) }

    /// A duration of `n` ms.
    @inlinable public static func milliseconds(_ n: Int64) -> SimDuration { SimDuration(milliseconds: n) }
    /// A duration of `s` seconds, rounded to the nearest millisecond.
    public static func seconds(_ s: Double) -> SimDuration { SimDuration(seconds: s) }
    /// A duration of `m` minutes.
    @inlinable public static func minutes(_ m: Int64) -> SimDuration { SimDuration(milliseconds: m * 60_000) }
    /// A duration of `h` hours.
    @inlinable public static func hours(_ h: Int64) -> SimDuration { SimDuration(milliseconds: h * 3_600_000) }

    /// The zero duration.
    public static let zero = SimDuration(milliseconds: 0)

    /// The length in seconds (s).
    @inlinable public var seconds: Double { Double(milliseconds) / 1000 }

    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(milliseconds: a.milliseconds + b.milliseconds) }
    @inlinable public static func - (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(milliseconds: a.milliseconds - b.milliseconds) }
    @inlinable public static prefix func - (a: SimDuration) -> SimDuration { SimDuration(milliseconds: -a.milliseconds) }
    @inlinable public static func * (a: SimDuration, k: Int64) -> SimDuration { SimDuration(milliseconds: a.milliseconds * k) }
    @inlinable public static func * (k: Int64, a: SimDuration) -> SimDuration { SimDuration(milliseconds: a.milliseconds * k) }
    /// Integer division, truncating toward zero.
    @inlinable public static func / (a: SimDuration, k: Int64) -> SimDuration { SimDuration(milliseconds: a.milliseconds / k) }
    /// How many times `b` fits in `a` (as a real number).
    @inlinable public static func / (a: SimDuration, b: SimDuration) -> Double { Double(a.milliseconds) / Double(b.milliseconds) }
    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.milliseconds < b.milliseconds }

    /// Encoded as a bare integer number of milliseconds.
    public init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(milliseconds)
    }

    /// `HH:MM:SS`, with `.mmm` when not whole seconds and a `Nd ` prefix past a day (`1d 02:00:00`).
    public var description: String { formatMilliseconds(milliseconds) }
}

/// A point in simulated time: whole milliseconds since the start of the run (time 0).
///
/// Times are integers so that tick boundaries, report times and snapshots compare exactly.
/// Calendar dates are not SimCore's business: a scenario maps time 0 to its start date.
public struct SimTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Milliseconds (ms) since the run's start.
    public var milliseconds: Int64

    /// The time `milliseconds` ms after the run's start.
    @inlinable public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The time `seconds` s after the run's start, rounded to the nearest millisecond (halves away
    /// from zero).
    ///
    /// - Precondition: `seconds` is finite and within ±9.2 × 10¹⁵ s.
    public init(seconds: Double) { self.milliseconds = msRounded(seconds) }

    /// The start of the run.
    public static let zero = SimTime(milliseconds: 0)

    /// Seconds (s) since the run's start.
    @inlinable public var seconds: Double { Double(milliseconds) / 1000 }

    /// The time elapsed since the run's start.
    @inlinable public var sinceStart: SimDuration { SimDuration(milliseconds: milliseconds) }

    @inlinable public static func + (t: SimTime, d: SimDuration) -> SimTime { SimTime(milliseconds: t.milliseconds + d.milliseconds) }
    @inlinable public static func - (t: SimTime, d: SimDuration) -> SimTime { SimTime(milliseconds: t.milliseconds - d.milliseconds) }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration { SimDuration(milliseconds: a.milliseconds - b.milliseconds) }
    @inlinable public static func += (t: inout SimTime, d: SimDuration) { t.milliseconds += d.milliseconds }
    @inlinable public static func -= (t: inout SimTime, d: SimDuration) { t.milliseconds -= d.milliseconds }
    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.milliseconds < b.milliseconds }

    /// Encoded as a bare integer number of milliseconds.
    public init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(milliseconds)
    }

    /// `HH:MM:SS`, with `.mmm` when not on a whole second and a `Nd ` prefix past a day
    /// (`2d 03:00:00.250`); negative times get a leading `-`.
    public var description: String { formatMilliseconds(milliseconds) }
}

/// Rounds seconds to whole milliseconds, halves away from zero.
@usableFromInline func msRounded(_ seconds: Double) -> Int64 {
    let ms = (seconds * 1000).rounded(.toNearestOrAwayFromZero)
    precondition(ms.isFinite && abs(ms) < 9.2e18, "SimTime: \(seconds) s is not a representable time")
    return Int64(ms)
}

func formatMilliseconds(_ value: Int64) -> String {
    let negative = value < 0
    let m = value.magnitude
    let ms = m % 1000, totalSeconds = m / 1000
    let s = totalSeconds % 60, min = (totalSeconds / 60) % 60
    let totalHours = totalSeconds / 3600
    let days = totalHours / 24, h = totalHours % 24
    func two(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }
    var out = negative ? "-" : ""
    if days > 0 { out += "\(days)d " }
    out += "\(two(h)):\(two(min)):\(two(s))"
    if ms > 0 { out += ms < 10 ? ".00\(ms)" : ms < 100 ? ".0\(ms)" : ".\(ms)" }
    return out
}
