import Geometry
@testable import SpatialIndex
import Testing

private let sizes = [0, 1, 17, 10_000]
private let nodeSizes = [2, 5, 16, 64]

@Suite("PackedRTree")
struct PackedRTreeTests {
    @Test("box search matches brute force", arguments: DataKind.allCases, sizes)
    func boxSearch(kind: DataKind, n: Int) throws {
        let boxes = makeBoxes(kind, count: n, seed: 11 &+ UInt64(n))
        var queries = makeQueries(kind, count: 300, seed: 12)
        // Item boxes themselves as queries: every item must find itself.
        queries += boxes.prefix(50)
        // The whole extent, an empty box and a NaN box.
        queries += [BBox(minX: -1e9, minY: -1e9, maxX: 1e9, maxY: 1e9), .empty,
                    BBox(minX: .nan, minY: 0, maxX: 10, maxY: 10)]
        for nodeSize in nodeSizes {
            let tree = try PackedRTree(boxes, nodeSize: nodeSize)
            #expect(tree.count == n)
            for q in queries {
                let expected = bruteSearch(boxes, q)
                var visited: [Int] = []
                tree.search(q) { visited.append($0) }
                #expect(visited.sorted() == expected, "nodeSize \(nodeSize), query \(q)")
                #expect(tree.search(q) == visited, "array and visitor forms differ")
            }
        }
    }

    @Test("radius search matches brute force", arguments: DataKind.allCases, sizes)
    func radiusSearch(kind: DataKind, n: Int) throws {
        let boxes = makeBoxes(kind, count: n, seed: 21 &+ UInt64(n))
        let points = makePoints(kind, count: 200, seed: 22)
        let radii: [Double] = kind == .lattice ? [0, 0.5, 1, 2, 7.3] : [0, 3, 25, 80, 400]
        for nodeSize in nodeSizes {
            let tree = try PackedRTree(boxes, nodeSize: nodeSize)
            for (i, p) in points.enumerated() {
                let r = radii[i % radii.count]
                let expected = bruteRadius(boxes, p, r)
                #expect(tree.search(within: r, of: p).sorted() == expected, "nodeSize \(nodeSize), \(p) r \(r)")
            }
            #expect(tree.search(within: -1, of: Coordinate(5, 5)).isEmpty)
            #expect(tree.search(within: .nan, of: Coordinate(5, 5)).isEmpty)
            #expect(tree.search(within: 10, of: Coordinate(.nan, 5)).isEmpty)
            #expect(tree.search(within: .infinity, of: Coordinate(5, 5)).count == n)
        }
    }

    @Test("k nearest matches sorted brute force, ties by id", arguments: DataKind.allCases, sizes)
    func nearest(kind: DataKind, n: Int) throws {
        let boxes = makeBoxes(kind, count: n, seed: 31 &+ UInt64(n))
        let points = makePoints(kind, count: 60, seed: 32)
        let ks = [1, 2, 7, 16, 100]
        for nodeSize in nodeSizes {
            let tree = try PackedRTree(boxes, nodeSize: nodeSize)
            for (i, p) in points.enumerated() {
                let k = ks[i % ks.count]
                let all = bruteNearest(boxes, p)
                #expect(tree.nearest(to: p, k: k) == all.prefix(k).map(\.id), "nodeSize \(nodeSize), \(p) k \(k)")
                // With a distance limit: the same order, cut at the limit.
                let limit = kind == .lattice ? 1.5 : 30.0
                let expected = all.filter { $0.d2 <= limit * limit }.prefix(k).map(\.id)
                #expect(tree.nearest(to: p, k: k, maxDistance: limit) == expected, "maxDistance, \(p) k \(k)")
            }
            #expect(tree.nearest(to: Coordinate(1, 1), k: n + 5).count == n)
            #expect(tree.nearest(to: Coordinate(1, 1), k: 0).isEmpty)
            #expect(tree.nearest(to: Coordinate(.infinity, 1), k: 3).isEmpty)
        }
    }

    @Test("every node box is the union of its children; leaves hold the input boxes", arguments: nodeSizes)
    func structure(nodeSize: Int) throws {
        for n in sizes + [2, 16, 17 * 17] {
            let boxes = makeBoxes(.mixed, count: n, seed: 41)
            let tree = try PackedRTree(boxes, nodeSize: nodeSize)
            let nc = tree.storage.nodeCount, ls = tree._levelStarts
            func box(_ i: Int) -> BBox { tree._nodeBox(i) }
            #expect(Set((0..<n).map(tree._leafID)) == Set(0..<n))
            #expect((0..<n).allSatisfy { box($0) == boxes[tree._leafID($0)] })
            if n == 0 {
                #expect(tree.levelCount == 0 && tree.bounds.isEmpty)
                continue
            }
            #expect(tree.levelCount >= 2)
            #expect(ls.last! - ls[ls.count - 2] == 1, "one root")
            #expect(box(nc - 1) == tree.bounds)
            #expect(tree.bounds == boxes.reduce(BBox.empty) { $0.union($1) })
            for level in 1..<tree.levelCount {
                for node in ls[level]..<ls[level + 1] {
                    let first = ls[level - 1] + (node - ls[level]) * nodeSize
                    let end = min(first + nodeSize, ls[level])
                    #expect(first < end, "node without children")
                    let union = (first..<end).reduce(BBox.empty) { $0.union(box($1)) }
                    #expect(box(node) == union, "level \(level) node \(node)")
                }
            }
        }
    }

    @Test("empty and one-item trees")
    func tiny() throws {
        let empty = try PackedRTree([])
        #expect(empty.isEmpty && empty.levelCount == 0)
        #expect(empty.search(BBox(minX: -1, minY: -1, maxX: 1, maxY: 1)).isEmpty)
        #expect(empty.search(within: 100, of: Coordinate(0, 0)).isEmpty)
        #expect(empty.nearest(to: Coordinate(0, 0), k: 3).isEmpty)

        let one = try PackedRTree([BBox(minX: 2, minY: 3, maxX: 2, maxY: 3)])
        #expect(one.levelCount == 2)
        #expect(one.search(BBox(minX: 2, minY: 3, maxX: 5, maxY: 5)) == [0])
        #expect(one.search(BBox(minX: 2.0000001, minY: 3, maxX: 5, maxY: 5)).isEmpty)
        #expect(one.search(within: 5, of: Coordinate(5, 7)) == [0])
        #expect(one.search(within: 4.999, of: Coordinate(5, 7)).isEmpty)
        #expect(one.nearest(to: Coordinate(100, 100), k: 4) == [0])
        #expect(one.nearest(to: Coordinate(100, 100), k: 4, maxDistance: 10).isEmpty)
    }

    @Test("identical boxes come back nearest-first by id")
    func duplicates() throws {
        let boxes = Array(repeating: BBox(minX: 0, minY: 0, maxX: 1, maxY: 1), count: 40)
            + [BBox(minX: 5, minY: 5, maxX: 6, maxY: 6)]
        let tree = try PackedRTree(boxes, nodeSize: 4)
        #expect(tree.nearest(to: Coordinate(0.5, 0.5), k: 10) == Array(0..<10))
        #expect(tree.nearest(to: Coordinate(6, 6), k: 3) == [40, 0, 1])
        #expect(tree.search(BBox(minX: 1, minY: 1, maxX: 5, maxY: 5)).sorted() == Array(0...40))
    }

    @Test("non-finite and inverted boxes are rejected, naming the item")
    func rejectsBadBoxes() {
        let good = makeBoxes(.mixed, count: 10, seed: 51)
        let bad: [BBox] = [
            BBox(minX: .nan, minY: 0, maxX: 1, maxY: 1),
            BBox(minX: 0, minY: 0, maxX: .infinity, maxY: 1),
            BBox(minX: 0, minY: -.infinity, maxX: 1, maxY: 1),
            BBox(minX: 0, minY: 0, maxX: 1, maxY: .nan),
            BBox(minX: 2, minY: 0, maxX: 1, maxY: 1),
            .empty,
        ]
        for b in bad {
            var boxes = good
            boxes[7] = b
            #expect {
                _ = try PackedRTree(boxes)
            } throws: { error in
                guard let e = error as? InputError else { return false }
                return e.code == .badValue && e.message.contains("item 7")
            }
        }
        // Huge but finite coordinates are fine.
        #expect(throws: Never.self) {
            _ = try PackedRTree([BBox(minX: -1e308, minY: -1e308, maxX: 1e308, maxY: 1e308),
                                 BBox(minX: 0, minY: 0, maxX: 1, maxY: 1)])
        }
        for nodeSize in [-1, 0, 1, 65, 65_536] {
            #expect(throws: InputError.self) { _ = try PackedRTree(good, nodeSize: nodeSize) }
        }
    }

    @Test("the same input gives the same result order")
    func deterministic() throws {
        let boxes = makeBoxes(.mixed, count: 5000, seed: 61)
        let a = try PackedRTree(boxes), b = try PackedRTree(boxes)
        for q in makeQueries(.mixed, count: 50, seed: 62) {
            #expect(a.search(q) == b.search(q))
        }
        #expect((0..<5000).map(a._leafID) == (0..<5000).map(b._leafID))
    }

    @Test("queries one ulp away from item edges, at projected-CRS magnitudes", arguments: [4, 16])
    func roundingEdges(nodeSize: Int) throws {
        // Box queries filter on Float copies of the boxes; edges within Float rounding of a
        // query's edge must still be decided exactly.
        var rng = SplitMix64(seed: 91)
        let boxes = (0..<3000).map { _ -> BBox in
            let x = 500_000 + rng.uniform(0, 2000), y = 3_300_000 + rng.uniform(0, 2000)
            return BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 5), maxY: y + rng.uniform(0, 5))
        }
        let tree = try PackedRTree(boxes, nodeSize: nodeSize)
        var checked = 0
        for i in stride(from: 0, to: boxes.count, by: 7) {
            let b = boxes[i]
            let w = rng.uniform(0, 300), h = rng.uniform(0, 300)
            // Query edges on, just inside and just outside the item's edges.
            for e in [b.minX.nextDown, b.minX, b.maxX, b.maxX.nextUp] {
                let q1 = BBox(minX: e - w, minY: b.minY - h, maxX: e, maxY: b.maxY + h)   // ends at e
                let q2 = BBox(minX: e, minY: b.minY - h, maxX: e + w, maxY: b.maxY + h)   // starts at e
                for q in [q1, q2] {
                    #expect(tree.search(q).sorted() == bruteSearch(boxes, q), "query \(q)")
                    checked += 1
                }
            }
            for e in [b.minY.nextDown, b.minY, b.maxY, b.maxY.nextUp] {
                let q = BBox(minX: b.minX - w, minY: e, maxX: b.maxX + w, maxY: e + h)
                #expect(tree.search(q).sorted() == bruteSearch(boxes, q), "query \(q)")
                checked += 1
            }
        }
        #expect(checked > 3000)
    }

    @Test("huge and tiny magnitudes: Float overflow and underflow in the filter")
    func extremeMagnitudes() throws {
        var rng = SplitMix64(seed: 92)
        var boxes: [BBox] = [
            BBox(minX: -1e300, minY: -1e300, maxX: 1e300, maxY: 1e300),
            BBox(minX: 1e300, minY: 0, maxX: 1e300, maxY: 0),
            BBox(minX: -Double.greatestFiniteMagnitude, minY: 5, maxX: -1e308, maxY: 6),
            BBox(minX: 0, minY: 0, maxX: Double.leastNonzeroMagnitude, maxY: 1e-300),
        ]
        for _ in 0..<500 {
            let x = rng.uniform(-1e40, 1e40), y = rng.uniform(-1, 1)
            boxes.append(BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 1e39), maxY: y + rng.uniform(0, 1e-30)))
        }
        let tree = try PackedRTree(boxes, nodeSize: 8)
        var queries: [BBox] = [
            BBox(minX: 1e300, minY: 0, maxX: 1e300, maxY: 0),
            BBox(minX: -1, minY: -1, maxX: 1, maxY: 1),
            BBox(minX: 0, minY: 0, maxX: 0, maxY: 0),
            BBox(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity),
            BBox(minX: -Double.greatestFiniteMagnitude, minY: 5.5, maxX: -Double.greatestFiniteMagnitude, maxY: 5.5),
        ]
        for b in boxes.prefix(60) { queries.append(b) }
        for _ in 0..<200 {
            let x = rng.uniform(-2e40, 2e40), y = rng.uniform(-1, 1)
            queries.append(BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 3e39), maxY: y + rng.uniform(0, 1e-30)))
        }
        for q in queries {
            #expect(tree.search(q).sorted() == bruteSearch(boxes, q), "query \(q)")
        }
        for (i, q) in queries.prefix(100).enumerated() {
            let r = [0, 1e-30, 1, 1e39, 1e301][i % 5]
            let c = Coordinate(q.minX / 2 + q.maxX / 2, q.minY / 2 + q.maxY / 2)
            guard c.isFinite else { continue }      // a non-finite centre is documented to find nothing
            #expect(tree.search(within: r, of: c).sorted() == bruteRadius(boxes, c, r), "\(c) r \(r)")
        }
    }

    @Test("coordinates that become equal once the Float origin is subtracted")
    func collapsedByOrigin() throws {
        // The bounds are [-1, 3] × [-1, 3], so the origin of the Float copies is (1, 1), and
        // coordinates within 1e-17 of 0 all become -1 after subtracting it: only the exact test
        // can tell them apart.
        var boxes = [BBox(minX: -1, minY: -1, maxX: -1, maxY: -1), BBox(minX: 3, minY: 3, maxX: 3, maxY: 3)]
        for i in 0..<20 {
            for j in 0..<20 {
                let x = Double(i) * 1e-19, y = Double(j) * 1e-19
                boxes.append(BBox(minX: x, minY: y, maxX: x + Double(i % 3) * 1e-19, maxY: y + Double(j % 2) * 1e-19))
            }
        }
        for nodeSize in [2, 16] {
            let tree = try PackedRTree(boxes, nodeSize: nodeSize)
            for i in 0..<25 {
                for j in stride(from: 0, to: 25, by: 3) {
                    let x = Double(i) * 1e-19 - 2e-19, y = Double(j) * 1e-19 - 2e-19
                    for (w, h) in [(0.0, 0.0), (3e-19, 2e-19), (1e-18, 5e-19)] {
                        let q = BBox(minX: x, minY: y, maxX: x + w, maxY: y + h)
                        #expect(tree.search(q).sorted() == bruteSearch(boxes, q), "query \(q)")
                    }
                }
            }
        }
    }

    @Test("the Hilbert key walks the first 256 × 256 block cell by cell")
    func hilbertCurve() {
        // The first 4^8 positions of an order-16 Hilbert curve fill the 256 × 256 corner block,
        // and consecutive positions are neighbouring cells.
        var cellAt = [Int](repeating: -1, count: 65_536)
        for y in 0..<256 {
            for x in 0..<256 {
                let h = Int(PackedRTreeBuilder.hilbert(UInt32(x), UInt32(y)))
                #expect(h < 65_536)
                if h < 65_536 {
                    #expect(cellAt[h] == -1, "two cells share position \(h)")
                    cellAt[h] = y * 256 + x
                }
            }
        }
        var jumps = 0
        for h in 1..<65_536 {
            let a = cellAt[h - 1], b = cellAt[h]
            if abs(a % 256 - b % 256) + abs(a / 256 - b / 256) != 1 { jumps += 1 }
        }
        #expect(jumps == 0)
    }

    @Test("the radix sort orders by the high word and is stable")
    func radixSort() {
        var rng = SplitMix64(seed: 71)
        for n in [0, 1, 2, 3, 1000, 70_000] {
            // Few distinct high words, so stability matters; low words are the original positions.
            var keys = (0..<n).map { ((rng.next() % 50) << (rng.int(3) * 11)) << 32 | UInt64($0) }
            let expected = keys.enumerated().sorted { ($0.element >> 32, $0.offset) < ($1.element >> 32, $1.offset) }.map(\.element)
            PackedRTreeBuilder.radixSortByHighWord(&keys)
            #expect(keys == expected, "n \(n)")
        }
        // All keys equal in every digit: every pass is skipped.
        var same = (0..<100).map { UInt64(7) << 32 | UInt64(99 - $0) }
        let before = same
        PackedRTreeBuilder.radixSortByHighWord(&same)
        #expect(same == before)
    }
}
