import CityModel
import Flood
import Foundation
import Geometry
import Report
import Stormwater

/// Runs the storm sewer of a `DrainageScene` (runoff from the subcatchments, dynamic- or
/// kinematic-wave routing through the conduits, flooding at the manholes, outflow at the outfalls)
/// and records what the report draws: the outfall hydrographs every `sampleStep`, the flooding,
/// surcharge and peak flows per node and link, and the runoff and routing continuity.
public struct DrainageRun {
    public let scene: DrainageScene
    public private(set) var simulation: StormwaterSimulation
    /// Times (s) of the hydrograph samples and the flow at each outfall at those times (m³/s),
    /// `outfallFlows[k][t]` for the k-th outfall in `outfallIDs`.
    public private(set) var times: [Double] = []
    public private(set) var outfallFlows: [[Double]] = []
    public let outfallIDs: [String]
    let outfallIndex: [Int]
    /// Largest flooding rate (m³/s) of each node (network order) at the sample times.
    public private(set) var floodPeak: [Double]
    /// Interval of the hydrograph samples (s): the report step, at most one minute.
    public let sampleStep: Double
    public private(set) var wallSeconds = 0.0
    /// The continuous year for the annual capture ratio (set up at init, run by `run`), and its result.
    var annualRunoff: RunoffModel?
    public private(set) var annual: CaptureRatio.Year?

    public init(scene: DrainageScene) throws {
        self.scene = scene
        let m = scene.model
        do {
            try SWMMRun.checkSupported(m)
            let runoff: RunoffModel? = m.subcatchments.isEmpty ? nil : try RunoffModel(model: m)
            simulation = try StormwaterSimulation(model: m, runoff: runoff, threads: 1, file: m.name)
        } catch let e as SimulationInputError {
            throw InputError(.badValue, "drainage: \(e.message)", at: SourceLocation(file: m.name))
        }
        let out = simulation.isOutfall.enumerated().filter(\.element).map(\.offset)
        outfallIndex = out
        let ids = simulation.nodeIDs
        outfallIDs = out.map { ids[$0] }
        outfallFlows = out.map { _ in [] }
        sampleStep = min(scene.reportStep, 60)
        floodPeak = Array(repeating: 0, count: simulation.nodeIDs.count)
        if let h = scene.annualRain { annualRunoff = try CaptureRatio.prepare(model: m, hourly: h) }
    }

    /// Runs to the scene's end; `progress(fraction, simulated seconds)` after each report step.
    public mutating func run(progress: (Double, Double) -> Void = { _, _ in }) {
        let clock = ContinuousClock.now
        sample()
        var nextReport = scene.reportStep
        var next = sampleStep
        while !simulation.isFinished {
            let target = min(next, scene.duration)
            while !simulation.isFinished && simulation.time < target - 1e-6 { simulation.step(until: target) }
            sample()
            next += sampleStep
            if simulation.time >= nextReport - 1e-6 || simulation.isFinished {
                progress(min(simulation.time / scene.duration, 1), simulation.time)
                nextReport += scene.reportStep
            }
        }
        simulation.finishRun()
        if var a = annualRunoff {
            a.run()
            annual = CaptureRatio.year(a)
            annualRunoff = nil
        }
        let d = ContinuousClock.now - clock
        wallSeconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Follows a pipe run driven by another loop (the coupled dual-drainage run, `CoupledRun`):
    /// takes the network state and samples the hydrographs; `finishFollowing` closes the run.
    mutating func follow(_ sim: StormwaterSimulation) {
        simulation = sim
        sample()
    }

    mutating func finishFollowing(_ sim: StormwaterSimulation) {
        simulation = sim
        if times.last.map({ simulation.time > $0 + 1e-6 }) ?? true { sample() }
        if var a = annualRunoff {
            a.run()
            annual = CaptureRatio.year(a)
            annualRunoff = nil
        }
    }

    mutating func sample() {
        let q = simulation.nodeInflowSI
        times.append(simulation.time)
        for (k, i) in outfallIndex.enumerated() { outfallFlows[k].append(max(q[i], 0)) }
        for (i, r) in simulation.nodeOverflowSI.enumerated() where r > floodPeak[i] { floodPeak[i] = r }
    }

    // MARK: Results

    /// Runoff continuity (m³): rain on the subcatchments, infiltration, evaporation, surface runoff
    /// and LID drain flow sent to the network, storage at the end; nil without subcatchments.
    public var runoffContinuity: RunoffContinuity? { simulation.runoffModel?.continuity }

    /// Water sent to the network by the subcatchments (m³): surface runoff plus LID underdrain flow.
    public var runoffVolume: Double { (runoffContinuity?.runoff ?? 0) + (runoffContinuity?.drains ?? 0) }

    /// Total outfall flow (m³/s) at each sample time.
    public var totalOutfallFlow: [Double] {
        times.indices.map { t in outfallFlows.reduce(0) { $0 + $1[t] } }
    }

    /// Flooding per non-outfall node with its position, volume (m³), peak rate (m³/s) and time
    /// flooded (s); the peak rate is the largest rate seen at the hydrograph samples, or the mean
    /// rate over the flooded time when that is larger.
    public var nodeFlooding: [NodeFlooding] {
        let vol = simulation.nodeFloodVolumeSI, secs = simulation.nodeFloodSeconds
        let pos = Dictionary(scene.model.drainageNodes.map { ($0.id.rawValue, $0.position) }, uniquingKeysWith: { a, _ in a })
        let outfall = simulation.isOutfall
        return simulation.nodeIDs.enumerated().compactMap { i, id in
            guard !outfall[i], let p = pos[id] ?? nil else { return nil }
            let mean = secs[i] > 0 ? vol[i] / secs[i] : 0
            return NodeFlooding(id: id, position: p, volume: vol[i], peakRate: max(mean, floodPeak[i]), duration: secs[i])
        }
    }


    /// Peak flow and full-pipe capacity of each conduit with its centre line.
    public var pipeFlows: [PipeFlow] {
        let peak = simulation.linkPeakFlowSI, full = simulation.linkFullFlowSI
        let shapes = Dictionary(scene.model.drainageLinks.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        let depthMax = simulation.nodeMaxDepthSI
        let nodeIdx = Dictionary(simulation.nodeIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return simulation.linkIDs.enumerated().compactMap { j, id in
            guard let l = shapes[id], let line = Self.line(l, scene.model) else { return nil }
            let d = l.crossSection?.height ?? 0
            let up = nodeIdx[l.from.rawValue].map { depthMax[$0] } ?? 0
            return PipeFlow(id: id, shape: line, diameter: d, peakFlow: peak[j], fullFlow: full[j],
                            upstreamMaxDepth: up)
        }
    }

    static func line(_ l: DrainageLink, _ m: CityModel) -> Polyline? {
        if case .lineString(let p)? = l.shape { return p }
        let pos = { (id: String) in m.drainageNodes.first { $0.id.rawValue == id }?.position }
        guard let a = pos(l.from.rawValue) ?? nil, let b = pos(l.to.rawValue) ?? nil else { return nil }
        return Polyline([a, b])
    }

    /// The drainage KPIs (see `DrainageKPIs.drainage`).
    public var kpis: [KPI] { DrainageKPIs.drainage(self) }

    /// Outfall hydrographs as report series (m³/s).
    public var outfallSeries: [TimeSeries] {
        outfallIDs.enumerated().map { k, id in TimeSeries(name: id, unit: "m³/s", times: times, values: outfallFlows[k]) }
    }
}
