import Geometry

/// A uniform grid of square cells over a box, indexing moving points (vehicles, pedestrians) by
/// integer id.
///
/// Each cell keeps a doubly linked list of the ids inside it, threaded through flat per-id arrays,
/// so inserting, moving and removing a point are O(1) and allocate nothing once the per-id arrays
/// are long enough. Points outside ``bounds`` are kept in the nearest edge cell (their true
/// position is stored and used by the queries), so every point stays findable.
///
/// Ids are meant to be dense indices (`0 ..< agentCount`): per-id storage grows to the largest id
/// inserted. Positions are in the units of `bounds` (metres in a projected CRS).
///
/// Choose the cell size near the typical query radius: a radius query then scans about 9 cells.
///
/// Value type: copies share storage until one of them is changed (copy-on-write arrays).
public struct UniformGrid: Sendable {
    /// The box the cells cover.
    public let bounds: BBox
    /// The side of a cell, in coordinate units.
    public let cellSize: Double
    /// The number of cell columns (along x) and rows (along y).
    public let columns: Int, rows: Int

    /// The number of points in the grid.
    public private(set) var count = 0

    /// First id of each cell's list, or -1 (`rows · columns` values, row-major from `minY`).
    private var heads: [Int32]
    /// Per id: the next and previous id in its cell's list (-1 at the ends).
    private var next: [Int32] = [], previous: [Int32] = []
    /// Per id: its cell, or -1 when the id is not in the grid.
    private var cellOf: [Int32] = []
    /// Per id: its position.
    private var xs: [Double] = [], ys: [Double] = []

    /// The largest number of cells a grid may have (2^26, 256 MiB of list heads).
    public static let maximumCellCount = 1 << 26

    /// An empty grid of `cellSize` cells covering `bounds`.
    ///
    /// The grid has `max(1, ⌈width / cellSize⌉)` columns and `max(1, ⌈height / cellSize⌉)` rows;
    /// the last column and row may extend past `bounds`.
    ///
    /// - Throws: ``InputError`` with code ``ErrorCode/badValue`` if `bounds` is empty or not
    ///   finite, if `cellSize` is not a positive finite number, or if the grid would have more than
    ///   ``maximumCellCount`` cells.
    public init(bounds: BBox, cellSize: Double) throws(InputError) {
        guard !bounds.isEmpty, bounds.minX.isFinite, bounds.minY.isFinite, bounds.maxX.isFinite,
              bounds.maxY.isFinite, (bounds.maxX - bounds.minX).isFinite, (bounds.maxY - bounds.minY).isFinite
        else { throw InputError(.badValue, "grid bounds \(bounds) must be a non-empty finite box") }
        guard cellSize.isFinite, cellSize > 0 else {
            throw InputError(.badValue, "grid cell size \(cellSize) must be a positive finite number")
        }
        let c = Swift.max(1, ((bounds.maxX - bounds.minX) / cellSize).rounded(.up))
        let r = Swift.max(1, ((bounds.maxY - bounds.minY) / cellSize).rounded(.up))
        guard c * r <= Double(Self.maximumCellCount) else {
            throw InputError(.badValue, "grid of \(c) × \(r) cells exceeds \(Self.maximumCellCount) cells")
        }
        self.bounds = bounds
        self.cellSize = cellSize
        self.columns = Int(c)
        self.rows = Int(r)
        self.heads = [Int32](repeating: -1, count: Int(c) * Int(r))
    }

    /// The grid contains a point with this id. O(1).
    public func contains(_ id: Int) -> Bool {
        id >= 0 && id < cellOf.count && cellOf[id] >= 0
    }

    /// The position of point `id`, or nil if it is not in the grid. O(1).
    public func position(of id: Int) -> Coordinate? {
        contains(id) ? Coordinate(xs[id], ys[id]) : nil
    }

    /// Adds point `id` at `position`. O(1) amortised (O(id) the first time an id beyond all
    /// earlier ones is used, to grow the per-id storage).
    ///
    /// - Precondition: `0 <= id < Int32.max`, `id` is not in the grid, and `position` is finite.
    public mutating func insert(_ id: Int, at position: Coordinate) {
        precondition(id >= 0 && id < Int(Int32.max), "UniformGrid id \(id) out of range")
        precondition(position.isFinite, "UniformGrid position \(position) of id \(id) is not finite")
        if id >= cellOf.count { grow(to: id + 1) }
        precondition(cellOf[id] < 0, "UniformGrid id \(id) is already in the grid")
        xs[id] = position.x
        ys[id] = position.y
        link(id, into: cell(position.x, position.y))
        count += 1
    }

    /// Moves point `id` to `position`. O(1); only the position changes when the cell stays the same.
    ///
    /// - Precondition: `id` is in the grid and `position` is finite.
    public mutating func move(_ id: Int, to position: Coordinate) {
        precondition(contains(id), "UniformGrid id \(id) is not in the grid")
        precondition(position.isFinite, "UniformGrid position \(position) of id \(id) is not finite")
        xs[id] = position.x
        ys[id] = position.y
        let c = cell(position.x, position.y)
        if c != Int(cellOf[id]) {
            unlink(id)
            link(id, into: c)
        }
    }

    /// Removes point `id`; returns whether it was in the grid. O(1).
    @discardableResult
    public mutating func remove(_ id: Int) -> Bool {
        guard contains(id) else { return false }
        unlink(id)
        count -= 1
        return true
    }

    /// Calls `visit` with the id of every point inside `box` (closed: points on the edge count).
    ///
    /// Order: cells row by row (increasing y, then increasing x); within a cell, the most recently
    /// linked id first. The order depends only on the sequence of inserts, moves and removes, so it
    /// is deterministic. Does not allocate.
    ///
    /// Complexity: O(cells overlapped by `box` + points in those cells).
    public func search(_ box: BBox, _ visit: (Int) -> Void) {
        guard count > 0, !box.isEmpty else { return }
        let qx0 = box.minX, qy0 = box.minY, qx1 = box.maxX, qy1 = box.maxY
        scan(qx0, qy0, qx1, qy1, accept: { x, y in qx0 <= x && x <= qx1 && qy0 <= y && y <= qy1 }, visit: visit)
    }

    /// The ids of the points inside `box`, in ascending order. Complexity as ``search(_:_:)``,
    /// plus sorting the result.
    public func search(_ box: BBox) -> [Int] {
        var result: [Int] = []
        search(box) { result.append($0) }
        result.sort()
        return result
    }

    /// Calls `visit` with the id of every point at distance `<= radius` from `center`.
    ///
    /// A negative or NaN radius, or a non-finite centre, reports nothing. Same order as
    /// ``search(_:_:)``. Does not allocate.
    ///
    /// Complexity: O(cells overlapped by the box `center ± radius` + points in those cells).
    public func search(within radius: Double, of center: Coordinate, _ visit: (Int) -> Void) {
        guard count > 0, center.isFinite, radius >= 0 else { return }
        let px = center.x, py = center.y, r2 = radius * radius
        scan(px - radius, py - radius, px + radius, py + radius,
             accept: { x, y in (x - px) * (x - px) + (y - py) * (y - py) <= r2 }, visit: visit)
    }

    /// The ids of the points within `radius` of `center`, in ascending order. Complexity as
    /// ``search(within:of:_:)``, plus sorting the result.
    public func search(within radius: Double, of center: Coordinate) -> [Int] {
        var result: [Int] = []
        search(within: radius, of: center) { result.append($0) }
        result.sort()
        return result
    }

    // MARK: - Cells and lists

    /// The column of x, clamped to the grid (NaN is never passed: positions are checked finite).
    @inline(__always) private func column(_ x: Double) -> Int {
        let t = ((x - bounds.minX) / cellSize).rounded(.down)
        return t <= 0 ? 0 : (t >= Double(columns - 1) ? columns - 1 : Int(t))
    }

    @inline(__always) private func row(_ y: Double) -> Int {
        let t = ((y - bounds.minY) / cellSize).rounded(.down)
        return t <= 0 ? 0 : (t >= Double(rows - 1) ? rows - 1 : Int(t))
    }

    @inline(__always) private func cell(_ x: Double, _ y: Double) -> Int {
        row(y) &* columns &+ column(x)
    }

    /// Visits the points of the cells overlapped by the box `x0...x1 × y0...y1` (clamped to the
    /// grid) that pass `accept`.
    @inline(__always)
    private func scan(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double,
                      accept: (Double, Double) -> Bool, visit: (Int) -> Void) {
        let c0 = column(x0), c1 = column(x1), r0 = row(y0), r1 = row(y1)
        heads.withUnsafeBufferPointer { heads in
            next.withUnsafeBufferPointer { next in
                xs.withUnsafeBufferPointer { xs in
                    ys.withUnsafeBufferPointer { ys in
                        var r = r0
                        while r <= r1 {
                            var c = r &* columns &+ c0
                            let end = r &* columns &+ c1
                            while c <= end {
                                var id = Int(truncatingIfNeeded: heads[c])
                                while id >= 0 {
                                    if accept(xs[id], ys[id]) { visit(id) }
                                    id = Int(truncatingIfNeeded: next[id])
                                }
                                c &+= 1
                            }
                            r &+= 1
                        }
                    }
                }
            }
        }
    }

    private mutating func grow(to n: Int) {
        let extra = n - cellOf.count
        next.append(contentsOf: repeatElement(-1, count: extra))
        previous.append(contentsOf: repeatElement(-1, count: extra))
        cellOf.append(contentsOf: repeatElement(-1, count: extra))
        xs.append(contentsOf: repeatElement(0, count: extra))
        ys.append(contentsOf: repeatElement(0, count: extra))
    }

    /// Puts `id` at the head of cell `c`'s list.
    private mutating func link(_ id: Int, into c: Int) {
        let head = heads[c]
        next[id] = head
        previous[id] = -1
        if head >= 0 { previous[Int(head)] = Int32(truncatingIfNeeded: id) }
        heads[c] = Int32(truncatingIfNeeded: id)
        cellOf[id] = Int32(truncatingIfNeeded: c)
    }

    /// Takes `id` out of its cell's list and marks it absent.
    private mutating func unlink(_ id: Int) {
        let n = next[id], p = previous[id]
        if p >= 0 { next[Int(p)] = n } else { heads[Int(cellOf[id])] = n }
        if n >= 0 { previous[Int(n)] = p }
        next[id] = -1
        previous[id] = -1
        cellOf[id] = -1
    }
}
