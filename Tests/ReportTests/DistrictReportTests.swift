import CityModel
import Foundation
import Geometry
import Testing
import TestSupport
@testable import Report

/// The report toolkit on the committed demo district. Set `CITYTWIN_REPORT_OUT=DIR` to keep the
/// outputs (the run folder, the screenshot and the example map) in DIR; `scripts/make-report-example`
/// uses it to refresh docs/figures/report-map-example.png.
@Suite(.serialized) struct DistrictReportTests {
    static let keep = ProcessInfo.processInfo.environment["CITYTWIN_REPORT_OUT"]

    @Test func depthMapOfTheDistrictShowsWaterInItsHollows() throws {
        let demo = try DistrictDemo.load()
        let depth = try #require(demo.results.maxDepth)
        var o = ResultMaps.DepthOptions()
        o.waterLevel = 16.0
        let example = try ResultMaps.depthMap(basemap: demo.basemap, depth: depth, nodeFlooding: demo.results.nodeFlooding,
                                              title: "Demo district: synthetic water depth in the hollows",
                                              subtitle: "district (EPSG:4547) · hollows filled to 0.25 m below their spill level · circles: synthetic node flooding · not a simulation",
                                              options: o)
        if let dir = Self.keep { try example.write(to: (dir as NSString).appendingPathComponent("report-map-example.png")) }
        let c = try ResultMaps.depthMap(basemap: demo.basemap, depth: depth, title: "depth", options: o)
        // The deepest cell outside buildings (drawn over the water) is drawn in the deep colour.
        let g = depth.grid
        let buildings = MultiPolygon(demo.basemap.buildings)
        let open = depth.values.indices.filter { !buildings.contains(g.center(row: $0 / g.width, col: $0 % g.width)) }
        let imax = try #require(open.max { depth.values[$0] < depth.values[$1] })
        #expect(depth.values[imax] > 0.5)
        let frame = MapFrame(extent: demo.basemap.extent, fitting: o.layout.mapArea)
        let cell = frame.cellRect(g, row: imax / g.width, col: imax % g.width)
        let scale = ColorScale.depth(maximum: depth.values[imax])
        // 90 % deep colour over the terrain or a street: within 10 % of the largest RGB distance
        // (441) plus rounding of the pure deep colour, somewhere in the cell (street edges may cross
        // it); the colour of half that depth is much farther.
        var best = Double.infinity
        for y in Int(cell.y.rounded(.up))..<Int(cell.maxY) { for x in Int(cell.x.rounded(.up))..<Int(cell.maxX) {
            best = min(best, try #require(c.pixel(x, y)).distance(to: scale.color(depth.values[imax])))
        } }
        #expect(best < 0.1 * 441 + 3, "deepest cell drawn \(best) away from the deep colour")
        #expect(scale.color(depth.values[imax]).distance(to: scale.color(depth.values[imax] / 2)) > 100)
        // The hollows hold water: four separate patches deeper than 0.3 m at least.
        let classes = try DepthPolygons.classes(depth)
        #expect(classes[1].polygons.count >= 4, "\(classes[1].polygons.count) patches deeper than 0.3 m")
        #expect(classes[0].area > classes[1].area && classes[1].area > 0)
    }

    @Test func comparisonOfTwoRunsDrawsTheDifferenceOnADivergingScale() throws {
        let demo = try DistrictDemo.load()
        var b = demo.results
        b.info.scene = "demo: hollows filled to 0.45 m below spill"
        b.maxDepth = DistrictDemo.hollowDepth(demo.model.terrain!.elevation, below: 0.45)
        for i in b.links.indices { b.links[i].delay *= 0.7 }
        b.kpis[0].value *= 0.5
        let tmp = TemporaryFolderPath()
        let out = Self.keep.map { ($0 as NSString).appendingPathComponent("district-compare") } ?? tmp.file("district-compare")
        var o = RunFolder.Options()
        o.overwrite = true; o.waterLevel = 16.0
        try RunFolder.writeComparison(a: demo.results, b: b, basemap: demo.basemap, to: out, options: o)
        let png = try #require(DecodedPNG(path: (out as NSString).appendingPathComponent("maps/max_depth_difference.png")))
        #expect(png.width == 1200 && png.height == 1000)
        // A − B is +0.2 m wherever B still has water (flat water surfaces 0.2 m apart): red, the
        // colour of the scale (limits ± the nice ceiling of the largest |A − B|) at +0.2 m.
        let a = demo.results.maxDepth!, bd = b.maxDepth!, g = a.grid
        let m = zip(a.values, bd.values).map { abs($0 - $1) }.max()!
        #expect(abs(m - 0.2) < 1e-9)
        let buildings = MultiPolygon(demo.basemap.buildings)
        let i = try #require(a.values.indices.first { bd.values[$0] > 0.3 && !buildings.contains(g.center(row: $0 / g.width, col: $0 % g.width)) })
        let scale = ColorScale.diverging(magnitude: m, title: "")
        #expect(scale.maximum == 0.2 && scale.minimum == -0.2)
        let frame = MapFrame(extent: demo.basemap.extent, fitting: MapLayout().mapArea)
        let cell = frame.cellRect(g, row: i / g.width, col: i % g.width)
        var best = Double.infinity
        for y in Int(cell.y.rounded(.up))..<Int(cell.maxY) { for x in Int(cell.x.rounded(.up))..<Int(cell.maxX) {
            best = min(best, png.pixel(x, y).distance(to: scale.color(a.values[i] - bd.values[i])))
        } }
        #expect(best < 0.08 * 441 + 3, "difference drawn \(best) away from its colour")
        let html = try String(contentsOfFile: (out as NSString).appendingPathComponent("compare.html"), encoding: .utf8)
        #expect(html.contains(HTMLReport.comparisonRow(name: b.kpis[0].name, unit: b.kpis[0].unit, a: demo.results.kpis[0], b: b.kpis[0])))
        if let chromium = Chromium.path, let dir = Self.keep {
            try Chromium.screenshot(chromium, html: (out as NSString).appendingPathComponent("compare.html"),
                                    to: (dir as NSString).appendingPathComponent("compare-screenshot.png"), width: 1280, height: 1600)
        }
    }

    @Test func fullRunFolderAndHeadlessChromiumScreenshot() throws {
        let demo = try DistrictDemo.load()
        let tmp = TemporaryFolderPath()
        let out = Self.keep.map { ($0 as NSString).appendingPathComponent("district-run") } ?? tmp.file("district-run")
        var o = RunFolder.Options()
        o.overwrite = true; o.waterLevel = 16.0
        let files = try RunFolder.write(demo.results, basemap: demo.basemap, to: out, options: o)
        #expect(files.contains("report.html") && files.contains("maps/max_depth.png") && files.contains("charts/hydrograph.svg"))
        let html = try String(contentsOfFile: (out as NSString).appendingPathComponent("report.html"), encoding: .utf8)
        for k in demo.results.kpis { #expect(html.contains(HTMLReport.kpiRow(k)), "KPI \(k.name) not in the report") }
        // Flooded-road and polygon layers agree with the KPIs.
        let depthLayer = try ResultGeoPackage.readLayer(path: (out as NSString).appendingPathComponent("results.gpkg"), layer: "max_depth")
        let area015 = depthLayer.features.filter { $0.properties["threshold_m"] == .number(0.15) }.reduce(0.0) {
            if case .polygon(let p)? = $1.shape { return $0 + p.area } else { return .nan }
        }
        #expect(abs(area015 - demo.results.kpis[0].value) <= 1e-6 * demo.results.kpis[0].value)

        guard let chromium = Chromium.path else {
            print("DistrictReportTests: chromium not found (install Debian's `chromium`, see scripts/bootstrap); screenshot skipped")
            return
        }
        let shot = Self.keep.map { ($0 as NSString).appendingPathComponent("report-screenshot.png") } ?? tmp.file("shot.png")
        try Chromium.screenshot(chromium, html: (out as NSString).appendingPathComponent("report.html"), to: shot, width: 1280, height: 2400)
        let png = try #require(DecodedPNG(path: shot), "the screenshot is not a PNG")
        #expect(png.width == 1280 && png.height == 2400)
        // Non-blank: many pixels differ from white, in many colours (text, tables, the map's blues and greens).
        var nonWhite = 0, colours = Set<UInt32>()
        for y in stride(from: 0, to: png.height, by: 4) {
            for x in stride(from: 0, to: png.width, by: 4) {
                let p = png.pixel(x, y)
                if p.distance(to: .white) > 30 { nonWhite += 1 }
                let b = p.bytes
                colours.insert(UInt32(b.r) << 16 | UInt32(b.g) << 8 | UInt32(b.b))
            }
        }
        let samples = (png.width / 4) * (png.height / 4)
        #expect(Double(nonWhite) > 0.05 * Double(samples), "only \(nonWhite) of \(samples) sampled pixels are not white")
        #expect(colours.count > 200)
    }
}

/// Headless Chromium (Debian's `chromium` package) for screenshots of HTML reports.
enum Chromium {
    static var path: String? {
        for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: p) { return p }
        return nil
    }

    /// Screenshots `html` at `width` × `height` CSS pixels into `to` (PNG); fails after 90 s.
    static func screenshot(_ exe: String, html: String, to: String, width: Int, height: Int) throws {
        let profile = NSTemporaryDirectory() + "citytwin-chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let p = Foundation.Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                       "--user-data-dir=\(profile)", "--force-device-scale-factor=1",
                       "--screenshot=\(to)", "--window-size=\(width),\(height)", URL(fileURLWithPath: html).absoluteString]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(90)
        while p.isRunning, Date() < deadline { usleep(100_000) }
        if p.isRunning { p.terminate(); throw InputError(.internalError, "chromium did not finish within 90 s") }
        guard p.terminationStatus == 0, FileManager.default.fileExists(atPath: to) else {
            throw InputError(.internalError, "chromium exited with \(p.terminationStatus) and wrote no screenshot")
        }
    }
}
