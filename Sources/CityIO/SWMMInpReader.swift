import CityModel
import Foundation
import Geometry

/// Reads EPA SWMM 5.2 input files (`.inp`) into a `CityModel` (drainage nodes and links,
/// subcatchments, rain gauges as sensors) with its `StormwaterProject` (options, rainfall, inflows,
/// curves, controls …).
///
/// Units are converted here and only here: CFS, GPM and MGD models use ft, acres, in and in/h; CMS,
/// LPS and MLD models use m, ha, mm and mm/h, as SWMM decides by the flow units. The model stores SI
/// (m, m², m³/s, mm, mm/h) and remembers the flow units in `options.flowUnits`.
///
/// The file is refused as SWMM 5.2 refuses it, with the file, line and SWMM's reason (its error
/// number is in the message): unknown section keywords (205), unknown option or keyword values
/// (205), undefined objects (209), duplicate names (207), bad numbers (211), bad dates and times
/// (213), too few items (203), invalid infiltration parameters (235), a start date not before the
/// end date (191), a report start after the end (193), a routing step longer than the report step
/// (195), and adverse conduit slopes under kinematic-wave routing (115).
///
/// A node's `maxDepth` of 0 is kept as a rim equal to the invert: SWMM then takes the node's full
/// depth from the highest crown of its links, and the engine must do the same.
public enum SWMMInp {
    /// Reads the file at `path`.
    public static func read(path: String) throws -> CityModel {
        let bytes = try FileBytes.contents(of: path)
        let text = String(decoding: bytes, as: UTF8.self)
        return try read(text: text, file: path)
    }

    /// Reads `.inp` text; `file` names it in messages and anchors relative paths of external files.
    public static func read(text: String, file: String) throws -> CityModel {
        var p = SWMMInpParser(file: file, text: text)
        return try p.parse()
    }
}

/// One data line of a section: its 1-based line number and its tokens (quotes removed).
struct InpLine {
    var number: Int
    var tokens: [String]
    var raw: String
}

/// Object kinds that SWMM names and cross-references.
enum InpObject: String {
    case gage = "rain gage", subcatchment, node, link, timeSeries = "time series", curve, pattern
    case transect, lid = "LID control", pollutant, landuse = "land use", aquifer, snowpack
    case unitHydrograph = "unit hydrograph", street, inlet
}

/// The parser's state: sections split into lines, object names by kind, and the result under construction.
struct SWMMInpParser {
    let file: String
    let text: String
    var model: CityModel
    var project = StormwaterProject()
    /// Data lines of each section keyword, in file order.
    var sections: [String: [InpLine]] = [:]
    /// Section keywords in the order they first appear.
    var sectionOrder: [String] = []
    /// Names of each kind of object (upper-cased, as SWMM compares them), with the line that defined them.
    var names: [InpObject: [String: (line: Int, name: String)]] = [:]
    var units = SWMMUnits(flowUnits: .cfs)

    /// SWMM 5.2's section keywords. A section header matches the first keyword it starts with
    /// (case-insensitive), as SWMM matches them, so `[RAINGAGE]` and `[RAINGAGES]` both name rain gages.
    static let sectionKeywords: [(prefix: String, name: String)] = [
        ("[TITLE", "TITLE"), ("[OPTION", "OPTIONS"), ("[FILE", "FILES"), ("[RAINGAGE", "RAINGAGES"),
        ("[TEMPERATURE", "TEMPERATURE"), ("[EVAP", "EVAPORATION"), ("[SUBCATCHMENT", "SUBCATCHMENTS"),
        ("[SUBAREA", "SUBAREAS"), ("[INFIL", "INFILTRATION"), ("[AQUIFER", "AQUIFERS"), ("[GROUNDWATER", "GROUNDWATER"),
        ("[SNOWPACK", "SNOWPACKS"), ("[JUNC", "JUNCTIONS"), ("[OUTFALL", "OUTFALLS"), ("[STORAGE", "STORAGE"),
        ("[DIVIDER", "DIVIDERS"), ("[CONDUIT", "CONDUITS"), ("[PUMP", "PUMPS"), ("[ORIFICE", "ORIFICES"),
        ("[WEIR", "WEIRS"), ("[OUTLET", "OUTLETS"), ("[XSECT", "XSECTIONS"), ("[TRANSECT", "TRANSECTS"),
        ("[LOSS", "LOSSES"), ("[CONTROL", "CONTROLS"), ("[POLLUT", "POLLUTANTS"), ("[LANDUSE", "LANDUSES"),
        ("[BUILDUP", "BUILDUP"), ("[WASHOFF", "WASHOFF"), ("[COVERAGE", "COVERAGES"), ("[INFLOW", "INFLOWS"),
        ("[DWF", "DWF"), ("[PATTERN", "PATTERNS"), ("[RDII", "RDII"), ("[HYDROGRAPH", "HYDROGRAPHS"),
        ("[LOADING", "LOADINGS"), ("[TREATMENT", "TREATMENT"), ("[CURVE", "CURVES"), ("[TIMESERIES", "TIMESERIES"),
        ("[REPORT", "REPORT"), ("[COORDINATE", "COORDINATES"), ("[VERTICES", "VERTICES"), ("[POLYGON", "POLYGONS"),
        ("[LABEL", "LABELS"), ("[SYMBOL", "SYMBOLS"), ("[BACKDROP", "BACKDROP"), ("[TAG", "TAGS"),
        ("[PROFILE", "PROFILES"), ("[MAP", "MAP"), ("[LID_CONTROL", "LID_CONTROLS"), ("[LID_USAGE", "LID_USAGE"),
        ("[GWF", "GWF"), ("[ADJUSTMENT", "ADJUSTMENTS"), ("[EVENT", "EVENTS"), ("[STREET", "STREETS"),
        ("[INLET_USAGE", "INLET_USAGE"), ("[INLET", "INLETS"),
    ]

    /// Sections whose first token names a new object of a kind (and the kind).
    static let definingSections: [String: InpObject] = [
        "RAINGAGES": .gage, "SUBCATCHMENTS": .subcatchment, "JUNCTIONS": .node, "OUTFALLS": .node,
        "STORAGE": .node, "DIVIDERS": .node, "CONDUITS": .link, "PUMPS": .link, "ORIFICES": .link,
        "WEIRS": .link, "OUTLETS": .link, "POLLUTANTS": .pollutant, "LANDUSES": .landuse, "AQUIFERS": .aquifer,
        "STREETS": .street,
    ]

    init(file: String, text: String) {
        self.file = file; self.text = text
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        model = CityModel(name: stem, crs: CRS("LOCAL:SWMM"))
    }

    // MARK: - Errors

    func fail(_ code: ErrorCode, _ swmm: Int, _ message: String, line: Int?) -> InputError {
        InputError(code, "\(message) (SWMM error \(swmm))", at: SourceLocation(file: file, line: line))
    }
    func undefined(_ kind: InpObject, _ name: String, _ line: InpLine) -> InputError {
        fail(.danglingReference, 209, "undefined \(kind.rawValue) '\(name)'", line: line.number)
    }
    func badNumber(_ tok: String, _ line: InpLine, _ what: String) -> InputError {
        fail(.badValue, 211, "invalid number '\(tok)' for \(what)", line: line.number)
    }
    func tooFew(_ line: InpLine, _ what: String) -> InputError {
        fail(.missingField, 203, "too few items: \(what)", line: line.number)
    }
    func badKeyword(_ tok: String, _ line: InpLine, _ what: String) -> InputError {
        fail(.badValue, 205, "invalid keyword '\(tok)' for \(what)", line: line.number)
    }

    // MARK: - Tokens

    /// Splits a line into tokens at blanks and tabs; double quotes group a token (`""` is an empty
    /// token); `;` starts a comment.
    static func tokenize(_ s: Substring) -> [String] {
        var out: [String] = [], cur = "", inQuote = false, hasTok = false
        for ch in s {
            if inQuote {
                if ch == "\"" { inQuote = false } else { cur.append(ch) }
                continue
            }
            switch ch {
            case "\"": inQuote = true; hasTok = true
            case ";": if hasTok { out.append(cur) }; return out
            case " ", "\t", "\r":
                if hasTok { out.append(cur); cur = ""; hasTok = false }
            default: cur.append(ch); hasTok = true
            }
        }
        if hasTok { out.append(cur) }
        return out
    }

    func number(_ line: InpLine, _ i: Int, _ what: String) throws -> Double {
        guard i < line.tokens.count else { throw tooFew(line, what) }
        guard let v = Self.parseNumber(line.tokens[i]) else { throw badNumber(line.tokens[i], line, what) }
        return v
    }
    func optNumber(_ line: InpLine, _ i: Int, _ what: String, default d: Double) throws -> Double {
        i < line.tokens.count ? try number(line, i, what) : d
    }
    static func parseNumber(_ s: String) -> Double? {
        guard let v = Double(s), v.isFinite else { return nil }
        return v
    }
    func yesNo(_ line: InpLine, _ i: Int, _ what: String, default d: Bool = false) throws -> Bool {
        guard i < line.tokens.count else { return d }
        switch line.tokens[i].uppercased() {
        case "YES", "ON", "TRUE": return true
        case "NO", "OFF", "FALSE": return false
        default: throw badKeyword(line.tokens[i], line, what)
        }
    }

    /// Whether `name` is defined as an object of `kind`.
    func defined(_ kind: InpObject, _ name: String) -> Bool { names[kind]?[name.uppercased()] != nil }
    func require(_ kind: InpObject, _ name: String, _ line: InpLine) throws {
        if !defined(kind, name) { throw undefined(kind, name, line) }
    }
    /// The spelling an object was defined with (SWMM compares names without regard to case).
    func canonical(_ kind: InpObject, _ name: String) -> String { names[kind]?[name.uppercased()]?.name ?? name }

    // MARK: - Passes

    mutating func parse() throws -> CityModel {
        try splitSections()
        try readOptions()
        try collectNames()
        try readHydrology()
        try readNetwork()
        try readForcing()
        try readFacilities()
        try readGeometry()
        readUnsimulated()
        try checkProject()
        project.controls.file = file
        model.stormwater = project
        return model
    }

    /// First pass: section headers (refusing unknown ones) and the data lines of each section.
    mutating func splitSections() throws {
        var current: String?
        var n = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            n += 1
            let toks = Self.tokenize(rawLine)
            guard let first = toks.first else { continue }
            if first.hasPrefix("[") {
                let upper = first.uppercased()
                guard let kw = Self.sectionKeywords.first(where: { upper.hasPrefix($0.prefix) }) else {
                    throw fail(.unknownSection, 205, "invalid keyword: unknown section \(first)", line: n)
                }
                current = kw.name
                if sections[kw.name] == nil { sections[kw.name] = []; sectionOrder.append(kw.name) }
                continue
            }
            guard let sect = current else {
                throw fail(.syntax, 200, "data before the first section header", line: n)
            }
            sections[sect, default: []].append(InpLine(number: n, tokens: toks, raw: String(rawLine)))
        }
    }

    /// Records object names, refusing duplicates within a kind (SWMM error 207).
    mutating func define(_ kind: InpObject, _ name: String, _ line: InpLine) throws {
        let key = name.uppercased()
        if let prev = names[kind]?[key] {
            throw fail(.duplicateID, 207, "duplicate \(kind.rawValue) name '\(name)' (first defined on line \(prev.line))", line: line.number)
        }
        names[kind, default: [:]][key] = (line.number, name)
    }

    mutating func collectNames() throws {
        for sect in sectionOrder {
            let lines = sections[sect] ?? []
            if let kind = Self.definingSections[sect] {
                for l in lines { try define(kind, l.tokens[0], l) }
            }
            switch sect {
            case "TIMESERIES", "CURVES", "PATTERNS", "LID_CONTROLS", "SNOWPACKS", "HYDROGRAPHS", "INLETS":
                let kind: InpObject = [
                    "TIMESERIES": .timeSeries, "CURVES": .curve, "PATTERNS": .pattern, "LID_CONTROLS": .lid,
                    "SNOWPACKS": .snowpack, "HYDROGRAPHS": .unitHydrograph, "INLETS": .inlet,
                ][sect]!
                var seen = Set<String>()
                for l in lines where !seen.contains(l.tokens[0].uppercased()) {
                    seen.insert(l.tokens[0].uppercased())
                    try define(kind, l.tokens[0], l)
                }
            case "TRANSECTS":
                for l in lines where l.tokens[0].uppercased() == "X1" && l.tokens.count > 1 {
                    try define(.transect, l.tokens[1], l)
                }
            default: break
            }
        }
        // SWMM requires one namespace across node types and across link types: checked by `define`.
    }

    /// Sections that are read for syntax and kept but not simulated.
    mutating func readUnsimulated() {
        for s in ["REPORT", "FILES", "MAP", "TAGS", "LABELS", "BACKDROP", "PROFILES", "POLLUTANTS", "LANDUSES",
                  "COVERAGES", "LOADINGS", "BUILDUP", "WASHOFF", "TREATMENT", "AQUIFERS", "GROUNDWATER", "GWF",
                  "SNOWPACKS", "TEMPERATURE", "EVENTS"] {
            if let lines = sections[s], !lines.isEmpty {
                project.unsimulatedSections[s] = lines.map { $0.tokens.joined(separator: " ") }
            }
        }
    }

    // MARK: - Dates and times

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    /// A date as SWMM writes them: M/D/Y (also with `-`), a month name (Jan-01-2000), or Y/M/D when the
    /// first field has four digits. Returns days since 1970-01-01 at midnight, as a date-time.
    static func parseDate(_ s: String) -> StormwaterDateTime? {
        let parts = s.split(whereSeparator: { $0 == "/" || $0 == "-" }).map(String.init)
        guard parts.count == 3 else { return nil }
        func month(_ t: String) -> Int? {
            if let m = Int(t) { return m }
            return monthNames.firstIndex(of: String(t.uppercased().prefix(3))).map { $0 + 1 }
        }
        var y: Int?, m: Int?, d: Int?
        if parts[0].count == 4, Int(parts[0]) != nil { y = Int(parts[0]); m = month(parts[1]); d = Int(parts[2]) }
        else { m = month(parts[0]); d = Int(parts[1]); y = Int(parts[2]) }
        guard var year = y, let mm = m, let dd = d else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        return StormwaterDateTime(year: year, month: mm, day: dd)
    }

    /// A time of day or a duration: H:M:S, H:M, or decimal hours. Returns seconds.
    static func parseClock(_ s: String) -> Double? {
        if s.contains(":") {
            let p = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard p.count == 2 || p.count == 3, let h = Int(p[0]), let m = Int(p[1]), h >= 0, (0..<60).contains(m) else { return nil }
            var sec = 0.0
            if p.count == 3 { guard let sv = Double(p[2]), sv >= 0, sv < 60 else { return nil }; sec = sv }
            return Double(h * 3600 + m * 60) + sec
        }
        guard let h = parseNumber(s), h >= 0 else { return nil }
        return h * 3600
    }

    func date(_ line: InpLine, _ i: Int, _ what: String) throws -> StormwaterDateTime {
        guard i < line.tokens.count else { throw tooFew(line, what) }
        guard let d = Self.parseDate(line.tokens[i]) else {
            throw fail(.badValue, 213, "invalid date '\(line.tokens[i])' for \(what)", line: line.number)
        }
        return d
    }
    func clock(_ line: InpLine, _ i: Int, _ what: String) throws -> Double {
        guard i < line.tokens.count else { throw tooFew(line, what) }
        guard let t = Self.parseClock(line.tokens[i]) else {
            throw fail(.badValue, 213, "invalid time '\(line.tokens[i])' for \(what)", line: line.number)
        }
        return t
    }

    /// Location of a line, for provenance.
    func loc(_ l: InpLine) -> SourceLocation { SourceLocation(file: file, line: l.number) }

    /// SI factor of a quantity in this file's units.
    func si(_ q: SWMMUnits.Quantity) -> Double { units.siPerFileUnit(q) }
}
