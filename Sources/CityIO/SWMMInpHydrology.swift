import CityModel
import Foundation
import Geometry

// [OPTIONS], [RAINGAGES], [EVAPORATION], [SUBCATCHMENTS], [SUBAREAS], [INFILTRATION], [ADJUSTMENTS].
extension SWMMInpParser {
    mutating func readOptions() throws {
        var o = StormwaterOptions()
        var startDate: StormwaterDateTime?, startTime = 0.0, endDate: StormwaterDateTime?, endTime = 0.0
        var reportDate: StormwaterDateTime?, reportTime = 0.0
        var pending: [(InpLine, String)] = []
        for l in sections["OPTIONS"] ?? [] {
            let key = l.tokens[0].uppercased()
            guard l.tokens.count >= 2 else {
                if key == "TEMPDIR" { continue }
                throw tooFew(l, "option \(key) needs a value")
            }
            let v = l.tokens[1].uppercased()
            func pick<E: RawRepresentable & CaseIterable>(_ t: E.Type) throws -> E where E.RawValue == String {
                if let e = E.allCases.first(where: { $0.rawValue == v }) { return e }
                throw badKeyword(l.tokens[1], l, "option \(key)")
            }
            switch key {
            case "FLOW_UNITS": o.flowUnits = try pick(FlowUnits.self)
            case "INFILTRATION": o.infiltration = try pick(InfiltrationMethod.self)
            case "FLOW_ROUTING":
                o.flowRouting = v == "NONE" ? .steady : try pick(FlowRoutingMethod.self)
                if v == "NONE" { o.ignoreRouting = true }
            case "LINK_OFFSETS": o.linkOffsets = try pick(LinkOffsetConvention.self)
            case "FORCE_MAIN_EQUATION": o.forceMainEquation = try pick(ForceMainEquation.self)
            case "INERTIAL_DAMPING": o.inertialDamping = try pick(InertialDamping.self)
            case "NORMAL_FLOW_LIMITED": o.normalFlowLimited = try pick(NormalFlowLimitation.self)
            case "SURCHARGE_METHOD": o.surchargeMethod = try pick(SurchargeMethod.self)
            case "ALLOW_PONDING": o.allowPonding = try yesNo(l, 1, key)
            case "SKIP_STEADY_STATE": o.skipSteadyState = try yesNo(l, 1, key)
            case "IGNORE_RAINFALL": o.ignoreRainfall = try yesNo(l, 1, key)
            case "IGNORE_SNOWMELT": o.ignoreSnowmelt = try yesNo(l, 1, key)
            case "IGNORE_GROUNDWATER": o.ignoreGroundwater = try yesNo(l, 1, key)
            case "IGNORE_RDII": o.ignoreRDII = try yesNo(l, 1, key)
            case "IGNORE_ROUTING": o.ignoreRouting = try yesNo(l, 1, key)
            case "IGNORE_QUALITY": o.ignoreQuality = try yesNo(l, 1, key)
            case "START_DATE": startDate = try date(l, 1, key)
            case "START_TIME": startTime = try clock(l, 1, key)
            case "END_DATE": endDate = try date(l, 1, key)
            case "END_TIME": endTime = try clock(l, 1, key)
            case "REPORT_START_DATE": reportDate = try date(l, 1, key)
            case "REPORT_START_TIME": reportTime = try clock(l, 1, key)
            case "SWEEP_START", "SWEEP_END":
                let p = l.tokens[1].split(separator: "/").compactMap { Int($0) }
                guard p.count == 2, (1...12).contains(p[0]), (1...31).contains(p[1]) else {
                    throw fail(.badValue, 213, "invalid date '\(l.tokens[1])' for \(key)", line: l.number)
                }
                if key == "SWEEP_START" { o.sweepStart = p } else { o.sweepEnd = p }
            case "DRY_DAYS": o.dryDays = try number(l, 1, key)
            case "REPORT_STEP": o.reportStep = try clock(l, 1, key)
            case "WET_STEP": o.wetStep = try clock(l, 1, key)
            case "DRY_STEP": o.dryStep = try clock(l, 1, key)
            case "ROUTING_STEP":
                if let s = Self.parseNumber(l.tokens[1]) { o.routingStep = s } else { o.routingStep = try clock(l, 1, key) }
            case "RULE_STEP": o.ruleStep = try clock(l, 1, key)
            case "LENGTHENING_STEP": o.lengtheningStep = try number(l, 1, key)
            case "VARIABLE_STEP": o.variableStep = try number(l, 1, key)
            case "MINIMUM_STEP": o.minimumStep = try number(l, 1, key)
            case "THREADS": o.threads = max(1, Int(try number(l, 1, key)))
            case "MAX_TRIALS": o.maxTrials = Int(try number(l, 1, key))
            case "SYS_FLOW_TOL": o.systemFlowTolerance = try number(l, 1, key) / 100
            case "LAT_FLOW_TOL": o.lateralFlowTolerance = try number(l, 1, key) / 100
            case "MIN_SLOPE": o.minSlope = try number(l, 1, key) / 100
            // Length- and area-valued options need the flow units: converted below.
            case "HEAD_TOLERANCE", "MIN_SURFAREA": _ = try number(l, 1, key); pending.append((l, key))
            case "TEMPDIR", "COMPATIBILITY", "CONTROL_RULES", "SURCHARGE", "ROUTING_MODEL":
                o.other[key] = l.tokens[1...].joined(separator: " ")
            default: throw badKeyword(l.tokens[0], l, "[OPTIONS]")
            }
        }
        units = SWMMUnits(flowUnits: o.flowUnits)
        for (l, key) in pending {
            let v = try number(l, 1, key)
            if key == "HEAD_TOLERANCE" { o.headTolerance = v * si(.length) } else { o.minSurfaceArea = v * si(.area) }
        }
        let sd = startDate ?? o.start
        o.start = sd.adding(seconds: startTime)
        o.end = (endDate ?? sd).adding(seconds: endTime)
        o.reportStart = reportDate.map { $0.adding(seconds: reportTime) } ?? (reportTime > 0 ? sd.adding(seconds: reportTime) : o.start)
        project.options = o
    }

    mutating func readHydrology() throws {
        // Rain gages.
        for l in sections["RAINGAGES"] ?? [] {
            guard l.tokens.count >= 6 else { throw tooFew(l, "a rain gage needs a name, format, interval, catch factor and source") }
            guard let format = RainGage.Format(rawValue: l.tokens[1].uppercased()) else {
                throw badKeyword(l.tokens[1], l, "rain gage format (INTENSITY, VOLUME, CUMULATIVE)")
            }
            let interval = try clock(l, 2, "rain interval")
            guard interval > 0 else { throw fail(.badValue, 157, "rain gage interval must be positive", line: l.number) }
            let scf = try number(l, 3, "snow catch factor")
            let isMetric = units.flowUnits.isMetric
            let source: RainGage.Source
            var toSI = isMetric ? 1.0 : 25.4
            switch l.tokens[4].uppercased() {
            case "TIMESERIES":
                try require(.timeSeries, l.tokens[5], l)
                source = .timeSeries(l.tokens[5])
            case "FILE":
                guard l.tokens.count >= 8 else { throw tooFew(l, "a rain file needs a path, station ID and units") }
                let u = l.tokens[7].uppercased()
                guard u == "IN" || u == "MM" else { throw badKeyword(l.tokens[7], l, "rain file units (IN, MM)") }
                toSI = u == "IN" ? 25.4 : 1
                let path = resolvePath(l.tokens[5])
                source = .file(path: path, station: l.tokens[6], depthUnit: u)
                project.timeSeries.append(try readRainFile(path, station: l.tokens[6], gage: l.tokens[0], line: l))
            default: throw badKeyword(l.tokens[4], l, "rain gage source (TIMESERIES, FILE)")
            }
            project.rainGages.append(RainGage(id: l.tokens[0], format: format, interval: interval, snowCatchFactor: scf,
                                              source: source, toSI: toSI))
        }

        // Evaporation.
        var ev = Evaporation()
        let evSI = si(.evapRate)
        for l in sections["EVAPORATION"] ?? [] {
            let key = l.tokens[0].uppercased()
            switch key {
            case "CONSTANT": ev.source = .constant(try number(l, 1, "evaporation rate") * evSI)
            case "MONTHLY":
                guard l.tokens.count >= 13 else { throw tooFew(l, "MONTHLY evaporation needs 12 values") }
                ev.source = .monthly(try (1...12).map { try number(l, $0, "monthly evaporation") * evSI })
            case "TIMESERIES":
                guard l.tokens.count >= 2 else { throw tooFew(l, "TIMESERIES evaporation needs a series") }
                try require(.timeSeries, l.tokens[1], l)
                ev.source = .timeSeries(name: l.tokens[1], toSI: evSI)
            case "TEMPERATURE": ev.source = .temperature
            case "FILE": ev.source = .file(panCoefficients: try (1..<l.tokens.count).map { try number(l, $0, "pan coefficient") })
            case "RECOVERY":
                guard l.tokens.count >= 2 else { throw tooFew(l, "RECOVERY needs a pattern") }
                try require(.pattern, l.tokens[1], l)
                ev.recoveryPattern = l.tokens[1]
            case "DRY_ONLY": ev.dryOnly = try yesNo(l, 1, "DRY_ONLY")
            default: throw badKeyword(l.tokens[0], l, "[EVAPORATION]")
            }
        }
        project.evaporation = ev

        // Subcatchments.
        for l in sections["SUBCATCHMENTS"] ?? [] {
            guard l.tokens.count >= 8 else { throw tooFew(l, "a subcatchment needs name, gage, outlet, area, %imperv, width, %slope, curb length") }
            try require(.gage, l.tokens[1], l)
            if !defined(.node, l.tokens[2]) && !defined(.subcatchment, l.tokens[2]) {
                throw undefined(.node, l.tokens[2], l)
            }
            let area = try number(l, 3, "area"), imperv = try number(l, 4, "% impervious")
            let width = try number(l, 5, "width"), slope = try number(l, 6, "% slope"), curb = try number(l, 7, "curb length")
            guard area >= 0, (0...100).contains(imperv), width >= 0, slope >= 0, curb >= 0 else {
                throw fail(.badValue, 211, "subcatchment area, width, slope and curb length must not be negative and % impervious must be 0–100", line: l.number)
            }
            let outlet = defined(.node, l.tokens[2]) ? canonical(.node, l.tokens[2]) : canonical(.subcatchment, l.tokens[2])
            var s = Subcatchment(id: EntityID(l.tokens[0]), outlet: outlet, area: area * si(.landArea),
                                 width: width * si(.length), slope: slope / 100, imperviousness: imperv / 100)
            s.rainGauge = EntityID(canonical(.gage, l.tokens[1]))
            var extra = SubcatchmentRunoffInputs(curbLength: curb * si(.length))
            if l.tokens.count > 8, !l.tokens[8].isEmpty {
                try require(.snowpack, l.tokens[8], l)
                extra.snowPack = l.tokens[8]
            }
            project.subcatchmentRunoff[l.tokens[0]] = extra
            model.provenance[EntityRef(s)] = loc(l)
            model.subcatchments.append(s)
        }
        let subIndex = Dictionary(model.subcatchments.enumerated().map { ($1.id.rawValue.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        func sub(_ l: InpLine) throws -> Int {
            guard let i = subIndex[l.tokens[0].uppercased()] else { throw undefined(.subcatchment, l.tokens[0], l) }
            return i
        }

        // Sub-areas.
        let depthSI = si(.rainDepth)
        for l in sections["SUBAREAS"] ?? [] {
            let i = try sub(l)
            guard l.tokens.count >= 7 else { throw tooFew(l, "sub-areas need N-Imperv, N-Perv, S-Imperv, S-Perv, %Zero, RouteTo") }
            let v = try (1...5).map { try number(l, $0, "sub-area parameter") }
            guard v.allSatisfy({ $0 >= 0 }), v[4] <= 100 else {
                throw fail(.badValue, 211, "sub-area parameters must not be negative and %Zero must be 0–100", line: l.number)
            }
            var s = model.subcatchments[i]
            s.nImpervious = v[0]; s.nPervious = v[1]
            s.storageImpervious = v[2] * depthSI; s.storagePervious = v[3] * depthSI
            s.zeroStorageFraction = v[4] / 100
            model.subcatchments[i] = s
            guard let r = SubcatchmentRunoffInputs.InternalRouting(rawValue: l.tokens[6].uppercased()) else {
                throw badKeyword(l.tokens[6], l, "RouteTo (OUTLET, IMPERVIOUS, PERVIOUS)")
            }
            let pct = try optNumber(l, 7, "% routed", default: 100)
            guard (0...100).contains(pct) else { throw fail(.badValue, 211, "% routed must be 0–100", line: l.number) }
            let key = model.subcatchments[i].id.rawValue
            project.subcatchmentRunoff[key, default: SubcatchmentRunoffInputs()].internalRouting = r
            project.subcatchmentRunoff[key, default: SubcatchmentRunoffInputs()].fractionRouted = pct / 100
        }

        // Infiltration.
        for l in sections["INFILTRATION"] ?? [] {
            let i = try sub(l)
            var toks = l.tokens
            var method = project.options.infiltration
            if toks.count > 2, let m = InfiltrationMethod(rawValue: toks[toks.count - 1].uppercased()) { method = m; toks.removeLast() }
            let ll = InpLine(number: l.number, tokens: toks, raw: l.raw)
            let need = (method == .horton || method == .modifiedHorton) ? 5 : 4
            guard toks.count >= need else { throw tooFew(l, "\(method.rawValue) infiltration needs \(need - 1) parameters") }
            var x = try (1..<need).map { try number(ll, $0, "infiltration parameter") }
            if need == 5 { x.append(try optNumber(ll, 5, "max infiltration volume", default: 0)) }
            func invalid(_ why: String) -> InputError { fail(.badValue, 235, "invalid infiltration parameters: \(why)", line: l.number) }
            let rate = si(.rainfall), depth = si(.rainDepth)
            switch method {
            case .horton, .modifiedHorton:
                if x.contains(where: { $0 < 0 }) { throw invalid("Horton parameters must not be negative") }
                if x[1] > x[0] { throw invalid("minimum rate exceeds maximum rate") }
                let p = (maxRate: x[0] * rate, minRate: x[1] * rate, decay: x[2], dryTime: x[3], maxVolume: x[4] * depth)
                model.subcatchments[i].infiltration = method == .horton
                    ? .horton(maxRate: p.maxRate, minRate: p.minRate, decay: p.decay, dryTime: p.dryTime, maxVolume: p.maxVolume)
                    : .modifiedHorton(maxRate: p.maxRate, minRate: p.minRate, decay: p.decay, dryTime: p.dryTime, maxVolume: p.maxVolume)
            case .greenAmpt, .modifiedGreenAmpt:
                if x[0] < 0 || x[1] <= 0 || x[2] < 0 { throw invalid("suction and deficit must not be negative and conductivity must be positive") }
                if x[2] > 1 { throw invalid("initial moisture deficit \(x[2]) exceeds 1") }
                model.subcatchments[i].infiltration = method == .greenAmpt
                    ? .greenAmpt(suction: x[0] * depth, conductivity: x[1] * rate, initialDeficit: x[2])
                    : .modifiedGreenAmpt(suction: x[0] * depth, conductivity: x[1] * rate, initialDeficit: x[2])
            case .curveNumber:
                // SWMM clamps the curve number to 10–99 and requires a positive drying time.
                if x[2] <= 0 { throw invalid("drying time must be positive") }
                model.subcatchments[i].infiltration = .curveNumber(cn: x[0], conductivity: x[1] * rate, dryTime: x[2])
            }
        }

        // Monthly adjustments.
        var adj = MonthlyAdjustments()
        for l in sections["ADJUSTMENTS"] ?? [] {
            let key = l.tokens[0].uppercased()
            switch key {
            case "TEMPERATURE", "EVAPORATION", "RAINFALL", "CONDUCTIVITY":
                guard l.tokens.count >= 13 else { throw tooFew(l, "\(key) adjustments need 12 values") }
                let v = try (1...12).map { try number(l, $0, "\(key) adjustment") }
                switch key {
                case "TEMPERATURE": adj.temperature = v
                case "EVAPORATION": adj.evaporation = v.map { $0 * evSI }
                case "RAINFALL": adj.rainfall = v
                default: adj.conductivity = v
                }
            case "N-PERV", "DSTORE", "INFIL":
                guard l.tokens.count >= 3 else { throw tooFew(l, "\(key) needs a subcatchment and a pattern") }
                try require(.subcatchment, l.tokens[1], l)
                try require(.pattern, l.tokens[2], l)
                adj.subcatchmentPatterns[l.tokens[1], default: [:]][key] = l.tokens[2]
            default: throw badKeyword(l.tokens[0], l, "[ADJUSTMENTS]")
            }
        }
        project.adjustments = adj
    }

    /// A user-prepared rain file (SWMM's standard text format: `STATION YEAR MONTH DAY HOUR MINUTE VALUE`
    /// per line, `;` comments) read as the series `RAINFILE:<gage>` with times from the start (s).
    func readRainFile(_ path: String, station: String, gage: String, line: InpLine) throws -> TimeSeries {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail(.fileNotFound, 313, "cannot open rain file \(path)", line: line.number)
        }
        var ts = TimeSeries(name: "RAINFILE:" + gage, unit: "")
        var n = 0
        for raw in String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            n += 1
            let t = Self.tokenize(raw)
            if t.isEmpty || t[0].uppercased() != station.uppercased() { continue }
            let f = t.dropFirst().compactMap { Double($0) }
            guard t.count >= 7, f.count >= 6,
                  let d = StormwaterDateTime(year: Int(f[0]), month: Int(f[1]), day: Int(f[2]), hour: Int(f[3]), minute: Int(f[4])) else {
                throw InputError(.badValue, "invalid rain file entry (SWMM error 318)", at: SourceLocation(file: path, line: n))
            }
            let time = Double(d.seconds - project.options.start.seconds)
            if let last = ts.times.last, time <= last {
                throw InputError(.badValue, "rain file entries out of order (SWMM error 318)", at: SourceLocation(file: path, line: n))
            }
            ts.times.append(time); ts.values.append(f[5])
        }
        if ts.times.isEmpty {
            throw fail(.badValue, 315, "rain file \(path) has no data for station \(station)", line: line.number)
        }
        return ts
    }

    /// A path from the file, relative to the model file's folder.
    func resolvePath(_ p: String) -> String {
        if p.hasPrefix("/") { return p }
        return ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(p)
    }
}
