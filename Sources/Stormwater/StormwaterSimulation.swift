import CityModel
import Geometry

/// Runoff delivered to drainage nodes, supplied by the runoff engine (or a test).
///
/// `step(from:)` runs one runoff step starting at `time` (s from the start) and returns the step's
/// end time and the runoff rate into each routing node at that time (internal cfs, indexed like
/// `RoutingNetwork.nodeIDs`). The simulation interpolates between consecutive results, as SWMM's
/// `subcatch_getWtdOutflow` does.
public protocol RunoffProvider {
    mutating func step(from time: Double) -> (end: Double, nodeInflow: [Double])
}

/// A whole SWMM-style run: SWMM 5.2's time loop (`swmm5.c` `swmm_step`, `routing.c`) — runoff at
/// its own step, routing at the fixed or variable routing step, lateral inflows at each routing
/// step, controls, the trapezoidal continuity accounting and per-step statistics.
public struct StormwaterSimulation {
    public internal(set) var router: FlowRouter
    let inflows: NodeInflows
    let controls: ControlRuleEngine
    let options: RoutingOptions
    let units: SWMMUnits
    let duration: Double
    var runoff: (any RunoffProvider)?

    /// Elapsed time (s) and the runoff times and rates being interpolated.
    public internal(set) var time = 0.0
    var oldRunoffTime = 0.0, newRunoffTime = 0.0
    var oldRunoff: [Double], newRunoff: [Double]
    var stepFlows = StepFlows()
    var lastOutfallFlow: [Double]
    public internal(set) var continuity = RoutingContinuity()
    public internal(set) var statistics: RoutingStatistics
    var nextRuleTime = 0.0
    /// Reused per-step lateral inflow buffer (cfs per node).
    var lateral: [Double]
    /// Inflow from outside the model at each node (cfs, e.g. surface water captured by inlets in a
    /// coupled run), added to the lateral inflow of every step and counted as external inflow.
    /// Empty when there is none.
    var coupledInflow: [Double] = []

    /// Builds the run from a city model with a stormwater project.
    public init(model: CityModel, runoff: (any RunoffProvider)? = nil, threads: Int? = nil, file: String = "model") throws {
        let project = model.stormwater ?? StormwaterProject()
        try self.init(nodes: model.drainageNodes, links: model.drainageLinks, project: project, runoff: runoff, threads: threads, file: file)
    }

    public init(nodes: [DrainageNode], links: [DrainageLink], project: StormwaterProject,
                runoff: (any RunoffProvider)? = nil, threads: Int? = nil, file: String = "model") throws {
        var opts = RoutingOptions(project.options)
        if let threads { opts.threads = max(1, threads) }
        options = opts
        units = project.units
        let net = try RoutingNetwork(nodes: nodes, links: links, project: project, file: file)
        router = FlowRouter(network: net, options: opts,
                            units: (project.units.toInternal(1, .length), project.units.toInternal(1, .area)))
        inflows = try NodeInflows(project: project, network: net, file: file)
        controls = try ControlRuleEngine(project: project, network: net)
        duration = project.options.duration
        self.runoff = runoff
        oldRunoff = Array(repeating: 0, count: net.nodeCount); newRunoff = oldRunoff
        lastOutfallFlow = oldRunoff
        lateral = oldRunoff
        statistics = RoutingStatistics(nodes: net.nodeCount, links: net.linkCount)
        continuity.initialStorage = router.storedVolume
        if duration <= 0 { throw InputError(.badValue, "the simulation ends before it starts", at: SourceLocation(file: file)) }
        if opts.routingStep <= 0 { throw InputError(.badValue, "routing step must be positive", at: SourceLocation(file: file)) }
    }

    public var isFinished: Bool { time >= duration - 1e-9 }

    /// Runs to the end of the simulation.
    public mutating func run() {
        while !isFinished { step() }
        finish()
    }

    /// The next routing step (s), cut at the end of the run.
    mutating func nextStep() -> Double {
        var dt = options.method == .dynamicWave ? router.dynamicWaveStep(maxStep: options.routingStep) : options.routingStep
        if options.ruleStep > 0 && !controls.isEmpty && time + dt > nextRuleTime && nextRuleTime > time {
            dt = max(0.001, nextRuleTime - time)
        }
        if time + dt > duration { dt = max(duration - time, 0.001) }
        return dt
    }

    /// One routing step (running runoff first when its clock is behind), ending no later than
    /// `limit` (s from the start; a coupled run cuts its steps at the engine's tick ends).
    public mutating func step(until limit: Double = .infinity) {
        var dt = nextStep()
        if time + dt > limit + 1e-6 { dt = max(limit - time, 0.001) }
        let nextTime = time + dt
        if runoff != nil {
            while newRunoffTime < nextTime - 1e-9 {
                let (end, q) = runoff!.step(from: newRunoffTime)
                oldRunoff = newRunoff; oldRunoffTime = newRunoffTime
                newRunoff = q; newRunoffTime = max(end, newRunoffTime + 0.001)
            }
        }
        execRouting(dt: dt)
    }

    private mutating func accumulate(_ f: Double) {
        continuity.dryWeatherInflow += stepFlows.dryWeather * f
        continuity.wetWeatherInflow += stepFlows.wetWeather * f
        continuity.externalInflow += stepFlows.external * f
        continuity.externalOutflow += stepFlows.outflow * f
        continuity.floodingLoss += stepFlows.flooding * f
        continuity.evaporationLoss += stepFlows.evaporation * f
        continuity.seepageLoss += stepFlows.seepage * f
    }

    private mutating func execRouting(dt: Double) {
        accumulate(dt / 2)
        // Controls at the start of the step.
        router.setPumpTargets()
        if !controls.isEmpty && (options.ruleStep <= 0 || time >= nextRuleTime - 1e-9) {
            controls.evaluate(&router, time: time)
            if options.ruleStep > 0 { nextRuleTime += options.ruleStep }
        }
        _ = router.applySettings(dt: dt)

        let oldTime = time
        time += dt
        stepFlows = StepFlows()
        for i in 0..<lateral.count { lateral[i] = 0 }
        let (ex, dw) = inflows.isEmpty ? (0, 0) : inflows.add(at: time, to: &lateral)
        stepFlows.external = ex; stepFlows.dryWeather = dw
        if !coupledInflow.isEmpty {
            for i in 0..<lateral.count where coupledInflow[i] != 0 { lateral[i] += coupledInflow[i]; stepFlows.external += coupledInflow[i] }
        }
        if runoff != nil {
            let span = newRunoffTime - oldRunoffTime
            let f = span > 0 ? min(max((oldTime - oldRunoffTime) / span, 0), 1) : 1
            var ww = 0.0
            for i in 0..<lateral.count {
                let q = oldRunoff[i] + f * (newRunoff[i] - oldRunoff[i])
                if q != 0 { lateral[i] += q; ww += q }
            }
            stepFlows.wetWeather = ww
        }
        for i in 0..<lateral.count { router.oldLatFlow[i] = router.newLatFlow[i]; router.newLatFlow[i] = lateral[i] }

        router.beginStep(dt: dt)
        stepFlows.seepage = router.computeStorageLosses(dt: dt)   // Seepage hook
        router.route(dt: dt, time: time)

        // Outflows and flooding leave the system.
        for i in 0..<router.net.nodeCount {
            let (q, flooded) = router.systemOutflow(i)
            if q == 0 { continue }
            if flooded { stepFlows.flooding += q } else if q > 0 { stepFlows.outflow += q } else { stepFlows.external -= q }
        }
        accumulate(dt / 2)
        statistics.update(router, dt: dt)
        for i in 0..<router.net.nodeCount where router.net.nodeKind[i] == .outfall {
            let q = max(router.inflow[i], 0)
            statistics.outfallVolume[i] += 0.5 * (lastOutfallFlow[i] + q) * dt - q * dt
            lastOutfallFlow[i] = q
        }
    }

    mutating func finish() {
        continuity.finalStorage = router.storedVolume
    }

    // MARK: results in the model's own units

    /// SWMM's summary in the model's units (flow in its flow units, depth in ft or m, volume in ft³
    /// or m³), keyed like the reference `expected/*.json`.
    public var summary: RoutingSummary {
        let net = router.net
        let len = units.toFileUnits(1, .length), flow = units.toFileUnits(1, .flow)
        let vol = units.flowUnits.isMetric ? 0.3048 * 0.3048 * 0.3048 : 1.0
        var s = RoutingSummary()
        for i in 0..<net.nodeCount {
            s.nodeMaxDepth[net.nodeIDs[i]] = statistics.nodeMaxDepth[i] * len
            if net.nodeKind[i] == .outfall {
                s.outfalls[net.nodeIDs[i]] = .init(peakInflow: statistics.outfallPeakInflow[i] * flow,
                                                    totalVolume: statistics.outfallVolume[i] * vol)
            } else {
                s.nodeFloodVolume[net.nodeIDs[i]] = statistics.nodeFloodVolume[i] * vol
                s.nodeFloodHours[net.nodeIDs[i]] = statistics.nodeFloodSeconds[i] / 3600
            }
        }
        for j in 0..<net.linkCount { s.linkPeakFlow[net.linkIDs[j]] = statistics.linkPeakFlow[j] * flow }
        var c = continuity
        for kp in [\RoutingContinuity.dryWeatherInflow, \.wetWeatherInflow, \.groundwaterInflow, \.rdiiInflow, \.externalInflow,
                   \.externalOutflow, \.floodingLoss, \.evaporationLoss, \.seepageLoss, \.initialStorage, \.finalStorage] {
            c[keyPath: kp] *= vol
        }
        s.continuity = c
        s.flowRoutingErrorPercent = continuity.errorPercent
        s.totalFloodingVolume = continuity.floodingLoss * vol
        s.totalOutfallVolume = continuity.externalOutflow * vol
        s.routingSteps = statistics.routingSteps
        s.averageIterations = router.stepCount > 0 ? Double(router.totalIterations) / Double(router.stepCount) : 0
        s.nonConvergedSteps = router.nonConvergedSteps
        return s
    }
}

/// Flow-routing results in a model's own units (see `StormwaterSimulation.summary`).
public struct RoutingSummary: Sendable, Hashable, Codable {
    public struct Outfall: Sendable, Hashable, Codable {
        public var peakInflow: Double
        public var totalVolume: Double
    }
    public var nodeMaxDepth: [String: Double] = [:]
    public var nodeFloodVolume: [String: Double] = [:]
    public var nodeFloodHours: [String: Double] = [:]
    public var linkPeakFlow: [String: Double] = [:]
    public var outfalls: [String: Outfall] = [:]
    public var continuity = RoutingContinuity()
    public var flowRoutingErrorPercent = 0.0
    public var totalFloodingVolume = 0.0
    public var totalOutfallVolume = 0.0
    public var routingSteps = 0
    public var averageIterations = 0.0
    public var nonConvergedSteps = 0
}
