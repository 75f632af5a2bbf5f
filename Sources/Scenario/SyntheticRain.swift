import CityModel
import Foundation
import SimCore

/// A synthetic one-year hourly rain record with Wuhan-like statistics, for the annual runoff volume
/// capture ratio when no recorded series is at hand. **It is synthetic**: no hour of it was observed.
///
/// The generator (all draws from `SeededRNG(seed:)`, so a seed gives the same record everywhere):
/// 1. **Wet days**: a two-state first-order Markov chain per month (Gabriel & Neumann 1962) with
///    P(wet | wet) = `persistence` and P(wet | dry) chosen so that the long-run wet-day share equals
///    the month's `wetDayShare`.
/// 2. **Daily depth**: a mixed exponential distribution (Woolhiser & Roldán 1982): with probability
///    0.7 a light day of mean μ, else a heavy day of mean 4μ, μ set from the month's mean total.
/// 3. **Hours**: each wet day's rain falls in one storm of D = 1 + ⌊depth / 6 mm⌋ hours (at most 18,
///    plus a uniform jitter of 0–2 h), starting at a uniform hour so that it ends within the day,
///    with a symmetric triangular profile.
/// 4. **Monthly totals**: each month's depths are scaled so that its total equals `monthlyMean`
///    exactly, so the annual total is Σ monthlyMean (1260 mm, Wuhan's 1981–2010 normal is about
///    1270 mm; monthly means after the China Meteorological Administration's normals, rounded).
public struct SyntheticRain: Sendable {
    /// Mean monthly totals (mm), January first; sum 1260 mm.
    public static let wuhanMonthlyMean: [Double] = [45, 60, 95, 130, 165, 225, 215, 120, 75, 70, 40, 20]
    /// Share of wet days per month (rain ≥ 0.1 mm), January first.
    public static let wuhanWetDayShare: [Double] = [0.30, 0.33, 0.43, 0.45, 0.45, 0.45, 0.42, 0.37, 0.30, 0.30, 0.27, 0.25]

    public var seed: UInt64
    public var monthlyMean = wuhanMonthlyMean
    public var wetDayShare = wuhanWetDayShare
    /// P(wet tomorrow | wet today).
    public var persistence = 0.6
    /// Calendar year of the record (a common year: 365 days).
    public var year = 2021

    public init(seed: UInt64) { self.seed = seed }

    /// Hourly intensities (mm/h) for the 8760 hours of the year, hour 0 starting 1 January 00:00.
    public func hourly() -> [Double] {
        var rng = SeededRNG(seed: seed).stream(named: "synthetic-rain")
        let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var out = [Double](repeating: 0, count: 365 * 24)
        var wet = false
        var day = 0
        for m in 0..<12 {
            let w = wetDayShare[m]
            let p01 = w * (1 - persistence) / (1 - w)
            let mu = monthlyMean[m] / (Double(days[m]) * w) / 1.9   // mean of the mixture = 1.9 μ
            let first = day
            for _ in 0..<days[m] {
                wet = rng.nextDouble() < (wet ? persistence : p01)
                if wet {
                    let mean = rng.nextDouble() < 0.7 ? mu : 4 * mu
                    let depth = -mean * log(1 - rng.nextDouble())
                    let d = min(24, min(18, 1 + Int(depth / 6)) + Int(rng.nextInt(below: 3)))
                    let start = Int(rng.nextInt(below: UInt64(24 - d + 1)))
                    let weights = (1...d).map { Double(min($0, d + 1 - $0)) }
                    let sum = weights.reduce(0, +)
                    for (k, x) in weights.enumerated() { out[day * 24 + start + k] += depth * x / sum }
                }
                day += 1
            }
            let span = (first * 24)..<(day * 24)
            let total = out[span].reduce(0, +)
            if total > 0 { for h in span { out[h] *= monthlyMean[m] / total } }
        }
        return out
    }

    /// The record as CSV text (`time,rain [mm/h]`, time in seconds from 1 January 00:00; only
    /// the hours with rain and the hour after each wet spell, so the file stays small; a reader
    /// holds each value for the hour).
    public func csv() -> String {
        let h = hourly()
        var lines = ["time,rain [mm/h]"]
        for (i, v) in h.enumerated() where v > 0 || (i > 0 && h[i - 1] > 0) || i == 0 {
            lines.append("\(i * 3600),\(String(format: "%.3f", v))")
        }
        if h[h.count - 1] == 0, h[h.count - 2] == 0 { lines.append("\(h.count * 3600 - 3600),0.000") }
        return lines.joined(separator: "\n") + "\n"
    }
}
