import Geometry

// k-nearest-neighbour queries on PackedRTree: best-first search with a binary min-heap.

extension PackedRTree {
    /// The ids of the `k` items nearest to `point`, nearest first.
    ///
    /// The distance of an item is the distance from `point` to the nearest point of its box (0 when
    /// `point` is inside the box), in coordinate units. Items at equal distance are ordered by
    /// ascending id, so the result is fully deterministic; fewer than `k` ids come back when the
    /// tree holds fewer items or when fewer lie within `maxDistance`.
    ///
    /// Best-first search (Hjaltason and Samet, "Distance browsing in spatial databases", ACM TODS
    /// 1999): a binary heap holds nodes and items keyed by `(squared distance, tag)`, where nodes
    /// have negative tags and so are expanded before items at the same distance, and items have
    /// their id as tag. An item popped from the heap is therefore closer than, or as close as and
    /// lower in id than, everything not yet reported.
    ///
    /// Complexity: visits the fewest nodes of any search that uses the same boxes; with well-spread
    /// boxes about O((log_nodeSize(n) + k / nodeSize) · nodeSize · log(heap)) time, O(n log n) in
    /// the worst case. Allocates the heap and the result.
    ///
    /// - Parameters:
    ///   - point: the query point; a non-finite point gives `[]`.
    ///   - k: how many items to return; `k <= 0` gives `[]`.
    ///   - maxDistance: only items at distance `<= maxDistance` are returned (default: no limit).
    public func nearest(to point: Coordinate, k: Int, maxDistance: Double = .infinity) -> [Int] {
        guard k > 0, count > 0, point.isFinite, maxDistance >= 0 else { return [] }
        let maxDistance2 = maxDistance * maxDistance
        let px = point.x, py = point.y
        let ns = nodeSize
        var result: [Int] = []
        result.reserveCapacity(Swift.min(k, count))
        var heap = DistanceHeap()
        heap.reserveCapacity(4 &* ns)
        let t = storage
        let ls = t.levelStarts
        @inline(__always) func distance2(_ i: Int) -> Double {
            // At most one of the two gaps per axis is positive (min <= max).
            let ax = t.minX[i] - px, bx = px - t.maxX[i], ay = t.minY[i] - py, by = py - t.maxY[i]
            let gx = ax > bx ? ax : bx, gy = ay > by ? ay : by
            let dx = gx > 0 ? gx : 0, dy = gy > 0 ? gy : 0
            return dx * dx + dy * dy
        }
        let levels = t.levelCount, root = ls[levels] &- 1
        heap.push(distance2(root), tag: ~(root &<< 6 | (levels &- 1)))
        while let (d, tag) = heap.pop() {
            if d > maxDistance2 { break }
            if tag >= 0 {
                result.append(tag)
                if result.count == k { break }
                continue
            }
            let entry = ~tag
            let level = entry & 63, position = entry &>> 6
            let first = ls[level &- 1] &+ (position &- ls[level]) &* ns
            let end = Swift.min(first &+ ns, ls[level])
            var i = first
            while i < end {
                let di = distance2(i)
                if di <= maxDistance2 {
                    heap.push(di, tag: level == 1 ? Int(truncatingIfNeeded: t.ids[i]) : ~(i &<< 6 | (level &- 1)))
                }
                i &+= 1
            }
        }
        withExtendedLifetime(t) {}
        return result
    }
}

/// A binary min-heap of `(distance, tag)` pairs ordered lexicographically. Sifts move a hole
/// instead of swapping.
struct DistanceHeap {
    private struct Entry {
        var distance: Double
        var tag: Int

        @inline(__always) static func < (a: Entry, b: Entry) -> Bool {
            a.distance < b.distance || (a.distance == b.distance && a.tag < b.tag)
        }
    }

    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    mutating func push(_ distance: Double, tag: Int) {
        let new = Entry(distance: distance, tag: tag)
        entries.append(new)
        entries.withUnsafeMutableBufferPointer { e in
            var i = e.count &- 1
            while i > 0 {
                let parent = (i &- 1) / 2
                guard new < e[parent] else { break }
                e[i] = e[parent]
                i = parent
            }
            e[i] = new
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries.withUnsafeMutableBufferPointer { e in
                let n = e.count
                var i = 0
                while true {
                    let l = 2 &* i &+ 1
                    if l >= n { break }
                    let r = l &+ 1
                    let m = r < n && e[r] < e[l] ? r : l
                    guard e[m] < last else { break }
                    e[i] = e[m]
                    i = m
                }
                e[i] = last
            }
        }
        return (top.distance, top.tag)
    }
}
