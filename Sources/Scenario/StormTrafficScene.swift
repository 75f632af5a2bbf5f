import CityModel
import Coupling
import Foundation
import Geometry
import Report
import SimCore

/// The `coupling:` block of a scene that runs the storm and the traffic together
/// (`processes: [flood, drainage, traffic]`, docs/scene-format.md):
///
/// ```yaml
/// coupling:
///   closure_depth: 0.3      # m, water at least this deep on a road edge closes it (0 < d ≤ 0.6)
///   ignored_depth: 0.005    # m, shallower water does not slow traffic (0 ≤ d < closure_depth)
///   dry_baseline: true      # also run the same demand without the storm (vehicle-hours lost)
/// ```
///
/// Below the closure depth the highest safe speed follows Pregnolato et al. (2017),
/// v = 0.0009·d² − 0.5529·d + 86.9448 km/h (d in mm), capped at the edge's speed limit.
public struct RoadCouplingScene: Sendable, Hashable {
    /// Depth (m) at and above which water closes a road edge; 0.3 m after Pregnolato et al. (2017).
    public var closureDepth = 0.3
    /// Depth (m) below which water is ignored.
    public var ignoredDepth = 0.005
    /// Run the traffic a second time without the storm (same demand and seed), for the delay lost to flooding.
    public var dryBaseline = true

    public init() {}

    public static let keys = ["closure_depth", "ignored_depth", "dry_baseline"]
    /// Largest closure depth accepted (m): the depth–speed relation is fitted up to 0.3 m.
    public static let maximumClosureDepth = 0.6

    /// Reads the block (nil: the defaults).
    /// - Throws: `InputError` with the scene file, line and key for an unknown key or a depth out of range.
    public static func load(_ node: SceneNode?) throws -> RoadCouplingScene {
        var c = RoadCouplingScene()
        guard let node else { return c }
        let f = try node.fields(keys)
        if let n = f["closure_depth"] {
            let v = try n.double()
            guard v > 0, v <= maximumClosureDepth else {
                throw n.error(.implausibleValue, "closure depth \(v) m must be > 0 and ≤ \(maximumClosureDepth) m (Pregnolato et al. close roads at 0.3 m)")
            }
            c.closureDepth = v
        }
        if let n = f["ignored_depth"] {
            let v = try n.double()
            guard v >= 0, v < c.closureDepth else {
                throw n.error(.implausibleValue, "ignored depth \(v) m must be ≥ 0 and below the closure depth \(c.closureDepth) m")
            }
            c.ignoredDepth = v
        }
        if let n = f["dry_baseline"] { c.dryBaseline = try n.bool() }
        return c
    }
}

/// What the road edges saw in a coupled storm-and-traffic run, followed tick by tick from
/// `FloodedRoadsProcess`: the largest depth, the lowest speed factor, the closures (first time and
/// total time closed) and the events with time and place.
public struct RoadFloodRecord: Sendable {
    public let edges: [RoadEdge]
    /// Per edge: largest depth (m), lowest speed factor, first closure (s) and time closed (s).
    public private(set) var maxDepth: [Double], minFactor: [Double]
    public private(set) var firstClosed: [Double?], closedSeconds: [Double]
    /// The events (slowed, closed, reopened, cleared) in time order.
    public private(set) var events: [RoadFloodEvent] = []
    /// Time of the last tick followed (s).
    public private(set) var time = 0.0

    init(edges: [RoadEdge]) {
        self.edges = edges
        maxDepth = Array(repeating: 0, count: edges.count); minFactor = Array(repeating: 1, count: edges.count)
        firstClosed = Array(repeating: nil, count: edges.count); closedSeconds = Array(repeating: 0, count: edges.count)
    }

    /// Takes the process's state after a tick of `dt` s ending at `t` s; an edge closed at the
    /// tick's end counts as closed over the whole tick.
    mutating func follow(_ p: FloodedRoadsProcess, dt: Double, at t: Double) {
        for e in edges.indices {
            maxDepth[e] = max(maxDepth[e], p.depth[e])
            minFactor[e] = min(minFactor[e], p.factor[e])
            if p.factor[e] == 0 {
                if firstClosed[e] == nil { firstClosed[e] = t }
                closedSeconds[e] += dt
            }
        }
        if p.events.count > events.count { events += p.events[events.count...] }
        time = t
    }

    /// Edges ever slowed or closed, for the report's map and the `road_closures` layer.
    public var flooded: [RoadFlooding] {
        edges.indices.compactMap { e in
            guard minFactor[e] < 1, let line = edges[e].polyline else { return nil }
            return RoadFlooding(id: edges[e].id.rawValue, shape: line, maxDepth: maxDepth[e], minFactor: minFactor[e],
                                firstClosed: firstClosed[e], closedDuration: closedSeconds[e])
        }
    }

    /// Indices of the edges ever closed.
    public var closedEdges: [Int] { edges.indices.filter { firstClosed[$0] != nil } }

    /// The events as CSV: time (s), edge, event, depth (m), speed factor after the change, and the
    /// edge's middle point (x, y in the model's CRS, m).
    public var eventsCSV: String {
        let index = Dictionary(edges.enumerated().map { ($1.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        var s = "time_s,edge,event,depth_m,speed_factor,x,y\n"
        for ev in events {
            var x = "", y = ""
            if let e = index[ev.edge], let line = edges[e].polyline, let mid = line.point(atDistance: line.length / 2) {
                x = String(format: "%.2f", mid.x); y = String(format: "%.2f", mid.y)
            }
            s += "\(KPI.format(ev.time, decimals: 1)),\(ev.edge),\(ev.kind.rawValue),\(String(format: "%.4f", ev.depth)),\(String(format: "%.4f", ev.factor)),\(x),\(y)\n"
        }
        return s
    }
}
