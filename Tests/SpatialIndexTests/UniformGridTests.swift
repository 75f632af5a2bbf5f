import Geometry
import SpatialIndex
import Testing

@Suite("UniformGrid")
struct UniformGridTests {
    /// Compares every query form with brute force over `points`.
    private func check(_ grid: UniformGrid, _ points: [Int: Coordinate], _ rng: inout SplitMix64,
                       queries: Int, note: String) {
        #expect(grid.count == points.count, "\(note): count")
        for _ in 0..<queries {
            // Boxes and discs anywhere, including outside the bounds where clamped points live.
            let x = rng.uniform(-300, 1300), y = rng.uniform(-300, 1300)
            let q = BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 400), maxY: y + rng.uniform(0, 250))
            let expectedBox = points.filter { q.contains($0.value) }.map(\.key).sorted()
            #expect(grid.search(q) == expectedBox, "\(note): box \(q)")
            var visited: [Int] = []
            grid.search(q) { visited.append($0) }
            #expect(visited.sorted() == expectedBox, "\(note): box visitor \(q)")

            let c = Coordinate(x, y), r = rng.uniform(0, 150)
            let expectedDisc = points.filter { $0.value.distance(to: c) <= r }.map(\.key).sorted()
            #expect(grid.search(within: r, of: c) == expectedDisc, "\(note): radius \(r) at \(c)")
        }
    }

    @Test("queries match brute force after many random inserts, moves and removes", arguments: [7.0, 50.0, 333.0])
    func randomMoves(cellSize: Double) throws {
        var rng = SplitMix64(seed: 81)
        var grid = try UniformGrid(bounds: BBox(minX: 0, minY: 0, maxX: 1000, maxY: 1000), cellSize: cellSize)
        var points: [Int: Coordinate] = [:]
        func randomPosition() -> Coordinate {
            // One point in ten lands outside the bounds, some exactly on the edges.
            switch rng.int(20) {
            case 0, 1: return Coordinate(rng.uniform(-500, 1500), rng.uniform(-500, 1500))
            case 2: return Coordinate(1000, rng.uniform(0, 1000))
            case 3: return Coordinate(rng.uniform(0, 1000), 0)
            default: return Coordinate(rng.uniform(0, 1000), rng.uniform(0, 1000))
            }
        }
        for id in 0..<1500 where rng.int(3) != 0 {
            let p = randomPosition()
            grid.insert(id, at: p)
            points[id] = p
        }
        check(grid, points, &rng, queries: 40, note: "after inserts")
        for round in 0..<8 {
            for _ in 0..<5000 {
                let id = rng.int(1600)
                switch (points[id] != nil, rng.int(10)) {
                case (true, 0):
                    let removed = grid.remove(id)
                    #expect(removed)
                    points[id] = nil
                case (true, 1...6):
                    // A short step, as a vehicle moves in one tick.
                    let old = points[id]!
                    let p = Coordinate(old.x + rng.uniform(-15, 15), old.y + rng.uniform(-15, 15))
                    grid.move(id, to: p)
                    points[id] = p
                case (true, _):
                    let p = randomPosition()
                    grid.move(id, to: p)
                    points[id] = p
                case (false, 0):
                    let removed = grid.remove(id)
                    #expect(!removed)
                case (false, _):
                    let p = randomPosition()
                    grid.insert(id, at: p)
                    points[id] = p
                }
            }
            check(grid, points, &rng, queries: 40, note: "round \(round)")
            for id in 0..<1600 {
                #expect(grid.contains(id) == (points[id] != nil))
                #expect(grid.position(of: id) == points[id])
            }
        }
    }

    @Test("edges, corners and points outside the bounds")
    func edges() throws {
        var grid = try UniformGrid(bounds: BBox(minX: 0, minY: 0, maxX: 100, maxY: 50), cellSize: 10)
        #expect(grid.columns == 10 && grid.rows == 5)
        grid.insert(0, at: Coordinate(100, 50))       // top-right corner of the bounds
        grid.insert(1, at: Coordinate(0, 0))
        grid.insert(2, at: Coordinate(-1e6, 25))      // far left: kept in column 0
        grid.insert(3, at: Coordinate(30, 1e9))       // far above: kept in the top row
        grid.insert(4, at: Coordinate(10, 10))        // on a cell corner
        #expect(grid.search(BBox(minX: 100, minY: 50, maxX: 200, maxY: 200)) == [0])
        #expect(grid.search(BBox(minX: -2e6, minY: 0, maxX: 0, maxY: 30)) == [1, 2])
        #expect(grid.search(BBox(minX: 29, minY: 1e9, maxX: 31, maxY: 1e9)) == [3])
        #expect(grid.search(BBox(minX: 10, minY: 10, maxX: 10, maxY: 10)) == [4])
        #expect(grid.search(within: 0, of: Coordinate(10, 10)) == [4])
        #expect(grid.search(within: 1e12, of: Coordinate(0, 0)) == [0, 1, 2, 3, 4])
        #expect(grid.search(within: -1, of: Coordinate(0, 0)).isEmpty)
        #expect(grid.search(.empty).isEmpty)
        grid.move(2, to: Coordinate(55, 25))
        #expect(grid.search(BBox(minX: -2e6, minY: 0, maxX: 0, maxY: 30)) == [1])
        #expect(grid.search(within: 0.5, of: Coordinate(55, 25)) == [2])
        let removed = grid.remove(2)
        #expect(removed && !grid.contains(2) && grid.count == 4)
        grid.insert(2, at: Coordinate(1, 1))
        #expect(grid.position(of: 2) == Coordinate(1, 1))
    }

    @Test("copies are independent")
    func valueSemantics() throws {
        var a = try UniformGrid(bounds: BBox(minX: 0, minY: 0, maxX: 10, maxY: 10), cellSize: 1)
        a.insert(3, at: Coordinate(5, 5))
        var b = a
        b.move(3, to: Coordinate(9, 9))
        b.insert(4, at: Coordinate(1, 1))
        #expect(a.position(of: 3) == Coordinate(5, 5) && a.count == 1 && !a.contains(4))
        #expect(b.search(within: 0.1, of: Coordinate(9, 9)) == [3])
    }

    @Test("bad bounds and cell sizes are rejected")
    func rejectsBadSetup() {
        let unit = BBox(minX: 0, minY: 0, maxX: 1, maxY: 1)
        for size in [0, -1, .nan, .infinity] as [Double] {
            #expect(throws: InputError.self) { _ = try UniformGrid(bounds: unit, cellSize: size) }
        }
        for bounds in [BBox.empty, BBox(minX: 0, minY: 0, maxX: .infinity, maxY: 1),
                       BBox(minX: .nan, minY: 0, maxX: 1, maxY: 1)] {
            #expect(throws: InputError.self) { _ = try UniformGrid(bounds: bounds, cellSize: 1) }
        }
        #expect(throws: InputError.self) { _ = try UniformGrid(bounds: unit, cellSize: 1e-6) }
        // A zero-area bounds box still has one cell.
        #expect(throws: Never.self) {
            let g = try UniformGrid(bounds: BBox(minX: 3, minY: 3, maxX: 3, maxY: 3), cellSize: 1)
            #expect(g.columns == 1 && g.rows == 1)
        }
    }
}
