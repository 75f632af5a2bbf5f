import CityIO
import CityModel
import Flood
import Foundation
import Geometry
import Report

/// Runs a `RunScene` (the surface flood on the model's terrain and/or the storm sewer), computes
/// its KPIs and writes the run folder through the Report toolkit (`RunFolder`), plus `run.json`
/// (what ran, for `compare`), `flood_summary.json` (the flood engine's summary with its mass
/// balance) and `drainage_summary.json` (the stormwater engine's summary in SI units); a storm with
/// traffic adds `traffic/road_events.csv` (closures with time and place) and
/// `traffic_summary_dry.json` (the dry baseline).
public struct SceneRun {
    public let scene: RunScene
    /// The surface flood (nil when `flood` is not among the processes).
    public private(set) var flood: FloodRun?
    /// The storm sewer (nil when `drainage` is not among the processes).
    public private(set) var drainage: DrainageRun?
    /// The same scene without its sponge facilities, run for the sponge-city KPIs (nil without sponge).
    public private(set) var spongeBaseline: DrainageRun?
    public private(set) var started = Date()
    /// The traffic run when the scene switches traffic on.
    public private(set) var traffic: TrafficRun?
    /// The coupled dual-drainage run when the scene lists flood and drainage (`flood` and `drainage`
    /// then follow it and are set by `run`).
    public private(set) var coupled: CoupledRun?
    /// The same traffic without the storm (the storm-with-traffic scene's dry baseline, run as a
    /// second pass after the coupled run; nil otherwise or with `coupling: {dry_baseline: false}`).
    public private(set) var dryTraffic: TrafficRun?
    var runsFlood: Bool { scene.processes.contains("flood") }

    public init(scene: RunScene, threads: Int) throws {
        self.scene = scene
        if scene.isCoupled {
            coupled = try CoupledRun(scene: scene, threads: threads)
        } else if scene.processes.contains("flood") { flood = try FloodRun(scene: scene.flood, threads: threads) }
        if let d = scene.drainage, coupled == nil {
            drainage = try DrainageRun(scene: d)
            if let b = d.withoutSponge { spongeBaseline = try DrainageRun(scene: b) }
        }
        if let t = scene.traffic {
            if scene.isStormTraffic {
                if scene.roads?.dryBaseline ?? true { dryTraffic = try TrafficRun(scene: t) }
            } else {
                traffic = try TrafficRun(scene: t)
            }
        }
    }

    /// Runs to the scene's end; `progress(fraction, simulated seconds)` after each report step.
    /// - Throws: the engine's `SimError` when a process of the coupled run fails.
    public mutating func run(progress: (Double, Double) -> Void = { _, _ in }) throws {
        started = Date()
        if coupled != nil {
            // The dry baseline (traffic alone) is much faster than the coupled run: a tenth of the bar.
            let share = dryTraffic == nil ? 1.0 : 0.9
            try coupled!.run { f, t in progress(f * share, t) }
            flood = coupled!.flood; drainage = coupled!.drainage
            if let t = scene.traffic, let p = coupled!.trafficProcess {
                traffic = TrafficRun(scene: t, finished: p.simulation, queueTimes: coupled!.queueTimes,
                                     queueSamples: coupled!.queueSamples, cpuSeconds: p.cpuSeconds)
            }
            try dryTraffic?.run { f, t in progress(share + (1 - share) * f, t) }
            return
        }
        // Progress runs over the parts in turn (the sponge baseline is not counted).
        let parts = Double((flood != nil ? 1 : 0) + (drainage != nil ? 1 : 0) + (traffic != nil ? 1 : 0))
        var done = 0.0
        if flood != nil { flood!.run { f, t in progress((done + f) / parts, t) }; done += 1 }
        if drainage != nil { drainage!.run { f, t in progress((done + f) / parts, t) }; done += 1 }
        spongeBaseline?.run()
        try traffic?.run { f, t in progress((done + f) / parts, t) }
    }

    /// Wall-clock time of the simulations (s).
    public var wallSeconds: Double {
        if let coupled { return coupled.wallSeconds + (dryTraffic?.wallSeconds ?? 0) }
        return (flood?.wallSeconds ?? 0) + (drainage?.wallSeconds ?? 0) + (spongeBaseline?.wallSeconds ?? 0)
            + (traffic?.wallSeconds ?? 0)
    }

    /// Depth thresholds of the flooding KPIs (m): passable with care, impassable for cars.
    public static let thresholds = [0.15, 0.3]

    /// The maximum flood depth (m) over the run on the terrain grid: the maximum depth above the
    /// initial water (so the river at its normal level counts only by how much it rose); NODATA
    /// −9999 on blocked cells.
    public var maxDepth: Raster<Double>? {
        guard let flood else { return nil }
        let g = scene.flood.setup.grid
        let s = flood.statistics.maxDepth
        let h0 = scene.flood.setup.initialDepth
        return Raster(grid: g.spec, values: s.indices.map {
            g.blocked[$0] ? -9999 : max(0, Double(s[$0]) - Double(h0?[$0] ?? 0))
        }, noData: -9999)
    }

    /// The run's KPIs (see `SceneKPIs.flood`, `DrainageKPIs.drainage` and `DrainageKPIs.sponge`).
    public var kpis: [KPI] {
        var out = floodKPIs
        if let drainage {
            out += drainage.kpis
            if let spongeBaseline { out += DrainageKPIs.sponge(drainage, baseline: spongeBaseline) }
        }
        out += (coupled?.kpis ?? []) + (traffic?.kpis ?? [])
        // The storm with traffic: its own KPIs (closures, delay lost, vehicle ledger) head the list.
        if let c = coupled, let roads = c.roads, let t = traffic {
            out = StormTrafficKPIs.kpis(roads: roads, traffic: t, rerouted: c.trafficProcess?.rerouted ?? 0, dry: dryTraffic, vehicles: c.vehicles) + out
        }
        return out
    }

    /// The flood KPIs (empty without the flood process).
    var floodKPIs: [KPI] {
        guard let flood, let d = maxDepth else { return [] }
        let b = flood.simulation.balance
        let points = flood.gauges.gauges.map { (name: $0.name, maxDepth: d.values[$0.cell]) }
        let edges = scene.flood.setup.boundaries.enumerated().map {
            (name: $0.element.name, net: flood.simulation.boundaryVolumes[$0.offset].outflow - flood.simulation.boundaryVolumes[$0.offset].inflow)
        }
        let pointInflow = flood.simulation.inflowVolumes.reduce(0, +)
        return SceneKPIs.flood(maxDepth: d, model: scene.model, points: points,
                               balance: .init(rain: b.rain, inflow: pointInflow, infiltration: b.infiltration, netOutflow: edges,
                                              storageChange: b.storage - b.initialStorage, relativeError: b.relativeError))
    }

    /// Everything the report draws: KPIs, the depth field, the hyetograph and the sensors' depths.
    public var results: RunResults {
        let info = RunInfo(scene: scene.flood.file, model: scene.model.name, crs: scene.model.crs, started: started,
                           simulatedDuration: scene.flood.duration, wallClock: wallSeconds)
        var rain: TimeSeries?
        if let r = scene.flood.rainfall {
            rain = TimeSeries(name: "rainfall", unit: "mm/h", times: r.times, values: r.values,
                              interpolation: r.interpolation == .step ? .step : .linear)
        }
        var depths: [TimeSeries] = []
        if let g = flood?.gauges {
            depths = g.gauges.enumerated().map { k, p in
                TimeSeries(name: "\(p.name) depth", unit: "m", times: g.times, values: g.depth[k].map(Double.init))
            }
        }
        var r = RunResults(info: info, kpis: kpis, maxDepth: maxDepth, rainfall: rain, otherSeries: depths)
        if let drainage {
            r.nodeFlooding = drainage.nodeFlooding
            r.outfallFlows = drainage.outfallSeries
            r.pipes = drainage.pipeFlows
            r.otherSeries.append(TimeSeries(name: "total outfall flow", unit: "m³/s", times: drainage.times, values: drainage.totalOutfallFlow))
            if let b = spongeBaseline {
                r.otherSeries.append(TimeSeries(name: "total outfall flow without sponge facilities", unit: "m³/s",
                                                times: b.times, values: b.totalOutfallFlow))
            }
        }
        if let t = traffic { t.addResults(to: &r, model: scene.model) }
        if let roads = coupled?.roads { r.roadFlooding = roads.flooded }
        return r
    }

    /// Writes the run folder at `folder` (refused when it exists, unless `overwrite`; the earlier
    /// run then stays untouched until the new one is complete). Returns the files written.
    @discardableResult
    public func write(to folder: String, overwrite: Bool) throws -> [String] {
        var o = RunFolder.Options()
        o.overwrite = overwrite
        o.waterLevel = scene.waterLevel
        o.title = scene.name
        if let c = scene.roads { o.closureDepth = c.closureDepth }
        var files = try RunFolder.write(results, basemap: Basemap(model: scene.model), to: folder, options: o)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.dateEncodingStrategy = .iso8601
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        func put<T: Encodable>(_ v: T, _ name: String) throws {
            try AtomicFile.write(Array(try enc.encode(v)), to: (folder as NSString).appendingPathComponent(name))
            files.append(name)
        }
        try put(RunRecord(name: scene.name, scene: scene.flood.file, model: scene.modelPath, modelName: scene.model.name,
                          crs: scene.model.crs.description, processes: scene.processes, started: started,
                          simulatedDuration: scene.flood.duration, wallSeconds: wallSeconds), "run.json")
        if let flood { try put(flood.summary, "flood_summary.json") }
        if let drainage { try put(DrainageKPIs.summary(drainage, baseline: spongeBaseline), "drainage_summary.json") }
        if let c = coupled?.summary { try put(c, "coupled_summary.json") }
        if let t = traffic { files += try t.writeExtras(to: folder) }
        if let roads = coupled?.roads {
            try AtomicFile.write(Array(roads.eventsCSV.utf8), to: (folder as NSString).appendingPathComponent("traffic/road_events.csv"))
            files.append("traffic/road_events.csv")
        }
        if let d = dryTraffic {
            try AtomicFile.write(Array(try enc.encode(d.summary)), to: (folder as NSString).appendingPathComponent("traffic_summary_dry.json"))
            files.append("traffic_summary_dry.json")
        }
        return files.sorted()
    }
}

/// What `run.json` in a run folder holds: enough for `citytwin compare` to find the model again.
public struct RunRecord: Codable, Sendable {
    public var name: String
    /// The scene file and the model (folder or `.sqlite`) as paths at run time.
    public var scene: String
    public var model: String
    public var modelName: String
    public var crs: String
    public var processes: [String]
    public var started: Date
    /// Simulated duration and wall-clock run time (s).
    public var simulatedDuration: Double
    public var wallSeconds: Double
}

/// KPIs of a run, computed from its results so that each can be checked against the raster.
public enum SceneKPIs {
    /// Volumes of the surface water balance (m³).
    public struct Balance: Sendable {
        /// Rain on the open cells, point and line inflows, infiltration (m³).
        public var rain, inflow, infiltration: Double
        /// Net volume out over each boundary (outflow − inflow, m³).
        public var netOutflow: [(name: String, net: Double)]
        /// Water on the surface at the end minus at the start (m³).
        public var storageChange: Double
        /// Mass-balance error over the water in (initial, rain, inflows).
        public var relativeError: Double
        public init(rain: Double, inflow: Double, infiltration: Double, netOutflow: [(name: String, net: Double)],
                    storageChange: Double, relativeError: Double) {
            self.rain = rain; self.inflow = inflow; self.infiltration = infiltration; self.netOutflow = netOutflow
            self.storageChange = storageChange; self.relativeError = relativeError
        }
    }

    /// The flooding and water-balance KPIs:
    /// Depths are above the initial water; cells of `water` land-use parcels (the river) are left out
    /// of the areas and the maximum depth on land (the road length samples streets only).
    /// - **Flooded area > t** (m²): open cells whose maximum depth exceeds t, times the cell area.
    /// - **Flooded road area > t** (m²): the same for cells whose centre lies in a `road` land-use parcel.
    /// - **Flooded road length > t** (m): street centre lines (each two-way street once) sampled on the
    ///   maximum-depth raster every eighth of a cell (`FloodedRoads.measure`).
    /// - **Maximum depth** (m) overall and at each output point (the model's water-level sensors).
    /// - **Rain**, **inflows**, **net runoff out over each boundary** (outflow − inflow),
    ///   **infiltration**, **water added to the surface** (m³) and the **mass balance error** (% of
    ///   the water in). Rain + inflows = Σ net runoff + infiltration + water added + error.
    public static func flood(maxDepth d: Raster<Double>, model: CityModel, points: [(name: String, maxDepth: Double)],
                             balance b: Balance) -> [KPI] {
        let spec = d.grid
        let cellArea = spec.cellSize * spec.cellSize
        var roadCell = [Bool](repeating: false, count: spec.count)
        let roads: [Polygon] = model.landUse.filter { $0.landUse == "road" }.flatMap { p -> [Polygon] in
            switch p.shape {
            case .polygon(let g)?: return [g]
            case .multiPolygon(let m)?: return m.polygons
            default: return []
            }
        }
        for i in FloodRasterize.cells(inside: roads, on: spec) { roadCell[i] = true }
        // The water body is not flooded land: its cells are left out of the area KPIs.
        var waterCell = [Bool](repeating: false, count: spec.count)
        let water: [Polygon] = model.landUse.filter { $0.landUse == "water" }.flatMap { p -> [Polygon] in
            switch p.shape {
            case .polygon(let g)?: return [g]
            case .multiPolygon(let m)?: return m.polygons
            default: return []
            }
        }
        for i in FloodRasterize.cells(inside: water, on: spec) { waterCell[i] = true }
        let lines = Basemap(model: model).streets.map { (id: $0.id, line: $0.line) }
        let measured = FloodedRoads.measure(lines, depth: d)
        var out: [KPI] = []
        let group = "Flooding"
        for t in SceneRun.thresholds {
            let tag = KPI.format(t, decimals: 2)
            var all = 0, road = 0
            for (i, v) in d.values.enumerated() where v != d.noData && v > t && !waterCell[i] {
                all += 1
                if roadCell[i] { road += 1 }
            }
            let len = t == 0.15 ? measured.reduce(0) { $0 + $1.lengthOver015 } : measured.reduce(0) { $0 + $1.lengthOver030 }
            out.append(KPI(group: group, name: "Flooded area > \(tag) m", value: Double(all) * cellArea, unit: "m²", decimals: 0))
            out.append(KPI(group: group, name: "Flooded road area > \(tag) m", value: Double(road) * cellArea, unit: "m²", decimals: 0))
            out.append(KPI(group: group, name: "Flooded road length > \(tag) m", value: len, unit: "m", decimals: 0))
        }
        var deepest = 0.0
        for (i, v) in d.values.enumerated() where v != d.noData && !waterCell[i] { deepest = max(deepest, v) }
        out.append(KPI(group: group, name: "Maximum depth on land", value: deepest, unit: "m", decimals: 3))
        for p in points {
            out.append(KPI(group: "Critical points", name: "Maximum depth at \(p.name)", value: p.maxDepth, unit: "m", decimals: 3))
        }
        let w = "Water balance"
        out.append(KPI(group: w, name: "Rain", value: b.rain, unit: "m³", decimals: 0))
        if b.inflow > 0 { out.append(KPI(group: w, name: "Inflows", value: b.inflow, unit: "m³", decimals: 0)) }
        for e in b.netOutflow {
            out.append(KPI(group: w, name: "Runoff out over \(e.name) (net)", value: e.net, unit: "m³", decimals: 0))
        }
        out.append(KPI(group: w, name: "Infiltration", value: b.infiltration, unit: "m³", decimals: 0))
        out.append(KPI(group: w, name: "Water added to the surface", value: b.storageChange, unit: "m³", decimals: 0))
        out.append(KPI(group: w, name: "Mass balance error", value: b.relativeError * 100, unit: "%", decimals: 6))
        return out
    }
}
