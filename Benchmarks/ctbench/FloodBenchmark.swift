import Flood
import Foundation
import Geometry

/// `ctbench flood`: cell updates per second of the local-inertial kernel on two 2000 × 2000 grids of
/// 5 m cells, on all threads and on one, against landlab's `OverlandFlow` (de Almeida et al. 2012,
/// the same scheme, NumPy) on the same grids in the same run.
///
/// - `wet`: a fully wet tilted plane with a ripple (every cell and face computed every step);
/// - `rain`: rain-on-grid (50 mm/h) on a dry undulating plane — all rows active while it rains.
///
/// One cell update = one cell's continuity plus its share of face updates in one step. The reference
/// is run by `scripts/flood_landlab_bench.py` in `.venv-landlab` (set up by `scripts/benchmark flood`);
/// pass `--reference 0` to skip it.
enum FloodBenchmark {
    static func terrain(_ n: Int, wet: Bool) -> Raster<Double> {
        var r = Raster<Double>(grid: GridSpec(width: n, height: n, originX: 0, originY: 0, cellSize: 5), fill: 0)
        for row in 0..<n {
            for col in 0..<n {
                let x = Double(col), y = Double(row)
                r[row, col] = wet ? 100 + 0.0005 * x + 0.02 * sin(x * 0.05) * cos(y * 0.07)
                    : 100 + 0.001 * x + 0.002 * y + 0.3 * sin(x * 0.031) * cos(y * 0.023)
            }
        }
        return r
    }

    static func setup(_ n: Int, wet: Bool) throws -> FloodSetup {
        let dem = terrain(n, wet: wet)
        let grid = try FloodGrid(elevation: dem, manning: .uniform(0.03))
        if wet {
            let depth = (0..<grid.spec.count).map { Float(101.5 - grid.bed[$0]) }
            return FloodSetup(grid: grid, initialDepth: depth)
        }
        return FloodSetup(grid: grid, rain: FloodRain(intensity: .constant(50e-3 / 3600)))
    }

    /// Runs `steps` steps after `warm` warm-up steps; returns (seconds, cell updates).
    static func time(_ setup: FloodSetup, threads: Int, warm: Int, steps: Int) throws -> (Double, Int, FloodSimulation, Double) {
        var sim = try FloodSimulation(setup: setup, threads: threads)
        for _ in 0..<warm { sim.step() }
        let before = sim.cellUpdates
        let clock = ContinuousClock()
        let cpu0 = processCPUSeconds()
        let d = clock.measure { for _ in 0..<steps { sim.step() } }
        let cpu = processCPUSeconds() - cpu0
        return (durationSeconds(d), sim.cellUpdates - before, sim, cpu / durationSeconds(d))
    }

    /// CPU time of the whole process (all threads), in seconds.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func run(_ args: [String]) throws -> JSON {
        let o = try Options(args, known: ["n", "steps", "threads", "reference", "repetitions"])
        let n = o.int("n", default: 2000), steps = o.int("steps", default: 40)
        let threads = o.int("threads", default: ProcessInfo.processInfo.activeProcessorCount)
        let reps = o.int("repetitions", default: 3)
        var cases: [(String, JSON)] = []
        var best: [String: Double] = [:]
        for wet in [true, false] {
            let name = wet ? "wet" : "rain"
            printError("flood \(name): \(n) × \(n) cells, \(steps) steps")
            let s = try setup(n, wet: wet)
            var rate = [Int: Double](), perCPU = [Int: Double]()
            for t in Set([threads, 1]).sorted(by: >) {
                for _ in 0..<reps {
                    let (sec, updates, sim, cores) = try time(s, threads: t, warm: 5, steps: steps)
                    let r = Double(updates) / sec
                    rate[t] = max(rate[t] ?? 0, r)
                    perCPU[t] = max(perCPU[t] ?? 0, r / max(cores, 1e-9))
                    printError(String(format: "  ours %@ %d thread(s): %.1f M cell-updates/s (%.3f s, %.2f cores busy, dt %.3f s, mass error %.2e, %d cells limited)",
                                      name, t, r / 1e6, sec, cores, sim.lastStep, { var m = sim; return m.updateBalance().relativeError }(),
                                      sim.limitedCells))
                }
            }
            best[name] = rate[threads]
            cases.append((name, .object([
                ("cell_updates_per_s", .number(rate[threads]!)),
                ("cell_updates_per_s_1_thread", .number(rate[1]!)),
                // Per second of CPU time used by the whole process: what the kernel does per busy core
                // when the machine is shared and the process gets less than the cores it asks for.
                ("cell_updates_per_cpu_s", .number(perCPU[threads]!)),
                ("threads", .integer(threads)),
            ])))
        }
        var reference: [(String, JSON)] = [("engine", .string("landlab OverlandFlow"))]
        var ratio: JSON = .string("no reference run")
        if o.int("reference", default: 1) != 0 {
            let ref = try landlab(n: n)
            reference += ref.map { ($0.key, JSON.number($0.value)) }.sorted { $0.0 < $1.0 }
            if let r = ref["wet.cell_updates_per_s"] { ratio = .number(best["wet"]! / r) }
        }
        return .object([
            ("name", .string("flood")),
            ("ours", .object([("cell_updates_per_s", .number(best["wet"]!))] + cases)),
            ("reference", .object(reference)),
            ("ratio", ratio),
        ])
    }

    /// Runs landlab on the same grids through the benchmark's Python script; its last stdout line is
    /// a JSON object of numbers.
    static func landlab(n: Int) throws -> [String: Double] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent(".venv-landlab/bin/python").path
        let script = root.appendingPathComponent("scripts/flood_landlab_bench.py").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw BenchmarkError("no \(python); run scripts/benchmark flood, which sets up the venv")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, "--n", String(n)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let obj = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
            throw BenchmarkError("landlab reference failed (status \(p.terminationStatus))")
        }
        return obj.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
