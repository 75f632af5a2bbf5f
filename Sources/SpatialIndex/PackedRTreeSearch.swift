import Geometry

// Box and radius queries on PackedRTree: depth-first traversals with a fixed-size stack.

extension PackedRTree {
    /// Calls `visit` with the id of every item whose box intersects `box`.
    ///
    /// Boxes are closed: an item that only touches `box` at an edge or a corner is reported, and
    /// zero-area items (points, segments) on the boundary of `box` too. An empty or NaN query box
    /// reports nothing. Items come in tree (Hilbert) order, which depends only on the input boxes
    /// and the node size, so the sequence is deterministic.
    ///
    /// Does not allocate on the heap: the traversal stack (at most `levelCount · nodeSize`
    /// entries) lives on the call stack.
    ///
    /// Complexity: O(nodeSize · log_nodeSize(n) + k · nodeSize) node tests for `k` results in
    /// the usual case of small, well-spread boxes; O(n) in the worst case (for example, when
    /// every box overlaps every other).
    @inlinable
    public func search(_ box: BBox, _ visit: (Int) -> Void) {
        let qx0 = box.minX, qy0 = box.minY, qx1 = box.maxX, qy1 = box.maxY
        _traverse({ x0, y0, x1, y1 in x0 <= qx1 && qx0 <= x1 && y0 <= qy1 && qy0 <= y1 }, visit)
    }

    /// The ids of the items whose box intersects `box`, in tree (Hilbert) order.
    ///
    /// Same semantics and complexity as ``search(_:_:)``, plus the result array.
    @inlinable
    public func search(_ box: BBox) -> [Int] {
        var result: [Int] = []
        search(box) { result.append($0) }
        return result
    }

    /// Calls `visit` with the id of every item whose box is within `radius` of `center`: the
    /// distance from `center` to the nearest point of the box is at most `radius` (0 when
    /// `center` is inside the box).
    ///
    /// `radius` is in coordinate units (metres in a projected CRS). A negative or NaN radius, or a
    /// non-finite centre, reports nothing. Items come in tree (Hilbert) order. Does not allocate.
    ///
    /// Complexity: like ``search(_:_:)`` for the box `center ± radius`: O(nodeSize ·
    /// log_nodeSize(n) + k · nodeSize) in the usual case, O(n) in the worst case.
    @inlinable
    public func search(within radius: Double, of center: Coordinate, _ visit: (Int) -> Void) {
        guard center.isFinite, radius >= 0 else { return }
        let px = center.x, py = center.y, r2 = radius * radius
        _traverse({ x0, y0, x1, y1 in
            let dx = Swift.max(x0 - px, 0, px - x1)
            let dy = Swift.max(y0 - py, 0, py - y1)
            return dx * dx + dy * dy <= r2
        }, visit)
    }

    /// The ids of the items whose box is within `radius` of `center`, in tree (Hilbert) order.
    ///
    /// Same semantics and complexity as ``search(within:of:_:)``, plus the result array.
    @inlinable
    public func search(within radius: Double, of center: Coordinate) -> [Int] {
        var result: [Int] = []
        search(within: radius, of: center) { result.append($0) }
        return result
    }

    /// Depth-first traversal: descends into every node whose box passes `accept` and reports
    /// every item whose box passes it. Children are pushed last-to-first so that items come out
    /// in ascending tree order.
    ///
    /// A stack entry is `position << 6 | level`; the children of node `position` on `level` are
    /// entries `levelStarts[level-1] + (position - levelStarts[level]) · nodeSize` onward. The stack
    /// never holds more than `(levelCount - 1) · (nodeSize - 1) + 1` entries.
    @inlinable @inline(__always)
    func _traverse(_ accept: (Double, Double, Double, Double) -> Bool, _ visit: (Int) -> Void) {
        guard count > 0 else { return }
        let levels = levelStarts.count &- 1
        let ns = nodeSize, nc = nodeCount
        coordinates.withUnsafeBufferPointer { cb in
            ids.withUnsafeBufferPointer { ids in
                levelStarts.withUnsafeBufferPointer { ls in
                    let c = cb.baseAddress!
                    let minX = c, minY = c + nc, maxX = c + 2 &* nc, maxY = c + 3 &* nc
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: levels &* ns) { stack in
                        stack[0] = (nc &- 1) &<< 6 | (levels &- 1)
                        var top = 1
                        while top > 0 {
                            top &-= 1
                            let entry = stack[top]
                            let level = entry & 63, position = entry &>> 6
                            let first = ls[level &- 1] &+ (position &- ls[level]) &* ns
                            let end = Swift.min(first &+ ns, ls[level])
                            if level == 1 {
                                var k = first
                                while k < end {
                                    if accept(minX[k], minY[k], maxX[k], maxY[k]) {
                                        visit(Int(truncatingIfNeeded: ids[k]))
                                    }
                                    k &+= 1
                                }
                            } else {
                                let childLevel = level &- 1
                                var k = end
                                while k > first {
                                    k &-= 1
                                    if accept(minX[k], minY[k], maxX[k], maxY[k]) {
                                        stack[top] = k &<< 6 | childLevel
                                        top &+= 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
