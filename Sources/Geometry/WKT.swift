/// Well-Known Text (OGC Simple Features 1.2.1, §7) for the six 2D geometry types of `Shape`.
///
/// **Formatting** writes GEOS/PostGIS style, e.g. `POLYGON ((0 0, 10 0, 10 10, 0 0), (…))` and
/// `MULTIPOINT ((1 2), (3 4))`. Numbers use Swift's shortest round-trip representation (`1.5`,
/// `0.1`, `1e-05`; integral values without `.0`), so `parse(format(s))` gives back exactly the same
/// bits (lossless). Non-finite ordinates are written `nan`, `inf`, `-inf` (not OGC, but they
/// round-trip).
///
/// **Empty geometries**, where `Shape` can represent them:
/// - `POINT EMPTY` ⇄ `.point` with both ordinates NaN (the WKB convention for an empty point); the
///   same inside a multipoint (`MULTIPOINT (EMPTY, (1 2))`).
/// - `LINESTRING EMPTY` ⇄ a `Polyline` with no points; `POLYGON EMPTY` ⇄ a `Polygon` with an empty
///   exterior and no holes; `MULTI… EMPTY` ⇄ a multi-geometry with no members; `EMPTY` members
///   of multi-geometries likewise.
///
/// **Parsing** is case-insensitive and whitespace-tolerant. It accepts both multipoint forms
/// (`MULTIPOINT ((1 2), (3 4))` and `MULTIPOINT (1 2, 3 4)`), and a `Z` tag (`POINT Z (1 2 3)`),
/// dropping the third ordinate — the same decision as `WKB.decode`. `M`/`ZM` tags, EWKT `SRID=…;`
/// prefixes and `GEOMETRYCOLLECTION` are refused with `.unsupportedGeometry`; anything else that
/// is not well-formed with `.syntax`, giving the character offset (0-based) and what was expected.
/// Ring closure and other validity rules are not checked here (see `GeosContext.isValid`).
/// Both directions are O(length).
public enum WKT {
    // MARK: Formatting

    /// The WKT of `s`.
    public static func format(_ s: Shape) -> String {
        var o = ""
        o.reserveCapacity(32 + 24 * s.allCoordinates.count)
        switch s {
        case .point(let c):
            o += "POINT "
            pointBody(c, &o)
        case .multiPoint(let cs):
            o += "MULTIPOINT "
            list(cs, &o) { c, o in pointBody(c, &o) }
        case .lineString(let l):
            o += "LINESTRING "
            coords(l.points, &o)
        case .multiLineString(let ls):
            o += "MULTILINESTRING "
            list(ls, &o) { l, o in coords(l.points, &o) }
        case .polygon(let p):
            o += "POLYGON "
            polygonBody(p, &o)
        case .multiPolygon(let m):
            o += "MULTIPOLYGON "
            list(m.polygons, &o) { p, o in polygonBody(p, &o) }
        }
        return o
    }

    /// Shortest round-trip text of `v`: Swift's `description` without a trailing `.0`.
    public static func number(_ v: Double) -> String {
        let d = v.description
        return d.hasSuffix(".0") ? String(d.dropLast(2)) : d
    }

    private static func isEmptyPoint(_ c: Coordinate) -> Bool { c.x.isNaN && c.y.isNaN }

    private static func pointBody(_ c: Coordinate, _ o: inout String) {
        if isEmptyPoint(c) { o += "EMPTY"; return }
        o += "("; o += number(c.x); o += " "; o += number(c.y); o += ")"
    }

    private static func coords(_ cs: [Coordinate], _ o: inout String) {
        if cs.isEmpty { o += "EMPTY"; return }
        o += "("
        for (i, c) in cs.enumerated() {
            if i > 0 { o += ", " }
            o += number(c.x); o += " "; o += number(c.y)
        }
        o += ")"
    }

    private static func polygonBody(_ p: Polygon, _ o: inout String) {
        if p.exterior.isEmpty && p.holes.isEmpty { o += "EMPTY"; return }
        list(p.rings, &o) { r, o in coords(r, &o) }
    }

    private static func list<T>(_ items: [T], _ o: inout String, _ item: (T, inout String) -> Void) {
        if items.isEmpty { o += "EMPTY"; return }
        o += "("
        for (i, t) in items.enumerated() {
            if i > 0 { o += ", " }
            item(t, &o)
        }
        o += ")"
    }

    // MARK: Parsing

    /// The shape described by `text`.
    /// - Throws: `InputError` `.syntax` (with the character offset) or `.unsupportedGeometry`.
    public static func parse(_ text: String) throws -> Shape {
        var t = text
        return try t.withUTF8 { buf in
            var p = Parser(s: buf)
            let shape = try p.shape()
            p.skipSpace()
            if p.i < buf.count { throw p.error("end of text") }
            return shape
        }
    }

    private struct Parser {
        let s: UnsafeBufferPointer<UInt8>
        var i = 0
        var hasZ = false

        init(s: UnsafeBufferPointer<UInt8>) { self.s = s }

        mutating func skipSpace() {
            while i < s.count, s[i] == 0x20 || s[i] == 0x09 || s[i] == 0x0A || s[i] == 0x0D { i += 1 }
        }

        func error(_ expected: String) -> InputError {
            let found: String
            if i >= s.count { found = "end of text" } else {
                let end = min(s.count, i + 12)
                found = "'" + String(decoding: UnsafeBufferPointer(rebasing: s[i..<end]), as: UTF8.self) + (end < s.count ? "…'" : "'")
            }
            return InputError(.syntax, "WKT: expected \(expected) at offset \(i), found \(found)")
        }

        /// The next run of letters, upper-cased (empty if none).
        mutating func word() -> String {
            skipSpace()
            let start = i
            while i < s.count, (s[i] | 0x20) >= 0x61, (s[i] | 0x20) <= 0x7A { i += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: s[start..<i]), as: UTF8.self).uppercased()
        }

        mutating func peek(_ ch: UInt8) -> Bool {
            skipSpace()
            return i < s.count && s[i] == ch
        }

        mutating func expect(_ ch: UInt8) throws {
            guard peek(ch) else { throw error("'\(Character(Unicode.Scalar(ch)))'") }
            i += 1
        }

        /// True (and consumed) if the next word is EMPTY; otherwise consumes "(".
        mutating func openOrEmpty() throws -> Bool {
            if peek(0x28) { i += 1; return false }
            let save = i
            if word() == "EMPTY" { return true }
            i = save
            throw error("'(' or EMPTY")
        }

        /// After one item: true if a "," follows (consumed), false on ")" (consumed).
        mutating func more() throws -> Bool {
            if peek(0x2C) { i += 1; return true }
            if peek(0x29) { i += 1; return false }
            throw error("',' or ')'")
        }

        mutating func number() throws -> Double {
            skipSpace()
            let start = i
            while i < s.count {
                let c = s[i]
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x2C || c == 0x28 || c == 0x29 { break }
                i += 1
            }
            let tok = String(decoding: UnsafeBufferPointer(rebasing: s[start..<i]), as: UTF8.self)
            guard !tok.isEmpty, let v = Double(tok) else { i = start; throw error("a number") }
            return v
        }

        mutating func coordinate() throws -> Coordinate {
            let x = try number(), y = try number()
            if hasZ { _ = try number() }
            return Coordinate(x, y)
        }

        /// "(x y, x y, …)" or EMPTY.
        mutating func coordinateList() throws -> [Coordinate] {
            if try openOrEmpty() { return [] }
            var out: [Coordinate] = []
            repeat { out.append(try coordinate()) } while try more()
            return out
        }

        mutating func polygon() throws -> Polygon {
            if try openOrEmpty() { return Polygon(exterior: []) }
            var rings: [[Coordinate]] = []
            repeat { rings.append(try coordinateList()) } while try more()
            return Polygon(exterior: rings[0], holes: Array(rings.dropFirst()))
        }

        /// A point inside a multipoint: "(x y)", "x y" or EMPTY.
        mutating func multiPointMember() throws -> Coordinate {
            if peek(0x28) {
                i += 1
                let c = try coordinate()
                try expect(0x29)
                return c
            }
            let save = i
            if word() == "EMPTY" { return Coordinate(.nan, .nan) }
            i = save
            return try coordinate()
        }

        mutating func multi<T>(_ item: (inout Parser) throws -> T) throws -> [T] {
            if try openOrEmpty() { return [] }
            var out: [T] = []
            repeat { out.append(try item(&self)) } while try more()
            return out
        }

        mutating func shape() throws -> Shape {
            let start = i
            let type = word()
            if type == "SRID" {
                throw InputError(.unsupportedGeometry, "WKT: EWKT 'SRID=…;' prefix at offset \(start) is not supported")
            }
            let known = ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"]
            if type == "GEOMETRYCOLLECTION" || type == "TRIANGLE" || type == "TIN" || type == "POLYHEDRALSURFACE"
                || type.hasPrefix("CIRCULAR") || type.hasPrefix("COMPOUND") || type.hasPrefix("CURVE") {
                throw InputError(.unsupportedGeometry, "WKT: \(type) at offset \(start) is not supported")
            }
            // A dimension tag, either separate (POINT Z) or glued on (POINTZ).
            var tag = ""
            var base = type
            if !known.contains(type) {
                for suffix in ["ZM", "Z", "M"] where type.hasSuffix(suffix) && known.contains(String(type.dropLast(suffix.count))) {
                    base = String(type.dropLast(suffix.count)); tag = suffix; break
                }
                guard tag != "" else { i = start; throw error("a geometry type") }
            } else {
                let save = i
                let w = word()
                if w == "Z" || w == "M" || w == "ZM" { tag = w } else { i = save }
            }
            switch tag {
            case "Z": hasZ = true
            case "": hasZ = false
            default: throw InputError(.unsupportedGeometry, "WKT: \(base) \(tag) at offset \(start) is not supported (2D, or Z which is dropped)")
            }
            switch base {
            case "POINT":
                if try openOrEmpty() { return .point(Coordinate(.nan, .nan)) }
                let c = try coordinate()
                try expect(0x29)
                return .point(c)
            case "LINESTRING":
                return .lineString(Polyline(try coordinateList()))
            case "POLYGON":
                return .polygon(try polygon())
            case "MULTIPOINT":
                return .multiPoint(try multi { try $0.multiPointMember() })
            case "MULTILINESTRING":
                return .multiLineString(try multi { Polyline(try $0.coordinateList()) })
            default:
                return .multiPolygon(MultiPolygon(try multi { try $0.polygon() }))
            }
        }
    }
}
