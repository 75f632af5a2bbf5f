import Foundation
import Geometry

/// A figure for the HTML report: an encoded PNG with its caption.
public struct ReportFigure: Sendable {
    public var caption: String
    public var png: [UInt8]
    /// Short text alternative for the image.
    public var alt: String

    public init(caption: String, png: [UInt8], alt: String) { self.caption = caption; self.png = png; self.alt = alt }

    /// The figure of a PNG canvas.
    public init(caption: String, canvas: Canvas, alt: String) throws {
        guard canvas.format == .png else { throw InputError(.badValue, "report figures are PNG canvases") }
        self.init(caption: caption, png: try canvas.encoded(), alt: alt)
    }
}

/// One row of a comparison: run A's figure, run B's and their difference (any may be missing).
public struct ComparisonRow: Sendable {
    public var caption: String
    public var a: ReportFigure?, b: ReportFigure?, difference: ReportFigure?
    public init(caption: String, a: ReportFigure?, b: ReportFigure?, difference: ReportFigure?) {
        self.caption = caption; self.a = a; self.b = b; self.difference = difference
    }
}

/// Self-contained HTML reports: one file with inline CSS and the figures embedded as base64
/// `data:` URIs, no scripts and no network access, so it can be mailed or archived as is.
///
/// A run report has a title block (scene, model, CRS, date, simulated duration, wall-clock time),
/// KPI tables by group (indicator, value, unit), and the maps and charts with captions. A
/// comparison report has both runs' title blocks, one KPI table with columns A, B, A − B and
/// (A − B)/|B| in %, and figure rows laid out A | B | difference.
public enum HTMLReport {
    public static func run(_ info: RunInfo, kpis: [KPI], figures: [ReportFigure], title: String? = nil) -> String {
        var h = head(title ?? "CityTwin run: \(info.scene)")
        h += "<header><h1>\(esc(title ?? "CityTwin run: \(info.scene)"))</h1>\n"
        h += infoTable(info, label: nil)
        h += "</header>\n"
        h += "<section><h2>Key performance indicators</h2>\n"
        if kpis.isEmpty { h += "<p class=\"note\">No indicators were computed for this run.</p>\n" }
        for (group, items) in grouped(kpis) {
            h += "<h3>\(esc(group))</h3>\n<table class=\"kpi\"><thead><tr><th>indicator</th><th>value</th><th>unit</th></tr></thead><tbody>\n"
            for k in items { h += kpiRow(k) }
            h += "</tbody></table>\n"
        }
        h += "</section>\n"
        if !figures.isEmpty {
            h += "<section><h2>Maps and charts</h2>\n"
            for (i, f) in figures.enumerated() { h += figure(f, number: i + 1) }
            h += "</section>\n"
        }
        return h + foot()
    }

    /// The row of one KPI exactly as the run report writes it (tests look for it verbatim).
    public static func kpiRow(_ k: KPI) -> String {
        "<tr><td>\(esc(k.name))</td><td class=\"num\">\(esc(k.formattedValue))</td><td>\(esc(k.unit))</td></tr>\n"
    }

    public static func comparison(a: RunInfo, b: RunInfo, kpisA: [KPI], kpisB: [KPI], rows: [ComparisonRow], title: String? = nil) -> String {
        let t = title ?? "CityTwin comparison: \(a.scene) vs \(b.scene)"
        var h = head(t)
        h += "<header><h1>\(esc(t))</h1>\n<div class=\"pair\">\n"
        h += "<div>" + infoTable(a, label: "A") + "</div><div>" + infoTable(b, label: "B") + "</div>\n</div></header>\n"
        h += "<section><h2>Key performance indicators</h2>\n"
        // Union of (group, name) in A's order, then B's extras.
        var keys: [String: (KPI?, KPI?)] = [:]
        var order: [KPI] = []
        for k in kpisA { let id = k.group + "\u{1}" + k.name; if keys[id] == nil { order.append(k) }; keys[id, default: (nil, nil)].0 = k }
        for k in kpisB { let id = k.group + "\u{1}" + k.name; if keys[id] == nil { order.append(k) }; keys[id, default: (nil, nil)].1 = k }
        for (group, items) in grouped(order) {
            h += "<h3>\(esc(group))</h3>\n<table class=\"kpi\"><thead><tr><th>indicator</th><th>unit</th><th>A</th><th>B</th><th>A − B</th><th>(A − B)/|B|</th></tr></thead><tbody>\n"
            for k in items {
                let (x, y) = keys[k.group + "\u{1}" + k.name]!
                h += comparisonRow(name: k.name, unit: k.unit, a: x, b: y)
            }
            h += "</tbody></table>\n"
        }
        h += "</section>\n"
        if !rows.isEmpty {
            h += "<section><h2>Maps and charts</h2>\n"
            var n = 0
            for r in rows {
                h += "<h3>\(esc(r.caption))</h3>\n<div class=\"triple\">\n"
                for (label, f) in [("A", r.a), ("B", r.b), ("A − B", r.difference)] {
                    guard let f else { h += "<div class=\"empty\">\(label): not available</div>\n"; continue }
                    n += 1
                    h += figure(ReportFigure(caption: "\(label): \(f.caption)", png: f.png, alt: f.alt), number: n)
                }
                h += "</div>\n"
            }
            h += "</section>\n"
        }
        return h + foot()
    }

    /// A comparison table row: A, B, A − B (with A's decimals) and the relative change.
    public static func comparisonRow(name: String, unit: String, a: KPI?, b: KPI?) -> String {
        let dec = a?.decimals ?? b?.decimals
        var diff = "–", rel = "–"
        if let a, let b {
            let d = a.value - b.value
            diff = (d > 0 ? "+" : "") + KPI.format(d, decimals: dec)
            if b.value != 0 { let r = d / abs(b.value) * 100; rel = (r > 0 ? "+" : "") + KPI.format(r, decimals: 1) + " %" }
        }
        return "<tr><td>\(esc(name))</td><td>\(esc(unit))</td><td class=\"num\">\(esc(a?.formattedValue ?? "–"))</td>"
            + "<td class=\"num\">\(esc(b?.formattedValue ?? "–"))</td><td class=\"num\">\(esc(diff))</td><td class=\"num\">\(esc(rel))</td></tr>\n"
    }

    // MARK: Pieces

    static func grouped(_ kpis: [KPI]) -> [(String, [KPI])] {
        var order: [String] = []
        var groups: [String: [KPI]] = [:]
        for k in kpis {
            if groups[k.group] == nil { order.append(k.group) }
            groups[k.group, default: []].append(k)
        }
        return order.map { ($0, groups[$0]!) }
    }

    static func infoTable(_ i: RunInfo, label: String?) -> String {
        let date = ISO8601DateFormatter().string(from: i.started)
        var rows = [("scene", i.scene), ("model", i.model), ("CRS", i.crs.identifier), ("started (UTC)", date),
                    ("simulated duration", duration(i.simulatedDuration))]
        if let w = i.wallClock { rows.append(("run time", KPI.format(w, decimals: 1) + " s")) }
        var h = "<table class=\"info\">"
        if let label { h += "<caption>Run \(esc(label))</caption>" }
        for (k, v) in rows { h += "<tr><th>\(esc(k))</th><td>\(esc(v))</td></tr>" }
        return h + "</table>\n"
    }

    /// A duration in seconds as `2 h 30 min`, `45 min`, `30 s`.
    public static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "–" }
        if s < 60 { return s < 1 ? "\(KPI.format(s)) s" : "\(Int(s.rounded())) s" }
        let m = Int((s / 60).rounded(.down)), rest = s - Double(m) * 60
        let h = m / 60, mm = m % 60
        var out = h > 0 ? "\(h) h" + (mm > 0 ? " \(mm) min" : "") : "\(mm) min"
        if rest >= 0.5 { out += " \(Int(rest.rounded())) s" }
        return out
    }

    static func figure(_ f: ReportFigure, number: Int) -> String {
        "<figure><img alt=\"\(esc(f.alt))\" src=\"data:image/png;base64,\(Data(f.png).base64EncodedString())\">"
            + "<figcaption><b>Figure \(number).</b> \(esc(f.caption))</figcaption></figure>\n"
    }

    static func head(_ title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="CityTwin Report">
        <title>\(esc(title))</title>
        <style>
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:0 auto;max-width:1280px;padding:24px;color:#222;background:#fff;line-height:1.4}
        h1{font-size:26px;margin:0 0 12px}h2{font-size:21px;border-bottom:2px solid #2171b5;padding-bottom:4px;margin-top:32px}
        h3{font-size:17px;margin:20px 0 8px;color:#08519c}
        table{border-collapse:collapse;margin:6px 0 12px}td,th{padding:4px 12px;border-bottom:1px solid #ddd;text-align:left}
        table.kpi thead th{background:#eef3f8;border-bottom:2px solid #9ecae1}td.num{text-align:right;font-variant-numeric:tabular-nums;font-family:"DejaVu Sans Mono",monospace}
        table.info th{font-weight:normal;color:#555;padding-left:0}caption{text-align:left;font-weight:bold;padding:4px 0}
        figure{margin:16px 0 28px}figure img{max-width:100%;height:auto;border:1px solid #ccc}figcaption{font-size:14px;color:#333;margin-top:6px}
        .pair{display:flex;gap:48px;flex-wrap:wrap}.triple{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}.triple figure{margin:0}
        .empty{border:1px dashed #bbb;color:#777;padding:24px;text-align:center}.note{color:#777}
        footer{margin-top:40px;font-size:12px;color:#777;border-top:1px solid #ddd;padding-top:8px}
        </style></head><body>

        """
    }

    static func foot() -> String {
        "<footer>Generated by CityTwin. Coordinates in the model's CRS; GeoJSON exports in WGS 84.</footer>\n</body></html>\n"
    }

    /// Text escaped for HTML content and attribute values.
    public static func esc(_ s: String) -> String {
        var o = ""
        o.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.append(c)
            }
        }
        return o
    }
}
