import Foundation

/// Depth–area–width–radius relations of a cross-section (internal US units: ft, ft², ft^(8/3)).
extension XSectionGeometry {
    /// Flow area (ft²) at depth `y` (ft); full area at and above full depth.
    public func area(depth y: Double) -> Double {
        if y <= 0 { return 0 }
        if y == Hydraulics.fudge && dryArea >= 0 { return dryArea }
        if y >= yFull { return aFull }
        switch kind {
        case .dummy: return 0
        case .circular, .ellipse:
            let yNorm = y / yFull
            if yNorm < 0.04 {
                // φ = acos(1 − 2y/D), so cos φ = 1 − 2y/D and sin φ = 2·√((y/D)(1 − y/D)).
                let phi = Self.phiOfDepth(yNorm)
                return wMax / 2 * (yFull / 2) * (phi - 2 * (yNorm * (1 - yNorm)).squareRoot() * (1 - 2 * yNorm))
            }
            return aFull * Self.lookup(yNorm, tables!.areaOfDepth)
        case .rectClosed, .rectOpen: return bottomWidth * y
        case .rectTriangular:
            let s = wMax / 2 / bottomHeight
            return y <= bottomHeight ? s * y * y : s * bottomHeight * bottomHeight + wMax * (y - bottomHeight)
        case .trapezoidal: return y * (bottomWidth + y * (slopeLeft + slopeRight) / 2)
        case .triangular: return wMax / (2 * yFull) * y * y
        case .parabolic: return 2.0 / 3.0 * wMax * (y / yFull).squareRoot() * y
        case .power: return aFull * pow(y / yFull, 1 + 1 / exponent)
        }
    }

    /// Top width (ft) of the water surface at depth `y` (ft). Closed shapes narrow to 0 at the crown.
    public func topWidth(depth y: Double) -> Double {
        if y <= 0 { return 0 }
        if y == Hydraulics.fudge && dryWidth >= 0 { return dryWidth }
        switch kind {
        case .dummy: return 0
        case .circular, .ellipse:
            if y >= yFull { return 0 }
            let yNorm = y / yFull
            if yNorm < 0.04 { return 2 * wMax * (yNorm * (1 - yNorm)).squareRoot() }
            return wMax * Self.lookup(yNorm, tables!.widthOfDepth)
        case .rectClosed, .rectOpen: return bottomWidth
        case .rectTriangular:
            if y >= yFull { return 0 }
            return y <= bottomHeight ? wMax * y / bottomHeight : wMax
        case .trapezoidal: return bottomWidth + min(y, yFull) * (slopeLeft + slopeRight)
        case .triangular: return wMax * min(y, yFull) / yFull
        case .parabolic: return wMax * (min(y, yFull) / yFull).squareRoot()
        case .power: return wMax * pow(min(y, yFull) / yFull, 1 / exponent)
        }
    }

    /// Area (ft²), top width (ft) and hydraulic radius (ft) at depth `y` (ft): the values of
    /// `area(depth:)`, `topWidth(depth:)` and `hydraulicRadius(depth:)`, with one angle (one acos,
    /// sin and cos) shared by the three for shallow round sections.
    @inline(__always)
    func areaWidthRadius(depth y: Double) -> (area: Double, width: Double, radius: Double) {
        if (kind == .circular || kind == .ellipse) && y > 0 && y < yFull && y / yFull < 0.04 && y != Hydraulics.fudge {
            let yNorm = y / yFull
            let phi = Self.phiOfDepth(yNorm)
            let sn = 2 * (yNorm * (1 - yNorm)).squareRoot(), cs = 1 - 2 * yNorm
            let a = wMax / 2, b = yFull / 2
            let area = a * b * (phi - sn * cs)
            let perimeter = Self.ellipseArc(a: a, b: b, phi: phi)
            return (area, 2 * a * sn, perimeter > 0 ? area / perimeter : 0)
        }
        return (area(depth: y), topWidth(depth: y), hydraulicRadius(depth: y))
    }

    /// Wetted perimeter (ft) at depth `y` for the closed-form open shapes.
    func perimeter(depth y: Double) -> Double {
        switch kind {
        case .rectOpen: return bottomWidth + sides * y
        case .rectClosed: return bottomWidth + 2 * y
        case .trapezoidal:
            return bottomWidth + y * ((1 + slopeLeft * slopeLeft).squareRoot() + (1 + slopeRight * slopeRight).squareRoot())
        case .triangular:
            let s = wMax / (2 * yFull)
            return 2 * y * (1 + s * s).squareRoot()
        case .parabolic: return Self.parabolaPerimeter(topWidth: topWidth(depth: y), depth: y)
        case .power: return Self.powerPerimeter(topWidth: topWidth(depth: y), height: y, exponent: exponent, depth: y)
        default: return 0
        }
    }

    /// Depth (ft) at which the flow area is `a` (ft²).
    public func depth(area a: Double) -> Double {
        if a <= 0 { return 0 }
        if a >= aFull { return yFull }
        switch kind {
        case .dummy: return 0
        case .circular, .ellipse:
            let alpha = a / aFull
            if alpha < 0.04 { return yFull / 2 * (1 - cos(Self.phiOfArea(alpha))) }
            return yFull * Self.lookup(alpha, tables!.depthOfArea)
        case .rectClosed, .rectOpen: return a / bottomWidth
        case .rectTriangular:
            let s = wMax / 2 / bottomHeight
            let aTri = s * bottomHeight * bottomHeight
            return a <= aTri ? (a / s).squareRoot() : bottomHeight + (a - aTri) / wMax
        case .trapezoidal:
            let s = (slopeLeft + slopeRight) / 2
            if s == 0 { return a / bottomWidth }
            return ((bottomWidth * bottomWidth + 4 * s * a).squareRoot() - bottomWidth) / (2 * s)
        case .triangular: return (a / (wMax / (2 * yFull))).squareRoot()
        case .parabolic: return pow(1.5 * a * yFull.squareRoot() / wMax, 2.0 / 3.0)
        case .power: return yFull * pow(a / aFull, 1 / (1 + 1 / exponent))
        }
    }

    /// Hydraulic radius (ft) at flow area `a` (ft²).
    public func hydraulicRadius(area a: Double) -> Double {
        if a <= 0 { return 0 }
        if a == dryArea && dryRadius >= 0 { return dryRadius }
        switch kind {
        case .dummy: return 0
        case .circular, .ellipse:
            let alpha = a / aFull
            if alpha >= 1 { return rFull }
            if alpha < 0.04 {
                let s = Self.ellipseState(a: wMax / 2, b: yFull / 2, phi: Self.phiOfArea(alpha))
                return s.perimeter > 0 ? s.area / s.perimeter : 0
            }
            return rFull * Self.lookup(alpha, tables!.radiusOfArea)
        case .rectClosed:
            let alpha = a / aFull
            var p = bottomWidth + 2 * a / bottomWidth
            if alpha > Self.rectClosedAlphaMax {
                p += (min(alpha, 1) - Self.rectClosedAlphaMax) / (1 - Self.rectClosedAlphaMax) * bottomWidth
            }
            return a / p
        case .rectTriangular:
            return Self.rectTriangularRadius(a: min(a, aFull), aFull: aFull, width: wMax, height: yFull, bottom: bottomHeight)
        default:
            let y = depth(area: min(a, aFull))
            let p = perimeter(depth: y)
            return p > 0 ? min(a, aFull) / p : 0
        }
    }

    /// Hydraulic radius (ft) at depth `y` (ft).
    public func hydraulicRadius(depth y: Double) -> Double {
        if y <= 0 { return 0 }
        switch kind {
        case .circular, .ellipse:
            // Shallow flow: the exact geometry at the angle of this depth (no inversion from the area).
            let yNorm = y / yFull
            if yNorm < 0.04 && !(y == Hydraulics.fudge && dryRadius >= 0) {
                let phi = Self.phiOfDepth(yNorm)
                let a = wMax / 2, b = yFull / 2
                let area = a * b * (phi - 2 * (yNorm * (1 - yNorm)).squareRoot() * (1 - 2 * yNorm))
                let perimeter = Self.ellipseArc(a: a, b: b, phi: phi)
                return perimeter > 0 ? area / perimeter : 0
            }
            return hydraulicRadius(area: area(depth: y))
        case .rectClosed, .rectTriangular: return hydraulicRadius(area: area(depth: y))
        case .dummy: return 0
        default:
            let yy = min(y, yFull)
            let p = perimeter(depth: yy)
            return p > 0 ? area(depth: yy) / p : 0
        }
    }

    /// Section factor A·R^(2/3) (ft^(8/3)) at flow area `a` (ft²).
    public func sectionFactor(area a: Double) -> Double {
        if a <= 0 { return 0 }
        switch kind {
        case .dummy: return 0
        case .circular, .ellipse:
            let alpha = a / aFull
            if alpha >= 1 { return sFull }
            if alpha < 0.04 { return a * pow(hydraulicRadius(area: a), 2.0 / 3.0) }
            return sFull * Self.lookup(alpha, tables!.factorOfArea)
        default:
            return min(a, aFull) * pow(hydraulicRadius(area: a), 2.0 / 3.0)
        }
    }

    /// The flow area (ft²) whose section factor is `s` (ft^(8/3)), on the rising branch of the
    /// section-factor curve; `aMax` when `s ≥ sMax`.
    public func area(sectionFactor s: Double) -> Double {
        if s <= 0 { return 0 }
        if kind == .circular || kind == .ellipse { if s >= sFull { return aFull } }
        if s >= sMax { return aMax }
        switch kind {
        case .dummy: return 0
        case .circular, .ellipse:
            let psi = s / sFull
            // SWMM takes any section factor at or above the full value as a full pipe.
            if psi >= 1 { return aFull }
            let sShallow = shallowFactor >= 0 ? shallowFactor : sectionFactor(area: 0.04 * aFull)
            if psi <= 0.015 || s < sShallow {
                if kind == .circular { return shallowCircleArea(forFactor: s, upper: 0.04 * aFull) }
                return solveArea(forFactor: s, upper: 0.04 * aFull, factorAtUpper: sShallow)
            }
            return aFull * Self.inverseLookup(psi, tables!.factorOfArea, count: factorPeakIndex + 1)
        default:
            return solveArea(forFactor: s, upper: aMax)
        }
    }

    /// The area (ft²) of a part-full circle whose section factor is `s`, solved in the half-angle
    /// φ of the water surface: with r the radius, A = r²(φ − sin φ cos φ), P = 2rφ and
    /// S = A^(5/3)/P^(2/3), Newton's method on ln S − ln s (d ln S/dφ = 5/3·A′/A − 2/3·P′/P,
    /// A′ = 2r² sin²φ, P′ = 2r) from the small-angle start S ≈ (2/3)^(5/3)·r^(10/3)·φ^5/(2rφ)^(2/3).
    /// ln S is nearly linear in ln φ here, so a few steps reach the rounding floor; the same root
    /// as ``solveArea(forFactor:upper:factorAtUpper:)``, without a nested inversion per step.
    private func shallowCircleArea(forFactor s: Double, upper: Double) -> Double {
        let r = yFull / 2, r2 = r * r
        let target = log(s)
        // Small-angle start: S ≈ c·φ^(13/3).
        let c = pow(2.0 / 3.0, 5.0 / 3.0) * pow(r, 10.0 / 3.0) / pow(2 * r, 2.0 / 3.0)
        let phiUpper = Self.phiOfArea(upper / aFull)
        var phi = min(pow(s / c, 3.0 / 13.0), phiUpper)
        var lo = 0.0, hi = phiUpper
        for _ in 0..<50 {
            let sn = sin(phi), cs = cos(phi)
            let a = r2 * (phi - sn * cs), p = 2 * r * phi
            guard a > 0 else { phi = 0.5 * (lo + hi); continue }
            let g = 5.0 / 3.0 * log(a) - 2.0 / 3.0 * log(p) - target
            if g > 0 { hi = phi } else { lo = phi }
            let dg = 5.0 / 3.0 * (2 * r2 * sn * sn) / a - 2.0 / 3.0 * (2 * r) / p
            var next = dg > 0 ? phi - g / dg : 0.5 * (lo + hi)
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            let step = abs(next - phi)
            phi = next
            if step <= 1e-12 * phi || hi - lo <= 1e-15 * phiUpper { break }
        }
        return min(r2 * (phi - sin(phi) * cos(phi)), upper)
    }

    /// Area with the given section factor in [0, upper], by safeguarded secant-bisection.
    private func solveArea(forFactor s: Double, upper: Double, factorAtUpper: Double? = nil) -> Double {
        var lo = 0.0, hi = upper
        var flo = -s, fhi = (factorAtUpper ?? sectionFactor(area: hi)) - s
        if fhi <= 0 { return hi }
        var a = hi * 0.5
        for _ in 0..<100 {
            // Regula falsi with bisection fallback (Illinois variant keeps it fast).
            let cand = hi - fhi * (hi - lo) / (fhi - flo)
            a = (cand > lo && cand < hi) ? cand : 0.5 * (lo + hi)
            let f = sectionFactor(area: a) - s
            if abs(f) <= 1e-10 * s || hi - lo < 1e-12 * upper { break }
            if f > 0 { hi = a; fhi = f; flo *= 0.5 } else { lo = a; flo = f; fhi *= 0.5 }
        }
        return a
    }

    /// Derivative of the section factor with respect to area (ft^(2/3)) at area `a`.
    public func dSdA(area a: Double) -> Double {
        let da = max(1e-6 * aFull, 1e-9)
        let a1 = max(0, a - da), a2 = min(aFull, a + da)
        if a2 <= a1 { return 1e-30 }
        return max((sectionFactor(area: a2) - sectionFactor(area: a1)) / (a2 - a1), 1e-30)
    }

    /// Critical depth (ft) for flow `q` (cfs per barrel): A³/W = q²/g, capped at full depth.
    ///
    /// Closed forms for rectangles and triangles; otherwise, as SWMM does, an enumeration over 25
    /// depth increments with linear interpolation when the first estimate is deep, and a root
    /// search (Ridder's method) otherwise.
    public func criticalDepth(flow q: Double) -> Double {
        let q2g = q * q / Hydraulics.gravity
        if q2g == 0 || kind == .dummy { return 0 }
        var y: Double
        switch kind {
        case .rectOpen, .rectClosed: y = pow(q2g / (wMax * wMax), 1.0 / 3.0)
        case .triangular:
            let s = wMax / (2 * yFull)
            y = pow(2 * q2g / (s * s), 0.2)
        default:
            var y0 = 1.01 * pow(q2g / yFull, 0.25)
            if y0 >= yFull { y0 = 0.97 * yFull }
            y = y0 / yFull > 0.1 ? criticalDepthEnumerated(q: q, y0: y0) : criticalDepthRoot(q: q, y0: y0)
        }
        return min(y, yFull)
    }

    /// Critical flow A·√(g·A/W) (cfs) at depth y (ft); 0 where the top width is 0 (the crown of a
    /// closed section), as SWMM counts it, so a flow above the critical flow just below the crown
    /// has its critical depth at full depth.
    private func criticalFlow(depth y: Double) -> Double {
        let a = area(depth: y), w = topWidth(depth: y)
        if w <= 0 { return 0 }
        return a * (Hydraulics.gravity * a / w).squareRoot()
    }

    private func criticalDepthEnumerated(q: Double, y0: Double) -> Double {
        let dy = yFull / 25
        let i1 = Int(y0 / dy)
        var q0 = criticalFlow(depth: Double(i1) * dy)
        if q0 < q {
            var yc = yFull
            var i = i1 + 1
            while i <= 25 {
                let qc = criticalFlow(depth: Double(i) * dy)
                if qc >= q { yc = ((q - q0) / (qc - q0) + Double(i - 1)) * dy; break }
                q0 = qc; i += 1
            }
            return yc
        } else {
            var yc = 0.0
            var i = i1 - 1
            while i >= 0 {
                let qc = criticalFlow(depth: Double(i) * dy)
                if qc < q { yc = ((q - qc) / (q0 - qc) + Double(i)) * dy; break }
                q0 = qc; i -= 1
            }
            return yc
        }
    }

    private func criticalDepthRoot(q: Double, y0: Double) -> Double {
        var lo = 0.0, hi = yFull
        // Bracket: critical flow grows with depth (below the crown narrowing).
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if criticalFlow(depth: mid) < q { lo = mid } else { hi = mid }
            if hi - lo < 1e-10 * yFull { break }
        }
        return 0.5 * (lo + hi)
    }

    /// Normal depth (ft) at which Manning flow `beta·S(A)` equals `q` (cfs per barrel), with
    /// `beta = 1.486·√S0 / n`; full depth when `q` exceeds the section's capacity.
    public func normalDepth(flow q: Double, beta: Double) -> Double {
        if q <= 0 || beta <= 0 { return 0 }
        let s = q / beta
        if s >= sMax { return yFull }
        return depth(area: area(sectionFactor: s))
    }
}

/// Physical constants in the engine's internal US units.
public enum Hydraulics {
    /// Gravitational acceleration (ft/s²), SWMM's value.
    public static let gravity = 32.2
    /// Manning's constant in US units (ft^(1/3)/s).
    public static let manningFactor = 1.486
    /// Feet per metre.
    public static let feetPerMetre = 1 / 0.3048
    /// Cubic feet per second in one m³/s.
    public static let cfsPerCMS = 35.31466672
    /// A tiny depth or flow used as SWMM's FUDGE (ft or cfs).
    public static let fudge = 0.0001
}
