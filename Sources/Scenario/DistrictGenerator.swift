import CityModel
import Foundation
import Geometry
import SimCore

/// What the demo-district generator builds: a square district of `size` km on a side, placed near
/// 114.3°E 30.6°N in CGCS2000 / 3-degree Gauss-Krüger CM 114°E (EPSG:4547), with a river along
/// its east side.
public struct DistrictOptions: Hashable, Codable, Sendable {
    /// Seed of every random choice; the same seed and options give the same model, byte for byte.
    public var seed: UInt64
    /// Side of the square district (km), 0.5…5.
    public var size: Double
    /// Terrain cell size (m), 2…25; the side must be a whole number of cells.
    public var cellSize: Double
    /// South-west corner of the district (m, EPSG:4547).
    public var origin: Coordinate
    /// The model's name.
    public var name: String

    /// The default corner: (527 000 E, 3 384 700 N), about 114.28°E 30.59°N.
    public static let defaultOrigin = Coordinate(527_000, 3_384_700)

    public init(seed: UInt64, size: Double = 2, cellSize: Double = 10, origin: Coordinate = DistrictOptions.defaultOrigin,
                name: String = "district") {
        self.seed = seed; self.size = size; self.cellSize = cellSize; self.origin = origin; self.name = name
    }

    /// Refuses sizes and cell sizes outside their ranges, with a message naming the option.
    public func check() throws {
        guard size.isFinite, (0.5...5).contains(size) else {
            throw InputError(.badValue, "district size \(size) km is outside 0.5…5 km")
        }
        guard cellSize.isFinite, (2...25).contains(cellSize) else {
            throw InputError(.badValue, "terrain cell size \(cellSize) m is outside 2…25 m")
        }
        let cells = size * 1000 / cellSize
        guard abs(cells - cells.rounded()) < 1e-6 else {
            throw InputError(.badValue, "district side \(size * 1000) m is not a whole number of \(cellSize) m cells")
        }
        guard origin.isFinite else { throw InputError(.badValue, "origin \(origin) is not a finite coordinate") }
    }
}

/// Design values the generator uses (documented in docs/demo-district.md).
public enum DistrictDesign {
    /// Normal water level of the river (m).
    public static let waterLevel = 16.0
    /// Return period (years) the storm sewer is sized for with the rational method.
    public static let sewerReturnPeriod = 3.0
    /// Inlet (surface concentration) time t1 (min).
    public static let inletTime = 10.0
    /// Minimum soil cover over a pipe's crown (m).
    public static let minCover = 1.0
    /// Largest distance between manholes along a street (m).
    public static let manholeSpacing = 70.0
    /// Manning n of the concrete pipes (s·m^-1/3).
    public static let pipeRoughness = 0.013
    /// Standard circular pipe diameters (m).
    public static let diameters: [Double] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5]
    /// How far streets lie below the blocks beside them (m): the kerb height.
    public static let kerbHeight = 0.15
}

/// Builds a realistic, deterministic demo city district: terrain with a river edge and low-lying
/// pockets, a street network with signalised arterials and priority side streets (lanes, turn
/// connections, fixed-time signal programs), blocks of buildings, land-use parcels, a storm sewer
/// sized with the rational method, subcatchments and candidate sponge facilities.
///
/// Every random choice draws from a named `SeededRNG` stream of the seed (`terrain`, `streets`,
/// `landuse`, `buildings`), so changing one part of the generator does not reshuffle the others.
public enum DistrictGenerator {
    /// Generates the district. Throws `InputError` for options outside their ranges, and
    /// `InputError(.internalError)` if a generated layer fails its own consistency checks.
    public static func generate(_ options: DistrictOptions) throws -> CityModel {
        try options.check()
        let root = SeededRNG(seed: options.seed)
        let frame = DistrictFrame(options: options)

        var terrainRNG = root.stream(named: "terrain")
        let shore = Shoreline(frame: frame, rng: &terrainRNG)
        var streetRNG = root.stream(named: "streets")
        let streets = StreetLayout(frame: frame, shore: shore, rng: &streetRNG)
        let blocks = try BlockLayout(streets: streets)
        var landRNG = root.stream(named: "landuse")
        let zoning = Zoning(blocks: blocks, streets: streets, frame: frame, rng: &landRNG)
        let relief = Relief(frame: frame, shore: shore, pockets: zoning.pocketCentres, rng: &terrainRNG)
        let terrain = relief.raster(streets: streets)

        var model = CityModel(name: options.name, crs: .epsg(4547))
        model.terrain = Terrain(elevation: terrain)

        var buildingRNG = root.stream(named: "buildings")
        let lots = try BuildingLayout(blocks: blocks, zoning: zoning, rng: &buildingRNG)
        model.buildings = lots.buildings
        let parcels = ParcelLayout(blocks: blocks, zoning: zoning, streets: streets, shore: shore, frame: frame,
                                   buildings: lots, relief: relief)
        model.landUse = parcels.parcels

        let roads = RoadBuilder(streets: streets)
        model.roadNodes = roads.nodes
        model.roadEdges = roads.edges
        model.roadConnections = roads.connections
        model.signalPrograms = SignalPlanner(streets: streets, roads: roads).programs

        let sewer = try SewerDesigner(streets: streets, shore: shore, terrain: terrain, parcels: parcels, relief: relief)
        model.drainageNodes = sewer.nodes
        model.drainageLinks = sewer.links
        model.subcatchments = sewer.subcatchments
        model.sensors = sewer.sensors(pockets: zoning.pocketCentres, centre: frame.centre)
        return model
    }
}

/// The district's square in the model CRS: local coordinates (u east, v north, metres from the
/// south-west corner) and their map positions.
struct DistrictFrame {
    let origin: Coordinate
    /// Side (m).
    let side: Double
    let cellSize: Double

    init(options: DistrictOptions) {
        origin = options.origin; side = options.size * 1000; cellSize = options.cellSize
    }

    func map(_ u: Double, _ v: Double) -> Coordinate { Coordinate(origin.x + u, origin.y + v) }
    func local(_ c: Coordinate) -> (u: Double, v: Double) { (c.x - origin.x, c.y - origin.y) }
    var centre: Coordinate { map(side / 2, side / 2) }
}

// MARK: - Small helpers shared by the generator's files

extension SeededRNG {
    /// A uniform double in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * nextDouble() }
    /// A uniform integer in lo...hi.
    mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + Int(nextInt(below: UInt64(hi - lo + 1))) }
    /// True with probability p.
    mutating func chance(_ p: Double) -> Bool { nextDouble() < p }
}

/// Rounds to `places` decimals (the generator writes centimetre positions and elevations).
func rounded(_ x: Double, _ places: Int = 2) -> Double {
    let f = pow(10, Double(places))
    return (x * f).rounded() / f
}

func rounded(_ c: Coordinate) -> Coordinate { Coordinate(rounded(c.x), rounded(c.y)) }

/// Planar vector helpers on `Coordinate`.
extension Coordinate {
    static func + (a: Coordinate, b: Coordinate) -> Coordinate { Coordinate(a.x + b.x, a.y + b.y) }
    static func - (a: Coordinate, b: Coordinate) -> Coordinate { Coordinate(a.x - b.x, a.y - b.y) }
    static func * (a: Coordinate, k: Double) -> Coordinate { Coordinate(a.x * k, a.y * k) }
    var norm: Double { (x * x + y * y).squareRoot() }
    var unit: Coordinate { let n = norm; return n > 0 ? Coordinate(x / n, y / n) : self }
    /// Rotated 90° counter-clockwise.
    var leftNormal: Coordinate { Coordinate(-y, x) }
    func dot(_ o: Coordinate) -> Double { x * o.x + y * o.y }
    func cross(_ o: Coordinate) -> Double { x * o.y - y * o.x }
    var angle: Double { atan2(y, x) }
}

/// Closes a ring and returns it counter-clockwise.
func ccwRing(_ pts: [Coordinate]) -> [Coordinate] {
    var r = pts
    if let f = r.first, r.last != f { r.append(f) }
    return Polygon.signedArea(r) < 0 ? r.reversed() : r
}

/// Area-weighted centroid of a closed ring.
func centroid(_ ring: [Coordinate]) -> Coordinate {
    var a = 0.0, cx = 0.0, cy = 0.0
    for i in 0..<(ring.count - 1) {
        let p = ring[i], q = ring[i + 1], w = p.x * q.y - q.x * p.y
        a += w; cx += (p.x + q.x) * w; cy += (p.y + q.y) * w
    }
    guard abs(a) > 1e-12 else { return ring.first ?? Coordinate(0, 0) }
    return Coordinate(cx / (3 * a), cy / (3 * a))
}

/// Distance from point p to segment ab.
func distanceToSegment(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
    let ab = b - a, len2 = ab.dot(ab)
    let t = len2 > 0 ? max(0, min(1, (p - a).dot(ab) / len2)) : 0
    return p.distance(to: a + ab * t)
}
