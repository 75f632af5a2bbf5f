import CityIO
import CityModel
import Flood
import Foundation
import Geometry

/// Runs a flood scene and writes its outputs into a folder:
///
/// | file | content |
/// |---|---|
/// | `max_depth.asc` | maximum depth (m) |
/// | `max_level.asc` | maximum water level (m above datum; NODATA where never wet) |
/// | `max_speed.asc` | maximum speed (m/s) |
/// | `max_hazard.asc` | maximum hazard rating HR = d (v + 0.5) + DF (FD2320) |
/// | `arrival_<t>m.asc` | time of first depth above threshold t (s; NODATA where never) |
/// | `duration_<t>m.asc` | time above threshold t (s) |
/// | `points.csv` | depth, speed and level at each output point every report step |
/// | `summary.json` | run facts, the mass balance, per-point maxima and arrival times |
///
/// Every file is written atomically (temporary file, then rename).
public struct FloodRun {
    public let scene: FloodScene
    public var threads: Int
    public private(set) var simulation: FloodSimulation
    public private(set) var statistics: FloodStatistics
    public private(set) var gauges: FloodGauges
    public private(set) var wallSeconds = 0.0

    public init(scene: FloodScene, threads: Int) throws {
        self.scene = scene; self.threads = threads
        simulation = try FloodSimulation(setup: scene.setup, threads: threads)
        statistics = FloodStatistics(cells: scene.setup.grid.spec.count, thresholds: scene.thresholds, debris: scene.debris)
        gauges = FloodGauges(scene.gauges)
    }

    /// Runs to the scene's end, sampling the points every report step; `progress(fraction, seconds)`
    /// is called after each report step.
    public mutating func run(progress: (Double, Double) -> Void = { _, _ in }) {
        let start = ContinuousClock.now
        gauges.sample(simulation)
        var next = scene.reportStep
        while simulation.time < scene.duration - 1e-9 {
            let target = min(next, scene.duration)
            while simulation.time < target - 1e-9 {
                simulation.step(limit: target - simulation.time)
                statistics.record(simulation)
            }
            gauges.sample(simulation)
            progress(simulation.time / scene.duration, simulation.time)
            next += scene.reportStep
        }
        simulation.updateBalance()
        let d = ContinuousClock.now - start
        wallSeconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Follows a surface run driven by another loop (the coupled dual-drainage run, `CoupledRun`):
    /// takes the surface state after an engine tick and folds it into the maxima and arrival times;
    /// `sampleGauges` at report times. Durations above a threshold then count only the tick's last
    /// flood step, so `duration_*.asc` is not meaningful for a followed run.
    mutating func follow(_ sim: FloodSimulation, sampleGauges: Bool) {
        simulation = sim
        statistics.record(sim)
        if sampleGauges { gauges.sample(sim) }
    }

    /// Writes the outputs into `folder` (created if needed).
    public func write(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let g = scene.setup.grid, spec = g.spec, noData = -9999.0
        func grid(_ name: String, _ values: [Double]) throws {
            try AsciiGrid.write(Raster(grid: spec, values: values, noData: noData), to: (folder as NSString).appendingPathComponent(name))
        }
        func masked(_ v: [Float], where ok: (Int) -> Bool) -> [Double] {
            v.indices.map { g.blocked[$0] || !ok($0) ? noData : Double(v[$0]) }
        }
        let s = statistics
        try grid("max_depth.asc", masked(s.maxDepth) { _ in true })
        try grid("max_level.asc", s.maxDepth.indices.map { s.maxDepth[$0] > 0 && !g.blocked[$0] ? g.bed[$0] + Double(s.maxDepth[$0]) : noData })
        try grid("max_speed.asc", masked(s.maxSpeed) { _ in true })
        try grid("max_hazard.asc", masked(s.maxHazard) { _ in true })
        for (k, t) in s.thresholds.enumerated() {
            let a = s.arrival(threshold: k)
            try grid("arrival_\(Self.label(t))m.asc", masked(a) { a[$0].isFinite })
            try grid("duration_\(Self.label(t))m.asc", masked(s.duration(threshold: k)) { _ in true })
        }
        if !gauges.gauges.isEmpty {
            var series: [TimeSeries] = []
            for (k, p) in gauges.gauges.enumerated() {
                series.append(TimeSeries(name: "\(p.name) depth", unit: "m", times: gauges.times, values: gauges.depth[k].map(Double.init)))
                series.append(TimeSeries(name: "\(p.name) speed", unit: "m/s", times: gauges.times, values: gauges.speed[k].map(Double.init)))
                series.append(TimeSeries(name: "\(p.name) level", unit: "m", times: gauges.times, values: gauges.level[k]))
            }
            try CSVTimeSeries.write(series, to: (folder as NSString).appendingPathComponent("points.csv"))
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(summary)
        let path = (folder as NSString).appendingPathComponent("summary.json")
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) }
        catch { throw InputError(.writeFailed, "cannot write: \(error.localizedDescription)", at: SourceLocation(file: path)) }
    }

    static func label(_ t: Double) -> String {
        let s = String(t)
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }

    /// The run summary (also written as `summary.json`).
    public var summary: FloodSummary {
        let sim = simulation, b = sim.balance, g = scene.setup.grid
        let points = gauges.gauges.enumerated().map { k, p -> FloodSummary.Point in
            let c = g.spec.center(row: p.cell / g.width, col: p.cell % g.width)
            return FloodSummary.Point(
                name: p.name, x: c.x, y: c.y, maxDepth: Double(statistics.maxDepth[p.cell]), maxSpeed: Double(statistics.maxSpeed[p.cell]),
                maxHazard: Double(statistics.maxHazard[p.cell]),
                arrival: Dictionary(uniqueKeysWithValues: statistics.thresholds.enumerated().map { j, t in
                    let a = statistics.arrival(threshold: j)[p.cell]
                    return (Self.label(t), a.isFinite ? Double(a) : nil)
                }))
        }
        var flooded: [String: Double] = [:]
        for (k, t) in statistics.thresholds.enumerated() {
            flooded[Self.label(t)] = Double(statistics.arrival(threshold: k).filter(\.isFinite).count) * g.cellArea
        }
        return FloodSummary(
            name: scene.name, scene: scene.file, grid: .init(width: g.width, height: g.height, cellSize: g.cellSize, openCells: g.openCells),
            duration: scene.duration, steps: sim.steps, threads: threads, wallSeconds: wallSeconds, cellUpdates: sim.cellUpdates,
            limitedCells: sim.limitedCells, maxDepth: Double(statistics.maxDepth.max() ?? 0),
            floodedArea: flooded,
            massBalance: .init(initialStorage: b.initialStorage, rain: b.rain, inflow: b.inflow, infiltration: b.infiltration,
                               outflow: b.outflow, finalStorage: b.storage, error: b.error, relativeError: b.relativeError),
            boundaries: Dictionary(uniqueKeysWithValues: scene.setup.boundaries.enumerated().map {
                ($0.element.name, FloodSummary.Volumes(inflow: sim.boundaryVolumes[$0.offset].inflow, outflow: sim.boundaryVolumes[$0.offset].outflow))
            }),
            inflows: Dictionary(uniqueKeysWithValues: scene.setup.inflows.enumerated().map { ($0.element.name, sim.inflowVolumes[$0.offset]) }),
            points: points)
    }
}

/// What `summary.json` holds. Volumes in m³, times in s, depths in m, speeds in m/s.
public struct FloodSummary: Codable, Sendable {
    public struct Grid: Codable, Sendable { public var width, height: Int; public var cellSize: Double; public var openCells: Int }
    public struct Balance: Codable, Sendable {
        public var initialStorage, rain, inflow, infiltration, outflow, finalStorage, error, relativeError: Double
    }
    public struct Volumes: Codable, Sendable { public var inflow, outflow: Double }
    public struct Point: Codable, Sendable {
        public var name: String
        public var x, y: Double
        public var maxDepth, maxSpeed, maxHazard: Double
        /// First time above each threshold (key: threshold in m), nil when never.
        public var arrival: [String: Double?]
    }
    public var name: String
    public var scene: String
    public var grid: Grid
    public var duration: Double
    public var steps: Int
    public var threads: Int
    public var wallSeconds: Double
    public var cellUpdates: Int
    public var limitedCells: Int
    public var maxDepth: Double
    /// Area ever above each threshold (m²; key: threshold in m).
    public var floodedArea: [String: Double]
    public var massBalance: Balance
    public var boundaries: [String: Volumes]
    public var inflows: [String: Double]
    public var points: [Point]
}
