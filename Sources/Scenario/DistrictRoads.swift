import CityModel
import Foundation
import Geometry

/// The road layers from the street layout: nodes with their control, two directed edges per street
/// (lanes, speed, lane width, priority, name, shape), and lane-level turn connections at every
/// junction.
///
/// Movements are classified by the turn angle θ between the arriving and leaving directions
/// (counter-clockwise positive, right-hand traffic): |θ| < 30° straight, θ ≥ 30° left, θ ≤ −30°
/// right. U-turns are never connected. Lanes are assigned as a Chinese junction is marked: the
/// rightmost lane turns right (and goes straight), the leftmost lane turns left (and goes straight
/// when there are only two), middle lanes go straight; a one-lane approach takes every movement.
/// Left turns enter the leftmost lane of the leaving edge, right turns the rightmost, straight
/// movements keep their lane where it exists. Every arriving lane thus has at least one connection.
struct RoadBuilder {
    var nodes: [RoadNode] = []
    var edges: [RoadEdge] = []
    var connections: [RoadConnection] = []
    /// Per street segment, the indices of its edges a→b and b→a.
    var edgeOf: [(forward: Int, backward: Int)] = []
    /// Per node, the movements through it in link-index order.
    var movements: [[Movement]] = []

    struct Movement {
        var connection: Int
        /// The street segment the vehicle arrives on, and the one it leaves on.
        var from: Int, to: Int
        var direction: TurnDirection
        /// Heading of arrival (unit vector, local coordinates).
        var heading: Coordinate
    }

    init(streets: StreetLayout) {
        let origin = streets.origin
        for (n, node) in streets.nodes.enumerated() {
            let control: JunctionControl = node.signalised ? .trafficLight : (streets.around[n].count == 2 ? .unregulated : .priority)
            nodes.append(RoadNode(id: EntityID(node.id), position: origin + node.p, control: control))
        }
        for seg in streets.segments {
            let a = streets.nodes[seg.a], b = streets.nodes[seg.b]
            func edge(_ p: StreetNode, _ q: StreetNode) -> RoadEdge {
                RoadEdge(id: EntityID(p.id + "-" + q.id), from: EntityID(p.id), to: EntityID(q.id),
                         shape: Polyline([origin + p.p, origin + q.p]), lanes: seg.line.lanes, speed: rounded(seg.line.speed, 2),
                         laneWidth: seg.laneWidth, priority: seg.line.cls.rawValue, name: seg.line.name)
            }
            edgeOf.append((edges.count, edges.count + 1))
            edges.append(edge(a, b)); edges.append(edge(b, a))
        }
        movements = [[Movement]](repeating: [], count: streets.nodes.count)
        for v in streets.nodes.indices {
            let around = streets.around[v]
            for s in around {
                let u = streets.other(s, v)
                let inEdge = streets.segments[s].a == u ? edgeOf[s].forward : edgeOf[s].backward
                let heading = (streets.nodes[v].p - streets.nodes[u].p).unit
                // Leaving movements, rightmost first.
                var outs: [(seg: Int, edge: Int, theta: Double, dir: TurnDirection)] = []
                for t in around where t != s {
                    let w = streets.other(t, v)
                    let outEdge = streets.segments[t].a == v ? edgeOf[t].forward : edgeOf[t].backward
                    let d = (streets.nodes[w].p - streets.nodes[v].p).unit
                    let theta = atan2(heading.cross(d), heading.dot(d)) * 180 / .pi
                    let dir: TurnDirection = abs(theta) < 30 ? .straight : (theta > 0 ? .left : .right)
                    outs.append((t, outEdge, theta, dir))
                }
                outs.sort { $0.theta < $1.theta }
                let lanes = edges[inEdge].lanes
                for lane in 0..<lanes {
                    for o in outs where Self.lane(lane, of: lanes, serves: o.dir, outs.map(\.dir)) {
                        let toLanes = edges[o.edge].lanes
                        let toLane = switch o.dir {
                        case .right, .partialRight: 0
                        case .left, .partialLeft, .uTurn: toLanes - 1
                        case .straight: min(lane, toLanes - 1)
                        }
                        let signal: EntityID<SignalProgram>? = streets.nodes[v].signalised ? EntityID("TL-" + streets.nodes[v].id) : nil
                        let index = movements[v].count
                        movements[v].append(Movement(connection: connections.count, from: s, to: o.seg, direction: o.dir, heading: heading))
                        connections.append(RoadConnection(id: EntityID("C" + pad(connections.count + 1, 5)), fromEdge: edges[inEdge].id,
                                                          fromLane: lane, toEdge: edges[o.edge].id, toLane: toLane, direction: o.dir,
                                                          signal: signal, linkIndex: signal == nil ? nil : index))
                    }
                }
            }
        }
    }

    /// Whether lane `lane` (0 = rightmost) of an approach with `lanes` lanes carries movements of
    /// direction `dir`, given all the approach's directions.
    static func lane(_ lane: Int, of lanes: Int, serves dir: TurnDirection, _ all: [TurnDirection]) -> Bool {
        if lanes == 1 { return true }
        let hasStraight = all.contains(.straight), hasLeft = all.contains(.left), hasRight = all.contains(.right)
        let top = lanes - 1
        if hasStraight {
            switch dir {
            case .right: return lane == 0
            case .left: return lane == top
            default: return lane < top || lanes == 2 || !hasLeft
            }
        }
        // No straight movement (the stem of a T): rights on the lower half, lefts on the upper half.
        if !hasLeft || !hasRight { return true }
        let split = max(1, lanes / 2)
        return dir == .right ? lane < split : lane >= split
    }
}

/// Fixed-time signal programs for the signalised junctions, as Chinese arterial junctions run them:
/// per axis (north–south, east–west) a through-and-right phase, and a protected left-turn phase
/// when the axis has opposing multi-lane approaches (otherwise lefts yield, `g`, during the through
/// phase); each green is followed by 3 s yellow and 2 s all-red. The cycle is 60 s + 20 s per green
/// phase (80–140 s); greens are split by the lanes they serve, at least 15 s through and 8 s left.
/// Offsets give a green wave along the east–west arterials at 50 km/h. State strings hold one
/// letter per connection in link-index order (SUMO's `tlLogic`).
struct SignalPlanner {
    var programs: [SignalProgram] = []

    static let yellow = 3.0, allRed = 2.0

    init(streets: StreetLayout, roads: RoadBuilder) {
        for (v, node) in streets.nodes.enumerated() where node.signalised {
            let moves = roads.movements[v]
            // Axis of each arriving street: 0 = north–south travel, 1 = east–west travel.
            func axis(_ m: RoadBuilder.Movement) -> Int { abs(m.heading.y) >= abs(m.heading.x) ? 0 : 1 }
            func weight(_ ax: Int) -> Int {
                Set(moves.filter { axis($0) == ax }.map(\.from)).reduce(0) { $0 + streets.segments[$1].line.lanes * 10 + streets.segments[$1].line.cls.rawValue }
            }
            let order = weight(1) > weight(0) ? [1, 0] : [0, 1]
            var greens: [(state: [Character], weight: Double, left: Bool)] = []
            for ax in order {
                let approaches = Set(moves.filter { axis($0) == ax }.map(\.from)).sorted()
                guard !approaches.isEmpty else { continue }
                let opposing = approaches.count >= 2
                let lanes = approaches.map { streets.segments[$0].line.lanes }
                let protected = opposing && lanes.contains { $0 >= 2 }
                let w = Double(lanes.reduce(0, +))
                var through = [Character](repeating: "r", count: moves.count)
                var left = through
                for (k, m) in moves.enumerated() where axis(m) == ax {
                    if m.direction == .left {
                        if protected { left[k] = "G" } else { through[k] = opposing ? "g" : "G" }
                    } else {
                        through[k] = "G"
                    }
                }
                greens.append((through, w, false))
                if protected { greens.append((left, 0.4 * w, true)) }
            }
            let cycle = max(80, min(140, 60 + 20 * Double(greens.count)))
            let available = cycle - Double(greens.count) * (Self.yellow + Self.allRed)
            let total = greens.reduce(0) { $0 + $1.weight }
            var durations = greens.map { g in max(g.left ? 8 : 15, (available * g.weight / total).rounded()) }
            durations[0] += available - durations.reduce(0, +)
            var phases: [SignalPhase] = []
            for (g, d) in zip(greens, durations) {
                phases.append(SignalPhase(duration: d, state: String(g.state), minDuration: g.left ? 6 : 10, maxDuration: (2 * d).rounded()))
                phases.append(SignalPhase(duration: Self.yellow, state: String(g.state.map { $0 == "r" ? "r" : "y" })))
                phases.append(SignalPhase(duration: Self.allRed, state: String(repeating: "r", count: moves.count)))
            }
            let offset = (node.p.x / (50 / 3.6)).truncatingRemainder(dividingBy: cycle).rounded()
            var p = SignalProgram(id: EntityID("TL-" + node.id), node: EntityID(node.id), control: .fixedTime,
                                  offset: offset, phases: phases)
            p.shape = .point(streets.origin + node.p)
            programs.append(p)
        }
    }
}
