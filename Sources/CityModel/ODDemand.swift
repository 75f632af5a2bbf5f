/// An edge with a weight: where a traffic zone's trips start or end, and how often (relative).
public struct WeightedEdge: Hashable, Sendable {
    public var edge: String
    /// Relative weight (> 0); the shares of a zone's edges are weight / Σ weights.
    public var weight: Double
    public init(edge: String, weight: Double = 1) { self.edge = edge; self.weight = weight }
}

/// A traffic analysis zone (district; SUMO `<taz>`): the edges where its trips start (sources) and
/// end (sinks), each with a weight.
public struct TrafficZone: Hashable, Sendable {
    public var id: String
    public var sources: [WeightedEdge]
    public var sinks: [WeightedEdge]
    /// Line of the zone in its file (0 when built in code).
    public var line: Int
    public init(id: String, sources: [WeightedEdge], sinks: [WeightedEdge], line: Int = 0) {
        self.id = id; self.sources = sources; self.sinks = sinks; self.line = line
    }
}

/// A departure-time profile: relative demand weights that hold from each breakpoint time (s) to the
/// next (the last to the end of the matrix window). A matrix cell's vehicles over [begin, end) are
/// shared among the profile's pieces in proportion to weight × overlap (largest remainders, so the
/// count is kept exactly), then spaced evenly within each piece. Empty: uniform.
public struct DemandProfile: Hashable, Sendable {
    /// Breakpoint times (s), increasing, and the weight (≥ 0) from each.
    public var times: [Double]
    public var weights: [Double]
    public init(times: [Double] = [], weights: [Double] = []) { self.times = times; self.weights = weights }
    public static let uniform = DemandProfile()
    public var isUniform: Bool { times.isEmpty }

    /// The pieces of [begin, end) with their weight × length, in time order.
    public func pieces(begin: Double, end: Double) -> [(begin: Double, end: Double, mass: Double)] {
        guard !times.isEmpty else { return [(begin, end, end - begin)] }
        var out: [(begin: Double, end: Double, mass: Double)] = []
        if begin < times[0] { out.append((begin, min(end, times[0]), 0)) }   // before the first breakpoint: no demand
        for k in times.indices {
            let a = max(begin, times[k]), b = min(end, k + 1 < times.count ? times[k + 1] : end)
            if b > a { out.append((a, b, weights[k] * (b - a))) }
        }
        return out
    }
}

/// Origin–destination demand: matrices (vehicles per cell over each matrix's window) between zones
/// or edges, the zones when the matrix names zones, and where it was read from.
public struct ODDemand: Hashable, Sendable {
    public var matrices: [ODMatrix]
    /// Zones by ID; empty when the matrix names edges directly.
    public var zones: [String: TrafficZone]
    /// The matrix file (for error messages).
    public var source: String
    public init(matrices: [ODMatrix], zones: [String: TrafficZone] = [:], source: String = "od") {
        self.matrices = matrices; self.zones = zones; self.source = source
    }
    /// Vehicles in all matrices.
    public var totalVehicles: Int { matrices.reduce(0) { $0 + $1.cells.reduce(0) { $0 + $1.vehicles } } }
}

extension TravelDemand {
    /// Adds `other`'s vehicle types (those not yet known by ID) and trips, keeping the trips sorted
    /// by departure (stable: this demand's trips first at equal times).
    public mutating func merge(_ other: TravelDemand) {
        for t in other.vehicleTypes where !vehicleTypes.contains(where: { $0.id == t.id }) { vehicleTypes.append(t) }
        trips = (trips + other.trips).enumerated().sorted { ($0.element.depart, $0.offset) < ($1.element.depart, $1.offset) }.map(\.element)
        if source == nil { source = other.source }
    }
}
