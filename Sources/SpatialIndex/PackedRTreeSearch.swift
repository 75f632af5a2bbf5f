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
    /// Does not allocate: the traversal's stack (one frame per level) and its batch of leaf
    /// nodes fit in 1 KiB on the call stack.
    ///
    /// Complexity: O(nodeSize · log_nodeSize(n) + k) node tests for `k` results when the boxes
    /// are small and well spread (a node wholly inside `box` reports its items without testing
    /// them); O(n) in the worst case, for example when every box overlaps every other.
    @inlinable
    public func search(_ box: BBox, _ visit: (Int) -> Void) {
        _traverse(_BoxShape(box, storage), visit)
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
    /// log_nodeSize(n) + k) in the usual case, O(n) in the worst case.
    @inlinable
    public func search(within radius: Double, of center: Coordinate, _ visit: (Int) -> Void) {
        guard center.isFinite, radius >= 0 else { return }
        _traverse(_DiscShape(center: center, radius: radius, storage), visit)
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
}
