import CityModel
import Geometry
import Foundation

/// SWMM 5.2 rule-based controls (`controls.c`): parsed from the rule text with its line numbers
/// and evaluated every routing step (or every RULE_STEP).
///
/// Grammar: `RULE name`, `IF premise`, `AND premise`, `OR premise`, `THEN action`, `AND action`,
/// `ELSE action`, `PRIORITY p`, and `VARIABLE name = object id attribute`. A premise compares
/// `NODE|LINK|CONDUIT|PUMP|ORIFICE|WEIR|OUTLET id attribute` or `SIMULATION TIME|CLOCKTIME|MONTH|DAY|DAYOFYEAR`
/// with a number, a state word (ON, OFF, OPEN, CLOSED), a time (h:m[:s]) or another variable. An
/// action sets a link's `STATUS` or `SETTING` to a value, `CURVE name` (of the rule's first premise
/// variable) or `TIMESERIES name`. Premises combine left to right (an OR is only looked at while
/// the result is false); when two rules act on one link, the higher priority wins, the earlier rule
/// on a tie. Values are in the model's own units (ft or m, its flow units).
public struct ControlRuleEngine: Sendable {
    enum Attribute: Sendable {
        case nodeDepth(Int), nodeMaxDepth(Int), nodeHead(Int), nodeVolume(Int), nodeInflow(Int)
        case linkFlow(Int), linkFullFlow(Int), linkDepth(Int), linkFullDepth(Int), linkStatus(Int), linkSetting(Int)
        case simTime, clockTime, month, day, dayOfYear
        case constant(Double)
    }
    enum Relation: Sendable { case eq, ne, lt, le, gt, ge }
    struct Premise: Sendable { var or: Bool; var lhs: Attribute; var rel: Relation; var rhs: Attribute }
    enum SettingSource: Sendable { case value(Double), curve(Table), series(Table) }
    struct Action: Sendable { var link: Int; var source: SettingSource }
    struct Rule: Sendable {
        var name: String
        var premises: [Premise] = []
        var then: [Action] = []
        var otherwise: [Action] = []
        var priority = 0.0
    }

    var rules: [Rule] = []
    /// Conversions from internal units to the model's (length, flow, volume).
    let lengthOut: Double, flowOut: Double, volumeOut: Double
    let start: StormwaterDateTime

    public var isEmpty: Bool { rules.isEmpty }

    /// Parses the project's control rules against the compiled network.
    /// - Throws: `InputError` `.syntax` naming the file and line of the first malformed line, or
    ///   `.danglingReference` for an unknown node, link, curve or series.
    public init(project: StormwaterProject, network: RoutingNetwork) throws {
        let u = project.units
        lengthOut = u.toFileUnits(1, .length); flowOut = u.toFileUnits(1, .flow); volumeOut = u.toFileUnits(1, .volume)
        start = project.options.start
        let file = project.controls.file
        var variables: [String: Attribute] = [:]
        var current: Rule? = nil
        enum Clause { case none, premise, then, otherwise }
        var clause = Clause.none
        func err(_ line: Int, _ msg: String, _ code: ErrorCode = .syntax) -> InputError {
            InputError(code, msg, at: SourceLocation(file: file, line: line))
        }
        func attribute(_ t: [String], _ k: inout Int, line: Int) throws -> Attribute {
            guard k < t.count else { throw err(line, "incomplete rule clause") }
            let obj = t[k].uppercased()
            if let v = variables[t[k].uppercased()], obj != "SIMULATION" { k += 1; return v }
            if let num = Self.number(t[k]) { k += 1; return .constant(num) }
            switch obj {
            case "ON", "OPEN": k += 1; return .constant(1)
            case "OFF", "CLOSED": k += 1; return .constant(0)
            case "SIMULATION":
                guard k + 1 < t.count else { throw err(line, "SIMULATION needs an attribute") }
                let a = t[k + 1].uppercased(); k += 2
                switch a {
                case "TIME": return .simTime
                case "CLOCKTIME": return .clockTime
                case "MONTH": return .month
                case "DAY": return .day
                case "DAYOFYEAR": return .dayOfYear
                default: throw err(line, "unknown SIMULATION attribute \(a)")
                }
            case "NODE":
                guard k + 2 < t.count else { throw err(line, "NODE needs an ID and an attribute") }
                guard let i = network.nodeIndex[t[k + 1]] else { throw err(line, "unknown node \(t[k + 1])", .danglingReference) }
                let a = t[k + 2].uppercased(); k += 3
                switch a {
                case "DEPTH": return .nodeDepth(i)
                case "MAXDEPTH": return .nodeMaxDepth(i)
                case "HEAD": return .nodeHead(i)
                case "VOLUME": return .nodeVolume(i)
                case "INFLOW": return .nodeInflow(i)
                default: throw err(line, "unknown node attribute \(a)")
                }
            case "LINK", "CONDUIT", "PUMP", "ORIFICE", "WEIR", "OUTLET":
                guard k + 2 < t.count else { throw err(line, "\(obj) needs an ID and an attribute") }
                guard let j = network.linkIndex[t[k + 1]] else { throw err(line, "unknown link \(t[k + 1])", .danglingReference) }
                let a = t[k + 2].uppercased(); k += 3
                switch a {
                case "FLOW": return .linkFlow(j)
                case "FULLFLOW": return .linkFullFlow(j)
                case "DEPTH": return .linkDepth(j)
                case "FULLDEPTH": return .linkFullDepth(j)
                case "STATUS": return .linkStatus(j)
                case "SETTING": return .linkSetting(j)
                default: throw err(line, "unknown link attribute \(a)")
                }
            default:
                if let tv = Self.time(t[k]) { k += 1; return .constant(tv) }
                throw err(line, "unknown object \(t[k])")
            }
        }
        func action(_ t: [String], line: Int, rule: Rule) throws -> Action {
            // <object> <id> STATUS|SETTING = <value>
            guard t.count >= 5, t[3] == "=" else { throw err(line, "an action reads: object ID STATUS|SETTING = value") }
            guard let j = network.linkIndex[t[1]] else { throw err(line, "unknown link \(t[1])", .danglingReference) }
            let v = t[4].uppercased()
            switch v {
            case "ON", "OPEN": return Action(link: j, source: .value(1))
            case "OFF", "CLOSED": return Action(link: j, source: .value(0))
            case "CURVE":
                guard t.count > 5, let c = network.curves[t[5].uppercased()] else { throw err(line, "unknown control curve", .danglingReference) }
                return Action(link: j, source: .curve(c))
            case "TIMESERIES":
                guard t.count > 5, let s = network.series[t[5].uppercased()] else { throw err(line, "unknown time series", .danglingReference) }
                return Action(link: j, source: .series(s))
            case "PID": throw err(line, "PID control actions are not supported yet", .unsupportedFormat)
            default:
                guard let num = Self.number(t[4]) else { throw err(line, "bad setting value \(t[4])") }
                return Action(link: j, source: .value(num))
            }
        }
        for l in project.controls.lines {
            let t = Self.tokens(l.text)
            guard let key = t.first?.uppercased() else { continue }
            switch key {
            case "RULE":
                if let r = current { rules.append(r) }
                guard t.count >= 2 else { throw err(l.number, "RULE needs a name") }
                current = Rule(name: t[1]); clause = .none
            case "VARIABLE":
                guard t.count >= 5, t[2] == "=" else { throw err(l.number, "VARIABLE reads: VARIABLE name = object ID attribute") }
                var k = 3
                variables[t[1].uppercased()] = try attribute(t, &k, line: l.number)
            case "IF", "AND", "OR", "THEN", "ELSE":
                guard current != nil else { throw err(l.number, "\(key) outside a RULE") }
                if key == "THEN" { clause = .then } else if key == "ELSE" { clause = .otherwise }
                else if key == "IF" { clause = .premise }
                else if key == "OR" && clause != .premise { throw err(l.number, "OR after THEN/ELSE") }
                let body = Array(t.dropFirst())
                if clause == .premise {
                    var k = 0
                    let lhs = try attribute(body, &k, line: l.number)
                    guard k < body.count, let rel = Self.relation(body[k]) else { throw err(l.number, "missing comparison operator") }
                    k += 1
                    let rhs = try attribute(body, &k, line: l.number)
                    current!.premises.append(Premise(or: key == "OR", lhs: lhs, rel: rel, rhs: rhs))
                } else {
                    let a = try action(body, line: l.number, rule: current!)
                    if clause == .then { current!.then.append(a) } else { current!.otherwise.append(a) }
                }
            case "PRIORITY":
                guard current != nil, t.count >= 2, let p = Self.number(t[1]) else { throw err(l.number, "PRIORITY needs a number") }
                current!.priority = p
            default:
                throw err(l.number, "unknown control keyword \(t[0])")
            }
        }
        if let r = current { rules.append(r) }
        for r in rules where r.premises.isEmpty || r.then.isEmpty {
            throw InputError(.syntax, "rule \(r.name) needs IF and THEN clauses", at: SourceLocation(file: file, feature: r.name))
        }
    }

    static func tokens(_ s: String) -> [String] {
        var out: [String] = []
        for w in s.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            var w = String(w)
            if w.hasPrefix(";") { break }
            // Split operators glued to words (DEPTH>=4).
            let ops = ["<>", ">=", "<=", "=", "<", ">"]
            for op in ops where !ops.contains(w) && w.contains(op) {
                let parts = w.components(separatedBy: op)
                out.append(contentsOf: parts.dropLast().flatMap { [$0, op] }.filter { !$0.isEmpty })
                w = parts.last ?? ""
                break
            }
            if !w.isEmpty { out.append(w) }
        }
        return out
    }

    static func number(_ s: String) -> Double? { Double(s) }

    /// h:m[:s] in hours.
    static func time(_ s: String) -> Double? {
        let p = s.split(separator: ":").map { Double($0) }
        guard p.count >= 2, p.allSatisfy({ $0 != nil }) else { return nil }
        return p[0]! + p[1]! / 60 + (p.count > 2 ? p[2]! / 3600 : 0)
    }

    static func relation(_ s: String) -> Relation? {
        switch s { case "=": .eq; case "<>": .ne; case "<": .lt; case "<=": .le; case ">": .gt; case ">=": .ge; default: nil }
    }

    func value(_ a: Attribute, _ r: FlowRouter, time t: Double) -> Double {
        let net = r.net
        switch a {
        case .nodeDepth(let i): return r.newDepth[i] * lengthOut
        case .nodeMaxDepth(let i): return net.fullDepth[i] * lengthOut
        case .nodeHead(let i): return (r.newDepth[i] + net.invert[i]) * lengthOut
        case .nodeVolume(let i): return r.newVolume[i] * volumeOut
        case .nodeInflow(let i): return r.inflow[i] * flowOut
        case .linkFlow(let j): return r.newFlow[j] * net.direction[j] * flowOut
        case .linkFullFlow(let j): return net.conduit[j].qFull * net.barrels[j] * flowOut
        case .linkDepth(let j): return r.linkNewDepth[j] * lengthOut
        case .linkFullDepth(let j): return net.xsect[j].yFull * lengthOut
        case .linkStatus(let j): return r.setting[j] > 0 ? 1 : 0
        case .linkSetting(let j): return r.setting[j]
        case .simTime: return t / 3600
        case .clockTime: return Double(start.adding(seconds: t).secondOfDay) / 3600
        case .month: return Double(start.adding(seconds: t).month)
        case .day: return Double(start.adding(seconds: t).dayOfWeek)
        case .dayOfYear: return Double(start.adding(seconds: t).dayOfYear)
        case .constant(let v): return v
        }
    }

    /// Evaluates every rule at elapsed time t (s) and sets the target settings of the links they act
    /// on; returns how many links received an action.
    @discardableResult
    func evaluate(_ r: inout FlowRouter, time t: Double) -> Int {
        var chosen: [Int: (priority: Double, value: Double)] = [:]
        var order: [Int] = []
        for rule in rules {
            var result = true
            for p in rule.premises {
                if p.or { if !result { result = holds(p, r, t) } }
                else { if !result { break }; result = holds(p, r, t) }
            }
            let actions = result ? rule.then : rule.otherwise
            for a in actions {
                let v: Double
                switch a.source {
                case .value(let x): v = x
                case .curve(let c): v = c.lookup(value(rule.premises[0].lhs, r, time: t))
                case .series(let s): v = s.lookup(t)
                }
                if let old = chosen[a.link] {
                    if rule.priority > old.priority { chosen[a.link] = (rule.priority, v) }
                } else { chosen[a.link] = (rule.priority, v); order.append(a.link) }
            }
        }
        for j in order { r.targetSetting[j] = chosen[j]!.value }
        return order.count
    }

    private func holds(_ p: Premise, _ r: FlowRouter, _ t: Double) -> Bool {
        let a = value(p.lhs, r, time: t), b = value(p.rhs, r, time: t)
        switch p.rel {
        case .eq: return a == b
        case .ne: return a != b
        case .lt: return a < b
        case .le: return a <= b
        case .gt: return a > b
        case .ge: return a >= b
        }
    }
}
