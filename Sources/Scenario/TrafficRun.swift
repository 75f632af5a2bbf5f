import CityModel
import Foundation
import Geometry
import Report
import SimCore
import Traffic

/// Runs a `TrafficScene` (the microsimulation on the model's road layers) and turns its results
/// into the report's KPIs, link and junction results and queue series.
///
/// Closed roads take effect at their time: the edge's speed factor becomes 0 and every vehicle
/// (waiting to depart or driving) whose remaining route uses it gets the fastest route around it
/// (`TrafficSimulation.reroute`). Queues on the signalised approaches are sampled every
/// `queueInterval` s for the queue-over-time chart.
public struct TrafficRun {
    public let scene: TrafficScene
    public private(set) var simulation: TrafficSimulation
    /// Sampling times (s) and the queue (m) on each approach at those times (approach order of
    /// `simulation.stats.approaches`).
    public private(set) var queueTimes: [Double] = []
    public private(set) var queueSamples: [[Double]] = []
    /// Vehicles re-routed around the closed roads.
    public private(set) var rerouted = 0
    public private(set) var wallSeconds = 0.0
    public private(set) var cpuSeconds = 0.0
    public var queueInterval = 10.0

    public init(scene: TrafficScene) throws {
        self.scene = scene
        simulation = try TrafficSimulation(graph: scene.graph, demand: scene.demand, options: scene.options)
    }

    /// The traffic of a run that drove it elsewhere (the coupled storm-and-traffic engine): its
    /// finished simulation, sampled queues and timings, for the same KPIs, maps and tables.
    init(scene: TrafficScene, finished simulation: TrafficSimulation, queueTimes: [Double], queueSamples: [[Double]],
         cpuSeconds: Double) {
        self.scene = scene
        self.simulation = simulation
        self.queueTimes = queueTimes; self.queueSamples = queueSamples
        self.cpuSeconds = cpuSeconds
    }

    /// Runs to the scene's end on SimCore's engine (`TrafficProcess`, and `RoadClosureSchedule` for
    /// the closed roads); `progress(fraction, simulated seconds)` after each report step. The queues
    /// are sampled between ticks every `queueInterval` s. Vehicles already on a closed edge drive
    /// off it at their normal speed.
    public mutating func run(progress: (Double, Double) -> Void = { _, _ in }) throws {
        let start = ContinuousClock.now
        let c0 = clock()
        let step = SimDuration(seconds: scene.options.step)
        var engine = try Engine(options: EngineOptions(tick: step, reportStep: SimDuration(seconds: scene.reportStep),
                                                       end: SimTime(seconds: scene.duration), seed: scene.options.seed))
        if !scene.closures.isEmpty { try engine.add(RoadClosureSchedule(scene.closures.map { ($0.edge, $0.from) })) }
        var process = TrafficProcess(simulation: simulation)
        process.closedEdgeSpeed = .infinity
        try engine.add(process)
        try engine.prepare()
        func current() -> TrafficProcess { engine.process(named: process.name, as: TrafficProcess.self)! }
        var nextSample = 0.0, nextReport = scene.reportStep
        let end = scene.duration
        while !engine.isFinished {
            let t = engine.time.seconds
            if t >= nextSample - 1e-9 {
                queueTimes.append(t); queueSamples.append(current().simulation.approachQueues())
                nextSample += queueInterval
            }
            try engine.step()
            let now = engine.time.seconds
            if now >= nextReport - 1e-9 || engine.isFinished {
                progress(min(1, now / end), now)
                nextReport += scene.reportStep
            }
        }
        let finished = current()
        simulation = finished.simulation
        rerouted = finished.rerouted
        queueTimes.append(simulation.time); queueSamples.append(simulation.approachQueues())
        cpuSeconds = Double(clock() - c0) / Double(CLOCKS_PER_SEC)
        let d = ContinuousClock.now - start
        wallSeconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    public var summary: TrafficSummary { simulation.summary(cpuSeconds: cpuSeconds) }

    /// Length of a vehicle in a queue (m): SUMO's passenger car, 5 m plus 2.5 m gap.
    public static let queueSpacing = 7.5

    /// The traffic KPIs:
    /// - **Vehicles** in the demand, inserted, arrived, still running and not yet inserted at the end
    ///   (inserted = arrived + running; demand = inserted + not inserted).
    /// - **Throughput** (veh/h): vehicles arrived per hour of the run.
    /// - **Mean delay** (s/veh): mean time loss of the arrived trips (SUMO's timeLoss: Σ Δt (1 − v / v_max)).
    /// - **Mean travel time** (s) of the arrived trips.
    /// - **Congestion index**: Σ travel time / Σ free-flow travel time of the arrived trips (1 = free flow).
    /// - **Vehicle-hours travelled**: Σ over steps of running vehicles × Δt; **vehicle-hours of delay**:
    ///   Σ time loss of every inserted vehicle.
    /// - **Longest queue** and **95th-percentile queue** (m) on each signalised approach
    ///   (group "Queues"), and the longest over all approaches.
    /// - Teleports, collisions, and vehicles re-routed around closed roads.
    public var kpis: [KPI] {
        let s = summary
        let g = "Traffic"
        var out: [KPI] = [
            KPI(group: g, name: "Vehicles in the demand", value: Double(s.vehicles.loaded), unit: "veh", decimals: 0),
            KPI(group: g, name: "Vehicles inserted", value: Double(s.vehicles.inserted), unit: "veh", decimals: 0),
            KPI(group: g, name: "Vehicles arrived", value: Double(s.vehicles.arrived), unit: "veh", decimals: 0),
            KPI(group: g, name: "Vehicles running at the end", value: Double(s.vehicles.running), unit: "veh", decimals: 0),
            KPI(group: g, name: "Vehicles not yet inserted", value: Double(s.vehicles.waiting), unit: "veh", decimals: 0),
            KPI(group: g, name: "Throughput", value: Double(s.vehicles.arrived) * 3600 / max(simulation.time, 1), unit: "veh/h", decimals: 0),
            KPI(group: g, name: "Mean delay", value: s.kpis.mean_delay_s, unit: "s/veh", decimals: 1),
            KPI(group: g, name: "Mean travel time", value: s.trips.mean_travel_time_s, unit: "s", decimals: 1),
            KPI(group: g, name: "Congestion index", value: s.kpis.congestion_index, unit: "", decimals: 3),
            KPI(group: g, name: "Vehicle-hours travelled", value: s.kpis.vehicle_hours, unit: "veh·h", decimals: 1),
            KPI(group: g, name: "Vehicle-hours of delay", value: simulation.totalTimeLoss / 3600, unit: "veh·h", decimals: 1),
            KPI(group: g, name: "Teleports", value: Double(s.teleports.total), unit: "", decimals: 0),
            KPI(group: g, name: "Collisions", value: Double(s.collisions), unit: "", decimals: 0),
        ]
        if !scene.closures.isEmpty {
            out.append(KPI(group: g, name: "Vehicles re-routed around closed roads", value: Double(rerouted), unit: "veh", decimals: 0))
        }
        let approaches = simulation.stats.approaches
        out.append(KPI(group: "Queues", name: "Longest queue (any approach)", value: approaches.map(\.queueMax).max() ?? 0, unit: "m", decimals: 1))
        for a in approaches where signalised(a) {
            out.append(KPI(group: "Queues", name: "Longest queue \(a.junction) from \(a.edge)", value: a.queueMax, unit: "m", decimals: 1))
            out.append(KPI(group: "Queues", name: "95 % queue \(a.junction) from \(a.edge)", value: a.queueP95, unit: "m", decimals: 1))
            out.append(KPI(group: "Queues", name: "Delay \(a.junction) from \(a.edge)", value: a.delay, unit: "s/veh", decimals: 1))
        }
        return out
    }

    func signalised(_ a: TrafficStatistics.Approach) -> Bool {
        scene.network.signalPrograms.contains { $0.id == a.junction } || scene.network.junctions.contains { $0.id == a.junction && $0.type == .trafficLight }
    }

    /// Per road edge over the run: mean speed (entered vehicles' distance over time), flow, and delay
    /// = length / mean speed − length / free speed (≥ 0).
    public func links(model: CityModel) -> [LinkResult] {
        let byEdge = Dictionary(simulation.stats.edgeIntervals.map { ($0.edge, $0) }, uniquingKeysWith: { a, _ in a })
        return model.roadEdges.compactMap { e in
            guard let line = e.polyline else { return nil }
            let r = byEdge[e.id.rawValue]
            let speed = r?.meanSpeed ?? .nan
            let len = e.effectiveLength
            let delay = speed.isFinite && speed > 0 && e.speed > 0 ? max(0, len / speed - len / e.speed) : 0
            return LinkResult(id: e.id.rawValue, shape: line, lanes: e.lanes, freeSpeed: e.speed, meanSpeed: speed,
                              flow: r?.flow ?? 0, delay: delay)
        }
    }

    /// Per junction with approaches: delay per vehicle weighted by the vehicles of each approach,
    /// the longest queue in vehicles (m ÷ `queueSpacing`), vehicles through per hour.
    public func junctions(model: CityModel) -> [JunctionResult] {
        let pos = Dictionary(model.roadNodes.compactMap { n -> (String, Coordinate)? in
            if case .point(let c)? = n.shape { return (n.id.rawValue, c) } else { return nil }
        }, uniquingKeysWith: { a, _ in a })
        var by: [String: (delay: Double, veh: Int, queue: Double)] = [:]
        var order: [String] = []
        for a in simulation.stats.approaches where !a.junction.isEmpty {
            if by[a.junction] == nil { order.append(a.junction); by[a.junction] = (0, 0, 0) }
            by[a.junction]!.delay += a.delay * Double(a.vehicles)
            by[a.junction]!.veh += a.vehicles
            by[a.junction]!.queue = max(by[a.junction]!.queue, a.queueMax)
        }
        let hours = max(simulation.time, 1) / 3600
        return order.compactMap { j in
            guard let p = pos[j], let x = by[j] else { return nil }
            return JunctionResult(id: j, position: p, delay: x.veh > 0 ? x.delay / Double(x.veh) : 0,
                                  maxQueue: x.queue / Self.queueSpacing, throughput: Double(x.veh) / hours)
        }
    }

    /// Queue over time (m) on the `count` signalised approaches with the longest queues, named
    /// "junction from upstream node".
    public func queueSeries(count: Int = 6) -> [TimeSeries] {
        let approaches = simulation.stats.approaches
        let top = approaches.indices.filter { signalised(approaches[$0]) }.sorted {
            (approaches[$0].queueMax, -$0) > (approaches[$1].queueMax, -$1)
        }.prefix(count)
        let fromNode = Dictionary(scene.network.edges.map { ($0.id, $0.from ?? $0.id) }, uniquingKeysWith: { x, _ in x })
        return top.map { a in
            TimeSeries(name: "\(approaches[a].junction) from \(fromNode[approaches[a].edge] ?? approaches[a].edge)", unit: "m",
                       times: queueTimes, values: queueSamples.map { $0[a] })
        }
    }
}

extension TrafficRun {
    /// Adds the links, junctions and queue series to a run's results (KPIs are added by the caller).
    public func addResults(to r: inout RunResults, model: CityModel) {
        r.links = links(model: model)
        r.junctions = junctions(model: model)
        r.queues = queueSeries()
    }

    /// Writes the traffic tables next to the report: `traffic_summary.json` (the engine's summary,
    /// key names of SUMO's results), `traffic_links.json` (per-link results, read back by
    /// `citytwin compare` for the delay difference map), `traffic/tripinfo.csv`,
    /// `traffic/approaches.csv`, `traffic/edges.csv`. Returns the relative paths.
    public func writeExtras(to folder: String) throws -> [String] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        func path(_ n: String) -> String { (folder as NSString).appendingPathComponent(n) }
        try FileManager.default.createDirectory(atPath: path("traffic"), withIntermediateDirectories: true)
        try AtomicFile.write(Array(try enc.encode(summary)), to: path("traffic_summary.json"))
        try AtomicFile.write(Array(try enc.encode(links(model: scene.modelForLinks))), to: path("traffic_links.json"))
        try AtomicFile.write(Array(simulation.tripinfoCSV().utf8), to: path("traffic/tripinfo.csv"))
        try AtomicFile.write(Array(simulation.approachCSV().utf8), to: path("traffic/approaches.csv"))
        try AtomicFile.write(Array(simulation.edgeDataCSV().utf8), to: path("traffic/edges.csv"))
        return ["traffic_summary.json", "traffic_links.json", "traffic/tripinfo.csv", "traffic/approaches.csv", "traffic/edges.csv"]
    }

    /// Link results read back from a run folder's `traffic_links.json` (empty when there is none).
    public static func loadLinks(folder: String) -> [LinkResult] {
        let p = (folder as NSString).appendingPathComponent("traffic_links.json")
        guard let data = FileManager.default.contents(atPath: p) else { return [] }
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? dec.decode([LinkResult].self, from: data)) ?? []
    }
}
