import CityIO
import CityModel
import Foundation
import Geometry
import Report
import Scenario
import Testing
import TestSupport
import Traffic

/// `processes: [traffic]` in `citytwin run`: the shipped corridor scenes run, their KPIs are the
/// traffic engine's numbers, a closed road re-routes, the run folder and the comparison are written.
@Suite(.serialized) struct TrafficSceneTests {
    static let scenes = packageRoot + "/Scenes"

    static func run(_ scene: String) throws -> SceneRun {
        let s = try RunScene.load(scene)
        var r = try SceneRun(scene: s, threads: 1)
        try r.run()
        return r
    }

    static func kpi(_ k: [KPI], _ name: String, group: String = "Traffic") -> Double? {
        k.first { $0.group == group && $0.name == name }?.value
    }

    /// The fixed-time corridor scene: KPIs against the engine's results; then the actuated plan, both
    /// run folders and their comparison.
    @Test func corridorScenesKPIsReportAndComparison() throws {
        let r = try Self.run(Self.scenes + "/district-corridor-fixed.yaml")
        try checkKPIs(r)
        try writeAndCompare(r)
    }

    func checkKPIs(_ r: SceneRun) throws {
        let t = try #require(r.traffic)
        let sim = t.simulation
        let k = r.kpis
        #expect(!k.contains { $0.group == "Flooding" }, "a traffic-only scene has no flood KPIs")
        // Demand: the OD matrix's vehicles, all loaded.
        #expect(t.scene.odVehicles == 3050)
        #expect(Self.kpi(k, "Vehicles in the demand") == 3050)
        let trips = sim.tripRecords
        let arrived = try #require(Self.kpi(k, "Vehicles arrived"))
        let inserted = try #require(Self.kpi(k, "Vehicles inserted")), running = try #require(Self.kpi(k, "Vehicles running at the end"))
        let waiting = try #require(Self.kpi(k, "Vehicles not yet inserted"))
        #expect(arrived == Double(trips.count))
        #expect(inserted == arrived + running, "inserted = arrived + running")
        #expect(inserted + waiting == 3050, "demand = inserted + not inserted")
        #expect(arrived >= 0.95 * 3050, "the corridor is below capacity: \(arrived) of 3050 arrived within 10 min after the demand")
        #expect(Self.kpi(k, "Collisions") == 0)
        #expect(Self.kpi(k, "Teleports") == 0)
        // Means recomputed from the trip records.
        let meanLoss = trips.reduce(0) { $0 + $1.timeLoss } / Double(trips.count)
        let meanTT = trips.reduce(0) { $0 + $1.duration } / Double(trips.count)
        #expect(abs(try #require(Self.kpi(k, "Mean delay")) - meanLoss) < 1e-9)
        #expect(abs(try #require(Self.kpi(k, "Mean travel time")) - meanTT) < 1e-9)
        #expect(abs(try #require(Self.kpi(k, "Throughput")) - arrived * 3600 / 4200) < 1e-9)
        #expect(abs(try #require(Self.kpi(k, "Vehicle-hours travelled")) - Double(sim.vehicleSteps) / 3600) < 1e-9)
        let ci = try #require(Self.kpi(k, "Congestion index"))
        #expect(ci > 1 && ci < 3, "signals slow the trips down, but the corridor is not jammed: \(ci)")
        // Vehicle-hours of delay ≥ the arrived trips' time loss.
        #expect(try #require(Self.kpi(k, "Vehicle-hours of delay")) >= trips.reduce(0) { $0 + $1.timeLoss } / 3600 - 1e-9)
        // Queues: the KPI is the engine's maximum, and no sample of the series exceeds it.
        let approaches = sim.stats.approaches
        let longest = try #require(Self.kpi(k, "Longest queue (any approach)", group: "Queues"))
        #expect(longest == approaches.map(\.queueMax).max())
        #expect(longest > 7.5, "someone queues at a red light")
        let q = t.queueSeries()
        #expect(!q.isEmpty && q.count <= 6)
        for s in q {
            let name = s.name.replacingOccurrences(of: " from ", with: "|")
            let parts = name.split(separator: "|").map(String.init)
            let a = try #require(approaches.first { $0.junction == parts[0] && $0.edge == "\(parts[1])-\(parts[0])" })
            #expect(s.values.max()! <= a.queueMax + 1e-9, "sampled queue within the maximum of every step")
            #expect(try #require(Self.kpi(k, "Longest queue \(a.junction) from \(a.edge)", group: "Queues")) == a.queueMax)
            #expect(try #require(Self.kpi(k, "95 % queue \(a.junction) from \(a.edge)", group: "Queues")) <= a.queueMax + 1)
        }
        // Junctions: throughput = vehicles leaving its approaches per hour.
        let js = t.junctions(model: r.scene.model)
        let j = try #require(js.first { $0.id == "N0305" })
        let left = approaches.filter { $0.junction == "N0305" }.reduce(0) { $0 + $1.vehicles }
        #expect(abs(j.throughput - Double(left) * 3600 / 4200) < 1e-9)
        #expect(left > 600, "the corridor's middle signal serves the through traffic")
        // Links: the corridor's speed is below the limit somewhere, never above the fastest driver.
        let links = t.links(model: r.scene.model)
        let corridor = links.filter { $0.id.hasPrefix("N030") && $0.meanSpeed.isFinite }
        #expect(corridor.count > 10)
        #expect(corridor.allSatisfy { $0.meanSpeed <= $0.freeSpeed * 1.5 && $0.delay >= 0 })
        #expect(corridor.contains { $0.delay > 5 })
    }

    @Test func closedRoadReroutes() throws {
        let f = TemporaryFolder()
        try "from,to,vehicles\nN0300-N0301,N0310-N0311,120\n".write(toFile: f.file("od.csv"), atomically: true, encoding: .utf8)
        func scene(_ closure: String) -> String {
            """
            version: 1
            name: closure
            model: \(packageRoot)/Models/district
            duration: 40min
            processes: [traffic]
            traffic:
              demand: {od: od.csv, window: [0, 20min]}
            \(closure)
            """
        }
        try scene("").write(toFile: f.file("open.yaml"), atomically: true, encoding: .utf8)
        try scene("interventions:\n  closed_roads:\n    - {edge: N0304-N0305, from: 5min}").write(toFile: f.file("closed.yaml"), atomically: true, encoding: .utf8)
        let open = try Self.run(f.file("open.yaml")), closed = try Self.run(f.file("closed.yaml"))
        func entered(_ r: SceneRun, _ e: String) -> Int { r.traffic!.simulation.stats.edgeIntervals.filter { $0.edge == e }.reduce(0) { $0 + $1.entered } }
        #expect(entered(open, "N0304-N0305") == 120, "all take the straight corridor when it is open")
        let through = entered(closed, "N0304-N0305")
        #expect(through > 0 && through < 60, "only those already past the detour point before 5 min use it: \(through)")
        let rerouted = try #require(Self.kpi(closed.kpis, "Vehicles re-routed around closed roads"))
        #expect(rerouted == Double(120 - through), "every vehicle not yet on the way to the closed edge re-routes")
        // 360 veh/h on the detour (a left turn at a signal with a 14 s protected phase) is served.
        #expect(Self.kpi(closed.kpis, "Vehicles arrived") == 120)
        #expect(Self.kpi(closed.kpis, "Teleports") == 0)
        #expect(try #require(Self.kpi(closed.kpis, "Mean travel time")) > (try #require(Self.kpi(open.kpis, "Mean travel time"))),
                "the detour is longer")
    }

    @Test func badTrafficInputNamesFileLineAndKey() throws {
        let f = TemporaryFolder()
        try "from,to,vehicles\nN0300-N0301,N0310-N0311,10\n".write(toFile: f.file("od.csv"), atomically: true, encoding: .utf8)
        func expect(_ body: String, line: Int, _ parts: [String]) throws {
            let text = "version: 1\nmodel: \(packageRoot)/Models/district\nduration: 10min\nprocesses: [traffic]\n" + body
            try text.write(toFile: f.file("s.yaml"), atomically: true, encoding: .utf8)
            do { _ = try RunScene.load(f.file("s.yaml")); Issue.record("no error for \(parts)") } catch let e as InputError {
                #expect("\(e)".contains("s.yaml:\(line):"), "\(e)")
                for p in parts { #expect("\(e)".contains(p), "\(e) lacks \(p)") }
            }
        }
        try expect("traffic:\n  demand: {od: od.csv}\n  contrl: actuated\n", line: 7, ["E106", "traffic.contrl"])
        try expect("traffic:\n  demand: {od: od.csv}\ninterventions:\n  closed_roads:\n    - {edge: NOPE, from: 1min}\n", line: 9,
                   ["E500", "interventions.closed_roads[0].edge", "NOPE"])
        try expect("traffic:\n  demand: {od: od.csv, profile: [[0, 1], [0, 2]]}\n", line: 6, ["E105", "profile"])
        try expect("traffic:\n  demand: {od: missing.csv}\n", line: 6, ["E100", "traffic.demand.od"])
        try expect("", line: 1, ["E104", "traffic: missing"])
        // An OD row naming an edge the model does not have: the matrix file and its line.
        try "from,to,vehicles\nN0300-N0301,N0310-N0311,10\nN0300-N0301,XX,5\n".write(toFile: f.file("od.csv"), atomically: true, encoding: .utf8)
        try "version: 1\nmodel: \(packageRoot)/Models/district\nduration: 10min\nprocesses: [traffic]\ntraffic:\n  demand: {od: od.csv}\n"
            .write(toFile: f.file("s.yaml"), atomically: true, encoding: .utf8)
        do { _ = try RunScene.load(f.file("s.yaml")); Issue.record("no error for XX") } catch let e as InputError {
            #expect("\(e)".contains("od.csv:3:") && "\(e)".contains("E500") && "\(e)".contains("XX"), "\(e)")
        }
    }

    func writeAndCompare(_ a: SceneRun) throws {
        let f = TemporaryFolder()
        let b = try Self.run(Self.scenes + "/district-corridor-actuated.yaml")
        let pa = f.file("fixed"), pb = f.file("actuated")
        let files = try a.write(to: pa, overwrite: false)
        _ = try b.write(to: pb, overwrite: false)
        for name in ["maps/traffic_speed.png", "maps/traffic_delay.png", "charts/queues.png", "geojson/link_flows.geojson",
                     "geojson/junction_delays.geojson", "results.gpkg", "report.html", "traffic_summary.json", "traffic/approaches.csv"] {
            #expect(files.contains(name), "\(name) written")
        }
        #expect(!files.contains("max_depth.asc"), "no flood results in a traffic-only run")
        let html = try String(contentsOfFile: pa + "/report.html", encoding: .utf8)
        let delayA = try #require(Self.kpi(a.kpis, "Mean delay")), delayB = try #require(Self.kpi(b.kpis, "Mean delay"))
        #expect(html.contains("Mean delay") && html.contains(KPI.format(delayA, decimals: 1)), "the report shows the KPI's value")
        #expect(delayA != delayB, "the plans differ")
        // The actuated plan changes the corridor signals only: same demand.
        #expect(Self.kpi(b.kpis, "Vehicles in the demand") == 3050)
        let out = f.file("cmp")
        let cfiles = try RunComparison.write(a: pa, b: pb, to: out, overwrite: false)
        #expect(cfiles.contains("maps/delay_difference.png") && cfiles.contains("compare.html"))
        let data = try #require(FileManager.default.contents(atPath: out + "/differences.json"))
        let diffs = try JSONDecoder().decode([RunComparison.Difference].self, from: data)
        let d = try #require(diffs.first { $0.name == "Mean delay" })
        #expect(d.a == delayA && d.b == delayB && abs(d.difference - (delayA - delayB)) < 1e-12)
    }
}
