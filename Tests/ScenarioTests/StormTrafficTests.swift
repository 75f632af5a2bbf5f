import CityIO
import CityModel
import Foundation
import Geometry
import Report
import Scenario
import Testing
import TestSupport

/// The storm with traffic on the small district: a short heavy storm, the storm sewer, the street
/// grid and the traffic on one engine (the scene's text; `extra` goes at the end).
func stormTrafficScene(name: String, years: Double = 100, coupling: String = "coupling: {closure_depth: 0.3}", extra: String = "") -> String {
    """
    version: 1
    name: \(name)
    model: district
    duration: 25min
    report_step: 5min
    processes: [flood, drainage, traffic]
    flood:
      buildings: {mode: blocked}
    drainage: {routing: dynamic_wave, routing_step: 5s}
    traffic:
      demand: {od: od.csv, window: [0, 15min]}
      seed: 7
    \(coupling)
    forcing:
      rain:
        design_storm:
          preset: wuhan
          return_period_years: \(years)
          duration: 15min
          peak_ratio: 0.4
          step: 5min
      boundaries:
        - {name: river, edge: east, type: stage, stage: 16.0}
    \(extra)
    """
}

/// An OD matrix over the whole district: `perPair` vehicles between every ordered pair of a
/// sample of the model's road edges (every `stride`-th edge by ID, a street's two directions
/// not paired with each other), so that trips cross the district in all directions.
func districtOD(_ model: CityModel, perPair: Int, stride step: Int = 12) -> String {
    let edges = model.roadEdges.sorted { $0.id.rawValue < $1.id.rawValue }
    let sample = Swift.stride(from: 0, to: edges.count, by: step).map { edges[$0] }
    var s = "from,to,vehicles\n"
    for o in sample {
        for d in sample where d.id != o.id && !(d.from == o.to && d.to == o.from) { s += "\(o.id.rawValue),\(d.id.rawValue),\(perPair)\n" }
    }
    return s
}

@Suite(.serialized) struct StormTrafficTests {
    /// Writes the small district, its dead-end OD matrix and the scene; returns the scene's path.
    static func setUp(_ f: borrowing TemporaryFolder, _ text: String, perPair: Int = 2) throws -> String {
        let modelPath = try writeSmallDistrict(f)
        let model = try ModelStore.load(modelPath)
        try districtOD(model, perPair: perPair).write(toFile: f.file("od.csv"), atomically: true, encoding: .utf8)
        let path = f.file("s.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A heavy storm closes at least one road; the closures are events with time and place; every
    /// vehicle is accounted for (demand = arrived + running + waiting, the ledger balances); the
    /// KPIs are the records' numbers; the run folder holds the flooded-roads map and the events.
    @Test func heavyStormClosesRoadsAndEveryVehicleIsAccountedFor() throws {
        let f = TemporaryFolder()
        let path = try Self.setUp(f, stormTrafficScene(name: "st"))
        let scene = try RunScene.load(path)
        #expect(scene.isStormTraffic && scene.roads?.closureDepth == 0.3)
        var run = try SceneRun(scene: scene, threads: 1)
        var fractions: [Double] = []
        try run.run { fr, _ in fractions.append(fr) }
        #expect(fractions.last == 1 && fractions == fractions.sorted(), "progress runs 0…1: \(fractions)")
        let c = try #require(run.coupled)
        let roads = try #require(c.roads)
        let t = try #require(run.traffic), dry = try #require(run.dryTraffic)
        // At least one road edge closed, at a depth ≥ the closure depth, with a time in the run and a place.
        let closures = roads.events.filter { $0.kind == .closed }
        #expect(!closures.isEmpty, "no road closed; deepest edge \(roads.maxDepth.max() ?? 0) m")
        for e in closures {
            #expect(e.depth >= 0.3 && e.time > 0 && e.time <= 1500)
            #expect(roads.edges.contains { $0.id.rawValue == e.edge })
        }
        for e in roads.closedEdges { #expect(roads.maxDepth[e] >= 0.3 && roads.closedSeconds[e] > 0) }
        // Every vehicle accounted for: the OD's vehicles = arrived + running + not yet inserted, in
        // the storm and in the dry baseline; the ledger's vehicle balance closes exactly.
        let demand = t.scene.odVehicles
        #expect(demand > 50)
        for sim in [t.simulation, dry.simulation] {
            let n = sim.counts
            #expect(n.arrived + n.running + n.waiting == demand, "\(n)")
            #expect(n.inserted == n.arrived + n.running)
        }
        let v = try #require(c.vehicles)
        #expect(v.absoluteError == 0 && v.inflow == Double(t.simulation.counts.inserted) && v.outflow == Double(t.simulation.counts.arrived))
        #expect(v.storedCurrent == Double(t.simulation.counts.running))
        // KPIs: the records' numbers.
        let k = run.kpis
        func kpi(_ n: String) throws -> Double { try #require(k.first { $0.name == n }, "\(n) missing").value }
        #expect(try kpi("Road edges closed by water") == Double(roads.closedEdges.count))
        #expect(try kpi("Road closures") == Double(closures.count))
        #expect(abs(try kpi("Road length closed by water") - roads.closedEdges.reduce(0) { $0 + roads.edges[$1].effectiveLength }) < 1e-6)
        #expect(abs(try kpi("First road closure") - closures.map(\.time).min()! / 60) < 1e-9)
        let lost = try kpi("Vehicle-hours lost to flooding")
        #expect(abs(lost - (t.simulation.totalTimeLoss - dry.simulation.totalTimeLoss) / 3600) < 1e-9)
        #expect(try kpi("Vehicle balance error") == 0)
        #expect(try kpi("Vehicles in the demand") == Double(demand))
        #expect(k.contains { $0.name == "Flooded road length > 0.30 m" } && k.contains { $0.name == "Surcharge onto the street" })
        // The dry baseline sees no water: its trips take no longer than with the storm in total.
        #expect(dry.simulation.totalTimeLoss <= t.simulation.totalTimeLoss + 1e-9 || dry.simulation.counts.arrived > t.simulation.counts.arrived)
        // The run folder: the flooded-roads map, the closures layer and the event table.
        let out = f.file("out")
        let files = try run.write(to: out, overwrite: false)
        for name in ["maps/flooded_roads.png", "traffic/road_events.csv", "geojson/road_closures.geojson", "traffic_summary_dry.json", "report.html"] {
            #expect(files.contains(name), "\(name) missing")
        }
        let csv = try String(contentsOfFile: out + "/traffic/road_events.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == roads.events.count + 1)
        #expect(csv.dropFirst().filter { $0.contains(",closed,") }.count == closures.count)
        let layer = try ResultGeoPackage.readLayer(path: out + "/results.gpkg", layer: "road_closures")
        #expect(layer.features.filter { $0.properties["closed"] == .number(1) }.count == roads.closedEdges.count)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for x in k { #expect(html.contains(HTMLReport.kpiRow(x)), "KPI \(x.name) not in the report") }
        #expect(html.contains("alt=\"map of flooded and closed roads with traffic\""))
    }

    /// Bad input in the coupling part: the scene file, line and dotted key; no run starts.
    @Test func badCouplingInputNamesFileLineAndKey() throws {
        func expectError(_ text: String, line: Int, _ parts: [String]) throws {
            let f = TemporaryFolder()
            let path = try Self.setUp(f, text, perPair: 1)
            do {
                _ = try RunScene.load(path)
                Issue.record("no error for \(parts)")
            } catch let e as InputError {
                #expect("\(e)".contains("s.yaml:\(line):"), "\(e)")
                for p in parts { #expect("\(e)".contains(p), "\(e) lacks \(p)") }
            }
        }
        try expectError(stormTrafficScene(name: "s", coupling: "coupling: {closure_depht: 0.3}"), line: 13, ["E106", "coupling.closure_depht"])
        try expectError(stormTrafficScene(name: "s", coupling: "coupling: {closure_depth: 0}"), line: 13, ["E503", "coupling.closure_depth", "> 0"])
        try expectError(stormTrafficScene(name: "s", coupling: "coupling: {closure_depth: -0.1}"), line: 13, ["E503", "coupling.closure_depth"])
        try expectError(stormTrafficScene(name: "s", coupling: "coupling:\n  closure_depth: 0.2\n  ignored_depth: 0.25"), line: 15, ["E503", "coupling.ignored_depth"])
        try expectError(stormTrafficScene(name: "s", coupling: "coupling: {dry_baseline: maybe}"), line: 13, ["coupling.dry_baseline"])
        // A coupling block without the three processes; flood with traffic but no drainage.
        try expectError(stormTrafficScene(name: "s").replacingOccurrences(of: "[flood, drainage, traffic]", with: "[flood, drainage]")
                            .replacingOccurrences(of: "traffic:\n  demand: {od: od.csv, window: [0, 15min]}\n  seed: 7\n", with: ""),
                        line: 10, ["coupling", "flood, drainage and traffic"])
        try expectError(stormTrafficScene(name: "s").replacingOccurrences(of: "[flood, drainage, traffic]", with: "[flood, traffic]"),
                        line: 6, ["E103", "processes", "drainage"])
        try expectError(stormTrafficScene(name: "s", extra: "interventions:\n  closed_roads:\n    - {edge: X, from: 1min}"), line: 26,
                        ["interventions.closed_roads", "not yet available"])
    }
}
