import Foundation
import Geometry

/// Places a map extent (model CRS, metres) on a canvas rectangle at one uniform scale, north up
/// (grid north of the projected CRS; near the central meridian it differs from true north by the
/// meridian convergence, 0.15° for the demo district), centred in the rectangle.
public struct MapFrame: Hashable, Sendable {
    public var extent: BBox
    /// The part of the canvas the extent covers (the given rectangle shrunk to the extent's shape).
    public var rect: PixelRect
    /// Canvas units per metre.
    public var scale: Double

    public init(extent: BBox, fitting r: PixelRect) {
        self.extent = extent
        let s = min(r.width / max(extent.width, 1e-9), r.height / max(extent.height, 1e-9))
        scale = s
        let w = extent.width * s, h = extent.height * s
        rect = PixelRect(x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h)
    }

    /// The canvas position of a map coordinate.
    @inlinable public func point(_ c: Coordinate) -> (Double, Double) {
        (rect.x + (c.x - extent.minX) * scale, rect.y + (extent.maxY - c.y) * scale)
    }

    /// The map coordinate at a canvas position.
    public func coordinate(_ px: Double, _ py: Double) -> Coordinate {
        Coordinate(extent.minX + (px - rect.x) / scale, extent.maxY - (py - rect.y) / scale)
    }

    /// The canvas rectangle of a grid's cell (row, col).
    public func cellRect(_ g: GridSpec, row: Int, col: Int) -> PixelRect {
        let (x0, y0) = point(Coordinate(g.originX + Double(col) * g.cellSize, g.originY + Double(g.height - row) * g.cellSize))
        return PixelRect(x: x0, y: y0, width: g.cellSize * scale, height: g.cellSize * scale)
    }
}

/// Map layers and furniture drawn on a canvas through a `MapFrame`: rasters, hillshade, polygons,
/// lines (optionally offset to the right of their direction, as two-way traffic is drawn), circles,
/// and the legend, scale bar, north arrow and title.
public struct MapPainter {
    public let canvas: Canvas
    public let frame: MapFrame

    public init(canvas: Canvas, frame: MapFrame) { self.canvas = canvas; self.frame = frame }

    // MARK: Layers

    /// A raster drawn cell by cell through `color` (return `.clear` to leave a cell out).
    public func drawRaster<V>(_ r: Raster<V>, color: (V) -> RGBA) throws {
        let colors = r.values.map { $0 == r.noData ? RGBA.clear : color($0) }
        let g = r.grid
        let tl = frame.point(Coordinate(g.originX, g.originY + Double(g.height) * g.cellSize))
        let rect = PixelRect(x: tl.0, y: tl.1, width: Double(g.width) * g.cellSize * frame.scale,
                             height: Double(g.height) * g.cellSize * frame.scale)
        canvas.save()
        canvas.clip(to: frame.rect)
        try canvas.drawCells(columns: g.width, rows: g.height, colors: colors, in: rect)
        canvas.restore()
    }

    /// The terrain as a hillshade tinted by elevation: low ground green-grey, high ground sand,
    /// water (below `waterLevel`, if given) pale blue-grey. Shading from `Hillshade` with light
    /// from the north-west at 45° and 4× vertical exaggeration.
    public func drawTerrain(_ dem: Raster<Double>, waterLevel: Double? = nil) throws {
        let shade = Hillshade.compute(dem, exaggeration: 4)
        var lo = Double.infinity, hi = -Double.infinity
        for v in dem.values where v != dem.noData && v.isFinite && v >= (waterLevel ?? -.infinity) { lo = min(lo, v); hi = max(hi, v) }
        if !(hi > lo) { hi = lo + 1 }
        let low = RGBA(hex: 0xd5e3c8), high = RGBA(hex: 0xf3e2c2), water = RGBA(hex: 0xbfd3e6)
        var colors = [RGBA](repeating: .clear, count: dem.values.count)
        for i in colors.indices {
            let z = dem.values[i], s = shade[i]
            guard z != dem.noData, z.isFinite, s.isFinite else { continue }
            let base = (waterLevel.map { z < $0 } ?? false) ? water : low.mixed(with: high, (z - lo) / (hi - lo))
            // Flat ground (s = sin 45°) keeps its tint; slopes toward the light brighten, away darken.
            let k = 0.62 + 0.55 * (s - 0.7071)
            colors[i] = RGBA(min(1, base.r * k / 0.62 * 0.9), min(1, base.g * k / 0.62 * 0.9), min(1, base.b * k / 0.62 * 0.9))
        }
        let g = dem.grid
        let tl = frame.point(Coordinate(g.originX, g.originY + Double(g.height) * g.cellSize))
        let rect = PixelRect(x: tl.0, y: tl.1, width: Double(g.width) * g.cellSize * frame.scale, height: Double(g.height) * g.cellSize * frame.scale)
        canvas.save()
        canvas.clip(to: frame.rect)
        try canvas.drawCells(columns: g.width, rows: g.height, colors: colors, in: rect)
        canvas.restore()
    }

    /// Polygons filled and outlined (holes left empty).
    public func drawPolygons(_ polygons: [Polygon], fill: RGBA?, stroke: RGBA?, lineWidth: Double = 0.6) {
        canvas.save()
        canvas.clip(to: frame.rect)
        canvas.setEvenOddFill()
        canvas.setRoundLines(true)
        for p in polygons {
            canvas.newPath()
            for ring in p.rings where ring.count > 2 {
                canvas.addPolyline(ring.map(frame.point))
                canvas.closePath()
            }
            if let fill { canvas.setColor(fill); canvas.fillPath(preserve: stroke != nil) }
            if let stroke { canvas.setColor(stroke); canvas.setLineWidth(lineWidth); canvas.strokePath() }
        }
        canvas.restore()
    }

    /// A line in canvas units, moved `offset` canvas units to the right of its direction (each
    /// vertex along the mean of its segments' normals, so corners stay joined).
    public func canvasPoints(_ line: Polyline, offset: Double = 0) -> [(Double, Double)] {
        var pts = line.points.map(frame.point)
        // Drop repeated points: they have no direction.
        pts = pts.enumerated().filter { $0.offset == 0 || hypot($0.element.0 - pts[$0.offset - 1].0, $0.element.1 - pts[$0.offset - 1].1) > 1e-9 }.map(\.element)
        guard offset != 0, pts.count > 1 else { return pts }
        func normal(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) {
            let dx = b.0 - a.0, dy = b.1 - a.1, l = max(hypot(dx, dy), 1e-12)
            return (-dy / l, dx / l)                        // right-hand side with y pointing down
        }
        var out: [(Double, Double)] = []
        for i in pts.indices {
            let n0 = i > 0 ? normal(pts[i - 1], pts[i]) : normal(pts[i], pts[i + 1])
            let n1 = i < pts.count - 1 ? normal(pts[i], pts[i + 1]) : n0
            var nx = n0.0 + n1.0, ny = n0.1 + n1.1
            let l = hypot(nx, ny)
            if l < 1e-9 { nx = n0.0; ny = n0.1 } else {
                // Miter length 1/cos(half-angle), capped for sharp turns.
                let cosHalf = max(0.5, l / 2)
                nx = nx / l / cosHalf; ny = ny / l / cosHalf
            }
            out.append((pts[i].0 + nx * offset, pts[i].1 + ny * offset))
        }
        return out
    }

    /// Lines stroked with round caps, each with its own colour and width (canvas units).
    public func drawLines(_ lines: [(line: Polyline, color: RGBA, width: Double, offset: Double)], casing: RGBA? = nil) {
        canvas.save()
        canvas.clip(to: frame.rect)
        canvas.setRoundLines(true)
        if let casing {
            for l in lines {
                canvas.newPath(); canvas.addPolyline(canvasPoints(l.line, offset: l.offset))
                canvas.setColor(casing); canvas.setLineWidth(l.width + 1.6); canvas.strokePath()
            }
        }
        for l in lines {
            canvas.newPath(); canvas.addPolyline(canvasPoints(l.line, offset: l.offset))
            canvas.setColor(l.color); canvas.setLineWidth(l.width); canvas.strokePath()
        }
        canvas.restore()
    }

    /// The outlines of lines only: a `color` edge of `edge` canvas units on each side of a band of
    /// the line's width, the band itself left transparent (so what lies under the lines shows).
    public func drawLineOutlines(_ lines: [(line: Polyline, width: Double)], color: RGBA, edge: Double = 0.8) {
        canvas.save()
        canvas.clip(to: frame.rect)
        canvas.setRoundLines(true)
        canvas.beginGroup()
        canvas.setColor(color)
        for l in lines { canvas.newPath(); canvas.addPolyline(canvasPoints(l.line)); canvas.setLineWidth(l.width + 2 * edge); canvas.strokePath() }
        canvas.setErasing(true)
        for l in lines { canvas.newPath(); canvas.addPolyline(canvasPoints(l.line)); canvas.setLineWidth(l.width); canvas.strokePath() }
        canvas.setErasing(false)
        canvas.paintGroup()
        canvas.restore()
    }

    /// Circles at map positions with radii in canvas units (largest first, so small ones stay visible).
    public func drawCircles(_ circles: [(at: Coordinate, radius: Double)], fill: RGBA, stroke: RGBA) {
        canvas.save()
        canvas.clip(to: frame.rect)
        for c in circles.sorted(by: { $0.radius > $1.radius }) where c.radius > 0 {
            let (x, y) = frame.point(c.at)
            canvas.newPath(); canvas.addCircle(x, y, c.radius)
            canvas.setColor(fill); canvas.fillPath(preserve: true)
            canvas.setColor(stroke); canvas.setLineWidth(1); canvas.strokePath()
        }
        canvas.restore()
    }

    // MARK: Furniture

    /// A thin frame around the map.
    public func drawBorder() { canvas.stroke(frame.rect, RGBA(hex: 0x555555), width: 1) }

    /// A scale bar of a nice length (about a fifth of the map width) in the map's bottom-left corner,
    /// on a white box: alternating black and white quarters, labelled in m or km.
    public func drawScaleBar() {
        let target = frame.extent.width / 5
        let len = NiceScale.step(span: target, count: 1)
        let px = len * frame.scale
        let x0 = frame.rect.x + 16, y0 = frame.rect.maxY - 22
        canvas.fill(PixelRect(x: x0 - 8, y: y0 - 24, width: px + 54, height: 36), RGBA.white.with(alpha: 0.85))
        for k in 0..<4 {
            canvas.fill(PixelRect(x: x0 + Double(k) * px / 4, y: y0, width: px / 4, height: 6), k % 2 == 0 ? .black : .white)
        }
        canvas.stroke(PixelRect(x: x0, y: y0, width: px, height: 6), .black, width: 1)
        func label(_ m: Double) -> String { len >= 2000 ? NiceScale.label(m / 1000, step: len / 4000) : NiceScale.label(m, step: len / 4) }
        canvas.text("0", x0, y0 - 4, size: 11, h: .center)
        canvas.text(label(len / 2), x0 + px / 2, y0 - 4, size: 11, h: .center)
        canvas.text(label(len) + (len >= 2000 ? " km" : " m"), x0 + px, y0 - 4, size: 11, h: .left)
    }

    /// A north arrow (grid north) in the map's top-right corner.
    public func drawNorthArrow() {
        let cx = frame.rect.maxX - 28, top = frame.rect.y + 14
        canvas.fill(PixelRect(x: cx - 18, y: top - 6, width: 36, height: 58), RGBA.white.with(alpha: 0.85))
        canvas.newPath()
        canvas.move(to: cx, top + 14); canvas.line(to: cx + 9, top + 44); canvas.line(to: cx, top + 37); canvas.closePath()
        canvas.setColor(.black); canvas.fillPath()
        canvas.newPath()
        canvas.move(to: cx, top + 14); canvas.line(to: cx - 9, top + 44); canvas.line(to: cx, top + 37); canvas.closePath()
        canvas.setColor(.white); canvas.fillPath(preserve: true)
        canvas.setColor(.black); canvas.setLineWidth(1); canvas.strokePath()
        canvas.text("N", cx, top + 11, size: 13, bold: true, h: .center)
    }

    /// A vertical colour bar for `scale` at (x, y), `height` tall, with nice ticks and the title
    /// above. Returns the y below the legend.
    @discardableResult
    public func drawColorBar(_ scale: ColorScale, x: Double, y: Double, height: Double = 260, extra: [(Double, String)] = []) -> Double {
        canvas.text(scale.title, x, y, size: 13, bold: true, v: .top)
        let top = y + 24, w = 22.0
        let steps = 128
        for k in 0..<steps {
            let t0 = Double(k) / Double(steps)
            let v = scale.maximum - (scale.maximum - scale.minimum) * (t0 + 0.5 / Double(steps))
            canvas.fill(PixelRect(x: x, y: top + t0 * height, width: w, height: height / Double(steps) + 0.6), scale.color(v))
        }
        canvas.stroke(PixelRect(x: x, y: top, width: w, height: height), RGBA(hex: 0x333333))
        let (ticks, step) = NiceScale.innerTicks(scale.minimum, scale.maximum, count: 5)
        for t in ticks {
            let py = top + (scale.maximum - t) / (scale.maximum - scale.minimum) * height
            canvas.strokeLine(x + w, py, x + w + 5, py, .black)
            canvas.text((t > 0 && scale.isDiverging ? "+" : "") + NiceScale.label(t, step: step), x + w + 8, py, size: 12, v: .middle)
        }
        for (v, label) in extra where v >= scale.minimum && v <= scale.maximum {
            let py = top + (scale.maximum - v) / (scale.maximum - scale.minimum) * height
            canvas.strokeLine(x - 4, py, x + w, py, .black, width: 1.5)
            canvas.text(label, x - 6, py, size: 11, h: .right, v: .middle)
        }
        return top + height + 16
    }

    /// Legend swatches: a box (or a line when `line` is set) and a label per entry. Returns the y below.
    @discardableResult
    public func drawSwatches(_ entries: [(color: RGBA, label: String, lineWidth: Double?)], x: Double, y: Double, title: String?) -> Double {
        var cy = y
        if let title { canvas.text(title, x, cy, size: 13, bold: true, v: .top); cy += 24 }
        for e in entries {
            if let lw = e.lineWidth {
                canvas.setRoundLines(true)
                canvas.strokeLine(x, cy + 8, x + 30, cy + 8, e.color, width: lw)
            } else {
                canvas.fill(PixelRect(x: x, y: cy, width: 22, height: 16), e.color)
                canvas.stroke(PixelRect(x: x, y: cy, width: 22, height: 16), RGBA(hex: 0x555555))
            }
            canvas.text(e.label, x + 38, cy + 8, size: 12, v: .middle)
            cy += 24
        }
        return cy + 6
    }

    /// Proportional-circle legend: circles for `values` (largest first) side by side on one
    /// baseline, each labelled below. Returns the y below.
    @discardableResult
    public func drawCircleLegend(values: [Double], radius: (Double) -> Double, unit: String, title: String,
                                 fill: RGBA, stroke: RGBA, x: Double, y: Double) -> Double {
        canvas.text(title, x, y, size: 13, bold: true, v: .top)
        let rmax = values.map(radius).max() ?? 0
        let base = y + 28 + 2 * rmax
        var cx = x
        for v in values.sorted(by: >) {
            let r = radius(v)
            let label = (v == v.rounded() ? String(Int(v)) : KPI.format(v)) + " " + unit
            let slot = max(2 * rmax, canvas.textWidth(label, size: 12)) + 18
            canvas.newPath(); canvas.addCircle(cx + slot / 2 - 9, base - r, r)
            canvas.setColor(fill); canvas.fillPath(preserve: true)
            canvas.setColor(stroke); canvas.setLineWidth(1); canvas.strokePath()
            canvas.text(label, cx + slot / 2 - 9, base + 6, size: 12, h: .center, v: .top)
            cx += slot
        }
        return base + 30
    }
}

/// The layout of a map image: a title band at the top, the map on the left, a legend column on the right.
public struct MapLayout: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var legendWidth: Double

    public init(width: Int = 1200, height: Int = 1000, legendWidth: Double = 290) {
        self.width = width; self.height = height; self.legendWidth = legendWidth
    }

    public var titleRect: PixelRect { PixelRect(x: 20, y: 12, width: Double(width) - 40, height: 52) }
    public var mapArea: PixelRect { PixelRect(x: 20, y: 72, width: Double(width) - legendWidth - 40, height: Double(height) - 92) }
    public var legendX: Double { Double(width) - legendWidth + 4 }
    public var legendY: Double { 84 }

    /// Draws the title (bold) and an optional subtitle line in the title band.
    public func drawTitle(_ canvas: Canvas, title: String, subtitle: String?) {
        canvas.text(title, titleRect.x, titleRect.y + 4, size: 22, bold: true, v: .top)
        if let subtitle { canvas.text(subtitle, titleRect.x, titleRect.y + 34, size: 13, color: RGBA(hex: 0x444444), v: .top) }
    }
}
