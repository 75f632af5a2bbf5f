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
