import CityModel
import Foundation
import Geometry

/// Reads SUMO network files (`.net.xml`, format versions 1.x) into a `LaneNetwork`: edges and lanes
/// (normal and internal), junctions with their `<request>` right-of-way rows, connections with
/// `via`, `tl` and `linkIndex`, and `<tlLogic>` signal programs (the program read last for a TLS id
/// is the active one, as in SUMO).
///
/// Checks references: a connection naming an unknown edge, lane, via lane or signal program, a
/// `linkIndex` outside the program's state strings, phases of unequal length, request strings of
/// the wrong length. Each problem is one `InputError` with the file and line.
public enum SumoNetReader {
    public static func read(path: String) throws -> LaneNetwork {
        try parse(bytes: try FileBytes.contents(of: path), file: path)
    }

    public static func parse(bytes: [UInt8], file: String) throws -> LaneNetwork {
        var sc = XMLScanner(bytes: bytes, file: file)
        var net = LaneNetwork()
        net.source = file
        var sawNet = false
        var edge: NetEdge?
        var junction: NetJunction?
        var program: NetSignalProgram?
        var programs: [String: NetSignalProgram] = [:]
        var programOrder: [String] = []
        func loc(_ l: Int) -> SourceLocation { SourceLocation(file: file, line: l) }

        while let ev = try sc.next() {
            switch ev {
            case .start(let el):
                switch el.name {
                case "net": sawNet = true
                case "edge":
                    let id = try el.required("id", file: file)
                    let fn: EdgeFunction
                    if let f = el.attr("function") {
                        guard let v = EdgeFunction(rawValue: f) else {
                            throw InputError(.badValue, "edge \(id): unknown function \"\(f)\"", at: loc(el.line))
                        }
                        fn = v
                    } else { fn = .normal }
                    edge = NetEdge(id: id, from: el.attr("from"), to: el.attr("to"), function: fn,
                                   priority: try el.int("priority", file: file) ?? 1, lanes: [], line: el.line)
                case "lane":
                    guard edge != nil else { continue }        // lanes only appear inside edges
                    let id = try el.required("id", file: file)
                    let length = try el.double("length", file: file) ?? 0
                    let speed = try el.double("speed", file: file) ?? 13.89
                    guard length >= 0, speed > 0 else {
                        throw InputError(.badValue, "lane \(id): length \(length) m and speed \(speed) m/s must be positive",
                                         at: loc(el.line))
                    }
                    var shape: [Double] = []
                    if let s = el.attr("shape") {
                        for p in s.words {
                            let xy = p.split(separator: ",")
                            guard xy.count >= 2, let x = Double(xy[0]), let y = Double(xy[1]) else {
                                throw InputError(.badValue, "lane \(id): bad shape point \"\(p)\"", at: loc(el.line))
                            }
                            shape.append(x); shape.append(y)
                        }
                    }
                    let index = try el.int("index", file: file) ?? edge!.lanes.count
                    guard index == edge!.lanes.count else {
                        throw InputError(.badValue, "lane \(id): index \(index), expected \(edge!.lanes.count)", at: loc(el.line))
                    }
                    edge!.lanes.append(NetLane(id: id, index: index, speed: speed, length: length, shape: shape,
                                               allow: el.attr("allow").map { Set($0.words) },
                                               disallow: el.attr("disallow").map { Set($0.words) }))
                case "junction":
                    let id = try el.required("id", file: file)
                    let t = el.attr("type") ?? "priority"
                    guard let type = NetJunctionType(rawValue: t) else {
                        throw InputError(.badValue, "junction \(id): unknown type \"\(t)\"", at: loc(el.line))
                    }
                    junction = NetJunction(id: id, type: type, x: try el.double("x", file: file) ?? 0,
                                           y: try el.double("y", file: file) ?? 0,
                                           incLanes: el.attr("incLanes")?.words ?? [],
                                           intLanes: el.attr("intLanes")?.words ?? [], line: el.line)
                case "request":
                    guard junction != nil else {
                        throw InputError(.syntax, "<request> outside a <junction>", at: loc(el.line))
                    }
                    let index = try el.int("index", file: file) ?? junction!.requests.count
                    func bits(_ key: String) throws -> [Bool] {
                        let s = try el.required(key, file: file)
                        var out: [Bool] = []
                        for ch in s.reversed() {                      // read right to left: last char is link 0
                            guard ch == "0" || ch == "1" else {
                                throw InputError(.badValue, "junction \(junction!.id) request \(index): \(key) has '\(ch)'",
                                                 at: loc(el.line))
                            }
                            out.append(ch == "1")
                        }
                        return out
                    }
                    junction!.requests.append(NetRequest(index: index, response: try bits("response"), foes: try bits("foes"),
                                                         cont: el.attr("cont") == "1"))
                case "connection":
                    let dirLetter = el.attr("dir") ?? "s"
                    guard let dir = TurnDirection(sumoLetter: dirLetter) else {
                        throw InputError(.badValue, "connection: unknown dir \"\(dirLetter)\"", at: loc(el.line))
                    }
                    let st = el.attr("state") ?? "M"
                    net.connections.append(NetConnection(
                        from: try el.required("from", file: file), to: try el.required("to", file: file),
                        fromLane: try el.int("fromLane", file: file) ?? 0, toLane: try el.int("toLane", file: file) ?? 0,
                        via: el.attr("via"), tl: el.attr("tl"), linkIndex: try el.int("linkIndex", file: file),
                        direction: dir, state: st.first ?? "M", line: el.line))
                case "tlLogic":
                    let id = try el.required("id", file: file)
                    let t = el.attr("type") ?? "static"
                    guard let type = NetSignalType(rawValue: t) else {
                        throw InputError(.badValue, "tlLogic \(id): unknown type \"\(t)\"", at: loc(el.line))
                    }
                    program = NetSignalProgram(id: id, programID: el.attr("programID") ?? "0", type: type,
                                               offset: try el.double("offset", file: file) ?? 0, phases: [], line: el.line)
                case "phase":
                    guard program != nil else { throw InputError(.syntax, "<phase> outside a <tlLogic>", at: loc(el.line)) }
                    let d = try el.double("duration", file: file) ?? -1
                    let state = try el.required("state", file: file)
                    guard d > 0 else {
                        throw InputError(.badValue, "tlLogic \(program!.id): phase duration must be > 0 s", at: loc(el.line))
                    }
                    if let bad = state.first(where: { !SignalPhase.validStates.contains($0) }) {
                        throw InputError(.badValue, "tlLogic \(program!.id): unknown signal state '\(bad)' in \"\(state)\"",
                                         at: loc(el.line))
                    }
                    if let first = program!.phases.first, first.state.count != state.count {
                        throw InputError(.badValue, "tlLogic \(program!.id): phase state has \(state.count) signals, " +
                                         "the first phase \(first.state.count)", at: loc(el.line))
                    }
                    program!.phases.append(SignalPhase(duration: d, state: state,
                                                       minDuration: try el.double("minDur", file: file),
                                                       maxDuration: try el.double("maxDur", file: file)))
                case "param":
                    if program != nil, let k = el.attr("key"), let v = el.attr("value") { program!.parameters[k] = v }
                default: break
                }
            case .end(let name, let line):
                switch name {
                case "edge":
                    if let e = edge {
                        guard !e.lanes.isEmpty else { throw InputError(.badValue, "edge \(e.id) has no lanes", at: loc(e.line)) }
                        net.edges.append(e)
                    }
                    edge = nil
                case "junction": if let j = junction { net.junctions.append(j) }; junction = nil
                case "tlLogic":
                    if let p = program {
                        guard !p.phases.isEmpty else { throw InputError(.badValue, "tlLogic \(p.id) has no phases", at: loc(line)) }
                        if programs[p.id] == nil { programOrder.append(p.id) }
                        programs[p.id] = p                              // the program loaded last is active
                    }
                    program = nil
                default: break
                }
            }
        }
        guard sawNet else { throw InputError(.unsupportedFormat, "not a SUMO network (no <net> element)", at: SourceLocation(file: file)) }
        net.signalPrograms = programOrder.map { programs[$0]! }
        // Rail signals and rail crossings are controlled by SUMO's built-in logic (no <tlLogic>), and
        // linkIndex -1 marks a link the controller does not switch: both are unsignalised links
        // with the right of way of their `state` letter.
        let railJunctions = Set(net.junctions.filter { $0.type == .railSignal || $0.type == .railCrossing }.map(\.id))
        for i in net.connections.indices {
            guard let tl = net.connections[i].tl else { continue }
            if (net.connections[i].linkIndex ?? 0) < 0 || (programs[tl] == nil && railJunctions.contains(tl)) {
                net.connections[i].tl = nil
                net.connections[i].linkIndex = nil
            }
        }
        try check(net, file: file)
        return net
    }

    /// Cross-reference checks: every connection's edges, lanes, via lane and signal index exist.
    static func check(_ net: LaneNetwork, file: String) throws {
        var laneCount: [String: Int] = [:]
        var laneIDs = Set<String>()
        for e in net.edges {
            laneCount[e.id] = e.lanes.count
            for l in e.lanes { laneIDs.insert(l.id) }
        }
        var signalSize: [String: Int] = [:]
        for p in net.signalPrograms { signalSize[p.id] = p.phases[0].state.count }
        for c in net.connections {
            let at = SourceLocation(file: file, line: c.line)
            guard let nf = laneCount[c.from] else { throw InputError(.danglingReference, "connection from unknown edge \(c.from)", at: at) }
            guard let nt = laneCount[c.to] else { throw InputError(.danglingReference, "connection to unknown edge \(c.to)", at: at) }
            guard c.fromLane >= 0, c.fromLane < nf else {
                throw InputError(.danglingReference, "connection \(c.from)→\(c.to): edge \(c.from) has no lane \(c.fromLane)", at: at)
            }
            guard c.toLane >= 0, c.toLane < nt else {
                throw InputError(.danglingReference, "connection \(c.from)→\(c.to): edge \(c.to) has no lane \(c.toLane)", at: at)
            }
            if let v = c.via, !laneIDs.contains(v) {
                throw InputError(.danglingReference, "connection \(c.from)→\(c.to): unknown via lane \(v)", at: at)
            }
            if let tl = c.tl {
                guard let n = signalSize[tl] else {
                    throw InputError(.danglingReference, "connection \(c.from)→\(c.to): unknown traffic light \(tl)", at: at)
                }
                guard let k = c.linkIndex, k >= 0, k < n else {
                    throw InputError(.badValue, "connection \(c.from)→\(c.to): linkIndex \(c.linkIndex.map(String.init) ?? "missing") " +
                                     "outside the \(n) signals of \(tl)", at: at)
                }
            }
        }
        for j in net.junctions where !j.requests.isEmpty {
            for r in j.requests where r.response.count != j.requests.count || r.foes.count != j.requests.count {
                throw InputError(.badValue, "junction \(j.id): request \(r.index) has \(r.response.count) bits for \(j.requests.count) links",
                                 at: SourceLocation(file: file, line: j.line))
            }
        }
    }
}
