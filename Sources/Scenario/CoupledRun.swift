import CityModel
import Coupling
import Flood
import Foundation
import Geometry
import Report
import SimCore
import Stormwater
import Traffic

/// The coupled dual-drainage run of a scene (`processes: [flood, drainage]`): the storm sewer
/// (`StormwaterProcess`), the 2D surface (`FloodProcess`) and the manhole exchange
/// (`DualDrainageProcess`) on one SimCore engine, set up by `DualDrainageRun.prepare` and
/// `DualDrainageRun.engine`; the flood process applies the scene's rain on the grid.
///
/// Every junction of the model's network is coupled to the grid cell its point lies in (inlet
/// diameter 1 m, default `ExchangeCoefficients`). Rain falls once (`RainPartition`): on the grid,
/// and on the subcatchments whose area the grid does not model. The surface and the pipes are
/// followed tick by tick into a `FloodRun` and a `DrainageRun`, so the scene's flood results (maximum
/// depth, sensor depths) and drainage KPIs come out as for the separate runs; the exchange and the
/// city-wide `CoupledWaterBalance` are added as the "Dual drainage" KPIs.
///
/// With `traffic` among the processes the same engine also runs `FloodedRoadsProcess` (grid depth
/// along each road edge → Pregnolato speed factor, closure at the scene's closure depth) and
/// `TrafficProcess` (speed caps, re-routing around closed edges, vehicles in the ledger); the
/// roads' depths, factors and events are followed tick by tick into `roads` (`RoadFloodRecord`).
public struct CoupledRun {
    /// The surface (followed: maxima, arrival times, sensor depths) and the pipes (followed:
    /// outfall hydrographs, flooding at uncoupled nodes, routing summary).
    public private(set) var flood: FloodRun
    public private(set) var drainage: DrainageRun
    /// The coupled inlets (one per junction) and the subcatchments whose rain falls on the grid.
    public let inlets: [ManholeInlet]
    public let subcatchmentsOnGrid: [String]
    /// The coupler at the end (exchange totals per inlet) and the balance; nil before `run`.
    public private(set) var exchange: DualDrainageProcess?
    public private(set) var balance: CoupledWaterBalance?
    /// The engine's ledger at the end; nil before `run`.
    public private(set) var ledger: LedgerReport?
    public private(set) var wallSeconds = 0.0
    var engine: Engine
    let exchangeName: String, reportStep: Double, duration: Double
    /// The traffic on the flooded streets (nil unless traffic is among the processes): what the
    /// roads saw (set by `run`), the traffic process at the end and its sampled queues.
    public private(set) var roads: RoadFloodRecord?
    public private(set) var trafficProcess: TrafficProcess?
    /// The engine's vehicle balance at the end (nil without traffic).
    public private(set) var vehicles: Ledger.Balance?
    public private(set) var queueTimes: [Double] = [], queueSamples: [[Double]] = []
    /// Interval of the queue samples of the coupled traffic (s).
    public var queueInterval = 10.0
    static let roadsName = "flooded roads", trafficName = "traffic"
    let roadEdges: [RoadEdge]

    /// Builds the engine for `scene` (which lists flood and drainage).
    /// - Throws: `InputError` naming the node when a junction has no point, lies outside the grid
    ///   or in a blocked cell, or when the stormwater project cannot run.
    public init(scene: RunScene, threads: Int) throws {
        guard let d = scene.drainage else {
            throw InputError(.missingField, "the coupled run needs the drainage part of the scene", at: SourceLocation(file: scene.flood.file))
        }
        let grid = scene.flood.setup.grid
        let file = d.model.name
        inlets = try DualDrainageRun.inlets(of: d.model, grid: grid, file: file, coupled: { $0.kind == .junction })
        var setup = DualDrainageSetup(model: d.model, flood: scene.flood.setup, inlets: inlets)
        setup.threads = threads
        setup.file = file
        setup.end = SimTime(seconds: scene.flood.duration)
        setup.reportStep = .seconds(scene.flood.reportStep)
        let (model, onGrid) = try DualDrainageRun.prepare(setup)
        subcatchmentsOnGrid = onGrid
        var followed = d
        followed.model = model
        do {
            try SWMMRun.checkSupported(model)
            drainage = try DrainageRun(scene: followed)
            (engine, exchangeName) = try DualDrainageRun.engine(setup, model: model)
        } catch let e as SimulationInputError {
            throw InputError(.badValue, "drainage: \(e.message)", at: SourceLocation(file: file))
        }
        flood = try FloodRun(scene: scene.flood, threads: threads)
        if let t = scene.traffic {
            let c = scene.roads ?? RoadCouplingScene()
            // Road edges the traffic drives on; cells under the water body at its normal level (a
            // bridge over the river) are not sampled.
            let driven = Set(t.graph.edgeIndex.keys)
            roadEdges = scene.model.roadEdges.filter { driven.contains($0.id.rawValue) }
            var wet = [Bool](repeating: false, count: grid.spec.count)
            if let h0 = scene.flood.setup.initialDepth { for i in wet.indices where h0[i] > 0 { wet[i] = true } }
            let roads = try FloodedRoadsProcess(name: Self.roadsName, edges: roadEdges, grid: grid.spec,
                                                relation: DepthSpeedRelation(closureDepth: c.closureDepth, ignoredDepth: c.ignoredDepth),
                                                excluding: wet)
            try engine.add(roads)
            var p = TrafficProcess(simulation: try TrafficSimulation(graph: t.graph, demand: t.demand, options: t.options))
            p.name = Self.trafficName
            try engine.add(p)
        } else {
            roadEdges = []
        }
        reportStep = scene.flood.reportStep
        duration = scene.flood.duration
    }

    /// Runs to the scene's end; `progress(fraction, simulated seconds)` after each report step.
    /// - Throws: the engine's `SimError` when a process fails.
    public mutating func run(progress: (Double, Double) -> Void = { _, _ in }) throws {
        let clock = ContinuousClock.now
        try engine.prepare()
        if let s = engine.process(named: DualDrainageRun.floodName, as: FloodProcess.self)?.simulation { flood.follow(s, sampleGauges: true) }
        drainage.follow(engine.process(named: DualDrainageRun.pipesName, as: StormwaterProcess.self)!.simulation)
        var nextSample = drainage.sampleStep, nextReport = reportStep, nextQueue = 0.0
        let coupledTraffic = !roadEdges.isEmpty
        if coupledTraffic { roads = RoadFloodRecord(edges: roadEdges) }
        func sampleQueues(_ t: Double) {
            let sim = engine.process(named: Self.trafficName, as: TrafficProcess.self)!.simulation
            queueTimes.append(t); queueSamples.append(sim.approachQueues())
        }
        while !engine.isFinished {
            if coupledTraffic, engine.time.seconds >= nextQueue - 1e-9 {
                sampleQueues(engine.time.seconds)
                nextQueue += queueInterval
            }
            try engine.step()
            let t = engine.time.seconds
            if coupledTraffic { roads!.follow(engine.process(named: Self.roadsName, as: FloodedRoadsProcess.self)!, dt: t - roads!.time, at: t) }
            let report = t >= nextReport - 1e-6 || engine.isFinished
            if let s = engine.process(named: DualDrainageRun.floodName, as: FloodProcess.self)?.simulation { flood.follow(s, sampleGauges: report) }
            if t >= nextSample - 1e-6 && !engine.isFinished {
                drainage.follow(engine.process(named: DualDrainageRun.pipesName, as: StormwaterProcess.self)!.simulation)
                while nextSample <= t + 1e-6 { nextSample += drainage.sampleStep }
            }
            if report {
                progress(min(t / duration, 1), t)
                while nextReport <= t + 1e-6 { nextReport += reportStep }
            }
        }
        drainage.finishFollowing(engine.process(named: DualDrainageRun.pipesName, as: StormwaterProcess.self)!.simulation)
        let x = engine.process(named: exchangeName, as: DualDrainageProcess.self)!
        exchange = x
        balance = CoupledWaterBalance(ledger: engine.ledger, exchange: x)
        ledger = engine.ledger.report(at: engine.time)
        if coupledTraffic {
            sampleQueues(engine.time.seconds)
            trafficProcess = engine.process(named: Self.trafficName, as: TrafficProcess.self)
            vehicles = engine.ledger.balance(of: .vehicles)
        }
        let d = ContinuousClock.now - clock
        wallSeconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Group of the exchange and coupled-balance KPIs.
    public static let group = "Dual drainage"

    /// The exchange and the city-wide balance (empty before `run`):
    /// - **Coupled manholes** and **subcatchments on the grid** (their rain falls on the grid).
    /// - **Surcharge onto the street** (m³, ≥ 0): water out of the manholes onto the grid;
    ///   **drained into the manholes** (m³, ≥ 0): street water into the network; **net into the
    ///   network** (m³, drained − surcharged as the pipes booked it).
    /// - **Manholes that surcharged** (surcharge volume > 0.01 m³).
    /// - **External inflow**, **external outflow**, **storage change** (m³) and the **coupled
    ///   balance error** (% of in; positive: water lost), of which the pipe scheme's part (m³).
    public var kpis: [KPI] {
        guard let x = exchange, let b = balance else { return [] }
        let g = Self.group
        return [
            KPI(group: g, name: "Coupled manholes", value: Double(inlets.count), unit: "", decimals: 0),
            KPI(group: g, name: "Subcatchments on the grid", value: Double(subcatchmentsOnGrid.count), unit: "", decimals: 0),
            KPI(group: g, name: "Surcharge onto the street", value: b.surcharged, unit: "m³", decimals: 1),
            KPI(group: g, name: "Drained into the manholes", value: b.drained, unit: "m³", decimals: 1),
            KPI(group: g, name: "Net into the network", value: b.exchangeToNetwork, unit: "m³", decimals: 1),
            KPI(group: g, name: "Manholes that surcharged", value: Double(x.surcharged.filter { $0 > 0.01 }.count), unit: "", decimals: 0),
            KPI(group: g, name: "External inflow", value: b.externalInflow, unit: "m³", decimals: 0),
            KPI(group: g, name: "External outflow", value: b.externalOutflow, unit: "m³", decimals: 0),
            KPI(group: g, name: "Storage change", value: b.finalStorage - b.initialStorage, unit: "m³", decimals: 0),
            KPI(group: g, name: "Coupled balance error", value: b.relativeError * 100, unit: "%", decimals: 4),
            KPI(group: g, name: "Pipe scheme error", value: b.pipeSchemeError, unit: "m³", decimals: 1),
        ]
    }

    /// What `coupled_summary.json` holds (m³).
    public struct Summary: Codable, Sendable {
        public var balance: CoupledWaterBalance
        public var inlets: [Inlet]
        public var subcatchmentsOnGrid: [String]
        public struct Inlet: Codable, Sendable {
            public var node: String
            public var cell: Int
            /// Surcharged onto the street and drained into the manhole (m³, ≥ 0).
            public var surcharged, drained: Double
        }
    }

    /// The balance and the per-manhole exchange (nil before `run`).
    public var summary: Summary? {
        guard let x = exchange, let b = balance else { return nil }
        return Summary(balance: b, inlets: inlets.indices.map {
            Summary.Inlet(node: inlets[$0].node, cell: inlets[$0].cell, surcharged: x.surcharged[$0], drained: x.drained[$0])
        }, subcatchmentsOnGrid: subcatchmentsOnGrid)
    }
}
