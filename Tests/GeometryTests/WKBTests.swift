import Testing
@testable import Geometry

@Suite struct WKBTests {
    @Test(arguments: Fixtures.shapes)
    func roundTrip(_ s: Shape) throws {
        let back = try WKB.decode(WKB.encode(s))
        #expect(Fixtures.identical(back, s), "\(WKT.format(s)) came back as \(WKT.format(back))")
    }

    @Test func knownBytesOfAPoint() {
        // POINT(1 2), NDR: 01 | 01000000 | 000000000000F03F | 0000000000000040
        #expect(WKB.encode(.point(Coordinate(1, 2))) ==
                [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x40])
    }

    /// Re-encodes little-endian WKB as big-endian (XDR) by walking the structure.
    static func toBigEndian(_ s: Shape) -> [UInt8] {
        var o: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { o.append(contentsOf: $0) } }
        func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.bigEndian) { o.append(contentsOf: $0) } }
        func pts(_ cs: [Coordinate]) { u32(UInt32(cs.count)); for c in cs { f64(c.x); f64(c.y) } }
        func poly(_ p: Polygon) {
            o.append(0); u32(3)
            if p.exterior.isEmpty && p.holes.isEmpty { u32(0) } else { u32(UInt32(p.rings.count)); p.rings.forEach(pts) }
        }
        switch s {
        case .point(let c): o.append(0); u32(1); f64(c.x); f64(c.y)
        case .lineString(let l): o.append(0); u32(2); pts(l.points)
        case .polygon(let p): poly(p)
        case .multiPoint(let cs): o.append(0); u32(4); u32(UInt32(cs.count)); for c in cs { o.append(0); u32(1); f64(c.x); f64(c.y) }
        case .multiLineString(let ls): o.append(0); u32(5); u32(UInt32(ls.count)); for l in ls { o.append(0); u32(2); pts(l.points) }
        case .multiPolygon(let m): o.append(0); u32(6); u32(UInt32(m.polygons.count)); m.polygons.forEach(poly)
        }
        return o
    }

    @Test(arguments: Fixtures.shapes)
    func readsBigEndian(_ s: Shape) throws {
        let xdr = Self.toBigEndian(s)
        #expect(xdr.count == WKB.encode(s).count)
        #expect(Fixtures.identical(try WKB.decode(xdr), s))
    }

    @Test func mixedByteOrderMembers() throws {
        // A big-endian MultiPoint whose second member is little-endian.
        var b: [UInt8] = [0, 0, 0, 0, 4, 0, 0, 0, 2]
        b += Self.toBigEndian(.point(Coordinate(1, 2)))
        b += WKB.encode(.point(Coordinate(3, 4)))
        #expect(try WKB.decode(b) == .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]))
    }

    @Test func decodesFromASlice() throws {
        let bytes = [0xFF, 0xFF] + WKB.encode(.point(Coordinate(5, 6)))
        #expect(try WKB.decode(bytes[2...]) == .point(Coordinate(5, 6)))
        #expect(try WKB.decode(AnySequenceCollection(WKB.encode(.point(Coordinate(5, 6))))) == .point(Coordinate(5, 6)))
    }

    @Test func isoZIsDroppedOrRefused() throws {
        // LINESTRING Z (1 2 3, 4 5 6), little-endian, type 1002.
        var b: [UInt8] = [1]
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b.append(contentsOf: $0) } }
        func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { b.append(contentsOf: $0) } }
        u32(1002); u32(2); [1, 2, 3, 4, 5, 6].forEach { f64($0) }
        #expect(try WKB.decode(b) == .lineString(Polyline([Coordinate(1, 2), Coordinate(4, 5)])))
        let e = #expect(throws: InputError.self) { try WKB.decode(b, dropZ: false) }
        #expect(e?.code == .unsupportedGeometry)
    }

    static func header(_ type: UInt32) -> [UInt8] {
        var b: [UInt8] = [1]
        withUnsafeBytes(of: type.littleEndian) { b.append(contentsOf: $0) }
        return b
    }

    @Test(arguments: [
        (UInt32(2001), "M geometry"), (3001, "ZM geometry"), (0x2000_0001, "SRID"), (0x8000_0001, "Z"),
        (0x4000_0002, "M"), (7, "GeometryCollection"),
    ])
    func refusedForms(type: UInt32, words: String) {
        let b = Self.header(type) + [UInt8](repeating: 0, count: 40)
        let e = #expect(throws: InputError.self) { try WKB.decode(b) }
        #expect(e?.code == .unsupportedGeometry)
        #expect(e?.message.contains(words) == true, "\(e?.message ?? "")")
    }

    @Test func truncatedInputIsRefusedAtEveryLength() {
        for s in Fixtures.shapes {
            let full = WKB.encode(s)
            for n in 0..<full.count {
                let e = #expect(throws: InputError.self, "\(WKT.format(s)) cut to \(n) bytes") { try WKB.decode(full.prefix(n)) }
                #expect(e?.code == .syntax)
            }
        }
    }

    @Test func garbageIsRefused() {
        let cases: [([UInt8], String)] = [
            ([], "truncated"),
            ([2, 1, 0, 0, 0], "byte-order flag 2"),
            (Self.header(9) + [UInt8](repeating: 0, count: 16), "unknown geometry type 9"),
            (Self.header(4001), "unknown geometry type 4001"),
            (WKB.encode(.point(Coordinate(1, 2))) + [0], "1 unexpected bytes"),
            // A linestring claiming 2^32-1 points: refused before allocating.
            (Self.header(2) + [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 32), "count 4294967295"),
            // A MultiPoint holding a LineString.
            (Self.header(4) + [1, 0, 0, 0] + WKB.encode(.lineString(Polyline([Coordinate(0, 0), Coordinate(1, 1)]))),
             "LineString inside a multi-geometry of Points"),
        ]
        for (bytes, words) in cases {
            let e = #expect(throws: InputError.self) { try WKB.decode(bytes) }
            #expect(e?.code == .syntax)
            #expect(e?.message.contains(words) == true, "\(e?.message ?? "nil") lacks \(words)")
        }
    }

    @Test func emptyPointIsNaNNaN() throws {
        let b = WKB.encode(.point(Coordinate(.nan, .nan)))
        #expect(b.count == 21)
        guard case .point(let c) = try WKB.decode(b) else { Issue.record("not a point"); return }
        #expect(c.x.isNaN && c.y.isNaN)
    }
}

/// A collection without contiguous storage, to exercise the copying path of `WKB.decode`.
struct AnySequenceCollection: Collection {
    let base: [UInt8]
    init(_ b: [UInt8]) { base = b }
    var startIndex: Int { base.startIndex }
    var endIndex: Int { base.endIndex }
    func index(after i: Int) -> Int { i + 1 }
    subscript(i: Int) -> UInt8 { base[i] }
}
