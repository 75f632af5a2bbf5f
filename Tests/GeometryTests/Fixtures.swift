import Geometry

/// Shapes of every type, with awkward numbers, holes and multi-members, shared by the codec tests.
enum Fixtures {
    static let square = Polygon(exterior: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)])
    static let squareWithHole = Polygon(
        exterior: square.exterior,
        holes: [[Coordinate(2, 2), Coordinate(2, 4), Coordinate(4, 4), Coordinate(4, 2), Coordinate(2, 2)],
                [Coordinate(6, 6), Coordinate(6, 8), Coordinate(8, 8), Coordinate(6, 6)]])

    static let shapes: [Shape] = [
        .point(Coordinate(114.3025, 30.5447)),
        .point(Coordinate(-0.0, 1e-300)),
        .point(Coordinate(0.1 + 0.2, 1.0 / 3.0)),
        .point(Coordinate(529026.4536021, -3380536.174129)),
        .multiPoint([Coordinate(1, 2), Coordinate(3.25, -4.5e20)]),
        .multiPoint([]),
        .point(Coordinate(.nan, .nan)),
        .multiPoint([Coordinate(1, 2), Coordinate(.nan, .nan)]),
        .lineString(Polyline([Coordinate(0, 0), Coordinate(1.5, 2.25), Coordinate(1e-7, 123456789.123)])),
        .lineString(Polyline([])),
        .multiLineString([Polyline([Coordinate(0, 0), Coordinate(1, 1)]),
                          Polyline([Coordinate(2, 2), Coordinate(3, 3), Coordinate(4, 2)])]),
        .multiLineString([Polyline([]), Polyline([Coordinate(0, 0), Coordinate(1, 1)])]),
        .multiLineString([]),
        .polygon(square),
        .polygon(squareWithHole),
        .polygon(Polygon(exterior: [])),
        .multiPolygon(MultiPolygon([squareWithHole,
                                    Polygon(box: BBox(minX: 20, minY: 20, maxX: 25.5, maxY: 21.125))])),
        .multiPolygon(MultiPolygon([Polygon(exterior: []), square])),
        .multiPolygon(MultiPolygon([])),
    ]

    /// Bit-exact equality (so -0.0 ≠ 0.0 and NaN = NaN), ring by ring.
    static func identical(_ a: Shape, _ b: Shape) -> Bool {
        guard a.typeName == b.typeName else { return false }
        func same(_ p: [Coordinate], _ q: [Coordinate]) -> Bool {
            p.count == q.count && zip(p, q).allSatisfy { $0.x.bitPattern == $1.x.bitPattern && $0.y.bitPattern == $1.y.bitPattern }
        }
        switch (a, b) {
        case (.polygon(let p), .polygon(let q)):
            return p.holes.count == q.holes.count && zip(p.rings, q.rings).allSatisfy(same)
        case (.multiPolygon(let p), .multiPolygon(let q)):
            return p.polygons.count == q.polygons.count && zip(p.polygons, q.polygons).allSatisfy {
                $0.holes.count == $1.holes.count && zip($0.rings, $1.rings).allSatisfy(same)
            }
        case (.multiLineString(let p), .multiLineString(let q)):
            return p.count == q.count && zip(p, q).allSatisfy { same($0.points, $1.points) }
        default:
            return same(a.allCoordinates, b.allCoordinates)
        }
    }
}
