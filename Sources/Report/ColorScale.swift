import Foundation

/// A map from values to colours: piecewise-linear through evenly spaced anchor colours between
/// `minimum` and `maximum`, clamped outside. Sequential scales run light → dark; diverging scales
/// are centred on zero with symmetric limits.
///
/// Anchor colours are ColorBrewer's (Brewer, Hillier & Harrower; colorbrewer2.org): `Blues` for
/// water depth, `RdYlGn` for speed ratios, `RdBu` (reversed: blue negative, red positive) for
/// differences; they stay distinguishable for the common colour-vision deficiencies except
/// `RdYlGn`, which the traffic maps pair with line width.
public struct ColorScale: Hashable, Sendable {
    public var minimum: Double
    public var maximum: Double
    public var anchors: [RGBA]
    /// The legend title, with the unit in brackets, e.g. `max water depth [m]`.
    public var title: String
    /// Whether the scale is diverging (centred on zero).
    public var isDiverging: Bool

    public init(minimum: Double, maximum: Double, anchors: [RGBA], title: String, isDiverging: Bool = false) {
        precondition(anchors.count >= 2, "ColorScale needs two anchors")
        self.minimum = minimum; self.maximum = maximum > minimum ? maximum : minimum + 1
        self.anchors = anchors; self.title = title; self.isDiverging = isDiverging
    }

    /// The colour of `v` (clamped to the scale's range; NaN gives transparent).
    public func color(_ v: Double) -> RGBA {
        guard v.isFinite else { return .clear }
        let t = max(0, min(1, (v - minimum) / (maximum - minimum)))
        let s = t * Double(anchors.count - 1)
        let i = min(Int(s), anchors.count - 2)
        return anchors[i].mixed(with: anchors[i + 1], s - Double(i))
    }

    // MARK: Palettes (ColorBrewer anchor colours)

    /// Blues, 9 classes, without the near-white first class (light water stays visible over terrain).
    public static let blues: [RGBA] = [0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b].map { RGBA(hex: $0) }
    /// RdYlGn, 7 classes: red (slow) → green (free flow).
    public static let redYellowGreen: [RGBA] = [0xd73027, 0xfc8d59, 0xfee08b, 0xffffbf, 0xd9ef8b, 0x91cf60, 0x1a9850].map { RGBA(hex: $0) }
    /// RdBu reversed, 9 classes: blue (negative) → white (zero) → red (positive).
    public static let blueWhiteRed: [RGBA] = [0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b].map { RGBA(hex: $0) }

    /// Water depth from 0 to `maximum` m (rounded up to a nice value).
    public static func depth(maximum: Double, title: String = "max water depth [m]") -> ColorScale {
        ColorScale(minimum: 0, maximum: NiceScale.niceCeiling(max(maximum, 0.05)), anchors: blues, title: title)
    }

    /// A diverging scale centred on zero, from −L to +L where L is `magnitude` rounded up to a nice value.
    public static func diverging(magnitude: Double, title: String) -> ColorScale {
        let l = NiceScale.niceCeiling(max(abs(magnitude), 1e-9))
        return ColorScale(minimum: -l, maximum: l, anchors: blueWhiteRed, title: title, isDiverging: true)
    }

    /// Speed ratio (mean speed / free speed), 0 → 1.
    public static let speedRatio = ColorScale(minimum: 0, maximum: 1, anchors: redYellowGreen, title: "speed / free-flow speed [–]")
}

/// Axis ticks at "nice" steps (1, 2, 2.5 or 5 × 10ⁿ), as Heckbert's "Nice numbers for graph labels"
/// (Graphics Gems, 1990) chooses them.
public enum NiceScale {
    /// The smallest nice number ≥ `x` (x > 0): 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 × 10ⁿ.
    public static func niceCeiling(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let e = (log10(x)).rounded(.down)
        let p = pow(10, e)
        let f = x / p
        for m in [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] as [Double] where f <= m * (1 + 1e-12) { return times(m, e) }
        return times(10, e)
    }

    /// A nice step so that `span` holds about `count` steps.
    public static func step(span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(count, 1))
        let p = pow(10, (log10(raw)).rounded(.down))
        let f = raw / p
        let m: Double = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10
        return times(m, (log10(raw)).rounded(.down))
    }

    /// m × 10ᵉ as the double nearest the decimal (0.3, not 0.30000000000000004): negative powers
    /// divide by an exact power of ten.
    static func times(_ m: Double, _ e: Double) -> Double { e >= 0 ? m * pow(10, e) : m / pow(10, -e) }

    /// Ticks covering [lo, hi]: the range widened to multiples of a nice step, and the step.
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 6) -> (ticks: [Double], step: Double) {
        var lo = lo, hi = hi
        if !(hi > lo) { hi = lo + (lo == 0 ? 1 : abs(lo) * 0.1) }
        let s = step(span: hi - lo, count: count)
        lo = (lo / s).rounded(.down) * s
        hi = (hi / s).rounded(.up) * s
        let n = Int(((hi - lo) / s).rounded())
        return ((0...n).map { lo + Double($0) * s }, s)
    }

    /// Ticks inside [lo, hi] only (the range is not widened).
    public static func innerTicks(_ lo: Double, _ hi: Double, count: Int = 5) -> (ticks: [Double], step: Double) {
        guard hi > lo else { return ([lo], 1) }
        let s = step(span: hi - lo, count: count)
        let first = (lo / s - 1e-9).rounded(.up)
        var out: [Double] = []
        var k = first
        while k * s <= hi + s * 1e-9 { out.append(k * s); k += 1 }
        return (out, s)
    }

    /// `v` printed with as many decimals as the step needs (step 0.25 → 2, step 5 → 0), no "-0".
    public static func label(_ v: Double, step: Double) -> String {
        let d = max(0, min(6, Int((-log10(step) + 0.999).rounded(.down))))
        let needed = (0...6).first { abs(step * pow(10, Double($0)) - (step * pow(10, Double($0))).rounded()) < 1e-6 } ?? d
        let s = String(format: "%.\(max(0, needed))f", v)
        return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
}
