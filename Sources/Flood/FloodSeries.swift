/// A forcing time series for the flood engine: strictly increasing times in seconds from the start
/// of the run and one value per time, in the unit its user states (m/s for rain, m³/s for
/// hydrographs, m above datum for stages).
///
/// Between samples the value is interpolated linearly (`.linear`, hydrographs and stages) or held
/// from the previous sample (`.step`, rain-gauge intensities). Before the first sample a step series
/// is 0 and a linear one holds its first value; after the last sample both hold the last value.
/// The flood runner cuts its time steps at the sample times (`nextBreak(after:)`), so within one step
/// a series is linear or constant and `mean(from:to:)` is exact.
public struct FloodSeries: Hashable, Codable, Sendable {
    public enum Interpolation: String, Hashable, Codable, Sendable { case linear, step }

    public var times: [Double]
    public var values: [Double]
    public var interpolation: Interpolation

    /// - Precondition: as many times as values, times strictly increasing and finite.
    public init(times: [Double], values: [Double], interpolation: Interpolation = .linear) {
        precondition(times.count == values.count, "FloodSeries: \(times.count) times, \(values.count) values")
        precondition(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "FloodSeries: times must increase")
        self.times = times; self.values = values; self.interpolation = interpolation
    }

    /// A constant value for all times.
    public static func constant(_ v: Double) -> FloodSeries { FloodSeries(times: [0], values: [v], interpolation: .step) }

    /// The value at `t` seconds.
    public func value(at t: Double) -> Double {
        guard let first = times.first, let last = times.last else { return 0 }
        if t < first { return interpolation == .step ? 0 : values[0] }
        if t >= last { return values[values.count - 1] }
        var lo = 0, hi = times.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid } else { hi = mid }
        }
        switch interpolation {
        case .step: return values[lo]
        case .linear: return values[lo] + (t - times[lo]) / (times[hi] - times[lo]) * (values[hi] - values[lo])
        }
    }

    /// The mean value over [`a`, `b`] (exact when no sample time lies strictly inside).
    public func mean(from a: Double, to b: Double) -> Double {
        guard b > a else { return value(at: a) }
        switch interpolation {
        case .step: return value(at: a)
        case .linear: return 0.5 * (value(at: a) + value(at: b))
        }
    }

    /// The first sample time strictly after `t`, or nil.
    public func nextBreak(after t: Double) -> Double? {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo < times.count ? times[lo] : nil
    }

    /// Every value multiplied by `factor` (unit conversions such as mm/h → m/s).
    public func scaled(by factor: Double) -> FloodSeries {
        FloodSeries(times: times, values: values.map { $0 * factor }, interpolation: interpolation)
    }
}
