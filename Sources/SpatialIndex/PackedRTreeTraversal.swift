import CPrefetch
import Geometry
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

// The traversal behind PackedRTree's box and radius queries, and the query shapes it tests.

extension PackedRTree {
    /// Depth-first traversal: descends into every node whose box the shape may accept and
    /// reports every item whose box it accepts, in ascending tree order.
    ///
    /// - **Stack.** One frame per level: the first child of the node being expanded, a bit mask
    ///   (nodeSize ≤ 64) of its children still to visit, and a bit mask of those the shape
    ///   surely covers. A node's children are tested four or eight at a time (SIMD lanes; lanes
    ///   past its last child read slack or the next node and are masked off) when the node is
    ///   entered.
    ///   Frames and batch fit in 1 KiB, which `withUnsafeTemporaryAllocation` keeps on the call
    ///   stack (it uses the heap above 1 KiB on Linux), so a query never allocates.
    /// - **Covered nodes.** A node that the shape surely covers (lies wholly inside the query)
    ///   reports the items below it, a contiguous run of the item level, without testing them.
    /// - **Leaf batches.** The accepted children of a level-2 node (leaf nodes, whose children
    ///   are items) join a batch, and their items' boxes and ids are prefetched at that moment.
    ///   A full batch, or the end of the traversal, is then scanned leaf node by leaf node; by
    ///   then their cache lines have arrived together, instead of one leaf node after another.
    ///   The batch is scanned before any other item is reported, to keep the order.
    /// - **Maybe and surely.** The shape answers each item lane "maybe" and "surely"; items go
    ///   on with "surely" or, when only "maybe" (a box within rounding of the query's edge), with
    ///   the shape's exact test. Nodes go on with "maybe".
    ///
    /// The children of node `p` on level `l` are entries `levelStarts[l-1] + (p - levelStarts[l])
    /// · nodeSize` onward, and the items below it are `(p - levelStarts[l]) · nodeSize^l` onward.
    @inlinable @inline(__always)
    func _traverse<Shape: _QueryShape>(_ shape: Shape, _ visit: (Int) -> Void) {
        guard count > 0 else { return }
        let s = storage
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { scratch in
            _searchNodes(s, shape, scratch.baseAddress!, visit)
        }
        withExtendedLifetime(s) {}
    }

    /// The traversal of ``_traverse(_:_:)`` over `s`, with 128 words of `scratch`.
    @inlinable @inline(__always)
    func _searchNodes<Shape: _QueryShape>(_ s: _PackedRTreeStorage, _ shape: Shape,
                                          _ scratch: UnsafeMutablePointer<UInt64>, _ visit: (Int) -> Void) {
        let ns = nodeSize, n = count, levels = s.levelCount
        let ls = s.levelStarts, ids = s.ids
        // Scratch: three words per level (frames), then the batch: a leaf node index per entry,
        // with bit 63 set when the node is surely covered; the last word counts the batch. (A
        // counter in a local variable would be captured by the nested functions below, which
        // boxes it on the heap and checks every access to it at run time.)
        let frames = scratch
        let batch = scratch + 3 &* levels
        let batchSize = Swift.min(64, 127 &- 3 &* levels)
        let coveredFlag: UInt64 = 1 &<< 63
        let batchCounter = scratch + 127
        batchCounter.pointee = 0

        /// The children of node `p` on `level`: the first, and masks of those the shape may
        /// accept and of those it surely covers.
        @inline(__always) func children(_ p: Int, _ level: Int) -> (first: Int, maybe: UInt64, covered: UInt64) {
            let first = ls[level &- 1] &+ (p &- ls[level]) &* ns
            let end = Swift.min(first &+ ns, ls[level])
            var maybe: UInt64 = 0, covered: UInt64 = 0
            var k = first
            while k < end {
                let shift = UInt64(truncatingIfNeeded: k &- first)
                let t = shape.testNodes(k)
                maybe |= t.maybe &<< shift
                covered |= t.covered &<< shift
                k &+= Shape.nodeLanes
            }
            let count = end &- first
            let lanes: UInt64 = count == 64 ? ~0 : (1 &<< UInt64(truncatingIfNeeded: count)) &- 1
            maybe &= lanes
            return (first, maybe, covered & lanes)
        }

        /// Visits the items at positions `first ..< end`.
        @inline(__always) func visitRun(_ first: Int, _ end: Int) {
            var k = first
            while k < end { visit(Int(truncatingIfNeeded: ids[k])); k &+= 1 }
        }

        /// Tests and visits the items of the leaf nodes in the batch, then empties it.
        @inline(__always) func flush() {
            var i = 0
            let pending = Int(truncatingIfNeeded: batchCounter.pointee)
            while i < pending {
                let entry = batch[i]
                let first = Int(truncatingIfNeeded: entry & ~coveredFlag) &* ns
                let size = Swift.min(ns, n &- first)
                if entry & coveredFlag != 0 {
                    visitRun(first, first &+ size)
                } else {
                    let items: UInt64 = size == 64 ? ~0 : (1 &<< UInt64(truncatingIfNeeded: size)) &- 1
                    var hits: UInt64 = 0
                    var chunk = 0
                    while chunk < size {
                        let k = first &+ chunk
                        var (bits, sure) = shape.testItems(k)
                        // Lanes past the leaf node's last item are never settled (or reported).
                        let open = bits & ~sure & (items &>> UInt64(truncatingIfNeeded: chunk))
                        if open != 0 {
                            // Within rounding of the query's edge: settle with the exact test.
                            for lane in 0..<Shape.leafLanes
                            where open & (1 &<< UInt64(lane)) != 0 && !shape.exact(k &+ lane) {
                                bits &= ~(1 &<< UInt64(lane))
                            }
                        }
                        hits |= bits &<< UInt64(truncatingIfNeeded: chunk)
                        chunk &+= Shape.leafLanes
                    }
                    hits &= items
                    while hits != 0 {
                        visit(Int(truncatingIfNeeded: ids[first &+ hits.trailingZeroBitCount]))
                        hits &= hits &- 1
                    }
                }
                i &+= 1
            }
            batchCounter.pointee = 0
        }

        /// Adds the leaf nodes `first + j` for the set bits `j` of `maybe` (entries of level 1)
        /// to the batch, and starts loading what the scan will read.
        @inline(__always) func enqueue(_ first: Int, _ maybe: UInt64, _ covered: UInt64) {
            var bits = maybe
            while bits != 0 {
                if Int(truncatingIfNeeded: batchCounter.pointee) == batchSize { flush() }
                let j = bits.trailingZeroBitCount
                let leaf = first &+ j &- n
                let isCovered = covered &>> UInt64(truncatingIfNeeded: j) & 1 != 0
                if !isCovered { shape.prefetchItems(leaf &* ns, ns) }
                var offset = 0
                while offset < ns { citytwin_prefetch(ids + (leaf &* ns &+ offset)); offset &+= 16 }
                batch[Int(truncatingIfNeeded: batchCounter.pointee)] = UInt64(truncatingIfNeeded: leaf) | (isCovered ? coveredFlag : 0)
                batchCounter.pointee &+= 1
                bits &= bits &- 1
            }
        }

        /// For the level-2 nodes `first + j` (set bits `j` of `bits`), starts loading the boxes of
        /// their children, which ``children(_:_:)`` will test when the traversal reaches them.
        @inline(__always) func prefetchChildren(_ first: Int, _ bits: UInt64) {
            var bits = bits
            while bits != 0 {
                shape.prefetchNodes(ls[1] &+ (first &+ bits.trailingZeroBitCount &- ls[2]) &* ns, ns)
                bits &= bits &- 1
            }
        }

        /// Reports every item below node `p` on `level`.
        @inline(__always) func reportAll(_ p: Int, _ level: Int) {
            flush()
            var span = ns
            var l = 1
            while l < level && span < n { span &*= ns; l &+= 1 }
            let first = (p &- ls[level]) &* span
            visitRun(first, Swift.min(first &+ span, n))
        }

        let rootLevel = levels &- 1, root = ls[levels] &- 1
        if shape.covers(root) {
            reportAll(root, rootLevel)
            return
        }
        if rootLevel == 1 {
            enqueue(root, 1, 0)
            flush()
            return
        }
        let rootChildren = children(root, rootLevel)
        if rootLevel == 2 {
            enqueue(rootChildren.first, rootChildren.maybe, rootChildren.covered)
            flush()
            return
        }
        // frames[3l ..< 3l + 3]: first child, children still to visit, and children surely
        // covered, of the node being expanded on level l + 1 (its children are on level l).
        var level = rootLevel &- 1
        if level == 2 { prefetchChildren(rootChildren.first, rootChildren.maybe & ~rootChildren.covered) }
        frames[3 &* level] = UInt64(truncatingIfNeeded: rootChildren.first)
        frames[3 &* level &+ 1] = rootChildren.maybe
        frames[3 &* level &+ 2] = rootChildren.covered
        while true {
            let bits = frames[3 &* level &+ 1]
            if bits == 0 {
                if level == rootLevel &- 1 { break }
                level &+= 1
                continue
            }
            frames[3 &* level &+ 1] = bits & (bits &- 1)
            let j = bits.trailingZeroBitCount
            let p = Int(truncatingIfNeeded: frames[3 &* level]) &+ j
            if frames[3 &* level &+ 2] &>> UInt64(truncatingIfNeeded: j) & 1 != 0 {
                reportAll(p, level)
                continue
            }
            let c = children(p, level)
            if level == 2 {
                enqueue(c.first, c.maybe, c.covered)
            } else {
                level &-= 1
                if level == 2 { prefetchChildren(c.first, c.maybe & ~c.covered) }
                frames[3 &* level] = UInt64(truncatingIfNeeded: c.first)
                frames[3 &* level &+ 1] = c.maybe
                frames[3 &* level &+ 2] = c.covered
            }
        }
        flush()
    }
}

/// A query region for ``PackedRTree``'s traversal, bound to one tree's storage.
@usableFromInline
protocol _QueryShape {
    /// How many items ``testItems(_:)`` tests at once, and how many nodes ``testNodes(_:)``
    /// (divisors of 64).
    static var leafLanes: Int { get }
    static var nodeLanes: Int { get }
    /// For the node entries `k ..< k + nodeLanes` on level 1 or above (one bit each): which the
    /// shape may accept (a superset of the exact answer), and which it surely covers (every box
    /// inside them is accepted). Lanes past the end of a node's children are masked off by the
    /// caller.
    func testNodes(_ k: Int) -> (maybe: UInt64, covered: UInt64)
    /// Starts loading what ``testNodes(_:)`` will read for the `count` node entries from
    /// `first` on (a hint).
    func prefetchNodes(_ first: Int, _ count: Int)
    /// The shape covers node entry `i` (exact; used for the root).
    func covers(_ i: Int) -> Bool
    /// Starts loading what ``testItems(_:)`` will read for the `count` items from position
    /// `first` on (a hint).
    func prefetchItems(_ first: Int, _ count: Int)
    /// For the items at positions `k ..< k + leafLanes`: which may be accepted, and which surely
    /// are (a subset). Lanes past the leaf node's items are masked off by the caller.
    func testItems(_ k: Int) -> (maybe: UInt64, sure: UInt64)
    /// The exact answer for item position `i`, asked only where `testItems` left it open.
    func exact(_ i: Int) -> Bool
}

// Lane masks as bits: one `movmskps`/`movmskpd` on x86-64, portable SIMD code elsewhere.

/// Bits 0–3 set where the lanes of `m` are true.
@inlinable @inline(__always)
func _bits(_ m: SIMDMask<SIMD4<Int32>>) -> UInt64 {
    #if arch(x86_64)
    return UInt64(truncatingIfNeeded: _mm_movemask_ps(unsafeBitCast(m, to: SIMD4<Float>.self)))
    #else
    let v = unsafeBitCast(m, to: SIMD4<Int32>.self) & SIMD4<Int32>(1, 2, 4, 8)
    return UInt64(truncatingIfNeeded: v[0] | v[1] | v[2] | v[3])
    #endif
}

/// Bits 0–3 set where the lanes of `m` are true.
@inlinable @inline(__always)
func _bits(_ m: SIMDMask<SIMD4<Int64>>) -> UInt64 {
    #if arch(x86_64)
    let d = unsafeBitCast(m, to: SIMD4<Double>.self)
    return UInt64(truncatingIfNeeded: _mm_movemask_pd(d.lowHalf) | _mm_movemask_pd(d.highHalf) &<< 2)
    #else
    let v = unsafeBitCast(m, to: SIMD4<Int64>.self) & SIMD4<Int64>(1, 2, 4, 8)
    return UInt64(truncatingIfNeeded: v[0] | v[1] | v[2] | v[3])
    #endif
}

/// Bits 0–7 set where the lanes of `m` are true.
@inlinable @inline(__always)
func _bits(_ m: SIMDMask<SIMD8<Int32>>) -> UInt64 {
    #if arch(x86_64)
    let f = unsafeBitCast(m, to: SIMD8<Float>.self)
    return UInt64(truncatingIfNeeded: _mm_movemask_ps(f.lowHalf) | _mm_movemask_ps(f.highHalf) &<< 4)
    #else
    let v = unsafeBitCast(m, to: SIMD8<Int32>.self) & SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
    let h = v.lowHalf | v.highHalf
    return UInt64(truncatingIfNeeded: h[0] | h[1] | h[2] | h[3])
    #endif
}

/// Bits 0–15 set where the lanes of `m` are true.
@inlinable @inline(__always)
func _bits(_ m: SIMDMask<SIMD16<Int32>>) -> UInt64 {
    let v = unsafeBitCast(m, to: SIMD16<Int32>.self)
    return _bits(unsafeBitCast(v.lowHalf, to: SIMDMask<SIMD8<Int32>>.self))
        | _bits(unsafeBitCast(v.highHalf, to: SIMDMask<SIMD8<Int32>>.self)) &<< 8
}

@inlinable @inline(__always)
func _load16<T: SIMDScalar>(_ p: UnsafeMutablePointer<T>, _ k: Int) -> SIMD16<T> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD16<T>.self)
}

@inlinable @inline(__always)
func _load4<T: SIMDScalar>(_ p: UnsafeMutablePointer<T>, _ k: Int) -> SIMD4<T> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD4<T>.self)
}

@inlinable @inline(__always)
func _load8<T: SIMDScalar>(_ p: UnsafeMutablePointer<T>, _ k: Int) -> SIMD8<T> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<T>.self)
}

/// Boxes that intersect a query box (closed).
///
/// Tests run on the outward-rounded `Float` boxes against the query in the same frame, with the
/// query's maxima rounded down and minima rounded up. Per comparison, with `f` a stored bound
/// and `q` the rounded query bound, `f < q` proves the exact comparison true and `f > q` proves
/// it false (the `Double` subtraction of the origin is monotonic and the roundings are
/// directed); only `f == q` leaves it open, which the exact `Double` test settles. "Covered"
/// asks the same strictness of the four comparisons of containment.
@usableFromInline
struct _BoxShape: _QueryShape {
    @usableFromInline let qx0: Double, qy0: Double, qx1: Double, qy1: Double
    @usableFromInline let fx0: Float, fy0: Float, fx1: Float, fy1: Float
    @usableFromInline let minX: UnsafeMutablePointer<Double>, minY: UnsafeMutablePointer<Double>
    @usableFromInline let maxX: UnsafeMutablePointer<Double>, maxY: UnsafeMutablePointer<Double>
    @usableFromInline let fMinX: UnsafeMutablePointer<Float>, fMinY: UnsafeMutablePointer<Float>
    @usableFromInline let fMaxX: UnsafeMutablePointer<Float>, fMaxY: UnsafeMutablePointer<Float>

    @inlinable @inline(__always)
    init(_ b: BBox, _ s: _PackedRTreeStorage) {
        qx0 = b.minX; qy0 = b.minY; qx1 = b.maxX; qy1 = b.maxY
        fx0 = _PackedRTreeStorage.floatUp(b.minX - s.originX)
        fy0 = _PackedRTreeStorage.floatUp(b.minY - s.originY)
        fx1 = _PackedRTreeStorage.floatDown(b.maxX - s.originX)
        fy1 = _PackedRTreeStorage.floatDown(b.maxY - s.originY)
        minX = s.minX; minY = s.minY; maxX = s.maxX; maxY = s.maxY
        fMinX = s.fMinX; fMinY = s.fMinY; fMaxX = s.fMaxX; fMaxY = s.fMaxY
    }

    @inlinable static var leafLanes: Int { 8 }
    @inlinable static var nodeLanes: Int { 8 }

    @inlinable @inline(__always)
    func testNodes(_ k: Int) -> (maybe: UInt64, covered: UInt64) {
        let x0 = _load8(fMinX, k), y0 = _load8(fMinY, k), x1 = _load8(fMaxX, k), y1 = _load8(fMaxY, k)
        let qx0 = SIMD8(repeating: fx0), qy0 = SIMD8(repeating: fy0)
        let qx1 = SIMD8(repeating: fx1), qy1 = SIMD8(repeating: fy1)
        let maybe = (x0 .<= qx1) .& (qx0 .<= x1) .& (y0 .<= qy1) .& (qy0 .<= y1)
        let covered = (qx0 .< x0) .& (x1 .< qx1) .& (qy0 .< y0) .& (y1 .< qy1)
        return (_bits(maybe), _bits(covered))
    }

    @inlinable @inline(__always)
    func covers(_ i: Int) -> Bool {
        qx0 <= minX[i] && maxX[i] <= qx1 && qy0 <= minY[i] && maxY[i] <= qy1
    }

    @inlinable @inline(__always)
    func prefetchItems(_ first: Int, _ count: Int) {
        var k = first
        while k < first &+ count {
            citytwin_prefetch(fMinX + k); citytwin_prefetch(fMinY + k)
            citytwin_prefetch(fMaxX + k); citytwin_prefetch(fMaxY + k)
            k &+= 16
        }
    }

    @inlinable @inline(__always)
    func prefetchNodes(_ first: Int, _ count: Int) { prefetchItems(first, count) }

    @inlinable @inline(__always)
    func testItems(_ k: Int) -> (maybe: UInt64, sure: UInt64) {
        let x0 = _load8(fMinX, k), y0 = _load8(fMinY, k), x1 = _load8(fMaxX, k), y1 = _load8(fMaxY, k)
        let qx0 = SIMD8(repeating: fx0), qy0 = SIMD8(repeating: fy0)
        let qx1 = SIMD8(repeating: fx1), qy1 = SIMD8(repeating: fy1)
        let maybe = (x0 .<= qx1) .& (qx0 .<= x1) .& (y0 .<= qy1) .& (qy0 .<= y1)
        let sure = (x0 .< qx1) .& (qx0 .< x1) .& (y0 .< qy1) .& (qy0 .< y1)
        return (_bits(maybe), _bits(sure))
    }

    @inlinable @inline(__always)
    func exact(_ i: Int) -> Bool {
        minX[i] <= qx1 && qx0 <= maxX[i] && minY[i] <= qy1 && qy0 <= maxY[i]
    }
}

/// Boxes within a distance of a point, tested on the exact `Double` boxes.
@usableFromInline
struct _DiscShape: _QueryShape {
    @usableFromInline let px: Double, py: Double, r2: Double
    @usableFromInline let minX: UnsafeMutablePointer<Double>, minY: UnsafeMutablePointer<Double>
    @usableFromInline let maxX: UnsafeMutablePointer<Double>, maxY: UnsafeMutablePointer<Double>

    @inlinable @inline(__always)
    init(center: Coordinate, radius: Double, _ s: _PackedRTreeStorage) {
        px = center.x; py = center.y; r2 = radius * radius
        minX = s.minX; minY = s.minY; maxX = s.maxX; maxY = s.maxY
    }

    @inlinable static var leafLanes: Int { 4 }
    @inlinable static var nodeLanes: Int { 4 }

    /// Lanes whose box comes within the radius of the point, and lanes whose farthest corner
    /// does.
    @inlinable @inline(__always)
    func test(_ k: Int) -> (near: UInt64, within: UInt64) {
        let px = SIMD4(repeating: px), py = SIMD4(repeating: py), zero = SIMD4<Double>.zero
        let x0 = _load4(minX, k) - px, y0 = _load4(minY, k) - py
        let x1 = _load4(maxX, k) - px, y1 = _load4(maxY, k) - py
        // Per axis, the gap between the point and the box: at most one of x0 and −x1 is
        // positive (x0 <= x1), and neither when the point is within the box's extent.
        var dx = x0, dy = y0
        dx.replace(with: -x1, where: -x1 .> dx)
        dy.replace(with: -y1, where: -y1 .> dy)
        dx.replace(with: zero, where: dx .< zero)
        dy.replace(with: zero, where: dy .< zero)
        // The farthest corner.
        var fx = -x0, fy = -y0
        fx.replace(with: x1, where: x1 .> fx)
        fy.replace(with: y1, where: y1 .> fy)
        let r2 = SIMD4(repeating: r2)
        return (_bits(dx * dx + dy * dy .<= r2), _bits(fx * fx + fy * fy .<= r2))
    }

    @inlinable @inline(__always)
    func testNodes(_ k: Int) -> (maybe: UInt64, covered: UInt64) {
        let t = test(k)
        return (t.near, t.within)
    }

    @inlinable @inline(__always)
    func covers(_ i: Int) -> Bool {
        let dx = Swift.max(px - minX[i], maxX[i] - px), dy = Swift.max(py - minY[i], maxY[i] - py)
        return dx * dx + dy * dy <= r2
    }

    @inlinable @inline(__always)
    func prefetchItems(_ first: Int, _ count: Int) {
        var k = first
        while k < first &+ count {
            citytwin_prefetch(minX + k); citytwin_prefetch(minY + k)
            citytwin_prefetch(maxX + k); citytwin_prefetch(maxY + k)
            k &+= 8
        }
    }

    @inlinable @inline(__always)
    func prefetchNodes(_ first: Int, _ count: Int) { prefetchItems(first, count) }

    @inlinable @inline(__always)
    func testItems(_ k: Int) -> (maybe: UInt64, sure: UInt64) {
        let near = test(k).near
        return (near, near)
    }

    @inlinable @inline(__always)
    func exact(_ i: Int) -> Bool { true }
}
