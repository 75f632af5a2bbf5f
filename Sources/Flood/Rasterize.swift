import Geometry

/// Polygons onto the flood grid: a cell belongs to a polygon when its centre lies inside it (holes
/// excluded), the rule LISFLOOD-FP and most rain-on-grid tools use for building footprints.
public enum FloodRasterize {
    /// Indices of the cells whose centres lie inside any of `polygons` (ascending, no duplicates).
    /// Cost: O(Σ cells in each polygon's box × its vertex count).
    public static func cells(inside polygons: [Polygon], on grid: GridSpec) -> [Int] {
        var hit = [Bool](repeating: false, count: grid.count)
        for p in polygons { mark(p, on: grid) { hit[$0] = true } }
        return hit.indices.filter { hit[$0] }
    }

    /// A value per cell: the value of the last polygon in `items` whose interior holds the cell's
    /// centre, or `fallback`.
    public static func values(_ items: [(Polygon, Double)], on grid: GridSpec, fallback: Double) -> [Double] {
        var out = [Double](repeating: fallback, count: grid.count)
        for (p, v) in items { mark(p, on: grid) { out[$0] = v } }
        return out
    }

    static func mark(_ p: Polygon, on g: GridSpec, _ body: (Int) -> Void) {
        let b = p.bbox
        guard b.maxX >= g.originX, b.maxY >= g.originY, b.minX <= g.originX + Double(g.width) * g.cellSize,
              b.minY <= g.originY + Double(g.height) * g.cellSize else { return }
        // Columns whose centres lie in [minX, maxX], rows likewise.
        let c0 = max(0, Int(((b.minX - g.originX) / g.cellSize - 0.5).rounded(.up)))
        let c1 = min(g.width - 1, Int(((b.maxX - g.originX) / g.cellSize - 0.5).rounded(.down)))
        let top = g.originY + Double(g.height) * g.cellSize
        let r0 = max(0, Int(((top - b.maxY) / g.cellSize - 0.5).rounded(.up)))
        let r1 = min(g.height - 1, Int(((top - b.minY) / g.cellSize - 0.5).rounded(.down)))
        guard c0 <= c1, r0 <= r1 else { return }
        for r in r0...r1 {
            for c in c0...c1 where p.contains(g.center(row: r, col: c)) { body(g.index(row: r, col: c)) }
        }
    }
}
