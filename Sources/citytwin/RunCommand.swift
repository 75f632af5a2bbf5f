import ArgumentParser
import Foundation
import Geometry
import Scenario

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scene (docs/scene-format.md) on a city model and write its report: KPIs, maps, charts, GeoJSON and HTML.")

    @Argument(help: "The scene file (YAML) with model: and processes:.")
    var scene: String

    @Option(help: "Output folder (default: runs/<scene name>).")
    var out: String?

    @Option(help: "Threads for the flood kernel (results are identical for any count).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Replace an earlier run in the output folder (only once the new one is complete).")
    var force = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let s = try reportingInputErrors { try RunScene.load(scene) }
        let folder = out ?? "runs/\(s.name)"
        if FileManager.default.fileExists(atPath: folder), !force {
            try reportingInputErrors {
                throw InputError(.outputExists, "holds an earlier run; it is not overwritten (pass --force to replace it)", at: SourceLocation(file: folder))
            }
        }
        var r = try reportingInputErrors { try SceneRun(scene: s, threads: threads) }
        let g = s.flood.setup.grid
        var what: [String] = []
        if s.processes.contains("flood") { what.append("\(g.width) × \(g.height) cells of \(g.cellSize) m") }
        if let d = s.drainage {
            what.append("\(d.model.drainageNodes.count) drainage nodes, \(d.model.drainageLinks.count) links, \(d.model.subcatchments.count) subcatchments")
            if !d.sponge.isEmpty { what.append("\(d.sponge.count) sponge facilities (and the same scene without them)") }
        }
        if let t = s.traffic { what.append("\(t.graph.laneCount) lanes, \(t.demand.trips.count) vehicles") }
        if let c = s.roads {
            what.append("roads close at \(c.closureDepth) m of water" + (c.dryBaseline ? " (and the same traffic without the storm)" : ""))
        }
        print("run \(s.name): \(s.processes.joined(separator: " + ")) on \(s.model.name), \(what.joined(separator: "; ")), \(Int(s.flood.duration)) s simulated, \(threads) thread(s)")
        let tty = isatty(STDOUT_FILENO) != 0
        var lastTenth = -1
        do { try r.run { fraction, t in
            if tty {
                let n = Int(fraction * 30)
                print("\r[\(String(repeating: "#", count: n))\(String(repeating: ".", count: 30 - n))] \(Int(fraction * 100)) % t = \(Int(t)) s", terminator: "")
                fflush(nil)
            } else if Int(fraction * 10) > lastTenth {
                lastTenth = Int(fraction * 10)
                print("\(lastTenth * 10) % t = \(Int(t)) s")
            }
        } } catch {
            FileHandle.standardError.write(Data("\ncitytwin: \(s.flood.file): the run failed: \(error)\n".utf8))
            throw ExitCode(Exit.invalidModel)
        }
        if tty { print("") }
        print(String(format: "simulated in %.1f s; writing the report…", r.wallSeconds))
        try reportingInputErrors { try r.write(to: folder, overwrite: force) }
        for k in r.kpis {
            print("  \(k.group) · \(k.name): \(k.formattedValue) \(k.unit)")
        }
        print("report: \((folder as NSString).appendingPathComponent("report.html"))")
    }
}
