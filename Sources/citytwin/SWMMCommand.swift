import ArgumentParser
import CityIO
import CityModel
import Foundation
import Geometry
import Stormwater

struct SWMM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swmm",
        abstract: "Run an EPA SWMM 5.2 model (.inp) and write a summary with the reference key names.",
        discussion: """
        The JSON summary uses the keys of SWMM reference summaries (continuity, outfalls, system, \
        node_max_depth, link_peak_flow, subcatchments, timing.simulate_cpu_s) in the model's own units. \
        Everything but timing.simulate_cpu_s is identical from run to run; --no-timing leaves the CPU time \
        out so that two summaries can be compared byte for byte.
        """)

    @Argument(help: "The SWMM input file (.inp).")
    var model: String

    @Option(help: "Write the JSON summary here (model's own units).")
    var summary: String?

    @Option(help: "Write a short text report here.")
    var report: String?

    @Option(help: "Worker threads for routing (default: the model's THREADS option).")
    var threads: Int?

    @Flag(inversion: .prefixedNo, help: "Include the simulation CPU time in the summary.")
    var timing = true

    func run() throws {
        let m = try reportingInputErrors { try SWMMInp.read(path: model) }
        let project = m.stormwater!
        let result: SWMMRunResult
        do {
            result = try SWMMRun.run(m, file: model, threads: threads)
        } catch let e as InputError {
            FileHandle.standardError.write(Data("citytwin: \(e)\n".utf8))
            throw ExitCode(Exit.badInput)
        } catch let e as SimulationInputError {
            FileHandle.standardError.write(Data("citytwin: \(model): \(e.message)\n".utf8))
            throw ExitCode(Exit.badInput)
        }
        var json = result.summary(inp: (model as NSString).lastPathComponent, project: project)
        if timing, case .object(var o) = json {
            o["timing"] = .object(["simulate_cpu_s": .number(result.cpuSeconds)])
            json = .object(o)
        }
        if let summary {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            let text = String(decoding: try enc.encode(json), as: UTF8.self) + "\n"
            try reportingInputErrors { try TextOutput.write(text, to: summary) }
        }
        let text = result.reportText(model: model, project: project)
        if let report { try reportingInputErrors { try TextOutput.write(text, to: report) } }
        else if summary == nil { print(text, terminator: "") }
    }
}
