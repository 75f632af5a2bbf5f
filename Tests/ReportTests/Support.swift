import CCairo
import Foundation
import Geometry
@testable import Report

/// The width and height in a PNG's IHDR chunk, or nil when the bytes do not start with the PNG
/// signature followed by an IHDR chunk.
func pngHeaderSize(_ b: [UInt8]) -> (width: Int, height: Int)? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard b.count > 33, Array(b[0..<8]) == signature, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
    func be32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
    return (be32(16), be32(20))
}

/// A PNG file decoded by cairo (libpng), for reading pixels of written files.
final class DecodedPNG {
    let surface: OpaquePointer
    let width: Int, height: Int

    init?(path: String) {
        guard let s = cairo_image_surface_create_from_png(path), cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else { return nil }
        surface = s
        width = Int(cairo_image_surface_get_width(s)); height = Int(cairo_image_surface_get_height(s))
    }

    deinit { cairo_surface_destroy(surface) }

    /// Pixel colour (alpha ignored: files here are opaque or read as premultiplied over black).
    func pixel(_ x: Int, _ y: Int) -> RGBA {
        cairo_surface_flush(surface)
        let data = cairo_image_surface_get_data(surface)!
        let stride = Int(cairo_image_surface_get_stride(surface))
        let v = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)[x]
        return RGBA(Double(v >> 16 & 0xFF) / 255, Double(v >> 8 & 0xFF) / 255, Double(v & 0xFF) / 255)
    }
}

/// `over` composited with alpha `a` on an opaque `under`.
func blend(_ over: RGBA, _ a: Double, on under: RGBA) -> RGBA { under.mixed(with: over.with(alpha: 1), a).with(alpha: 1) }

/// A small synthetic scene on whole-metre coordinates in EPSG:4547 near the demo district:
/// a 30 × 20 grid of 10 m cells, a flat terrain at 20 m, an east-west street along row 10 and one
/// building.
struct SyntheticScene {
    static let grid = GridSpec(width: 30, height: 20, originX: 527_000, originY: 3_384_700, cellSize: 10)
    static let crs = CRS.epsg(4547)

    static var terrain: Raster<Double> { Raster(grid: grid, fill: 20) }

    /// A street at y = originY + 45 (inside row 15 from the top… row 15 holds y 3384740–3384750).
    static var street: Basemap.Street {
        Basemap.Street(id: "E1", line: Polyline([Coordinate(527_000, 3_384_745), Coordinate(527_300, 3_384_745)]), lanes: 2)
    }

    static var building: Polygon { Polygon(box: BBox(minX: 527_220, minY: 3_384_820, maxX: 527_260, maxY: 3_384_860)) }

    static func basemap(terrain: Bool = true) -> Basemap {
        Basemap(terrain: terrain ? self.terrain : nil, streets: [street], buildings: [building], extent: grid.bbox)
    }

    /// Depth: a 3 × 2 patch of 0.5 m (rows 2–3, cols 3–5), a 2 × 2 patch of 0.2 m (rows 10–11,
    /// cols 20–21) and a single 0.1 m cell (row 0, col 0); no-data in the last column.
    static var depth: Raster<Double> {
        var r = Raster<Double>(grid: grid, fill: 0, noData: -9999)
        for row in 2...3 { for col in 3...5 { r[row, col] = 0.5 } }
        for row in 10...11 { for col in 20...21 { r[row, col] = 0.2 } }
        r[0, 0] = 0.1
        for row in 0..<grid.height { r[row, grid.width - 1] = -9999 }
        return r
    }

    static var info: RunInfo {
        RunInfo(scene: "Scenes/test.yaml", model: "synthetic", crs: crs, started: Date(timeIntervalSince1970: 1_750_000_000),
                simulatedDuration: 7200, wallClock: 3.5)
    }
}
