import CityIO
import CityModel
import Foundation
import Stormwater

/// `swmm`: the stormwater engine against EPA SWMM 5.2 (swmm-toolkit, run by
/// `scripts/swmm_reference.py` in `.venv-swmm`) on the shared reference models, single thread.
///
/// Options: `--models DIR` (default ../shared/reference/swmm/models), `--only NAME[,NAME]`,
/// `--routing-only` (only models without subcatchments), `--python PATH` (the venv's interpreter;
/// no reference timing without it), `--compare` (print per-model differences against
/// `expected/NAME.json` to stderr), `--dump DIR` (write each model's full routing summary to
/// `DIR/NAME.json`, sorted keys, so two builds can be compared byte for byte).
enum SWMMBenchmark {
    static func run(_ args: [String]) throws -> JSON {
        var models = "../shared/reference/swmm/models"
        var only: Set<String> = []
        var python: String? = nil
        var compare = false, routingOnly = false
        var dump: String? = nil
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--models": models = args[i + 1]; i += 1
            case "--only": only = Set(args[i + 1].split(separator: ",").map(String.init)); i += 1
            case "--python": python = args[i + 1]; i += 1
            case "--compare": compare = true
            case "--dump": dump = args[i + 1]; i += 1
            case "--routing-only": routingOnly = true
            default: throw BenchmarkError("unknown option \(args[i])")
            }
            i += 1
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: models).filter { $0.hasSuffix(".inp") }.sorted()
        var ours = 0.0
        var ran: [String] = []
        var rows: [(String, JSON)] = []
        for f in files {
            let name = String(f.dropLast(4))
            if !only.isEmpty && !only.contains(name) { continue }
            let path = models + "/" + f
            let model: CityModel
            do { model = try SWMMInp.read(path: path) } catch { printError("\(name): read: \(error)"); continue }
            if routingOnly && !model.subcatchments.isEmpty { continue }
            var sim: StormwaterSimulation
            do {
                let runoff: RunoffModel? = model.subcatchments.isEmpty ? nil : try RunoffModel(model: model)
                sim = try StormwaterSimulation(model: model, runoff: runoff, threads: 1, file: path)
            } catch { printError("\(name): \(error)"); continue }
            let t = Timing.measure { sim.run() }
            ours += t.cpuSeconds
            ran.append(name)
            let s = sim.summary
            rows.append((name, .object([("cpu_s", .number(t.cpuSeconds)), ("steps", .integer(s.routingSteps))])))
            if let dump {
                let enc = JSONEncoder()
                enc.outputFormatting = [.sortedKeys, .prettyPrinted]
                try enc.encode(s).write(to: URL(fileURLWithPath: dump + "/\(name).json"))
            }
            if compare { report(name: name, summary: s, expectedDir: models + "/../expected", cpu: t.cpuSeconds) }
        }
        var reference: [(String, JSON)] = []
        var ratio = JSON.string("n/a")
        if let python, !ran.isEmpty {
            let script = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
            _ = script
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = ["scripts/swmm_reference.py", "--models", models, "--only", ran.joined(separator: ",")]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            if let text = String(data: data, encoding: .utf8), let v = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                reference = [("engine", .string("EPA SWMM 5.2.4 (swmm-toolkit)")), ("cpu_s", .number(v))]
                ratio = .number(v / max(ours, 1e-9))
            }
        }
        return .object([
            ("name", .string("swmm")),
            ("ours", .object([("engine", .string("CityTwin Stormwater")), ("models", .integer(ran.count)), ("cpu_s", .number(ours)),
                              ("per_model", .object(rows))])),
            ("reference", .object(reference)),
            ("ratio", ratio),
        ])
    }

    /// Prints our results against SWMM's expected JSON with the issue's tolerances.
    static func report(name: String, summary s: RoutingSummary, expectedDir: String, cpu: Double) {
        guard let raw = FileManager.default.contents(atPath: expectedDir + "/\(name).json"),
              let text = String(data: raw, encoding: .utf8),
              let obj = try? JSONSerialization.jsonObject(with: Data(text.replacingOccurrences(of: "NaN", with: "null").utf8)) as? [String: Any] else { printError("\(name): no expected"); return }
        var worst: [String] = []
        var pass = true
        if let outs = obj["outfalls"] as? [String: [String: Any]] {
            for (id, o) in outs.sorted(by: { $0.key < $1.key }) {
                let ev = (o["total_volume"] as? Double) ?? 0, ep = (o["peak_inflow"] as? Double) ?? 0
                let ov = s.outfalls[id]?.totalVolume ?? .nan, op = s.outfalls[id]?.peakInflow ?? .nan
                let dv = ev > 0 ? abs(ov - ev) / ev * 100 : abs(ov)
                let dp = ep > 0 ? abs(op - ep) / ep * 100 : abs(op)
                let ok = (ev > 0 ? dv <= 0.5 : ov < 1) && (ep > 0 ? dp <= 2 : op < 0.01)
                if !ok { pass = false }
                worst.append(String(format: "  outfall %@ vol %.4g/%.4g (%.2f%%) peak %.4g/%.4g (%.2f%%)%@", id, ov, ev, dv, op, ep, dp, ok ? "" : " FAIL"))
            }
        }
        let metric = (obj["units"] as? [String: Any])?["depth"] as? String == "m"
        let tol = metric ? 0.02 : 0.07
        var depthFails = 0, maxDD = 0.0, maxDDid = ""
        if let nd = obj["node_max_depth"] as? [String: Double] {
            for (id, e) in nd {
                let d = abs((s.nodeMaxDepth[id] ?? .nan) - e)
                if !(d <= tol) { depthFails += 1 }
                if d > maxDD || d.isNaN { maxDD = d; maxDDid = id }
            }
        }
        if depthFails > 0 { pass = false }
        let c = obj["continuity"] as? [String: Any]
        let ec = (c?["flow_routing_error_pct"] as? Double) ?? 0
        let cok = abs(ec - s.flowRoutingErrorPercent) <= 0.5
        if !cok { pass = false }
        var maxLP = 0.0, maxLPid = ""
        if let lp = obj["link_peak_flow"] as? [String: Double] {
            for (id, e) in lp {
                let d = abs((s.linkPeakFlow[id] ?? .nan) - e) / max(abs(e), 1e-6)
                if d > maxLP || d.isNaN { maxLP = d; maxLPid = id }
            }
        }
        let eCPU = ((obj["timing"] as? [String: Any])?["simulate_cpu_s"] as? Double) ?? .nan
        printError(String(format: "%@ %@  cont %.3f/%.3f  depth fails %d (max %.3f at %@)  link peak max rel %.3f at %@  steps %d/%@  cpu %.3f vs %.3f",
                          name, pass ? "PASS" : "FAIL", s.flowRoutingErrorPercent, ec, depthFails, maxDD, maxDDid, maxLP, maxLPid,
                          s.routingSteps, "\((obj["timing"] as? [String: Any])?["steps"] ?? "?")", cpu, eCPU))
        for w in worst { printError(w) }
        if let sys = obj["system"] as? [String: Any] {
            printError(String(format: "  flooding %.4g/%.4g  outfall total %.4g/%.4g", s.totalFloodingVolume, (sys["total_flooding_volume"] as? Double) ?? 0,
                              s.totalOutfallVolume, (sys["total_outfall_volume"] as? Double) ?? 0))
        }
    }
}
