import Testing
@testable import Geometry

@Suite struct WKTTests {
    @Test(arguments: Fixtures.shapes)
    func roundTrip(_ s: Shape) throws {
        let text = WKT.format(s)
        let back = try WKT.parse(text)
        #expect(Fixtures.identical(back, s), "\(text) came back as \(WKT.format(back))")
    }

    @Test func formatsLikeGEOS() {
        #expect(WKT.format(.point(Coordinate(1, 2.5))) == "POINT (1 2.5)")
        #expect(WKT.format(.point(Coordinate(.nan, .nan))) == "POINT EMPTY")
        #expect(WKT.format(.lineString(Polyline([]))) == "LINESTRING EMPTY")
        #expect(WKT.format(.polygon(Fixtures.square)) == "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))")
        #expect(WKT.format(.multiPoint([Coordinate(1, 2), Coordinate(.nan, .nan)])) == "MULTIPOINT ((1 2), EMPTY)")
        #expect(WKT.format(.multiPolygon(MultiPolygon([]))) == "MULTIPOLYGON EMPTY")
        #expect(WKT.format(.point(Coordinate(0.1, 1e-5))) == "POINT (0.1 1e-05)")
    }

    @Test func shortestNumbersAreLossless() throws {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let x = Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF)  // finite, positive
            let y = -Double.random(in: 0..<1e7, using: &g)
            guard case .point(let c) = try WKT.parse(WKT.format(.point(Coordinate(x, y)))) else { Issue.record(); return }
            #expect(c.x.bitPattern == x.bitPattern && c.y.bitPattern == y.bitPattern)
        }
    }

    @Test func lenientInput() throws {
        #expect(try WKT.parse("  point(1 2)  ") == .point(Coordinate(1, 2)))
        #expect(try WKT.parse("MULTIPOINT (1 2, 3 4)") == .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]))
        #expect(try WKT.parse("MultiPoint((1 2),(3 4))") == .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]))
        #expect(try WKT.parse("POINT Z (1 2 3)") == .point(Coordinate(1, 2)))
        #expect(try WKT.parse("LINESTRINGZ(1 2 3,4 5 6)") == .lineString(Polyline([Coordinate(1, 2), Coordinate(4, 5)])))
        #expect(try WKT.parse("polygon\n((0 0,1 0,1 1,0 0))") ==
                .polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)])))
        #expect(try WKT.parse("MULTIPOLYGON (EMPTY, ((0 0, 1 0, 1 1, 0 0)))") ==
                .multiPolygon(MultiPolygon([Polygon(exterior: []),
                                            Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)])])))
    }

    @Test(arguments: [
        ("", "a geometry type", 0), ("POINT", "'(' or EMPTY", 5), ("POINT (1)", "a number", 8),
        ("POINT (1 2", "')'", 10), ("POINT (1 2) x", "end of text", 12), ("LINESTRING (0 0, 1 1", "',' or ')'", 20),
        ("CIRCLE (0 0)", "a geometry type", 0), ("POINT (1 abc)", "a number", 9), ("POLYGON ((0 0, 1 1), )", "'(' or EMPTY", 21),
        ("MULTIPOINT ((1 2)", "',' or ')'", 17),
    ])
    func syntaxErrors(text: String, expected: String, offset: Int) {
        let e = #expect(throws: InputError.self) { try WKT.parse(text) }
        #expect(e?.code == .syntax)
        #expect(e?.message.contains("expected \(expected) at offset \(offset)") == true, "\(e?.message ?? "nil")")
    }

    @Test(arguments: ["POINT M (1 2 3)", "POINT ZM (1 2 3 4)", "SRID=4326;POINT (1 2)", "GEOMETRYCOLLECTION (POINT (1 2))",
                      "LINESTRINGM (0 0 0, 1 1 1)"])
    func unsupported(text: String) {
        let e = #expect(throws: InputError.self) { try WKT.parse(text) }
        #expect(e?.code == .unsupportedGeometry)
    }
}
