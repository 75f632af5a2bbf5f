import CityIO
import CityModel
import Foundation
import Geometry
import Report
import Scenario
import Stormwater
import Testing
import TestSupport

/// A short storm on the small district's storm sewer (drainage only).
func drainageScene(years: Double, name: String, extra: String = "", drainage: String = "drainage: {routing: dynamic_wave, routing_step: 5s}") -> String {
    """
    version: 1
    name: \(name)
    model: district
    duration: 40min
    report_step: 5min
    processes: [drainage]
    \(drainage)
    forcing:
      rain:
        design_storm:
          preset: wuhan
          return_period_years: \(years)
          duration: 20min
          peak_ratio: 0.4
          step: 5min
    \(extra)
    """
}

@Suite struct DrainageSceneReaderTests {
    @Test func readsTheDrainageBlockAndPutsTheRainOnEveryGauge() throws {
        let f = TemporaryFolder()
        _ = try writeSmallDistrict(f)
        let path = f.file("s.yaml")
        try drainageScene(years: 3, name: "s").write(toFile: path, atomically: true, encoding: .utf8)
        let s = try RunScene.load(path)
        let d = try #require(s.drainage)
        let p = try #require(d.model.stormwater)
        #expect(p.options.flowRouting == .dynamicWave)
        #expect(p.options.routingStep == 5)
        #expect(p.options.duration == 2400)
        let gauges = Set(d.model.subcatchments.compactMap { $0.rainGauge?.rawValue })
        #expect(!gauges.isEmpty)
        for g in gauges {
            let gage = try #require(p.rainGages.first { $0.id == g })
            #expect(gage.interval == 300)
            guard case .timeSeries(let n) = gage.source else { Issue.record("gauge \(g) reads no series"); continue }
            let ts = try #require(p.timeSeries(named: n))
            #expect(ts.values == d.rain.values)
        }
    }

    @Test func refusesBadDrainageScenes() throws {
        try expectSceneError(drainageScene(years: 3, name: "s", drainage: "drainage: {routing: diffusive}"),
                        line: 7, contains: ["drainage.routing", "dynamic_wave"])
        try expectSceneError(drainageScene(years: 3, name: "s", drainage: "drainage: {routing_stp: 5s}"),
                        line: 7, contains: ["E106", "drainage.routing_stp"])
        try expectSceneError(drainageScene(years: 3, name: "s", drainage: "drainage: {routing_step: 0s}"),
                        line: 7, contains: ["drainage.routing_step", "must be in"])
        // A drainage block without the drainage process.
        try expectSceneError(drainageScene(years: 3, name: "s").replacingOccurrences(of: "[drainage]", with: "[flood]"),
                        line: 7, contains: ["drainage", "needs drainage among the processes"])
        // No rain.
        let dry = drainageScene(years: 3, name: "s").components(separatedBy: "forcing:")[0]
        try expectSceneError(dry, line: 1, contains: ["forcing.rain: missing"])
        // Rain samples unevenly spaced.
        let uneven = dry + "forcing:\n  rain:\n    series: [[0, 10], [300, 20], [900, 0]]\n"
        try expectSceneError(uneven, line: 10, contains: ["forcing.rain", "equally spaced"])
    }
}

@Suite struct DrainageRunTests {
    @Test func kpisComeFromTheStormwaterResultsAndTheFolderHasTheDrainageParts() throws {
        let f = TemporaryFolder()
        _ = try writeSmallDistrict(f)
        let path = f.file("d.yaml")
        try drainageScene(years: 50, name: "d").write(toFile: path, atomically: true, encoding: .utf8)
        let scene = try RunScene.load(path)
        var run = try SceneRun(scene: scene, threads: 1)
        try run.run()
        let d = try #require(run.drainage)
        let summary = d.simulation.summary   // m³ and m³/s (metric flow units)
        let kpis = run.kpis
        func kpi(_ n: String) throws -> Double { try #require(kpis.first { $0.name == n }, "\(n) missing").value }
        // Against the engine's own summary.
        #expect(abs(try kpi("Total flooding volume") - summary.nodeFloodVolume.values.reduce(0, +)) < 1e-6)
        #expect(abs(try kpi("Total flooding volume") - summary.totalFloodingVolume) <= 0.01 * max(1, summary.totalFloodingVolume))
        #expect(try kpi("Flooded nodes") == Double(summary.nodeFloodVolume.values.filter { $0 > DrainageKPIs.floodedVolume }.count))
        let outfalls = summary.outfalls
        #expect(!outfalls.isEmpty)
        #expect(abs(try kpi("Outfall volume") - outfalls.values.reduce(0) { $0 + $1.totalVolume }) < 1e-6)
        for (id, o) in outfalls {
            #expect(abs(try kpi("Volume at \(id)") - o.totalVolume) < 1e-9)
            // The summary converts flows with SWMM's rounded 0.02832 m³/s per cfs, the KPIs exactly.
            #expect(abs(try kpi("Peak flow at \(id)") - o.peakInflow) <= 2e-4 * o.peakInflow)
        }
        #expect(try kpi("Peak outfall flow (all outfalls)") <= outfalls.values.reduce(0) { $0 + $1.peakInflow } + 1e-9)
        #expect(try kpi("Peak outfall flow (all outfalls)") > 0)
        // Rain: the storm's depth, and its volume on the subcatchments.
        let storm = try DesignStorm(preset: "wuhan", returnPeriod: 50, duration: 20, step: 5, peakRatio: 0.4)
        #expect(abs(try kpi("Rain depth") - storm.totalDepth) < 1e-9 * storm.totalDepth)
        let area = scene.model.subcatchments.reduce(0) { $0 + $1.area }
        #expect(abs(try kpi("Rain on the subcatchments") - storm.totalDepth / 1000 * area) < 1e-3 * storm.totalDepth / 1000 * area)
        // The network's balance: runoff in = outfalls + flooding + stored at the end (routing error < 1 %).
        let c = summary.continuity
        let inflow = c.wetWeatherInflow + c.initialStorage
        let out = c.externalOutflow + c.floodingLoss + c.finalStorage
        #expect(abs(inflow - out) < 0.01 * inflow)
        #expect(abs(try kpi("Flow routing continuity error")) < 1)
        #expect(abs(try kpi("Runoff continuity error")) < 1)
        #expect(abs(try kpi("Runoff to the network") - c.wetWeatherInflow) < 0.01 * c.wetWeatherInflow)

        let dir = f.file("runs/d")
        let files = try run.write(to: dir, overwrite: false)
        for expected in ["report.html", "kpis.json", "maps/drainage.png", "charts/hydrograph.png", "geojson/node_flooding.geojson",
                         "geojson/pipe_flows.geojson", "timeseries/outfall_flows.csv", "timeseries/rainfall.csv", "results.gpkg",
                         "drainage_summary.json", "run.json"] {
            #expect(files.contains(expected), "\(expected) missing from \(files)")
        }
        #expect(!files.contains("max_depth.asc"))
        let html = try String(contentsOfFile: "\(dir)/report.html", encoding: .utf8)
        #expect(html.contains("Total flooding volume"))
        #expect(html.contains(KPI.format(try kpi("Outfall volume"), decimals: 0)))
        // The pipe layer: one feature per conduit, peak flows as the engine recorded them.
        let pipes = try ResultGeoPackage.readLayer(path: "\(dir)/results.gpkg", layer: "pipe_flows")
        #expect(pipes.features.count == scene.model.drainageLinks.count)
        for p in pipes.features.prefix(20) {
            guard case .number(let q)? = p.properties["peak_flow_m3s"] else { Issue.record("no peak flow on \(p.id)"); continue }
            #expect(abs(q - (summary.linkPeakFlow[p.id] ?? -1)) <= 2e-4 * q + 1e-12)
        }
        // Outfall CSV: one column per outfall.
        let csv = try CSVTimeSeries.read(path: "\(dir)/timeseries/outfall_flows.csv")
        #expect(csv.series.count == outfalls.count)
    }
}

/// A pump failure in a drainage scene: the small district with the pipe into one outfall turned
/// into an ideal pump (it lifts whatever reaches its wet well). Failed from the start, the pump
/// moves nothing, so that outfall receives nothing while it does without the failure, and the
/// water it would have lifted floods or stays in the network instead.
@Suite struct PumpFailureRunTests {
    @Test func aFailedPumpLiftsNothing() throws {
        let f = TemporaryFolder()
        let modelPath = try writeSmallDistrict(f)
        var model = try ModelStore.load(modelPath)
        let outfalls = Set(model.drainageNodes.filter { $0.kind == .outfall }.map(\.id))
        let k = try #require(model.drainageLinks.firstIndex { $0.kind == .conduit && outfalls.contains($0.to) })
        let outfall = model.drainageLinks[k].to.rawValue
        model.drainageLinks[k].kind = .pump
        model.drainageLinks[k].conduit = nil
        model.drainageLinks[k].crossSection = nil
        model.drainageLinks[k].pump = PumpParameters(curve: nil)
        let pump = model.drainageLinks[k].id.rawValue
        try ModelStore.save(model, to: modelPath, overwrite: true, nativeCRS: true)

        func run(_ name: String, extra: String) throws -> (volume: Double, flooding: Double, stored: Double, pumpPeak: Double) {
            let path = f.file("\(name).yaml")
            try drainageScene(years: 50, name: name, extra: extra).write(toFile: path, atomically: true, encoding: .utf8)
            var run = try SceneRun(scene: try RunScene.load(path), threads: 1)
            try run.run()
            let s = try #require(run.drainage).simulation.summary
            let c = s.continuity
            #expect(abs(c.errorPercent) < 1, "\(name): routing continuity \(c.errorPercent) %")
            return (try #require(s.outfalls[outfall]).totalVolume, c.floodingLoss, c.finalStorage, s.linkPeakFlow[pump] ?? -1)
        }
        let working = try run("working", extra: "")
        let failed = try run("failed", extra: """
            interventions:
              pump_failures:
                - {pump: \(pump), at: 0min}
            """)
        #expect(working.pumpPeak > 0.01, "the working pump lifts water (peak \(working.pumpPeak) m³/s)")
        #expect(working.volume > 1, "the working pump fills outfall \(outfall): \(working.volume) m³")
        #expect(failed.pumpPeak == 0, "the failed pump moves nothing (peak \(failed.pumpPeak))")
        #expect(failed.volume < 1e-6, "outfall \(outfall) receives \(failed.volume) m³ behind a failed pump")
        // What the pump did not lift is flooded or stored instead (within 5 % of what it lifted).
        let extra = (failed.flooding + failed.stored) - (working.flooding + working.stored)
        #expect(abs(extra - working.volume) <= 0.05 * working.volume, "kept back \(extra) m³ against \(working.volume) m³ lifted")
    }
}
