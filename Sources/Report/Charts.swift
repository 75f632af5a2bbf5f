import CityModel
import Foundation
import Geometry

/// A time-series chart: lines (or steps) against a left axis, optionally bars against a right
/// axis that may hang from the top (a hyetograph over hydrographs), a time axis in minutes or
/// hours, nice ticks (`NiceScale`), grid lines, axis labels with units, a title and a legend
/// column. Laid out for 1200 × 600 and readable there; other sizes scale the plot area.
public struct TimeSeriesChart: Sendable {
    public enum Style: String, Sendable { case line, step }

    /// One plotted series: `TimeSeries` (times in s, values in its unit) with a colour and style.
    public struct Series: Sendable {
        public var series: TimeSeries
        public var color: RGBA?
        public var style: Style
        public var dashed: Bool
        public init(_ series: TimeSeries, color: RGBA? = nil, style: Style = .line, dashed: Bool = false) {
            self.series = series; self.color = color; self.style = style; self.dashed = dashed
        }
    }

    public var title: String
    public var subtitle: String?
    public var width = 1200
    public var height = 600
    /// Left axis label with unit, e.g. `flow [m³/s]`.
    public var leftLabel: String
    public var lines: [Series]
    /// Bars on the right axis (step series: each value holds until the next time), e.g. rain in mm/h.
    public var bars: TimeSeries?
    public var barLabel: String = ""
    public var barColor = RGBA(hex: 0x6baed6)
    /// Bars hang from the top with the right axis increasing downward (hyetograph convention).
    public var barsInverted = true
    /// Fraction of the plot height the tallest bar reaches.
    public var barShare = 0.4
    /// Left-axis headroom so lines stay below the hanging bars (1 = none).
    public var lineHeadroom = 1.0

    public init(title: String, subtitle: String? = nil, leftLabel: String, lines: [Series]) {
        self.title = title; self.subtitle = subtitle; self.leftLabel = leftLabel; self.lines = lines
    }

    /// Qualitative series colours (Tableau 10).
    public static let palette: [RGBA] = [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf].map { RGBA(hex: $0) }

    /// Where the chart put its axes, for callers (and tests) that need canvas positions.
    public struct Frame: Sendable {
        public var plot: PixelRect
        /// Time range in seconds and left/right value ranges.
        public var t0: Double, t1: Double, left0: Double, left1: Double, right0: Double, right1: Double
        public var barsInverted: Bool
        public func x(_ t: Double) -> Double { plot.x + (t - t0) / (t1 - t0) * plot.width }
        public func yLeft(_ v: Double) -> Double { plot.maxY - (v - left0) / (left1 - left0) * plot.height }
        public func yRight(_ v: Double) -> Double {
            let f = (v - right0) / (right1 - right0) * plot.height
            return barsInverted ? plot.y + f : plot.maxY - f
        }
    }

    /// Draws the chart on a new canvas.
    public func render(format: ImageFormat = .png) throws -> (canvas: Canvas, frame: Frame) {
        let canvas = try Canvas(width: width, height: height, format: format)
        let hasBars = bars.map { !$0.isEmpty } ?? false
        let legendW = lines.isEmpty && !hasBars ? 0.0 : 210.0
        let plot = PixelRect(x: 92, y: subtitle == nil ? 64 : 82, width: Double(width) - 92 - (hasBars ? 78 : 30) - legendW,
                             height: Double(height) - (subtitle == nil ? 64 : 82) - 70)
        // Time range over every series.
        var t0 = Double.infinity, t1 = -Double.infinity
        for s in lines.map(\.series) + (bars.map { [$0] } ?? []) where !s.isEmpty {
            t0 = min(t0, s.times.first!); t1 = max(t1, s.times.last!)
        }
        if let b = bars, b.times.count > 1 { t1 = max(t1, b.times.last! + (b.times.last! - b.times[b.times.count - 2])) }
        if !(t1 > t0) { t0 = t0.isFinite ? t0 : 0; t1 = t0 + 3600 }
        let useHours = t1 - t0 > 3 * 3600
        let tu = useHours ? 3600.0 : 60.0
        let xt = NiceScale.innerTicks(t0 / tu, t1 / tu, count: 8)
        // Left axis from zero (or the smallest value if negative) to the largest, nicely rounded.
        var lo = 0.0, hi = -Double.infinity
        for s in lines { for v in s.series.values where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        if !(hi > lo) { hi = lo + 1 }
        let ly = NiceScale.ticks(lo, hi * lineHeadroom, count: 6)
        var r1 = 1.0
        if let b = bars, let m = b.values.filter(\.isFinite).max(), m > 0 { r1 = m / barShare }
        let ry = NiceScale.ticks(0, r1, count: hasBars && barsInverted ? 8 : 6)
        let frame = Frame(plot: plot, t0: t0, t1: t1, left0: ly.ticks.first!, left1: ly.ticks.last!,
                          right0: 0, right1: ry.ticks.last!, barsInverted: barsInverted)

        // Title.
        canvas.text(title, 20, 14, size: 20, bold: true, v: .top)
        if let subtitle { canvas.text(subtitle, 20, 44, size: 13, color: RGBA(hex: 0x444444), v: .top) }
        // Grid and left axis.
        let grid = RGBA(hex: 0xe0e0e0), axis = RGBA(hex: 0x333333)
        for v in ly.ticks {
            let y = frame.yLeft(v)
            canvas.strokeLine(plot.x, y, plot.maxX, y, grid)
            canvas.strokeLine(plot.x - 5, y, plot.x, y, axis)
            canvas.text(NiceScale.label(v, step: ly.step), plot.x - 8, y, size: 13, h: .right, v: .middle)
        }
        for tv in xt.ticks {
            let x = frame.x(tv * tu)
            canvas.strokeLine(x, plot.y, x, plot.maxY, grid)
            canvas.strokeLine(x, plot.maxY, x, plot.maxY + 5, axis)
            canvas.text(NiceScale.label(tv, step: xt.step), x, plot.maxY + 8, size: 13, h: .center, v: .top)
        }
        canvas.text(useHours ? "time [h]" : "time [min]", plot.x + plot.width / 2, plot.maxY + 30, size: 14, h: .center, v: .top)
        canvas.text(leftLabel, 24, plot.y + plot.height / 2, size: 14, h: .center, v: .middle, angle: -.pi / 2)

        // Bars.
        if hasBars, let b = bars {
            canvas.save(); canvas.clip(to: plot)
            for i in b.times.indices {
                let ta = b.times[i]
                let tb = i + 1 < b.times.count ? b.times[i + 1] : ta + (i > 0 ? ta - b.times[i - 1] : 60)
                let v = b.values[i]
                guard v > 0, v.isFinite else { continue }
                let xa = frame.x(ta), xb = frame.x(tb)
                let ya = frame.yRight(0), yb = frame.yRight(v)
                let r = PixelRect(x: xa, y: min(ya, yb), width: max(xb - xa, 1), height: abs(yb - ya))
                canvas.fill(r, barColor.with(alpha: 0.75))
                canvas.stroke(r, barColor.mixed(with: .black, 0.35), width: 0.6)
            }
            canvas.restore()
            for v in ry.ticks {
                let y = frame.yRight(v)
                canvas.strokeLine(plot.maxX, y, plot.maxX + 5, y, axis)
                canvas.text(NiceScale.label(v, step: ry.step), plot.maxX + 8, y, size: 13, v: .middle)
            }
            canvas.text(barLabel, plot.maxX + 62, plot.y + plot.height / 2, size: 14, h: .center, v: .middle, angle: .pi / 2)
        }

        // Lines.
        canvas.save(); canvas.clip(to: plot.insetBy(-2))
        canvas.setRoundLines(true)
        for (k, s) in lines.enumerated() where !s.series.isEmpty {
            var pts: [(Double, Double)] = []
            for i in s.series.times.indices {
                let x = frame.x(s.series.times[i]), y = frame.yLeft(s.series.values[i])
                if s.style == .step, let last = pts.last { pts.append((x, last.1)) }
                pts.append((x, y))
            }
            canvas.newPath(); canvas.addPolyline(pts)
            canvas.setColor(s.color ?? Self.palette[k % Self.palette.count])
            canvas.setLineWidth(2.2)
            canvas.setDash(s.dashed ? [8, 5] : [])
            canvas.strokePath()
        }
        canvas.setDash([])
        canvas.restore()
        canvas.stroke(plot, axis)

        // Legend column.
        if legendW > 0 {
            var y = plot.y + 4
            let x = Double(width) - legendW + 10
            if hasBars, let b = bars {
                canvas.fill(PixelRect(x: x, y: y, width: 26, height: 14), barColor.with(alpha: 0.75))
                canvas.text(b.name, x + 36, y + 7, size: 13, v: .middle)
                y += 24
            }
            for (k, s) in lines.enumerated() {
                canvas.setDash(s.dashed ? [8, 5] : [])
                canvas.strokeLine(x, y + 7, x + 26, y + 7, s.color ?? Self.palette[k % Self.palette.count], width: 2.6)
                canvas.setDash([])
                canvas.text(s.series.name, x + 36, y + 7, size: 13, v: .middle)
                y += 24
                if y > plot.maxY - 10, k < lines.count - 1 {
                    canvas.text("… \(lines.count - k - 1) more", x + 36, y + 7, size: 12, color: RGBA(hex: 0x555555), v: .middle)
                    break
                }
            }
        }
        return (canvas, frame)
    }
}

/// The standard result charts.
public enum ResultCharts {
    /// A hyetograph (rain intensity as bars hanging from the top, right axis in mm/h increasing
    /// downward) over outfall hydrographs (lines, left axis in m³/s).
    public static func hydrograph(rainfall: TimeSeries?, flows: [TimeSeries], title: String, subtitle: String? = nil,
                                  format: ImageFormat = .png) throws -> (canvas: Canvas, frame: TimeSeriesChart.Frame) {
        var c = TimeSeriesChart(title: title, subtitle: subtitle, leftLabel: "flow [m³/s]", lines: flows.map { .init($0) })
        c.bars = rainfall
        c.barLabel = "rain intensity [mm/h]"
        c.barsInverted = true
        c.barShare = 0.4
        c.lineHeadroom = rainfall == nil ? 1.05 : 1.6
        return try c.render(format: format)
    }

    /// Queue length over time, one step line per approach or junction (vehicles).
    public static func queues(_ queues: [TimeSeries], title: String, subtitle: String? = nil,
                              format: ImageFormat = .png) throws -> (canvas: Canvas, frame: TimeSeriesChart.Frame) {
        let unit = queues.first?.unit ?? "veh"
        let c = TimeSeriesChart(title: title, subtitle: subtitle, leftLabel: "queue [\(unit.isEmpty ? "veh" : unit)]",
                                lines: queues.map { .init($0, style: .step) })
        return try c.render(format: format)
    }

    /// Any series sharing one unit, as lines.
    public static func timeSeries(_ series: [TimeSeries], yLabel: String, title: String, subtitle: String? = nil,
                                  format: ImageFormat = .png) throws -> (canvas: Canvas, frame: TimeSeriesChart.Frame) {
        try TimeSeriesChart(title: title, subtitle: subtitle, leftLabel: yLabel, lines: series.map { .init($0) }).render(format: format)
    }
}
