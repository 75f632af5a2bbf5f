import CityModel
import Foundation
import Geometry

// Engine-neutral result types. The scenario runner fills them from whichever engines ran (surface
// flood, stormwater, traffic); this module draws, exports and reports them without knowing the
// engines. Every coordinate is in the model's CRS (metres, `RunInfo.crs`); times are seconds from
// the start of the run.

/// What was run: the scene and model names, the model's CRS, when it ran and for how long.
public struct RunInfo: Hashable, Codable, Sendable {
    /// The scene's name or file, e.g. `Scenes/storm-50a.yaml`.
    public var scene: String
    /// The model's name, e.g. `district`.
    public var model: String
    /// The model's projected CRS (metres), e.g. `EPSG:4547`.
    public var crs: CRS
    /// When the run started (wall clock).
    public var started: Date
    /// Simulated duration in seconds.
    public var simulatedDuration: Double
    /// Wall-clock time the run took in seconds, if measured.
    public var wallClock: Double?

    public init(scene: String, model: String, crs: CRS, started: Date, simulatedDuration: Double, wallClock: Double? = nil) {
        self.scene = scene; self.model = model; self.crs = crs; self.started = started
        self.simulatedDuration = simulatedDuration; self.wallClock = wallClock
    }
}

/// One key performance indicator: a named value with its unit, in a group (`Flooding`,
/// `Drainage`, `Sponge city`, `Traffic`). Identified by (group, name) when two runs are compared.
public struct KPI: Hashable, Codable, Sendable {
    public var group: String
    public var name: String
    public var value: Double
    /// The unit as printed, e.g. `m`, `m²`, `m³`, `s/veh`, `%`; empty for a pure number.
    public var unit: String
    /// Decimals to print; nil chooses from the magnitude.
    public var decimals: Int?

    public init(group: String, name: String, value: Double, unit: String, decimals: Int? = nil) {
        self.group = group; self.name = name; self.value = value; self.unit = unit; self.decimals = decimals
    }

    /// The value as printed in tables: `decimals`, or 3 significant digits (at least 0 decimals,
    /// thousands not grouped so that the text is found verbatim).
    public var formattedValue: String { KPI.format(value, decimals: decimals) }

    public static func format(_ v: Double, decimals: Int? = nil) -> String {
        guard v.isFinite else { return v.isNaN ? "–" : (v > 0 ? "∞" : "−∞") }
        let d = decimals ?? {
            let a = abs(v)
            if a == 0 || a >= 100 { return 0 }
            return max(0, min(6, 2 - Int(log10(a).rounded(.down))))
        }()
        let s = String(format: "%.\(d)f", v)
        return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
}

/// Flooding at one drainage node (water leaving the network onto the surface).
public struct NodeFlooding: Hashable, Codable, Sendable {
    public var id: String
    /// Position in the model's CRS.
    public var position: Coordinate
    /// Total flooded volume in m³ (≥ 0).
    public var volume: Double
    /// Peak flooding rate in m³/s (≥ 0).
    public var peakRate: Double
    /// Time flooded in seconds (≥ 0).
    public var duration: Double

    public init(id: String, position: Coordinate, volume: Double, peakRate: Double, duration: Double) {
        self.id = id; self.position = position; self.volume = volume; self.peakRate = peakRate; self.duration = duration
    }
}

/// Flow in one drainage conduit over the run.
public struct PipeFlow: Hashable, Codable, Sendable {
    public var id: String
    /// The conduit's line in the model's CRS, from its upstream to its downstream node.
    public var shape: Polyline
    /// Diameter or height of the cross-section (m).
    public var diameter: Double
    /// Peak absolute flow over the run (m³/s, all barrels).
    public var peakFlow: Double
    /// Full-pipe (Manning) capacity (m³/s, all barrels); 0 when not a conduit.
    public var fullFlow: Double
    /// Maximum water depth at the upstream node over the run (m above its invert).
    public var upstreamMaxDepth: Double

    public init(id: String, shape: Polyline, diameter: Double, peakFlow: Double, fullFlow: Double, upstreamMaxDepth: Double) {
        self.id = id; self.shape = shape; self.diameter = diameter; self.peakFlow = peakFlow
        self.fullFlow = fullFlow; self.upstreamMaxDepth = upstreamMaxDepth
    }

    /// Peak flow over full capacity (NaN without a capacity).
    public var peakOverFull: Double { fullFlow > 0 ? peakFlow / fullFlow : .nan }
}

/// Traffic on one directed road link over the run.
public struct LinkResult: Hashable, Codable, Sendable {
    public var id: String
    /// The link's centre line in the model's CRS, in driving direction.
    public var shape: Polyline
    public var lanes: Int
    /// Free-flow (speed-limit) speed in m/s.
    public var freeSpeed: Double
    /// Mean travel speed in m/s (length over mean travel time); NaN when no vehicle used the link.
    public var meanSpeed: Double
    /// Vehicles that left the link per hour, averaged over the run (veh/h).
    public var flow: Double
    /// Mean delay per vehicle in s/veh (travel time minus free-flow travel time, ≥ 0).
    public var delay: Double

    public init(id: String, shape: Polyline, lanes: Int, freeSpeed: Double, meanSpeed: Double, flow: Double, delay: Double) {
        self.id = id; self.shape = shape; self.lanes = lanes; self.freeSpeed = freeSpeed
        self.meanSpeed = meanSpeed; self.flow = flow; self.delay = delay
    }

    /// Mean speed over free-flow speed (0…1, NaN when unused).
    public var speedRatio: Double { freeSpeed > 0 ? meanSpeed / freeSpeed : .nan }
}

/// Delay and queues at one junction over the run.
public struct JunctionResult: Hashable, Codable, Sendable {
    public var id: String
    public var position: Coordinate
    /// Mean control delay per vehicle through the junction in s/veh.
    public var delay: Double
    /// Longest queue over all approaches and times, in vehicles.
    public var maxQueue: Double
    /// Vehicles through the junction per hour (veh/h).
    public var throughput: Double

    public init(id: String, position: Coordinate, delay: Double, maxQueue: Double, throughput: Double) {
        self.id = id; self.position = position; self.delay = delay; self.maxQueue = maxQueue; self.throughput = throughput
    }
}

/// A road's exposure to surface water: its maximum and mean depth along the centre line and the
/// length under more than 0.15 m and 0.3 m (see `FloodedRoads`).
public struct FloodedRoad: Hashable, Codable, Sendable {
    public var id: String
    public var shape: Polyline
    /// Maximum depth along the line in m.
    public var maxDepth: Double
    /// Length-weighted mean depth along the line in m.
    public var meanDepth: Double
    /// Length (m) where the depth exceeds 0.15 m (passable with care) and 0.3 m (impassable for cars).
    public var lengthOver015: Double
    public var lengthOver030: Double
    public var length: Double
}

/// A road edge that water slowed or closed in a run where the surface and the traffic were coupled
/// (depth sampled along the edge; speed after Pregnolato et al. 2017, closed at the closure depth).
public struct RoadFlooding: Hashable, Codable, Sendable {
    /// Road edge ID (directed: each direction of a street is its own edge).
    public var id: String
    /// Centre line in the model's CRS (m).
    public var shape: Polyline
    /// Largest depth sampled along the edge at any tick (m, ≥ 0).
    public var maxDepth: Double
    /// Lowest speed factor over the run (1 free, 0 closed).
    public var minFactor: Double
    /// Time the edge first closed (s from the start; nil when it was never closed) and the total
    /// time it stayed closed (s, ≥ 0; up to the end of the run when it never reopened).
    public var firstClosed: Double?
    public var closedDuration: Double
    public init(id: String, shape: Polyline, maxDepth: Double, minFactor: Double, firstClosed: Double?, closedDuration: Double) {
        self.id = id; self.shape = shape; self.maxDepth = maxDepth; self.minFactor = minFactor
        self.firstClosed = firstClosed; self.closedDuration = closedDuration
    }
    public var wasClosed: Bool { firstClosed != nil }
}

/// Everything one run hands to the report: its identity, KPIs, maximum-depth field, per-feature
/// results and time series. Any part may be empty (a traffic-only run has no depth field).
public struct RunResults: Sendable {
    public var info: RunInfo
    public var kpis: [KPI]
    /// Maximum water depth over the run in m (≥ 0) on the model's terrain grid; `noData` outside the
    /// simulated area.
    public var maxDepth: Raster<Double>?
    public var nodeFlooding: [NodeFlooding]
    public var links: [LinkResult]
    public var junctions: [JunctionResult]
    /// Rain intensity in mm/h over time (step series: each value holds until the next time).
    public var rainfall: TimeSeries?
    /// Flow at each outfall in m³/s over time.
    public var outfallFlows: [TimeSeries]
    /// Queue length per approach or junction in vehicles over time.
    public var queues: [TimeSeries]
    /// Any other series to export as CSV (levels at sensors, network volume…).
    public var otherSeries: [TimeSeries]
    /// Peak flows of the drainage conduits (empty without a drainage run).
    public var pipes: [PipeFlow] = []
    /// Road edges that water slowed or closed (empty unless flood and traffic ran coupled).
    public var roadFlooding: [RoadFlooding] = []

    public init(info: RunInfo, kpis: [KPI] = [], maxDepth: Raster<Double>? = nil, nodeFlooding: [NodeFlooding] = [],
                links: [LinkResult] = [], junctions: [JunctionResult] = [], rainfall: TimeSeries? = nil,
                outfallFlows: [TimeSeries] = [], queues: [TimeSeries] = [], otherSeries: [TimeSeries] = []) {
        self.info = info; self.kpis = kpis; self.maxDepth = maxDepth; self.nodeFlooding = nodeFlooding
        self.links = links; self.junctions = junctions; self.rainfall = rainfall
        self.outfallFlows = outfallFlows; self.queues = queues; self.otherSeries = otherSeries
    }
}

/// The background of every map: terrain (for the hillshade), streets and building footprints, all
/// in the model's CRS.
public struct Basemap: Sendable {
    /// A street centre line with its lane count in one direction.
    public struct Street: Hashable, Sendable {
        public var id: String
        public var line: Polyline
        public var lanes: Int
        public init(id: String, line: Polyline, lanes: Int) { self.id = id; self.line = line; self.lanes = lanes }
    }

    public var terrain: Raster<Double>?
    /// Street centre lines (one entry per street: the two directions of a two-way street once).
    public var streets: [Street]
    public var buildings: [Polygon]
    /// The area to draw, in the model's CRS.
    public var extent: BBox

    public init(terrain: Raster<Double>?, streets: [Street], buildings: [Polygon], extent: BBox? = nil) {
        self.terrain = terrain; self.streets = streets; self.buildings = buildings
        var e = extent ?? terrain?.grid.bbox ?? .empty
        if extent == nil, terrain == nil {
            for s in streets { e = e.union(s.line.bbox) }
            for b in buildings { e = e.union(b.bbox) }
        }
        self.extent = e
    }

    /// The basemap of a city model: its terrain, its road edges (each two-way street drawn once,
    /// with the lanes of one direction) and its building footprints.
    public init(model: CityModel) {
        var seen = Set<String>()
        var streets: [Street] = []
        for e in model.roadEdges {
            let key = [e.from.rawValue, e.to.rawValue].sorted().joined(separator: "|")
            guard let line = e.polyline, seen.insert(key).inserted else { continue }
            streets.append(Street(id: e.id.rawValue, line: line, lanes: e.lanes))
        }
        var buildings: [Polygon] = []
        for b in model.buildings {
            switch b.shape {
            case .polygon(let p)?: buildings.append(p)
            case .multiPolygon(let m)?: buildings += m.polygons
            default: break
            }
        }
        self.init(terrain: model.terrain?.elevation, streets: streets, buildings: buildings)
    }
}

extension Raster where Value == Float {
    /// The raster with every value widened to `Double` (engines keep fields in `Float`; the report
    /// takes `Raster<Double>`). The no-data value is carried over; NaN stays NaN. O(cells).
    public var asDoubles: Raster<Double> {
        Raster<Double>(grid: grid, values: values.map { Double($0) }, noData: noData.map { Double($0) })
    }
}
