import CityModel
import Foundation
import Geometry

/// One feature read from a GeoJSON FeatureCollection.
public struct GeoJSONFeature: Sendable {
    /// The feature's `id` member, if any.
    public var id: JSONValue?
    /// The geometry in the file's CRS (nil for a null geometry).
    public var shape: Shape?
    public var properties: [String: JSONValue]
    /// 0-based position in the collection.
    public var index: Int
    /// The file and the line where the feature starts.
    public var location: SourceLocation
}

/// GeoJSON (RFC 7946) reading and writing.
///
/// Reading streams: features are parsed and handed over one at a time, so a file of any size needs
/// memory for one feature only. Files without a `crs` member are WGS 84 longitude/latitude, as RFC
/// 7946 requires; the older `crs` member (`urn:ogc:def:crs:EPSG::4547`, as QGIS writes for other
/// CRSs) is honoured when it comes before `features`.
public enum GeoJSON {
    /// Reads a FeatureCollection, calling `body` for each feature in order; returns the file's CRS.
    ///
    /// Errors: `.syntax` (malformed JSON, with its line), `.unsupportedFormat` (not a
    /// FeatureCollection), `.unknownCRS`, `.invalidGeometry` (bad coordinates; with the feature).
    @discardableResult
    public static func readFeatures(path: String, _ body: (GeoJSONFeature, CRS) throws -> Void) throws -> CRS {
        let src = try ByteSource(path: path)
        let p = JSONStreamParser(src)
        var crs = CRS.wgs84
        var sawFeatures = false
        var type: String?
        try p.expect(UInt8(ascii: "{"))
        if !p.accept(UInt8(ascii: "}")) {
            repeat {
                let key = try p.parseKey()
                switch key {
                case "features":
                    sawFeatures = true
                    try p.expect(UInt8(ascii: "["))
                    if p.accept(UInt8(ascii: "]")) { break }
                    var index = 0
                    repeat {
                        src.skipSpace()
                        let loc = SourceLocation(file: path, line: src.line, feature: "feature \(index)")
                        let v = try p.parseValue()
                        try body(try feature(v, index: index, at: loc), crs)
                        index += 1
                    } while p.accept(UInt8(ascii: ","))
                    try p.expect(UInt8(ascii: "]"))
                case "crs":
                    let loc = src.location()
                    let v = try p.parseValue()
                    if sawFeatures { throw InputError(.unsupportedFormat, "the 'crs' member must come before 'features'", at: loc) }
                    crs = try parseCRSMember(v, at: loc)
                case "type":
                    let loc = src.location()
                    guard case .string(let t) = try p.parseValue() else { throw InputError(.syntax, "'type' must be a string", at: loc) }
                    type = t
                    if t != "FeatureCollection" {
                        throw InputError(.unsupportedFormat, "GeoJSON type is '\(t)'; a layer file must be a FeatureCollection", at: loc)
                    }
                default:
                    _ = try p.parseValue()
                }
            } while p.accept(UInt8(ascii: ","))
            try p.expect(UInt8(ascii: "}"))
        }
        try p.expectEnd()
        if type == nil { throw InputError(.unsupportedFormat, "not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\")", at: SourceLocation(file: path)) }
        return crs
    }

    /// The CRS named by a legacy `crs` member.
    static func parseCRSMember(_ v: JSONValue, at loc: SourceLocation) throws -> CRS {
        guard case .object(let o) = v, case .object(let props)? = o["properties"], case .string(let name)? = props["name"] else {
            throw InputError(.unknownCRS, "'crs' member is not of the form {\"type\":\"name\",\"properties\":{\"name\":…}}", at: loc)
        }
        if name.hasSuffix("CRS84") || name.hasSuffix("CRS:84") { return .wgs84 }
        // urn:ogc:def:crs:EPSG::4547, urn:ogc:def:crs:EPSG:9.9:4547, EPSG:4547
        if let last = name.split(separator: ":").last, let code = Int(last), name.uppercased().contains("EPSG") {
            return CRS.epsg(code)
        }
        throw InputError(.unknownCRS, "unknown CRS name '\(name)' in the 'crs' member", at: loc)
    }

    static func feature(_ v: JSONValue, index: Int, at loc: SourceLocation) throws -> GeoJSONFeature {
        guard case .object(let o) = v else { throw InputError(.syntax, "a feature must be a JSON object", at: loc) }
        guard case .string("Feature")? = o["type"] else { throw InputError(.syntax, "member 'type' must be \"Feature\"", at: loc) }
        var props: [String: JSONValue] = [:]
        switch o["properties"] {
        case .object(let p)?: props = p
        case .null?, nil: break
        default: throw InputError(.syntax, "'properties' must be an object or null", at: loc)
        }
        var featureLoc = loc
        if case .string(let s)? = props["id"] ?? o["id"] { featureLoc.feature = "feature \(index) (id \(s))" }
        else if case .number(let d)? = props["id"] ?? o["id"] { featureLoc.feature = "feature \(index) (id \(JSONValue.number(d)))" }
        let shape: Shape?
        switch o["geometry"] {
        case .null?: shape = nil
        case let g?: shape = try geometry(g, at: featureLoc)
        case nil: throw InputError(.syntax, "feature has no 'geometry' member (use null for none)", at: featureLoc)
        }
        return GeoJSONFeature(id: o["id"], shape: shape, properties: props, index: index, location: featureLoc)
    }

    /// A GeoJSON geometry object as a shape. A third ordinate (height) is dropped.
    public static func geometry(_ v: JSONValue, at loc: SourceLocation) throws -> Shape {
        func fail(_ m: String) -> InputError { InputError(.invalidGeometry, m, at: loc) }
        func position(_ v: JSONValue) throws -> Coordinate {
            guard case .array(let a) = v, a.count >= 2, case .number(let x) = a[0], case .number(let y) = a[1] else {
                throw fail("a position must be an array of two or three numbers")
            }
            return Coordinate(x, y)
        }
        func positions(_ v: JSONValue) throws -> [Coordinate] {
            guard case .array(let a) = v else { throw fail("expected an array of positions") }
            return try a.map(position)
        }
        func ring(_ v: JSONValue) throws -> [Coordinate] {
            let r = try positions(v)
            guard r.count >= 4 else { throw fail("a polygon ring needs at least 4 positions, this one has \(r.count)") }
            guard r.first == r.last else { throw fail("a polygon ring must end where it starts") }
            return r
        }
        func polygon(_ v: JSONValue) throws -> Polygon {
            guard case .array(let rs) = v, !rs.isEmpty else { throw fail("a polygon needs at least one ring") }
            let rings = try rs.map(ring)
            return Polygon(exterior: rings[0], holes: Array(rings.dropFirst()))
        }
        func array(_ v: JSONValue?) throws -> [JSONValue] {
            guard case .array(let a)? = v else { throw fail("'coordinates' must be an array") }
            return a
        }
        guard case .object(let o) = v, case .string(let type)? = o["type"] else { throw fail("a geometry must be an object with a 'type'") }
        let coords = o["coordinates"]
        switch type {
        case "Point": return .point(try position(coords ?? .null))
        case "MultiPoint": return .multiPoint(try positions(coords ?? .null))
        case "LineString":
            let l = try positions(coords ?? .null)
            guard l.count >= 2 else { throw fail("a LineString needs at least 2 positions") }
            return .lineString(Polyline(l))
        case "MultiLineString": return .multiLineString(try array(coords).map { Polyline(try positions($0)) })
        case "Polygon": return .polygon(try polygon(coords ?? .null))
        case "MultiPolygon": return .multiPolygon(MultiPolygon(try array(coords).map(polygon)))
        case "GeometryCollection": throw InputError(.unsupportedGeometry, "GeometryCollection is not supported in model layers", at: loc)
        default: throw fail("unknown geometry type '\(type)'")
        }
    }

    /// A shape as a GeoJSON geometry object. Polygon rings are written by the right-hand rule
    /// (exterior counter-clockwise, holes clockwise) as RFC 7946 asks.
    public static func geometryJSON(_ s: Shape) -> JSONValue {
        func pos(_ c: Coordinate) -> JSONValue { .array([.number(c.x), .number(c.y)]) }
        func line(_ cs: [Coordinate]) -> JSONValue { .array(cs.map(pos)) }
        func oriented(_ r: [Coordinate], ccw: Bool) -> [Coordinate] { (Polygon.signedArea(r) > 0) == ccw ? r : r.reversed() }
        func poly(_ p: Polygon) -> JSONValue {
            .array([line(oriented(p.exterior, ccw: true))] + p.holes.map { line(oriented($0, ccw: false)) })
        }
        let (type, coords): (String, JSONValue)
        switch s {
        case .point(let c): (type, coords) = ("Point", pos(c))
        case .multiPoint(let cs): (type, coords) = ("MultiPoint", line(cs))
        case .lineString(let l): (type, coords) = ("LineString", line(l.points))
        case .multiLineString(let ls): (type, coords) = ("MultiLineString", .array(ls.map { line($0.points) }))
        case .polygon(let p): (type, coords) = ("Polygon", poly(p))
        case .multiPolygon(let m): (type, coords) = ("MultiPolygon", .array(m.polygons.map(poly)))
        }
        return .object(["type": .string(type), "coordinates": coords])
    }
}

/// Writes a GeoJSON FeatureCollection feature by feature to a temporary file beside the target,
/// renamed into place by `finish()`. A writer that is dropped unfinished removes its temporary file,
/// so a failed export never leaves a partial file.
public final class GeoJSONWriter {
    public let path: String
    private let tmp: String
    private var handle: UnsafeMutablePointer<FILE>?
    private var count = 0

    /// - Parameter crs: nil for RFC 7946 output (WGS 84 longitude/latitude, no `crs` member);
    ///   otherwise the CRS the coordinates are in, written as a legacy `crs` member.
    public init(path: String, crs: CRS? = nil, name: String? = nil) throws {
        self.path = path
        tmp = path + ".tmp-\(getpid())"
        guard let h = fopen(tmp, "wb") else {
            throw InputError(.writeFailed, "cannot create: \(String(cString: strerror(errno)))", at: SourceLocation(file: path))
        }
        handle = h
        var w = JSONTextWriter()
        w.out = "{\"type\":\"FeatureCollection\""
        if let name { w.out += ",\"name\":"; w.string(name) }
        if let crs, crs != .wgs84 {
            let urn = crs.epsgCode.map { "urn:ogc:def:crs:EPSG::\($0)" } ?? crs.identifier
            w.out += ",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"; w.string(urn); w.out += "}}"
        }
        w.out += ",\"features\":["
        try put(w.out)
    }

    deinit {
        if let handle { fclose(handle); unlink(tmp) }
    }

    private func put(_ s: String) throws {
        guard let handle else { throw InputError(.writeFailed, "writer already finished", at: SourceLocation(file: path)) }
        let n = s.utf8.count
        let written = s.utf8.withContiguousStorageIfAvailable { fwrite($0.baseAddress, 1, n, handle) } ?? {
            let a = Array(s.utf8); return fwrite(a, 1, n, handle)
        }()
        guard written == n else { throw InputError(.writeFailed, "write failed: \(String(cString: strerror(errno)))", at: SourceLocation(file: path)) }
    }

    /// Appends one feature: `properties` in the given order, `id` also written as the feature id.
    public func write(id: String?, shape: Shape?, properties: [(String, JSONValue)]) throws {
        var w = JSONTextWriter()
        w.out = count == 0 ? "\n" : ",\n"
        w.out += "{\"type\":\"Feature\""
        if let id { w.out += ",\"id\":"; w.string(id) }
        w.out += ",\"geometry\":"
        if let shape { try w.value(GeoJSON.geometryJSON(shape)) } else { w.out += "null" }
        w.out += ",\"properties\":"
        try w.object(properties)
        w.out += "}"
        try put(w.out)
        count += 1
    }

    /// Closes the collection and moves the file into place.
    public func finish() throws {
        try put("\n]}\n")
        guard let h = handle else { return }
        handle = nil
        guard fclose(h) == 0, rename(tmp, path) == 0 else {
            let m = String(cString: strerror(errno)); unlink(tmp)
            throw InputError(.writeFailed, "cannot finish: \(m)", at: SourceLocation(file: path))
        }
    }
}
