import CityModel
import Foundation
import Geometry
import Yams

/// Reads a hand-written signal plan (YAML, format in docs/scene-format.md "Signal plans") and
/// compiles it against a network into SUMO-style programs.
///
/// Each phase lists the movements that get green (`movements`, priority `G`) and those that get a
/// permissive green (`permissive`, `g`: they yield to prioritised foes), as `FROM>TO` edge pairs;
/// every connection controlled by the junction's signal between those edges gets that state. After
/// each green come `yellow` s of amber for the movements that lose green and `all_red` s of red.
///
/// Refused, with the file, line and key: unknown keys, a junction without a signal, a movement
/// that is not a controlled connection of it, movements no phase covers, a cycle that differs
/// from Σ (green + yellow + all-red), negative offsets or durations, min green > max green.
public enum SignalPlanReader {
    public static func read(path: String, network: LaneNetwork) throws -> SignalPlan {
        let text = String(decoding: try FileBytes.contents(of: path), as: UTF8.self)
        return try parse(text, file: path, network: network)
    }

    public static func parse(_ text: String, file: String, network: LaneNetwork) throws -> SignalPlan {
        func err(_ node: Node?, _ key: String, _ msg: String, code: ErrorCode = .badValue) -> InputError {
            InputError(code, msg, at: SourceLocation(file: file, line: node?.mark?.line, feature: key))
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let e as YamlError {
            var line: Int?
            switch e {
            case .scanner(_, _, let m, _), .parser(_, _, let m, _): line = m.line
            default: line = nil
            }
            throw InputError(.syntax, "YAML: \(e)".split(separator: "\n").first.map(String.init) ?? "YAML error",
                             at: SourceLocation(file: file, line: line))
        }
        guard let top = root?.mapping else { throw err(root, "signals", "the plan must be a mapping with a signals key", code: .syntax) }
        var signalsNode: Node?
        for (k, v) in top {
            guard k.string == "signals" else { throw err(k, k.string ?? "?", "unknown key (expected signals)", code: .unknownSection) }
            signalsNode = v
        }
        guard let sigs = signalsNode?.mapping else { throw err(root, "signals", "signals must map junction (signal) IDs to plans", code: .missingField) }

        var existing: [String: NetSignalProgram] = [:]
        for p in network.signalPrograms { existing[p.id] = p }
        // Movements (from edge, to edge) per signal index.
        var movements: [String: [Int: Set<String>]] = [:]
        for c in network.connections { if let tl = c.tl, let k = c.linkIndex { movements[tl, default: [:]][k, default: []].insert("\(c.from)>\(c.to)") } }

        var programs: [NetSignalProgram] = []
        var modes: [String: SignalPlan.Control] = [:]
        for (idNode, planNode) in sigs {
            guard let id = idNode.string else { throw err(idNode, "signals", "junction IDs must be strings") }
            guard let base = existing[id], let moves = movements[id] else {
                throw err(idNode, id, "no traffic light \(id) in the network", code: .danglingReference)
            }
            guard let plan = planNode.mapping else { throw err(planNode, id, "the plan of \(id) must be a mapping") }
            var control = "fixed_time", cycle: Double?, offset = 0.0, yellow = 3.0, allRed = 0.0
            var maxGap = 3.0, minGreen = 10.0, maxGreen = 60.0
            var phaseNodes: [Node] = []
            var cycleNode: Node?
            func number(_ n: Node, _ key: String, min lo: Double = 0) throws -> Double {
                guard let x = n.float ?? n.int.map(Double.init), x.isFinite, x >= lo else {
                    throw err(n, "\(id).\(key)", "\(key) must be a number ≥ \(lo)")
                }
                return x
            }
            for (k, v) in plan {
                let key = k.string ?? "?"
                switch key {
                case "control":
                    guard let c = v.string, ["fixed_time", "actuated", "max_pressure"].contains(c) else {
                        throw err(v, "\(id).control", "control must be fixed_time, actuated or max_pressure")
                    }
                    control = c
                case "cycle": cycle = try number(v, key, min: 1); cycleNode = v
                case "offset": offset = try number(v, key)
                case "yellow": yellow = try number(v, key)
                case "all_red": allRed = try number(v, key)
                case "max_gap": maxGap = try number(v, key, min: 0.1)
                case "min_green": minGreen = try number(v, key, min: 1)
                case "max_green": maxGreen = try number(v, key, min: 1)
                case "phases":
                    guard let s = v.sequence, !s.isEmpty else { throw err(v, "\(id).phases", "phases must be a non-empty list") }
                    phaseNodes = Array(s)
                default: throw err(k, "\(id).\(key)", "unknown key \(key)", code: .unknownSection)
                }
            }
            guard !phaseNodes.isEmpty else { throw err(planNode, "\(id).phases", "the plan of \(id) has no phases", code: .missingField) }
            let n = base.phases[0].state.count
            var greens: [[UInt8]] = [], durations: [(Double, Double?, Double?)] = []
            var covered = Set<String>()
            for (pi, pn) in phaseNodes.enumerated() {
                let where_ = "\(id).phases[\(pi)]"
                guard let pm = pn.mapping else { throw err(pn, where_, "a phase must be a mapping") }
                var state = [UInt8](repeating: UInt8(ascii: "r"), count: n)
                var green: Double?, lo: Double?, hi: Double?
                for (k, v) in pm {
                    let key = k.string ?? "?"
                    switch key {
                    case "green": green = try number(v, key, min: 1)
                    case "min": lo = try number(v, key, min: 1)
                    case "max": hi = try number(v, key, min: 1)
                    case "movements", "permissive":
                        guard let list = v.sequence else { throw err(v, "\(where_).\(key)", "\(key) must be a list of FROM>TO") }
                        for m in list {
                            guard let s = m.string else { throw err(m, "\(where_).\(key)", "a movement must be FROM>TO") }
                            let idx = moves.filter { $0.value.contains(s) }.map(\.key)
                            guard !idx.isEmpty else {
                                throw err(m, "\(where_).\(key)", "\(s) is not a movement controlled by \(id)", code: .danglingReference)
                            }
                            for i in idx { state[i] = UInt8(ascii: key == "movements" ? "G" : "g") }
                            covered.insert(s)
                        }
                    default: throw err(k, "\(where_).\(key)", "unknown key \(key)", code: .unknownSection)
                    }
                }
                guard let g = green else { throw err(pn, "\(where_).green", "a phase needs green (s)", code: .missingField) }
                if let lo, let hi, lo > hi { throw err(pn, "\(where_).min", "min green \(lo) s > max green \(hi) s") }
                greens.append(state); durations.append((g, lo, hi))
            }
            let all = Set(moves.values.flatMap { $0 })
            let missing = all.subtracting(covered).sorted()
            if !missing.isEmpty {
                throw err(idNode, "\(id).phases", "phases do not cover movement(s) \(missing.joined(separator: ", ")) of \(id)", code: .missingField)
            }
            let total = durations.reduce(0) { $0 + $1.0 } + Double(durations.count) * (yellow + allRed)
            if let c = cycle, abs(c - total) > 1e-6 {
                throw err(cycleNode, "\(id).cycle", "cycle \(c) s ≠ Σ(green + yellow + all_red) = \(total) s")
            }
            var phases: [SignalPhase] = []
            for (i, st) in greens.enumerated() {
                let nx = greens[(i + 1) % greens.count]
                let d = durations[i]
                phases.append(SignalPhase(duration: d.0, state: String(decoding: st, as: UTF8.self),
                                          minDuration: d.1 ?? (control == "actuated" ? min(5, d.0) : nil),
                                          maxDuration: d.2 ?? (control == "actuated" ? max(d.0, 2 * d.0) : nil)))
                let keep = { (j: Int) -> Bool in st[j] != UInt8(ascii: "r") && nx[j] != UInt8(ascii: "r") }
                if yellow > 0 {
                    let y = (0..<n).map { j in keep(j) ? st[j] : (st[j] == UInt8(ascii: "r") ? UInt8(ascii: "r") : UInt8(ascii: "y")) }
                    phases.append(SignalPhase(duration: yellow, state: String(decoding: y, as: UTF8.self)))
                }
                if allRed > 0 {
                    let r = (0..<n).map { j in keep(j) ? st[j] : UInt8(ascii: "r") }
                    phases.append(SignalPhase(duration: allRed, state: String(decoding: r, as: UTF8.self)))
                }
            }
            programs.append(NetSignalProgram(id: id, programID: "plan", type: control == "actuated" ? .actuated : .static,
                                             offset: offset, phases: phases, line: idNode.mark?.line ?? 0))
            switch control {
            case "actuated": modes[id] = .actuated(maxGap: maxGap)
            case "max_pressure": modes[id] = .maxPressure(minGreen: minGreen, maxGreen: maxGreen)
            default: modes[id] = .fixedTime
            }
        }
        return SignalPlan(programs: programs, modes: modes)
    }
}
