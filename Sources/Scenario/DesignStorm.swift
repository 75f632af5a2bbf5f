import CityModel
import Foundation
import Geometry

/// A Chinese rainstorm-intensity formula (暴雨强度公式), as GB 50014 writes it:
///
///     q = 167·A1·(1 + C·lg P) / (t + b)^n
///
/// with `q` the average storm intensity over a duration `t` in L/(s·ha), `P` the return period in
/// years and `t` the duration in minutes. In depth units the average intensity is
/// `i = q / 167 = A1·(1 + C·lg P) / (t + b)^n` in mm/min (1 mm/min over a hectare is 166.67 L/s;
/// the standard rounds it to 167).
///
/// Wuhan's classic formula is `q = 983·(1 + 0.65·lg P) / (t + 4)^0.56`, i.e. `A1 = 983/167 ≈ 5.886`,
/// `C = 0.65`, `b = 4 min`, `n = 0.56` (`RainfallIntensityFormula.wuhan`).
public struct RainfallIntensityFormula: Hashable, Codable, Sendable {
    /// Rain parameter A1 (mm/min·min^n): the intensity scale for a 1-year storm.
    public var a1: Double
    /// Rain parameter C (dimensionless): how strongly intensity grows with the return period.
    public var c: Double
    /// Duration offset b (min).
    public var b: Double
    /// Duration exponent n (dimensionless).
    public var n: Double

    /// A formula with the given parameters; refuses values that give no storm or an undefined one:
    /// A1 ≤ 0, C < 0, b < 0, n outside (0, 1), or any non-finite value.
    public init(a1: Double, c: Double, b: Double, n: Double) throws {
        for (name, v) in [("A1", a1), ("C", c), ("b", b), ("n", n)] where !v.isFinite {
            throw InputError(.badValue, "rainstorm formula parameter \(name) = \(v) is not a number")
        }
        guard a1 > 0 else { throw InputError(.badValue, "rainstorm formula parameter A1 = \(a1) must be positive") }
        guard c >= 0 else { throw InputError(.badValue, "rainstorm formula parameter C = \(c) must not be negative") }
        guard b >= 0 else { throw InputError(.badValue, "rainstorm formula parameter b = \(b) min must not be negative") }
        guard n > 0, n < 1 else {
            throw InputError(.badValue, "rainstorm formula parameter n = \(n) must lie strictly between 0 and 1 (a Chicago storm needs 0 < n < 1)")
        }
        self.a1 = a1; self.c = c; self.b = b; self.n = n
    }

    private init(unchecked a1: Double, c: Double, b: Double, n: Double) { self.a1 = a1; self.c = c; self.b = b; self.n = n }

    /// Wuhan: q = 983·(1 + 0.65·lg P)/(t + 4)^0.56 L/(s·ha), so A1 = 983/167 ≈ 5.886.
    public static let wuhan = RainfallIntensityFormula(unchecked: 983.0 / 167.0, c: 0.65, b: 4, n: 0.56)

    /// The named presets, for scene files (`preset: wuhan`).
    public static let presets: [String: RainfallIntensityFormula] = ["wuhan": .wuhan]

    /// The scale `a = A1·(1 + C·lg P)` (mm/min·min^n) for return period `P` (years); refuses P ≤ 0.
    public func scale(returnPeriod p: Double) throws -> Double {
        guard p.isFinite, p > 0 else { throw InputError(.badValue, "return period P = \(p) years must be positive") }
        let a = a1 * (1 + c * log10(p))
        guard a > 0 else {
            throw InputError(.badValue, "return period P = \(p) years gives 1 + C·lg P = \(1 + c * log10(p)) ≤ 0: no storm")
        }
        return a
    }

    /// Average intensity (mm/min) over a storm of `duration` minutes with return period `p` years.
    public func intensity(returnPeriod p: Double, duration t: Double) throws -> Double {
        let a = try scale(returnPeriod: p)
        guard t.isFinite, t > 0 else { throw InputError(.badValue, "duration \(t) min must be positive") }
        return a / pow(t + b, n)
    }

    /// Average storm intensity q (L/(s·ha)) over `duration` minutes, return period `p` years.
    public func q(returnPeriod p: Double, duration t: Double) throws -> Double {
        167 * (try intensity(returnPeriod: p, duration: t))
    }

    /// Total depth (mm) of a storm of `duration` minutes: i_avg(t)·t.
    public func depth(returnPeriod p: Double, duration t: Double) throws -> Double {
        try intensity(returnPeriod: p, duration: t) * t
    }
}

/// A design storm: rain intensities (mm/h) in equal intervals from the storm's start, built with
/// the Chicago hyetograph of Keifer & Chu ("Synthetic storm pattern for drainage design", Journal
/// of the Hydraulics Division ASCE 83(4), 1957) from a rainstorm-intensity formula.
///
/// The Chicago storm places the peak at `r·T` and makes every window around the peak, split
/// `r : (1 − r)`, carry exactly the formula's depth for the window's length. Its cumulative depth
/// before the peak, over `t_b` minutes back from it, is `a·t_b / (t_b/r + b)^n`; after the peak,
/// over `t_a` minutes, `a·t_a / (t_a/(1 − r) + b)^n`, with `a = A1·(1 + C·lg P)`. Each interval's
/// intensity is the exact depth between its ends divided by its length (not a sample of the
/// instantaneous curve), so the series' total depth is the formula's depth for the duration,
/// `i_avg(T)·T`, to rounding. The wettest interval is the one holding `r·T`; when `r·T` lies near
/// an interval's end, the neighbouring interval on the slower limb can hold a little more.
public struct DesignStorm: Hashable, Codable, Sendable {
    public var formula: RainfallIntensityFormula
    /// Return period P (years).
    public var returnPeriod: Double
    /// Storm duration T (min).
    public var duration: Double
    /// Interval length Δt (min).
    public var step: Double
    /// Peak position as a fraction of the duration, r in [0, 1].
    public var peakRatio: Double
    /// Average intensity (mm/h) in each interval [kΔt, (k+1)Δt); the last interval may be shorter
    /// when Δt does not divide T (its length is T − kΔt).
    public var intensities: [Double]

    /// Builds the Chicago hyetograph. Refuses P ≤ 0, duration ≤ 0, step ≤ 0 or longer than the
    /// duration, and r outside [0, 1], each with a message naming the parameter.
    public init(formula: RainfallIntensityFormula, returnPeriod p: Double, duration: Double, step: Double, peakRatio r: Double) throws {
        let a = try formula.scale(returnPeriod: p)
        guard duration.isFinite, duration > 0 else { throw InputError(.badValue, "storm duration \(duration) min must be positive") }
        guard step.isFinite, step > 0 else { throw InputError(.badValue, "time step \(step) min must be positive") }
        guard step <= duration else { throw InputError(.badValue, "time step \(step) min is longer than the storm (\(duration) min)") }
        guard r.isFinite, (0...1).contains(r) else { throw InputError(.badValue, "peak ratio r = \(r) must lie in [0, 1]") }
        // ceil(T/Δt), without an extra sliver interval when T/Δt is an integer up to rounding.
        let nIntervals = max(1, Int((duration / step - 1e-9).rounded(.up)))
        self.formula = formula; self.returnPeriod = p; self.duration = duration; self.step = step; self.peakRatio = r
        var out: [Double] = []
        out.reserveCapacity(nIntervals)
        var prev = Self.cumulativeDepth(at: 0, a: a, formula: formula, duration: duration, r: r)
        for k in 0..<nIntervals {
            let t1 = min(Double(k + 1) * step, duration)
            let h = Self.cumulativeDepth(at: t1, a: a, formula: formula, duration: duration, r: r)
            let len = t1 - Double(k) * step
            out.append(len > 0 ? (h - prev) / len * 60 : 0)
            prev = h
        }
        intensities = out
    }

    /// Chicago storm on a named preset (e.g. `"wuhan"`).
    public init(preset: String, returnPeriod p: Double, duration: Double, step: Double, peakRatio r: Double) throws {
        guard let f = RainfallIntensityFormula.presets[preset.lowercased()] else {
            let known = RainfallIntensityFormula.presets.keys.sorted().joined(separator: ", ")
            throw InputError(.badValue, "unknown rainstorm formula preset '\(preset)' (known: \(known))")
        }
        try self.init(formula: f, returnPeriod: p, duration: duration, step: step, peakRatio: r)
    }

    /// Depth (mm) fallen from the storm's start to `t` minutes, 0 ≤ t ≤ T.
    static func cumulativeDepth(at t: Double, a: Double, formula f: RainfallIntensityFormula, duration T: Double, r: Double) -> Double {
        let tp = r * T
        // Depth within `x` minutes before the peak, and within `y` minutes after it.
        func before(_ x: Double) -> Double { x <= 0 ? 0 : a * x / pow(x / r + f.b, f.n) }
        func after(_ y: Double) -> Double { y <= 0 ? 0 : a * y / pow(y / (1 - r) + f.b, f.n) }
        return t <= tp ? before(tp) - before(tp - t) : before(tp) + after(t - tp)
    }

    /// Start time (min) of each interval.
    public var startTimes: [Double] { intensities.indices.map { Double($0) * step } }

    /// Total depth (mm) of the series: Σ intensity·interval length.
    public var totalDepth: Double {
        var s = 0.0
        for (k, i) in intensities.enumerated() { s += i / 60 * (min(Double(k + 1) * step, duration) - Double(k) * step) }
        return s
    }

    /// Index of the interval with the highest intensity (the first one on ties).
    public var peakIndex: Int {
        var best = 0
        for (k, i) in intensities.enumerated() where i > intensities[best] { best = k }
        return best
    }

    /// The series as a step time series of intensities (mm/h) at interval starts in seconds, with a
    /// final zero at the storm's end.
    public func timeSeries(name: String = "design-storm") -> TimeSeries {
        TimeSeries(name: name, unit: "mm/h", times: startTimes.map { $0 * 60 } + [duration * 60],
                   values: intensities + [0], interpolation: .step)
    }
}
