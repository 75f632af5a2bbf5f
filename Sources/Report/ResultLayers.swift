import CityIO
import CityModel
import Foundation
import Geometry

/// A vector result layer ready for export: a name, a geometry type, typed columns and features,
/// all in the model's CRS. Both the GeoJSON export (reprojected to WGS 84) and the GeoPackage
/// (model CRS) write these, so the two always hold the same features and values.
public struct ResultLayer: Sendable {
    public enum GeometryKind: String, Sendable { case point = "POINT", lineString = "LINESTRING", polygon = "POLYGON" }
    public enum ColumnKind: String, Sendable { case real = "REAL", integer = "INTEGER", text = "TEXT" }

    public struct Column: Hashable, Sendable {
        /// Column name; numeric columns end in their unit (`_m`, `_m2`, `_m3`, `_s`, `_vehh`).
        public var name: String
        public var kind: ColumnKind
        public init(_ name: String, _ kind: ColumnKind) { self.name = name; self.kind = kind }
    }

    public struct Feature: Sendable {
        public var id: String
        public var shape: Shape
        /// One value per column, in column order; `.null` for a missing or non-finite number.
        public var values: [JSONValue]
    }

    public var name: String
    public var geometry: GeometryKind
    public var columns: [Column]
    public var features: [Feature]

    public init(name: String, geometry: GeometryKind, columns: [Column], features: [Feature] = []) {
        self.name = name; self.geometry = geometry; self.columns = columns; self.features = features
    }

    /// Appends a feature; `values` are matched to `columns` in order (non-finite numbers become null).
    public mutating func append(id: String, shape: Shape, _ values: [JSONValue]) {
        precondition(values.count == columns.count, "layer \(name): \(values.count) values for \(columns.count) columns")
        features.append(Feature(id: id, shape: shape, values: values.map {
            if case .number(let d) = $0, !d.isFinite { return .null }
            return $0
        }))
    }
}

/// The standard result layers of a run (names as in files and GeoPackage tables):
///
/// | layer | geometry | columns |
/// |---|---|---|
/// | `max_depth` | Polygon | `threshold_m`, `class`, `area_m2` — one feature per connected patch deeper than 0.15 m and 0.3 m (nested classes) |
/// | `flooded_roads` | LineString | `max_depth_m`, `mean_depth_m`, `length_m`, `length_over_015_m`, `length_over_030_m` — streets with some part deeper than 0.15 m |
/// | `node_flooding` | Point | `volume_m3`, `peak_rate_m3s`, `duration_s` — nodes with flooding volume > 0 |
/// | `link_flows` | LineString | `lanes`, `flow_vehh`, `mean_speed_ms`, `free_speed_ms`, `speed_ratio`, `delay_s` |
/// | `junction_delays` | Point | `delay_s`, `max_queue_veh`, `throughput_vehh` |
/// | `pipe_flows` | LineString | `diameter_m`, `peak_flow_m3s`, `full_flow_m3s`, `peak_over_full`, `upstream_max_depth_m` — drainage conduits |
/// | `road_closures` | LineString | `max_depth_m`, `min_speed_factor`, `closed`, `first_closed_s`, `closed_duration_s` — road edges water slowed or closed (coupled flood and traffic) |
///
/// Layers without features are still produced (empty), so every run folder has the same files.
public enum ResultLayers {
    public static func make(_ r: RunResults, roads: [Basemap.Street], thresholds: [Double] = DepthPolygons.standardThresholds) throws -> [ResultLayer] {
        var depth = ResultLayer(name: "max_depth", geometry: .polygon,
                                columns: [.init("threshold_m", .real), .init("class", .text), .init("area_m2", .real)])
        var flooded = ResultLayer(name: "flooded_roads", geometry: .lineString,
                                  columns: [.init("max_depth_m", .real), .init("mean_depth_m", .real), .init("length_m", .real),
                                            .init("length_over_015_m", .real), .init("length_over_030_m", .real)])
        if let d = r.maxDepth {
            for c in try DepthPolygons.classes(d, thresholds: thresholds) {
                let tag = String(format: "%03d", Int((c.threshold * 100).rounded()))
                for (i, p) in c.polygons.enumerated() {
                    depth.append(id: "gt\(tag)-\(i + 1)", shape: .polygon(p),
                                 [.number(c.threshold), .string("> \(KPI.format(c.threshold, decimals: 2)) m"), .number(p.area)])
                }
            }
            for f in FloodedRoads.measure(roads.map { ($0.id, $0.line) }, depth: d) where f.lengthOver015 > 0 {
                flooded.append(id: f.id, shape: .lineString(f.shape),
                               [.number(f.maxDepth), .number(f.meanDepth), .number(f.length), .number(f.lengthOver015), .number(f.lengthOver030)])
            }
        }
        var nodes = ResultLayer(name: "node_flooding", geometry: .point,
                                columns: [.init("volume_m3", .real), .init("peak_rate_m3s", .real), .init("duration_s", .real)])
        for n in r.nodeFlooding where n.volume > 0 {
            nodes.append(id: n.id, shape: .point(n.position), [.number(n.volume), .number(n.peakRate), .number(n.duration)])
        }
        var links = ResultLayer(name: "link_flows", geometry: .lineString,
                                columns: [.init("lanes", .integer), .init("flow_vehh", .real), .init("mean_speed_ms", .real),
                                          .init("free_speed_ms", .real), .init("speed_ratio", .real), .init("delay_s", .real)])
        for l in r.links {
            links.append(id: l.id, shape: .lineString(l.shape),
                         [.number(Double(l.lanes)), .number(l.flow), .number(l.meanSpeed), .number(l.freeSpeed), .number(l.speedRatio), .number(l.delay)])
        }
        var junctions = ResultLayer(name: "junction_delays", geometry: .point,
                                    columns: [.init("delay_s", .real), .init("max_queue_veh", .real), .init("throughput_vehh", .real)])
        for j in r.junctions {
            junctions.append(id: j.id, shape: .point(j.position), [.number(j.delay), .number(j.maxQueue), .number(j.throughput)])
        }
        var pipes = ResultLayer(name: "pipe_flows", geometry: .lineString,
                                columns: [.init("diameter_m", .real), .init("peak_flow_m3s", .real), .init("full_flow_m3s", .real),
                                          .init("peak_over_full", .real), .init("upstream_max_depth_m", .real)])
        for p in r.pipes {
            pipes.append(id: p.id, shape: .lineString(p.shape),
                         [.number(p.diameter), .number(p.peakFlow), .number(p.fullFlow), .number(p.peakOverFull), .number(p.upstreamMaxDepth)])
        }
        var closures = ResultLayer(name: "road_closures", geometry: .lineString,
                                   columns: [.init("max_depth_m", .real), .init("min_speed_factor", .real), .init("closed", .integer),
                                             .init("first_closed_s", .real), .init("closed_duration_s", .real)])
        for f in r.roadFlooding {
            closures.append(id: f.id, shape: .lineString(f.shape),
                            [.number(f.maxDepth), .number(f.minFactor), .number(f.wasClosed ? 1 : 0),
                             f.firstClosed.map(JSONValue.number) ?? .null, .number(f.closedDuration)])
        }
        return [depth, flooded, nodes, links, junctions, pipes, closures]
    }
}

/// GeoJSON export of result layers: RFC 7946 (WGS 84 longitude/latitude, no `crs` member),
/// reprojected through PROJ from the model's CRS and rounded to 7 decimals (about 1 cm), written
/// atomically by CityIO's `GeoJSONWriter`.
public enum ResultGeoJSON {
    /// Decimals kept in longitude and latitude.
    public static let decimals = 7

    /// `v` rounded to `decimals` places (the nearest double to the decimal, so it prints as such).
    @inlinable public static func round7(_ v: Double) -> Double { (v * 1e7).rounded() / 1e7 }

    public static func write(_ layer: ResultLayer, crs: CRS, to path: String) throws {
        let t = crs == .wgs84 ? nil : try CoordinateTransformer.cached(from: crs, to: .wgs84)
        let w = try GeoJSONWriter(path: path, crs: nil, name: layer.name)
        for f in layer.features {
            var s = f.shape
            if let t { s = try t.transform(s) }
            s = s.mapCoordinates { Coordinate(round7($0.x), round7($0.y)) }
            let props = [("id", JSONValue.string(f.id))] + zip(layer.columns, f.values).map { ($0.name, $1) }
            try w.write(id: f.id, shape: s, properties: props)
        }
        try w.finish()
    }
}
