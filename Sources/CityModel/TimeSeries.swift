/// A time series of one quantity: strictly increasing times in seconds from the series' epoch, and
/// one value per time, in `unit` (SI or as the model documents it). Between samples the value is
/// interpolated linearly (`interpolation = .linear`) or held from the previous sample (`.step`,
/// as rain-gauge intensities are).
public struct TimeSeries: Hashable, Codable, Sendable {
    public enum Interpolation: String, Hashable, Codable, Sendable { case linear, step }

    public var name: String
    public var unit: String
    public var times: [Double]
    public var values: [Double]
    public var interpolation: Interpolation

    public init(name: String, unit: String, times: [Double] = [], values: [Double] = [], interpolation: Interpolation = .linear) {
        precondition(times.count == values.count, "TimeSeries \(name): \(times.count) times, \(values.count) values")
        self.name = name; self.unit = unit; self.times = times; self.values = values; self.interpolation = interpolation
    }

    public var isEmpty: Bool { times.isEmpty }

    /// The value at time `t` (seconds): 0 before the first sample and after the last for `.step`,
    /// the end values held for `.linear`.
    public func value(at t: Double) -> Double {
        guard let first = times.first, let last = times.last else { return 0 }
        if t < first { return interpolation == .step ? 0 : values[0] }
        if t >= last { return values[values.count - 1] }
        // Binary search for the last sample at or before t.
        var lo = 0, hi = times.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid } else { hi = mid }
        }
        switch interpolation {
        case .step: return values[lo]
        case .linear:
            let f = (t - times[lo]) / (times[hi] - times[lo])
            return values[lo] + f * (values[hi] - values[lo])
        }
    }
}

/// The proleptic Gregorian calendar on day counts since 1970-01-01 (Howard Hinnant's
/// `days_from_civil` and `civil_from_days`), for the date formats of CSV series and SWMM files.
public enum CivilCalendar {
    /// Days since 1970-01-01 of year `y0`, month `m` (1–12), day `d`.
    public static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Year, month (1–12) and day (1–31) of a day count since 1970-01-01.
    public static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
