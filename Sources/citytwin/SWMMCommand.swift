import ArgumentParser
import CityIO
import CityModel
import Foundation
import Geometry
import Stormwater

struct SWMM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swmm",
        abstract: "Run an EPA SWMM 5.2 model (.inp) and write a summary with the reference key names.")

    @Argument(help: "The SWMM input file (.inp).")
    var model: String

    @Option(help: "Write the JSON summary here (model's own units).")
    var summary: String?

    @Option(help: "Write a short text report here.")
    var report: String?

    func run() throws {
        let m = try reportingInputErrors { try SWMMInp.read(path: model) }
        let project = m.stormwater!
        var runoff: RunoffModel
        do { runoff = try RunoffModel(model: m) } catch let e as SimulationInputError {
            FileHandle.standardError.write(Data("citytwin: \(model): \(e.message)\n".utf8))
            throw ExitCode(Exit.badInput)
        }
        let c0 = clock()
        runoff.run()
        let cpu = Double(clock() - c0) / Double(CLOCKS_PER_SEC)
        let rc = runoff.continuity
        let u = project.options.flowUnits
        let metric = u.isMetric
        var top: [String: JSONValue] = [
            "inp": .string((model as NSString).lastPathComponent),
            "engine": .string("citytwin"),
            "flow_units": .string(u.rawValue),
            "units": .object(["flow": .string(u.rawValue), "depth": .string(metric ? "m" : "ft"),
                              "volume": .string(metric ? "m3" : "ft3"), "rain_depth": .string(metric ? "mm" : "in")]),
            "flow_routing": .string(project.options.flowRouting.rawValue),
            "infiltration": .string(project.options.infiltration.rawValue),
            "continuity": .object(["runoff_error_pct": .number(rc.errorPercent), "flow_routing_error_pct": .null,
                                   "runoff_totals_volume": RunoffSummary.continuity(runoff)]),
            "subcatchments": RunoffSummary.subcatchments(runoff),
            "routing_active": .bool(false),
            "routing_missing": .string("flow routing is not part of this build: outfalls, system, node_max_depth and link_peak_flow are absent"),
            "timing": .object(["simulate_cpu_s": .number(cpu), "runoff_steps": .number(Double(runoff.steps))]),
        ]
        if project.subcatchmentRunoff.isEmpty && m.subcatchments.isEmpty { top["continuity"] = .object(["runoff_error_pct": .null, "flow_routing_error_pct": .null]) }
        // Deterministic output: sorted keys, CPU time excluded from the bytes when asked to compare.
        if let summary {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            let text = String(decoding: try enc.encode(JSONValue.object(top)), as: UTF8.self) + "\n"
            try reportingInputErrors { try TextOutput.write(text, to: summary) }
        }
        var lines = ["citytwin swmm \(model)", "WARNING: flow routing is not part of this build; only runoff was simulated.",
                     "Runoff continuity error: \(String(format: "%.3f", rc.errorPercent)) %",
                     "Runoff steps: \(runoff.steps), CPU: \(String(format: "%.3f", cpu)) s"]
        for (id, s) in runoff.statistics {
            lines.append(String(format: "  %@  precip %.3f  infil %.2f  runoff %.2f  peak %.4f", id, s.precipitation, s.infiltration, s.runoff, s.peakRunoff))
        }
        if let report { try reportingInputErrors { try TextOutput.write(lines.joined(separator: "\n") + "\n", to: report) } }
        else if summary == nil { print(lines.joined(separator: "\n")) }
        FileHandle.standardError.write(Data("citytwin: warning: flow routing is not part of this build; only runoff was simulated\n".utf8))
    }
}
