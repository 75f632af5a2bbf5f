import Foundation

/// Inlet control of culverts: the flow that a culvert's entrance passes for a given headwater,
/// from the FHWA inlet-control equations (Normann, Houghtalen & Johnston, *Hydraulic Design of
/// Highway Culverts*, HDS-5, FHWA 1985/2012, Appendix A), in US units (ft, cfs):
///
/// - unsubmerged, form 1: HW/D = Hc/D + K·(Q/(A·D^0.5))^M + s·S, with Hc the specific head at
///   critical depth in the barrel (yc + yh/2, yh the hydraulic depth A/T at yc);
/// - unsubmerged, form 2: HW/D = K·(Q/(A·D^0.5))^M;
/// - submerged: HW/D = c·(Q/(A·D^0.5))² + Y + s·S;
///
/// with HW the head over the inlet invert, D the barrel's full depth, A its full area, S its
/// slope, and s the slope correction. As in SWMM 5.2 (User's Manual, culvert codes 1–57): the
/// inlet is unsubmerged up to HW = 0.95·D and submerged from the head at which Q/(A·D^0.5) = 4;
/// in between, the flow is interpolated linearly in HW between the two; the slope correction is
/// −0.5·S, and +7·S for the three mitered inlets (codes 5, 37, 46) — SWMM's value, where HDS-5
/// gives +0.7·S. Dynamic-wave routing applies the result to a culvert whose barrel is not full at
/// both ends: when the inlet passes less than the barrel's momentum equation gives, the inlet
/// flow and its derivative dQ/dHW replace the conduit's.
struct CulvertInlet: Sendable {
    /// HDS-5 Table A.1 constants, in SWMM's culvert-code order (index = code − 1).
    struct Constants: Sendable {
        /// Form of the unsubmerged equation (1 or 2), its K and M; the submerged c and Y.
        var form: Int, k: Double, m: Double, c: Double, y: Double
    }

    static let table: [Constants] = [
        // Circular concrete: square edge with headwall; groove end with headwall; groove end projecting.
        .init(form: 1, k: 0.0098, m: 2.00, c: 0.0398, y: 0.67),
        .init(form: 1, k: 0.0018, m: 2.00, c: 0.0292, y: 0.74),
        .init(form: 1, k: 0.0045, m: 2.00, c: 0.0317, y: 0.69),
        // Circular corrugated metal pipe: headwall; mitered to slope; projecting.
        .init(form: 1, k: 0.0078, m: 2.00, c: 0.0379, y: 0.69),
        .init(form: 1, k: 0.0210, m: 1.33, c: 0.0463, y: 0.75),
        .init(form: 1, k: 0.0340, m: 1.50, c: 0.0553, y: 0.54),
        // Circular pipe, beveled ring entrance: 45° bevels; 33.7° bevels.
        .init(form: 1, k: 0.0018, m: 2.50, c: 0.0300, y: 0.74),
        .init(form: 1, k: 0.0018, m: 2.50, c: 0.0243, y: 0.83),
        // Rectangular box with flared wingwalls: 30–75°; 90° or 15°; 0°.
        .init(form: 1, k: 0.026, m: 1.0, c: 0.0347, y: 0.81),
        .init(form: 1, k: 0.061, m: 0.75, c: 0.0400, y: 0.80),
        .init(form: 1, k: 0.061, m: 0.75, c: 0.0423, y: 0.82),
        // Rectangular box, flared wingwalls and top edge bevel: 45° flare; 18–33.7° flare.
        .init(form: 2, k: 0.510, m: 0.667, c: 0.0309, y: 0.80),
        .init(form: 2, k: 0.486, m: 0.667, c: 0.0249, y: 0.83),
        // Rectangular box, 90° headwall: 3/4" chamfers; 45° bevels; 33.7° bevels.
        .init(form: 2, k: 0.515, m: 0.667, c: 0.0375, y: 0.79),
        .init(form: 2, k: 0.495, m: 0.667, c: 0.0314, y: 0.82),
        .init(form: 2, k: 0.486, m: 0.667, c: 0.0252, y: 0.865),
        // Rectangular box, skewed headwall: 3/4" chamfers at 45°, 30°, 15° skew; 45° bevels, 10–45° skew.
        .init(form: 2, k: 0.545, m: 0.667, c: 0.04505, y: 0.73),
        .init(form: 2, k: 0.533, m: 0.667, c: 0.0425, y: 0.705),
        .init(form: 2, k: 0.522, m: 0.667, c: 0.0402, y: 0.68),
        .init(form: 2, k: 0.498, m: 0.667, c: 0.0327, y: 0.75),
        // Rectangular box, non-offset flared wingwalls, 3/4" chamfer at top: 45°; 18.4°; 18.4° with 30° skew.
        .init(form: 2, k: 0.497, m: 0.667, c: 0.0339, y: 0.803),
        .init(form: 2, k: 0.493, m: 0.667, c: 0.0361, y: 0.806),
        .init(form: 2, k: 0.495, m: 0.667, c: 0.0386, y: 0.71),
        // Rectangular box, offset flared wingwalls, beveled top edge: 45°; 33.7°; 18.4°.
        .init(form: 2, k: 0.497, m: 0.667, c: 0.0302, y: 0.835),
        .init(form: 2, k: 0.495, m: 0.667, c: 0.0252, y: 0.881),
        .init(form: 2, k: 0.493, m: 0.667, c: 0.0227, y: 0.887),
        // Corrugated metal box: 90° headwall; thick wall projecting; thin wall projecting.
        .init(form: 1, k: 0.0083, m: 2.00, c: 0.0379, y: 0.69),
        .init(form: 1, k: 0.0145, m: 1.75, c: 0.0419, y: 0.64),
        .init(form: 1, k: 0.0340, m: 1.50, c: 0.0496, y: 0.57),
        // Horizontal ellipse, concrete: square edge with headwall; grooved end with headwall; grooved end projecting.
        .init(form: 1, k: 0.0100, m: 2.00, c: 0.0398, y: 0.67),
        .init(form: 1, k: 0.0018, m: 2.50, c: 0.0292, y: 0.74),
        .init(form: 1, k: 0.0045, m: 2.00, c: 0.0317, y: 0.69),
        // Vertical ellipse, concrete: the same three.
        .init(form: 1, k: 0.0100, m: 2.00, c: 0.0398, y: 0.67),
        .init(form: 1, k: 0.0018, m: 2.50, c: 0.0292, y: 0.74),
        .init(form: 1, k: 0.0095, m: 2.00, c: 0.0317, y: 0.69),
        // Pipe arch, 18" corner radius, corrugated metal: 90° headwall; mitered to slope; projecting.
        .init(form: 1, k: 0.0083, m: 2.00, c: 0.0379, y: 0.69),
        .init(form: 1, k: 0.0300, m: 1.00, c: 0.0463, y: 0.75),
        .init(form: 1, k: 0.0340, m: 1.50, c: 0.0496, y: 0.57),
        // Pipe arch, 18" corner radius, corrugated metal: projecting; no bevels; 33.7° bevels.
        .init(form: 1, k: 0.0300, m: 1.50, c: 0.0496, y: 0.57),
        .init(form: 1, k: 0.0088, m: 2.00, c: 0.0368, y: 0.68),
        .init(form: 1, k: 0.0030, m: 2.00, c: 0.0269, y: 0.77),
        // Pipe arch, 31" corner radius, corrugated metal: projecting; no bevels; 33.7° bevels.
        .init(form: 1, k: 0.0300, m: 1.50, c: 0.0496, y: 0.57),
        .init(form: 1, k: 0.0088, m: 2.00, c: 0.0368, y: 0.68),
        .init(form: 1, k: 0.0030, m: 2.00, c: 0.0269, y: 0.77),
        // Arch, corrugated metal: 90° headwall; mitered to slope; thin wall projecting.
        .init(form: 1, k: 0.0083, m: 2.00, c: 0.0379, y: 0.69),
        .init(form: 1, k: 0.0300, m: 1.00, c: 0.0473, y: 0.75),
        .init(form: 1, k: 0.0340, m: 1.50, c: 0.0496, y: 0.57),
        // Circular, tapered inlet throat: smooth; rough.
        .init(form: 2, k: 0.534, m: 0.555, c: 0.0196, y: 0.90),
        .init(form: 2, k: 0.519, m: 0.640, c: 0.0210, y: 0.90),
        // Elliptical inlet face, tapered inlet: beveled edges; square edges; thin edge projecting.
        .init(form: 2, k: 0.536, m: 0.622, c: 0.0368, y: 0.83),
        .init(form: 2, k: 0.5035, m: 0.719, c: 0.0478, y: 0.80),
        .init(form: 2, k: 0.547, m: 0.800, c: 0.0598, y: 0.75),
        // Rectangular, tapered inlet throat.
        .init(form: 2, k: 0.475, m: 0.667, c: 0.0179, y: 0.97),
        // Rectangular concrete, side tapered: less favourable edges; more favourable edges.
        .init(form: 2, k: 0.560, m: 0.667, c: 0.0446, y: 0.85),
        .init(form: 2, k: 0.560, m: 0.667, c: 0.0378, y: 0.87),
        // Rectangular concrete, slope tapered: less favourable edges; more favourable edges.
        .init(form: 2, k: 0.500, m: 0.667, c: 0.0446, y: 0.65),
        .init(form: 2, k: 0.500, m: 0.667, c: 0.0378, y: 0.71),
    ]

    /// The highest culvert code.
    static var maxCode: Int { table.count }

    let constants: Constants
    /// Full depth D (ft), full area A (ft²), A·√D.
    let yFull: Double, aFull: Double, ad: Double
    /// The slope term s·S, added to HW/D on the left of the form-1 and submerged equations.
    let slopeTerm: Double
    let xsect: XSectionGeometry

    /// The inlet of a barrel of section `xsect` and slope `slope` (ft/ft) with culvert `code`
    /// (1…57), or nil for another code.
    init?(code: Int, xsect: XSectionGeometry, slope: Double) {
        guard code >= 1, code <= Self.table.count, xsect.yFull > 0, xsect.aFull > 0 else { return nil }
        constants = Self.table[code - 1]
        yFull = xsect.yFull
        aFull = xsect.aFull
        ad = aFull * yFull.squareRoot()
        slopeTerm = [5, 37, 46].contains(code) ? -7 * slope : 0.5 * slope
        self.xsect = xsect
    }

    /// The flow (cfs, per barrel) the inlet passes under a head `hw` (ft over the inlet invert),
    /// and its derivative dQ/dHW (cfs/ft). Nil when the submerged equation has no positive
    /// flow (the head lies below its range).
    func flow(head hw: Double) -> (q: Double, dqdh: Double)? {
        guard hw > 0 else { return nil }
        let hSubmerged = yFull * (16 * constants.c + constants.y - slopeTerm)
        if hw >= hSubmerged { return submerged(hw) }
        let hUnsubmerged = 0.95 * yFull
        if hw <= hUnsubmerged { return unsubmerged(hw) }
        // Transition: linear in HW between the two limits.
        guard let low = unsubmerged(hUnsubmerged), let high = submerged(hSubmerged) else { return nil }
        let slope = (high.q - low.q) / (hSubmerged - hUnsubmerged)
        return (low.q + slope * (hw - hUnsubmerged), slope)
    }

    /// Submerged equation solved for Q.
    func submerged(_ hw: Double) -> (q: Double, dqdh: Double)? {
        let arg = (hw / yFull - constants.y + slopeTerm) / constants.c
        guard arg > 0 else { return nil }
        let q = arg.squareRoot() * ad
        return (q, 0.5 * q / arg / yFull / constants.c)
    }

    /// Unsubmerged equation solved for Q; dQ/dHW ≈ Q/(M·HW) (exact for form 2).
    func unsubmerged(_ hw: Double) -> (q: Double, dqdh: Double)? {
        let q: Double
        if constants.form == 1 {
            q = form1Flow(hw)
        } else {
            q = ad * pow(hw / yFull / constants.k, 1 / constants.m)
        }
        return (q, q / hw / constants.m)
    }

    /// Form 1 solved through the critical depth yc of the barrel: the residual
    /// HW/D + s·S − yc/D − yh/(2D) − K·(Qc/(A·√D))^M, Qc = Ac·√(g·yh), falls as yc rises; its root
    /// in [0.01·HW, HW] is bracketed by bisection to 0.001 ft, and Qc at the root is the flow.
    func form1Flow(_ hw: Double) -> Double {
        let lhs = hw / yFull + slopeTerm
        func critical(_ yc: Double) -> (residual: Double, q: Double) {
            let a = xsect.area(depth: yc), w = xsect.topWidth(depth: yc)
            let yh = w > 0 ? a / w : 0
            let q = a * (Hydraulics.gravity * yh).squareRoot()
            return (lhs - yc / yFull - yh / 2 / yFull - constants.k * pow(q / ad, constants.m), q)
        }
        var lo = 0.01 * hw, hi = min(hw, yFull)
        let fLo = critical(lo)
        if fLo.residual <= 0 { return fLo.q }
        let fHi = critical(hi)
        if fHi.residual >= 0 { return fHi.q }
        while hi - lo > 0.001 {
            let mid = 0.5 * (lo + hi)
            if critical(mid).residual > 0 { lo = mid } else { hi = mid }
        }
        return critical(0.5 * (lo + hi)).q
    }
}
