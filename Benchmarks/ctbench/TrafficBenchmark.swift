import CityIO
import CityModel
import Foundation
import Traffic

/// `ctbench traffic [--grid 10] [--repeats 3] [--end 3600]`: the traffic microsimulation on the
/// reference SUMO grid (`../shared/reference/sumo/gridN`, or `$CITYTWIN_SUMO_DIR`), single-thread and
/// two-thread, against SUMO (`.venv-sumo/bin/sumo`, or `$SUMO_BINARY`) timed in the same run with
/// the same step (1 s) and `--no-step-log`.
///
/// Vehicle updates per CPU second: ours = vehicle steps ÷ CPU seconds of the simulation loop (best of
/// the repeats); SUMO's = its vehicle steps (UPS × clock duration from its statistics output) ÷ the
/// CPU seconds of the whole `sumo` process, as in the reference `result.json` (`ups_cpu`).
/// `ratio` = ours single-thread ÷ SUMO.
enum TrafficBenchmark {
    static func run(_ args: [String]) throws -> JSON {
        let o = try Options(args, known: ["grid", "repeats", "end"])
        let grid = o.int("grid", default: 10), repeats = max(1, o.int("repeats", default: 3))
        let end = Double(o.int("end", default: 3600))
        let dir = ProcessInfo.processInfo.environment["CITYTWIN_SUMO_DIR"] ?? "../shared/reference/sumo/grid\(grid)"
        let netPath = dir + "/net.net.xml", rouPath = dir + "/rou.xml"
        guard FileManager.default.fileExists(atPath: netPath) else { throw BenchmarkError("no \(netPath)") }

        printError("traffic: loading \(dir)")
        let net = try SumoNetReader.read(path: netPath)
        let known = Set(net.edges.filter { $0.function == .normal }.map(\.id))
        let demand = try SumoRouteReader.read(path: rouPath, knownEdges: known).demand
        let graph = try RoadGraph(net)

        func ours(threads: Int) throws -> (cpu: Double, wall: Double, steps: Int, summary: TrafficSummary) {
            var best = Double.infinity, bestWall = Double.infinity, steps = 0
            var summary: TrafficSummary?
            for r in 0..<repeats {
                var options = TrafficOptions()
                options.threads = threads
                var sim = try TrafficSimulation(graph: graph, demand: demand, options: options)
                let c0 = cpuClock()
                let w0 = ContinuousClock.now
                sim.run(until: end)
                let cpu = cpuClock() - c0
                bestWall = min(bestWall, durationSeconds(ContinuousClock.now - w0))
                printError(String(format: "traffic: ours, %d thread(s), run %d: %.3f CPU s, %d vehicle steps", threads, r + 1, cpu, sim.vehicleSteps))
                if cpu < best { best = cpu }
                steps = sim.vehicleSteps
                summary = sim.summary(cpuSeconds: cpu)
            }
            return (best, bestWall, steps, summary!)
        }
        let one = try ours(threads: 1)
        let two = try ours(threads: 2)

        // SUMO, same network, routes, end and step.
        let sumo = ProcessInfo.processInfo.environment["SUMO_BINARY"] ?? ".venv-sumo/bin/sumo"
        guard FileManager.default.isExecutableFile(atPath: sumo) else { throw BenchmarkError("no SUMO at \(sumo) (scripts/benchmark installs it)") }
        let tmp = NSTemporaryDirectory() + "ctbench-traffic-\(getpid())"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var sumoBest = Double.infinity, sumoSteps = 0.0, sumoArrived = 0
        for r in 0..<repeats {
            var before = rusage(), after = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &before)
            let p = Foundation.Process()
            p.executableURL = URL(fileURLWithPath: sumo)
            p.arguments = ["--net-file", netPath, "--route-files", rouPath, "--begin", "0", "--end", String(end), "--step-length", "1",
                           "--no-step-log", "true", "--duration-log.statistics", "true", "--statistic-output", tmp + "/statistics.xml", "--seed", "23423"]
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            getrusage(RUSAGE_CHILDREN.rawValue, &after)
            guard p.terminationStatus == 0 else { throw BenchmarkError("sumo exited with \(p.terminationStatus)") }
            func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
            let cpu = secs(after.ru_utime) - secs(before.ru_utime) + secs(after.ru_stime) - secs(before.ru_stime)
            let text = try String(contentsOfFile: tmp + "/statistics.xml", encoding: .utf8)
            func attr(_ name: String) -> Double {
                guard let r = text.range(of: " \(name)=\"") else { return 0 }
                return Double(text[r.upperBound...].prefix { $0 != "\"" }) ?? 0
            }
            sumoSteps = (attr("vehicleUpdatesPerSecond") * attr("clockDuration")).rounded()
            sumoArrived = Int(attr("count"))
            printError(String(format: "traffic: SUMO run %d: %.3f CPU s, %.0f vehicle steps", r + 1, cpu, sumoSteps))
            sumoBest = min(sumoBest, cpu)
        }
        let upsOne = Double(one.steps) / one.cpu, upsTwo = Double(two.steps) / two.cpu
        let upsSumo = sumoSteps / sumoBest
        return .object([
            ("name", .string("traffic")),
            ("case", .string("grid\(grid), \(Int(end)) s, step 1 s")),
            ("ours", .object([
                ("vehicle_steps", .integer(one.steps)),
                ("cpu_s_1_thread", .number(one.cpu)),
                ("ups_cpu_1_thread", .number(upsOne)),
                ("wall_s_1_thread", .number(one.wall)),
                ("cpu_s_2_threads", .number(two.cpu)),
                ("ups_cpu_2_threads", .number(upsTwo)),
                ("wall_s_2_threads", .number(two.wall)),
                ("ups_wall_2_threads", .number(Double(two.steps) / two.wall)),
                ("arrived", .integer(one.summary.vehicles.arrived)),
                ("mean_travel_time_s", .number(one.summary.trips.mean_travel_time_s)),
                ("mean_time_loss_s", .number(one.summary.trips.mean_time_loss_s)),
                ("teleports", .integer(one.summary.teleports.total)),
                ("collisions", .integer(one.summary.collisions)),
                ("identical_1_2_threads", .string(one.summary.trips == two.summary.trips && one.steps == two.steps ? "yes" : "no")),
            ])),
            ("reference", .object([
                ("engine", .string("SUMO (\(sumo))")),
                ("vehicle_steps", .integer(Int(sumoSteps))),
                ("cpu_s", .number(sumoBest)),
                ("ups_cpu", .number(upsSumo)),
                ("arrived", .integer(sumoArrived)),
            ])),
            ("ratio", .number(upsOne / upsSumo)),
            ("ratio_2_threads", .number(upsTwo / upsSumo)),
        ])
    }
}
