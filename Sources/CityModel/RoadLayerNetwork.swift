import Foundation
import Geometry

/// Builds a lane network from the city model's road layers (nodes, directed edges with lanes,
/// lane-to-lane connections, signal programs). The layers carry no junction paths, so links join
/// lane ends directly (as SUMO nets built with `--no-internal-links`), and the right-of-way rows
/// are derived here from geometry and the node's control:
///
/// - two links **conflict** (`foes`) when they come from different edges and either end on the
///   same edge (merge) or their paths cross: with the approach and exit directions as angles
///   around the node, the chords (in₁→out₁) and (in₂→out₂) interleave;
/// - **priority** nodes: a link yields (`response`) to conflicting links from edges of higher
///   `priority`; between equal priorities a left turn yields to the opposite stream (state `m`
///   for yielding links, `M` otherwise);
/// - **right_before_left** and **all_way_stop**: a link yields to conflicting links approaching
///   from its right (the next approach clockwise… counter-clockwise of its own origin, within
///   (0°, 180°)) and left turns to the opposite stream (`=`; all-way stop `w` after a stop);
/// - **traffic_light**: left turns yield to the opposite stream (used with `g`); the program's
///   state strings drive the rest;
/// - **unregulated** nodes have no conflicts.
extension LaneNetwork {
    public init(roads model: CityModel) {
        self.init()
        source = "\(model.name) road layers"
        let nodeByID = Dictionary(model.roadNodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var edgeByID: [EntityID<RoadEdge>: RoadEdge] = [:]
        for e in model.roadEdges {
            edgeByID[e.id] = e
            let pts = e.polyline?.points ?? []
            let shape = pts.flatMap { [$0.x, $0.y] }
            let lanes = (0..<max(e.lanes, 1)).map {
                NetLane(id: "\(e.id.rawValue)_\($0)", index: $0, speed: e.speed, length: e.effectiveLength, shape: shape)
            }
            edges.append(NetEdge(id: e.id.rawValue, from: e.from.rawValue, to: e.to.rawValue, priority: e.priority, lanes: lanes))
        }
        // Directions (radians) of an edge seen from node `n`: where it comes from / goes to.
        func awayAngle(_ e: RoadEdge, atEnd: Bool) -> Double {
            let p = e.polyline?.points ?? []
            guard p.count >= 2 else { return 0 }
            let (a, b) = atEnd ? (p[p.count - 1], p[p.count - 2]) : (p[0], p[1])
            return atan2(b.y - a.y, b.x - a.x)
        }
        var byNode: [EntityID<RoadNode>: [RoadConnection]] = [:]
        for c in model.roadConnections {
            guard let fe = edgeByID[c.fromEdge] else { continue }
            byNode[fe.to, default: []].append(c)
        }
        for node in model.roadNodes {
            let type: NetJunctionType
            switch node.control {
            case .priority: type = .priority
            case .trafficLight: type = .trafficLight
            case .rightBeforeLeft: type = .rightBeforeLeft
            case .allWayStop: type = .allwayStop
            case .deadEnd: type = .deadEnd
            case .unregulated: type = .unregulated
            }
            let links = byNode[node.id] ?? []
            let n = links.count
            var origin: [Double] = [], exit: [Double] = [], prio: [Int] = []
            for c in links {
                let fe = edgeByID[c.fromEdge]!
                origin.append(awayAngle(fe, atEnd: true))
                exit.append(edgeByID[c.toEdge].map { awayAngle($0, atEnd: false) } ?? 0)
                prio.append(fe.priority)
            }
            func ccw(_ from: Double, _ to: Double) -> Double {           // angle from → to, in [0, 2π)
                var d = to - from
                while d < 0 { d += 2 * .pi }
                while d >= 2 * .pi { d -= 2 * .pi }
                return d
            }
            func crosses(_ i: Int, _ j: Int) -> Bool {
                if links[i].fromEdge == links[j].fromEdge { return false }
                if links[i].toEdge == links[j].toEdge { return true }
                let span = ccw(origin[i], exit[i])
                let a = ccw(origin[i], origin[j]), b = ccw(origin[i], exit[j])
                return (a > 1e-6 && a < span - 1e-6) != (b > 1e-6 && b < span - 1e-6)
            }
            func isLeft(_ i: Int) -> Bool { links[i].direction == .left || links[i].direction == .partialLeft || links[i].direction == .uTurn }
            func opposite(_ i: Int, _ j: Int) -> Bool { abs(ccw(origin[i], origin[j]) - .pi) < .pi / 4 }
            var requests: [NetRequest] = []
            var states: [Character] = []
            for i in 0..<n {
                var foes = [Bool](repeating: false, count: n), response = foes
                for j in 0..<n where j != i && type != .unregulated && crosses(i, j) {
                    foes[j] = true
                    let leftVsOpposite = isLeft(i) && opposite(i, j) && !isLeft(j)
                    switch type {
                    case .priority, .priorityStop:
                        response[j] = prio[j] > prio[i] || (prio[j] == prio[i] && leftVsOpposite)
                    case .rightBeforeLeft, .allwayStop:
                        let rel = ccw(origin[i], origin[j])
                        response[j] = (rel > .pi / 4 && rel < 3 * .pi / 4) || leftVsOpposite
                    default:
                        response[j] = leftVsOpposite
                    }
                }
                requests.append(NetRequest(index: i, response: response, foes: foes, cont: false))
                switch type {
                case .trafficLight: states.append("O")
                case .rightBeforeLeft: states.append("=")
                case .allwayStop: states.append("w")
                default: states.append(response.contains(true) ? "m" : "M")
                }
            }
            let pos = node.position ?? Coordinate(0, 0)
            junctions.append(NetJunction(id: node.id.rawValue, type: type, x: pos.x, y: pos.y,
                                         incLanes: [], intLanes: [], requests: requests))
            for (i, c) in links.enumerated() {
                connections.append(NetConnection(from: c.fromEdge.rawValue, to: c.toEdge.rawValue, fromLane: c.fromLane, toLane: c.toLane,
                                                 via: nil, tl: c.signal?.rawValue, linkIndex: c.linkIndex ?? (c.signal == nil ? nil : i),
                                                 direction: c.direction, state: states[i]))
            }
            _ = nodeByID
        }
        for p in model.signalPrograms {
            let type: NetSignalType = p.control == .actuated ? .actuated : .static
            signalPrograms.append(NetSignalProgram(id: p.id.rawValue, programID: "0", type: type, offset: p.offset, phases: p.phases))
        }
    }
}
