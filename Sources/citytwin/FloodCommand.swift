import ArgumentParser
import Foundation
import Geometry
import Scenario

struct Flood: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a 2-D surface flood case (scene format, docs/scene-format.md) and write its maps, point series and summary.")

    @Argument(help: "The scene file (YAML) with a flood: block.")
    var scene: String

    @Option(help: "Output folder (default: runs/<scene name>).")
    var out: String?

    @Option(help: "Threads for the flood kernel (results are identical for any count).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Replace the outputs of an earlier run in the output folder.")
    var force = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let s = try reportingInputErrors { try FloodScene.load(scene) }
        let folder = out ?? "runs/\(s.name)"
        let summary = (folder as NSString).appendingPathComponent("summary.json")
        if FileManager.default.fileExists(atPath: summary), !force {
            try reportingInputErrors {
                throw InputError(.outputExists, "holds the outputs of an earlier run; pass --force to replace them", at: SourceLocation(file: folder))
            }
        }
        var r = try reportingInputErrors { try FloodRun(scene: s, threads: threads) }
        let g = s.setup.grid
        print("flood \(s.name): \(g.width) × \(g.height) cells of \(g.cellSize) m, \(Int(s.duration)) s, \(threads) thread(s)")
        let tty = isatty(STDOUT_FILENO) != 0
        var lastTenth = -1
        r.run { fraction, t in
            if tty {
                let bar = String(repeating: "#", count: Int(fraction * 30)) + String(repeating: ".", count: 30 - Int(fraction * 30))
                print("\r[\(bar)] \(Int(fraction * 100)) % t = \(Int(t)) s", terminator: "")
                fflush(nil)
            } else if Int(fraction * 10) > lastTenth {
                lastTenth = Int(fraction * 10)
                print("\(lastTenth * 10) % t = \(Int(t)) s")
            }
        }
        if tty { print("") }
        try reportingInputErrors { try r.write(to: folder) }
        let m = r.summary
        print(String(format: "done: %d steps in %.1f s (%.1f M cell-updates/s); max depth %.3f m",
                     m.steps, m.wallSeconds, Double(m.cellUpdates) / max(m.wallSeconds, 1e-9) / 1e6, m.maxDepth))
        print(String(format: "mass balance: in %.6g m³ (initial %.6g, rain %.6g, inflow %.6g), out %.6g m³ (infiltration %.6g, outflow %.6g), stored %.6g m³, error %.3g m³ (%.2e)",
                     m.massBalance.initialStorage + m.massBalance.rain + m.massBalance.inflow, m.massBalance.initialStorage,
                     m.massBalance.rain, m.massBalance.inflow, m.massBalance.infiltration + m.massBalance.outflow,
                     m.massBalance.infiltration, m.massBalance.outflow, m.massBalance.finalStorage, m.massBalance.error,
                     m.massBalance.relativeError))
        print("outputs in \(folder)")
    }
}
