import CityModel
import Foundation
import Geometry

// [TIMESERIES], [CURVES], [PATTERNS], [INFLOWS], [DWF], [RDII], [HYDROGRAPHS], [LID_CONTROLS],
// [LID_USAGE], [CONTROLS], and the checks SWMM makes on the whole project.
extension SWMMInpParser {
    /// Whether a token is a calendar date rather than a time.
    static func looksLikeDate(_ s: String) -> Bool {
        s.contains("/") || (s.split(separator: "-").count == 3 && !s.hasPrefix("-")) || s.first.map { $0.isLetter } == true
    }

    mutating func readForcing() throws {
        let start = project.options.start
        // Time series: name, then (date time value | time value)… or FILE path.
        var series: [String: TimeSeries] = [:], order: [String] = []
        // A line without a date continues the date of the series' previous line.
        var lastDates: [String: StormwaterDateTime] = [:]
        for l in sections["TIMESERIES"] ?? [] {
            let key = l.tokens[0].uppercased()
            if series[key] == nil { series[key] = TimeSeries(name: l.tokens[0], unit: ""); order.append(key) }
            if l.tokens.count >= 3, l.tokens[1].uppercased() == "FILE" {
                let pairs = try readSeriesFile(resolvePath(l.tokens[2]), line: l)
                for (t, v) in pairs { try append(&series[key]!, t, v, l) }
                continue
            }
            var i = 1
            guard l.tokens.count >= 3 else { throw tooFew(l, "a time series line needs a time and a value") }
            var lastDate = lastDates[key]
            defer { lastDates[key] = lastDate }
            while i < l.tokens.count {
                var t: Double
                if Self.looksLikeDate(l.tokens[i]) {
                    let d = try date(l, i, "time series date")
                    lastDate = d
                    t = Double(d.seconds - start.seconds) + (try clock(l, i + 1, "time series time"))
                    i += 2
                } else if let d = lastDate {
                    t = Double(d.seconds - start.seconds) + (try clock(l, i, "time series time"))
                    i += 1
                } else {
                    t = try clock(l, i, "time series time")
                    i += 1
                }
                let v = try number(l, i, "time series value")
                i += 1
                try append(&series[key]!, t, v, l)
            }
        }
        project.timeSeries.append(contentsOf: order.map { series[$0]! })

        // Curves.
        var curves: [String: Curve] = [:], corder: [String] = []
        for l in sections["CURVES"] ?? [] {
            let key = l.tokens[0].uppercased()
            var i = 1
            if curves[key] == nil {
                guard l.tokens.count >= 2, let kind = Curve.Kind(rawValue: l.tokens[1].uppercased()) else {
                    throw badKeyword(l.tokens.count > 1 ? l.tokens[1] : "", l, "curve type")
                }
                curves[key] = Curve(name: l.tokens[0], kind: kind); corder.append(key); i = 2
            } else if l.tokens.count > 1, Curve.Kind(rawValue: l.tokens[1].uppercased()) != nil {
                i = 2
            }
            while i < l.tokens.count {
                let x = try number(l, i, "curve x"), y = try number(l, i + 1, "curve y")
                if let last = curves[key]!.x.last, x <= last, curves[key]!.kind != .control {
                    throw fail(.badValue, 171, "curve \(l.tokens[0]) has x values out of sequence", line: l.number)
                }
                curves[key]!.x.append(x); curves[key]!.y.append(y)
                i += 2
            }
        }
        let L = si(.length), A = si(.area), Q = si(.flow), V = si(.volume)
        project.curves = corder.map { k in
            var c = curves[k]!
            let (fx, fy): (Double, Double) = switch c.kind {
            case .storage: (L, A)
            case .shape, .control: (1, 1)
            case .diversion: (Q, Q)
            case .tidal: (1, L)
            case .pump1: (V, Q)
            case .pump2, .pump3, .pump4, .pump5, .rating: (L, Q)
            case .weir: (L, 1)
            }
            c.x = c.x.map { $0 * fx }; c.y = c.y.map { $0 * fy }
            return c
        }
        for i in model.drainageNodes.indices {
            guard case .string(let name)? = model.drainageNodes[i].attributes["storage_curve"] else { continue }
            if let c = project.curve(named: name) {
                model.drainageNodes[i].storage = .tabular(depths: c.x, areas: c.y)
            }
        }

        // Patterns.
        var pats: [String: TimePattern] = [:], porder: [String] = []
        for l in sections["PATTERNS"] ?? [] {
            let key = l.tokens[0].uppercased()
            var i = 1
            if pats[key] == nil {
                guard l.tokens.count >= 2, let kind = TimePattern.Kind(rawValue: l.tokens[1].uppercased()) else {
                    throw badKeyword(l.tokens.count > 1 ? l.tokens[1] : "", l, "pattern type (MONTHLY, DAILY, HOURLY, WEEKEND)")
                }
                pats[key] = TimePattern(name: l.tokens[0], kind: kind, factors: []); porder.append(key); i = 2
            }
            while i < l.tokens.count { pats[key]!.factors.append(try number(l, i, "pattern factor")); i += 1 }
            let n = [TimePattern.Kind.monthly: 12, .daily: 7, .hourly: 24, .weekend: 24][pats[key]!.kind]!
            if pats[key]!.factors.count > n { throw fail(.badValue, 211, "pattern \(l.tokens[0]) has more than \(n) factors", line: l.number) }
        }
        project.patterns = porder.map { k in
            var p = pats[k]!
            let n = [TimePattern.Kind.monthly: 12, .daily: 7, .hourly: 24, .weekend: 24][p.kind]!
            while p.factors.count < n { p.factors.append(1) }
            return p
        }

        // External inflows.
        for l in sections["INFLOWS"] ?? [] {
            guard l.tokens.count >= 3 else { throw tooFew(l, "an inflow needs a node, a constituent and a series") }
            try require(.node, l.tokens[0], l)
            let isFlow = l.tokens[1].uppercased() == "FLOW"
            if !isFlow { try require(.pollutant, l.tokens[1], l) }
            let ts = l.tokens[2].isEmpty ? nil : l.tokens[2]
            if let ts { try require(.timeSeries, ts, l) }
            let type = l.tokens.count > 3 ? l.tokens[3].uppercased() : (isFlow ? "FLOW" : "CONCEN")
            if isFlow && type != "FLOW" { throw badKeyword(l.tokens[3], l, "flow inflow type (FLOW)") }
            if !isFlow && type != "CONCEN" && type != "MASS" { throw badKeyword(l.tokens[3], l, "pollutant inflow type (CONCEN, MASS)") }
            let mf = try optNumber(l, 4, "units factor", default: 1), sf = try optNumber(l, 5, "scale factor", default: 1)
            let base = try optNumber(l, 6, "baseline", default: 0)
            var pat: String?
            if l.tokens.count > 7, !l.tokens[7].isEmpty { try require(.pattern, l.tokens[7], l); pat = l.tokens[7] }
            let cf = isFlow ? Q * mf : mf
            project.externalInflows.append(ExternalInflow(node: canonical(.node, l.tokens[0]), constituent: l.tokens[1], timeSeries: ts, type: type,
                                                          seriesToSI: cf, scale: sf, baseline: base * cf, baselinePattern: pat))
        }
        for l in sections["DWF"] ?? [] {
            guard l.tokens.count >= 3 else { throw tooFew(l, "a dry-weather flow needs a node, a constituent and an average") }
            try require(.node, l.tokens[0], l)
            let isFlow = l.tokens[1].uppercased() == "FLOW"
            if !isFlow { try require(.pollutant, l.tokens[1], l) }
            let avg = try number(l, 2, "average value")
            var pats: [String] = []
            for t in l.tokens.dropFirst(3) where !t.isEmpty { try require(.pattern, t, l); pats.append(t) }
            project.dryWeatherFlows.append(DryWeatherFlow(node: canonical(.node, l.tokens[0]), constituent: l.tokens[1],
                                                          average: isFlow ? avg * Q : avg, patterns: pats))
        }
        for l in sections["RDII"] ?? [] {
            guard l.tokens.count >= 3 else { throw tooFew(l, "RDII needs a node, a unit hydrograph group and an area") }
            try require(.node, l.tokens[0], l)
            try require(.unitHydrograph, l.tokens[1], l)
            project.rdiiInflows.append(RDIIInflow(node: canonical(.node, l.tokens[0]), unitHydrograph: l.tokens[1],
                                                  sewershedArea: try number(l, 2, "sewershed area") * si(.landArea)))
        }
        var groups: [String: UnitHydrographGroup] = [:], gorder: [String] = []
        for l in sections["HYDROGRAPHS"] ?? [] {
            let key = l.tokens[0].uppercased()
            if l.tokens.count == 2 {
                try require(.gage, l.tokens[1], l)
                if groups[key] == nil { gorder.append(key) }
                groups[key] = UnitHydrographGroup(name: l.tokens[0], rainGage: l.tokens[1])
                continue
            }
            guard groups[key] != nil else { throw fail(.syntax, 209, "unit hydrograph \(l.tokens[0]) has no rain gage line", line: l.number) }
            guard l.tokens.count >= 6 else { throw tooFew(l, "a unit hydrograph needs month, response, R, T and K") }
            let m = l.tokens[1].uppercased()
            let month = m == "ALL" ? 0 : (Self.monthNames.firstIndex(of: m).map { $0 + 1 } ?? -1)
            guard month >= 0 else { throw badKeyword(l.tokens[1], l, "unit hydrograph month") }
            let resp = l.tokens[2].uppercased()
            guard ["SHORT", "MEDIUM", "LONG"].contains(resp) else { throw badKeyword(l.tokens[2], l, "unit hydrograph response") }
            let d = si(.rainDepth)
            groups[key]!.hydrographs.append(.init(
                month: month, response: resp, r: try number(l, 3, "R"), t: try number(l, 4, "T") * 3600, k: try number(l, 5, "K"),
                maxAbstraction: try optNumber(l, 6, "Dmax", default: 0) * d, recoveryRate: try optNumber(l, 7, "Drec", default: 0) * d,
                initialAbstraction: try optNumber(l, 8, "D0", default: 0) * d))
        }
        project.unitHydrographs = gorder.map { groups[$0]! }
    }

    mutating func append(_ ts: inout TimeSeries, _ t: Double, _ v: Double, _ l: InpLine) throws {
        if let last = ts.times.last, t <= last {
            throw fail(.badValue, 173, "time series \(ts.name) is out of sequence at time \(t / 3600) h", line: l.number)
        }
        ts.times.append(t); ts.values.append(v)
    }

    /// An external time-series file: lines of `[date] time value` (`;` comments).
    func readSeriesFile(_ path: String, line: InpLine) throws -> [(Double, Double)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail(.fileNotFound, 317, "cannot open time series file \(path)", line: line.number)
        }
        var out: [(Double, Double)] = []
        var n = 0
        for raw in String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            n += 1
            let toks = Self.tokenize(raw)
            if toks.isEmpty { continue }
            let l = InpLine(number: n, tokens: toks, raw: String(raw))
            func bad() -> InputError { InputError(.badValue, "invalid time series entry (SWMM error 213)", at: SourceLocation(file: path, line: n)) }
            if toks.count >= 3, Self.looksLikeDate(toks[0]) {
                guard let d = Self.parseDate(toks[0]), let c = Self.parseClock(toks[1]), let v = Self.parseNumber(toks[2]) else { throw bad() }
                out.append((Double(d.seconds - project.options.start.seconds) + c, v))
            } else if toks.count >= 2 {
                guard let c = Self.parseClock(toks[0]), let v = Self.parseNumber(toks[1]) else { throw bad() }
                out.append((c, v))
            } else { _ = l; throw bad() }
        }
        return out
    }

    mutating func readFacilities() throws {
        let d = si(.rainDepth), r = si(.rainfall)
        var lids: [String: LIDControl] = [:], order: [String] = []
        for l in sections["LID_CONTROLS"] ?? [] {
            let key = l.tokens[0].uppercased()
            guard l.tokens.count >= 2 else { throw tooFew(l, "an LID line needs a type or a layer") }
            if lids[key] == nil {
                guard let kind = LIDControl.Kind(rawValue: l.tokens[1].uppercased()) else { throw badKeyword(l.tokens[1], l, "LID type") }
                lids[key] = LIDControl(name: l.tokens[0], kind: kind); order.append(key)
                continue
            }
            func v(_ i: Int, _ what: String, _ def: Double? = nil) throws -> Double {
                if let def { return try optNumber(l, i, what, default: def) }
                return try number(l, i, what)
            }
            switch l.tokens[1].uppercased() {
            case "SURFACE":
                lids[key]!.surface = .init(bermHeight: try v(2, "berm height") * d, vegetationFraction: try v(3, "vegetation fraction"),
                                           roughness: try v(4, "surface roughness"), slope: try v(5, "surface slope") / 100,
                                           sideSlope: try v(6, "side slope", 0))
            case "SOIL":
                lids[key]!.soil = .init(thickness: try v(2, "soil thickness") * d, porosity: try v(3, "porosity"),
                                        fieldCapacity: try v(4, "field capacity"), wiltingPoint: try v(5, "wilting point"),
                                        conductivity: try v(6, "conductivity") * r, conductivitySlope: try v(7, "conductivity slope"),
                                        suction: try v(8, "suction head") * d)
            case "PAVEMENT":
                lids[key]!.pavement = .init(thickness: try v(2, "pavement thickness") * d, voidRatio: try v(3, "void ratio"),
                                            imperviousFraction: try v(4, "impervious fraction"), permeability: try v(5, "permeability") * r,
                                            cloggingFactor: try v(6, "clogging factor", 0), regenerationDays: try v(7, "regeneration interval", 0),
                                            regenerationFraction: try v(8, "regeneration fraction", 0))
            case "STORAGE":
                lids[key]!.storage = .init(height: try v(2, "storage height") * d, voidRatio: try v(3, "void ratio"),
                                           seepageRate: try v(4, "seepage rate") * r, cloggingFactor: try v(5, "clogging factor", 0),
                                           covered: try yesNo(l, 6, "covered", default: true))
            case "DRAIN":
                var curve: String?
                if l.tokens.count > 8, !l.tokens[8].isEmpty { try require(.curve, l.tokens[8], l); curve = l.tokens[8] }
                // Drain coefficient: q (in/h or mm/h) = C·h^η with h in in or mm; in SI, C·25.4^(1−η) for US files.
                let expo = try v(3, "drain exponent")
                lids[key]!.drain = .init(coefficient: try v(2, "drain coefficient") * pow(d, 1 - expo), exponent: expo,
                                         offset: try v(4, "drain offset") * d, delay: try v(5, "drain delay", 0) * 3600,
                                         openHead: try v(6, "open head", 0) * d, closeHead: try v(7, "close head", 0) * d, controlCurve: curve)
            case "DRAINMAT":
                lids[key]!.drainageMat = .init(thickness: try v(2, "mat thickness") * d, voidFraction: try v(3, "void fraction"),
                                               roughness: try v(4, "mat roughness"))
            case "REMOVALS":
                var i = 2
                while i + 1 < l.tokens.count {
                    try require(.pollutant, l.tokens[i], l)
                    lids[key]!.removals[l.tokens[i]] = try number(l, i + 1, "removal") / 100
                    i += 2
                }
            default: throw badKeyword(l.tokens[1], l, "LID layer")
            }
        }
        project.lidControls = order.map { lids[$0]! }
        let A = si(.length) * si(.length)
        for l in sections["LID_USAGE"] ?? [] {
            guard l.tokens.count >= 8 else { throw tooFew(l, "LID usage needs subcatchment, LID, number, area, width, %sat, %imperv, to-pervious") }
            try require(.subcatchment, l.tokens[0], l)
            try require(.lid, l.tokens[1], l)
            var drainTo: String?
            if l.tokens.count > 9, !l.tokens[9].isEmpty, l.tokens[9] != "*" {
                if !defined(.node, l.tokens[9]) && !defined(.subcatchment, l.tokens[9]) { throw undefined(.node, l.tokens[9], l) }
                drainTo = defined(.node, l.tokens[9]) ? canonical(.node, l.tokens[9]) : canonical(.subcatchment, l.tokens[9])
            }
            let report = l.tokens.count > 8 && !l.tokens[8].isEmpty && l.tokens[8] != "*" ? l.tokens[8] : nil
            project.lidUsage.append(LIDUsage(
                subcatchment: canonical(.subcatchment, l.tokens[0]), control: canonical(.lid, l.tokens[1]), count: Int(try number(l, 2, "number of units")),
                unitArea: try number(l, 3, "unit area") * A, unitWidth: try number(l, 4, "unit width") * si(.length),
                initialSaturation: try number(l, 5, "% initially saturated") / 100,
                fromImpervious: try number(l, 6, "% impervious area treated") / 100,
                fromPervious: try optNumber(l, 10, "% pervious area treated", default: 0) / 100,
                toPervious: try number(l, 7, "to pervious") != 0, reportFile: report, drainTo: drainTo))
        }

        // Control rules: kept as written; object references are checked here as SWMM does when it reads them.
        var rules = ControlRules()
        let kinds: [String: InpObject] = ["NODE": .node, "LINK": .link, "CONDUIT": .link, "PUMP": .link, "ORIFICE": .link,
                                          "WEIR": .link, "OUTLET": .link, "SUBCATCHMENT": .subcatchment, "GAGE": .gage]
        for l in sections["CONTROLS"] ?? [] {
            rules.lines.append(.init(number: l.number, text: l.tokens.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " ")))
            let head = l.tokens[0].uppercased()
            guard ["IF", "AND", "OR", "THEN", "ELSE"].contains(head), l.tokens.count >= 3 else { continue }
            if let kind = kinds[l.tokens[1].uppercased()] { try require(kind, l.tokens[2], l) }
        }
        project.controls = rules
        for k in project.adjustments.subcatchmentPatterns.keys where !defined(.subcatchment, k) {
            throw fail(.danglingReference, 209, "undefined subcatchment '\(k)' in [ADJUSTMENTS]", line: nil)
        }
    }

    /// Checks SWMM makes on the whole project once it is read.
    func checkProject() throws {
        let o = project.options
        let optLine = sections["OPTIONS"]?.first?.number
        if o.start >= o.end {
            throw fail(.badValue, 191, "simulation start date \(o.start) comes after ending date \(o.end)", line: optLine)
        }
        if o.reportStart > o.end {
            throw fail(.badValue, 193, "report start date \(o.reportStart) comes after ending date", line: optLine)
        }
        if o.reportStep <= 0 || o.wetStep <= 0 || o.dryStep <= 0 || o.routingStep <= 0 {
            throw fail(.badValue, 195, "time steps must be positive", line: optLine)
        }
        if o.routingStep > o.reportStep {
            throw fail(.badValue, 195, "routing step \(o.routingStep) s exceeds the report step \(o.reportStep) s", line: optLine)
        }
        // Kinematic wave cannot route up an adverse slope (SWMM error 115).
        if o.flowRouting == .kinematicWave {
            let inv = Dictionary(model.drainageNodes.map { ($0.id, $0.invert) }, uniquingKeysWith: { a, _ in a })
            for k in model.drainageLinks where k.kind == .conduit {
                guard let a = inv[k.from], let b = inv[k.to] else { continue }
                let drop = (a + k.inletOffset) - (b + k.outletOffset)
                if drop < 0 {
                    throw InputError(.implausibleValue, "adverse slope for conduit \(k.id) under kinematic-wave routing: its outlet is \(-drop) m above its inlet (SWMM error 115)",
                                     at: model.provenance[EntityRef(k)] ?? SourceLocation(file: file))
                }
            }
        }
    }
}
