/// A road network at lane level, as a microscopic traffic model needs it: directed edges with their
/// lanes (each with its own length, speed limit and centre line), junctions with their right-of-way
/// matrices, lane-to-lane connections through the junctions, and signal programs.
///
/// This is plain input data (no behaviour): `CityIO` reads it from SUMO `.net.xml` files and it can be
/// built from the road layers of a `CityModel`; the `Traffic` module compiles it into its runtime.
/// Lengths are in metres, speeds in m/s, times in seconds, coordinates in the file's planar CRS.
public struct LaneNetwork: Hashable, Sendable {
    public var edges: [NetEdge] = []
    public var junctions: [NetJunction] = []
    public var connections: [NetConnection] = []
    public var signalPrograms: [NetSignalProgram] = []
    /// The file the network was read from (for error messages), if any.
    public var source: String?

    public init() {}

    /// The index of each edge by its ID.
    public func edgeIndex() -> [String: Int] {
        var d: [String: Int] = [:]
        d.reserveCapacity(edges.count)
        for (i, e) in edges.enumerated() { d[e.id] = i }
        return d
    }
}

/// What an edge is for. Internal edges are the paths across a junction (SUMO's `:J_k`).
public enum EdgeFunction: String, Hashable, Codable, Sendable {
    case normal, `internal`, crossing, walkingArea = "walkingarea", connector
}

/// One lane of an edge. Lane 0 is the rightmost lane (right-hand traffic).
public struct NetLane: Hashable, Sendable {
    public var id: String
    public var index: Int
    /// Speed limit (m/s).
    public var speed: Double
    /// Length driven (m); may differ from the shape's polyline length.
    public var length: Double
    /// Centre line (x, y pairs, m).
    public var shape: [Double]
    /// Vehicle classes allowed (`nil` means all) and disallowed (`nil` means none), SUMO vClass names.
    public var allow: Set<String>?
    public var disallow: Set<String>?

    public init(id: String, index: Int, speed: Double, length: Double, shape: [Double] = [],
                allow: Set<String>? = nil, disallow: Set<String>? = nil) {
        self.id = id; self.index = index; self.speed = speed; self.length = length; self.shape = shape
        self.allow = allow; self.disallow = disallow
    }

    /// Whether a vehicle of class `vClass` may use the lane.
    public func permits(_ vClass: String) -> Bool {
        if let allow, !allow.contains(vClass) { return false }
        if let disallow, disallow.contains(vClass) { return false }
        return true
    }
}

/// A directed edge between two junctions with ≥ 1 lanes.
public struct NetEdge: Hashable, Sendable {
    public var id: String
    public var from: String?
    public var to: String?
    public var function: EdgeFunction
    /// Priority used by network builders (higher is more important); informational for SUMO nets.
    public var priority: Int
    public var lanes: [NetLane]
    /// Line in the source file (for error messages), 0 when unknown.
    public var line: Int

    public init(id: String, from: String?, to: String?, function: EdgeFunction = .normal, priority: Int = 1,
                lanes: [NetLane], line: Int = 0) {
        self.id = id; self.from = from; self.to = to; self.function = function; self.priority = priority
        self.lanes = lanes; self.line = line
    }
}

/// The right-of-way kind of a junction (SUMO's junction `type`).
public enum NetJunctionType: String, Hashable, Codable, Sendable, CaseIterable {
    case priority, trafficLight = "traffic_light", rightBeforeLeft = "right_before_left"
    case leftBeforeRight = "left_before_right", unregulated, priorityStop = "priority_stop"
    case allwayStop = "allway_stop", zipper, trafficLightUnregulated = "traffic_light_unregulated"
    case trafficLightRightOnRed = "traffic_light_right_on_red", railSignal = "rail_signal"
    case railCrossing = "rail_crossing", deadEnd = "dead_end", `internal`, district
}

/// One row of a junction's right-of-way matrix, for the link with request index `index`.
/// `response[j]` is true when this link must yield to link j; `foes[j]` when the two conflict.
public struct NetRequest: Hashable, Sendable {
    public var index: Int
    public var response: [Bool]
    public var foes: [Bool]
    /// The link has an internal junction (a waiting point inside the junction).
    public var cont: Bool

    public init(index: Int, response: [Bool], foes: [Bool], cont: Bool) {
        self.index = index; self.response = response; self.foes = foes; self.cont = cont
    }
}

/// A junction (node). `intLanes` lists the internal lanes in request-index order.
public struct NetJunction: Hashable, Sendable {
    public var id: String
    public var type: NetJunctionType
    public var x: Double
    public var y: Double
    public var incLanes: [String]
    public var intLanes: [String]
    public var requests: [NetRequest]
    public var line: Int

    public init(id: String, type: NetJunctionType, x: Double, y: Double, incLanes: [String] = [],
                intLanes: [String] = [], requests: [NetRequest] = [], line: Int = 0) {
        self.id = id; self.type = type; self.x = x; self.y = y; self.incLanes = incLanes
        self.intLanes = intLanes; self.requests = requests; self.line = line
    }
}

/// A lane-to-lane link (SUMO `<connection>`). From a normal edge it carries `via` (the first internal
/// lane across the junction) and, when signalised, the program `tl` and its `linkIndex` (the
/// character of the phase state strings). `state` is the unsignalised right of way (`M` major,
/// `m` minor, `=` equal, `s` stop, `w` all-way stop, `Z` zipper, `O`/`o` signal off).
public struct NetConnection: Hashable, Sendable {
    public var from: String
    public var to: String
    public var fromLane: Int
    public var toLane: Int
    public var via: String?
    public var tl: String?
    public var linkIndex: Int?
    public var direction: TurnDirection
    public var state: Character
    public var line: Int

    public init(from: String, to: String, fromLane: Int, toLane: Int, via: String? = nil, tl: String? = nil,
                linkIndex: Int? = nil, direction: TurnDirection = .straight, state: Character = "M", line: Int = 0) {
        self.from = from; self.to = to; self.fromLane = fromLane; self.toLane = toLane; self.via = via
        self.tl = tl; self.linkIndex = linkIndex; self.direction = direction; self.state = state; self.line = line
    }
}

/// How a signal program is run (SUMO's `tlLogic type`).
public enum NetSignalType: String, Hashable, Codable, Sendable {
    case `static`, actuated, delayBased = "delay_based", nema = "NEMA", off
}

/// A signal program (SUMO `<tlLogic>`): phases cycle in order, shifted by `offset` (s): the phase at
/// time t follows from `(t − offset) mod cycle`.
public struct NetSignalProgram: Hashable, Sendable {
    public var id: String
    public var programID: String
    public var type: NetSignalType
    public var offset: Double
    public var phases: [SignalPhase]
    /// `<param key value>` children (actuated parameters such as `max-gap`).
    public var parameters: [String: String]
    public var line: Int

    public init(id: String, programID: String = "0", type: NetSignalType = .static, offset: Double = 0,
                phases: [SignalPhase], parameters: [String: String] = [:], line: Int = 0) {
        self.id = id; self.programID = programID; self.type = type; self.offset = offset; self.phases = phases
        self.parameters = parameters; self.line = line
    }

    /// Cycle length (s).
    public var cycle: Double { phases.reduce(0) { $0 + $1.duration } }
}

extension TurnDirection {
    /// SUMO's `dir` letter: `s` straight, `l`/`r` left/right, `L`/`R` partly left/right, `t` turnaround.
    public init?(sumoLetter: String) {
        switch sumoLetter {
        case "s": self = .straight
        case "l": self = .left
        case "r": self = .right
        case "t": self = .uTurn
        case "L": self = .partialLeft
        case "R": self = .partialRight
        default: return nil
        }
    }
}
