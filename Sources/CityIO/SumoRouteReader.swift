import CityModel
import Foundation
import Geometry

/// Reads SUMO demand files (`.rou.xml`): `<vType>` (also inside `<vTypeDistribution>`), named
/// `<route>`s, `<vehicle>`s with a route reference or an embedded route, `<trip>`s with `from`/`to`,
/// and `<flow>`s (`vehsPerHour`, `period` including `exp(λ)`, `number`, `probability`) expanded into
/// single vehicles named `flowID.k`. Departures are returned sorted by time (stable).
///
/// With `knownEdges`, every route edge and trip end is checked against the network. Unknown edges,
/// types or routes, and unsupported departures (`triggered`), are one `InputError` with file and line.
/// Persons and containers are not simulated; they are counted in `skipped`.
public enum SumoRouteReader {
    public struct Result: Sendable {
        public var demand: TravelDemand
        /// Elements that were read but are not simulated (e.g. `person`), with their counts.
        public var skipped: [String: Int]
    }

    public static func read(path: String, knownEdges: Set<String>? = nil) throws -> Result {
        try parse(bytes: try FileBytes.contents(of: path), file: path, knownEdges: knownEdges)
    }

    /// A per-vehicle factor as SUMO writes it: a number, `normc(mean,dev,min,max)` or `norm(mean,dev)`.
    public static func parseDistribution(_ s: String) -> FactorDistribution? {
        if let v = Double(s) { return FactorDistribution(mean: v, deviation: 0, min: v, max: v) }
        for prefix in ["normc(", "norm("] where s.hasPrefix(prefix) && s.hasSuffix(")") {
            let args = s.dropFirst(prefix.count).dropLast().split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard args.count >= 2 else { return nil }
            return FactorDistribution(mean: args[0], deviation: args[1], min: args.count > 2 ? args[2] : 0,
                                      max: args.count > 3 ? args[3] : .infinity)
        }
        return nil
    }

    public static func parse(bytes: [UInt8], file: String, knownEdges: Set<String>? = nil) throws -> Result {
        var sc = XMLScanner(bytes: bytes, file: file)
        var demand = TravelDemand()
        demand.source = file
        var skipped: [String: Int] = [:]
        var types: [String: Int] = [:]
        var routes: [String: [String]] = [:]
        var sawRoutes = false
        var open: XMLScanner.Element?            // the vehicle/flow/trip whose children we are reading
        var openRoute: [String]?
        var depth = 0, skipDepth = -1
        var flowSeed: UInt64 = 0x5EED
        func loc(_ l: Int) -> SourceLocation { SourceLocation(file: file, line: l) }

        func checkEdges(_ edges: [String], line: Int, owner: String) throws {
            guard !edges.isEmpty else { throw InputError(.badValue, "\(owner): empty route", at: loc(line)) }
            guard let known = knownEdges else { return }
            for e in edges where !known.contains(e) {
                throw InputError(.danglingReference, "\(owner): route uses unknown edge \(e)", at: loc(line))
            }
        }

        func makeTrip(_ el: XMLScanner.Element, id: String, depart: Double, route: [String]) throws -> TripSpec {
            let typeID = el.attr("type") ?? "DEFAULT_VEHTYPE"
            if types[typeID] == nil {
                guard typeID == "DEFAULT_VEHTYPE" else {
                    throw InputError(.danglingReference, "\(el.name) \(id): unknown vType \(typeID)", at: loc(el.line))
                }
                types[typeID] = demand.vehicleTypes.count
                demand.vehicleTypes.append(VehicleTypeSpec(id: typeID))
            }
            var t = TripSpec(id: id, type: typeID, depart: depart, route: route, from: el.attr("from"), to: el.attr("to"),
                             line: el.line)
            if let dl = el.attr("departLane") {
                switch dl {
                case "first": t.departLane = .first
                case "best": t.departLane = .best
                case "free": t.departLane = .free
                case "random": t.departLane = .random
                case "allowed": t.departLane = .allowed
                default:
                    guard let k = Int(dl), k >= 0 else { throw InputError(.badValue, "\(id): bad departLane \"\(dl)\"", at: loc(el.line)) }
                    t.departLane = .index(k)
                }
            }
            if let ds = el.attr("departSpeed") {
                switch ds {
                case "max": t.departSpeed = .max
                case "desired": t.departSpeed = .desired
                case "speedLimit": t.departSpeed = .speedLimit
                case "random": t.departSpeed = .random
                default:
                    guard let v = Double(ds), v >= 0 else { throw InputError(.badValue, "\(id): bad departSpeed \"\(ds)\"", at: loc(el.line)) }
                    t.departSpeed = .value(v)
                }
            }
            if let dp = el.attr("departPos"), let v = Double(dp) { t.departPos = v }
            if route.isEmpty {
                guard let f = t.from, let to = t.to else {
                    throw InputError(.missingField, "\(el.name) \(id): neither a route nor from/to", at: loc(el.line))
                }
                try checkEdges([f, to], line: el.line, owner: "\(el.name) \(id)")
            } else {
                try checkEdges(route, line: el.line, owner: "\(el.name) \(id)")
            }
            return t
        }

        func departTime(_ el: XMLScanner.Element, _ key: String = "depart") throws -> Double {
            let s = try el.required(key, file: file)
            guard let d = Double(s), d >= 0 else {
                throw InputError(.badValue, "\(el.name) \(el.attr("id") ?? "?"): \(key)=\"\(s)\" is not supported (need seconds ≥ 0)",
                                 at: loc(el.line))
            }
            return d
        }

        func finish(_ el: XMLScanner.Element, embedded: [String]?) throws {
            let id = try el.required("id", file: file)
            var route = embedded ?? []
            if route.isEmpty, let r = el.attr("route") {
                guard let rr = routes[r] else { throw InputError(.danglingReference, "\(el.name) \(id): unknown route \(r)", at: loc(el.line)) }
                route = rr
            }
            switch el.name {
            case "vehicle", "trip":
                demand.trips.append(try makeTrip(el, id: id, depart: try departTime(el), route: route))
            case "flow":
                let begin = try el.double("begin", file: file) ?? 0
                let end = try el.double("end", file: file) ?? 86400
                var departs: [Double] = []
                flowSeed = flowSeed &+ 0x9E37_79B9_7F4A_7C15
                var rng = flowSeed
                func uniform() -> Double { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Double(rng >> 11) * 0x1p-53 }
                if let vph = try el.double("vehsPerHour", file: file) {
                    guard vph > 0 else { throw InputError(.badValue, "flow \(id): vehsPerHour must be > 0", at: loc(el.line)) }
                    var t = begin
                    while t < end { departs.append(t); t += 3600 / vph }
                } else if let p = el.attr("period") {
                    if p.hasPrefix("exp("), p.hasSuffix(")"), let rate = Double(p.dropFirst(4).dropLast()), rate > 0 {
                        var t = begin
                        while true { t += -log(1 - uniform()) / rate; if t >= end { break }; departs.append(t) }
                    } else if let per = Double(p), per > 0 {
                        var t = begin
                        while t < end { departs.append(t); t += per }
                    } else { throw InputError(.badValue, "flow \(id): bad period \"\(p)\"", at: loc(el.line)) }
                } else if let n = try el.int("number", file: file) {
                    guard n > 0 else { throw InputError(.badValue, "flow \(id): number must be > 0", at: loc(el.line)) }
                    for k in 0..<n { departs.append(begin + Double(k) * (end - begin) / Double(n)) }
                } else if let p = try el.double("probability", file: file) {
                    var t = begin
                    while t < end { if uniform() < p { departs.append(t) }; t += 1 }
                } else {
                    throw InputError(.missingField, "flow \(id): needs vehsPerHour, period, number or probability", at: loc(el.line))
                }
                for (k, d) in departs.enumerated() {
                    demand.trips.append(try makeTrip(el, id: "\(id).\(k)", depart: d, route: route))
                }
            default: break
            }
        }

        while let ev = try sc.next() {
            switch ev {
            case .start(let el):
                depth += 1
                if skipDepth >= 0 { continue }
                switch el.name {
                case "routes": sawRoutes = true
                case "vType":
                    let id = try el.required("id", file: file)
                    var t = VehicleTypeSpec(id: id)
                    t.line = el.line
                    if let v = el.attr("vClass") { t.vClass = v }
                    if let m = el.attr("carFollowModel") {
                        guard let k = CarFollowModelKind(rawValue: m) else {
                            throw InputError(.badValue, "vType \(id): carFollowModel \(m) is not supported (Krauss, IDM)", at: loc(el.line))
                        }
                        t.carFollowModel = k
                    }
                    t.accel = try el.double("accel", file: file) ?? t.accel
                    t.decel = try el.double("decel", file: file) ?? t.decel
                    t.emergencyDecel = try el.double("emergencyDecel", file: file) ?? max(t.emergencyDecel, t.decel)
                    t.sigma = try el.double("sigma", file: file) ?? t.sigma
                    t.tau = try el.double("tau", file: file) ?? t.tau
                    t.length = try el.double("length", file: file) ?? t.length
                    t.minGap = try el.double("minGap", file: file) ?? t.minGap
                    t.maxSpeed = try el.double("maxSpeed", file: file) ?? t.maxSpeed
                    t.idmDelta = try el.double("delta", file: file) ?? t.idmDelta
                    if let sf = el.attr("speedFactor") {
                        guard let d = parseDistribution(sf) else {
                            throw InputError(.badValue, "vType \(id): bad speedFactor \"\(sf)\"", at: loc(el.line))
                        }
                        t.speedFactor = d
                    }
                    if let dev = try el.double("speedDev", file: file) { t.speedFactor.deviation = dev }
                    guard t.accel > 0, t.decel > 0, t.length > 0, t.maxSpeed > 0, t.tau > 0, (0...1).contains(t.sigma), t.minGap >= 0 else {
                        throw InputError(.badValue, "vType \(id): accel, decel, length, maxSpeed, tau must be > 0, sigma in [0,1], minGap ≥ 0",
                                         at: loc(el.line))
                    }
                    if let k = types[id] { demand.vehicleTypes[k] = t } else { types[id] = demand.vehicleTypes.count; demand.vehicleTypes.append(t) }
                case "route":
                    let edges = try el.required("edges", file: file).words
                    if open != nil { openRoute = edges; try checkEdges(edges, line: el.line, owner: "route") }
                    else if let id = el.attr("id") { try checkEdges(edges, line: el.line, owner: "route \(id)"); routes[id] = edges }
                case "vehicle", "flow", "trip":
                    if el.selfClosing { try finish(el, embedded: nil) } else { open = el; openRoute = nil }
                case "person", "personFlow", "container", "containerFlow":
                    skipped[el.name, default: 0] += 1
                    if !el.selfClosing { skipDepth = depth }
                default: break
                }
            case .end(let name, _):
                if skipDepth == depth { skipDepth = -1 }
                depth -= 1
                if skipDepth >= 0 { continue }
                if let o = open, o.name == name, !o.selfClosing {
                    try finish(o, embedded: openRoute)
                    open = nil; openRoute = nil
                }
            }
        }
        guard sawRoutes else { throw InputError(.unsupportedFormat, "not a SUMO route file (no <routes> element)", at: SourceLocation(file: file)) }
        demand.trips = demand.trips.enumerated().sorted { ($0.element.depart, $0.offset) < ($1.element.depart, $1.offset) }.map(\.element)
        return Result(demand: demand, skipped: skipped)
    }
}
