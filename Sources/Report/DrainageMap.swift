import Geometry

extension ResultMaps {
    /// Line width of a drainage conduit in canvas units: 1.5 px plus 2 px per metre of diameter.
    public static func pipeWidth(diameter: Double) -> Double { 1.5 + 2 * max(0, min(diameter, 3)) }

    /// The storm sewer after a run: each conduit coloured by its peak flow over its full-pipe
    /// capacity (0 → 1.5, green → yellow → red; above 1 the pipe ran under pressure), width by
    /// diameter, over a faded hillshade with streets and buildings; node flooding as proportional
    /// circles (area ∝ m³).
    public static func drainageMap(basemap: Basemap, pipes: [PipeFlow], nodeFlooding: [NodeFlooding],
                                   title: String, subtitle: String? = nil, layout: MapLayout = MapLayout(),
                                   format: ImageFormat = .png) throws -> Canvas {
        let (canvas, p) = try sheet(basemap, layout: layout, format: format)
        try drawBase(p, basemap, waterLevel: nil, faded: true)
        p.drawLines(basemap.streets.map { (line: $0.line, color: RGBA.white, width: streetWidth(lanes: $0.lanes), offset: 0.0) })
        p.drawPolygons(basemap.buildings, fill: RGBA(hex: 0xe3e3e3), stroke: RGBA(hex: 0xbdbdbd), lineWidth: 0.5)
        let scale = ColorScale(minimum: 0, maximum: 1.5,
                               anchors: [0x1a9850, 0x91cf60, 0xfee08b, 0xfc8d59, 0xd73027, 0x7f0000].map { RGBA(hex: $0) },
                               title: "peak flow / full capacity")
        let lines = pipes.sorted { $0.diameter < $1.diameter }.map { l -> (line: Polyline, color: RGBA, width: Double, offset: Double) in
            let v = l.peakOverFull
            return (l.shape, v.isFinite ? scale.color(min(v, 1.5)) : RGBA(hex: 0x9e9e9e), pipeWidth(diameter: l.diameter), 0)
        }
        p.drawLines(lines, casing: RGBA(hex: 0x404040, alpha: 0.5))
        var y = p.drawColorBar(scale, x: layout.legendX + 34, y: layout.legendY, extra: [(1.0, "1.0 full")])
        y = drawNodeCircles(p, nodeFlooding, legendX: layout.legendX, legendY: y + 10)
        p.drawSwatches([0.3, 0.8, 1.5].map { (RGBA(hex: 0x555555), "Ø \(KPI.format($0, decimals: 1)) m", pipeWidth(diameter: $0)) },
                       x: layout.legendX, y: y + 10, title: "width: diameter")
        finish(p, layout: layout, title: title, subtitle: subtitle)
        return canvas
    }
}
