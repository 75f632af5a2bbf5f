import CCairo
import Foundation
import Geometry

/// A colour with straight (not premultiplied) components in 0…1.
public struct RGBA: Hashable, Sendable, CustomStringConvertible {
    public var r: Double, g: Double, b: Double, a: Double

    public init(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 1) { self.r = r; self.g = g; self.b = b; self.a = a }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255, alpha)
    }

    public func with(alpha: Double) -> RGBA { RGBA(r, g, b, alpha) }

    /// Linear interpolation from `self` (t = 0) to `o` (t = 1), component by component.
    public func mixed(with o: RGBA, _ t: Double) -> RGBA {
        RGBA(r + (o.r - r) * t, g + (o.g - g) * t, b + (o.b - b) * t, a + (o.a - a) * t)
    }

    /// The components as bytes 0…255.
    public var bytes: (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        func q(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        return (q(r), q(g), q(b), q(a))
    }

    /// `#rrggbb` (alpha left out).
    public var hexString: String { let c = bytes; return String(format: "#%02x%02x%02x", c.r, c.g, c.b) }

    /// Euclidean distance between two colours in 0…255 RGB units (alpha ignored).
    public func distance(to o: RGBA) -> Double {
        let a = bytes, b = o.bytes
        let dr = Double(a.r) - Double(b.r), dg = Double(a.g) - Double(b.g), db = Double(a.b) - Double(b.b)
        return (dr * dr + dg * dg + db * db).squareRoot()
    }

    public var description: String { hexString + (a < 1 ? String(format: "@%.2f", a) : "") }

    public static let white = RGBA(1, 1, 1), black = RGBA(0, 0, 0), clear = RGBA(0, 0, 0, 0)
}

/// A rectangle in canvas units (pixels for PNG, points for SVG), y down.
public struct PixelRect: Hashable, Sendable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) { self.x = x; self.y = y; self.width = width; self.height = height }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public func insetBy(_ d: Double) -> PixelRect { PixelRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
    public func contains(_ px: Double, _ py: Double) -> Bool { px >= x && px <= maxX && py >= y && py <= maxY }
}

/// The file formats a canvas can produce.
public enum ImageFormat: String, Hashable, Codable, Sendable {
    /// A raster image (cairo image surface, 32-bit ARGB, written as PNG).
    case png
    /// A vector image (cairo SVG surface).
    case svg

    public var fileExtension: String { rawValue }
}

/// Collects the bytes cairo writes through a stream callback.
final class ByteSink { var bytes: [UInt8] = [] }

private let appendToSink: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// A drawing surface through cairo (https://cairographics.org): an image surface for PNG or an SVG
/// surface, with the drawing context on it. The class owns both cairo handles and frees them on
/// deinit; it is a class only because it is a live resource. Not `Sendable`: draw on one thread.
///
/// Coordinates are canvas units with the origin at the top left and y down: pixels for PNG,
/// points (1/72 inch, rendered as pixels by browsers) for SVG. Text uses cairo's "toy" font API
/// with DejaVu Sans (Debian's `fonts-dejavu-core`), which covers Latin text, °, ², ³ and Greek.
public final class Canvas {
    public let width: Int
    public let height: Int
    public let format: ImageFormat
    let surface: OpaquePointer
    let cr: OpaquePointer
    private let sink = ByteSink()
    private var finished = false

    /// A blank canvas of `width` × `height`, filled with `background` (nil: transparent).
    /// - Throws: `InputError(.badValue)` for a size outside 1…20000; `.internalError` when cairo fails.
    public init(width: Int, height: Int, format: ImageFormat = .png, background: RGBA? = .white) throws {
        guard (1...20000).contains(width), (1...20000).contains(height) else {
            throw InputError(.badValue, "canvas size \(width)×\(height) is outside 1…20000")
        }
        self.width = width; self.height = height; self.format = format
        let s: OpaquePointer?
        switch format {
        case .png: s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        case .svg:
            s = cairo_svg_surface_create_for_stream(appendToSink, Unmanaged.passUnretained(sink).toOpaque(),
                                                    Double(width), Double(height))
        }
        guard let s, cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            if let s { cairo_surface_destroy(s) }
            throw InputError(.internalError, "cairo cannot create a \(width)×\(height) \(format.rawValue) surface")
        }
        if format == .svg { cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1) }
        guard let c = cairo_create(s), cairo_status(c) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(s)
            throw InputError(.internalError, "cairo cannot create a drawing context")
        }
        surface = s; cr = c
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        if let background { fill(PixelRect(x: 0, y: 0, width: Double(width), height: Double(height)), background) }
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    // MARK: State and paths

    public func save() { cairo_save(cr) }
    public func restore() { cairo_restore(cr) }
    public func setColor(_ c: RGBA) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a) }
    public func setLineWidth(_ w: Double) { cairo_set_line_width(cr, w) }
    /// Dash pattern in canvas units (empty: solid).
    public func setDash(_ pattern: [Double]) { cairo_set_dash(cr, pattern, Int32(pattern.count), 0) }
    /// Round caps and joins (maps) or butt caps and miter joins (charts).
    public func setRoundLines(_ round: Bool) {
        cairo_set_line_cap(cr, round ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
        cairo_set_line_join(cr, round ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER)
    }
    public func newPath() { cairo_new_path(cr) }
    public func move(to x: Double, _ y: Double) { cairo_move_to(cr, x, y) }
    public func line(to x: Double, _ y: Double) { cairo_line_to(cr, x, y) }
    public func closePath() { cairo_close_path(cr) }
    public func addRect(_ r: PixelRect) { cairo_rectangle(cr, r.x, r.y, r.width, r.height) }
    /// A full circle of radius `r` around (x, y) as a new sub-path.
    public func addCircle(_ x: Double, _ y: Double, _ r: Double) { cairo_new_sub_path(cr); cairo_arc(cr, x, y, r, 0, 2 * .pi) }
    /// Even-odd filling, so polygon holes stay empty whatever their ring orientation.
    public func setEvenOddFill() { cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD) }
    public func fillPath(preserve: Bool = false) { preserve ? cairo_fill_preserve(cr) : cairo_fill(cr) }
    public func strokePath(preserve: Bool = false) { preserve ? cairo_stroke_preserve(cr) : cairo_stroke(cr) }
    /// Starts drawing into an offscreen group (composited by `paintGroup`).
    public func beginGroup() { cairo_push_group(cr) }
    /// Paints the group started by `beginGroup` onto the canvas.
    public func paintGroup() { cairo_pop_group_to_source(cr); cairo_paint(cr) }
    /// With `true`, strokes and fills erase to transparent (cairo's CLEAR operator) instead of painting.
    public func setErasing(_ erase: Bool) { cairo_set_operator(cr, erase ? CAIRO_OPERATOR_CLEAR : CAIRO_OPERATOR_OVER) }
    public func clip(to r: PixelRect) { cairo_new_path(cr); addRect(r); cairo_clip(cr) }
    public func resetClip() { cairo_reset_clip(cr) }

    /// An open polyline through `points` as the current path.
    public func addPolyline(_ points: [(Double, Double)]) {
        guard let f = points.first else { return }
        cairo_move_to(cr, f.0, f.1)
        for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
    }

    public func fill(_ r: PixelRect, _ c: RGBA) { newPath(); addRect(r); setColor(c); fillPath() }

    public func stroke(_ r: PixelRect, _ c: RGBA, width: Double = 1) {
        newPath(); addRect(r); setColor(c); setLineWidth(width); strokePath()
    }

    public func strokeLine(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: RGBA, width: Double = 1) {
        newPath(); move(to: x0, y0); line(to: x1, y1); setColor(c); setLineWidth(width); strokePath()
    }

    // MARK: Text

    public enum HAlign: Sendable { case left, center, right }
    public enum VAlign: Sendable { case top, middle, baseline, bottom }

    private func setFont(size: Double, bold: Bool) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// The advance width of `s` in canvas units.
    public func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        setFont(size: size, bold: bold)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, s, &e)
        return e.x_advance
    }

    /// Draws `s` anchored at (x, y), optionally rotated by `angle` radians (counter-clockwise on
    /// screen for negative values, as cairo's y axis points down).
    public func text(_ s: String, _ x: Double, _ y: Double, size: Double = 12, bold: Bool = false, color: RGBA = .black,
                     h: HAlign = .left, v: VAlign = .baseline, angle: Double = 0) {
        guard !s.isEmpty else { return }
        setFont(size: size, bold: bold)
        var fe = cairo_font_extents_t()
        cairo_font_extents(cr, &fe)
        var te = cairo_text_extents_t()
        cairo_text_extents(cr, s, &te)
        let dx: Double = switch h { case .left: 0; case .center: -te.x_advance / 2; case .right: -te.x_advance }
        let dy: Double = switch v {
        case .baseline: 0
        case .top: fe.ascent
        case .bottom: -fe.descent
        case .middle: (fe.ascent - fe.descent) / 2
        }
        save()
        cairo_translate(cr, x, y)
        if angle != 0 { cairo_rotate(cr, angle) }
        newPath()
        cairo_move_to(cr, dx, dy)
        setColor(color)
        cairo_show_text(cr, s)
        restore()
    }

    // MARK: Images

    /// Draws a `columns` × `rows` block of colours (row 0 at the top) stretched over `rect`, each
    /// value one cell (nearest-neighbour, so cell edges stay sharp).
    public func drawCells(columns: Int, rows: Int, colors: [RGBA], in rect: PixelRect) throws {
        precondition(colors.count == columns * rows, "drawCells: \(colors.count) colours for \(columns)×\(rows)")
        guard let img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(columns), Int32(rows)),
              cairo_surface_status(img) == CAIRO_STATUS_SUCCESS else {
            throw InputError(.internalError, "cairo cannot create a \(columns)×\(rows) image")
        }
        defer { cairo_surface_destroy(img) }
        cairo_surface_flush(img)
        let stride = Int(cairo_image_surface_get_stride(img))
        let data = cairo_image_surface_get_data(img)!
        for row in 0..<rows {
            let line = UnsafeMutableRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
            for col in 0..<columns {
                let c = colors[row * columns + col].bytes
                // Premultiplied ARGB in native byte order.
                let a = UInt32(c.a)
                let r = UInt32(c.r) * a / 255, g = UInt32(c.g) * a / 255, b = UInt32(c.b) * a / 255
                line[col] = a << 24 | r << 16 | g << 8 | b
            }
        }
        cairo_surface_mark_dirty(img)
        save()
        clip(to: rect)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(columns), rect.height / Double(rows))
        cairo_set_source_surface(cr, img, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        restore()
    }

    // MARK: Reading back (PNG canvases)

    /// The colour of pixel (x, y) (un-premultiplied), or nil outside the canvas or on an SVG canvas.
    public func pixel(_ x: Int, _ y: Int) -> RGBA? {
        guard format == .png, x >= 0, y >= 0, x < width, y < height else { return nil }
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return nil }
        let stride = Int(cairo_image_surface_get_stride(surface))
        let v = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)[x]
        let a = Double(v >> 24 & 0xFF)
        guard a > 0 else { return .clear }
        func ch(_ shift: UInt32) -> Double { min(1, Double(v >> shift & 0xFF) / a) }
        return RGBA(ch(16), ch(8), ch(0), a / 255)
    }

    // MARK: Output

    /// The encoded image: PNG bytes for an image canvas (the canvas stays usable), or the SVG
    /// document for an SVG canvas (which finishes the surface: draw nothing afterwards).
    public func encoded() throws -> [UInt8] {
        switch format {
        case .png:
            sink.bytes.removeAll(keepingCapacity: true)
            cairo_surface_flush(surface)
            let st = cairo_surface_write_to_png_stream(surface, appendToSink, Unmanaged.passUnretained(sink).toOpaque())
            guard st == CAIRO_STATUS_SUCCESS else {
                throw InputError(.writeFailed, "cairo cannot encode PNG: \(String(cString: cairo_status_to_string(st)))")
            }
            return sink.bytes
        case .svg:
            if !finished { cairo_surface_finish(surface); finished = true }
            let st = cairo_surface_status(surface)
            guard st == CAIRO_STATUS_SUCCESS else {
                throw InputError(.writeFailed, "cairo cannot write SVG: \(String(cString: cairo_status_to_string(st)))")
            }
            return sink.bytes
        }
    }

    /// Writes `encoded()` to `path` atomically (a temporary file beside it, then a rename).
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }
}

/// Atomic file writes: the bytes go to a temporary file in the same folder, which is renamed over
/// the target only when complete, so readers never see a partial file.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        guard let f = fopen(tmp, "wb") else {
            throw InputError(.writeFailed, "cannot create: \(String(cString: strerror(errno)))", at: SourceLocation(file: path))
        }
        let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f) == 0
        guard n == bytes.count, closed, rename(tmp, path) == 0 else {
            let m = String(cString: strerror(errno)); unlink(tmp)
            throw InputError(.writeFailed, "cannot write: \(m)", at: SourceLocation(file: path))
        }
    }

    public static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }
}
