import CityIO
import CityModel
import Foundation
import Geometry
import Scenario
import Testing
import TestSupport
@testable import Report

/// The report pages of real runs on a small generated district (1 km, seed 3, 20 m cells): the
/// drainage page, the traffic page and the storm-with-traffic page (coupled flood, drainage and
/// traffic). Each page shows every KPI of the run folder's `kpis.json` with the value as written
/// there, embeds one image per map and chart written, and is screenshotted by headless Chromium
/// (skipped with a message when Chromium is not installed). `CITYTWIN_REPORT_OUT=DIR` keeps the
/// screenshots in DIR.
@Suite(.serialized) struct ScenePageTests {
    /// Writes the small district and an OD matrix across it into `dir`.
    static func setUp(_ dir: TemporaryFolderPath) {
        let model = try! DistrictGenerator.generate(DistrictOptions(seed: 3, size: 1, cellSize: 20))
        try! ModelStore.save(model, to: dir.file("district"), overwrite: false, nativeCRS: true)
        // Trips between every ordered pair of a sample of the road edges (every 12th by ID).
        let edges = model.roadEdges.sorted { $0.id.rawValue < $1.id.rawValue }
        let sample = stride(from: 0, to: edges.count, by: 12).map { edges[$0] }
        var od = "from,to,vehicles\n"
        for o in sample {
            for d in sample where d.id != o.id && !(d.from == o.to && d.to == o.from) { od += "\(o.id.rawValue),\(d.id.rawValue),1\n" }
        }
        try! od.write(toFile: dir.file("od.csv"), atomically: true, encoding: .utf8)
    }

    static func scene(_ processes: String, name: String) -> String {
        """
        version: 1
        name: \(name)
        model: district
        duration: 25min
        report_step: 5min
        processes: [\(processes)]
        \(processes.contains("flood") ? "flood: {buildings: {mode: blocked}}" : "")
        \(processes.contains("drainage") ? "drainage: {routing: dynamic_wave, routing_step: 5s}" : "")
        \(processes.contains("traffic") ? "traffic: {demand: {od: od.csv, window: [0, 15min]}, seed: 7}" : "")
        \(processes == "traffic" ? "" : "forcing:\n  rain:\n    design_storm: {preset: wuhan, return_period_years: 100, duration: 15min, peak_ratio: 0.4, step: 5min}")
        \(processes.contains("flood") ? "  boundaries: [{name: river, edge: east, type: stage, stage: 16.0}]" : "")
        """
    }

    /// Runs `processes` on the small district, writes its folder and checks the page; returns the folder.
    func checkPage(_ processes: String, name: String, figures expected: [String]) throws {
        let dir = TemporaryFolderPath()
        Self.setUp(dir)
        let path = dir.file("\(name).yaml")
        try Self.scene(processes, name: name).write(toFile: path, atomically: true, encoding: .utf8)
        var run = try SceneRun(scene: try RunScene.load(path), threads: 1)
        try run.run()
        let out = dir.file("runs/\(name)")
        let files = try run.write(to: out, overwrite: true)
        for f in expected { #expect(files.contains(f), "\(name): \(f) missing") }
        // Every KPI of kpis.json is on the page with the value and unit written in the JSON.
        let data = try #require(FileManager.default.contents(atPath: out + "/kpis.json"))
        let kpis = try JSONDecoder().decode([KPI].self, from: data)
        #expect(kpis.count == run.kpis.count && !kpis.isEmpty)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for k in kpis { #expect(html.contains(HTMLReport.kpiRow(k)), "\(name): KPI \(k.group) · \(k.name) not shown as in kpis.json") }
        for g in Set(kpis.map(\.group)) { #expect(html.contains("<h3>\(HTMLReport.esc(g))</h3>"), "\(name): group \(g) has no heading") }
        // One embedded image per PNG map and chart written.
        let pngs = files.filter { ($0.hasPrefix("maps/") || $0.hasPrefix("charts/")) && $0.hasSuffix(".png") }
        #expect(html.components(separatedBy: "<img ").count - 1 == pngs.count, "\(name): \(pngs)")
        try screenshot(out + "/report.html", name: name, in: dir)
    }

    func screenshot(_ html: String, name: String, in dir: TemporaryFolderPath) throws {
        guard let chromium = Chromium.path else {
            print("ScenePageTests: chromium not found (install Debian's `chromium`, see scripts/bootstrap); screenshot of \(name) skipped")
            return
        }
        let keep = ProcessInfo.processInfo.environment["CITYTWIN_REPORT_OUT"]
        let shot = keep.map { ($0 as NSString).appendingPathComponent("\(name)-screenshot.png") } ?? dir.file("\(name).png")
        try Chromium.screenshot(chromium, html: html, to: shot, width: 1280, height: 3000)
        let png = try #require(DecodedPNG(path: shot), "the screenshot is not a PNG")
        #expect(png.width == 1280 && png.height == 3000)
        // Not blank: text, tables and maps colour many pixels, in many colours, down the page.
        var nonWhite = 0, colours = Set<UInt32>(), lowest = 0
        for y in stride(from: 0, to: png.height, by: 4) {
            for x in stride(from: 0, to: png.width, by: 4) {
                let p = png.pixel(x, y)
                if p.distance(to: .white) > 30 { nonWhite += 1; lowest = y }
                let b = p.bytes
                colours.insert(UInt32(b.r) << 16 | UInt32(b.g) << 8 | UInt32(b.b))
            }
        }
        let samples = (png.width / 4) * (png.height / 4)
        #expect(Double(nonWhite) > 0.03 * Double(samples), "\(name): only \(nonWhite) of \(samples) sampled pixels are not white")
        #expect(colours.count > 150, "\(name): \(colours.count) colours")
        #expect(lowest > png.height / 2, "\(name): the page ends at \(lowest) px")
    }

    @Test func drainagePage() throws {
        try checkPage("drainage", name: "drainage", figures: ["maps/drainage.png", "charts/hydrograph.png", "report.html"])
    }

    @Test func trafficPage() throws {
        try checkPage("traffic", name: "traffic", figures: ["maps/traffic_speed.png", "maps/traffic_delay.png", "charts/queues.png", "report.html"])
    }

    @Test func stormWithTrafficPage() throws {
        try checkPage("flood, drainage, traffic", name: "storm-traffic",
                      figures: ["maps/max_depth.png", "maps/drainage.png", "maps/traffic_speed.png", "maps/flooded_roads.png",
                                "charts/hydrograph.png", "report.html", "coupled_summary.json", "traffic/road_events.csv"])
    }
}
