import ArgumentParser
import CityIO
import CityModel
import Foundation
import Geometry
import SimCore
import Traffic

/// `citytwin sumo`: runs the traffic microsimulation on a SUMO network and demand and writes the
/// summary (the key names of SUMO's reference results) and optional per-trip, per-edge and
/// per-approach tables.
struct Sumo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the traffic microsimulation on a SUMO .net.xml and .rou.xml.",
        discussion: "Step 1 s by default, SUMO's Krauss model for vType carFollowModel=\"Krauss\". Outputs are written atomically.")

    @Option(help: "The SUMO network (.net.xml).") var net: String
    @Option(help: "The SUMO routes (.rou.xml).") var routes: String?
    @Option(help: "An origin–destination matrix: SUMO OD XML (tazRelation/edgeRelation), VISUM O-format ($O/$OR) or CSV (from,to,vehicles[,begin,end]).") var od: String?
    @Option(help: "SUMO traffic analysis zones (<taz>) for the OD matrix; without it the matrix names edges.") var taz: String?
    @Option(help: "Departure profile of the OD matrix as time:weight pairs (s), e.g. 0:1,900:2,1800:1.") var odProfile: String?
    @Option(help: "Window (s) of CSV OD rows without begin/end.") var odBegin: Double = 0
    @Option(help: "Window end (s) of CSV OD rows without begin/end.") var odEnd: Double = 3600
    @Option(help: "End of the run (s).") var end: Double
    @Option(help: "Where to write the JSON summary.") var summary: String
    @Option(help: "Where to write one CSV row per finished trip.") var tripinfo: String?
    @Option(help: "Where to write per-edge interval aggregates (CSV).") var edgeData: String?
    @Option(help: "Interval of the per-edge aggregates (s).") var edgeInterval: Double = 900
    @Option(help: "Where to write per-approach queues, delays and level of service (CSV).") var approaches: String?
    @Option(help: "A signal plan (YAML) replacing the network's programs for the junctions it names.") var signals: String?
    @Option(help: "Signal control for all junctions not in the plan: fixed, actuated, max-pressure.") var control: String?
    @Option(help: "Random seed.") var seed: UInt64 = 23423
    @Option(help: "Threads for the speed planning (results are identical for any count).") var threads: Int = 1
    @Option(help: "Simulation step (s).") var step: Double = 1

    func run() throws {
        guard end > 0, step > 0, threads >= 1 else { throw ValidationError("--end and --step must be > 0, --threads ≥ 1") }
        var network = try reportingInputErrors { try SumoNetReader.read(path: net) }
        let known = Set(network.edges.filter { $0.function == .normal }.map(\.id))
        guard routes != nil || od != nil else { throw ValidationError("give --routes, --od, or both") }
        var demand = TravelDemand()
        if let routes {
            let read = try reportingInputErrors { try SumoRouteReader.read(path: routes, knownEdges: known) }
            demand = read.demand
            for (k, n) in read.skipped.sorted(by: { $0.key < $1.key }) {
                FileHandle.standardError.write(Data("citytwin: \(routes): \(n) <\(k)> element(s) not simulated\n".utf8))
            }
        }
        var options = TrafficOptions()
        options.seed = seed; options.threads = threads; options.step = step; options.edgeInterval = edgeInterval
        if let c = control {
            switch c {
            case "fixed": options.defaultSignalMode = .fixedTime
            case "actuated": options.defaultSignalMode = .actuated(maxGap: 3, detectorGap: 2)
            case "max-pressure": options.defaultSignalMode = .maxPressure(minGreen: 10, maxGreen: 60)
            default: throw ValidationError("--control must be fixed, actuated or max-pressure")
            }
        }
        if let plan = signals {
            let p = try reportingInputErrors { try SignalPlanReader.read(path: plan, network: network) }
            network.signalPrograms = p.apply(to: network.signalPrograms)
            for (id, mode) in p.modes { options.signalModes[id] = SignalControlMode(mode) }
        }
        let graph = try reportingInputErrors { try RoadGraph(network) }
        if let od {
            let matrix = try reportingInputErrors { try ODMatrixReader.read(path: od, taz: taz, knownEdges: known, defaultWindow: (odBegin, odEnd)) }
            let profile = try odProfile.map { p in try reportingInputErrors { try ODMatrixReader.parseProfile(p, source: "--od-profile") } } ?? .uniform
            let odDemand = try reportingInputErrors { try ODTrips.demand(matrix, graph: graph, profile: profile, seed: seed) }
            demand.merge(odDemand)
            FileHandle.standardError.write(Data("citytwin: \(od): \(odDemand.trips.count) trips from \(matrix.matrices.count) matrix interval(s)\n".utf8))
        }
        let sim = try reportingInputErrors { try TrafficSimulation(graph: graph, demand: demand, options: options) }
        var engine = try Engine(options: EngineOptions(tick: SimDuration(seconds: step), reportStep: SimDuration(seconds: end),
                                                      end: SimTime(seconds: end), seed: seed))
        try engine.add(TrafficProcess(simulation: sim))
        try engine.run()
        let process = engine.process(named: "traffic", as: TrafficProcess.self)!
        let result = process.simulation
        let s = result.summary(cpuSeconds: process.cpuSeconds)
        for c in result.collisionLog.prefix(10) { FileHandle.standardError.write(Data("citytwin: collision \(c)\n".utf8)) }
        for t in result.teleportLog {
            FileHandle.standardError.write(Data("citytwin: teleport at \(t.time) s: vehicle \(t.vehicle) stood 300 s at the front of lane \(t.lane)\n".utf8))
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try reportingInputErrors {
            try TextOutput.write(String(decoding: try enc.encode(s), as: UTF8.self) + "\n", to: summary)
            if let p = tripinfo { try TextOutput.write(result.tripinfoCSV(), to: p) }
            if let p = edgeData { try TextOutput.write(result.edgeDataCSV(), to: p) }
            if let p = approaches { try TextOutput.write(result.approachCSV(), to: p) }
        }
        print("inserted \(s.vehicles.inserted), arrived \(s.vehicles.arrived), running \(s.vehicles.running), waiting \(s.vehicles.waiting); " +
              "travel time \(String(format: "%.1f", s.trips.mean_travel_time_s)) s, time loss \(String(format: "%.1f", s.trips.mean_time_loss_s)) s, " +
              "teleports \(s.teleports.total), collisions \(s.collisions); \(Int(s.ups_cpu)) vehicle updates per CPU second")
    }
}
