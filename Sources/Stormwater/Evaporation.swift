import CityModel
import Foundation

/// Potential evaporation through a simulation (SWMM's climate module): a constant rate, monthly rates
/// or a time series, plus monthly adjustments; rates in SWMM's internal ft/s. Also the monthly soil
/// recovery factor that scales infiltration recovery.
struct EvaporationState: Sendable, Codable {
    let source: Evaporation.Source
    let dryOnly: Bool
    let start: StormwaterDateTime
    /// Internal ft/s per mm/day.
    let toInternal: Double
    let monthlyAdjust: [Double]
    let recovery: [Double]
    var series: TimeSeries?
    /// Current potential evaporation rate (ft/s) and the time (s from start) it next changes.
    private(set) var rate = 0.0
    private(set) var nextChange = -1.0
    private(set) var recoveryFactor = 1.0

    init(project: StormwaterProject, units: SWMMUnits) throws {
        let ev = project.evaporation
        source = ev.source; dryOnly = ev.dryOnly; start = project.options.start
        toInternal = units.toInternal(1, .evapRate)
        monthlyAdjust = project.adjustments.evaporation
        if let p = ev.recoveryPattern, let pat = project.pattern(named: p) { recovery = pat.factors } else { recovery = [] }
        switch ev.source {
        case .temperature, .file:
            throw SimulationInputError("evaporation from temperature or climate files is not supported yet")
        case .timeSeries(let name, _):
            guard let s = project.timeSeries(named: name) else { throw SimulationInputError("evaporation series \(name) is missing") }
            series = s
        default: break
        }
    }

    /// Updates the rate for a step starting `t` seconds after the start.
    mutating func setState(at t: Double) {
        let date = start.adding(seconds: t)
        let m = date.month
        recoveryFactor = recovery.count >= 12 ? recovery[m - 1] : 1
        var r: Double
        switch source {
        case .constant(let v): r = v
        case .monthly(let v): r = v[m - 1]
        case .timeSeries(_, let toSI):
            r = (series?.value(at: t) ?? 0) * toSI
        default: r = 0
        }
        r += monthlyAdjust.count >= 12 ? monthlyAdjust[m - 1] : 0
        rate = max(0, r) * toInternal
        if t >= nextChange {
            switch source {
            case .monthly:
                let c = date.civil
                let next = c.month == 12 ? StormwaterDateTime(year: c.year + 1, month: 1, day: 1)! : StormwaterDateTime(year: c.year, month: c.month + 1, day: 1)!
                nextChange = Double(next.seconds - start.seconds)
            case .timeSeries:
                nextChange = series?.times.first(where: { $0 > t }) ?? t + 365 * 86400
            default:
                nextChange = t + 365 * 86400
            }
        }
    }
}
