/// A connected sequence of line segments (OGC LineString). Valid when it has at least two points.
public struct Polyline: Hashable, Codable, Sendable {
    public var points: [Coordinate]
    public init(_ points: [Coordinate]) { self.points = points }

    /// Planar length in CRS units.
    public var length: Double {
        guard points.count > 1 else { return 0 }
        var s = 0.0
        for i in 1..<points.count { s += points[i - 1].distance(to: points[i]) }
        return s
    }
    public var bbox: BBox { BBox(around: points) }

    /// The point at distance `d` along the line, clamped to its ends.
    public func point(atDistance d: Double) -> Coordinate? {
        guard let first = points.first else { return nil }
        if d <= 0 { return first }
        var left = d
        for i in 1..<max(points.count, 1) {
            let a = points[i - 1], b = points[i], seg = a.distance(to: b)
            if left <= seg, seg > 0 {
                let t = left / seg
                return Coordinate(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
            }
            left -= seg
        }
        return points.last
    }
}

/// A polygon: one exterior ring and zero or more holes. Rings are closed (first == last point).
/// Orientation is not enforced; writers that need one (GeoJSON: exterior counter-clockwise) fix it.
public struct Polygon: Hashable, Codable, Sendable {
    public var exterior: [Coordinate]
    public var holes: [[Coordinate]]
    public init(exterior: [Coordinate], holes: [[Coordinate]] = []) { self.exterior = exterior; self.holes = holes }

    /// A rectangle as a closed counter-clockwise ring.
    public init(box b: BBox) {
        self.init(exterior: [Coordinate(b.minX, b.minY), Coordinate(b.maxX, b.minY), Coordinate(b.maxX, b.maxY),
                             Coordinate(b.minX, b.maxY), Coordinate(b.minX, b.minY)])
    }

    public var rings: [[Coordinate]] { [exterior] + holes }
    public var bbox: BBox { BBox(around: exterior) }

    /// Planar area in CRS units squared: exterior minus holes, whatever the ring orientation.
    public var area: Double { abs(Polygon.signedArea(exterior)) - holes.reduce(0) { $0 + abs(Polygon.signedArea($1)) } }

    /// Shoelace area of a ring: positive when counter-clockwise.
    public static func signedArea(_ ring: [Coordinate]) -> Double {
        guard ring.count > 2 else { return 0 }
        var s = 0.0
        var j = ring.count - 1
        for i in 0..<ring.count { s += (ring[j].x - ring[i].x) * (ring[j].y + ring[i].y); j = i }
        return s / 2
    }

    /// Even-odd point-in-polygon test (points on the boundary may go either way).
    public func contains(_ p: Coordinate) -> Bool {
        func inRing(_ r: [Coordinate]) -> Bool {
            var inside = false
            var j = r.count - 1
            for i in 0..<r.count {
                let a = r[i], b = r[j]
                if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                j = i
            }
            return inside
        }
        guard inRing(exterior) else { return false }
        return !holes.contains(where: inRing)
    }
}

/// A set of polygons (OGC MultiPolygon).
public struct MultiPolygon: Hashable, Codable, Sendable {
    public var polygons: [Polygon]
    public init(_ polygons: [Polygon]) { self.polygons = polygons }
    public var area: Double { polygons.reduce(0) { $0 + $1.area } }
    public var bbox: BBox { polygons.reduce(BBox.empty) { $0.union($1.bbox) } }
    public func contains(_ p: Coordinate) -> Bool { polygons.contains { $0.contains(p) } }
}

/// Any of the OGC simple-feature geometries in two dimensions.
public enum Shape: Hashable, Codable, Sendable {
    case point(Coordinate)
    case multiPoint([Coordinate])
    case lineString(Polyline)
    case multiLineString([Polyline])
    case polygon(Polygon)
    case multiPolygon(MultiPolygon)

    /// The OGC type name (`Point`, `LineString`, …), as WKT and GeoJSON spell it.
    public var typeName: String {
        switch self {
        case .point: "Point"
        case .multiPoint: "MultiPoint"
        case .lineString: "LineString"
        case .multiLineString: "MultiLineString"
        case .polygon: "Polygon"
        case .multiPolygon: "MultiPolygon"
        }
    }

    /// Every coordinate, ring by ring, in order.
    public var allCoordinates: [Coordinate] {
        switch self {
        case .point(let c): [c]
        case .multiPoint(let cs): cs
        case .lineString(let l): l.points
        case .multiLineString(let ls): ls.flatMap(\.points)
        case .polygon(let p): p.rings.flatMap { $0 }
        case .multiPolygon(let m): m.polygons.flatMap { $0.rings.flatMap { $0 } }
        }
    }

    public var bbox: BBox { BBox(around: allCoordinates) }

    /// The same shape with every coordinate passed through `f`.
    public func mapCoordinates(_ f: (Coordinate) throws -> Coordinate) rethrows -> Shape {
        func ring(_ r: [Coordinate]) throws -> [Coordinate] { try r.map(f) }
        func poly(_ p: Polygon) throws -> Polygon { Polygon(exterior: try ring(p.exterior), holes: try p.holes.map(ring)) }
        switch self {
        case .point(let c): return .point(try f(c))
        case .multiPoint(let cs): return .multiPoint(try ring(cs))
        case .lineString(let l): return .lineString(Polyline(try ring(l.points)))
        case .multiLineString(let ls): return .multiLineString(try ls.map { Polyline(try ring($0.points)) })
        case .polygon(let p): return .polygon(try poly(p))
        case .multiPolygon(let m): return .multiPolygon(MultiPolygon(try m.polygons.map(poly)))
        }
    }
}
