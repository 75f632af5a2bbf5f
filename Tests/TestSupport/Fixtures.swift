import CityModel
import Foundation
import Geometry

/// A small, valid model built in code: two streets through a junction, one building and parcel, a
/// three-node sewer with an outfall, one subcatchment and a rain gauge.
public func makeValidModel() -> CityModel {
    var m = CityModel(name: "fixture", crs: .epsg(4547))
    let o = Coordinate(529000, 3380500)
    func at(_ dx: Double, _ dy: Double) -> Coordinate { Coordinate(o.x + dx, o.y + dy) }
    m.roadNodes = [RoadNode(id: "A", position: at(0, 0), control: .priority),
                   RoadNode(id: "B", position: at(100, 0), control: .trafficLight),
                   RoadNode(id: "C", position: at(200, 0), control: .priority)]
    m.roadEdges = [RoadEdge(id: "AB", from: "A", to: "B", shape: Polyline([at(0, 0), at(100, 0)]), lanes: 2, speed: 13.9),
                   RoadEdge(id: "BC", from: "B", to: "C", shape: Polyline([at(100, 0), at(200, 0)]), lanes: 1, speed: 13.9)]
    m.roadConnections = [RoadConnection(id: "c0", fromEdge: "AB", fromLane: 0, toEdge: "BC", toLane: 0, direction: .straight,
                                        signal: "TL", linkIndex: 0)]
    m.signalPrograms = [SignalProgram(id: "TL", node: "B", phases: [SignalPhase(duration: 30, state: "G"),
                                                                    SignalPhase(duration: 3, state: "y"),
                                                                    SignalPhase(duration: 30, state: "r")])]
    m.buildings = [Building(id: "b1", footprint: .polygon(Polygon(box: BBox(minX: o.x + 10, minY: o.y + 10, maxX: o.x + 40, maxY: o.y + 30))), height: 15)]
    m.landUse = [Parcel(id: "p1", shape: .polygon(Polygon(box: BBox(minX: o.x, minY: o.y + 5, maxX: o.x + 90, maxY: o.y + 90))),
                        landUse: "residential", imperviousness: 0.6, manningN: 0.05, soil: .loam)]
    m.drainageNodes = [DrainageNode(id: "J1", kind: .junction, position: at(0, 0), invert: 18, rim: 20),
                       DrainageNode(id: "J2", kind: .junction, position: at(100, 0), invert: 17.5, rim: 20),
                       DrainageNode(id: "O1", kind: .outfall, position: at(200, 0), invert: 17, rim: nil)]
    func conduit(_ id: String, _ a: String, _ b: String) -> DrainageLink {
        var l = DrainageLink(id: EntityID(id), kind: .conduit, from: EntityID(a), to: EntityID(b))
        l.crossSection = CrossSection(shape: .circular, geom1: 0.6)
        l.conduit = ConduitParameters(length: 100, roughness: 0.013)
        return l
    }
    m.drainageLinks = [conduit("L1", "J1", "J2"), conduit("L2", "J2", "O1")]
    var s = Subcatchment(id: "S1", outlet: "J1", area: 8100, width: 90, slope: 0.01, imperviousness: 0.6)
    s.rainGauge = "RG"
    s.infiltration = .horton(maxRate: 76.2, minRate: 12.7, decay: 4, dryTime: 7, maxVolume: 0)
    m.subcatchments = [s]
    m.sensors = [Sensor(id: "RG", position: at(50, 50), kind: .rainGauge),
                 Sensor(id: "LV", position: at(100, 0), kind: .waterLevel, target: "drainage_nodes:J2")]
    return m
}

extension Array where Element == ValidationIssue {
    public var errors: [ValidationIssue] { filter { $0.severity == .error } }
    /// The codes of the errors, for exact comparison.
    public var errorCodes: [ErrorCode] { errors.map(\.code) }
}

/// The package's root folder (for the bundled models under `Models/`).
public let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A fresh empty folder under the system's temporary folder, removed by `cleanUp()`.
public struct TemporaryFolder: ~Copyable {
    public let path: String
    public init() {
        path = NSTemporaryDirectory() + "citytwin-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    /// Names of the entries in the folder, sorted.
    public func contents() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes text to a file (tests' fixtures).
public func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

/// Whether two models hold the same content (name, CRS, terrain and every layer), ignoring where
/// entities came from. `tolerance` (CRS units) allows reprojected coordinates to differ slightly;
/// 0 demands bit-identical coordinates.
public func sameContent(_ a: CityModel, _ b: CityModel, tolerance: Double = 0) -> [String] {
    var diffs: [String] = []
    if a.name != b.name { diffs.append("name \(a.name) ≠ \(b.name)") }
    if a.crs != b.crs { diffs.append("crs \(a.crs) ≠ \(b.crs)") }
    if a.terrain != b.terrain { diffs.append("terrain differs") }
    func close(_ s: Shape?, _ t: Shape?) -> Bool {
        guard let s, let t else { return s == nil && t == nil }
        let p = s.allCoordinates, q = t.allCoordinates
        return s.typeName == t.typeName && p.count == q.count && zip(p, q).allSatisfy { $0.distance(to: $1) <= tolerance }
    }
    func compare<E: ModelEntity & Equatable>(_ x: [E], _ y: [E]) {
        guard x.count == y.count else { diffs.append("\(E.layer): \(x.count) ≠ \(y.count) entities"); return }
        for (u, v) in zip(x, y) {
            var u2 = u, v2 = v
            u2.shape = nil; v2.shape = nil
            if u2 != v2 { diffs.append("\(E.layer) \(u.id): fields differ: \(u2) vs \(v2)") }
            if !close(u.shape, v.shape) { diffs.append("\(E.layer) \(u.id): shapes differ: \(String(describing: u.shape)) vs \(String(describing: v.shape))") }
        }
    }
    compare(a.buildings, b.buildings); compare(a.landUse, b.landUse); compare(a.roadNodes, b.roadNodes)
    compare(a.roadEdges, b.roadEdges); compare(a.roadConnections, b.roadConnections); compare(a.signalPrograms, b.signalPrograms)
    compare(a.drainageNodes, b.drainageNodes); compare(a.drainageLinks, b.drainageLinks)
    compare(a.subcatchments, b.subcatchments); compare(a.sensors, b.sensors)
    return diffs
}

/// The fixture model with a small terrain grid and a few attributes of every JSON kind, to exercise
/// every path of the readers and writers.
public func makeRichModel() -> CityModel {
    var m = makeValidModel()
    var r = Raster<Double>(grid: GridSpec(width: 4, height: 3, originX: 528990, originY: 3380490, cellSize: 10), fill: 20, noData: -9999)
    for i in r.values.indices { r.values[i] = 20 + Double(i) * 0.1 + 1e-9 }
    r[0, 0] = -9999
    m.terrain = Terrain(elevation: r)
    m.buildings[0].attributes = ["year_built": .number(1998), "listed": .bool(true), "owner": .string("city \"housing\""),
                                 "tags": .array([.string("a"), .number(2)]), "notes": .null]
    m.buildings[0].floors = 5
    m.buildings[0].use = "residential"
    m.roadEdges[0].name = "Jiefang Avenue"
    m.roadEdges[0].length = 101.5
    m.drainageNodes[2].outfall = .fixed(stage: 17.25)
    m.drainageNodes.append({
        var s = DrainageNode(id: "ST", kind: .storage, position: Coordinate(529050, 3380450), invert: 16, rim: 19)
        s.storage = .tabular(depths: [0, 1, 3], areas: [100, 150, 400])
        return s
    }())
    m.drainageLinks.append({
        var w = DrainageLink(id: "W1", kind: .weir, from: "ST", to: "O1", shape: Polyline([Coordinate(529050, 3380450), Coordinate(529200, 3380500)]))
        w.crossSection = CrossSection(shape: .rectangularOpen, geom1: 1, geom2: 2)
        w.weir = WeirParameters(type: .transverse, crestHeight: 2.5, dischargeCoefficient: 1.84)
        return w
    }())
    m.subcatchments[0].shape = m.landUse[0].shape
    return m
}

/// The shared reference cases (`../shared/reference` from the package root), or nil when the folder
/// is absent (a user's fresh clone). Tests that need it skip with a message naming the folder:
///
///     @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"))
public let sharedReference: String? = {
    let path = ((packageRoot as NSString).deletingLastPathComponent as NSString)
        .appendingPathComponent("shared/reference")
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue ? path : nil
}()

/// A one-lane road network with a detour, at 13.89 m/s: S→A→B→C→E is the fast way from S to E,
/// S→A→D→C→E the way round (D lies 400 m north of B). Nodes are at y = 0 from x = −300 m (S) to
/// x = 900 m (E), 300 m apart; edges are named by their ends ("SA", "AB", …).
public func detourRoadModel(name: String) -> CityModel {
    var m = CityModel(name: name, crs: .epsg(4547))
    let pts: [(String, Double, Double)] = [("S", -300, 0), ("A", 0, 0), ("B", 300, 0), ("C", 600, 0), ("D", 300, 400), ("E", 900, 0)]
    var p: [String: Coordinate] = [:]
    for (id, x, y) in pts {
        p[id] = Coordinate(x, y)
        m.roadNodes.append(RoadNode(id: EntityID(id), position: Coordinate(x, y), control: .priority))
    }
    func edge(_ a: String, _ b: String) -> RoadEdge {
        RoadEdge(id: EntityID(a + b), from: EntityID(a), to: EntityID(b), shape: Polyline([p[a]!, p[b]!]), lanes: 1, speed: 13.89)
    }
    m.roadEdges = [edge("S", "A"), edge("A", "B"), edge("B", "C"), edge("A", "D"), edge("D", "C"), edge("C", "E")]
    func conn(_ id: String, _ a: String, _ b: String, _ d: TurnDirection) -> RoadConnection {
        RoadConnection(id: EntityID(id), fromEdge: EntityID(a), fromLane: 0, toEdge: EntityID(b), toLane: 0, direction: d)
    }
    m.roadConnections = [conn("1", "SA", "AB", .straight), conn("2", "SA", "AD", .left), conn("3", "AB", "BC", .straight),
                         conn("4", "AD", "DC", .right), conn("5", "BC", "CE", .straight), conn("6", "DC", "CE", .left)]
    return m
}
