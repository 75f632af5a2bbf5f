import Geometry

// The traversal behind PackedRTree's box and radius queries, and the query shapes it tests.

extension PackedRTree {
    /// Depth-first traversal: descends into every node whose box the shape may accept and
    /// reports every item whose box it accepts, in ascending tree order.
    ///
    /// - **Stack.** One frame per level: the first child of the node being expanded and a
    ///   bit mask (nodeSize ≤ 64) of its children still to visit. A node's children are tested
    ///   four at a time (SIMD lanes; lanes past its last child read slack or the next node and
    ///   are masked off) when the node is entered. Frames, batch and masks fit in 1 KiB, which
    ///   `withUnsafeTemporaryAllocation` places on the call stack, so a query never allocates.
    /// - **Covered nodes.** A node that the shape covers (lies wholly inside the query) reports
    ///   the items below it, a contiguous run of the item level, without testing them.
    /// - **Leaf batches.** The accepted children of a level-2 node (leaf nodes, whose children
    ///   are items) join a batch. A full batch, or the end of the traversal, is scanned in an
    ///   interleaved order: chunk 0 of every leaf node, then chunk 1, and so on. Those loads are
    ///   independent and branch-free, so the processor fetches the cache lines of many leaf nodes
    ///   at once instead of one leaf node after another; the first id of each leaf node is loaded
    ///   in the same pass for the same reason. The batch is scanned before any other item is
    ///   reported, to keep the order.
    /// - **Maybe and surely.** The shape answers each lane "maybe" and "surely"; nodes go on
    ///   with "maybe", items with "surely" or, when only "maybe" (a box within rounding of the
    ///   query's edge), with the shape's exact test.
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
        // Scratch: frames (first child, mask) for levels 2 ... levels - 2, then the batch
        // (leaf node index, and its first item id in the high half) and one mask per batch entry.
        let frames = scratch
        let batchSize = Swift.min(64, (128 &- 2 &* levels) / 2)
        let batch = scratch + 2 &* levels, masks = batch + batchSize
        var batchCount = 0

        /// The "maybe" mask of the children of node `p` on `level`, and the first child.
        @inline(__always) func children(_ p: Int, _ level: Int) -> (first: Int, bits: UInt64) {
            let first = ls[level &- 1] &+ (p &- ls[level]) &* ns
            let end = Swift.min(first &+ ns, ls[level])
            var bits: UInt64 = 0
            var k = first
            while k < end {
                let left = end &- k
                let lanes: UInt64 = left >= 4 ? 15 : (1 &<< UInt64(truncatingIfNeeded: left)) &- 1
                bits |= (shape.test(k).maybe & lanes) &<< UInt64(truncatingIfNeeded: k &- first)
                k &+= 4
            }
            return (first, bits)
        }

        /// Tests and visits the items of the leaf nodes in the batch, then empties it.
        @inline(__always) func flush() {
            var i = 0
            var chunk = 0
            while chunk < ns {
                let shift = UInt64(truncatingIfNeeded: chunk)
                i = 0
                while i < batchCount {
                    let first = Int(truncatingIfNeeded: batch[i] & 0xFFFF_FFFF) &* ns
                    let k = first &+ chunk
                    var (bits, sure) = shape.test(k)
                    let open = bits & ~sure
                    if open != 0 {
                        // Within rounding of the query's edge: settle with the exact test.
                        for lane in 0..<4 where open & (1 &<< UInt64(lane)) != 0 && !shape.exact(k &+ lane) {
                            bits &= ~(1 &<< UInt64(lane))
                        }
                    }
                    if chunk == 0 {
                        masks[i] = bits
                        batch[i] |= UInt64(truncatingIfNeeded: ids[first]) &<< 32
                    } else {
                        masks[i] |= bits &<< shift
                    }
                    i &+= 1
                }
                chunk &+= 4
            }
            i = 0
            while i < batchCount {
                let first = Int(truncatingIfNeeded: batch[i] & 0xFFFF_FFFF) &* ns
                let size = Swift.min(ns, n &- first)
                var hits = masks[i] & (size == 64 ? ~0 : (1 &<< UInt64(truncatingIfNeeded: size)) &- 1)
                if hits & 1 != 0 {
                    visit(Int(truncatingIfNeeded: batch[i] &>> 32))
                    hits &= ~1
                }
                while hits != 0 {
                    visit(Int(truncatingIfNeeded: ids[first &+ hits.trailingZeroBitCount]))
                    hits &= hits &- 1
                }
                i &+= 1
            }
            batchCount = 0
        }

        /// Adds the leaf nodes `first + j` for the set bits `j` (entries of level 1) to the batch.
        @inline(__always) func enqueue(_ first: Int, _ bits: UInt64) {
            var bits = bits
            while bits != 0 {
                if batchCount == batchSize { flush() }
                batch[batchCount] = UInt64(truncatingIfNeeded: first &+ bits.trailingZeroBitCount &- n)
                batchCount &+= 1
                bits &= bits &- 1
            }
        }

        /// Reports every item below node `p` on `level`.
        @inline(__always) func reportAll(_ p: Int, _ level: Int) {
            flush()
            var span = ns
            var l = 1
            while l < level && span < n { span &*= ns; l &+= 1 }
            var k = (p &- ls[level]) &* span
            let end = Swift.min(k &+ span, n)
            while k < end { visit(Int(truncatingIfNeeded: ids[k])); k &+= 1 }
        }

        let rootLevel = levels &- 1, root = ls[levels] &- 1
        if shape.covers(root) {
            reportAll(root, rootLevel)
            return
        }
        if rootLevel == 1 {
            enqueue(root, 1)
            flush()
            return
        }
        let (rootFirst, rootBits) = children(root, rootLevel)
        if rootLevel == 2 {
            enqueue(rootFirst, rootBits)
            flush()
            return
        }
        // frames[2l], frames[2l + 1]: first child and pending children of the node being expanded
        // on level l + 1 (the children are on level l).
        var level = rootLevel &- 1
        frames[2 &* level] = UInt64(truncatingIfNeeded: rootFirst)
        frames[2 &* level &+ 1] = rootBits
        while true {
            let bits = frames[2 &* level &+ 1]
            if bits == 0 {
                if level == rootLevel &- 1 { break }
                level &+= 1
                continue
            }
            frames[2 &* level &+ 1] = bits & (bits &- 1)
            let p = Int(truncatingIfNeeded: frames[2 &* level]) &+ bits.trailingZeroBitCount
            if shape.covers(p) {
                reportAll(p, level)
                continue
            }
            let (first, childBits) = children(p, level)
            if level == 2 {
                enqueue(first, childBits)
            } else {
                level &-= 1
                frames[2 &* level] = UInt64(truncatingIfNeeded: first)
                frames[2 &* level &+ 1] = childBits
            }
        }
        flush()
    }
}

/// A query region for ``PackedRTree``'s traversal, bound to one tree's storage.
@usableFromInline
protocol _QueryShape {
    /// For entries `k ..< k + 4` (bits 0–3): which may be accepted, and which surely are (a
    /// subset). Lanes past the end of a level are masked off by the caller.
    func test(_ k: Int) -> (maybe: UInt64, sure: UInt64)
    /// The exact answer for entry `i`, asked only where `test` left it open.
    func exact(_ i: Int) -> Bool
    /// Every box inside entry `i`'s box is accepted.
    func covers(_ i: Int) -> Bool
}

/// Bits 0–3 set where the lanes of `m` are true.
@inlinable @inline(__always)
func _bits(_ m: SIMDMask<SIMD4<Int32>>) -> UInt64 {
    let v = unsafeBitCast(m, to: SIMD4<Int32>.self) & SIMD4<Int32>(1, 2, 4, 8)
    return UInt64(truncatingIfNeeded: v[0] | v[1] | v[2] | v[3])
}

@inlinable @inline(__always)
func _bits(_ m: SIMDMask<SIMD4<Int64>>) -> UInt64 {
    let v = unsafeBitCast(m, to: SIMD4<Int64>.self) & SIMD4<Int64>(1, 2, 4, 8)
    return UInt64(truncatingIfNeeded: v[0] | v[1] | v[2] | v[3])
}

@inlinable @inline(__always)
func _load4<T: SIMDScalar>(_ p: UnsafeMutablePointer<T>, _ k: Int) -> SIMD4<T> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD4<T>.self)
}

/// Boxes that intersect a query box (closed).
///
/// Tests run on the outward-rounded `Float` boxes against the query in the same frame, with the
/// query's maxima rounded down and minima rounded up. Per comparison, with `f` a stored bound
/// and `q` the rounded query bound, `f < q` proves the exact comparison true and `f > q` proves
/// it false (the `Double` subtraction of the origin is monotonic and the roundings are
/// directed); only `f == q` leaves it open, which the exact `Double` test then settles.
@usableFromInline
struct _BoxShape: _QueryShape {
    @usableFromInline let qx0: Double, qy0: Double, qx1: Double, qy1: Double
    @usableFromInline let fx0: SIMD4<Float>, fy0: SIMD4<Float>, fx1: SIMD4<Float>, fy1: SIMD4<Float>
    @usableFromInline let s: _PackedRTreeStorage

    @inlinable init(_ b: BBox, _ s: _PackedRTreeStorage) {
        qx0 = b.minX; qy0 = b.minY; qx1 = b.maxX; qy1 = b.maxY
        fx0 = SIMD4(repeating: _PackedRTreeStorage.floatUp(b.minX - s.originX))
        fy0 = SIMD4(repeating: _PackedRTreeStorage.floatUp(b.minY - s.originY))
        fx1 = SIMD4(repeating: _PackedRTreeStorage.floatDown(b.maxX - s.originX))
        fy1 = SIMD4(repeating: _PackedRTreeStorage.floatDown(b.maxY - s.originY))
        self.s = s
    }

    @inlinable @inline(__always)
    func test(_ k: Int) -> (maybe: UInt64, sure: UInt64) {
        let x0 = _load4(s.fMinX, k), y0 = _load4(s.fMinY, k), x1 = _load4(s.fMaxX, k), y1 = _load4(s.fMaxY, k)
        let maybe = (x0 .<= fx1) .& (fx0 .<= x1) .& (y0 .<= fy1) .& (fy0 .<= y1)
        let sure = (x0 .< fx1) .& (fx0 .< x1) .& (y0 .< fy1) .& (fy0 .< y1)
        return (_bits(maybe), _bits(sure))
    }

    @inlinable @inline(__always)
    func exact(_ i: Int) -> Bool {
        s.minX[i] <= qx1 && qx0 <= s.maxX[i] && s.minY[i] <= qy1 && qy0 <= s.maxY[i]
    }

    @inlinable @inline(__always)
    func covers(_ i: Int) -> Bool {
        qx0 <= s.minX[i] && s.maxX[i] <= qx1 && qy0 <= s.minY[i] && s.maxY[i] <= qy1
    }
}

/// Boxes within a distance of a point, tested on the exact `Double` boxes.
@usableFromInline
struct _DiscShape: _QueryShape {
    @usableFromInline let px: Double, py: Double, r2: Double
    @usableFromInline let s: _PackedRTreeStorage

    @inlinable init(center: Coordinate, radius: Double, _ s: _PackedRTreeStorage) {
        px = center.x; py = center.y; r2 = radius * radius
        self.s = s
    }

    @inlinable @inline(__always)
    func test(_ k: Int) -> (maybe: UInt64, sure: UInt64) {
        // Per axis, the gap between the point and the box: at most one of the two differences is
        // positive (x0 <= x1), and none when the point is within the box's extent.
        let px = SIMD4(repeating: px), py = SIMD4(repeating: py), zero = SIMD4<Double>.zero
        var dx = _load4(s.minX, k) - px, dy = _load4(s.minY, k) - py
        let ex = px - _load4(s.maxX, k), ey = py - _load4(s.maxY, k)
        dx.replace(with: ex, where: ex .> dx)
        dy.replace(with: ey, where: ey .> dy)
        dx.replace(with: zero, where: dx .< zero)
        dy.replace(with: zero, where: dy .< zero)
        let bits = _bits(dx * dx + dy * dy .<= SIMD4(repeating: r2))
        return (bits, bits)
    }

    @inlinable @inline(__always)
    func exact(_ i: Int) -> Bool { true }

    @inlinable @inline(__always)
    func covers(_ i: Int) -> Bool {
        // The farthest corner of the box is within the radius.
        let dx = Swift.max(px - s.minX[i], s.maxX[i] - px), dy = Swift.max(py - s.minY[i], s.maxY[i] - py)
        return dx * dx + dy * dy <= r2
    }
}
