import CGEOS

/// Collects the last error GEOS reported on one context (through its `_r` message handler).
final class GeosMessageSink { var lastError: String? }

/// A GEOS context: the bridge to GEOS (3.11) for robust planar operations on `Shape` values —
/// validity, make-valid, buffer, overlay (intersection, union), area, length and predicates.
///
/// **Threads.** A GEOS context must only be used by one thread at a time, so this class is
/// deliberately not `Sendable`: create one per thread or task, or use `forCurrentThread`.
///
/// **Conversion.** Shapes are converted to GEOS geometries directly through coordinate sequences
/// (`GEOSCoordSeq_copyFromBuffer_r`, no text), and results are read back the same way. Every GEOS
/// geometry made for a call is destroyed before the call returns, exactly once; constructors such
/// as `GEOSGeom_createPolygon_r` take ownership of their parts even when they fail (GEOS ticket
/// #1111), so parts are destroyed by this code only while they are still unowned. Cost of a call:
/// O(n) to convert n coordinates each way, plus the GEOS operation (overlay: O(n log n) typical).
///
/// **Results** use `Shape`'s cases. Empty points come back with NaN ordinates, like `WKT`'s
/// `POINT EMPTY`. A GEOS `GeometryCollection` result (e.g. polygon ∩ polygon touching along an edge
/// as well as overlapping) keeps only its parts of the highest dimension, since `Shape` has no
/// collection case; an empty collection becomes an empty `MultiPolygon`. Linear rings read back
/// as line strings.
///
/// **Units.** Lengths, distances and areas are in the units of the shapes' CRS (and their
/// square): metres and m² for a projected CRS. Do not measure in degrees.
///
/// **Errors** are `InputError(.invalidGeometry, <GEOS's message>)`, e.g.
/// `IllegalArgumentException: Points of LinearRing do not form a closed linestring`.
public final class GeosContext {
    let handle: GEOSContextHandle_t
    private let sink = GeosMessageSink()

    public init() {
        guard let h = GEOS_init_r() else { fatalError("GEOS_init_r failed (out of memory)") }
        handle = h
        // GEOSMessageHandler_r has no varargs, so a capture-less closure can be the C callback.
        _ = GEOSContext_setErrorMessageHandler_r(handle, { msg, userData in
            guard let msg, let userData else { return }
            Unmanaged<GeosMessageSink>.fromOpaque(userData).takeUnretainedValue().lastError = String(cString: msg)
        }, Unmanaged.passUnretained(sink).toOpaque())
    }

    deinit { GEOS_finish_r(handle) }

    /// This thread's context, created on first use and released when the thread ends. Use it in
    /// synchronous code only: do not keep it across an `await` (the task may resume on another
    /// thread, whose own code may then use the same context concurrently).
    public static var forCurrentThread: GeosContext {
        ThreadLocal.value("CityTwin.Geometry.GeosContext") { GeosContext() }
    }

    // MARK: Validity

    /// Whether `s` is valid in the OGC sense (closed, simple rings; holes inside their shell; …).
    /// A shape GEOS cannot even build (an unclosed ring, a ring of fewer than 4 points, a line of
    /// one point) is invalid too.
    public func isValid(_ s: Shape) throws -> Bool {
        try validityReason(s) == nil
    }

    /// Why `s` is invalid, in GEOS's words with the location, e.g. `Self-intersection[5 5]`;
    /// nil when valid. For a shape GEOS cannot build, the construction error.
    public func validityReason(_ s: Shape) throws -> String? {
        let g: OpaquePointer
        do { g = try geometry(s) } catch let e as InputError { return e.message }
        defer { GEOSGeom_destroy_r(handle, g) }
        switch GEOSisValid_r(handle, g) {
        case 1: return nil
        case 0:
            guard let c = GEOSisValidReason_r(handle, g) else { throw failure("isValidReason") }
            defer { GEOSFree_r(handle, c) }
            return String(cString: c)
        default: throw failure("isValid")
        }
    }

    /// A valid version of `s` (GEOS `MakeValid`, "linework" method): a bow-tie becomes two
    /// triangles, and so on. Unclosed rings are closed first (the first point is appended), since
    /// GEOS cannot build them at all. The result may change type (a polygon can become a
    /// multipolygon) and keeps only its highest-dimension parts (see the class notes).
    public func makeValid(_ s: Shape) throws -> Shape {
        try unary(s.closingRings()) { GEOSMakeValid_r($0, $1) }
    }

    // MARK: Constructive operations

    /// The area within `distance` of `s` (CRS units; negative shrinks polygons), with
    /// `quadrantSegments` segments per quarter circle approximating round joins and caps.
    public func buffer(_ s: Shape, distance: Double, quadrantSegments: Int = 8) throws -> Shape {
        try unary(s) { GEOSBuffer_r($0, $1, distance, Int32(clamping: quadrantSegments)) }
    }

    /// The point set common to `a` and `b`.
    public func intersection(_ a: Shape, _ b: Shape) throws -> Shape {
        try binary(a, b) { GEOSIntersection_r($0, $1, $2) }
    }

    /// The point set in `a` or `b` (dissolved: shared boundaries disappear).
    public func union(_ a: Shape, _ b: Shape) throws -> Shape {
        try binary(a, b) { GEOSUnion_r($0, $1, $2) }
    }

    /// The union of all `shapes` in one pass (cascaded union: much faster than folding `union`).
    /// No shapes give an empty `MultiPolygon`.
    public func unaryUnion(_ shapes: [Shape]) throws -> Shape {
        if shapes.isEmpty { return .multiPolygon(MultiPolygon([])) }
        var parts: [OpaquePointer?] = []
        parts.reserveCapacity(shapes.count)
        do {
            for s in shapes { parts.append(try geometry(s)) }
        } catch {
            for p in parts { GEOSGeom_destroy_r(handle, p) }
            throw error
        }
        // Ownership of the parts passes to the collection, even if its creation fails.
        let n = UInt32(parts.count)
        let coll = try parts.withUnsafeMutableBufferPointer {
            try check(GEOSGeom_createCollection_r(handle, Int32(GEOS_GEOMETRYCOLLECTION.rawValue), $0.baseAddress, n), "createCollection")
        }
        defer { GEOSGeom_destroy_r(handle, coll) }
        let u = try check(GEOSUnaryUnion_r(handle, coll), "unaryUnion")
        defer { GEOSGeom_destroy_r(handle, u) }
        return try shape(u)
    }

    // MARK: Measures and predicates

    /// Planar area in CRS units squared (0 for points and lines).
    public func area(_ s: Shape) throws -> Double {
        try measure(s, "area") { GEOSArea_r($0, $1, $2) }
    }

    /// Planar length in CRS units: line length, or polygon perimeter (all rings).
    public func length(_ s: Shape) throws -> Double {
        try measure(s, "length") { GEOSLength_r($0, $1, $2) }
    }

    /// Whether `a` and `b` share at least one point (boundaries included).
    public func intersects(_ a: Shape, _ b: Shape) throws -> Bool {
        try predicate(a, b, "intersects") { GEOSIntersects_r($0, $1, $2) }
    }

    /// Whether `b` lies in `a` with no point of `b` outside `a` and at least one interior point of
    /// `b` inside `a`'s interior (so a polygon does not contain a line along its boundary).
    public func contains(_ a: Shape, _ b: Shape) throws -> Bool {
        try predicate(a, b, "contains") { GEOSContains_r($0, $1, $2) }
    }

    // MARK: Plumbing

    private func failure(_ what: String) -> InputError {
        defer { sink.lastError = nil }
        return InputError(.invalidGeometry, sink.lastError ?? "GEOS \(what) failed")
    }

    /// `p` as an owned geometry, or the error GEOS reported for a NULL.
    private func check(_ p: OpaquePointer?, _ what: String) throws -> OpaquePointer {
        guard let p else { throw failure(what) }
        return p
    }

    private func unary(_ s: Shape, _ op: (GEOSContextHandle_t, OpaquePointer) -> OpaquePointer?) throws -> Shape {
        let g = try geometry(s)
        defer { GEOSGeom_destroy_r(handle, g) }
        let r = try check(op(handle, g), "operation")
        defer { GEOSGeom_destroy_r(handle, r) }
        return try shape(r)
    }

    private func binary(_ a: Shape, _ b: Shape, _ op: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> Shape {
        let ga = try geometry(a)
        defer { GEOSGeom_destroy_r(handle, ga) }
        let gb = try geometry(b)
        defer { GEOSGeom_destroy_r(handle, gb) }
        let r = try check(op(handle, ga, gb), "overlay")
        defer { GEOSGeom_destroy_r(handle, r) }
        return try shape(r)
    }

    private func measure(_ s: Shape, _ what: String,
                         _ op: (GEOSContextHandle_t, OpaquePointer, UnsafeMutablePointer<Double>) -> Int32) throws -> Double {
        let g = try geometry(s)
        defer { GEOSGeom_destroy_r(handle, g) }
        var v = 0.0
        guard op(handle, g, &v) == 1 else { throw failure(what) }
        return v
    }

    private func predicate(_ a: Shape, _ b: Shape, _ what: String,
                           _ op: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        let ga = try geometry(a)
        defer { GEOSGeom_destroy_r(handle, ga) }
        let gb = try geometry(b)
        defer { GEOSGeom_destroy_r(handle, gb) }
        switch op(handle, ga, gb) {
        case 1: return true
        case 0: return false
        default: throw failure(what)                    // 2 = exception
        }
    }
}

// MARK: - Shape → GEOS

extension GeosContext {
    /// A new GEOS geometry for `s`, owned by the caller (destroy with `GEOSGeom_destroy_r`).
    func geometry(_ s: Shape) throws -> OpaquePointer {
        switch s {
        case .point(let c): return try point(c)
        case .lineString(let l): return try lineString(l.points)
        case .polygon(let p): return try polygon(p)
        case .multiPoint(let cs): return try collection(GEOS_MULTIPOINT, cs, point)
        case .multiLineString(let ls): return try collection(GEOS_MULTILINESTRING, ls) { try lineString($0.points) }
        case .multiPolygon(let m): return try collection(GEOS_MULTIPOLYGON, m.polygons, polygon)
        }
    }

    private func point(_ c: Coordinate) throws -> OpaquePointer {
        if c.x.isNaN && c.y.isNaN { return try check(GEOSGeom_createEmptyPoint_r(handle), "createEmptyPoint") }
        return try check(GEOSGeom_createPointFromXY_r(handle, c.x, c.y), "createPoint")
    }

    /// A new coordinate sequence (owned by the caller until handed to a constructor).
    private func sequence(_ cs: [Coordinate]) throws -> OpaquePointer {
        if cs.isEmpty { return try check(GEOSCoordSeq_create_r(handle, 0, 2), "CoordSeq_create") }
        guard let n = UInt32(exactly: cs.count) else { throw InputError(.invalidGeometry, "\(cs.count) coordinates are too many for GEOS") }
        return try cs.withInterleavedDoubles {
            try check(GEOSCoordSeq_copyFromBuffer_r(handle, $0.baseAddress, n, 0, 0), "CoordSeq_copyFromBuffer")
        }
    }

    private func lineString(_ cs: [Coordinate]) throws -> OpaquePointer {
        let seq = try sequence(cs)
        return try check(GEOSGeom_createLineString_r(handle, seq), "createLineString")   // takes seq
    }

    private func ring(_ cs: [Coordinate]) throws -> OpaquePointer {
        let seq = try sequence(cs)
        return try check(GEOSGeom_createLinearRing_r(handle, seq), "createLinearRing")   // takes seq
    }

    private func polygon(_ p: Polygon) throws -> OpaquePointer {
        if p.exterior.isEmpty && p.holes.isEmpty { return try check(GEOSGeom_createEmptyPolygon_r(handle), "createEmptyPolygon") }
        let shell = try ring(p.exterior)
        var holes: [OpaquePointer?] = []
        holes.reserveCapacity(p.holes.count)
        do {
            for h in p.holes { holes.append(try ring(h)) }
        } catch {
            GEOSGeom_destroy_r(handle, shell)
            for h in holes { GEOSGeom_destroy_r(handle, h) }
            throw error
        }
        // The polygon takes the shell and holes, even if it fails.
        let n = UInt32(holes.count)
        return try holes.withUnsafeMutableBufferPointer {
            try check(GEOSGeom_createPolygon_r(handle, shell, $0.baseAddress, n), "createPolygon")
        }
    }

    private func collection<T>(_ type: GEOSGeomTypes, _ items: [T], _ make: (T) throws -> OpaquePointer) throws -> OpaquePointer {
        let t = Int32(type.rawValue)
        if items.isEmpty { return try check(GEOSGeom_createEmptyCollection_r(handle, t), "createEmptyCollection") }
        var parts: [OpaquePointer?] = []
        parts.reserveCapacity(items.count)
        do {
            for item in items { parts.append(try make(item)) }
        } catch {
            for p in parts { GEOSGeom_destroy_r(handle, p) }
            throw error
        }
        let n = UInt32(parts.count)
        return try parts.withUnsafeMutableBufferPointer {                                // takes the parts
            try check(GEOSGeom_createCollection_r(handle, t, $0.baseAddress, n), "createCollection")
        }
    }
}

// MARK: - GEOS → Shape

extension GeosContext {
    /// The shape of a GEOS geometry (borrowed: not destroyed here).
    func shape(_ g: OpaquePointer) throws -> Shape {
        switch try typeID(g) {
        case GEOS_POINT: return .point(try pointCoordinate(g))
        case GEOS_LINESTRING, GEOS_LINEARRING: return .lineString(Polyline(try coordinates(g)))
        case GEOS_POLYGON: return .polygon(try polygon(g))
        case GEOS_MULTIPOINT: return .multiPoint(try members(g).map(pointCoordinate))
        case GEOS_MULTILINESTRING: return .multiLineString(try members(g).map { Polyline(try coordinates($0)) })
        case GEOS_MULTIPOLYGON: return .multiPolygon(MultiPolygon(try members(g).map(polygon)))
        default: return try flattenedCollection(g)
        }
    }

    private func typeID(_ g: OpaquePointer) throws -> GEOSGeomTypes {
        let t = GEOSGeomTypeId_r(handle, g)
        guard t >= 0 else { throw failure("GeomTypeId") }
        return GEOSGeomTypes(rawValue: UInt32(t))
    }

    /// Borrowed member geometries of a collection.
    private func members(_ g: OpaquePointer) throws -> [OpaquePointer] {
        let n = GEOSGetNumGeometries_r(handle, g)
        guard n >= 0 else { throw failure("GetNumGeometries") }
        return try (0..<n).map { try check(GEOSGetGeometryN_r(handle, g, $0), "GetGeometryN") }
    }

    private func pointCoordinate(_ g: OpaquePointer) throws -> Coordinate {
        if GEOSisEmpty_r(handle, g) == 1 { return Coordinate(.nan, .nan) }
        var x = 0.0, y = 0.0
        guard GEOSGeomGetX_r(handle, g, &x) == 1, GEOSGeomGetY_r(handle, g, &y) == 1 else { throw failure("GeomGetXY") }
        return Coordinate(x, y)
    }

    /// The coordinates of a line string or ring.
    private func coordinates(_ g: OpaquePointer) throws -> [Coordinate] {
        let seq = try check(GEOSGeom_getCoordSeq_r(handle, g), "getCoordSeq")     // borrowed
        var n: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(handle, seq, &n) == 1 else { throw failure("CoordSeq_getSize") }
        if n == 0 { return [] }
        var ok = true
        let cs = [Coordinate](interleavedCount: Int(n)) {
            ok = GEOSCoordSeq_copyToBuffer_r(handle, seq, $0.baseAddress, 0, 0) == 1
        }
        guard ok else { throw failure("CoordSeq_copyToBuffer") }
        return cs
    }

    private func polygon(_ g: OpaquePointer) throws -> Polygon {
        if GEOSisEmpty_r(handle, g) == 1 { return Polygon(exterior: []) }
        let shell = try coordinates(try check(GEOSGetExteriorRing_r(handle, g), "GetExteriorRing"))
        let n = GEOSGetNumInteriorRings_r(handle, g)
        guard n >= 0 else { throw failure("GetNumInteriorRings") }
        let holes = try (0..<n).map { try coordinates(try check(GEOSGetInteriorRingN_r(handle, g, $0), "GetInteriorRingN")) }
        return Polygon(exterior: shell, holes: holes)
    }

    /// A GeometryCollection reduced to its parts of the highest dimension.
    private func flattenedCollection(_ g: OpaquePointer) throws -> Shape {
        var points: [Coordinate] = [], lines: [Polyline] = [], polygons: [Polygon] = []
        func collect(_ g: OpaquePointer) throws {
            switch try shape(g) {
            case .point(let c): if !(c.x.isNaN && c.y.isNaN) { points.append(c) }
            case .multiPoint(let cs): points += cs
            case .lineString(let l): if !l.points.isEmpty { lines.append(l) }
            case .multiLineString(let ls): lines += ls
            case .polygon(let p): if !p.exterior.isEmpty { polygons.append(p) }
            case .multiPolygon(let m): polygons += m.polygons
            }
        }
        for m in try members(g) { try collect(m) }
        if !polygons.isEmpty { return polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(MultiPolygon(polygons)) }
        if !lines.isEmpty { return lines.count == 1 ? .lineString(lines[0]) : .multiLineString(lines) }
        if !points.isEmpty { return points.count == 1 ? .point(points[0]) : .multiPoint(points) }
        return .multiPolygon(MultiPolygon([]))
    }
}

extension Shape {
    /// The same shape with every polygon ring closed (its first point appended when the last differs).
    func closingRings() -> Shape {
        func close(_ r: [Coordinate]) -> [Coordinate] {
            guard let f = r.first, let l = r.last, f != l else { return r }
            return r + [f]
        }
        func poly(_ p: Polygon) -> Polygon { Polygon(exterior: close(p.exterior), holes: p.holes.map(close)) }
        switch self {
        case .polygon(let p): return .polygon(poly(p))
        case .multiPolygon(let m): return .multiPolygon(MultiPolygon(m.polygons.map(poly)))
        default: return self
        }
    }
}
