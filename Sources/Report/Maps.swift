import Foundation
import Geometry

/// The result maps: water depth over the terrain, traffic on the streets, and differences between
/// two runs. Each returns a canvas (PNG by default, SVG on request) laid out by `MapLayout`: title
/// band, the map with a scale bar and north arrow, and a legend column.
///
/// Map styles:
/// - **terrain**: hillshade (`Hillshade`, NW light, 4× exaggeration) tinted from green-grey (low) to
///   sand (high); **buildings** light grey with a darker outline; **streets** white bands
///   1.5 + 1.2 × lanes px wide under the water, with grey edges drawn on top of everything (so a
///   flooded street shows the water's colour between its edges);
/// - **depth**: ColorBrewer Blues from 0 to the nice ceiling of the largest depth, cells under
///   `minimumDepth` (default 0.01 m) left transparent; the 0.15 m and 0.3 m thresholds are marked
///   on the colour bar;
/// - **traffic**: each directed link drawn on the right of its direction (China drives on the
///   right), 2 + 2 × lanes px wide, coloured by speed ratio (RdYlGn) or delay (Reds);
/// - **difference**: diverging RdBu centred on zero, symmetric limits, |Δ| under `neutralBand`
///   left transparent; node flooding as circles with area proportional to volume.
public enum ResultMaps {
    /// Depth-map options.
    public struct DepthOptions: Sendable {
        /// Cells shallower than this (m) are not coloured.
        public var minimumDepth: Double = 0.01
        /// The top of the colour scale (m); nil: the nice ceiling of the largest depth.
        public var maximumDepth: Double?
        /// The normal water level of rivers and lakes (m), tinted as water in the terrain.
        public var waterLevel: Double?
        public var layout = MapLayout()
        public var format: ImageFormat = .png
        public init() {}
    }

    /// Water depth over a hillshade of the terrain, with building footprints and streets on top,
    /// node flooding as proportional circles (if any), a colour bar in metres, scale bar, north
    /// arrow and title.
    public static func depthMap(basemap: Basemap, depth: Raster<Double>, nodeFlooding: [NodeFlooding] = [],
                                title: String, subtitle: String? = nil, options: DepthOptions = DepthOptions()) throws -> Canvas {
        let layout = options.layout
        let (canvas, p) = try sheet(basemap, layout: layout, format: options.format)
        let maxDepth = depth.values.filter { $0 != depth.noData && $0.isFinite }.max() ?? 0
        let scale = ColorScale.depth(maximum: options.maximumDepth ?? maxDepth)
        try drawBase(p, basemap, waterLevel: options.waterLevel)
        drawStreetFill(p, basemap)
        try p.drawRaster(depth) { $0.isFinite && $0 >= options.minimumDepth ? scale.color($0).with(alpha: 0.9) : .clear }
        drawStreetsAndBuildings(p, basemap, buildingsAlpha: 0.85)
        var y = p.drawColorBar(scale, x: layout.legendX + 34, y: layout.legendY, extra: [(0.15, "0.15"), (0.3, "0.30")])
        y = drawNodeCircles(p, nodeFlooding, legendX: layout.legendX, legendY: y + 10)
        p.canvas.strokeLine(layout.legendX, y + 18, layout.legendX + 30, y + 18, RGBA(hex: 0x8c8c8c), width: 6)
        y = p.drawSwatches([(RGBA(hex: 0xffffff), "street", 4), (RGBA(hex: 0xd9d9d9), "building", nil)],
                           x: layout.legendX, y: y + 10, title: nil)
        canvas.text("max depth \(KPI.format(maxDepth, decimals: 2)) m", layout.legendX, y + 10, size: 12, color: RGBA(hex: 0x333333), v: .top)
        finish(p, layout: layout, title: title, subtitle: subtitle)
        return canvas
    }

    /// What a traffic map colours links by.
    public enum TrafficMetric: String, Sendable, CaseIterable {
        /// Mean speed over free-flow speed (0…1).
        case speedRatio
        /// Mean delay per vehicle (s/veh).
        case delay
    }

    /// Traffic on the streets: each link on its side of the street, width by lanes, colour by
    /// `metric`. Links without traffic (NaN speed) are drawn thin and grey.
    public static func trafficMap(basemap: Basemap, links: [LinkResult], metric: TrafficMetric = .speedRatio,
                                  title: String, subtitle: String? = nil, layout: MapLayout = MapLayout(),
                                  format: ImageFormat = .png) throws -> Canvas {
        let (canvas, p) = try sheet(basemap, layout: layout, format: format)
        try drawBase(p, basemap, waterLevel: nil, faded: true)
        p.drawPolygons(basemap.buildings, fill: RGBA(hex: 0xe3e3e3), stroke: RGBA(hex: 0xbdbdbd), lineWidth: 0.5)
        let scale: ColorScale
        let value: (LinkResult) -> Double
        switch metric {
        case .speedRatio:
            scale = .speedRatio; value = { $0.speedRatio }
        case .delay:
            let m = links.map(\.delay).filter(\.isFinite).max() ?? 1
            scale = ColorScale(minimum: 0, maximum: NiceScale.niceCeiling(max(m, 1)),
                               anchors: [0xfee5d9, 0xfcae91, 0xfb6a4a, 0xde2d26, 0xa50f15].map { RGBA(hex: $0) },
                               title: "mean delay [s/veh]")
            value = { $0.delay }
        }
        let lines = links.map { l -> (line: Polyline, color: RGBA, width: Double, offset: Double) in
            let v = value(l)
            let w = linkWidth(lanes: l.lanes)
            return v.isFinite ? (l.shape, scale.color(v), w, w / 2 + 0.5) : (l.shape, RGBA(hex: 0x9e9e9e), 1.5, 1.5)
        }
        p.drawLines(lines, casing: RGBA(hex: 0x404040, alpha: 0.55))
        let y = p.drawColorBar(scale, x: layout.legendX + 34, y: layout.legendY)
        p.drawSwatches([1, 2, 3].map { (RGBA(hex: 0x555555), "\($0) lane\($0 == 1 ? "" : "s")", linkWidth(lanes: $0)) }
                       + [(RGBA(hex: 0x9e9e9e), "no traffic", 1.5)],
                       x: layout.legendX, y: y + 10, title: "width: lanes per direction")
        finish(p, layout: layout, title: title, subtitle: subtitle)
        return canvas
    }

    /// Line width of a traffic link in canvas units.
    public static func linkWidth(lanes: Int) -> Double { 2 + 2 * Double(max(1, min(lanes, 5))) }

    /// Options of a difference map.
    public struct DifferenceOptions: Sendable {
        /// |A − B| below this is not coloured (same unit as the values).
        public var neutralBand: Double = 0.01
        /// Legend title with unit, e.g. `Δ max depth (with − without sponge) [m]`.
        public var title: String = "difference A − B"
        /// The normal water level of rivers and lakes (m), tinted as water in the terrain.
        public var waterLevel: Double?
        public var layout = MapLayout()
        public var format: ImageFormat = .png
        public init() {}
    }

    /// A difference map of two rasters on the same grid: A − B per cell on a diverging scale
    /// centred on zero (blue: A lower, red: A higher), with optional node flooding circles (e.g. the
    /// flooding of run A). Cells that are no-data in either raster are left out.
    /// - Throws: `InputError(.badValue)` when the grids differ.
    public static func differenceMap(basemap: Basemap, a: Raster<Double>, b: Raster<Double>, nodeFlooding: [NodeFlooding] = [],
                                     title: String, subtitle: String? = nil, options: DifferenceOptions = DifferenceOptions()) throws -> Canvas {
        guard a.grid == b.grid else {
            throw InputError(.badValue, "difference map: the two rasters are on different grids (\(a.grid.width)×\(a.grid.height) and \(b.grid.width)×\(b.grid.height))")
        }
        var d = Raster<Double>(grid: a.grid, fill: .nan)
        for i in d.values.indices {
            let x = a.values[i], y = b.values[i]
            if x != a.noData, y != b.noData, x.isFinite, y.isFinite { d.values[i] = x - y }
        }
        let layout = options.layout
        let (canvas, p) = try sheet(basemap, layout: layout, format: options.format)
        let m = d.values.filter(\.isFinite).map(abs).max() ?? 0
        let scale = ColorScale.diverging(magnitude: max(m, options.neutralBand * 2), title: options.title)
        try drawBase(p, basemap, waterLevel: options.waterLevel)
        drawStreetFill(p, basemap)
        try p.drawRaster(d) { $0.isFinite && abs($0) >= options.neutralBand ? scale.color($0).with(alpha: 0.92) : .clear }
        drawStreetsAndBuildings(p, basemap, buildingsAlpha: 0.85)
        var y = p.drawColorBar(scale, x: layout.legendX + 34, y: layout.legendY)
        y = drawNodeCircles(p, nodeFlooding, legendX: layout.legendX, legendY: y + 10)
        canvas.text("|Δ| < \(String(format: "%g", options.neutralBand)) not coloured", layout.legendX, y + 4, size: 12, color: RGBA(hex: 0x333333), v: .top)
        finish(p, layout: layout, title: title, subtitle: subtitle)
        return canvas
    }

    /// A difference map of per-link values (e.g. delay under plan A minus plan B), links drawn as
    /// in `trafficMap` and coloured on a diverging scale centred on zero.
    public static func linkDifferenceMap(basemap: Basemap, links: [LinkResult], difference: [String: Double],
                                         title: String, subtitle: String? = nil, options: DifferenceOptions = DifferenceOptions()) throws -> Canvas {
        let layout = options.layout
        let (canvas, p) = try sheet(basemap, layout: layout, format: options.format)
        try drawBase(p, basemap, waterLevel: nil, faded: true)
        p.drawPolygons(basemap.buildings, fill: RGBA(hex: 0xe3e3e3), stroke: RGBA(hex: 0xbdbdbd), lineWidth: 0.5)
        let m = difference.values.filter(\.isFinite).map(abs).max() ?? 0
        let scale = ColorScale.diverging(magnitude: max(m, options.neutralBand * 2), title: options.title)
        let lines = links.map { l -> (line: Polyline, color: RGBA, width: Double, offset: Double) in
            let w = linkWidth(lanes: l.lanes)
            guard let v = difference[l.id], v.isFinite else { return (l.shape, RGBA(hex: 0x9e9e9e), 1.5, 1.5) }
            return (l.shape, abs(v) < options.neutralBand ? RGBA(hex: 0xf7f7f7) : scale.color(v), w, w / 2 + 0.5)
        }
        p.drawLines(lines, casing: RGBA(hex: 0x404040, alpha: 0.55))
        p.drawColorBar(scale, x: layout.legendX + 34, y: layout.legendY)
        finish(p, layout: layout, title: title, subtitle: subtitle)
        return canvas
    }

    // MARK: Shared pieces

    /// A blank map sheet of `layout` and a painter whose frame fits the basemap's extent into the map area.
    static func sheet(_ basemap: Basemap, layout: MapLayout, format: ImageFormat) throws -> (Canvas, MapPainter) {
        let canvas = try Canvas(width: layout.width, height: layout.height, format: format)
        return (canvas, MapPainter(canvas: canvas, frame: MapFrame(extent: basemap.extent, fitting: layout.mapArea)))
    }

    static func drawBase(_ p: MapPainter, _ basemap: Basemap, waterLevel: Double?, faded: Bool = false) throws {
        if let t = basemap.terrain { try p.drawTerrain(t, waterLevel: waterLevel) }
        if faded { p.canvas.fill(p.frame.rect, RGBA.white.with(alpha: 0.45)) }
    }

    /// Street width on maps in canvas units.
    static func streetWidth(lanes: Int) -> Double { 1.5 + 1.2 * Double(max(1, min(lanes, 5))) }

    /// Streets as white bands (drawn under the water, so flooded streets show the water's colour).
    static func drawStreetFill(_ p: MapPainter, _ basemap: Basemap) {
        p.drawLines(basemap.streets.map { (line: $0.line, color: RGBA.white, width: streetWidth(lanes: $0.lanes), offset: 0.0) })
    }

    /// Buildings, then the streets' edges on top (their interior left open to what lies beneath).
    static func drawStreetsAndBuildings(_ p: MapPainter, _ basemap: Basemap, buildingsAlpha: Double) {
        p.drawPolygons(basemap.buildings, fill: RGBA(hex: 0xd9d9d9, alpha: buildingsAlpha), stroke: RGBA(hex: 0x7a7a7a), lineWidth: 0.6)
        p.drawLineOutlines(basemap.streets.map { (line: $0.line, width: streetWidth(lanes: $0.lanes)) }, color: RGBA(hex: 0x8c8c8c))
    }

    /// Radius (canvas units) of a node-flooding circle: area proportional to volume, the largest 14 px.
    static func circleRadius(_ v: Double, maxVolume: Double) -> Double {
        maxVolume > 0 && v > 0 ? 14 * (v / maxVolume).squareRoot() : 0
    }

    static let floodFill = RGBA(hex: 0xe6550d, alpha: 0.4), floodStroke = RGBA(hex: 0xa63603)

    static func drawNodeCircles(_ p: MapPainter, _ nodes: [NodeFlooding], legendX: Double, legendY: Double) -> Double {
        let flooded = nodes.filter { $0.volume > 0 }
        guard let vmax = flooded.map(\.volume).max() else { return legendY }
        p.drawCircles(flooded.map { ($0.position, circleRadius($0.volume, maxVolume: vmax)) }, fill: floodFill, stroke: floodStroke)
        // Reference circles at the largest round value (1, 2 or 5 × 10ⁿ) not above the maximum, and a fifth of it.
        let p10 = pow(10, log10(vmax).rounded(.down))
        let big = [5, 2, 1].map { $0 * p10 }.first { $0 <= vmax * (1 + 1e-12) } ?? vmax
        return p.drawCircleLegend(values: [big, big / 5], radius: { circleRadius($0, maxVolume: vmax) },
                                  unit: "m³", title: "node flooding volume", fill: floodFill, stroke: floodStroke,
                                  x: legendX, y: legendY)
    }

    static func finish(_ p: MapPainter, layout: MapLayout, title: String, subtitle: String?) {
        p.drawScaleBar()
        p.drawNorthArrow()
        p.drawBorder()
        layout.drawTitle(p.canvas, title: title, subtitle: subtitle)
    }
}
