/// A position in a coordinate reference system: `x` is easting or longitude, `y` is northing or
/// latitude (the "visualisation" axis order, whatever order the CRS defines). Units are those of the
/// CRS: metres in a projected CRS, degrees in a geographic one.
public struct Coordinate: Hashable, Codable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    @inlinable public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    @inlinable public init(x: Double, y: Double) { self.x = x; self.y = y }

    /// Both ordinates are finite numbers.
    @inlinable public var isFinite: Bool { x.isFinite && y.isFinite }

    /// Euclidean distance in CRS units (meaningful on projected coordinates).
    @inlinable public func distance(to o: Coordinate) -> Double { ((x - o.x) * (x - o.x) + (y - o.y) * (y - o.y)).squareRoot() }

    public var description: String { "(\(x), \(y))" }
}

/// An axis-aligned bounding box, closed on all sides. An empty box has `minX > maxX`.
public struct BBox: Hashable, Codable, Sendable, CustomStringConvertible {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    @inlinable public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }

    /// The box that contains nothing; `union` with it is the identity.
    public static let empty = BBox(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)

    /// The smallest box around the coordinates (`empty` for none).
    @inlinable public init<S: Sequence>(around coordinates: S) where S.Element == Coordinate {
        var b = BBox.empty
        for c in coordinates { b.expand(toInclude: c) }
        self = b
    }

    @inlinable public var isEmpty: Bool { !(minX <= maxX && minY <= maxY) }
    @inlinable public var width: Double { isEmpty ? 0 : maxX - minX }
    @inlinable public var height: Double { isEmpty ? 0 : maxY - minY }
    @inlinable public var center: Coordinate { Coordinate((minX + maxX) / 2, (minY + maxY) / 2) }

    @inlinable public mutating func expand(toInclude c: Coordinate) {
        if c.x < minX { minX = c.x }
        if c.x > maxX { maxX = c.x }
        if c.y < minY { minY = c.y }
        if c.y > maxY { maxY = c.y }
    }

    @inlinable public func union(_ o: BBox) -> BBox {
        BBox(minX: Swift.min(minX, o.minX), minY: Swift.min(minY, o.minY),
             maxX: Swift.max(maxX, o.maxX), maxY: Swift.max(maxY, o.maxY))
    }

    /// Closed-box overlap: boxes that share only an edge or a corner intersect.
    @inlinable public func intersects(_ o: BBox) -> Bool {
        minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY
    }

    @inlinable public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    @inlinable public func contains(_ o: BBox) -> Bool {
        o.minX >= minX && o.maxX <= maxX && o.minY >= minY && o.maxY <= maxY
    }

    /// The box grown by `d` on every side.
    @inlinable public func expanded(by d: Double) -> BBox {
        BBox(minX: minX - d, minY: minY - d, maxX: maxX + d, maxY: maxY + d)
    }

    /// Squared distance from a point to the box (0 inside).
    @inlinable public func distanceSquared(to c: Coordinate) -> Double {
        let dx = Swift.max(minX - c.x, 0, c.x - maxX)
        let dy = Swift.max(minY - c.y, 0, c.y - maxY)
        return dx * dx + dy * dy
    }

    public var description: String { "[\(minX), \(minY), \(maxX), \(maxY)]" }
}
