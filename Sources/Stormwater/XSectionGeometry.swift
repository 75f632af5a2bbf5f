import Foundation

/// Cross-section geometry of conduits and openings, as functions of flow depth and their inverses
/// (SWMM 5.2 `xsect.c` semantics), in the engine's internal US units: depth and width in feet,
/// area in ft², hydraulic radius in ft, section factor `A·R^(2/3)` in ft^(8/3).
///
/// Closed forms are used for rectangular, trapezoidal, triangular, parabolic and power-law shapes.
/// Circular and elliptical sections are evaluated the way SWMM does — linear interpolation in
/// 51-entry tables of normalised area, depth, hydraulic radius, section factor and width — but the
/// tables are computed here from the exact geometry of the circle or ellipse (central angle θ:
/// A = r²(θ − sin θ)/2, P = rθ, y = r(1 − cos(θ/2))), not copied from SWMM. Very shallow flows
/// (A/Afull < 0.04) use the exact geometry, as SWMM does.
public struct XSectionGeometry: Sendable, Hashable {
    /// The shape family.
    public enum Kind: Sendable, Hashable {
        case circular
        case rectClosed, rectOpen, trapezoidal, triangular, parabolic, power
        /// A closed rectangle with a triangular bottom of height `bottomHeight` (SWMM RECT_TRIANGULAR).
        case rectTriangular
        /// A true ellipse, horizontal (wider than tall) or vertical.
        case ellipse
        /// A link with no geometry (pumps, dummy conduits).
        case dummy
    }

    public let kind: Kind
    /// Full depth (ft).
    public let yFull: Double
    /// Full area (ft²).
    public let aFull: Double
    /// Hydraulic radius when full (ft).
    public let rFull: Double
    /// Maximum top width (ft).
    public let wMax: Double
    /// Depth at the maximum width (ft).
    public let ywMax: Double
    /// Section factor when full, Afull·Rfull^(2/3) (ft^(8/3)).
    public let sFull: Double
    /// Maximum section factor over all depths (ft^(8/3)); above sFull for closed round shapes.
    public let sMax: Double
    /// Area at which the section factor is largest (ft²).
    public let aMax: Double
    /// Whether the section is closed at the top (it can run full and surcharge).
    public let isClosed: Bool

    // Shape parameters (ft): bottom width, side slopes (run/rise), exponent.
    let bottomWidth: Double, slopeLeft: Double, slopeRight: Double, exponent: Double
    /// Height of the triangular bottom (rect-triangular sections), ft.
    let bottomHeight: Double
    /// Number of vertical sides counted in the wetted perimeter of an open rectangle (0, 1 or 2).
    let sides: Double
    /// Normalised 51-entry tables for circular/elliptical shapes.
    let tables: Tables?
    /// Area (ft²), top width (ft) and hydraulic radius (ft) at the dry depth `Hydraulics.fudge`,
    /// where every dry conduit sits: computed once by the same functions, returned when asked again
    /// (−1 until computed).
    private(set) var dryArea = -1.0, dryWidth = -1.0, dryRadius = -1.0
    /// Section factor (ft^(8/3)) at 4 % of the full area, where round sections switch from their
    /// exact shallow geometry to the tables (computed once; −1 until computed).
    private(set) var shallowFactor = -1.0

    /// Shared, immutable table storage (a class, so copying a section retains one reference).
    final class Tables: Sendable, Hashable {
        static func == (a: Tables, b: Tables) -> Bool {
            a.areaOfDepth == b.areaOfDepth && a.widthOfDepth == b.widthOfDepth && a.depthOfArea == b.depthOfArea
                && a.radiusOfArea == b.radiusOfArea && a.factorOfArea == b.factorOfArea
        }
        func hash(into h: inout Hasher) { h.combine(areaOfDepth); h.combine(factorOfArea) }
        init(areaOfDepth: [Double], widthOfDepth: [Double], depthOfArea: [Double], radiusOfArea: [Double], factorOfArea: [Double]) {
            self.areaOfDepth = areaOfDepth; self.widthOfDepth = widthOfDepth; self.depthOfArea = depthOfArea
            self.radiusOfArea = radiusOfArea; self.factorOfArea = factorOfArea
        }
        /// A/Afull against y/yFull.
        let areaOfDepth: [Double]
        /// W/wMax against y/yFull.
        let widthOfDepth: [Double]
        /// y/yFull against A/Afull.
        let depthOfArea: [Double]
        /// R/Rfull against A/Afull.
        let radiusOfArea: [Double]
        /// S/Sfull against A/Afull.
        let factorOfArea: [Double]
    }

    /// Entries in the normalised tables (SWMM's 51-point tables: steps of 1/50).
    public static let tableSize = 51

    // MARK: construction

    /// A cross-section in internal units.
    /// - Parameters:
    ///   - kind: the shape family.
    ///   - height: full depth or diameter (ft).
    ///   - width: top/maximum width (ft): bottom width for trapezoids, top width for triangles and
    ///     parabolas, width for rectangles and ellipses; ignored for circles.
    ///   - slopeLeft, slopeRight: trapezoid side slopes (horizontal run per unit rise).
    ///   - exponent: the power-law shape's exponent (width ∝ depth^(1/exponent)).
    ///   - sides: vertical walls of an open rectangle counted as wetted (default 2).
    ///   - bottomHeight: height of the triangular bottom of a rect-triangular section (ft).
    public init(kind: Kind, height: Double, width: Double = 0, slopeLeft: Double = 0, slopeRight: Double = 0,
                exponent: Double = 1, sides: Double = 2, bottomHeight: Double = 0) {
        self.kind = kind
        self.bottomWidth = width; self.slopeLeft = slopeLeft; self.slopeRight = slopeRight
        self.exponent = exponent; self.sides = sides
        self.bottomHeight = kind == .rectTriangular ? min(max(bottomHeight, 1e-9), height) : 0
        let h = height
        switch kind {
        case .dummy:
            yFull = 0; aFull = 0; rFull = 0; wMax = 0; ywMax = 0; sFull = 0; sMax = 0; aMax = 0; isClosed = false; tables = nil
            return
        case .circular:
            let d = h
            yFull = d; aFull = Double.pi * d * d / 4; rFull = d / 4; wMax = d; ywMax = d / 2; isClosed = true
            tables = XSectionGeometry.makeTables(a: d / 2, b: d / 2)
        case .ellipse:
            yFull = h; aFull = Double.pi * width * h / 4; wMax = width; ywMax = h / 2; isClosed = true
            rFull = aFull / XSectionGeometry.ellipseArc(a: width / 2, b: h / 2, phi: .pi)
            tables = XSectionGeometry.makeTables(a: width / 2, b: h / 2)
        case .rectClosed:
            yFull = h; aFull = width * h; rFull = aFull / (2 * (width + h)); wMax = width; ywMax = h; isClosed = true; tables = nil
        case .rectTriangular:
            let ht = min(max(bottomHeight, 1e-9), h)
            yFull = h; aFull = width * (h - ht / 2); wMax = width; ywMax = h; isClosed = true; tables = nil
            let side = ((width / 2) * (width / 2) + ht * ht).squareRoot()
            rFull = aFull / (2 * side + 2 * (h - ht) + width)
        case .rectOpen:
            yFull = h; aFull = width * h; rFull = aFull / (width + sides * h); wMax = width; ywMax = h; isClosed = false; tables = nil
        case .trapezoidal:
            yFull = h; aFull = h * (width + h * (slopeLeft + slopeRight) / 2)
            rFull = aFull / (width + h * ((1 + slopeLeft * slopeLeft).squareRoot() + (1 + slopeRight * slopeRight).squareRoot()))
            wMax = width + h * (slopeLeft + slopeRight); ywMax = h; isClosed = false; tables = nil
        case .triangular:
            let s = width / (2 * h)
            yFull = h; aFull = s * h * h; rFull = aFull / (2 * h * (1 + s * s).squareRoot()); wMax = width; ywMax = h
            isClosed = false; tables = nil
        case .parabolic:
            yFull = h; aFull = 2.0 / 3.0 * width * h; wMax = width; ywMax = h; isClosed = false; tables = nil
            rFull = aFull / XSectionGeometry.parabolaPerimeter(topWidth: width, depth: h)
        case .power:
            yFull = h; aFull = width * h * exponent / (exponent + 1); wMax = width; ywMax = h; isClosed = false; tables = nil
            rFull = aFull / XSectionGeometry.powerPerimeter(topWidth: width, height: h, exponent: exponent, depth: h)
        }
        sFull = aFull * pow(rFull, 2.0 / 3.0)
        // Largest section factor: closed shapes peak below full (SWMM scans the shape).
        if isClosed {
            var best = sFull, bestA = aFull
            let n = 400
            for i in 1..<n {
                let a = aFull * Double(i) / Double(n)
                let s = kind == .rectTriangular
                    ? a * pow(Self.rectTriangularRadius(a: a, aFull: aFull, width: width, height: h, bottom: self.bottomHeight), 2.0 / 3.0)
                    : Self.sectionFactorRaw(kind: kind, a: a, geometry: (aFull, rFull, yFull, width, tables))
                if s > best { best = s; bestA = a }
            }
            sMax = best; aMax = bestA
        } else {
            sMax = sFull; aMax = aFull
        }
        let a = area(depth: Hydraulics.fudge), w = topWidth(depth: Hydraulics.fudge), r = hydraulicRadius(area: a)
        dryArea = a; dryWidth = w; dryRadius = r
        if kind == .circular || kind == .ellipse { shallowFactor = sectionFactor(area: 0.04 * aFull) }
    }

    /// Section factor before `self` exists (used while scanning for sMax).
    private static func sectionFactorRaw(kind: Kind, a: Double,
                                         geometry g: (aFull: Double, rFull: Double, yFull: Double, width: Double, tables: Tables?)) -> Double {
        switch kind {
        case .circular, .ellipse:
            let alpha = a / g.aFull
            return g.aFull * pow(g.rFull, 2.0 / 3.0) * lookup(alpha, g.tables!.factorOfArea)
        case .rectClosed:
            let y = a / g.width
            var p = g.width + 2 * y
            let alpha = a / g.aFull
            if alpha > rectClosedAlphaMax { p += (alpha - rectClosedAlphaMax) / (1 - rectClosedAlphaMax) * g.width }
            return a * pow(a / p, 2.0 / 3.0)
        default: return 0
        }
    }

    /// Hydraulic radius of a rect-triangular section at area a: triangle below, rectangle above, the
    /// top counted progressively above 97 % full as for closed rectangles.
    static func rectTriangularRadius(a: Double, aFull: Double, width w: Double, height h: Double, bottom ht: Double) -> Double {
        if a <= 0 { return 0 }
        let s = w / 2 / ht
        let aTri = s * ht * ht
        let side = (1 + s * s).squareRoot()
        var p: Double
        if a <= aTri { p = 2 * (a / s).squareRoot() * side }
        else { p = 2 * ht * side + 2 * (a - aTri) / w }
        let alpha = a / aFull
        if alpha > rectClosedAlphaMax { p += (min(alpha, 1) - rectClosedAlphaMax) / (1 - rectClosedAlphaMax) * w }
        return a / p
    }

    /// Above this fraction of full area the top of a closed rectangle is progressively counted in the
    /// wetted perimeter (SWMM's convention, which makes the section factor peak just below full).
    static let rectClosedAlphaMax = 0.97

    // MARK: exact ellipse / circle geometry

    /// Arc length of an ellipse with horizontal semi-axis a and vertical semi-axis b, from the
    /// bottom up to the polar angle φ on each side (total over both sides), by Simpson's rule.
    static func ellipseArc(a: Double, b: Double, phi: Double) -> Double {
        if abs(a - b) < 1e-12 * a { return 2 * a * phi }
        let n = 200
        let h = phi / Double(n)
        var s = 0.0
        for i in 0...n {
            let t = Double(i) * h
            let f = (a * a * cos(t) * cos(t) + b * b * sin(t) * sin(t)).squareRoot()
            s += (i == 0 || i == n) ? f : (i % 2 == 1 ? 4 * f : 2 * f)
        }
        return 2 * s * h / 3
    }

    /// Exact (depth, area, perimeter, width) of an ellipse filled to the polar angle φ ∈ [0, π].
    static func ellipseState(a: Double, b: Double, phi: Double) -> (y: Double, area: Double, perimeter: Double, width: Double) {
        let y = b * (1 - cos(phi))
        let area = a * b * (phi - sin(phi) * cos(phi))
        return (y, area, ellipseArc(a: a, b: b, phi: phi), 2 * a * sin(phi))
    }

    /// φ for a normalised depth y/yFull.
    static func phiOfDepth(_ yNorm: Double) -> Double { acos(max(-1, min(1, 1 - 2 * yNorm))) }

    /// φ for a normalised area A/Afull ((φ − sin φ cos φ)/π = alpha), by Newton's method.
    static func phiOfArea(_ alpha: Double) -> Double {
        if alpha <= 0 { return 0 }
        if alpha >= 1 { return .pi }
        // g(φ) = (φ − sin φ cos φ)/π increases monotonically on [0, π]: Newton inside a shrinking bracket.
        var lo = 0.0, hi = Double.pi
        var phi = alpha < 0.1 ? min(pow(1.5 * Double.pi * alpha, 1.0 / 3.0), hi) : Double.pi * alpha
        for _ in 0..<100 {
            let sn = sin(phi), cs = cos(phi)
            let f = (phi - sn * cs) / Double.pi - alpha
            if f > 0 { hi = phi } else { lo = phi }
            let df = 2 * sn * sn / Double.pi
            var next = df > 0 ? phi - f / df : 0.5 * (lo + hi)
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            // Newton converges quadratically: once a step is below 1e-9·φ the new φ is at the
            // rounding floor of g (closer iterates only jitter by a few ulps).
            let step = abs(next - phi)
            phi = next
            if step <= 1e-9 * phi || hi - lo < 1e-15 { break }
        }
        return phi
    }

    /// Builds the normalised tables of a circle (a = b) or ellipse from its exact geometry.
    static func makeTables(a: Double, b: Double) -> Tables {
        let n = tableSize
        let aFull = Double.pi * a * b
        let pFull = ellipseArc(a: a, b: b, phi: .pi)
        let rFull = aFull / pFull
        let sFull = aFull * pow(rFull, 2.0 / 3.0)
        var t = (areaOfDepth: [Double](), widthOfDepth: [Double](), depthOfArea: [Double](), radiusOfArea: [Double](), factorOfArea: [Double]())
        for i in 0..<n {
            let x = Double(i) / Double(n - 1)
            let phiY = phiOfDepth(x)
            let sy = ellipseState(a: a, b: b, phi: phiY)
            t.areaOfDepth.append(sy.area / aFull)
            t.widthOfDepth.append(sy.width / (2 * a))
            let phiA = phiOfArea(x)
            let sa = ellipseState(a: a, b: b, phi: phiA)
            t.depthOfArea.append(sa.y / (2 * b))
            let r = sa.perimeter > 0 ? sa.area / sa.perimeter : 0
            t.radiusOfArea.append(r / rFull)
            t.factorOfArea.append(sa.area * pow(r, 2.0 / 3.0) / sFull)
        }
        // The tables end exactly at the full values.
        t.areaOfDepth[n - 1] = 1; t.depthOfArea[n - 1] = 1; t.radiusOfArea[n - 1] = 1; t.factorOfArea[n - 1] = 1
        return Tables(areaOfDepth: t.areaOfDepth, widthOfDepth: t.widthOfDepth, depthOfArea: t.depthOfArea,
                      radiusOfArea: t.radiusOfArea, factorOfArea: t.factorOfArea)
    }

    static func parabolaPerimeter(topWidth w: Double, depth y: Double) -> Double {
        if y <= 0 || w <= 0 { return w }
        let x = w / 2
        let k = 2 * y / (x * x)
        let kx = k * x
        return 2 * (kx * (1 + kx * kx).squareRoot() + asinh(kx)) / (2 * k)
    }

    /// Wetted perimeter of a power-law section (width ∝ depth^(1/m)) filled to `depth`, by Simpson's rule.
    static func powerPerimeter(topWidth w: Double, height h: Double, exponent m: Double, depth y: Double) -> Double {
        if y <= 0 { return 0 }
        // Half-width x(z) = (w/2)(z/h)^(1/m); perimeter = 2∫ sqrt(1 + x'(z)²) dz, substitute z = y·u^m to remove the end singularity.
        let n = 100
        var s = 0.0
        for i in 0...n {
            let u = Double(i) / Double(n)
            // dz = y·m·u^(m-1) du ; x = (w/2)(y/h)^(1/m) u ; dx = (w/2)(y/h)^(1/m) du
            let dz = y * m * pow(u, m - 1)
            let dx = w / 2 * pow(y / h, 1 / m)
            let f = (dz * dz + dx * dx).squareRoot()
            s += (i == 0 || i == n) ? f : (i % 2 == 1 ? 4 * f : 2 * f)
        }
        return 2 * s / (3 * Double(n))
    }

    // MARK: table interpolation (SWMM lookup semantics: equal steps of 1/(n−1))

    /// Linear interpolation in a table over x ∈ [0, 1] in equal steps.
    @inline(__always)
    static func lookup(_ x: Double, _ table: [Double]) -> Double {
        let n = table.count
        let dx = 1.0 / Double(n - 1)
        if x <= 0 { return table[0] }
        let i = Int(x / dx)
        if i >= n - 1 { return table[n - 1] }
        let x1 = Double(i) * dx
        return table[i] + (x - x1) * (table[i + 1] - table[i]) / dx
    }

    /// The x in [0, 1] at which an increasing table (up to `count` entries) reaches y.
    static func inverseLookup(_ y: Double, _ table: [Double], count: Int? = nil) -> Double {
        let n = count ?? table.count
        let dx = 1.0 / Double(table.count - 1)
        if y <= table[0] { return 0 }
        if y >= table[n - 1] { return Double(n - 1) * dx }
        var lo = 0, hi = n - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if table[mid] <= y { lo = mid } else { hi = mid }
        }
        let d = table[hi] - table[lo]
        return (Double(lo) + (d > 0 ? (y - table[lo]) / d : 0)) * dx
    }

    /// Index of the largest entry (end of the increasing part of a section-factor table).
    var factorPeakIndex: Int {
        guard let t = tables else { return 0 }
        var k = 0
        for i in 1..<t.factorOfArea.count where t.factorOfArea[i] > t.factorOfArea[k] { k = i }
        return k
    }
}
