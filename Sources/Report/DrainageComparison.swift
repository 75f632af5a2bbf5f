import CityModel
import Foundation
import Geometry

extension ResultMaps {
    /// Conduits coloured by the difference of their peak flow, A − B (m³/s, diverging scale centred
    /// on zero; |Δ| under `neutralBand` drawn light grey), width by diameter; pipes missing from B grey.
    public static func pipeDifferenceMap(basemap: Basemap, a: [PipeFlow], b: [PipeFlow], title: String, subtitle: String? = nil,
                                         neutralBand: Double = 0.005, layout: MapLayout = MapLayout(),
                                         format: ImageFormat = .png) throws -> Canvas {
        let (canvas, p) = try sheet(basemap, layout: layout, format: format)
        try drawBase(p, basemap, waterLevel: nil, faded: true)
        p.drawPolygons(basemap.buildings, fill: RGBA(hex: 0xe3e3e3), stroke: RGBA(hex: 0xbdbdbd), lineWidth: 0.5)
        let peakB = Dictionary(b.map { ($0.id, $0.peakFlow) }, uniquingKeysWith: { x, _ in x })
        let diff = Dictionary(a.compactMap { x in peakB[x.id].map { (x.id, x.peakFlow - $0) } }, uniquingKeysWith: { x, _ in x })
        let m = diff.values.filter(\.isFinite).map(abs).max() ?? 0
        let scale = ColorScale.diverging(magnitude: max(m, neutralBand * 2), title: "Δ peak flow A − B [m³/s]")
        let lines = a.sorted { $0.diameter < $1.diameter }.map { l -> (line: Polyline, color: RGBA, width: Double, offset: Double) in
            guard let v = diff[l.id], v.isFinite else { return (l.shape, RGBA(hex: 0x9e9e9e), 1.5, 0) }
            return (l.shape, abs(v) < neutralBand ? RGBA(hex: 0xdddddd) : scale.color(v), pipeWidth(diameter: l.diameter), 0)
        }
        p.drawLines(lines, casing: RGBA(hex: 0x404040, alpha: 0.5))
        p.drawColorBar(scale, x: layout.legendX + 34, y: layout.legendY)
        finish(p, layout: layout, title: title, subtitle: subtitle)
        return canvas
    }
}

extension RunFolder {
    /// The storm-sewer row of a comparison (both runs with pipes): drainage maps of A and B and
    /// the A − B peak-flow difference, written to `maps/drainage_{a,b,difference}.png`.
    static func drainageComparisonRow(a: RunResults, b: RunResults, basemap: Basemap, file: (String) -> String) throws -> ComparisonRow? {
        guard !a.pipes.isEmpty, !b.pipes.isEmpty else { return nil }
        let ma = try ResultMaps.drainageMap(basemap: basemap, pipes: a.pipes, nodeFlooding: a.nodeFlooding, title: "A: storm sewer", subtitle: a.info.scene)
        let mb = try ResultMaps.drainageMap(basemap: basemap, pipes: b.pipes, nodeFlooding: b.nodeFlooding, title: "B: storm sewer", subtitle: b.info.scene)
        let md = try ResultMaps.pipeDifferenceMap(basemap: basemap, a: a.pipes, b: b.pipes, title: "Difference of peak pipe flow, A − B",
                                                  subtitle: "\(a.info.scene) − \(b.info.scene)")
        try ma.write(to: file("maps/drainage_a.png")); try mb.write(to: file("maps/drainage_b.png"))
        try md.write(to: file("maps/drainage_difference.png"))
        return ComparisonRow(caption: "Storm sewer: peak flow over capacity and node flooding",
                             a: try ReportFigure(caption: "peak flow / full capacity; circles: node flooding (m³)", canvas: ma, alt: "drainage map A"),
                             b: try ReportFigure(caption: "peak flow / full capacity; circles: node flooding (m³)", canvas: mb, alt: "drainage map B"),
                             difference: try ReportFigure(caption: "A − B peak flow (m³/s): blue where A carries less", canvas: md, alt: "pipe flow difference map"))
    }

    /// The drainage results stored in a run folder's `results.gpkg` (layers `node_flooding` and
    /// `pipe_flows`); empty when the folder has none.
    public static func readDrainage(folder: String) throws -> (nodes: [NodeFlooding], pipes: [PipeFlow]) {
        let gpkg = (folder as NSString).appendingPathComponent("results.gpkg")
        guard FileManager.default.fileExists(atPath: gpkg) else { return ([], []) }
        let names = try ResultGeoPackage.layerNames(path: gpkg)
        func num(_ p: [String: JSONValue], _ k: String) -> Double { if case .number(let v)? = p[k] { v } else { .nan } }
        var nodes: [NodeFlooding] = [], pipes: [PipeFlow] = []
        if names.contains("node_flooding") {
            for f in try ResultGeoPackage.readLayer(path: gpkg, layer: "node_flooding").features {
                guard case .point(let c)? = f.shape else { continue }
                nodes.append(NodeFlooding(id: f.id, position: c, volume: num(f.properties, "volume_m3"),
                                          peakRate: num(f.properties, "peak_rate_m3s"), duration: num(f.properties, "duration_s")))
            }
        }
        if names.contains("pipe_flows") {
            for f in try ResultGeoPackage.readLayer(path: gpkg, layer: "pipe_flows").features {
                guard case .lineString(let l)? = f.shape else { continue }
                pipes.append(PipeFlow(id: f.id, shape: l, diameter: num(f.properties, "diameter_m"), peakFlow: num(f.properties, "peak_flow_m3s"),
                                      fullFlow: num(f.properties, "full_flow_m3s"), upstreamMaxDepth: num(f.properties, "upstream_max_depth_m")))
            }
        }
        return (nodes, pipes)
    }
}
