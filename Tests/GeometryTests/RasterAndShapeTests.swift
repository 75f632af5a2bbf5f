import Geometry
import Testing

@Suite struct RasterAndShapeTests {
    // A 4 × 3 grid of 10 m cells whose lower-left corner is at (100, 200): it spans x 100…140, y 200…230.
    let grid = GridSpec(width: 4, height: 3, originX: 100, originY: 200, cellSize: 10)

    @Test func rowZeroIsNorthAndIndexIsRowMajor() {
        #expect(grid.cell(containing: Coordinate(101, 229))! == (0, 0))      // north-west corner cell
        #expect(grid.cell(containing: Coordinate(139, 201))! == (2, 3))      // south-east corner cell
        #expect(grid.index(row: 2, col: 3) == 11)
        #expect(grid.center(row: 0, col: 0) == Coordinate(105, 225))
        #expect(grid.center(row: 2, col: 3) == Coordinate(135, 205))
        for r in 0..<3 { for c in 0..<4 { #expect(grid.cell(containing: grid.center(row: r, col: c))! == (r, c)) } }
    }

    @Test func edgesAndOutside() {
        // An inner edge belongs to the cell east / south of it.
        #expect(grid.cell(containing: Coordinate(110, 225))! == (0, 1))
        #expect(grid.cell(containing: Coordinate(105, 220))! == (1, 0))
        #expect(grid.cell(containing: Coordinate(99.999, 215)) == nil)
        #expect(grid.cell(containing: Coordinate(140, 215)) == nil)
        #expect(grid.cell(containing: Coordinate(120, 230.001)) == nil)
        #expect(grid.cell(containing: Coordinate(.nan, 215)) == nil)
        #expect(grid.bbox == BBox(minX: 100, minY: 200, maxX: 140, maxY: 230))
    }

    @Test func rasterValueAtSkipsNoData() {
        var r = Raster<Double>(grid: grid, fill: 1, noData: -9999)
        r[1, 2] = 7
        r[0, 0] = -9999
        #expect(r.value(at: Coordinate(125, 215)) == 7)
        #expect(r.value(at: Coordinate(105, 225)) == nil)
        #expect(r.value(at: Coordinate(0, 0)) == nil)
        #expect(r.values[grid.index(row: 1, col: 2)] == 7)
    }

    @Test func pointAlongAPolyline() {
        let l = Polyline([Coordinate(0, 0), Coordinate(3, 4), Coordinate(3, 10)])   // 5 m then 6 m
        #expect(l.length == 11)
        #expect(l.point(atDistance: -1) == Coordinate(0, 0))
        #expect(l.point(atDistance: 2.5) == Coordinate(1.5, 2))
        #expect(l.point(atDistance: 8) == Coordinate(3, 7))
        #expect(l.point(atDistance: 50) == Coordinate(3, 10))
        #expect(Polyline([]).point(atDistance: 1) == nil)
    }

    @Test func polygonAreaAndContainmentWithAHole() {
        let p = Polygon(exterior: [Coordinate(0, 0), Coordinate(0, 10), Coordinate(10, 10), Coordinate(10, 0), Coordinate(0, 0)],  // clockwise
                        holes: [[Coordinate(4, 4), Coordinate(6, 4), Coordinate(6, 6), Coordinate(4, 6), Coordinate(4, 4)]])
        #expect(p.area == 96)
        #expect(p.contains(Coordinate(2, 2)))
        #expect(!p.contains(Coordinate(5, 5)))
        #expect(!p.contains(Coordinate(11, 5)))
        let m = MultiPolygon([p, Polygon(box: BBox(minX: 20, minY: 0, maxX: 22, maxY: 1))])
        #expect(m.area == 98)
        #expect(m.contains(Coordinate(21, 0.5)))
        #expect(m.bbox == BBox(minX: 0, minY: 0, maxX: 22, maxY: 10))
    }
}
