import CityIO
import CityModel
import Foundation
import Geometry
import Testing
@testable import Report

func syntheticResults() -> RunResults {
    let g = SyntheticScene.grid
    let s = SyntheticScene.street.line
    let rain = TimeSeries(name: "RG1", unit: "mm/h", times: [0, 600, 1200, 1800], values: [10, 50, 20, 0], interpolation: .step)
    let flow = TimeSeries(name: "OF01", unit: "m3/s", times: [0, 900, 1800, 3600], values: [0, 1.5, 0.8, 0.1])
    let queue = TimeSeries(name: "J1 east", unit: "veh", times: [0, 60, 120], values: [0, 5, 2])
    return RunResults(
        info: SyntheticScene.info,
        kpis: [KPI(group: "Flooding", name: "flooded area over 0.15 m", value: 1000, unit: "m²"),
               KPI(group: "Flooding", name: "maximum depth", value: 0.5, unit: "m", decimals: 2),
               KPI(group: "Drainage", name: "outfall volume OF01", value: 3456.789, unit: "m³"),
               KPI(group: "Traffic", name: "mean delay", value: 12.3456, unit: "s/veh", decimals: 1)],
        maxDepth: SyntheticScene.depth,
        nodeFlooding: [NodeFlooding(id: "J1", position: g.center(row: 14, col: 8), volume: 400, peakRate: 0.2, duration: 600),
                       NodeFlooding(id: "J2", position: g.center(row: 14, col: 16), volume: 0, peakRate: 0, duration: 0)],
        links: [LinkResult(id: "E", shape: s, lanes: 2, freeSpeed: 10, meanSpeed: 4, flow: 600, delay: 40),
                LinkResult(id: "W", shape: Polyline(s.points.reversed()), lanes: 2, freeSpeed: 10, meanSpeed: .nan, flow: 0, delay: 0)],
        junctions: [JunctionResult(id: "J1", position: Coordinate(527_150, 3_384_745), delay: 22.5, maxQueue: 7, throughput: 900)],
        rainfall: rain, outfallFlows: [flow], queues: [queue])
}

@Suite struct DepthPolygonTests {
    @Test func polygonsHaveExactlyTheAreaOfTheCellsAboveEachThreshold() throws {
        let classes = try DepthPolygons.classes(SyntheticScene.depth)
        #expect(classes.map(\.threshold) == [0.15, 0.3])
        // > 0.15 m: the 3×2 patch of 0.5 m and the 2×2 patch of 0.2 m, separately; > 0.3 m: the first only.
        #expect(classes[0].cellCount == 10 && classes[1].cellCount == 6)
        #expect(classes[0].polygons.count == 2 && classes[1].polygons.count == 1)
        let geos = GeosContext()
        for c in classes {
            let sum = c.polygons.reduce(0) { $0 + $1.area }
            #expect(sum == Double(c.cellCount) * 100, "class \(c.threshold): \(sum) m²")
            #expect(c.area == Double(c.cellCount) * 100)
            for p in c.polygons { #expect(try geos.isValid(.polygon(p))) }
        }
        #expect(classes[1].polygons[0].bbox == BBox(minX: 527_030, minY: 3_384_860, maxX: 527_060, maxY: 3_384_880))
    }

    @Test func ringsOfCellsKeepTheirHoleAndCornerTouchesStayValid() throws {
        let g = GridSpec(width: 7, height: 7, originX: 1000, originY: 2000, cellSize: 2)
        var r = Raster<Double>(grid: g, fill: 0)
        for row in 1...3 { for col in 1...3 where !(row == 2 && col == 2) { r[row, col] = 1 } }   // ring of 8 around a dry cell
        r[5, 5] = 1; r[4, 4] = 0.2; r[6, 6] = 1                                                     // diagonal touches
        let c = try DepthPolygons.classes(r, thresholds: [0.5, 0.1])
        let geos = GeosContext()
        #expect(c[0].cellCount == 10 && c[1].cellCount == 11)
        for k in c {
            #expect(k.polygons.reduce(0) { $0 + $1.area } == Double(k.cellCount) * 4)
            for p in k.polygons { #expect(try geos.isValid(.polygon(p))) }
        }
        let ring = try #require(c[0].polygons.first { $0.holes.count == 1 })
        #expect(ring.area == 32 && abs(Polygon.signedArea(ring.holes[0])) == 4)
    }

    @Test func floodedRoadLengthsFollowTheDepthUnderTheLine() {
        let g = GridSpec(width: 10, height: 1, originX: 0, originY: 0, cellSize: 10)
        var r = Raster<Double>(grid: g, fill: 0)
        r[0, 2] = 0.2; r[0, 3] = 0.4; r[0, 4] = 0.4
        let f = FloodedRoads.measure([("R", Polyline([Coordinate(0, 5), Coordinate(100, 5)]))], depth: r)[0]
        #expect(abs(f.length - 100) < 1e-9)
        #expect(abs(f.lengthOver015 - 30) < 1e-9 && abs(f.lengthOver030 - 20) < 1e-9)
        #expect(f.maxDepth == 0.4 && abs(f.meanDepth - 0.1) < 1e-12)
    }
}

/// The coordinate rings (or the single line, or point) of a shape.
func rings(_ s: Shape) -> [[Coordinate]] {
    switch s {
    case .polygon(let p): p.rings
    case .multiPolygon(let m): m.polygons.flatMap(\.rings)
    default: [s.allCoordinates]
    }
}

/// Within half a unit of the 7th decimal (the export's rounding), in degrees.
func close(_ a: Coordinate, _ b: Coordinate) -> Bool { abs(a.x - b.x) <= 0.5e-7 + 1e-12 && abs(a.y - b.y) <= 0.5e-7 + 1e-12 }

@Suite struct ExportTests {
    @Test func geoJSONRoundTripsInWGS84WithinPROJsTransform() throws {
        let dir = TemporaryFolderPath()
        let r = syntheticResults()
        let layers = try ResultLayers.make(r, roads: [SyntheticScene.street])
        #expect(layers.map(\.name) == ["max_depth", "flooded_roads", "node_flooding", "link_flows", "junction_delays", "pipe_flows", "road_closures"])
        let t = try CoordinateTransformer(from: SyntheticScene.crs, to: .wgs84)
        let back = try CoordinateTransformer(from: .wgs84, to: SyntheticScene.crs)
        for layer in layers {
            let path = dir.file("\(layer.name).geojson")
            try ResultGeoJSON.write(layer, crs: SyntheticScene.crs, to: path)
            var read: [GeoJSONFeature] = []
            let crs = try GeoJSON.readFeatures(path: path) { f, _ in read.append(f) }
            #expect(crs == .wgs84)
            #expect(read.count == layer.features.count, "\(layer.name)")
            // No legacy crs member: RFC 7946.
            #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("\"crs\""))
            for (f, src) in zip(read, layer.features) {
                #expect(f.id == .string(src.id))
                // Ring by ring (the writer may reverse a ring to follow the right-hand rule).
                let got = rings(try #require(f.shape)), want = rings(try t.transform(src.shape))
                #expect(got.count == want.count)
                for (g, w) in zip(got, want) {
                    #expect(g.count == w.count)
                    let w2 = zip(g, w).allSatisfy(close) ? w : Array(w.reversed())
                    for (a, b) in zip(g, w2) { #expect(close(a, b), "\(a) vs \(b)") }
                }
            }
            if layer.name == "max_depth" {
                // Areas: the property is exact; reprojected back, the rings are within the 7-decimal rounding.
                var byClass: [Double: Double] = [:]
                for f in read {
                    guard case .number(let th)? = f.properties["threshold_m"], case .number(let a)? = f.properties["area_m2"] else {
                        Issue.record("max_depth feature without threshold or area"); continue
                    }
                    byClass[th, default: 0] += a
                    guard case .polygon(let p) = try back.transform(try #require(f.shape)) else { Issue.record("not a polygon"); continue }
                    let perimeter = try GeosContext().length(.polygon(p))
                    #expect(abs(p.area - a) <= perimeter * 0.01, "area \(p.area) vs \(a)")
                }
                #expect(byClass == [0.15: 1000, 0.3: 600])
            }
        }
    }

    @Test func geoJSONPropertiesCarryUnitsAndNullForMissingValues() throws {
        let dir = TemporaryFolderPath()
        let layers = try ResultLayers.make(syntheticResults(), roads: [SyntheticScene.street])
        let links = layers[3]
        try ResultGeoJSON.write(links, crs: SyntheticScene.crs, to: dir.file("l.geojson"))
        var props: [[String: JSONValue]] = []
        try GeoJSON.readFeatures(path: dir.file("l.geojson")) { f, _ in props.append(f.properties) }
        #expect(props[0]["speed_ratio"] == .number(0.4) && props[0]["delay_s"] == .number(40))
        #expect(props[1]["mean_speed_ms"] == .null && props[1]["speed_ratio"] == .null)
        // Only nodes with a flooding volume are exported.
        #expect(layers[2].features.map(\.id) == ["J1"])
    }

    @Test func geoPackageHoldsEveryLayerInTheModelCRSExactly() throws {
        let dir = TemporaryFolderPath()
        let layers = try ResultLayers.make(syntheticResults(), roads: [SyntheticScene.street])
        let path = dir.file("results.gpkg")
        try ResultGeoPackage.write(layers, crs: SyntheticScene.crs, to: path)
        #expect(try ResultGeoPackage.layerNames(path: path) == layers.map(\.name))
        for layer in layers {
            let (srid, features) = try ResultGeoPackage.readLayer(path: path, layer: layer.name)
            #expect(srid == 4547)
            #expect(features.map(\.id) == layer.features.map(\.id))
            for (f, src) in zip(features, layer.features) {
                #expect(f.shape == src.shape)                                         // bit-identical coordinates
                for (c, v) in zip(layer.columns, src.values) { #expect(f.properties[c.name] == v, "\(layer.name).\(c.name)") }
            }
        }
        let depth = try ResultGeoPackage.readLayer(path: path, layer: "max_depth").features
        let total015 = depth.filter { $0.properties["threshold_m"] == .number(0.15) }.reduce(0.0) {
            guard case .polygon(let p)? = $1.shape else { return .nan }
            return $0 + p.area
        }
        #expect(total015 == 1000)
        // The file is a GeoPackage: 'GPKG' application id at byte offset 68.
        let head = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(72))
        #expect(Array(head[68..<72]) == Array("GPKG".utf8))
        // An existing file is not overwritten unless asked.
        #expect { try ResultGeoPackage.write(layers, crs: SyntheticScene.crs, to: path) } throws: { ($0 as? InputError)?.code == .outputExists }
        try ResultGeoPackage.write(layers, crs: SyntheticScene.crs, to: path, overwrite: true)
        #expect { try ResultGeoPackage.readLayer(path: path, layer: "nope") } throws: { ($0 as? InputError)?.code == .missingTable }
    }
}

@Suite struct HTMLTests {
    @Test func runReportContainsEveryKPIAndEmbedsItsFigures() throws {
        let r = syntheticResults()
        let c = try Canvas(width: 20, height: 10)
        let fig = try ReportFigure(caption: "a <small> map & more", canvas: c, alt: "tiny")
        let html = HTMLReport.run(r.info, kpis: r.kpis, figures: [fig, fig])
        for k in r.kpis { #expect(html.contains(HTMLReport.kpiRow(k)), "KPI \(k.name) missing") }
        #expect(html.contains("<td class=\"num\">3457</td><td>m³</td>"))
        #expect(html.contains("<td class=\"num\">12.3</td><td>s/veh</td>"))
        #expect(html.contains("<td class=\"num\">0.50</td><td>m</td>"))
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count == 3)
        #expect(html.contains(Data(try c.encoded()).base64EncodedString()))
        #expect(html.contains("a &lt;small&gt; map &amp; more"))
        #expect(html.contains("Scenes/test.yaml") && html.contains("synthetic") && html.contains("2 h"))
        #expect(html.contains("2025-06-15T15:06:40Z"))
        // Self-contained: no scripts, no external resources.
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://") && !html.contains("<link"))
    }

    @Test func comparisonTableHasAandBandTheirDifference() {
        let a = [KPI(group: "Flooding", name: "flooded area over 0.15 m", value: 800, unit: "m²"),
                 KPI(group: "Flooding", name: "only in A", value: 1, unit: "")]
        let b = [KPI(group: "Flooding", name: "flooded area over 0.15 m", value: 1000, unit: "m²")]
        let html = HTMLReport.comparison(a: SyntheticScene.info, b: SyntheticScene.info, kpisA: a, kpisB: b, rows: [])
        #expect(html.contains("<th>A</th><th>B</th><th>A − B</th>"))
        #expect(html.contains("<td class=\"num\">800</td><td class=\"num\">1000</td><td class=\"num\">-200</td><td class=\"num\">-20.0 %</td>"))
        #expect(html.contains("<tr><td>only in A</td><td></td><td class=\"num\">1.00</td><td class=\"num\">–</td>"))
        #expect(HTMLReport.duration(5400) == "1 h 30 min" && HTMLReport.duration(45) == "45 s")
    }
}

@Suite struct RunFolderTests {
    @Test func writesEveryPartAndRefusesToOverwrite() throws {
        let dir = TemporaryFolderPath()
        let out = dir.file("runs/storm")
        let files = try RunFolder.write(syntheticResults(), basemap: SyntheticScene.basemap(), to: out)
        for f in ["report.html", "kpis.json", "results.gpkg", "max_depth.asc", "maps/max_depth.png", "maps/traffic_speed.png",
                  "maps/traffic_delay.png", "charts/hydrograph.png", "charts/hydrograph.svg", "charts/queues.png", "charts/queues.svg",
                  "geojson/max_depth.geojson", "geojson/flooded_roads.geojson", "geojson/node_flooding.geojson",
                  "geojson/link_flows.geojson", "geojson/junction_delays.geojson",
                  "timeseries/rainfall.csv", "timeseries/outfall_flows.csv", "timeseries/queues.csv"] {
            #expect(files.contains(f), "\(f) missing")
        }
        for f in files where f.hasSuffix(".png") {
            let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent(f))))
            #expect(pngHeaderSize(png) != nil, "\(f) is not a PNG")
        }
        let csv = try CSVTimeSeries.read(path: (out as NSString).appendingPathComponent("timeseries/outfall_flows.csv"))
        #expect(csv.series[0].values == [0, 1.5, 0.8, 0.1])
        let kpis = try JSONDecoder().decode([KPI].self, from: Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent("kpis.json"))))
        #expect(kpis == syntheticResults().kpis)
        let grid = try AsciiGrid.read(path: (out as NSString).appendingPathComponent("max_depth.asc"))
        #expect(grid.values == SyntheticScene.depth.values)

        // A second run into the same folder is refused and leaves the first one as it was.
        let report = (out as NSString).appendingPathComponent("report.html")
        let before = try String(contentsOfFile: report, encoding: .utf8)
        var other = syntheticResults()
        other.kpis = [KPI(group: "X", name: "changed", value: 1, unit: "")]
        #expect { try RunFolder.write(other, basemap: SyntheticScene.basemap(), to: out) } throws: { ($0 as? InputError)?.code == .outputExists }
        #expect(try String(contentsOfFile: report, encoding: .utf8) == before)
        var o = RunFolder.Options(); o.overwrite = true
        try RunFolder.write(other, basemap: SyntheticScene.basemap(), to: out, options: o)
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("changed"))
        // No temporary or old folders are left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("runs")) == ["storm"])
    }

    @Test func comparisonFolderHasDifferenceMapsAndTable() throws {
        let dir = TemporaryFolderPath()
        let a = syntheticResults()
        var b = syntheticResults()
        var d = b.maxDepth!
        d[2, 4] = 0.2
        b.maxDepth = d
        b.links[0].delay = 10
        let files = try RunFolder.writeComparison(a: a, b: b, basemap: SyntheticScene.basemap(), to: dir.file("cmp"))
        #expect(files == ["compare.html", "kpis.json", "maps/delay_a.png", "maps/delay_b.png", "maps/delay_difference.png",
                          "maps/max_depth_a.png", "maps/max_depth_b.png", "maps/max_depth_difference.png"])
        let html = try String(contentsOfFile: dir.file("cmp/compare.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "data:image/png;base64,").count == 7)
    }
}
