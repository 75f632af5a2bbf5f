import Geometry

/// Bulk loading of ``PackedRTree``: validation, Hilbert keys, a radix sort on the keys, the
/// levels bottom-up, then the `Float` filter copies.
enum PackedRTreeBuilder {
    /// Validates the boxes and builds the tree: its bounds and its filled storage.
    static func build(_ boxes: [BBox], nodeSize: Int) throws(InputError) -> (BBox, _PackedRTreeStorage) {
        let n = boxes.count
        guard n > 0 else {
            return (.empty, _PackedRTreeStorage(levelStarts: [], nodeSize: nodeSize, originX: 0, originY: 0))
        }
        let bounds = try validatedBounds(boxes)

        // Level sizes: n items, then ceil(size / nodeSize) nodes per level up to a single root.
        // Even one item gets a root node, so the root is always an internal node.
        var levelStarts = [0, n]
        var levelSize = n
        repeat {
            levelSize = (levelSize + nodeSize - 1) / nodeSize
            levelStarts.append(levelStarts[levelStarts.count - 1] + levelSize)
        } while levelSize > 1

        let order = hilbertOrder(boxes, bounds: bounds)
        // The Float copies are relative to the centre of the bounds (halves first: no overflow).
        let storage = _PackedRTreeStorage(levelStarts: levelStarts, nodeSize: nodeSize,
                                          originX: 0.5 * bounds.minX + 0.5 * bounds.maxX,
                                          originY: 0.5 * bounds.minY + 0.5 * bounds.maxY)
        let minX = storage.minX, minY = storage.minY, maxX = storage.maxX, maxY = storage.maxY
        let ids = storage.ids
        order.withUnsafeBufferPointer { order in
            boxes.withUnsafeBufferPointer { src in
                // Level 0: the items in Hilbert order (a gather from the input).
                var i = 0
                while i < n {
                    let id = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: order[i]))
                    let b = src[id]
                    minX[i] = b.minX; minY[i] = b.minY; maxX[i] = b.maxX; maxY[i] = b.maxY
                    ids[i] = Int32(truncatingIfNeeded: id)
                    i &+= 1
                }
            }
        }
        // Upper levels: each node is the union of its (up to) nodeSize children.
        var level = 1
        while level < levelStarts.count - 1 {
            let childStart = levelStarts[level - 1], childEnd = levelStarts[level]
            var node = levelStarts[level]
            var child = childStart
            while child < childEnd {
                let end = Swift.min(child &+ nodeSize, childEnd)
                var x0 = minX[child], y0 = minY[child], x1 = maxX[child], y1 = maxY[child]
                var k = child &+ 1
                while k < end {
                    x0 = Swift.min(x0, minX[k]); y0 = Swift.min(y0, minY[k])
                    x1 = Swift.max(x1, maxX[k]); y1 = Swift.max(y1, maxY[k])
                    k &+= 1
                }
                minX[node] = x0; minY[node] = y0; maxX[node] = x1; maxY[node] = y1
                node &+= 1
                child = end
            }
            level &+= 1
        }
        storage.fillFilters()
        return (bounds, storage)
    }

    /// The union of all boxes, after checking that every coordinate is finite and no box is inverted.
    static func validatedBounds(_ boxes: [BBox]) throws(InputError) -> BBox {
        var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
        var bad = -1
        boxes.withUnsafeBufferPointer { src in
            var i = 0
            while i < src.count {
                let b = src[i]
                // `min <= max` is false for NaN, and a finite sum of the four is false for ±inf.
                if !(b.minX <= b.maxX && b.minY <= b.maxY && (b.minX + b.minY + b.maxX + b.maxY).isFinite) {
                    if !(b.minX.isFinite && b.minY.isFinite && b.maxX.isFinite && b.maxY.isFinite)
                        || b.minX > b.maxX || b.minY > b.maxY {
                        bad = i
                        return
                    }
                }
                x0 = Swift.min(x0, b.minX); y0 = Swift.min(y0, b.minY)
                x1 = Swift.max(x1, b.maxX); y1 = Swift.max(y1, b.maxY)
                i &+= 1
            }
        }
        if bad >= 0 {
            let b = boxes[bad]
            let what = (b.minX.isFinite && b.minY.isFinite && b.maxX.isFinite && b.maxY.isFinite)
                ? "has min > max" : "has a non-finite coordinate"
            throw InputError(.badValue, "R-tree item \(bad): box \(b) \(what)", at: SourceLocation(file: "", feature: "item \(bad)"))
        }
        return BBox(minX: x0, minY: y0, maxX: x1, maxY: y1)
    }

    /// Item indices sorted by the Hilbert value of their box centres: each element is
    /// `hilbert << 32 | index`, in ascending order (ties keep index order).
    static func hilbertOrder(_ boxes: [BBox], bounds: BBox) -> [UInt64] {
        let n = boxes.count
        let width = bounds.maxX - bounds.minX, height = bounds.maxY - bounds.minY
        let sx = width > 0 ? 65_535 / width : 0, sy = height > 0 ? 65_535 / height : 0
        let ox = bounds.minX, oy = bounds.minY
        var keys = [UInt64](repeating: 0, count: n)
        boxes.withUnsafeBufferPointer { src in
            keys.withUnsafeMutableBufferPointer { keys in
                var i = 0
                while i < n {
                    let b = src[i]
                    let hx = quantise((0.5 * b.minX + 0.5 * b.maxX - ox) * sx)
                    let hy = quantise((0.5 * b.minY + 0.5 * b.maxY - oy) * sy)
                    keys[i] = UInt64(hilbert(hx, hy)) &<< 32 | UInt64(truncatingIfNeeded: i)
                    i &+= 1
                }
            }
        }
        radixSortByHighWord(&keys)
        return keys
    }

    /// A scaled coordinate as a 16-bit grid index: clamped to `0...65535`, NaN to 0.
    @inline(__always) static func quantise(_ t: Double) -> UInt32 {
        t >= 0 ? (t < 65_535 ? UInt32(t) : 65_535) : 0
    }

    /// Sorts by the upper 32 bits, stable, in three least-significant-digit passes of 11, 11 and
    /// 10 bits. O(n) time, one scratch array of n elements.
    static func radixSortByHighWord(_ keys: inout [UInt64]) {
        let n = keys.count
        guard n > 1 else { return }
        var scratch = [UInt64](repeating: 0, count: n)
        let shifts: [UInt64] = [32, 43, 54]
        let buckets = 2048
        var counts = [Int](repeating: 0, count: 3 * buckets)
        keys.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                counts.withUnsafeMutableBufferPointer { counts in
                    // One pass builds the three histograms.
                    for k in a {
                        counts[Int(truncatingIfNeeded: (k &>> 32) & 0x7FF)] &+= 1
                        counts[buckets &+ Int(truncatingIfNeeded: (k &>> 43) & 0x7FF)] &+= 1
                        counts[2 &* buckets &+ Int(truncatingIfNeeded: (k &>> 54) & 0x3FF)] &+= 1
                    }
                    var src = a, dst = b
                    for pass in 0..<3 {
                        let base = pass &* buckets
                        // Skip a digit on which every key agrees.
                        let first = Int(truncatingIfNeeded: (src[0] &>> shifts[pass]) & 0x7FF)
                        if counts[base &+ first] == n { continue }
                        // Exclusive prefix sums give each bucket's first output slot.
                        var sum = 0
                        for j in 0..<buckets {
                            let c = counts[base &+ j]
                            counts[base &+ j] = sum
                            sum &+= c
                        }
                        let shift = shifts[pass]
                        for k in src {
                            let d = base &+ Int(truncatingIfNeeded: (k &>> shift) & 0x7FF)
                            dst[counts[d]] = k
                            counts[d] &+= 1
                        }
                        swap(&src, &dst)
                    }
                    // After an odd number of performed passes the result is in the scratch array.
                    if src.baseAddress != a.baseAddress {
                        _ = a.update(fromContentsOf: src)
                    }
                }
            }
        }
    }

    /// The position of cell `(x, y)` (each `0..<65536`) along a Hilbert curve of order 16.
    ///
    /// Branch-free bit manipulation from "2D Hilbert curves in O(1)" by rawrunprotected
    /// (<http://threadlocalmutex.com/?p=126>), the function flatbush uses.
    @inline(__always) static func hilbert(_ x: UInt32, _ y: UInt32) -> UInt32 {
        var a = x ^ y
        var b = 0xFFFF ^ a
        var c = 0xFFFF ^ (x | y)
        var d = x & (y ^ 0xFFFF)

        var A = a | (b >> 1)
        var B = (a >> 1) ^ a
        var C = ((c >> 1) ^ (b & (d >> 1))) ^ c
        var D = ((a & (c >> 1)) ^ (d >> 1)) ^ d

        a = A; b = B; c = C; d = D
        A = (a & (a >> 2)) ^ (b & (b >> 2))
        B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2))
        C ^= (a & (c >> 2)) ^ (b & (d >> 2))
        D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2))

        a = A; b = B; c = C; d = D
        A = (a & (a >> 4)) ^ (b & (b >> 4))
        B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4))
        C ^= (a & (c >> 4)) ^ (b & (d >> 4))
        D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4))

        a = A; b = B; c = C; d = D
        C ^= (a & (c >> 8)) ^ (b & (d >> 8))
        D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8))

        a = C ^ (C >> 1)
        b = D ^ (D >> 1)

        var i0 = x ^ y
        var i1 = b | (0xFFFF ^ (i0 | a))

        i0 = (i0 | (i0 << 8)) & 0x00FF_00FF
        i0 = (i0 | (i0 << 4)) & 0x0F0F_0F0F
        i0 = (i0 | (i0 << 2)) & 0x3333_3333
        i0 = (i0 | (i0 << 1)) & 0x5555_5555

        i1 = (i1 | (i1 << 8)) & 0x00FF_00FF
        i1 = (i1 | (i1 << 4)) & 0x0F0F_0F0F
        i1 = (i1 | (i1 << 2)) & 0x3333_3333
        i1 = (i1 | (i1 << 1)) & 0x5555_5555

        return (i1 << 1) | i0
    }
}
