import Foundation
import CityModel

/// Car-following models. Speeds in m/s, gaps in m (from the follower's front, less its minimum gap,
/// to the leader's back), accelerations in m/s² (decelerations positive), time step `dt` in s.
///
/// - `krauss`: Krauß, "Microscopic modeling of traffic flow: investigation of collision free vehicle
///   dynamics", DLR report 98-08 (1998), in the form SUMO uses (`MSCFModel_Krauss` with the
///   semi-implicit Euler update): the safe speed lets the follower stop behind the leader's stopping
///   point with braking discretised in steps of `decel·dt` after a reaction time `tau`; then
///   dawdling by `sigma`.
/// - `idm`: Treiber, Hennecke & Helbing, "Congested traffic states in empirical observations and
///   microscopic simulations", Phys. Rev. E 62 (2000): a = a₀[1 − (v/v₀)^δ − (s*/s)²],
///   s* = s₀ + vT + vΔv/(2√(a₀b)), integrated with explicit Euler on the speed.
public enum CarFollowModel: Sendable, Hashable {
    case krauss
    case idm(delta: Double)
}

/// The per-vehicle parameters the models read (a row of the vehicle table).
@usableFromInline struct DriverParameters {
    @usableFromInline var accel: Double
    @usableFromInline var decel: Double
    @usableFromInline var emergencyDecel: Double
    @usableFromInline var tau: Double
    @usableFromInline var minGap: Double
}

/// Krauß model formulas (SUMO's Euler variant). All functions are pure.
public enum Krauss {
    /// Distance (m) to stop from `speed` braking by `decel·dt` per step, plus `speed·headway`.
    @inlinable public static func brakeGap(_ speed: Double, decel: Double, dt: Double, headway: Double = 0) -> Double {
        let reduction = decel * dt
        let steps = (speed / reduction).rounded(.towardZero)
        return dt * (steps * speed - reduction * steps * (steps + 1) / 2) + speed * headway
    }

    /// The largest speed (m/s) from which the vehicle can stop within `gap` (m), braking by
    /// `decel·dt` per step after the reaction time `tau` (SUMO's `maximumSafeStopSpeedEuler`).
    @inlinable public static func safeStopSpeed(gap rawGap: Double, decel: Double, tau: Double, dt: Double) -> Double {
        let g = rawGap - 0.001
        if g <= 0 { return 0 }
        let b = decel * dt, t = tau, s = dt
        let n = (0.5 - ((t + ((s * s + 4.0 * (s * (2.0 * g / b - t) + t * t)).squareRoot() * -0.5)) / s)).rounded(.down)
        let h = 0.5 * n * (n - 1) * b * s + n * b * t
        let r = (g - h) / (n * s + t)
        return max(0, n * b + r)
    }

    /// The safe speed (m/s) behind a leader at `gap` (m) driving at `leaderSpeed`, who may brake with
    /// `leaderDecel`: the follower must be able to stop behind the leader's stopping point.
    @inlinable public static func followSpeed(gap: Double, speed: Double, leaderSpeed: Double, leaderDecel: Double,
                                              decel: Double, emergencyDecel: Double, tau: Double, dt: Double) -> Double {
        if gap < 0 { return max(0, speed - emergencyDecel * dt) }
        var x = safeStopSpeed(gap: gap + brakeGap(leaderSpeed, decel: max(decel, leaderDecel), dt: dt), decel: decel, tau: tau, dt: dt)
        if speed - x > decel * dt + 1e-6 {
            // Harder braking than `decel` is needed: limit it to what the situation requires, at most
            // the emergency deceleration (SUMO's emergency-deceleration rule, simplified).
            let emergency = emergencyDecelNeeded(gap: gap, speed: speed, leaderSpeed: leaderSpeed, leaderDecel: leaderDecel)
            let safeDecel = min(max(emergency, decel), (speed - x) / dt, emergencyDecel)
            x = speed - safeDecel * dt
        }
        return max(0, x)
    }

    /// The constant deceleration (m/s²) that stops the follower at the leader's stopping point.
    @inlinable static func emergencyDecelNeeded(gap: Double, speed: Double, leaderSpeed: Double, leaderDecel: Double) -> Double {
        if gap <= 0 { return .infinity }
        let leaderStop = leaderDecel > 0 ? leaderSpeed * leaderSpeed / (2 * leaderDecel) : 0
        return speed * speed / (2 * (gap + leaderStop))
    }

    /// The largest speed (m/s) from which the vehicle can slow to `targetSpeed` within `distance` (m),
    /// braking by `decel·dt` per step without reaction time (SUMO's `freeSpeed`, Euler).
    @inlinable public static func approachSpeed(distance: Double, targetSpeed: Double, decel: Double, dt: Double) -> Double {
        let v = targetSpeed * dt
        let b = decel * dt * dt
        let g = distance
        let y = max(0, (((b + 2 * v) * (b + 2 * v) + 8 * b * g).squareRoot() - b) * 0.5 - v) / b
        let yFull = y.rounded(.down)
        let exactGap = (yFull * yFull + yFull) * 0.5 * b + yFull * v + (y > yFull ? v : 0)
        let fullSpeedGain = yFull * decel * dt
        return max(0, g - exactGap) / (yFull + 1) / dt + fullSpeedGain + targetSpeed
    }
}

/// The Intelligent Driver Model's acceleration.
public enum IDM {
    /// Acceleration (m/s²) at `speed` with desired speed `v0`, a leader at net gap `gap` (m, or
    /// `.infinity`) approached at `closing = speed − leaderSpeed`.
    @inlinable public static func acceleration(speed: Double, v0: Double, gap: Double, closing: Double, accel: Double,
                                               decel: Double, tau: Double, minGap: Double, delta: Double) -> Double {
        let free = 1 - pow(max(speed, 0) / max(v0, 0.01), delta)
        guard gap.isFinite else { return accel * free }
        let sStar = minGap + max(0, speed * tau + speed * closing / (2 * (accel * decel).squareRoot()))
        let s = max(gap + minGap, 0.01)
        return accel * (free - (sStar / s) * (sStar / s))
    }
}
