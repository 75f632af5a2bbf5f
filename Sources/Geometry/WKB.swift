/// Well-Known Binary (OGC Simple Features 1.2.1, §8.2) for the six 2D geometry types of `Shape`.
///
/// **Writing** produces little-endian (NDR) 2D WKB with the OGC type codes 1–6: Point, LineString,
/// Polygon, MultiPoint, MultiLineString, MultiPolygon. An empty point (both ordinates NaN, see
/// `WKT`) is written as `POINT(NaN NaN)`, the convention GEOS, PostGIS and GDAL share; the other
/// types write their empty forms with a zero count.
///
/// **Reading** accepts either byte order, per geometry (members of a multi-geometry carry their own
/// byte-order flag). Decisions:
/// - ISO WKB with Z (codes 1001–1006) is **accepted and the Z ordinate dropped** when `dropZ` is true
///   (the default): CityTwin's geometry is planar, elevations come from the terrain raster, and this
///   matches the GeoJSON reader, which ignores a third position element. Pass `dropZ: false` to
///   refuse Z instead.
/// - M and ZM (2001–2006, 3001–3006), EWKB (PostGIS) flag bits (Z `0x80000000`, M `0x40000000`,
///   SRID `0x20000000`) and GeometryCollection (7) are refused with `.unsupportedGeometry`.
/// - Truncated input, an unknown byte-order flag, a member of the wrong type inside a
///   multi-geometry, or bytes left over after the geometry are refused with `.syntax`.
///
/// Counts are checked against the bytes that remain before anything is allocated, so garbage input
/// cannot request a huge allocation. Errors carry no location; readers add theirs with
/// `InputError.located(_:)`. Both directions are O(number of coordinates).
public enum WKB {
    /// OGC WKB type codes of the 2D geometries (ISO Z variants add 1000).
    public enum TypeCode: UInt32, Sendable, CaseIterable {
        case point = 1, lineString = 2, polygon = 3, multiPoint = 4, multiLineString = 5, multiPolygon = 6

        /// The OGC type name (`Point`, …).
        public var name: String {
            switch self {
            case .point: "Point"
            case .lineString: "LineString"
            case .polygon: "Polygon"
            case .multiPoint: "MultiPoint"
            case .multiLineString: "MultiLineString"
            case .multiPolygon: "MultiPolygon"
            }
        }
    }

    // MARK: Encoding

    /// The little-endian 2D WKB of `s`.
    public static func encode(_ s: Shape) -> [UInt8] {
        var w = Writer()
        w.bytes.reserveCapacity(estimatedSize(s))
        w.shape(s)
        return w.bytes
    }

    private static func estimatedSize(_ s: Shape) -> Int {
        // Headers (9 bytes each) plus 4-byte counts are small next to 16 bytes per coordinate.
        switch s {
        case .point: return 21
        case .multiPoint(let cs): return 9 + 21 * cs.count
        default: return 64 + 16 * s.allCoordinates.count
        }
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func u32(_ v: UInt32) {
            withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
        }
        mutating func f64(_ v: Double) {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        mutating func header(_ t: TypeCode) { bytes.append(1); u32(t.rawValue) }
        mutating func points(_ cs: [Coordinate]) {
            u32(UInt32(cs.count))
            for c in cs { f64(c.x); f64(c.y) }
        }
        mutating func point(_ c: Coordinate) { header(.point); f64(c.x); f64(c.y) }
        mutating func line(_ l: Polyline) { header(.lineString); points(l.points) }
        mutating func polygon(_ p: Polygon) {
            header(.polygon)
            if p.exterior.isEmpty && p.holes.isEmpty { u32(0); return }
            u32(UInt32(1 + p.holes.count))
            points(p.exterior)
            for h in p.holes { points(h) }
        }
        mutating func shape(_ s: Shape) {
            switch s {
            case .point(let c): point(c)
            case .lineString(let l): line(l)
            case .polygon(let p): polygon(p)
            case .multiPoint(let cs):
                header(.multiPoint); u32(UInt32(cs.count))
                for c in cs { point(c) }
            case .multiLineString(let ls):
                header(.multiLineString); u32(UInt32(ls.count))
                for l in ls { line(l) }
            case .multiPolygon(let m):
                header(.multiPolygon); u32(UInt32(m.polygons.count))
                for p in m.polygons { polygon(p) }
            }
        }
    }

    // MARK: Decoding

    /// The shape encoded in `bytes` (either byte order). With `dropZ` (the default), ISO WKB Z
    /// geometries (1001–1006) are read as 2D; otherwise they are refused.
    ///
    /// - Throws: `InputError` `.unsupportedGeometry` for M/ZM/EWKB/GeometryCollection and (without
    ///   `dropZ`) Z; `.syntax` for truncated or malformed bytes, with the byte offset in the message.
    public static func decode(_ bytes: some Collection<UInt8>, dropZ: Bool = true) throws -> Shape {
        if let r = try bytes.withContiguousStorageIfAvailable({ try decode(buffer: UnsafeRawBufferPointer($0), dropZ: dropZ) }) {
            return r
        }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { try decode(buffer: $0, dropZ: dropZ) }
    }

    private static func decode(buffer: UnsafeRawBufferPointer, dropZ: Bool) throws -> Shape {
        var r = Reader(buf: buffer, dropZ: dropZ)
        let s = try r.geometry()
        if r.pos != buffer.count {
            throw InputError(.syntax, "WKB: \(buffer.count - r.pos) unexpected bytes after the geometry at offset \(r.pos)")
        }
        return s
    }

    private struct Reader {
        let buf: UnsafeRawBufferPointer
        let dropZ: Bool
        var pos = 0
        var littleEndian = true
        var hasZ = false

        init(buf: UnsafeRawBufferPointer, dropZ: Bool) { self.buf = buf; self.dropZ = dropZ }

        func need(_ n: Int, _ what: String) throws {
            if buf.count - pos < n {
                throw InputError(.syntax, "WKB truncated: \(what) needs \(n) bytes at offset \(pos), only \(buf.count - pos) left")
            }
        }
        mutating func u32(_ what: String) throws -> UInt32 {
            try need(4, what)
            let v = buf.loadUnaligned(fromByteOffset: pos, as: UInt32.self)
            pos += 4
            return littleEndian ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        mutating func f64() -> Double {
            let v = buf.loadUnaligned(fromByteOffset: pos, as: UInt64.self)
            pos += 8
            return Double(bitPattern: littleEndian ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }
        var coordinateSize: Int { hasZ ? 24 : 16 }

        mutating func coordinate() -> Coordinate {
            let x = f64(), y = f64()
            if hasZ { pos += 8 }
            return Coordinate(x, y)
        }

        /// A count of items each at least `minItemSize` bytes long, checked against what is left.
        mutating func count(_ what: String, minItemSize: Int) throws -> Int {
            let at = pos
            let n = Int(try u32("\(what) count"))
            if n > (buf.count - pos) / minItemSize {
                throw InputError(.syntax, "WKB truncated: \(what) count \(n) at offset \(at) needs at least \(n * minItemSize) bytes, only \(buf.count - pos) left")
            }
            return n
        }

        mutating func points(_ what: String) throws -> [Coordinate] {
            let n = try count(what, minItemSize: coordinateSize)
            var out = [Coordinate]()
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(coordinate()) }
            return out
        }

        /// Reads a header; returns the 2D type, and sets byte order and `hasZ` for its body.
        mutating func header(expected: TypeCode?, parentHasZ: Bool?) throws -> TypeCode {
            try need(5, "geometry header")
            let at = pos
            switch buf[pos] {
            case 0: littleEndian = false
            case 1: littleEndian = true
            case let b: throw InputError(.syntax, "WKB: byte-order flag \(b) at offset \(at) is neither 0 nor 1")
            }
            pos += 1
            let raw = try u32("geometry type")
            if raw & 0xE000_0000 != 0 {
                var flags: [String] = []
                if raw & 0x8000_0000 != 0 { flags.append("Z") }
                if raw & 0x4000_0000 != 0 { flags.append("M") }
                if raw & 0x2000_0000 != 0 { flags.append("SRID") }
                throw InputError(.unsupportedGeometry, "WKB: EWKB (PostGIS) type 0x\(String(raw, radix: 16)) with \(flags.joined(separator: "+")) flag at offset \(at) is not supported; use ISO/OGC WKB (ST_AsBinary)")
            }
            let dims = raw / 1000, base = raw % 1000
            switch dims {
            case 0: hasZ = false
            case 1:
                guard dropZ else {
                    throw InputError(.unsupportedGeometry, "WKB: Z geometry (type \(raw)) at offset \(at) is not supported here (2D only)")
                }
                hasZ = true
            case 2, 3:
                throw InputError(.unsupportedGeometry, "WKB: \(dims == 2 ? "M" : "ZM") geometry (type \(raw)) at offset \(at) is not supported")
            default:
                throw InputError(.syntax, "WKB: unknown geometry type \(raw) at offset \(at)")
            }
            guard let t = TypeCode(rawValue: base) else {
                if base == 7 {
                    throw InputError(.unsupportedGeometry, "WKB: GeometryCollection at offset \(at) is not supported")
                }
                throw InputError(.syntax, "WKB: unknown geometry type \(raw) at offset \(at)")
            }
            if let expected, t != expected {
                throw InputError(.syntax, "WKB: member at offset \(at) is a \(t.name) inside a multi-geometry of \(expected.name)s")
            }
            if let parentHasZ, parentHasZ != hasZ {
                throw InputError(.syntax, "WKB: member at offset \(at) has different dimensions from its multi-geometry")
            }
            return t
        }

        mutating func polygon() throws -> Polygon {
            let n = try count("polygon ring", minItemSize: 4)
            guard n > 0 else { return Polygon(exterior: []) }
            let ext = try points("ring point")
            var holes: [[Coordinate]] = []
            holes.reserveCapacity(n - 1)
            for _ in 1..<n { holes.append(try points("ring point")) }
            return Polygon(exterior: ext, holes: holes)
        }

        mutating func geometry() throws -> Shape {
            let t = try header(expected: nil, parentHasZ: nil)
            switch t {
            case .point:
                try need(coordinateSize, "point")
                return .point(coordinate())
            case .lineString:
                return .lineString(Polyline(try points("line point")))
            case .polygon:
                return .polygon(try polygon())
            case .multiPoint:
                let z = hasZ
                let n = try count("MultiPoint member", minItemSize: 5 + coordinateSize)
                var out = [Coordinate]()
                out.reserveCapacity(n)
                for _ in 0..<n {
                    _ = try header(expected: .point, parentHasZ: z)
                    try need(coordinateSize, "point")
                    out.append(coordinate())
                }
                return .multiPoint(out)
            case .multiLineString:
                let z = hasZ
                let n = try count("MultiLineString member", minItemSize: 9)
                var out = [Polyline]()
                out.reserveCapacity(n)
                for _ in 0..<n {
                    _ = try header(expected: .lineString, parentHasZ: z)
                    out.append(Polyline(try points("line point")))
                }
                return .multiLineString(out)
            case .multiPolygon:
                let z = hasZ
                let n = try count("MultiPolygon member", minItemSize: 9)
                var out = [Polygon]()
                out.reserveCapacity(n)
                for _ in 0..<n {
                    _ = try header(expected: .polygon, parentHasZ: z)
                    out.append(try polygon())
                }
                return .multiPolygon(MultiPolygon(out))
            }
        }
    }
}
