import Foundation
import Testing
@testable import Geometry

@Suite struct GEOSTests {
    let geos = GeosContext()

    static func square(_ x: Double, _ y: Double, _ side: Double = 10) -> Shape {
        .polygon(Polygon(box: BBox(minX: x, minY: y, maxX: x + side, maxY: y + side)))
    }
    static let bowTie = Shape.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(10, 10), Coordinate(0, 10),
                                                         Coordinate(10, 0), Coordinate(0, 0)]))

    @Test func intersectionOfOffsetSquares() throws {
        let i = try geos.intersection(Self.square(0, 0), Self.square(5, 5))
        #expect(try geos.area(i) == 25)                       // exact: axis-aligned overlay
        guard case .polygon(let p) = i else { Issue.record("expected a polygon, got \(WKT.format(i))"); return }
        #expect(p.bbox == BBox(minX: 5, minY: 5, maxX: 10, maxY: 10))
        #expect(try geos.intersects(Self.square(0, 0), Self.square(5, 5)))
        #expect(try !geos.intersects(Self.square(0, 0), Self.square(20, 0)))
    }

    @Test func disjointIntersectionIsEmpty() throws {
        let i = try geos.intersection(Self.square(0, 0), Self.square(20, 20))
        #expect(try geos.area(i) == 0)
        #expect(i.allCoordinates.isEmpty)
    }

    @Test func unitBufferAreaApproachesPi() throws {
        // 32 segments per quadrant: a regular 128-gon inscribed in the unit circle, area (n/2)·sin(2π/n) ≈ π − 0.00126.
        let b = try geos.buffer(.point(Coordinate(0, 0)), distance: 1, quadrantSegments: 32)
        let a = try geos.area(b)
        #expect(abs(a - Double.pi) < 0.002, "area \(a)")
        #expect(a < Double.pi)                                  // inscribed polygon
        let n = 128.0
        #expect(abs(a - n / 2 * sin(2 * Double.pi / n)) < 1e-12)
        let coarse = try geos.area(try geos.buffer(.point(Coordinate(0, 0)), distance: 1, quadrantSegments: 2))
        #expect(abs(coarse - 2 * 2.0.squareRoot()) < 1e-12)    // a regular octagon inscribed in the unit circle
    }

    @Test func bowTieIsInvalidAndMadeValid() throws {
        #expect(try !geos.isValid(Self.bowTie))
        let reason = try geos.validityReason(Self.bowTie)
        #expect(reason?.contains("Self-intersection") == true, "\(reason ?? "nil")")
        #expect(reason == "Self-intersection[5 5]")
        let fixed = try geos.makeValid(Self.bowTie)
        #expect(try geos.isValid(fixed))
        #expect(try abs(geos.area(fixed) - 50) < 1e-9)
        guard case .multiPolygon(let m) = fixed else { Issue.record("expected a multipolygon: \(WKT.format(fixed))"); return }
        #expect(m.polygons.count == 2)
    }

    @Test func validShapesHaveNoReason() throws {
        #expect(try geos.validityReason(Self.square(0, 0)) == nil)
        #expect(try geos.isValid(.polygon(Fixtures.squareWithHole)))
        #expect(try geos.isValid(.lineString(Polyline([Coordinate(0, 0), Coordinate(1, 1)]))))
    }

    @Test func unbuildableShapesAreInvalidWithGEOSMessage() throws {
        let open = Shape.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10)]))
        #expect(try !geos.isValid(open))
        #expect(try geos.validityReason(open)?.contains("closed linestring") == true)
        let e = #expect(throws: InputError.self) { try geos.area(open) }
        #expect(e?.code == .invalidGeometry)
        #expect(e?.message.contains("LinearRing") == true, "\(e?.message ?? "")")
        // makeValid closes the ring first.
        #expect(try geos.area(geos.makeValid(open)) == 100)
        let onePoint = Shape.lineString(Polyline([Coordinate(0, 0)]))
        #expect(try !geos.isValid(onePoint))
        #expect(throws: InputError.self) { try geos.length(onePoint) }
    }

    @Test func unions() throws {
        let u = try geos.union(Self.square(0, 0), Self.square(5, 5))
        #expect(try geos.area(u) == 175)                      // 100 + 100 − 25
        let apart = try geos.union(Self.square(0, 0), Self.square(20, 0))
        #expect(try geos.area(apart) == 200)
        guard case .multiPolygon(let m) = apart else { Issue.record("\(WKT.format(apart))"); return }
        #expect(m.polygons.count == 2)
        // A 4×4 block of touching unit squares dissolves into one 16 m² square with perimeter 16.
        let cells = (0..<16).map { Self.square(Double($0 % 4), Double($0 / 4), 1) }
        let all = try geos.unaryUnion(cells)
        #expect(try geos.area(all) == 16)
        #expect(try abs(geos.length(all) - 16) < 1e-12)
        guard case .polygon = all else { Issue.record("\(WKT.format(all))"); return }
        #expect(try geos.unaryUnion([]) == .multiPolygon(MultiPolygon([])))
    }

    @Test func measuresAndPredicates() throws {
        let l = Shape.lineString(Polyline([Coordinate(0, 0), Coordinate(3, 4), Coordinate(3, 10)]))
        #expect(try geos.length(l) == 11)
        #expect(try geos.area(l) == 0)
        #expect(try geos.area(.polygon(Fixtures.squareWithHole)) == 100 - 4 - 2)
        #expect(try geos.contains(Self.square(0, 0), .point(Coordinate(5, 5))))
        #expect(try !geos.contains(.polygon(Fixtures.squareWithHole), .point(Coordinate(3, 3))))  // in the hole
        #expect(try !geos.contains(Self.square(0, 0), .lineString(Polyline([Coordinate(0, 0), Coordinate(10, 0)]))))
        #expect(try geos.intersects(Self.square(0, 0), .lineString(Polyline([Coordinate(0, 0), Coordinate(10, 0)]))))
    }

    @Test(arguments: Fixtures.shapes)
    func shapesSurviveTheBridge(_ s: Shape) throws {
        // Build the GEOS geometry and read it back: every type, holes and empties, bit for bit.
        let g = try geos.geometry(s)
        defer { GEOSGeomDestroy(geos, g) }
        let back = try geos.shape(g)
        #expect(Fixtures.identical(back, s), "\(WKT.format(s)) came back as \(WKT.format(back))")
    }

    @Test func emptyPointAndMixedResults() throws {
        let e = try geos.buffer(.point(Coordinate(.nan, .nan)), distance: 1)
        #expect(try geos.area(e) == 0)
        // Squares sharing only an edge: the intersection is a line (dimension 1).
        let edge = try geos.intersection(Self.square(0, 0), Self.square(10, 0))
        #expect(try geos.length(edge) == 10)
        #expect(try geos.area(edge) == 0)
    }

    @Test func contextsOnSeveralThreads() async throws {
        // Eight tasks, each with its own context (and the per-thread one), 300 buffers apiece.
        let areas = try await withThrowingTaskGroup(of: Double.self) { group in
            for k in 0..<8 {
                group.addTask {
                    let own = GeosContext()
                    var sum = 0.0
                    for i in 0..<300 {
                        let g = i.isMultiple(of: 2) ? own : GeosContext.forCurrentThread
                        let b = try g.buffer(.point(Coordinate(Double(k), Double(i))), distance: 1, quadrantSegments: 8)
                        sum += try g.area(b)
                    }
                    return sum
                }
            }
            return try await group.reduce(into: [Double]()) { $0.append($1) }
        }
        let one = 16 * sin(2 * Double.pi / 32)                  // 32-gon inscribed in the unit circle
        #expect(areas.count == 8)
        for a in areas { #expect(abs(a - 300 * one) < 1e-9) }
    }

    @Test func forCurrentThreadIsStablePerThread() throws {
        #expect(GeosContext.forCurrentThread === GeosContext.forCurrentThread)
        let other = Thread.detachNewThreadAndWait { ObjectIdentifier(GeosContext.forCurrentThread) }
        #expect(other != ObjectIdentifier(GeosContext.forCurrentThread))
    }
}

import CGEOS
func GEOSGeomDestroy(_ c: GeosContext, _ g: OpaquePointer) { GEOSGeom_destroy_r(c.handle, g) }

extension Thread {
    /// Runs `body` on a new thread and returns its result.
    static func detachNewThreadAndWait<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        Thread.detachNewThread { box.value = body(); box.done.signal() }
        box.done.wait()
        return box.value!
    }
}

final class ResultBox<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}
