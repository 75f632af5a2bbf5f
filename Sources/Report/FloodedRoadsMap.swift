import Foundation
import Geometry

extension ResultMaps {
    /// Flooded and closed roads with the traffic on them (a run where the surface and the traffic
    /// were coupled): the maximum water depth over the terrain (ColorBrewer Blues, as `depthMap`;
    /// cells below `minimumDepth` m, the rain film on every street, left out),
    /// each traffic link on its side of the street coloured by its mean speed over free-flow speed
    /// (RdYlGn, as `trafficMap`, narrower so the water stays visible), and the road edges that water
    /// closed drawn on their centre line in black with a magenta core; edges that water only slowed
    /// get a thin magenta centre line.
    public static func floodedRoadsMap(basemap: Basemap, depth: Raster<Double>, links: [LinkResult], roads: [RoadFlooding],
                                       closureDepth: Double, title: String, subtitle: String? = nil,
                                       waterLevel: Double? = nil, minimumDepth: Double = 0.05, layout: MapLayout = MapLayout(),
                                       format: ImageFormat = .png) throws -> Canvas {
        let (canvas, p) = try sheet(basemap, layout: layout, format: format)
        let maxDepth = depth.values.filter { $0 != depth.noData && $0.isFinite }.max() ?? 0
        let depthScale = ColorScale.depth(maximum: maxDepth)
        try drawBase(p, basemap, waterLevel: waterLevel)
        drawStreetFill(p, basemap)
        try p.drawRaster(depth) { $0.isFinite && $0 >= minimumDepth ? depthScale.color($0).with(alpha: 0.85) : .clear }
        drawStreetsAndBuildings(p, basemap, buildingsAlpha: 0.85)
        let traffic = links.map { l -> (line: Polyline, color: RGBA, width: Double, offset: Double) in
            let w = 1 + Double(max(1, min(l.lanes, 5)))
            return l.speedRatio.isFinite ? (l.shape, ColorScale.speedRatio.color(l.speedRatio), w, w / 2 + 0.5)
                                         : (l.shape, RGBA(hex: 0x9e9e9e), 1, 1)
        }
        p.drawLines(traffic, casing: RGBA(hex: 0x404040, alpha: 0.45))
        let magenta = RGBA(hex: 0xc51b7d)
        p.drawLines(roads.filter { !$0.wasClosed }.map { ($0.shape, magenta, 1.5, 0) })
        p.drawLines(roads.filter(\.wasClosed).map { ($0.shape, magenta, 3.5, 0) }, casing: RGBA(hex: 0x111111))
        var y = p.drawColorBar(depthScale, x: layout.legendX + 34, y: layout.legendY, height: 200, extra: [(0.15, "0.15"), (0.3, "0.30")])
        y = p.drawColorBar(ColorScale.speedRatio, x: layout.legendX + 34, y: y + 10, height: 200)
        let closed = roads.filter(\.wasClosed).count, slowed = roads.count - closed
        y = p.drawSwatches([(magenta, "closed ≥ \(KPI.format(closureDepth, decimals: 2)) m (\(closed) edges)", 5),
                            (magenta, "slowed by water (\(slowed) edges)", 1.5)],
                           x: layout.legendX, y: y + 10, title: "roads under water")
        canvas.text("max depth \(KPI.format(maxDepth, decimals: 2)) m; < \(KPI.format(minimumDepth, decimals: 2)) m not coloured",
                    layout.legendX, y + 4, size: 12, color: RGBA(hex: 0x333333), v: .top)
        finish(p, layout: layout, title: title, subtitle: subtitle)
        return canvas
    }
}
