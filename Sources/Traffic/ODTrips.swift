import CityModel
import Geometry
import SimCore

/// Expands origin–destination demand into routed trips (as SUMO's `od2trips` followed by routing):
///
/// 1. **Counts over time.** Each cell's vehicles over its matrix window [begin, end) are shared
///    among the pieces of the `DemandProfile` (weight × overlap) by largest remainders, so a
///    cell's count is kept exactly; within a piece the k vehicles depart at a + j·(b − a)/k.
/// 2. **Zone to edge.** With zones, each vehicle's start edge is drawn from the origin zone's
///    sources and its end edge from the destination zone's sinks, with probabilities ∝ weight, on
///    a random stream derived from the seed, the matrix and the cell (deterministic).
/// 3. **Route.** The fastest free-flow route (`Router`), cached per edge pair. A pair without a
///    path is redrawn (up to 20 times), then refused with the cell's file and line.
public enum ODTrips {
    public struct Result: Sendable {
        /// The trips with routes, sorted by departure (stable).
        public var trips: [TripSpec]
        /// Vehicles per matrix cell, as expanded (for the conservation check).
        public var perCell: [[Int]]
    }

    /// Shares `n` vehicles among `masses` (≥ 0) in proportion by largest remainders (ties: earlier first).
    public static func apportion(_ n: Int, _ masses: [Double]) -> [Int] {
        let total = masses.reduce(0, +)
        guard n > 0, total > 0 else {
            var out = Array(repeating: 0, count: masses.count)
            if n > 0, !out.isEmpty { out[0] = n }
            return out
        }
        let exact = masses.map { Double(n) * $0 / total }
        var out = exact.map { Int($0.rounded(.down)) }
        var left = n - out.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - Double(out[$0]), -$0) > (exact[$1] - Double(out[$1]), -$1) }
        var k = 0
        while left > 0 { out[order[k % order.count]] += 1; left -= 1; k += 1 }
        return out
    }

    /// The departure times (s) of `n` vehicles over [begin, end) under `profile`.
    public static func departures(_ n: Int, begin: Double, end: Double, profile: DemandProfile) -> [Double] {
        var pieces = profile.pieces(begin: begin, end: end)
        if pieces.allSatisfy({ $0.mass <= 0 }) { pieces = [(begin, end, end - begin)] }   // no weight in the window: uniform
        let share = apportion(n, pieces.map(\.mass))
        var out: [Double] = []
        out.reserveCapacity(n)
        for (p, k) in zip(pieces, share) where k > 0 {
            let h = (p.end - p.begin) / Double(k)
            for j in 0..<k { out.append(p.begin + Double(j) * h) }
        }
        return out
    }

    static func pick(_ edges: [WeightedEdge], _ rng: inout SeededRNG) -> String {
        let total = edges.reduce(0) { $0 + $1.weight }
        var u = rng.nextDouble() * total
        for e in edges { u -= e.weight; if u < 0 { return e.edge } }
        return edges[edges.count - 1].edge
    }

    /// Routed trips of `od` on `graph`, of vehicle type `type`.
    /// - Throws: `InputError` naming the matrix file and cell line for an unknown edge or zone, or
    ///   an origin–destination pair without a path.
    public static func expand(_ od: ODDemand, graph: RoadGraph, profile: DemandProfile = .uniform, type: String = "DEFAULT_VEHTYPE",
                              seed: UInt64 = 23423, idPrefix: String = "od") throws -> Result {
        var router = Router(graph: graph)
        var cache: [Int: [String]?] = [:]
        let root = SeededRNG(seed: seed).stream(named: "od-demand")
        var trips: [TripSpec] = []
        var perCell: [[Int]] = []
        func edgeIndex(_ id: String, _ line: Int) throws -> Int {
            guard let k = graph.edgeIndex[id], !graph.edgeInternal[k] else {
                throw InputError(.danglingReference, "OD edge \(id) is not an edge of the network", at: SourceLocation(file: od.source, line: line))
            }
            return k
        }
        func route(_ a: Int, _ b: Int) -> [String]? {
            let key = a * graph.edgeCount + b
            if let r = cache[key] { return r }
            let r = router.route(from: a, to: b).map { $0.map { graph.edgeIDs[$0] } }
            cache[key] = r
            return r
        }
        for (mi, m) in od.matrices.enumerated() {
            var counts: [Int] = []
            for (ci, c) in m.cells.enumerated() {
                let times = departures(c.vehicles, begin: m.begin, end: m.end, profile: profile)
                counts.append(times.count)
                guard !times.isEmpty else { continue }
                var rng = root.derive(UInt64(mi) &* 1_000_003 &+ UInt64(ci))
                let zf = od.zones[c.from], zt = od.zones[c.to]
                if !od.zones.isEmpty, zf == nil || zt == nil {
                    throw InputError(.danglingReference, "zone \(zf == nil ? c.from : c.to) is not defined", at: SourceLocation(file: od.source, line: c.line))
                }
                for (j, t) in times.enumerated() {
                    var path: [String]?
                    var tries = 0
                    while path == nil && tries < 20 {
                        tries += 1
                        let a = try edgeIndex(zf.map { pick($0.sources, &rng) } ?? c.from, c.line)
                        let b = try edgeIndex(zt.map { pick($0.sinks, &rng) } ?? c.to, c.line)
                        path = route(a, b)
                        if zf == nil && zt == nil { break }              // fixed edges: one try
                    }
                    guard let p = path else {
                        throw InputError(.disconnectedNetwork, "no route from \(c.from) to \(c.to) on the network", at: SourceLocation(file: od.source, line: c.line))
                    }
                    trips.append(TripSpec(id: "\(idPrefix)\(mi)_\(ci).\(j)", type: type, depart: t, route: p, departLane: .best, line: c.line))
                }
            }
            perCell.append(counts)
        }
        trips = trips.enumerated().sorted { ($0.element.depart, $0.offset) < ($1.element.depart, $1.offset) }.map(\.element)
        return Result(trips: trips, perCell: perCell)
    }

    /// `od` as a travel demand of SUMO's default passenger car (or `vehicleType`).
    public static func demand(_ od: ODDemand, graph: RoadGraph, profile: DemandProfile = .uniform, vehicleType: VehicleTypeSpec? = nil,
                              seed: UInt64 = 23423) throws -> TravelDemand {
        let t = vehicleType ?? VehicleTypeSpec(id: "DEFAULT_VEHTYPE")
        var d = TravelDemand()
        d.vehicleTypes = [t]
        d.trips = try expand(od, graph: graph, profile: profile, type: t.id, seed: seed).trips
        d.source = od.source
        return d
    }
}
