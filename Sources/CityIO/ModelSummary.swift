import CityModel
import Foundation
import Geometry

/// What `citytwin info` reports about a model: its CRS, extent, terrain and the entity count of
/// every layer. Codable, so the same summary prints as text or JSON.
public struct ModelSummary: Codable, Sendable {
    public struct TerrainSummary: Codable, Sendable {
        public var columns: Int, rows: Int
        /// Cell size (m).
        public var cellSize: Double
        /// Lowest and highest elevation (m), nil when every cell is no-data.
        public var minElevation: Double?, maxElevation: Double?
        public var noDataCells: Int
    }
    public var name: String
    public var path: String
    public var format: String
    public var crs: String
    public var crsName: String
    /// [minX, minY, maxX, maxY] in the model's CRS (m); nil for an empty model.
    public var extent: [Double]?
    /// [west, south, east, north] in WGS 84 degrees.
    public var extentWGS84: [Double]?
    public var terrain: TerrainSummary?
    /// Entity count per vector layer.
    public var layers: [String: Int]

    public init(_ m: CityModel, path: String) throws {
        name = m.name
        self.path = path
        format = ModelStore.format(of: path).rawValue
        crs = m.crs.identifier
        crsName = (try? m.crs.info().name) ?? "unknown to PROJ"
        let e = m.extent
        if !e.isEmpty {
            extent = [e.minX, e.minY, e.maxX, e.maxY]
        }
        // SWMM files carry map coordinates in no CRS: no geographic extent for them.
        if !e.isEmpty && format != ModelStore.Format.swmm.rawValue {
            let t = try CoordinateTransformer.cached(from: m.crs, to: .wgs84)
            let ring = try t.transform(.polygon(Polygon(box: e))).bbox
            extentWGS84 = [ring.minX, ring.minY, ring.maxX, ring.maxY]
        }
        if let t = m.terrain {
            let r = t.range
            terrain = TerrainSummary(columns: t.grid.width, rows: t.grid.height, cellSize: t.grid.cellSize,
                                     minElevation: r?.lowerBound, maxElevation: r?.upperBound,
                                     noDataCells: t.elevation.values.filter { $0 == t.elevation.noData }.count)
        }
        layers = Dictionary(uniqueKeysWithValues: Layer.vectorLayers.map { ($0.rawValue, m.count(of: $0)) })
    }

    /// The summary as aligned text lines.
    public var text: String {
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        var lines = ["Model:    \(name) (\(format): \(path))", "CRS:      \(crs) — \(crsName)"]
        if let e = extent {
            lines.append("Extent:   \(f(e[0])) \(f(e[1])) … \(f(e[2])) \(f(e[3])) m  (\(f((e[2] - e[0]) / 1000, 2)) km × \(f((e[3] - e[1]) / 1000, 2)) km)")
        }
        if let w = extentWGS84 { lines.append("WGS 84:   \(f(w[0], 6))°E \(f(w[1], 6))°N … \(f(w[2], 6))°E \(f(w[3], 6))°N") }
        if let t = terrain {
            var s = "Terrain:  \(t.columns) × \(t.rows) cells of \(f(t.cellSize, 2)) m"
            if let lo = t.minElevation, let hi = t.maxElevation { s += ", elevation \(f(lo, 2))…\(f(hi, 2)) m" }
            if t.noDataCells > 0 { s += ", \(t.noDataCells) no-data cells" }
            lines.append(s)
        } else {
            lines.append("Terrain:  none")
        }
        lines.append("Layers:")
        for l in Layer.vectorLayers { lines.append("  " + l.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0) + String(layers[l.rawValue] ?? 0)) }
        return lines.joined(separator: "\n")
    }
}
