import CityModel
import Geometry

/// The road network compiled for simulation, as flat arrays indexed by integers.
///
/// **Lanes** are numbered 0..<laneCount, normal and internal (the paths across junctions) alike.
/// **Links** are the movements from a normal lane through a junction: `linkVia` is the first
/// internal lane (or −1 for nets without internal links), `linkTo` the normal lane reached. A
/// vehicle on an internal lane continues to `internalNext[lane]`. A link's right of way is its
/// junction request row: `linkResponse` (links it must yield to) and `linkFoes` (links it
/// conflicts with), in CSR form; the junction-internal lane a vehicle occupies while crossing the
/// conflict area is `linkConflictLane` (SUMO's `intLanes[request]`). Links with an internal
/// junction (`linkCont`) wait for gaps at the end of their first internal lane.
public struct RoadGraph: Sendable {
    // Edges.
    public internal(set) var edgeIDs: [String] = []
    public internal(set) var edgeInternal: [Bool] = []
    public internal(set) var edgeLaneStart: [Int32] = []
    public internal(set) var edgeLaneCount: [Int32] = []
    public internal(set) var edgeToJunction: [Int32] = []
    public internal(set) var edgeFromJunction: [Int32] = []
    public internal(set) var edgeIndex: [String: Int] = [:]

    // Lanes.
    public internal(set) var laneIDs: [String] = []
    public internal(set) var laneLength: [Double] = []
    public internal(set) var laneSpeed: [Double] = []
    public internal(set) var laneEdge: [Int32] = []
    public internal(set) var laneIndex: [Int32] = []
    public internal(set) var laneInternal: [Bool] = []
    /// Vehicle classes that may use each lane, one bit per `VehicleClassBits` class (sidewalks,
    /// bicycle, bus and rail lanes of real networks exclude passenger cars).
    public internal(set) var laneClasses: [UInt64] = []
    /// For internal lanes: the next lane (internal or normal), −1 if none.
    public internal(set) var internalNext: [Int32] = []
    /// For internal lanes: the internal lane before it on its junction path, −1 if none.
    public internal(set) var internalPrev: [Int32] = []
    /// For the first internal lane of a link with an internal junction: that link (else −1).
    public internal(set) var internalWaitLink: [Int32] = []
    /// For normal lanes: outgoing links in CSR (`laneLinkStart[l]..<laneLinkStart[l+1]`).
    public internal(set) var laneLinkStart: [Int32] = []
    /// For normal lanes: internal lanes whose chain ends on this lane (to check insertions).
    public internal(set) var laneFeeders: [[Int32]] = []

    // Links (ordered by from-lane).
    public internal(set) var linkFrom: [Int32] = []
    public internal(set) var linkTo: [Int32] = []
    public internal(set) var linkToEdge: [Int32] = []
    public internal(set) var linkVia: [Int32] = []
    /// Total length (m) of the internal lanes of the link.
    public internal(set) var linkLength: [Double] = []
    public internal(set) var linkJunction: [Int32] = []
    /// The signal controller (index into `signals`) and the index into its state strings, or −1.
    public internal(set) var linkSignal: [Int32] = []
    public internal(set) var linkSignalIndex: [Int32] = []
    public internal(set) var linkDirection: [TurnDirection] = []
    /// The unsignalised right of way (SUMO letter as ASCII).
    public internal(set) var linkState: [UInt8] = []
    public internal(set) var linkCont: [Bool] = []
    /// The internal lane a crossing vehicle occupies in the conflict area (−1 if none).
    public internal(set) var linkConflictLane: [Int32] = []
    public internal(set) var linkResponseStart: [Int32] = []
    public internal(set) var linkResponse: [Int32] = []
    public internal(set) var linkFoesStart: [Int32] = []
    public internal(set) var linkFoes: [Int32] = []

    // Junctions and signals.
    public internal(set) var junctionIDs: [String] = []
    public internal(set) var junctionTypes: [NetJunctionType] = []
    public internal(set) var signalIDs: [String] = []
    public internal(set) var signalPrograms: [NetSignalProgram] = []

    public var laneCount: Int { laneLength.count }
    public var linkCount: Int { linkFrom.count }
    public var edgeCount: Int { edgeIDs.count }

    /// Compiles `net`. Throws `InputError` (with the file and line) for inconsistencies the reader
    /// cannot see alone, such as an internal lane without a continuation.
    public init(_ net: LaneNetwork) throws {
        let file = net.source ?? "network"
        var laneByID: [String: Int32] = [:]
        var junctionByID: [String: Int32] = [:]
        for (k, j) in net.junctions.enumerated() where j.type != .internal {
            junctionByID[j.id] = Int32(junctionIDs.count)
            junctionIDs.append(j.id); junctionTypes.append(j.type)
            _ = k
        }
        for e in net.edges where e.function == .normal || e.function == .internal {
            let ei = Int32(edgeIDs.count)
            edgeIndex[e.id] = Int(ei)
            edgeIDs.append(e.id)
            edgeInternal.append(e.function == .internal)
            edgeLaneStart.append(Int32(laneIDs.count))
            edgeLaneCount.append(Int32(e.lanes.count))
            edgeFromJunction.append(e.from.flatMap { junctionByID[$0] } ?? -1)
            edgeToJunction.append(e.to.flatMap { junctionByID[$0] } ?? -1)
            for l in e.lanes {
                laneByID[l.id] = Int32(laneIDs.count)
                laneIDs.append(l.id)
                laneLength.append(max(l.length, 0.1))
                laneSpeed.append(l.speed)
                laneEdge.append(ei)
                laneIndex.append(Int32(l.index))
                laneInternal.append(e.function == .internal)
                laneClasses.append(VehicleClassBits.mask(allow: l.allow, disallow: l.disallow))
            }
        }
        let nl = laneIDs.count
        internalNext = Array(repeating: -1, count: nl)
        internalWaitLink = Array(repeating: -1, count: nl)
        laneFeeders = Array(repeating: [], count: nl)
        var signalByID: [String: Int32] = [:]
        for p in net.signalPrograms { signalByID[p.id] = Int32(signalIDs.count); signalIDs.append(p.id); signalPrograms.append(p) }

        // Request index of each conflict-area internal lane, per (non-internal) junction.
        var requestOfLane: [Int32: (junction: Int32, request: Int)] = [:]
        var requests: [[NetRequest]] = Array(repeating: [], count: junctionIDs.count)
        for j in net.junctions where j.type != .internal {
            guard let ji = junctionByID[j.id] else { continue }
            requests[Int(ji)] = j.requests.sorted { $0.index < $1.index }
            for (r, lid) in j.intLanes.enumerated() { if let l = laneByID[lid] { requestOfLane[l] = (ji, r) } }
        }

        // Chains of internal lanes (connections from internal edges).
        struct Pending { var conn: NetConnection; var from: Int32; var to: Int32; var via: Int32; var directRequest: (Int32, Int)? }
        var normal: [Pending] = []
        // Links without junction paths (nets without internal links): request i of a junction is
        // its i-th such connection in file order.
        var directCount: [Int32: Int] = [:]
        for c in net.connections {
            let loc = SourceLocation(file: file, line: c.line)
            guard let fe = edgeIndex[c.from], let te = edgeIndex[c.to] else { continue }   // crossings etc.
            let from = edgeLaneStart[fe] + Int32(c.fromLane)
            let to = edgeLaneStart[te] + Int32(c.toLane)
            var via: Int32 = -1
            if let v = c.via {
                guard let vl = laneByID[v] else { throw InputError(.danglingReference, "unknown via lane \(v)", at: loc) }
                via = vl
            }
            if edgeInternal[fe] {
                internalNext[Int(from)] = via >= 0 ? via : to
            } else if !edgeInternal[te] {
                var direct: (Int32, Int)?
                if via < 0 {
                    let j = edgeToJunction[fe]
                    if j >= 0 { direct = (j, directCount[j, default: 0]); directCount[j, default: 0] += 1 }
                    laneFeeders[Int(to)].append(from)
                }
                normal.append(Pending(conn: c, from: from, to: to, via: via, directRequest: direct))
            }
        }
        internalPrev = Array(repeating: -1, count: nl)
        for l in 0..<nl where laneInternal[l] {
            let nx = internalNext[l]
            if nx >= 0, laneInternal[Int(nx)] { internalPrev[Int(nx)] = Int32(l) }
        }
        // Internal lanes whose successor is on a normal edge feed that lane.
        for l in 0..<nl where laneInternal[l] {
            let nx = internalNext[l]
            if nx >= 0, !laneInternal[Int(nx)] { laneFeeders[Int(nx)].append(Int32(l)) }
        }
        normal.sort { ($0.from, $0.conn.line) < ($1.from, $1.conn.line) }
        laneLinkStart = Array(repeating: 0, count: nl + 1)
        var linkRequest: [(Int32, Int)] = []
        for p in normal {
            laneLinkStart[Int(p.from) + 1] += 1
            let k = Int32(linkFrom.count)
            linkFrom.append(p.from); linkTo.append(p.to); linkToEdge.append(laneEdge[Int(p.to)]); linkVia.append(p.via)
            linkDirection.append(p.conn.direction)
            linkState.append(p.conn.state.asciiValue ?? UInt8(ascii: "M"))
            if let tl = p.conn.tl, let s = signalByID[tl] {
                linkSignal.append(s); linkSignalIndex.append(Int32(p.conn.linkIndex ?? 0))
            } else { linkSignal.append(-1); linkSignalIndex.append(-1) }
            // Walk the internal chain: its length, its conflict lane and the junction request.
            var length = 0.0, conflict: Int32 = -1, req: (Int32, Int)? = nil
            var cur = p.via, steps = 0
            while cur >= 0, laneInternal[Int(cur)] {
                length += laneLength[Int(cur)]
                if req == nil, let r = requestOfLane[cur] { req = r; conflict = cur }
                let nx = internalNext[Int(cur)]
                guard nx >= 0 else {
                    throw InputError(.danglingReference, "internal lane \(laneIDs[Int(cur)]) has no continuation",
                                     at: SourceLocation(file: file, line: p.conn.line))
                }
                if steps == 0, nx >= 0, laneInternal[Int(nx)] { internalWaitLink[Int(cur)] = k }
                cur = nx; steps += 1
                if steps > 8 { throw InputError(.badValue, "internal lanes of \(p.conn.from)→\(p.conn.to) form a loop",
                                                at: SourceLocation(file: file, line: p.conn.line)) }
            }
            if p.via >= 0, cur != p.to {
                throw InputError(.danglingReference, "connection \(p.conn.from)→\(p.conn.to): via lanes end on \(cur >= 0 ? laneIDs[Int(cur)] : "nothing"), not lane \(p.conn.toLane)",
                                 at: SourceLocation(file: file, line: p.conn.line))
            }
            if req == nil, let d = p.directRequest, d.1 < requests[Int(d.0)].count { req = d }
            linkLength.append(length)
            linkConflictLane.append(conflict)
            let jn = req?.0 ?? edgeToJunction[Int(laneEdge[Int(p.from)])]
            linkJunction.append(jn)
            linkRequest.append(req ?? (jn, -1))
            var cont = false
            if let (j, r) = req, r < requests[Int(j)].count { cont = requests[Int(j)][r].cont }
            linkCont.append(cont && internalWaitLink[Int(p.via)] == k)
        }
        for l in 0..<nl { laneLinkStart[l + 1] += laneLinkStart[l] }
        // Map request indices back to links, per junction.
        var linkOfRequest: [[Int32]] = requests.map { Array(repeating: -1, count: $0.count) }
        for (k, (j, r)) in linkRequest.enumerated() where j >= 0 && r >= 0 && r < linkOfRequest[Int(j)].count {
            linkOfRequest[Int(j)][r] = Int32(k)
        }
        linkResponseStart = [0]; linkFoesStart = [0]
        for (k, (j, r)) in linkRequest.enumerated() {
            _ = k
            if j >= 0, r >= 0, r < requests[Int(j)].count {
                let row = requests[Int(j)][r]
                for (b, on) in row.response.enumerated() where on { let f = linkOfRequest[Int(j)][b]; if f >= 0 { linkResponse.append(f) } }
                for (b, on) in row.foes.enumerated() where on { let f = linkOfRequest[Int(j)][b]; if f >= 0 { linkFoes.append(f) } }
            }
            linkResponseStart.append(Int32(linkResponse.count)); linkFoesStart.append(Int32(linkFoes.count))
        }
    }

    /// The links of normal lane `lane`.
    @inlinable public func links(of lane: Int) -> Range<Int> { Int(laneLinkStart[lane])..<Int(laneLinkStart[lane + 1]) }

    /// The lanes of edge `e`.
    @inlinable public func lanes(of e: Int) -> Range<Int> {
        Int(edgeLaneStart[e])..<Int(edgeLaneStart[e] + edgeLaneCount[e])
    }

    /// The first link from `lane` onto edge `toEdge` whose target lane admits `classes`, preferring
    /// one whose target lane leads on to `thenEdge`; −1 when the lane has no such link.
    @inline(__always) public func link(from lane: Int, to toEdge: Int, then thenEdge: Int = -1,
                                       classes: UInt64 = VehicleClassBits.all) -> Int {
        var first = -1
        for k in links(of: lane) where Int(linkToEdge[k]) == toEdge && laneClasses[Int(linkTo[k])] & classes != 0 {
            if first < 0 { first = k }
            if thenEdge < 0 { return k }
            let t = Int(linkTo[k])
            if leads(t, to: thenEdge, classes: classes) { return k }
        }
        return first
    }

    /// Whether `lane` has a link onto `toEdge` whose target lane admits `classes`.
    @inline(__always) public func leads(_ lane: Int, to toEdge: Int, classes: UInt64 = VehicleClassBits.all) -> Bool {
        links(of: lane).contains { Int(linkToEdge[$0]) == toEdge && laneClasses[Int(linkTo[$0])] & classes != 0 }
    }
}

/// SUMO's vehicle classes as bits of a 64-bit mask (lane permissions `allow`/`disallow`, a vehicle
/// type's `vClass`). A class name SUMO does not define gets the bit `other`.
public enum VehicleClassBits {
    public static let names = ["ignoring", "private", "emergency", "authority", "army", "vip", "pedestrian", "passenger",
                               "hov", "taxi", "bus", "coach", "delivery", "truck", "trailer", "tram", "rail_urban", "rail",
                               "rail_electric", "rail_fast", "motorcycle", "moped", "bicycle", "evehicle", "ship",
                               "container", "cable_car", "subway", "aircraft", "wheelchair", "scooter", "drone",
                               "custom1", "custom2"]
    static let index: [String: Int] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    /// Every class.
    public static let all: UInt64 = ~0
    /// The bit of classes SUMO does not name.
    public static let other: UInt64 = 1 << 63

    /// The bit of class `name`.
    public static func bit(_ name: String) -> UInt64 { index[name].map { 1 << UInt64($0) } ?? other }

    /// The classes a lane admits: those of `allow` (nil: all; the word `all` stands for every
    /// class) minus those of `disallow`.
    public static func mask(allow: Set<String>?, disallow: Set<String>?) -> UInt64 {
        var m = all
        if let allow, !allow.contains("all") { m = allow.reduce(0) { $0 | bit($1) } }
        if let disallow { for c in disallow { m &= ~bit(c) } }
        return m
    }
}
