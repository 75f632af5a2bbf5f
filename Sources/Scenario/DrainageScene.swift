import CityIO
import CityModel
import Flood
import Foundation
import Geometry

/// The storm-sewer part of a scene (`processes: [drainage]`, `docs/scene-format.md`): the model's
/// drainage network, subcatchments and rain gauges, run as a SWMM-compatible stormwater project
/// whose rain is the scene's `forcing.rain` and whose length is the scene's `duration`.
///
/// The `drainage:` block is optional:
/// ```yaml
/// drainage:
///   routing: dynamic_wave      # or kinematic_wave
///   routing_step: 5s           # the longest routing step (dynamic wave shortens it by Courant)
///   runoff_step: 60s           # runoff step while it rains (the dry step is 5 × longer)
///   annual_rain: rain/year.csv # a one-year record (mm/h) for the annual capture ratio
/// ```
/// Every rain gauge that a subcatchment names receives the scene's rain (uniform over the district).
/// When the model carries its own stormwater project, its options are kept and only the run length
/// and the rain gauges' records are replaced.
public struct DrainageScene {
    /// The model with the stormwater project this scene runs (rain, length, routing options,
    /// sponge facilities and pump-failure rules put in).
    public var model: CityModel
    /// Rain intensity (mm/h, a step series at a fixed interval) falling on every subcatchment.
    public var rain: FloodSeries
    /// Run length and report step (s).
    public var duration: Double
    public var reportStep: Double
    /// Sponge facilities placed by `interventions.sponge` (empty without).
    public var sponge: [SpongePlacement] = []
    /// A continuous one-year rain record (mm/h, one value per hour from 1 January 00:00) for the
    /// annual runoff volume capture ratio, from `drainage.annual_rain`; nil without.
    public var annualRain: [Double]?
    /// The file it was read from.
    public var annualRainFile: String?
    /// Pumps switched off by `interventions.pump_failures`.
    public var pumpFailures: [PumpFailure] = []
    /// The model as it was before the sponge facilities were put in (nil without them).
    var modelWithoutSponge: CityModel?

    /// The same scene without its sponge facilities (for the reductions they bring); nil when the
    /// scene places none.
    public var withoutSponge: DrainageScene? {
        guard let m = modelWithoutSponge else { return nil }
        var s = self
        s.model = m; s.sponge = []; s.modelWithoutSponge = nil
        return s
    }

    /// Calendar start of every drainage run (the rain's t = 0); only the month matters (monthly
    /// adjustments), and the projects built here have none.
    static let start = StormwaterDateTime(year: 2020, month: 6, day: 1)!

    /// Keys of the `drainage:` block.
    static let keys = ["routing", "routing_step", "runoff_step", "annual_rain"]

    /// Reads the `drainage:` block (optional) for a scene whose rain, duration and model the flood
    /// reader has already resolved (`flood`).
    static func load(_ node: SceneNode?, flood: FloodScene, forcing: SceneNode?, document doc: SceneNode) throws -> DrainageScene {
        guard var model = flood.model else { throw doc.error(.missingField, "model: missing (the drainage network comes from the city model)") }
        guard !model.drainageNodes.isEmpty, !model.drainageLinks.isEmpty else {
            throw doc.error(.missingField, "the model has no drainage network (drainage_nodes and drainage_links)")
        }
        guard let rain = flood.rainfall else {
            throw (forcing ?? doc).error(.missingField, "forcing.rain: missing (the drainage run needs rain on the subcatchments)")
        }
        let rainNode = try forcing.flatMap { try $0.fields(["rain", "inflows", "boundaries"])["rain"] } ?? doc
        let interval = try Self.interval(of: rain, at: rainNode)
        let f = try node?.fields(keys) ?? [:]
        var project = model.stormwater ?? Self.defaultProject()
        if let r = f["routing"] {
            switch try r.string() {
            case "dynamic_wave": project.options.flowRouting = .dynamicWave
            case "kinematic_wave": project.options.flowRouting = .kinematicWave
            case let other: throw r.error(.badValue, "expected dynamic_wave or kinematic_wave, found '\(other)'")
            }
        }
        if let s = f["routing_step"] {
            let v = try s.seconds()
            guard v >= 0.1, v <= 300 else { throw s.error(.implausibleValue, "routing step \(v) s must be in [0.1, 300]") }
            project.options.routingStep = v
        }
        if let s = f["runoff_step"] {
            let v = try s.seconds()
            guard v >= 1, v <= 3600 else { throw s.error(.implausibleValue, "runoff step \(v) s must be in [1, 3600]") }
            project.options.wetStep = v; project.options.dryStep = 5 * v
        }
        project.options.start = Self.start
        project.options.reportStart = Self.start
        project.options.end = Self.start.adding(seconds: flood.duration)
        project.options.reportStep = flood.reportStep
        Self.setRain(rain, interval: interval, of: &project, model: model, name: "SCENE_RAIN")
        model.stormwater = project
        var scene = DrainageScene(model: model, rain: rain, duration: flood.duration, reportStep: flood.reportStep)
        if let a = f["annual_rain"] {
            scene.annualRain = try Self.hourlyYear(a, scene: doc.file)
            scene.annualRainFile = try a.path(relativeTo: doc.file)
        }
        return scene
    }

    /// The interval of a rain series for a rain gauge: its samples must be equally spaced and held
    /// (step interpolation), as a gauge's record is.
    static func interval(of rain: FloodSeries, at node: SceneNode) throws -> Double {
        guard rain.interpolation == .step else {
            throw node.error(.badValue, "a rain gauge holds intensities over intervals: give interpolation: step for the drainage run")
        }
        guard rain.times.count >= 2 else { return 3600 }
        let dt = rain.times[1] - rain.times[0]
        for (a, b) in zip(rain.times, rain.times.dropFirst()) where abs((b - a) - dt) > 1e-6 {
            throw node.error(.badValue, "rain samples must be equally spaced for the drainage run (\(dt) s, then \(b - a) s at t = \(a) s)")
        }
        guard dt >= 1 else { throw node.error(.implausibleValue, "rain interval \(dt) s is shorter than 1 s") }
        return dt
    }

    /// A rain record (CSV, mm/h held over each interval) as 8760 hourly means; it must span at least
    /// 360 days and be non-negative.
    static func hourlyYear(_ node: SceneNode, scene: String) throws -> [Double] {
        let s = try FloodScene.readSeries(node, scene: scene, interpolation: .step)
        guard let last = s.times.last, let first = s.times.first, last - first >= 360 * 86400 - 1 else {
            throw node.error(.badValue, "the annual rain record must span a year (it spans \(Int(((s.times.last ?? 0) - (s.times.first ?? 0)) / 86400)) days)")
        }
        if let bad = s.values.first(where: { $0 < 0 }) { throw node.error(.implausibleValue, "rain intensity \(bad) mm/h is negative") }
        // Exact hourly means of the step series (its breaks inside each hour included).
        return (0..<8760).map { h in
            let a = first + Double(h) * 3600, b = a + 3600
            var t = a, depth = 0.0
            while t < b {
                let next = min(s.nextBreak(after: t) ?? b, b)
                depth += s.value(at: t) * (next - t)
                t = next
            }
            return depth / 3600
        }
    }

    /// Makes every gauge named by a subcatchment read `rain` (mm/h, intervals of `interval` s).
    static func setRain(_ rain: FloodSeries, interval: Double, of project: inout StormwaterProject, model: CityModel, name: String) {
        project.timeSeries.removeAll { $0.name.uppercased() == name.uppercased() }
        project.timeSeries.append(TimeSeries(name: name, unit: "mm/h", times: rain.times, values: rain.values, interpolation: .step))
        let gauges = Set(model.subcatchments.compactMap { $0.rainGauge?.rawValue })
        project.rainGages.removeAll { gauges.contains($0.id) }
        for g in gauges.sorted() {
            project.rainGages.append(RainGage(id: g, format: .intensity, interval: interval, source: .timeSeries(name), toSI: 1))
        }
    }

    /// The stormwater options of a model without its own project: metric flow units (m³/s),
    /// Green–Ampt infiltration, dynamic-wave routing with a 5 s longest step and a 75 % Courant
    /// variable step, a 60 s wet and 300 s dry runoff step; flooding leaves the network (no ponding).
    public static func defaultProject() -> StormwaterProject {
        var p = StormwaterProject()
        p.title = ["citytwin drainage scene"]
        var o = StormwaterOptions()
        o.flowUnits = .cms
        o.infiltration = .greenAmpt
        o.flowRouting = .dynamicWave
        o.routingStep = 5
        o.variableStep = 0.75
        o.wetStep = 60; o.dryStep = 300
        o.allowPonding = false
        p.options = o
        return p
    }
}
