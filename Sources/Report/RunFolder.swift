import CityIO
import CityModel
import Foundation
import Geometry

/// Writes the complete output of a run (or of a comparison) into one folder:
///
/// ```
/// RUN/
///   report.html               self-contained report (maps, charts, KPI tables)
///   kpis.json                 the KPIs (group, name, value, unit)
///   results.gpkg              every vector result layer in the model's CRS (GeoPackage)
///   max_depth.asc             the maximum-depth raster (ESRI ASCII grid, model CRS, m)
///   geojson/<layer>.geojson   the same layers in WGS 84 (RFC 7946, 7 decimals)
///   maps/max_depth.png        depth over hillshade, streets, buildings, node flooding
///   maps/traffic_speed.png    speed ratio on the links;  maps/traffic_delay.png
///   maps/drainage.png         conduits by peak flow / capacity, node flooding circles
///   maps/flooded_roads.png    depth, traffic speed and the roads water closed (coupled runs)
///   charts/hydrograph.png|svg hyetograph and outfall hydrographs;  charts/queues.png|svg
///   timeseries/<name>.csv     rainfall, outfall flows, queues, other series (CSV, time in s)
/// ```
///
/// Parts with no data are left out (no depth raster: no depth map, polygons empty). Everything is
/// built in a temporary folder beside the target and renamed into place at the end, so a failure
/// leaves nothing, and an existing folder is replaced only with `overwrite` (and only once the new
/// one is complete).
public enum RunFolder {
    public struct Options: Sendable {
        public var overwrite = false
        /// Write SVG versions of the charts too.
        public var svgCharts = true
        /// Normal water level of the water body (m), tinted as water on the depth map.
        public var waterLevel: Double?
        public var title: String?
        /// Depth (m) at which water closes a road, for the flooded-roads map's legend.
        public var closureDepth = 0.3
        public init() {}
    }

    /// Writes the run folder and returns the relative paths written, sorted.
    @discardableResult
    public static func write(_ r: RunResults, basemap: Basemap, to path: String, options: Options = Options()) throws -> [String] {
        try build(path: path, overwrite: options.overwrite) { dir in
            var figures: [ReportFigure] = []
            let sub = "\(r.info.model) · \(r.info.scene)"
            let crs = r.info.crs
            try mkdirs(dir, ["maps", "charts", "geojson", "timeseries"])
            func file(_ rel: String) -> String { (dir as NSString).appendingPathComponent(rel) }

            if let d = r.maxDepth {
                var o = ResultMaps.DepthOptions()
                o.waterLevel = options.waterLevel
                let c = try ResultMaps.depthMap(basemap: basemap, depth: d, nodeFlooding: r.nodeFlooding,
                                                title: "Maximum water depth", subtitle: sub, options: o)
                try c.write(to: file("maps/max_depth.png"))
                figures.append(try ReportFigure(caption: "Maximum water depth over the run (m) on the terrain, with buildings and streets"
                                                + (r.nodeFlooding.contains { $0.volume > 0 } ? "; circles: flooding volume per drainage node (area ∝ m³)." : "."),
                                                canvas: c, alt: "map of maximum water depth"))
                try AsciiGrid.write(d, to: file("max_depth.asc"))
            }
            if !r.links.isEmpty {
                let c = try ResultMaps.trafficMap(basemap: basemap, links: r.links, metric: .speedRatio, title: "Traffic speed", subtitle: sub)
                try c.write(to: file("maps/traffic_speed.png"))
                figures.append(try ReportFigure(caption: "Mean speed over free-flow speed per link, drawn on the right of its direction; width by lanes.",
                                                canvas: c, alt: "map of traffic speed ratio"))
                let dm = try ResultMaps.trafficMap(basemap: basemap, links: r.links, metric: .delay, title: "Traffic delay", subtitle: sub)
                try dm.write(to: file("maps/traffic_delay.png"))
                figures.append(try ReportFigure(caption: "Mean delay per vehicle on each link (s/veh).", canvas: dm, alt: "map of traffic delay"))
            }
            if let d = r.maxDepth, !r.links.isEmpty, !r.roadFlooding.isEmpty {
                let c = try ResultMaps.floodedRoadsMap(basemap: basemap, depth: d, links: r.links, roads: r.roadFlooding,
                                                       closureDepth: options.closureDepth, title: "Flooded and closed roads with traffic",
                                                       subtitle: sub, waterLevel: options.waterLevel)
                try c.write(to: file("maps/flooded_roads.png"))
                let closed = r.roadFlooding.filter(\.wasClosed).count
                figures.append(try ReportFigure(caption: "Maximum water depth (blues, m; below 0.05 m not coloured), traffic as mean speed over free-flow speed per link, and the road edges water closed"
                                                + " (\(closed), black with a magenta core, depth ≥ \(KPI.format(options.closureDepth, decimals: 2)) m) or slowed (\(r.roadFlooding.count - closed), thin magenta).",
                                                canvas: c, alt: "map of flooded and closed roads with traffic"))
            }
            if !r.pipes.isEmpty {
                let c = try ResultMaps.drainageMap(basemap: basemap, pipes: r.pipes, nodeFlooding: r.nodeFlooding,
                                                   title: "Storm sewer: peak flow and node flooding", subtitle: sub)
                try c.write(to: file("maps/drainage.png"))
                figures.append(try ReportFigure(caption: "Storm sewer: each conduit coloured by its peak flow over its full-pipe capacity (above 1: under pressure), width by diameter"
                                                + (r.nodeFlooding.contains { $0.volume > 0 } ? "; circles: flooding volume per manhole (area ∝ m³)." : "."),
                                                canvas: c, alt: "map of the storm sewer's peak flows and node flooding"))
            }
            if r.rainfall != nil || !r.outfallFlows.isEmpty {
                let (c, _) = try ResultCharts.hydrograph(rainfall: r.rainfall, flows: r.outfallFlows, title: "Rainfall and outfall flows", subtitle: sub)
                try c.write(to: file("charts/hydrograph.png"))
                if options.svgCharts {
                    try ResultCharts.hydrograph(rainfall: r.rainfall, flows: r.outfallFlows, title: "Rainfall and outfall flows",
                                                subtitle: sub, format: .svg).canvas.write(to: file("charts/hydrograph.svg"))
                }
                figures.append(try ReportFigure(caption: "Hyetograph (bars from the top, mm/h) and outfall hydrographs (lines, m³/s).",
                                                canvas: c, alt: "chart of rainfall and outfall flows"))
            }
            if !r.queues.isEmpty {
                let (c, _) = try ResultCharts.queues(r.queues, title: "Queues over time", subtitle: sub)
                try c.write(to: file("charts/queues.png"))
                if options.svgCharts {
                    try ResultCharts.queues(r.queues, title: "Queues over time", subtitle: sub, format: .svg).canvas.write(to: file("charts/queues.svg"))
                }
                figures.append(try ReportFigure(caption: "Queue length over time (vehicles).", canvas: c, alt: "chart of queues over time"))
            }
            let layers = try ResultLayers.make(r, roads: basemap.streets)
            for l in layers { try ResultGeoJSON.write(l, crs: crs, to: file("geojson/\(l.name).geojson")) }
            try ResultGeoPackage.write(layers, crs: crs, to: file("results.gpkg"))
            for (name, series) in [("rainfall", r.rainfall.map { [$0] } ?? []), ("outfall_flows", r.outfallFlows),
                                   ("queues", r.queues), ("other", r.otherSeries)] where !series.isEmpty {
                try CSVTimeSeries.write(series, to: file("timeseries/\(name).csv"))
            }
            try writeKPIs(r.kpis, to: file("kpis.json"))
            try AtomicFile.write(HTMLReport.run(r.info, kpis: r.kpis, figures: figures, title: options.title), to: file("report.html"))
        }
    }

    /// Writes a comparison folder (`compare.html`, `kpis.json` with both runs, difference maps).
    /// The depth difference is A − B (e.g. with minus without sponge facilities: negative where
    /// they lower the water); the link delay difference A − B per link ID.
    @discardableResult
    public static func writeComparison(a: RunResults, b: RunResults, basemap: Basemap, to path: String,
                                       options: Options = Options()) throws -> [String] {
        try build(path: path, overwrite: options.overwrite) { dir in
            try mkdirs(dir, ["maps"])
            func file(_ rel: String) -> String { (dir as NSString).appendingPathComponent(rel) }
            var rows: [ComparisonRow] = []
            if let da = a.maxDepth, let db = b.maxDepth {
                var o = ResultMaps.DepthOptions()
                o.waterLevel = options.waterLevel
                o.maximumDepth = max(da.values.filter(\.isFinite).max() ?? 0, db.values.filter(\.isFinite).max() ?? 0)
                let ma = try ResultMaps.depthMap(basemap: basemap, depth: da, nodeFlooding: a.nodeFlooding, title: "A: maximum depth", subtitle: a.info.scene, options: o)
                let mb = try ResultMaps.depthMap(basemap: basemap, depth: db, nodeFlooding: b.nodeFlooding, title: "B: maximum depth", subtitle: b.info.scene, options: o)
                var dopt = ResultMaps.DifferenceOptions()
                dopt.title = "Δ max depth A − B [m]"
                dopt.waterLevel = options.waterLevel
                let md = try ResultMaps.differenceMap(basemap: basemap, a: da, b: db, title: "Difference of maximum depth, A − B",
                                                      subtitle: "\(a.info.scene) − \(b.info.scene)", options: dopt)
                try ma.write(to: file("maps/max_depth_a.png")); try mb.write(to: file("maps/max_depth_b.png"))
                try md.write(to: file("maps/max_depth_difference.png"))
                rows.append(ComparisonRow(caption: "Maximum water depth",
                                          a: try ReportFigure(caption: "maximum depth (m), same colour scale as B", canvas: ma, alt: "depth map A"),
                                          b: try ReportFigure(caption: "maximum depth (m), same colour scale as A", canvas: mb, alt: "depth map B"),
                                          difference: try ReportFigure(caption: "A − B (m): blue where A is shallower, red where deeper", canvas: md, alt: "depth difference map")))
            }
            if !a.links.isEmpty, !b.links.isEmpty {
                let delayB = Dictionary(b.links.map { ($0.id, $0.delay) }, uniquingKeysWith: { x, _ in x })
                var diff: [String: Double] = [:]
                for l in a.links { if let y = delayB[l.id] { diff[l.id] = l.delay - y } }
                var dopt = ResultMaps.DifferenceOptions()
                dopt.title = "Δ delay A − B [s/veh]"; dopt.neutralBand = 0.5
                let ma = try ResultMaps.trafficMap(basemap: basemap, links: a.links, metric: .delay, title: "A: traffic delay", subtitle: a.info.scene)
                let mb = try ResultMaps.trafficMap(basemap: basemap, links: b.links, metric: .delay, title: "B: traffic delay", subtitle: b.info.scene)
                let md = try ResultMaps.linkDifferenceMap(basemap: basemap, links: a.links, difference: diff, title: "Difference of delay, A − B",
                                                          subtitle: "\(a.info.scene) − \(b.info.scene)", options: dopt)
                try ma.write(to: file("maps/delay_a.png")); try mb.write(to: file("maps/delay_b.png"))
                try md.write(to: file("maps/delay_difference.png"))
                rows.append(ComparisonRow(caption: "Traffic delay",
                                          a: try ReportFigure(caption: "mean delay (s/veh)", canvas: ma, alt: "delay map A"),
                                          b: try ReportFigure(caption: "mean delay (s/veh)", canvas: mb, alt: "delay map B"),
                                          difference: try ReportFigure(caption: "A − B (s/veh): blue where A is faster", canvas: md, alt: "delay difference map")))
            }
            if let row = try drainageComparisonRow(a: a, b: b, basemap: basemap, file: file) { rows.append(row) }
            let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            struct Both: Encodable { var a: [KPI]; var b: [KPI]; var sceneA: String; var sceneB: String }
            try AtomicFile.write(Array(try enc.encode(Both(a: a.kpis, b: b.kpis, sceneA: a.info.scene, sceneB: b.info.scene))), to: file("kpis.json"))
            try AtomicFile.write(HTMLReport.comparison(a: a.info, b: b.info, kpisA: a.kpis, kpisB: b.kpis, rows: rows, title: options.title),
                                 to: file("compare.html"))
        }
    }

    public static func writeKPIs(_ kpis: [KPI], to path: String) throws {
        let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try AtomicFile.write(Array(try enc.encode(kpis)), to: path) } catch let e as EncodingError {
            throw InputError(.badValue, "KPIs cannot be written as JSON (\(e))", at: SourceLocation(file: path))
        }
    }

    // MARK: Folder handling

    static func mkdirs(_ dir: String, _ subs: [String]) throws {
        for s in subs {
            try FileManager.default.createDirectory(atPath: (dir as NSString).appendingPathComponent(s), withIntermediateDirectories: true)
        }
    }

    /// Runs `body` on a fresh temporary folder beside `path`, then moves it into place. Returns the
    /// relative paths of the files written.
    static func build(path: String, overwrite: Bool, _ body: (String) throws -> Void) throws -> [String] {
        let fm = FileManager.default
        let loc = SourceLocation(file: path)
        if fm.fileExists(atPath: path), !overwrite {
            throw InputError(.outputExists, "already exists; an earlier run is not overwritten (pass --force to replace it)", at: loc)
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !fm.fileExists(atPath: parent) {
            do { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
                throw InputError(.writeFailed, "cannot create the parent folder: \(error.localizedDescription)", at: loc)
            }
        }
        let tmp = path + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        do {
            try fm.createDirectory(atPath: tmp, withIntermediateDirectories: false)
            try body(tmp)
            let files = (fm.subpaths(atPath: tmp) ?? []).filter {
                var d: ObjCBool = false
                return fm.fileExists(atPath: (tmp as NSString).appendingPathComponent($0), isDirectory: &d) && !d.boolValue
            }.sorted()
            if fm.fileExists(atPath: path) {
                let old = path + ".old-\(getpid())"
                try fm.moveItem(atPath: path, toPath: old)
                try fm.moveItem(atPath: tmp, toPath: path)
                try? fm.removeItem(atPath: old)
            } else {
                try fm.moveItem(atPath: tmp, toPath: path)
            }
            return files
        } catch {
            try? fm.removeItem(atPath: tmp)
            if let e = error as? InputError { throw e.location == nil ? e.located(loc) : e }
            throw InputError(.writeFailed, "\(error.localizedDescription)", at: loc)
        }
    }
}
