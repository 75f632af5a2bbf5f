import CityModel
import Foundation

/// Infiltration into a subcatchment's pervious area, as SWMM 5.2 computes it, in SWMM's internal
/// units (ft, ft/s, s). Every method takes the rainfall-plus-run-on rate `irate` (ft/s), the ponded
/// depth (ft) and the step (s), and returns the infiltration rate over the step (ft/s), never more than
/// the available water `irate + depth/Δt`.
///
/// - Horton (Horton 1940) on the integrated curve F(t) = fmin·t + (f0 − fmin)/kd·(1 − e^{−kd·t}),
///   with the equivalent time tp on the curve found by Newton–Raphson when the supply limits
///   infiltration, and recovery of capacity at kr = −ln(0.02)/DryTime in dry periods.
/// - Modified Horton (Akan 1993): capacity f0 − kd·Fe in cumulative excess infiltration Fe.
/// - Green-Ampt (Green & Ampt 1911, Mein & Larson 1973) with SWMM 5's upper-zone recovery.
/// - SCS curve number (USDA TR-55) in its continuous form F = P·(1 − P/(P + S)).
enum InfiltrationState: Sendable, Codable {
    case none
    case horton(Horton)
    case greenAmpt(GreenAmpt)
    case curveNumber(CurveNumber)

    static let zero = 1e-10

    init(_ p: Infiltration?, units u: SWMMUnits) {
        switch p {
        case nil: self = .none
        case .horton(let f0, let fmin, let kd, let dry, let fmax)?, .modifiedHorton(let f0, let fmin, let kd, let dry, let fmax)?:
            var modified = false
            if case .modifiedHorton? = p { modified = true }
            self = .horton(Horton(f0: u.toInternal(f0, .rainfall), fmin: u.toInternal(fmin, .rainfall), decay: kd / 3600,
                                  regen: dry > 0 ? -log(1 - 0.98) / (dry * 86400) : 0,
                                  fmax: u.toInternal(fmax, .rainDepth), modified: modified))
        case .greenAmpt(let s, let ks, let imd)?, .modifiedGreenAmpt(let s, let ks, let imd)?:
            var modified = false
            if case .modifiedGreenAmpt? = p { modified = true }
            self = .greenAmpt(GreenAmpt(suction: u.toInternal(s, .rainDepth), ks: u.toInternal(ks, .rainfall), imdMax: imd, modified: modified))
        case .curveNumber(let cn, _, let dry)?:
            self = .curveNumber(CurveNumber(cn: cn, dryDays: dry))
        }
    }

    /// Infiltration rate (ft/s) over a step; `rain` is rainfall (ft/s), `runon` the other inflow (ft/s).
    mutating func rate(step dt: Double, rain: Double, runon: Double, depth: Double, recovery: Double) -> Double {
        switch self {
        case .none: return 0
        case .horton(var h): let f = h.rate(dt, rain + runon, depth, recovery); self = .horton(h); return f
        case .greenAmpt(var g): let f = g.rate(dt, rain + runon, depth, recovery); self = .greenAmpt(g); return f
        case .curveNumber(var c): let f = c.rate(dt, rain, depth + runon * dt, recovery); self = .curveNumber(c); return f
        }
    }

    struct Horton: Sendable, Codable {
        var f0: Double, fmin: Double, decay: Double, regen: Double, fmax: Double, modified: Bool
        /// Equivalent time on the Horton curve (s), or cumulative excess infiltration (ft) for modified Horton.
        var tp = 0.0
        /// Cumulative infiltration (ft) counted against `fmax`.
        var fe = 0.0

        /// Cumulative infiltration (ft) after time t on the curve.
        func curve(_ t: Double) -> Double {
            let df = f0 - fmin
            if t >= 16 / decay { return fmin * t + df / decay }
            return fmin * t + df / decay * (1 - exp(-decay * t))
        }

        mutating func rate(_ dt: Double, _ irate: Double, _ depth: Double, _ recovery: Double) -> Double {
            let df = f0 - fmin, kd = decay, kr = regen * recovery
            let fa = irate + depth / dt
            if df < 0 || kd < 0 || kr < 0 { return 0 }
            if df == 0 || kd == 0 { return max(0, min(f0, fa)) }
            if modified { return modifiedRate(dt, fa, kr) }
            var fp = 0.0
            if fa > InfiltrationState.zero {
                let t1 = tp + dt, tlim = 16 / kd
                let fPrev = curve(tp)
                let fNext = tp >= tlim ? fPrev + fmin * dt : curve(t1)
                fp = max((fNext - fPrev) / dt, fmin)
                if fp > fa { fp = fa }
                if t1 > tlim || fp < fa {
                    tp = t1
                } else {
                    // Supply-limited: find the time on the curve where F = F(tp) + fa·Δt.
                    let target = fPrev + fp * dt
                    var t = tp + dt / 2
                    for _ in 0..<20 {
                        let ex = exp(-min(60, kd * t))
                        let g = fmin * t + df / kd * (1 - ex) - target
                        let r = g / (fmin + df * ex)
                        t -= r
                        if abs(r) <= 0.001 * dt { break }
                    }
                    tp = t
                }
                if fmax > 0 {
                    if fe + fp * dt > fmax { fp = (fmax - fe) / dt }
                    fp = max(fp, 0)
                    fe += fp * dt
                }
            } else if kr > 0 {
                // Capacity recovers: f0 − f decays as e^{−kr·Δt}.
                let r = exp(-kr * dt)
                let x = 1 - exp(-kd * tp)
                tp = -log(1 - r * x) / kd
                if fmax > 0 { fe = curve(tp) }
            }
            return fp
        }

        mutating func modifiedRate(_ dt: Double, _ fa: Double, _ kr: Double) -> Double {
            var f = 0.0
            if fa > InfiltrationState.zero {
                if fmax > 0 && tp >= fmax { return 0 }
                let fp = max(f0 - decay * tp, fmin)
                f = min(fa, fp)
                tp += max(f - fmin, 0) * dt
                if fmax > 0 { tp = min(tp, fmax) }
            } else if kr > 0 {
                tp = max(tp * exp(-kr * dt), 0)
            }
            return f
        }
    }

    struct GreenAmpt: Sendable, Codable, Equatable {
        /// Suction head (ft), saturated conductivity (ft/s), maximum initial moisture deficit.
        var suction: Double, ks: Double, imdMax: Double, modified: Bool
        /// Upper-zone depth (ft), from Ks in in/h (Mein's relation).
        var lu: Double
        var imd: Double
        /// Cumulative infiltration of the event (ft) and water in the upper zone (ft).
        var f = 0.0, fu = 0.0
        var saturated = false
        /// Time left until a new event starts (s).
        var t = 0.0

        init(suction: Double, ks: Double, imdMax: Double, modified: Bool) {
            self.suction = suction; self.ks = ks; self.imdMax = imdMax; self.modified = modified
            lu = 4 * (ks * 12 * 3600).squareRoot() / 12
            imd = imdMax
        }

        /// Cumulative infiltration F2 (ft) after `ts` seconds of saturated infiltration from F1,
        /// from the integrated Green-Ampt equation F2 − F1 − c1·ln((F2 + c1)/(F1 + c1)) = Ks·ts.
        func f2(_ f1: Double, _ c1: Double, _ ts: Double) -> Double {
            let fmin = f1 + ks * ts
            if c1 == 0 { return fmin }
            if ts < 10 && f1 > 0.01 * c1 { return max(f1 + ks * (1 + c1 / f1) * ts, fmin) }
            let c2 = c1 * log(f1 + c1) - ks * ts
            var x = f1
            for _ in 0..<20 {
                let d = (x - f1 - c1 * log(x + c1) + c2) / (1 - c1 / (x + c1))
                if abs(d) < 0.00001 { return max(x, fmin) }
                x -= d
            }
            return fmin
        }

        mutating func rate(_ dt: Double, _ irate: Double, _ depth: Double, _ recovery: Double) -> Double {
            let fumax = imdMax * lu
            t -= dt
            if saturated { return satRate(dt, irate, depth, fumax, recovery) }
            return unsatRate(dt, irate, depth, fumax, recovery)
        }

        mutating func satRate(_ dt: Double, _ irate: Double, _ depth: Double, _ fumax: Double, _ recovery: Double) -> Double {
            let ia = irate + depth / dt
            if ia < InfiltrationState.zero {
                saturated = false
                return unsatRate(dt, irate, depth, fumax, recovery)
            }
            t = 5400 / lu / recovery
            let c1 = (suction + depth) * imd
            var df = f2(f, c1, dt) - f
            if df > ia * dt { df = ia * dt }
            f += df
            fu = min(fu + df, fumax)
            return df / dt
        }

        mutating func unsatRate(_ dt: Double, _ irate: Double, _ depth: Double, _ fumax: Double, _ recovery: Double) -> Double {
            var ia = irate + depth / dt
            if ia < InfiltrationState.zero { ia = 0 }
            if ia == 0 {
                if fu <= 0 { return 0 }
                let kr = lu / 90000 * recovery
                let df = kr * fumax * dt
                f -= df; fu -= df
                if fu <= 0 { fu = 0; f = 0; imd = imdMax; return 0 }
                if t <= 0 { imd = (fumax - fu) / lu; f = 0 }
                return 0
            }
            if ia <= ks {
                let df = ia * dt
                f += df
                fu = min(fu + df, fumax)
                if !modified && t <= 0 { imd = (fumax - fu) / lu; f = 0 }
                return ia
            }
            t = 5400 / lu / recovery
            let fs = ks * (suction + depth) * imd / (ia - ks)
            if f > fs {
                saturated = true
                return satRate(dt, irate, depth, fumax, recovery)
            }
            if f + ia * dt < fs {
                let df = ia * dt
                f += df
                fu = min(fu + df, fumax)
                return ia
            }
            // The surface saturates within the step.
            let ts = max(dt - (fs - f) / ia, 0)
            let c1 = (suction + depth) * imd
            var x = f2(fs, c1, ts)
            if x > fs + ia * ts { x = fs + ia * ts }
            let df = x - f
            f = x
            fu = min(fu + df, fumax)
            saturated = true
            return df / dt
        }
    }

    struct CurveNumber: Sendable, Codable {
        /// Maximum and current retention capacity (ft); regeneration (1/s); event gap (s).
        var smax: Double, s: Double, regen: Double, tmax: Double
        /// Event rainfall (ft), event infiltration (ft), last rate (ft/s), effective capacity (ft), dry time (s).
        var p = 0.0, f = 0.0, rateLast = 0.0, se: Double, t = 0.0

        init(cn: Double, dryDays: Double) {
            let c = min(max(cn, 10), 99)
            smax = (1000 / c - 10) / 12
            s = smax; se = smax
            regen = dryDays > 0 ? 1 / (dryDays * 86400) : 0
            tmax = regen > 0 ? 0.06 / regen : .infinity
        }

        mutating func rate(_ dt: Double, _ rain: Double, _ depth: Double, _ recovery: Double) -> Double {
            var f1 = 0.0
            let fa = rain + depth / dt
            if fa > InfiltrationState.zero {
                if rain > InfiltrationState.zero {
                    if t >= tmax { p = 0; f = 0; rateLast = 0; se = s }
                    t = 0
                    p += rain * dt
                    let fNew = p * (1 - p / (p + se))
                    f1 = (fNew - f) / dt
                    if f1 < 0 || s <= 0 { f1 = 0 }
                } else if depth > 0.004167 && s > 0 {
                    // Ponded water (over 0.05 in) keeps infiltrating at the last rate.
                    f1 = min(rateLast, s / dt)
                } else {
                    t += dt
                }
                if f1 > 0 {
                    f1 = max(min(f1, fa), 0)
                    f += f1 * dt
                    if regen > 0 { s = max(s - f1 * dt, 0) }
                }
            } else {
                if regen > 0 { s = min(s + regen * smax * dt * recovery, smax) }
                t += dt
            }
            rateLast = f1
            return f1
        }
    }
}
