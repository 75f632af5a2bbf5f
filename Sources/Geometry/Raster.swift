/// Where a raster sits: `width` columns by `height` rows of square cells of side `cellSize`, whose
/// lower-left corner is at (`originX`, `originY`) in the raster's CRS (ESRI ASCII grid's
/// `xllcorner`/`yllcorner`).
///
/// **Index convention** (one for the whole project): row 0 is the northernmost row, columns run west
/// to east, and the flat index of cell (row, col) is `row * width + col` — the order in which ESRI
/// ASCII grids and GeoTIFFs store cells.
public struct GridSpec: Hashable, Codable, Sendable {
    public var width: Int
    public var height: Int
    public var originX: Double
    public var originY: Double
    public var cellSize: Double

    public init(width: Int, height: Int, originX: Double, originY: Double, cellSize: Double) {
        self.width = width; self.height = height; self.originX = originX; self.originY = originY; self.cellSize = cellSize
    }

    @inlinable public var count: Int { width * height }
    public var bbox: BBox {
        BBox(minX: originX, minY: originY, maxX: originX + Double(width) * cellSize, maxY: originY + Double(height) * cellSize)
    }

    /// Flat index of (row, col); no bounds check.
    @inlinable public func index(row: Int, col: Int) -> Int { row &* width &+ col }

    /// The centre of cell (row, col).
    @inlinable public func center(row: Int, col: Int) -> Coordinate {
        Coordinate(originX + (Double(col) + 0.5) * cellSize, originY + (Double(height - row) - 0.5) * cellSize)
    }

    /// The cell containing `c`, or nil outside the grid. A point on an inner cell edge belongs to the
    /// cell east / south of it.
    public func cell(containing c: Coordinate) -> (row: Int, col: Int)? {
        let fx = (c.x - originX) / cellSize, fy = (originY + Double(height) * cellSize - c.y) / cellSize
        guard fx >= 0, fy >= 0, fx.isFinite, fy.isFinite else { return nil }
        let col = Int(fx), row = Int(fy)
        guard col < width, row < height else { return nil }
        return (row, col)
    }
}

/// A flat grid of values over a `GridSpec`, stored row-major with row 0 at the north (see `GridSpec`).
/// A value equal to `noData` means "no value here".
public struct Raster<Value: Hashable & Sendable>: Hashable, Sendable {
    public var grid: GridSpec
    public var values: [Value]
    public var noData: Value?

    /// A raster filled with `fill`.
    public init(grid: GridSpec, fill: Value, noData: Value? = nil) {
        self.grid = grid; self.values = Array(repeating: fill, count: grid.count); self.noData = noData
    }

    /// A raster over existing values; `values.count` must equal `grid.count`.
    public init(grid: GridSpec, values: [Value], noData: Value? = nil) {
        precondition(values.count == grid.count, "Raster: \(values.count) values for a \(grid.width)×\(grid.height) grid")
        self.grid = grid; self.values = values; self.noData = noData
    }

    @inlinable public var width: Int { grid.width }
    @inlinable public var height: Int { grid.height }

    @inlinable public subscript(row: Int, col: Int) -> Value {
        get { values[grid.index(row: row, col: col)] }
        set { values[grid.index(row: row, col: col)] = newValue }
    }

    /// The value at a map position, nil outside the grid or on a no-data cell.
    public func value(at c: Coordinate) -> Value? {
        guard let (r, k) = grid.cell(containing: c) else { return nil }
        let v = self[r, k]
        return v == noData ? nil : v
    }
}
