import CityIO
import CityModel
import Foundation
import Flood
import Geometry
import Report
import Scenario
import Testing
import TestSupport

/// Loads `text` as a scene next to the small district and expects an input error at `line` whose
/// text holds every one of `parts`.
func expectSceneError(_ text: String, line: Int, contains parts: [String]) throws {
    let f = TemporaryFolder()
    _ = try writeSmallDistrict(f)
    let path = f.file("s.yaml")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    do {
        _ = try RunScene.load(path)
        Issue.record("no error for \(parts)")
    } catch let e as InputError {
        let s = "\(e)"
        #expect(s.contains("s.yaml:\(line):"), "\(s)")
        for p in parts { #expect(s.contains(p), "\(s) lacks \(p)") }
    }
}

/// A 1 km generated district (seed 3, 20 m cells) saved as a model folder in `folder`.
func writeSmallDistrict(_ folder: borrowing TemporaryFolder) throws -> String {
    let model = try DistrictGenerator.generate(DistrictOptions(seed: 3, size: 1, cellSize: 20))
    let path = folder.file("district")
    try ModelStore.save(model, to: path, overwrite: false, nativeCRS: true)
    return path
}

/// A short heavy storm on the small district.
func stormScene(years: Double, name: String, extra: String = "", storm: String? = nil) -> String {
    """
    version: 1
    name: \(name)
    model: district
    duration: 20min
    report_step: 5min
    processes: [flood]
    flood:
      buildings: {mode: blocked}
    forcing:
      rain:
        design_storm:
    \(storm ?? """
          preset: wuhan
          return_period_years: \(years)
          duration: 15min
          peak_ratio: 0.4
          step: 1min
    """)
      boundaries:
        - {name: river, edge: east, type: stage, stage: 16.0}
    \(extra)
    """
}

@Suite struct SceneReaderTests {
    @Test func readsTheDesignStorm() throws {
        let f = TemporaryFolder()
        _ = try writeSmallDistrict(f)
        let path = f.file("s.yaml")
        try stormScene(years: 50, name: "s").write(toFile: path, atomically: true, encoding: .utf8)
        let s = try RunScene.load(path)
        let rain = try #require(s.flood.rainfall)
        let storm = try DesignStorm(preset: "wuhan", returnPeriod: 50, duration: 15, step: 1, peakRatio: 0.4)
        #expect(rain.values.dropLast() == storm.intensities[...])
        #expect(rain.times.last == 900)
        #expect(s.processes == ["flood"])
        #expect(s.flood.gauges.count == s.model.sensors.filter { $0.kind == .waterLevel }.count)
    }

    @Test func refusesUnknownKeys() throws {
        try expectSceneError(stormScene(years: 50, name: "s").replacingOccurrences(of: "peak_ratio", with: "peak_ration"),
                        line: 15, contains: ["E106", "forcing.rain.design_storm.peak_ration", "unknown key"])
        try expectSceneError(stormScene(years: 50, name: "s") + "\nscenery: 1\n", line: 20, contains: ["E106", "scenery"])
    }

    @Test func refusesBadDesignStorms() throws {
        try expectSceneError(stormScene(years: -5, name: "s"), line: 13, contains: ["E503", "forcing.rain.design_storm.return_period_years", "positive"])
        try expectSceneError(stormScene(years: 50, name: "s").replacingOccurrences(of: "peak_ratio: 0.4", with: "peak_ratio: 1.4"),
                        line: 15, contains: ["E503", "forcing.rain.design_storm.peak_ratio"])
        try expectSceneError(stormScene(years: 50, name: "s").replacingOccurrences(of: "preset: wuhan", with: "preset: hankou"),
                        line: 12, contains: ["E105", "forcing.rain.design_storm.preset", "wuhan"])
        let own = """
                  formula: {a1: 5.9, c: 0.65, b: 4, n: 1.2}
                  return_period_years: 10
                  duration: 15min
            """
        try expectSceneError(stormScene(years: 0, name: "s", storm: own), line: 12, contains: ["E503", "forcing.rain.design_storm.formula.n"])
    }

    @Test func refusesProcessesNotYetBuilt() throws {
        try expectSceneError(stormScene(years: 50, name: "s", extra: "interventions: {sponge: {all_candidates: true}}"),
                        line: 19, contains: ["E105", "interventions.sponge", "needs drainage among the processes"])
    }
}

@Suite struct SceneRunTests {
    @Test func runWritesTheFolderAndConsistentKPIsAndCompareGivesDifferences() throws {
        let f = TemporaryFolder()
        _ = try writeSmallDistrict(f)
        var folders: [String] = []
        for (years, name) in [(100.0, "a"), (2.0, "b")] {
            let path = f.file("\(name).yaml")
            try stormScene(years: years, name: name).write(toFile: path, atomically: true, encoding: .utf8)
            var run = try SceneRun(scene: try RunScene.load(path), threads: 2)
            try run.run()
            let out = f.file("runs/\(name)")
            let files = try run.write(to: out, overwrite: false)
            for expected in ["report.html", "kpis.json", "max_depth.asc", "maps/max_depth.png", "charts/hydrograph.png",
                             "geojson/max_depth.geojson", "geojson/flooded_roads.geojson", "run.json", "flood_summary.json"] {
                #expect(files.contains(expected), "\(expected) missing from \(files)")
            }
            // KPIs against the raster written.
            let d = try AsciiGrid.read(path: "\(out)/max_depth.asc")
            let kpis = try JSONDecoder().decode([KPI].self, from: try Data(contentsOf: URL(fileURLWithPath: "\(out)/kpis.json")))
            func kpi(_ n: String) throws -> Double { try #require(kpis.first { $0.name == n }).value }
            let cellArea = d.grid.cellSize * d.grid.cellSize
            let scene = try RunScene.load(path)
            var water = [Bool](repeating: false, count: d.grid.count)
            for p in scene.model.landUse where p.landUse == "water" {
                if case .polygon(let g)? = p.shape { for i in FloodRasterize.cells(inside: [g], on: d.grid) { water[i] = true } }
            }
            #expect(water.contains(true))
            for (t, tag) in [(0.15, "0.15"), (0.3, "0.30")] {
                let cells = d.values.indices.filter { d.values[$0] != d.noData && d.values[$0] > t && !water[$0] }.count
                #expect(try kpi("Flooded area > \(tag) m") == Double(cells) * cellArea)
                #expect(try kpi("Flooded road area > \(tag) m") <= Double(cells) * cellArea)
            }
            #expect(try kpi("Flooded road length > 0.30 m") <= (try kpi("Flooded road length > 0.15 m")))
            #expect(try kpi("Maximum depth on land") == d.values.indices.filter { d.values[$0] != d.noData && !water[$0] }.map { d.values[$0] }.max())
            // The balance closes: rain = Σ net runoff + water added + error.
            let net = kpis.filter { $0.name.hasPrefix("Runoff out over") }.reduce(0) { $0 + $1.value }
            #expect(abs(try kpi("Rain") - net - (try kpi("Water added to the surface"))) < 1e-5 * (try kpi("Rain")))
            #expect(abs(try kpi("Mass balance error")) < 1e-3, "mass balance error over 1e-3 %")
            // Rain volume: the storm's depth over the open cells (rain does not fall on buildings).
            let storm = try DesignStorm(preset: "wuhan", returnPeriod: years, duration: 15, step: 1, peakRatio: 0.4)
            let open = Double(d.values.filter { $0 != d.noData }.count) * cellArea
            #expect(abs(try kpi("Rain") - storm.totalDepth / 1000 * open) < 1e-6 * open)
            folders.append(out)
        }
        // The 100-year storm floods more than the 2-year one.
        let c = f.file("runs/compare")
        let files = try RunComparison.write(a: folders[0], b: folders[1], to: c, overwrite: false)
        for expected in ["compare.html", "differences.json", "max_depth_difference.asc", "maps/max_depth_difference.png"] {
            #expect(files.contains(expected))
        }
        let diffs = try JSONDecoder().decode([RunComparison.Difference].self, from: try Data(contentsOf: URL(fileURLWithPath: "\(c)/differences.json")))
        let ka = try JSONDecoder().decode([KPI].self, from: try Data(contentsOf: URL(fileURLWithPath: "\(folders[0])/kpis.json")))
        let kb = try JSONDecoder().decode([KPI].self, from: try Data(contentsOf: URL(fileURLWithPath: "\(folders[1])/kpis.json")))
        #expect(diffs.count == ka.count)
        for d in diffs {
            let a = try #require(ka.first { $0.name == d.name }), b = try #require(kb.first { $0.name == d.name })
            #expect(d.difference == a.value - b.value)
        }
        #expect(try #require(diffs.first { $0.name == "Rain" }).difference > 0)
        let da = try AsciiGrid.read(path: "\(folders[0])/max_depth.asc"), db = try AsciiGrid.read(path: "\(folders[1])/max_depth.asc")
        let dd = try AsciiGrid.read(path: "\(c)/max_depth_difference.asc")
        for i in dd.values.indices where da.values[i] != da.noData {
            #expect(dd.values[i] == da.values[i] - db.values[i])
        }
        // A second run into the same folder is refused and leaves the first untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(folders[0])/kpis.json"))
        var again = try SceneRun(scene: try RunScene.load(f.file("b.yaml")), threads: 1)
        try again.run()
        #expect(throws: InputError.self) { try again.write(to: folders[0], overwrite: false) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folders[0])/kpis.json")) == before)
    }
}
