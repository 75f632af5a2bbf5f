import CityModel
import Geometry

/// External inflows and dry-weather flows at nodes (SWMM 5.2 `inflow.c`, `dwflow`), evaluated at
/// the end of each routing step as SWMM does, in internal cfs.
///
/// External: q(t) = series(t)·scale·unit factor + baseline·pattern(t); the series is interpolated
/// linearly and is zero outside its range. Dry weather: average × monthly × daily × hourly factors,
/// the weekend-hourly pattern replacing the hourly one on Saturdays and Sundays.
public struct NodeInflows: Sendable {
    struct External: Sendable {
        var node: Int
        var series: Table?
        /// Multiplier from the series' numbers to internal cfs.
        var seriesFactor: Double
        /// Baseline (cfs).
        var baseline: Double
        var pattern: Pattern?
    }
    struct DryWeather: Sendable {
        var node: Int
        var average: Double
        var patterns: [Pattern]
    }
    struct Pattern: Sendable {
        var kind: TimePattern.Kind
        var factors: [Double]
    }

    var externals: [External] = []
    var dryWeather: [DryWeather] = []
    let start: StormwaterDateTime

    public var isEmpty: Bool { externals.isEmpty && dryWeather.isEmpty }

    /// Resolves the project's flow inflows against the network's node indices.
    public init(project: StormwaterProject, network: RoutingNetwork, file: String = "model") throws {
        start = project.options.start
        let cfs = project.units.toInternal(1, .flow)
        func pattern(_ name: String?, _ node: String) throws -> Pattern? {
            guard let name, !name.isEmpty, name != "\"\"" else { return nil }
            guard let p = project.pattern(named: name) else {
                throw InputError(.danglingReference, "node \(node): unknown pattern \(name)", at: SourceLocation(file: file, feature: node))
            }
            return Pattern(kind: p.kind, factors: p.factors)
        }
        for e in project.externalInflows where e.isFlow {
            guard let i = network.nodeIndex[e.node] else {
                throw InputError(.danglingReference, "inflow at unknown node \(e.node)", at: SourceLocation(file: file, feature: e.node))
            }
            var series: Table? = nil
            if let name = e.timeSeries, !name.isEmpty {
                guard let s = project.timeSeries(named: name) else {
                    throw InputError(.danglingReference, "inflow at \(e.node): unknown time series \(name)", at: SourceLocation(file: file, feature: e.node))
                }
                series = Table(x: s.times, y: s.values)
            }
            externals.append(External(node: i, series: series, seriesFactor: e.seriesToSI * e.scale * cfs,
                                      baseline: e.baseline * cfs, pattern: try pattern(e.baselinePattern, e.node)))
        }
        for d in project.dryWeatherFlows where d.isFlow {
            guard let i = network.nodeIndex[d.node] else {
                throw InputError(.danglingReference, "dry-weather flow at unknown node \(d.node)", at: SourceLocation(file: file, feature: d.node))
            }
            dryWeather.append(DryWeather(node: i, average: d.average * cfs, patterns: try d.patterns.compactMap { try pattern($0, d.node) }))
        }
    }

    static func factor(_ p: Pattern?, _ date: StormwaterDateTime) -> Double {
        guard let p else { return 1 }
        switch p.kind {
        case .monthly: return p.factors[safe: date.month - 1] ?? 1
        case .daily: return p.factors[safe: date.dayOfWeek - 1] ?? 1
        case .hourly: return p.factors[safe: date.hour] ?? 1
        case .weekend:
            let d = date.dayOfWeek
            return (d == 1 || d == 7) ? (p.factors[safe: date.hour] ?? 1) : 1
        }
    }

    /// Adds the inflows at elapsed time t (s) to `lateral` (cfs per node); returns the totals
    /// (external, dry weather) for the mass balance.
    func add(at t: Double, to lateral: inout [Double]) -> (external: Double, dryWeather: Double) {
        let date = start.adding(seconds: t.rounded(.down))
        var ex = 0.0, dw = 0.0
        for e in externals {
            var q = 0.0
            if let s = e.series, let first = s.x.first, let last = s.x.last, t >= first, t <= last {
                q = s.lookup(t) * e.seriesFactor
            }
            q += e.baseline * Self.factor(e.pattern, date)
            lateral[e.node] += q
            ex += q
        }
        for d in dryWeather {
            var f = 1.0
            var hourly: Pattern? = nil, weekend: Pattern? = nil
            for p in d.patterns {
                switch p.kind {
                case .monthly, .daily: f *= Self.factor(p, date)
                case .hourly: hourly = p
                case .weekend: weekend = p
                }
            }
            let day = date.dayOfWeek
            if let w = weekend, day == 1 || day == 7 { f *= Self.factor(Pattern(kind: .hourly, factors: w.factors), date) }
            else if let h = hourly { f *= Self.factor(h, date) }
            let q = d.average * f
            lateral[d.node] += q
            dw += q
        }
        return (ex, dw)
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
