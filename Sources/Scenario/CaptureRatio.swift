import CityModel
import Foundation
import Geometry
import Stormwater

/// The annual runoff volume capture ratio (年径流总量控制率) of China's sponge-city guideline
/// (海绵城市建设技术指南——低影响开发雨水系统构建, MOHURD 2014, §3.3; GB/T 51345-2018 *Standard for
/// assessment of sponge city construction effect*, §2.0.5 and §5.1): the share of the year's
/// rainfall that is controlled on site — infiltrated, stored, evaporated or used, not discharged:
///
///   α = 1 − V_discharged / V_rain,
///
/// here from a continuous simulation of the subcatchments (with their sponge facilities) over a
/// one-year record: V_rain is the rain on the subcatchments, V_discharged the surface runoff plus
/// the underdrain flow they send to the sewer (SWMM's runoff continuity).
///
/// The guideline's statistical method gives the design rainfall depth that a ratio corresponds
/// to: from daily rainfall, days of 2 mm or less left out, a day of depth P contributes
/// min(P, H) of control for a design depth H, so α(H) = Σ min(P_i, H) / Σ P_i.
public enum CaptureRatio {
    /// Days with this much rain or less are left out of the statistical method (mm).
    public static let minimumDay = 2.0

    /// α(H) of the statistical method for daily depths `daily` (mm) and a design depth `h` (mm):
    /// Σ min(P_i, H) / Σ P_i over the days with P_i > 2 mm. 0 when no day counts.
    public static func statistical(daily: [Double], designDepth h: Double) -> Double {
        let days = daily.filter { $0 > minimumDay }
        let total = days.reduce(0, +)
        guard total > 0 else { return 0 }
        return days.reduce(0) { $0 + min($1, h) } / total
    }

    /// The design rainfall depth H (mm) whose α(H) equals `ratio` (0 < ratio < 1), by bisection to
    /// 0.01 mm; nil when no day counts.
    public static func designDepth(daily: [Double], ratio: Double) -> Double? {
        let days = daily.filter { $0 > minimumDay }
        guard let top = days.max(), ratio > 0, ratio < 1 else { return nil }
        var lo = 0.0, hi = top
        while hi - lo > 0.005 {
            let mid = (lo + hi) / 2
            if statistical(daily: days, designDepth: mid) < ratio { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Daily totals (mm) of an hourly record (mm/h, hour 0 at midnight).
    public static func daily(hourly: [Double]) -> [Double] {
        stride(from: 0, to: hourly.count, by: 24).map { d in hourly[d..<min(d + 24, hourly.count)].reduce(0, +) }
    }

    /// Monthly mean potential evaporation in Wuhan (mm/day), January first: about 0.6 of the
    /// 20 cm pan climatology (≈ 1400 mm/year), so ≈ 850 mm/year.
    public static let wuhanEvaporation: [Double] = [0.9, 1.1, 1.6, 2.3, 2.9, 3.1, 4.1, 4.0, 3.0, 2.2, 1.5, 1.0]

    /// Result of a continuous year.
    public struct Year: Sendable, Codable, Equatable {
        /// Rain on the subcatchments, water they sent to the network, infiltrated and evaporated (m³).
        public var rain, discharged, infiltrated, evaporated: Double
        /// Runoff continuity error (%).
        public var continuityError: Double
        /// α = 1 − discharged / rain.
        public var ratio: Double { rain > 0 ? 1 - discharged / rain : 0 }
    }

    /// The runoff of `model` (its subcatchments and LID units; the network is not routed) set up
    /// over `hourly` (mm/h, one value per hour from 1 January 00:00) with Wuhan's monthly
    /// evaporation, ready to `run()`.
    public static func prepare(model: CityModel, hourly: [Double]) throws -> RunoffModel {
        var m = model
        var p = m.stormwater ?? DrainageScene.defaultProject()
        p.options.start = StormwaterDateTime(year: 2021, month: 1, day: 1)!
        p.options.reportStart = p.options.start
        p.options.end = p.options.start.adding(seconds: Double(hourly.count) * 3600)
        p.options.wetStep = 300; p.options.dryStep = 3600
        var e = Evaporation()
        e.source = .monthly(wuhanEvaporation)
        p.evaporation = e
        let times = hourly.indices.map { Double($0) * 3600 }
        DrainageScene.setRain(.init(times: times, values: hourly, interpolation: .step), interval: 3600, of: &p, model: m, name: "ANNUAL_RAIN")
        m.stormwater = p
        do { return try RunoffModel(model: m) } catch let e as SimulationInputError {
            throw InputError(.badValue, "annual runoff: \(e.message)", at: SourceLocation(file: model.name))
        }
    }

    /// The year's volumes of a finished run.
    public static func year(_ r: RunoffModel) -> Year {
        let c = r.continuity
        return Year(rain: c.rainfall, discharged: c.runoff + c.drains, infiltrated: c.infiltration, evaporated: c.evaporation,
                    continuityError: c.errorPercent)
    }

    /// Runs a year (``prepare(model:hourly:)``, then ``year(_:)``).
    public static func simulate(model: CityModel, hourly: [Double]) throws -> Year {
        var r = try prepare(model: model, hourly: hourly)
        r.run()
        return year(r)
    }
}
