import Foundation
import Geometry

/// Turns a maximum-depth raster into polygons: for each threshold, the cells deeper than it,
/// merged into one (multi)polygon through GEOS. Each row's runs of consecutive cells become one
/// rectangle (exact, since they share edges), and the rectangles of all rows are dissolved by
/// GEOS's cascaded union (`GeosContext.unaryUnion`). The result is checked with GEOS `isValid`.
///
/// Classes are nested exceedance classes ("deeper than 0.15 m" includes "deeper than 0.3 m"), as
/// the flooded-area KPIs count them. Areas are exact: cell corners are grid coordinates, so the
/// polygons' area equals the number of cells times the cell area (up to floating-point rounding of
/// the shoelace sum, which is exact for whole-metre grids). O(cells) plus the union, O(r log r) in
/// the number of row runs r.
public enum DepthPolygons {
    /// The cells of one class, dissolved.
    public struct DepthClass: Hashable, Sendable {
        /// Depth threshold in m: the class holds cells with depth > threshold.
        public var threshold: Double
        /// The dissolved area, one polygon per connected patch (edge-connected; cells meeting at a
        /// corner only join as one polygon touching itself at that vertex, as GEOS dissolves them).
        public var polygons: [Polygon]
        /// Number of cells in the class.
        public var cellCount: Int
        /// Area of the class in m² (cell count × cell area).
        public var area: Double
    }

    /// The standard thresholds (m): 0.15 (kerb height; pedestrians and traffic affected) and 0.3
    /// (cars stall; the usual urban waterlogging limit in China's GB 51222).
    public static let standardThresholds = [0.15, 0.3]

    /// The classes of `depth` (m) for each threshold, in the raster's CRS. No-data and non-finite
    /// cells are never in a class.
    /// - Throws: `InputError(.invalidGeometry)` if GEOS returns an invalid polygon (it should not).
    public static func classes(_ depth: Raster<Double>, thresholds: [Double] = standardThresholds,
                               geos: GeosContext = .forCurrentThread) throws -> [DepthClass] {
        let g = depth.grid
        return try thresholds.map { th in
            var rects: [Shape] = []
            var count = 0
            for r in 0..<g.height {
                var c = 0
                while c < g.width {
                    let v = depth[r, c]
                    guard v != depth.noData, v.isFinite, v > th else { c += 1; continue }
                    let start = c
                    while c < g.width, depth[r, c] != depth.noData, depth[r, c].isFinite, depth[r, c] > th { c += 1 }
                    count += c - start
                    let x0 = g.originX + Double(start) * g.cellSize, x1 = g.originX + Double(c) * g.cellSize
                    let y1 = g.originY + Double(g.height - r) * g.cellSize, y0 = y1 - g.cellSize
                    rects.append(.polygon(Polygon(box: BBox(minX: x0, minY: y0, maxX: x1, maxY: y1))))
                }
            }
            var polygons: [Polygon] = []
            if !rects.isEmpty {
                let u = try geos.unaryUnion(rects)
                if let why = try geos.validityReason(u) {
                    throw InputError(.invalidGeometry, "depth polygons over \(th) m are invalid: \(why)")
                }
                switch u {
                case .polygon(let p): polygons = [p]
                case .multiPolygon(let m): polygons = m.polygons
                default: throw InputError(.internalError, "union of depth cells gave a \(u.typeName)")
                }
            }
            // Largest patch first, then by position, so output order is stable.
            polygons.sort { ($0.area, $0.bbox.minX, $0.bbox.minY) > ($1.area, $1.bbox.minX, $1.bbox.minY) }
            return DepthClass(threshold: th, polygons: polygons, cellCount: count, area: Double(count) * g.cellSize * g.cellSize)
        }
    }
}

/// Surface water on roads: each road line sampled against the maximum-depth raster.
public enum FloodedRoads {
    /// The depth along each line: sub-segments of at most `cellSize / 8` are given the depth of
    /// the cell under their midpoint (no-data and outside the grid count as dry), so lengths are
    /// within an eighth of a cell per cell-edge crossing. Lines with no length are skipped.
    public static func measure(_ roads: [(id: String, line: Polyline)], depth: Raster<Double>) -> [FloodedRoad] {
        let step = depth.grid.cellSize / 8
        return roads.compactMap { road in
            let pts = road.line.points
            guard pts.count > 1 else { return nil }
            var total = 0.0, over15 = 0.0, over30 = 0.0, maxD = 0.0, sum = 0.0
            for i in 1..<pts.count {
                let a = pts[i - 1], b = pts[i]
                let len = a.distance(to: b)
                guard len > 0 else { continue }
                let n = max(1, Int((len / step).rounded(.up)))
                let piece = len / Double(n)
                for k in 0..<n {
                    let t = (Double(k) + 0.5) / Double(n)
                    let m = Coordinate(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
                    let d = max(0, depth.value(at: m).flatMap { $0.isFinite ? $0 : nil } ?? 0)
                    maxD = max(maxD, d); sum += d * piece
                    if d > 0.15 { over15 += piece }
                    if d > 0.3 { over30 += piece }
                }
                total += len
            }
            guard total > 0 else { return nil }
            return FloodedRoad(id: road.id, shape: road.line, maxDepth: maxD, meanDepth: sum / total,
                               lengthOver015: over15, lengthOver030: over30, length: total)
        }
    }
}
