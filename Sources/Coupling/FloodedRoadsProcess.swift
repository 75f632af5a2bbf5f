import CityModel
import Geometry
import SimCore

/// The depth–speed relation of Pregnolato, Ford, Wilkinson & Dawson (2017), *The impact of flooding
/// on road transport: a depth-disruption function*, Transportation Research Part D 55: the highest
/// safe speed of a car through standing water,
/// v(d) = 0.0009·d² − 0.5529·d + 86.9448 (km/h, d in mm), fitted for 0 ≤ d ≤ 300 mm; above
/// 300 mm the road is impassable (v ≈ 3.5 km/h at 300 mm).
public struct DepthSpeedRelation: Hashable, Codable, Sendable {
    /// Depth (m) at and above which the edge is closed; 0.3 m after Pregnolato et al.
    public var closureDepth: Double
    /// Depth (m) below which water is ignored (wet road, puddles).
    public var ignoredDepth: Double

    public init(closureDepth: Double = 0.3, ignoredDepth: Double = 0.005) {
        self.closureDepth = closureDepth; self.ignoredDepth = ignoredDepth
    }

    /// Highest speed (m/s) through water `depth` m deep, or 0 when closed.
    public func maxSpeed(depth: Double) -> Double {
        if depth >= closureDepth { return 0 }
        let d = min(max(depth, 0), 0.3) * 1000
        return max(0.0009 * d * d - 0.5529 * d + 86.9448, 0) / 3.6
    }

    /// Speed factor (1 free, 0 closed) on a road with speed limit `limit` (m/s).
    public func factor(depth: Double, limit: Double) -> Double {
        if depth < ignoredDepth { return 1 }
        let v = maxSpeed(depth: depth)
        return v <= 0 ? 0 : min(1, v / max(limit, 1e-9))
    }
}

/// A change on a flooded road.
public struct RoadFloodEvent: Hashable, Codable, Sendable {
    public enum Kind: String, Hashable, Codable, Sendable {
        /// Water slowed the edge (factor fell below 1).
        case slowed
        /// The water reached the closure depth.
        case closed
        /// A closed edge opened again (still slowed or free).
        case reopened
        /// The water left the edge (factor back to 1).
        case cleared
    }
    /// Time of the tick's end (s from the start).
    public var time: Double
    public var edge: String
    /// Largest depth along the edge (m).
    public var depth: Double
    public var kind: Kind
    /// Speed factor after the change (1 free, 0 closed).
    public var factor: Double
}

/// Flood depth → road speed and closures, as a SimCore process (phase `floodToRoads`).
///
/// Each road edge is sampled along its shape (points every half cell, the cells they fall in):
/// the deepest water on those cells sets the edge's speed factor by ``DepthSpeedRelation`` and
/// closes it at the closure depth. Writes `.roadSpeedFactor` (per road edge ID; `TrafficProcess`
/// caps speeds and re-routes around closures from it) and records a ``RoadFloodEvent`` with time,
/// edge and depth whenever an edge is slowed, closed, reopened or cleared.
public struct FloodedRoadsProcess: SimProcess, Codable {
    public let name: String
    public var phase: Phase { .floodToRoads }
    public let relation: DepthSpeedRelation
    public let edgeIDs: [String]
    /// Speed limit per edge (m/s).
    public let limits: [Double]
    /// Surface cells under each edge (flat indices of the flood grid).
    let cells: [[Int]]
    /// Largest depth (m) and factor per edge after the last tick.
    public private(set) var depth: [Double]
    public private(set) var factor: [Double]
    public private(set) var events: [RoadFloodEvent] = []

    /// - Parameters:
    ///   - edges: the road edges with their shapes (m, the grid's CRS) and speed limits (m/s).
    ///   - grid: the flood grid the depths come from.
    ///   - excluding: cells never sampled (flat indices, true = left out), e.g. the water body at its
    ///     normal level under a bridge; empty: every cell counts.
    /// - Throws: `InputError` naming an edge that has fewer than two points or lies wholly off the grid.
    public init(name: String = "flooded roads", edges: [RoadEdge], grid: GridSpec,
                relation: DepthSpeedRelation = DepthSpeedRelation(), excluding: [Bool] = []) throws {
        self.name = name; self.relation = relation
        edgeIDs = edges.map(\.id.rawValue)
        limits = edges.map(\.speed)
        var all: [[Int]] = []
        for e in edges {
            var pts: [Coordinate] = []
            if case .lineString(let l)? = e.shape { pts = l.points }
            guard pts.count >= 2 else {
                throw InputError(.invalidGeometry, "road edge \(e.id.rawValue) has fewer than two points", at: SourceLocation(file: name, feature: e.id.rawValue))
            }
            var set: [Int] = [], seen = Set<Int>()
            let step = grid.cellSize / 2
            for (a, b) in zip(pts, pts.dropFirst()) {
                let dx: Double = b.x - a.x, dy: Double = b.y - a.y
                let len: Double = (dx * dx + dy * dy).squareRoot()
                let n = max(1, Int((len / step).rounded(.up)))
                for k in 0...n {
                    let t = Double(k) / Double(n)
                    let p = Coordinate(a.x + t * dx, a.y + t * dy)
                    if let rc = grid.cell(containing: p) {
                        let i = grid.index(row: rc.row, col: rc.col)
                        if seen.insert(i).inserted, excluding.isEmpty || !excluding[i] { set.append(i) }
                    }
                }
            }
            guard !seen.isEmpty else {
                throw InputError(.badValue, "road edge \(e.id.rawValue) lies wholly outside the flood grid", at: SourceLocation(file: name, feature: e.id.rawValue))
            }
            all.append(set)
        }
        cells = all
        depth = Array(repeating: 0, count: edges.count)
        factor = Array(repeating: 1, count: edges.count)
    }

    public mutating func prepare(_ context: inout ProcessContext) throws {
        try context.fields.declare(.roadSpeedFactor, initial: EntityVector(ids: edgeIDs, fill: 1))
    }

    public mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let h = try fields.value(.surfaceDepth).values
        var changed = false
        for e in edgeIDs.indices {
            var d: Float = 0
            for i in cells[e] { d = max(d, h[i]) }
            let depthNow = Double(d), f = relation.factor(depth: depthNow, limit: limits[e]), old = factor[e]
            depth[e] = depthNow
            guard f != old else { continue }
            changed = true
            factor[e] = f
            let kind: RoadFloodEvent.Kind? =
                f == 0 ? .closed : old == 0 ? .reopened : f == 1 ? .cleared : old == 1 ? .slowed : nil
            if let kind { events.append(RoadFloodEvent(time: to.seconds, edge: edgeIDs[e], depth: depthNow, kind: kind, factor: f)) }
        }
        if changed { try fields.write(.roadSpeedFactor, EntityVector(ids: edgeIDs, values: factor)) }
    }
}
