import Geometry

/// How right of way is decided at a road node.
public enum JunctionControl: String, Codable, Sendable, CaseIterable {
    /// Major roads have priority over minor ones (signs), as SUMO's `priority`.
    case priority
    /// A signal program controls the movements.
    case trafficLight = "traffic_light"
    /// Vehicles from the right go first (uncontrolled junction in right-hand traffic).
    case rightBeforeLeft = "right_before_left"
    case allWayStop = "all_way_stop"
    /// A road end: vehicles are inserted or leave the network here.
    case deadEnd = "dead_end"
    /// A shape point between two edges: no conflicts.
    case unregulated
}

/// A road node: a junction or a road end.
public struct RoadNode: ModelEntity, Hashable {
    public static let layer = Layer.roadNodes
    public static let shapeKinds: Set<ShapeKind> = [.point]
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

    public var id: EntityID<RoadNode>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    public var control: JunctionControl

    public init(id: EntityID<RoadNode>, position: Coordinate, control: JunctionControl) {
        self.id = id; self.shape = .point(position); self.control = control
    }

    public var position: Coordinate? { if case .point(let c) = shape { c } else { nil } }
    public enum CodingKeys: String, CodingKey, CaseIterable { case id, control }
}

/// A directed road edge from one node to another, with its lanes. Lane 0 is the rightmost lane.
public struct RoadEdge: ModelEntity, Hashable {
    public static let layer = Layer.roadEdges
    public static let shapeKinds: Set<ShapeKind> = [.lineString]
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    public static let defaultFields: [String: JSONValue] = ["lane_width": .number(3.2), "priority": .number(1)]

    public var id: EntityID<RoadEdge>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    public var from: EntityID<RoadNode>
    public var to: EntityID<RoadNode>
    /// Number of lanes (≥ 1).
    public var lanes: Int
    /// Speed limit (m/s).
    public var speed: Double
    /// Lane width (m).
    public var laneWidth: Double
    /// Road priority: higher numbers are major roads (right of way at priority junctions).
    public var priority: Int
    /// Street name.
    public var name: String?
    /// Length (m) when it differs from the shape's length (as SUMO allows); nil means the shape length.
    public var length: Double?

    public init(id: EntityID<RoadEdge>, from: EntityID<RoadNode>, to: EntityID<RoadNode>, shape: Polyline,
                lanes: Int, speed: Double, laneWidth: Double = 3.2, priority: Int = 1, name: String? = nil) {
        self.id = id; self.from = from; self.to = to; self.shape = .lineString(shape); self.lanes = lanes
        self.speed = speed; self.laneWidth = laneWidth; self.priority = priority; self.name = name
    }

    public var polyline: Polyline? { if case .lineString(let l) = shape { l } else { nil } }
    /// The edge's length (m): `length` if given, else the shape's planar length.
    public var effectiveLength: Double { length ?? polyline?.length ?? 0 }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, from, to, lanes, speed, laneWidth = "lane_width", priority, name, length
    }
}

/// The direction of a turn movement at a junction.
public enum TurnDirection: String, Codable, Sendable, CaseIterable {
    case straight, left, right, uTurn = "u_turn", partialLeft = "partial_left", partialRight = "partial_right"
}

/// A permitted movement from a lane of one edge to a lane of the next, through a junction. When the
/// junction is signalised, `signal`/`linkIndex` name the program and the index of this movement in
/// the program's state strings (SUMO's `tl` and `linkIndex`).
public struct RoadConnection: ModelEntity, Hashable {
    public static let layer = Layer.roadConnections
    public static let shapeKinds: Set<ShapeKind> = [.lineString]
    public static var shapeRequired: Bool { false }
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

    public var id: EntityID<RoadConnection>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    public var fromEdge: EntityID<RoadEdge>
    public var fromLane: Int
    public var toEdge: EntityID<RoadEdge>
    public var toLane: Int
    public var direction: TurnDirection
    public var signal: EntityID<SignalProgram>?
    public var linkIndex: Int?

    public init(id: EntityID<RoadConnection>, fromEdge: EntityID<RoadEdge>, fromLane: Int, toEdge: EntityID<RoadEdge>,
                toLane: Int, direction: TurnDirection, signal: EntityID<SignalProgram>? = nil, linkIndex: Int? = nil) {
        self.id = id; self.fromEdge = fromEdge; self.fromLane = fromLane; self.toEdge = toEdge; self.toLane = toLane
        self.direction = direction; self.signal = signal; self.linkIndex = linkIndex
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, fromEdge = "from_edge", fromLane = "from_lane", toEdge = "to_edge", toLane = "to_lane"
        case direction, signal, linkIndex = "link_index"
    }
}

/// One phase of a signal program: a duration and one signal state per controlled movement, in
/// SUMO's letters (`G` green with priority, `g` green yielding, `y` yellow, `r` red, `s` stop then
/// go, `o` off/blinking, `O` off, `u` red-yellow).
public struct SignalPhase: Hashable, Codable, Sendable {
    /// Duration (s).
    public var duration: Double
    public var state: String
    /// Minimum and maximum duration (s) for actuated control.
    public var minDuration: Double?
    public var maxDuration: Double?

    public init(duration: Double, state: String, minDuration: Double? = nil, maxDuration: Double? = nil) {
        self.duration = duration; self.state = state; self.minDuration = minDuration; self.maxDuration = maxDuration
    }

    enum CodingKeys: String, CodingKey { case duration, state, minDuration = "min_duration", maxDuration = "max_duration" }
    public static let validStates: Set<Character> = ["G", "g", "y", "r", "s", "o", "O", "u"]
}

/// How a signal program is run.
public enum SignalControl: String, Codable, Sendable, CaseIterable {
    case fixedTime = "fixed_time", actuated, maxPressure = "max_pressure"
}

/// A signal program for one junction: phases run in order, starting `offset` seconds into the cycle.
public struct SignalProgram: ModelEntity, Hashable {
    public static let layer = Layer.signalPrograms
    public static let shapeKinds: Set<ShapeKind> = [.point]
    public static var shapeRequired: Bool { false }
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    public static let defaultFields: [String: JSONValue] = ["control": .string("fixed_time"), "offset": .number(0)]

    public var id: EntityID<SignalProgram>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    public var node: EntityID<RoadNode>
    public var control: SignalControl
    /// Offset (s) of the program's start in the common cycle.
    public var offset: Double
    public var phases: [SignalPhase]

    public init(id: EntityID<SignalProgram>, node: EntityID<RoadNode>, control: SignalControl = .fixedTime,
                offset: Double = 0, phases: [SignalPhase]) {
        self.id = id; self.node = node; self.control = control; self.offset = offset; self.phases = phases
    }

    /// Cycle length (s): the sum of the phase durations.
    public var cycle: Double { phases.reduce(0) { $0 + $1.duration } }

    public enum CodingKeys: String, CodingKey, CaseIterable { case id, node, control, offset, phases }
}
