import Foundation
import Geometry
import Testing
@testable import Report

@Suite struct CanvasTests {
    @Test func pngHasSignatureAndSize() throws {
        let c = try Canvas(width: 321, height: 123)
        c.fill(PixelRect(x: 10, y: 20, width: 30, height: 40), RGBA(hex: 0x2171b5))
        let png = try c.encoded()
        let size = try #require(pngHeaderSize(png))
        #expect(size.width == 321 && size.height == 123)
        // Inside the rectangle: its colour; outside: the white background.
        #expect(try #require(c.pixel(25, 40)).distance(to: RGBA(hex: 0x2171b5)) < 1)
        #expect(try #require(c.pixel(5, 5)).distance(to: .white) < 1)
        #expect(c.pixel(321, 0) == nil)
    }

    @Test func svgIsAnSVGDocument() throws {
        let c = try Canvas(width: 200, height: 100, format: .svg)
        c.fill(PixelRect(x: 0, y: 0, width: 50, height: 50), .black)
        c.text("flow [m³/s]", 10, 80)
        let text = String(decoding: try c.encoded(), as: UTF8.self)
        #expect(text.hasPrefix("<?xml"))
        #expect(text.contains("<svg") && text.contains("width=\"200pt\""))
        #expect(c.pixel(1, 1) == nil)
    }

    @Test func drawCellsPutsRowZeroAtTheTop() throws {
        let c = try Canvas(width: 40, height: 40)
        try c.drawCells(columns: 2, rows: 2, colors: [.black, .white, RGBA(1, 0, 0), RGBA(0, 0, 1)],
                        in: PixelRect(x: 0, y: 0, width: 40, height: 40))
        #expect(try #require(c.pixel(5, 5)).distance(to: .black) < 1)
        #expect(try #require(c.pixel(35, 5)).distance(to: .white) < 1)
        #expect(try #require(c.pixel(5, 35)).distance(to: RGBA(1, 0, 0)) < 1)
        #expect(try #require(c.pixel(35, 35)).distance(to: RGBA(0, 0, 1)) < 1)
    }

    @Test func badSizeIsRefused() {
        #expect(throws: InputError.self) { try Canvas(width: 0, height: 10) }
    }

    @Test func writeIsAtomicAndComplete() throws {
        let dir = TemporaryFolderPath()
        let c = try Canvas(width: 64, height: 32)
        let path = dir.file("x.png")
        try c.write(to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let size = try #require(pngHeaderSize(bytes))
        #expect(size.width == 64 && size.height == 32)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.png"])
    }
}

@Suite struct ScaleTests {
    @Test func niceTicks() {
        let t = NiceScale.ticks(0, 7.3, count: 6)
        #expect(t.step == 1 || t.step == 2)
        #expect(t.ticks.first == 0 && t.ticks.last! >= 7.3)
        let u = NiceScale.ticks(0, 0.83, count: 5)
        #expect(abs(u.step - 0.2) < 1e-12)
        #expect(NiceScale.label(0.4, step: 0.2) == "0.4")
        #expect(NiceScale.label(0.25, step: 0.25) == "0.25")
        #expect(NiceScale.label(150, step: 50) == "150")
        #expect(NiceScale.label(-0.0000001, step: 0.1) == "0.0")
        #expect(NiceScale.niceCeiling(0.83) == 1)
        #expect(NiceScale.niceCeiling(1.7) == 2)
        #expect(NiceScale.niceCeiling(0.26) == 0.3)
    }

    @Test func colourScalesEndAtTheirAnchorsAndDivergeAtZero() {
        let d = ColorScale.depth(maximum: 0.83)
        #expect(d.maximum == 1)
        #expect(d.color(0).distance(to: ColorScale.blues.first!) < 1)
        #expect(d.color(5).distance(to: ColorScale.blues.last!) < 1)
        let v = ColorScale.diverging(magnitude: 0.37, title: "Δ")
        #expect(v.minimum == -0.4 && v.maximum == 0.4)
        #expect(v.color(0).distance(to: RGBA(hex: 0xf7f7f7)) < 1)            // white at zero
        #expect(v.color(-0.4).distance(to: RGBA(hex: 0x2166ac)) < 1)          // blue below
        #expect(v.color(0.4).distance(to: RGBA(hex: 0xb2182b)) < 1)           // red above
    }

    @Test func kpiFormatting() {
        #expect(KPI.format(1234.56) == "1235")
        #expect(KPI.format(12.345) == "12.3")
        #expect(KPI.format(0.012345) == "0.0123")
        #expect(KPI.format(-0.0001, decimals: 2) == "0.00")
        #expect(KPI.format(3, decimals: 1) == "3.0")
    }
}

/// A temporary folder that is a class so it can be captured; removed on deinit.
final class TemporaryFolderPath {
    let path = NSTemporaryDirectory() + "citytwin-report-" + UUID().uuidString
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    func file(_ n: String) -> String { (path as NSString).appendingPathComponent(n) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
