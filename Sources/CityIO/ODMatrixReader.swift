import CityModel
import Foundation
import Geometry

/// Reads origin–destination matrices in the formats traffic engineers exchange, and SUMO traffic
/// analysis zones:
///
/// - **SUMO OD XML** (`<data><interval begin end><tazRelation from to count/>…`, also
///   `<edgeRelation>` whose ends are edges): one matrix per interval; times in seconds.
/// - **VISUM/PTV O-format** (`$O;D2` or `$OR;D2`): `*` comment lines, then the time window
///   `H.MM H.MM`, the factor, and rows `from to count`; counts are multiplied by the factor.
/// - **CSV** with a header `from,to,vehicles` (or `count`) and optional `begin,end` (s); rows
///   without times use the default window; each distinct window is one matrix.
/// - **SUMO TAZ** (`<taz id edges="…"/>` or `<taz id>` with `<tazSource id weight/>` and
///   `<tazSink id weight/>` children).
///
/// Fractional counts are rounded per matrix by cumulative rounding (the rounded total is
/// round(Σ counts), every cell within 1 of its value). Every problem — an unknown zone or edge, a
/// negative count, an empty window, a malformed row — is one `InputError` with the file and line.
public enum ODMatrixReader {
    /// Reads the matrix at `path` (format from its content) and the zones at `taz`; checks zone
    /// names against the zones (when given) or edges against `knownEdges`.
    public static func read(path: String, taz: String? = nil, knownEdges: Set<String>? = nil,
                            defaultWindow: (begin: Double, end: Double) = (0, 3600)) throws -> ODDemand {
        let matrices = try parseMatrices(bytes: try FileBytes.contents(of: path), file: path, defaultWindow: defaultWindow)
        var zones: [String: TrafficZone] = [:]
        if let taz { zones = try parseZones(bytes: try FileBytes.contents(of: taz), file: taz, knownEdges: knownEdges) }
        let od = ODDemand(matrices: matrices, zones: zones, source: path)
        try check(od, knownEdges: knownEdges)
        return od
    }

    /// Every cell's ends name a zone (when there are zones) or a known edge.
    public static func check(_ od: ODDemand, knownEdges: Set<String>?) throws {
        for m in od.matrices {
            for c in m.cells {
                for (end, name) in [("origin", c.from), ("destination", c.to)] {
                    if !od.zones.isEmpty {
                        guard od.zones[name] != nil else {
                            throw InputError(.danglingReference, "\(end) \(name) is not a zone of the TAZ file", at: SourceLocation(file: od.source, line: c.line))
                        }
                    } else if let known = knownEdges, !known.contains(name) {
                        throw InputError(.danglingReference, "\(end) \(name) is not an edge of the network (give the zones with --taz)",
                                         at: SourceLocation(file: od.source, line: c.line))
                    }
                }
            }
        }
    }

    /// The matrices in `bytes`: SUMO XML when it starts with `<`, O-format when with `$`, else CSV.
    public static func parseMatrices(bytes: [UInt8], file: String, defaultWindow: (begin: Double, end: Double) = (0, 3600)) throws -> [ODMatrix] {
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        switch first {
        case UInt8(ascii: "<"): return try parseSumoXML(bytes: bytes, file: file)
        case UInt8(ascii: "$"): return try parseOFormat(bytes: bytes, file: file)
        case nil: throw InputError(.badValue, "the OD matrix file is empty", at: SourceLocation(file: file, line: 1))
        default: return try parseCSV(bytes: bytes, file: file, defaultWindow: defaultWindow)
        }
    }

    /// A raw cell before rounding.
    struct RawCell { var from: String, to: String, count: Double, line: Int }

    static func matrix(begin: Double, end: Double, cells: [RawCell], file: String, line: Int) throws -> ODMatrix {
        guard begin.isFinite, end.isFinite, end > begin, begin >= 0 else {
            throw InputError(.badValue, "OD window [\(begin), \(end)) s: need 0 ≤ begin < end", at: SourceLocation(file: file, line: line))
        }
        var acc = 0.0, given = 0
        var out: [ODMatrix.Cell] = []
        for c in cells {
            guard c.count.isFinite, c.count >= 0 else {
                throw InputError(.badValue, "OD count \(c.count) from \(c.from) to \(c.to) must be ≥ 0", at: SourceLocation(file: file, line: c.line))
            }
            acc += c.count
            let n = Int(acc.rounded()) - given
            given += n
            out.append(ODMatrix.Cell(from: c.from, to: c.to, vehicles: n, line: c.line))
        }
        return ODMatrix(begin: begin, end: end, type: "DEFAULT_VEHTYPE", cells: out)
    }

    static func parseSumoXML(bytes: [UInt8], file: String) throws -> [ODMatrix] {
        var sc = XMLScanner(bytes: bytes, file: file)
        var out: [ODMatrix] = []
        var open: (begin: Double, end: Double, line: Int, cells: [RawCell])?
        var sawData = false
        while let ev = try sc.next() {
            switch ev {
            case .start(let el):
                switch el.name {
                case "data", "od": sawData = true
                case "interval":
                    let b = try el.double("begin", file: file) ?? 0
                    guard let e = try el.double("end", file: file) else {
                        throw InputError(.missingField, "<interval> lacks attribute end", at: SourceLocation(file: file, line: el.line))
                    }
                    open = (b, e, el.line, [])
                case "tazRelation", "edgeRelation":
                    guard open != nil else {
                        throw InputError(.syntax, "<\(el.name)> outside an <interval>", at: SourceLocation(file: file, line: el.line))
                    }
                    let from = try el.required("from", file: file), to = try el.required("to", file: file)
                    let count = try el.double("count", file: file) ?? el.double("number", file: file)
                    guard let count else {
                        throw InputError(.missingField, "<\(el.name)> lacks attribute count", at: SourceLocation(file: file, line: el.line))
                    }
                    open!.cells.append(RawCell(from: from, to: to, count: count, line: el.line))
                default: break
                }
            case .end(let name, _):
                if name == "interval", let o = open {
                    out.append(try matrix(begin: o.begin, end: o.end, cells: o.cells, file: file, line: o.line))
                    open = nil
                }
            }
        }
        guard sawData else { throw InputError(.unsupportedFormat, "not a SUMO OD file (no <data> element)", at: SourceLocation(file: file, line: 1)) }
        return out
    }

    /// Lines of a text file with their 1-based numbers, without trailing CR.
    static func lines(_ bytes: [UInt8]) -> [(Int, String)] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            ($0.offset + 1, $0.element.hasSuffix("\r") ? String($0.element.dropLast()) : String($0.element))
        }
    }

    /// `H.MM` (hours and minutes, as VISUM writes times) in seconds.
    static func visumTime(_ s: Substring) -> Double? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let h = Int(parts[0]), h >= 0 else { return nil }
        var m = 0
        if parts.count == 2 {
            let mm = parts[1].count == 1 ? parts[1] + "0" : parts[1]
            guard let v = Int(mm), v < 60 else { return nil }
            m = v
        }
        return Double(h * 3600 + m * 60)
    }

    static func parseOFormat(bytes: [UInt8], file: String) throws -> [ODMatrix] {
        var window: (Double, Double)?
        var factor: Double?
        var cells: [RawCell] = []
        var headerLine = 0
        for (n, raw) in lines(bytes) {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("*") { continue }
            if t.hasPrefix("$") {
                guard headerLine == 0 else { throw InputError(.unsupportedFormat, "a second $ header: one matrix per file", at: SourceLocation(file: file, line: n)) }
                let kind = t.dropFirst().split(separator: ";").first.map(String.init) ?? ""
                guard kind == "O" || kind == "OR" else {
                    throw InputError(.unsupportedFormat, "matrix type $\(kind): only the O-format lists $O and $OR are read (not $V/$E)", at: SourceLocation(file: file, line: n))
                }
                headerLine = n
                continue
            }
            let w = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" })
            if window == nil {
                guard w.count == 2, let a = visumTime(w[0]), let b = visumTime(w[1]) else {
                    throw InputError(.badValue, "expected the time window \"H.MM H.MM\", found \"\(t)\"", at: SourceLocation(file: file, line: n))
                }
                window = (a, b == 0 && a == 0 ? 86400 : b)
                headerLine = n
            } else if factor == nil {
                guard w.count == 1, let f = Double(w[0]), f >= 0 else {
                    throw InputError(.badValue, "expected the matrix factor (a number ≥ 0), found \"\(t)\"", at: SourceLocation(file: file, line: n))
                }
                factor = f
            } else {
                guard w.count == 3, let c = Double(w[2]) else {
                    throw InputError(.badValue, "expected \"from to count\", found \"\(t)\"", at: SourceLocation(file: file, line: n))
                }
                cells.append(RawCell(from: String(w[0]), to: String(w[1]), count: c * factor!, line: n))
            }
        }
        guard let (b, e) = window, factor != nil else {
            throw InputError(.missingField, "O-format matrix lacks its time window or factor", at: SourceLocation(file: file, line: max(1, headerLine)))
        }
        return [try matrix(begin: b, end: e, cells: cells, file: file, line: headerLine)]
    }

    static func parseCSV(bytes: [UInt8], file: String, defaultWindow: (begin: Double, end: Double)) throws -> [ODMatrix] {
        let all = lines(bytes).filter { !$0.1.trimmingCharacters(in: .whitespaces).isEmpty && !$0.1.hasPrefix("#") }
        guard let (hl, header) = all.first else { throw InputError(.badValue, "the OD matrix file is empty", at: SourceLocation(file: file, line: 1)) }
        let cols = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func col(_ names: [String]) -> Int? { cols.firstIndex { names.contains($0) } }
        guard let cf = col(["from", "origin"]), let ct = col(["to", "destination"]), let cn = col(["vehicles", "count"]) else {
            throw InputError(.missingField, "CSV header needs from, to and vehicles (or count) columns; found \(header)", at: SourceLocation(file: file, line: hl))
        }
        let cb = col(["begin"]), ce = col(["end"])
        guard (cb == nil) == (ce == nil) else {
            throw InputError(.missingField, "CSV header has one of begin and end; give both or neither", at: SourceLocation(file: file, line: hl))
        }
        var windows: [(key: [Double], line: Int, cells: [RawCell])] = []
        for (n, row) in all.dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == cols.count else {
                throw InputError(.badValue, "\(f.count) fields, the header has \(cols.count)", at: SourceLocation(file: file, line: n))
            }
            guard let c = Double(f[cn]) else { throw InputError(.badValue, "vehicles \"\(f[cn])\" is not a number", at: SourceLocation(file: file, line: n)) }
            guard !f[cf].isEmpty, !f[ct].isEmpty else { throw InputError(.missingField, "empty from or to", at: SourceLocation(file: file, line: n)) }
            var key = [defaultWindow.begin, defaultWindow.end]
            if let cb, let ce {
                guard let b = Double(f[cb]), let e = Double(f[ce]) else {
                    throw InputError(.badValue, "begin/end \"\(f[cb])\", \"\(f[ce])\" are not seconds", at: SourceLocation(file: file, line: n))
                }
                key = [b, e]
            }
            let cell = RawCell(from: f[cf], to: f[ct], count: c, line: n)
            if let i = windows.firstIndex(where: { $0.key == key }) { windows[i].cells.append(cell) } else { windows.append((key, n, [cell])) }
        }
        return try windows.map { try matrix(begin: $0.key[0], end: $0.key[1], cells: $0.cells, file: file, line: $0.line) }
    }

    /// SUMO traffic analysis zones: `<taz id edges="a b"/>` (each edge a source and a sink of weight
    /// 1) or `<taz id>` with `<tazSource id weight/>` / `<tazSink id weight/>` children.
    public static func parseZones(bytes: [UInt8], file: String, knownEdges: Set<String>? = nil) throws -> [String: TrafficZone] {
        var sc = XMLScanner(bytes: bytes, file: file)
        var zones: [String: TrafficZone] = [:]
        var open: TrafficZone?
        func loc(_ l: Int) -> SourceLocation { SourceLocation(file: file, line: l) }
        func edge(_ id: String, _ line: Int) throws -> String {
            if let k = knownEdges, !k.contains(id) { throw InputError(.danglingReference, "zone edge \(id) is not an edge of the network", at: loc(line)) }
            return id
        }
        func close(_ z: TrafficZone) throws {
            guard !z.sources.isEmpty, !z.sinks.isEmpty else {
                throw InputError(.badValue, "zone \(z.id) needs at least one source and one sink edge", at: loc(z.line))
            }
            guard zones[z.id] == nil else { throw InputError(.duplicateID, "zone \(z.id) is defined twice", at: loc(z.line)) }
            zones[z.id] = z
        }
        while let ev = try sc.next() {
            switch ev {
            case .start(let el):
                switch el.name {
                case "taz":
                    let id = try el.required("id", file: file)
                    var z = TrafficZone(id: id, sources: [], sinks: [], line: el.line)
                    for e in (el.attr("edges") ?? "").split(separator: " ") {
                        let w = WeightedEdge(edge: try edge(String(e), el.line))
                        z.sources.append(w); z.sinks.append(w)
                    }
                    if el.selfClosing { try close(z) } else { open = z }
                case "tazSource", "tazSink":
                    guard open != nil else { throw InputError(.syntax, "<\(el.name)> outside a <taz>", at: loc(el.line)) }
                    let w = try el.double("weight", file: file) ?? 1
                    guard w >= 0 else { throw InputError(.badValue, "<\(el.name)> weight \(w) must be ≥ 0", at: loc(el.line)) }
                    let we = WeightedEdge(edge: try edge(try el.required("id", file: file), el.line), weight: w)
                    if w > 0 { if el.name == "tazSource" { open!.sources.append(we) } else { open!.sinks.append(we) } }
                default: break
                }
            case .end(let name, _):
                if name == "taz", let z = open { try close(z); open = nil }
            }
        }
        guard !zones.isEmpty else { throw InputError(.badValue, "no <taz> zones in the file", at: loc(1)) }
        return zones
    }

    /// A departure profile written as `time:weight` pairs separated by commas (`0:1,900:2,1800:1`;
    /// times in seconds, increasing; weights ≥ 0, not all 0).
    public static func parseProfile(_ text: String, source: String) throws -> DemandProfile {
        var p = DemandProfile()
        for part in text.split(separator: ",") {
            let kv = part.split(separator: ":")
            guard kv.count == 2, let t = Double(kv[0].trimmingCharacters(in: .whitespaces)), let w = Double(kv[1].trimmingCharacters(in: .whitespaces)),
                  w >= 0, t >= 0 else {
                throw InputError(.badValue, "departure profile: expected time:weight pairs (s, ≥ 0), found \"\(part)\"", at: SourceLocation(file: source))
            }
            if let last = p.times.last, t <= last {
                throw InputError(.badValue, "departure profile: times must increase (\(t) after \(last))", at: SourceLocation(file: source))
            }
            p.times.append(t); p.weights.append(w)
        }
        guard p.weights.contains(where: { $0 > 0 }) else {
            throw InputError(.badValue, "departure profile: at least one weight must be > 0", at: SourceLocation(file: source))
        }
        return p
    }
}
