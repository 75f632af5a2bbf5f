import CPROJ

/// A coordinate reference system, named the way PROJ understands it: `"EPSG:4547"` (the usual
/// form), another `AUTHORITY:CODE`, a PROJ string or WKT. Coded as that single string in JSON and
/// YAML (`"crs": "EPSG:4547"`).
///
/// Whatever axis order the CRS defines, CityTwin's coordinates are always x = easting/longitude,
/// y = northing/latitude (see `CoordinateTransformer`).
public struct CRS: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The definition passed to PROJ, e.g. `"EPSG:4547"`.
    public var identifier: String

    public init(_ identifier: String) { self.identifier = identifier }

    /// The CRS with this EPSG code (`"EPSG:<code>"`).
    public static func epsg(_ code: Int) -> CRS { CRS("EPSG:\(code)") }

    /// WGS 84 geographic, longitude/latitude in degrees (EPSG:4326).
    public static let wgs84 = CRS.epsg(4326)

    /// The EPSG code when the identifier is `EPSG:<code>` (any case, surrounding spaces allowed).
    public var epsgCode: Int? {
        let parts = identifier.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].trimmingSpaces.uppercased() == "EPSG" else { return nil }
        return Int(parts[1].trimmingSpaces)
    }

    public var description: String { identifier }

    public init(from decoder: any Decoder) throws {
        identifier = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(identifier)
    }

    /// What PROJ's database says about this CRS: its name (`"CGCS2000 / 3-degree Gauss-Kruger
    /// CM 114E"`), whether it is geographic (angles: latitude/longitude), and the unit of its first
    /// horizontal axis (`"metre"`, `"degree"`, `"US survey foot"`). A bound or compound CRS is
    /// described by its horizontal (source, first) component. Costs a PROJ context and a database
    /// lookup (a few ms): cache the answer if it is needed often.
    /// - Throws: `InputError(.unknownCRS, …)` when PROJ does not know the identifier or it is not a CRS.
    public func info() throws -> (name: String, isGeographic: Bool, unitName: String) {
        let ctx = ProjContext()
        ctx.sink.last = nil
        guard var crs = proj_create(ctx.ctx, identifier) else { throw ctx.unknown(self) }
        defer { proj_destroy(crs) }
        guard proj_is_crs(crs) == 1 else {
            throw InputError(.unknownCRS, "\(identifier) is not a coordinate reference system")
        }
        let name = proj_get_name(crs).map { String(cString: $0) } ?? identifier
        // Walk to the horizontal component: BoundCRS → source, CompoundCRS → first sub-CRS.
        var owned: [OpaquePointer] = []
        defer { owned.forEach { proj_destroy($0) } }
        while true {
            let t = proj_get_type(crs)
            let next: OpaquePointer?
            if t == PJ_TYPE_BOUND_CRS { next = proj_get_source_crs(ctx.ctx, crs) }
            else if t == PJ_TYPE_COMPOUND_CRS { next = proj_crs_get_sub_crs(ctx.ctx, crs, 0) }
            else { break }
            guard let next else { break }
            owned.append(next)
            crs = next
        }
        let t = proj_get_type(crs)
        let geographic = t == PJ_TYPE_GEOGRAPHIC_CRS || t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS
        var unit = ""
        if let cs = proj_crs_get_coordinate_system(ctx.ctx, crs) {
            defer { proj_destroy(cs) }
            var unitName: UnsafePointer<CChar>?
            if proj_cs_get_axis_info(ctx.ctx, cs, 0, nil, nil, nil, nil, &unitName, nil, nil) == 1, let unitName {
                unit = String(cString: unitName)
            }
        }
        return (name, geographic, unit)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

// MARK: - PROJ context

/// Collects PROJ's log messages for one context (its only source of readable error text).
final class ProjLogSink { var last: String? }

/// A PROJ context (`PJ_CONTEXT`): one per thread; every PJ made from it belongs to it. Errors are
/// captured from PROJ's log instead of being printed.
final class ProjContext {
    let ctx: OpaquePointer
    let sink = ProjLogSink()

    init() {
        ctx = proj_context_create()
        _ = proj_log_level(ctx, PJ_LOG_ERROR)
        proj_log_func(ctx, Unmanaged.passUnretained(sink).toOpaque()) { userData, _, msg in
            guard let userData, let msg else { return }
            let s = Unmanaged<ProjLogSink>.fromOpaque(userData).takeUnretainedValue()
            let m = String(cString: msg)
            if let l = s.last { if l.utf8.count < 1024 { s.last = l + "; " + m } } else { s.last = m }
        }
    }

    deinit { proj_context_destroy(ctx) }

    /// The error for a CRS that `proj_create` refused, with PROJ's reason.
    func unknown(_ crs: CRS) -> InputError {
        defer { sink.last = nil }
        return InputError(.unknownCRS, "unknown CRS \(crs.identifier) (\(sink.last ?? "proj_create failed"))")
    }

    /// Whether PROJ can build `crs`; the error if not.
    func check(_ crs: CRS) -> InputError? {
        sink.last = nil
        guard let pj = proj_create(ctx, crs.identifier) else { return unknown(crs) }
        proj_destroy(pj)
        return nil
    }
}

// MARK: - Transformer

/// Transforms coordinates from one CRS to another with PROJ (9.1), offline from the system
/// `proj.db`.
///
/// **Axis order.** The PROJ operation is always passed through `proj_normalize_for_visualization`,
/// so input and output are x = easting/longitude, y = northing/latitude, whatever order the CRS
/// defines (EPSG:4326 is latitude-first, EPSG:4547 northing-first in the registry).
///
/// **Units** are those of each CRS: degrees for geographic, metres (usually) for projected.
///
/// **Threads and cost.** Each transformer owns its PROJ context, so it is not `Sendable`: use it on
/// one thread at a time. Creating one costs about 31 ms (database lookups); transforming costs about
/// 0.2 µs per point in bulk. Use `cached(from:to:)` rather than creating one per call.
///
/// **Errors.** A point PROJ cannot transform (outside the projection's domain, latitude beyond ±90°,
/// non-finite input) comes back from PROJ as infinity; this type turns that into
/// `InputError(.transformFailed, "coordinate #i (x, y) cannot be transformed …")`.
public final class CoordinateTransformer {
    public let source: CRS
    public let target: CRS
    private let context: ProjContext
    private let pj: OpaquePointer

    /// A transformer from `source` to `target`.
    /// - Throws: `InputError(.unknownCRS, "unknown CRS EPSG:99999 (proj_create: crs not found)")`
    ///   for a CRS PROJ does not know; `.transformFailed` when there is no operation between them.
    public init(from source: CRS, to target: CRS) throws {
        self.source = source; self.target = target
        let context = ProjContext()
        self.context = context
        context.sink.last = nil
        guard let raw = proj_create_crs_to_crs(context.ctx, source.identifier, target.identifier, nil) else {
            let reason = context.sink.last
            if let e = context.check(source) ?? context.check(target) { throw e }
            throw InputError(.transformFailed, "no transformation from \(source) to \(target) (\(reason ?? "proj_create_crs_to_crs failed"))")
        }
        let norm = proj_normalize_for_visualization(context.ctx, raw)     // a new PJ
        proj_destroy(raw)
        guard let norm else {
            throw InputError(.transformFailed, "cannot normalise the axis order of \(source) → \(target) (\(context.sink.last ?? "proj_normalize_for_visualization failed"))")
        }
        pj = norm
    }

    deinit { proj_destroy(pj) }

    /// This thread's transformer from `source` to `target`, created on first use (about 31 ms) and
    /// kept until the thread ends. Use it in synchronous code only (not across an `await`).
    public static func cached(from source: CRS, to target: CRS) throws -> CoordinateTransformer {
        let cache = ThreadLocal.value("CityTwin.Geometry.TransformerCache") { TransformerCache() }
        let key = TransformerCache.Key(source: source, target: target)
        if let t = cache.transformers[key] { return t }
        let t = try CoordinateTransformer(from: source, to: target)
        cache.transformers[key] = t
        return t
    }

    /// `c` in the target CRS.
    public func transform(_ c: Coordinate) throws -> Coordinate {
        proj_errno_reset(pj)
        let r = proj_trans(pj, PJ_FWD, proj_coord(c.x, c.y, 0, .infinity))
        let out = Coordinate(r.xy.x, r.xy.y)
        guard out.isFinite else { throw failure(index: 0, c) }
        return out
    }

    /// Transforms `cs` in place, in one PROJ call over the interleaved `x, y` buffer (stride 16
    /// bytes), O(n). If any point fails, `cs` is left unchanged and the first failure is thrown.
    public func transform(_ cs: inout [Coordinate]) throws {
        if cs.isEmpty { return }
        var work = cs
        let n = work.count
        proj_errno_reset(pj)
        work.withMutableInterleavedDoubles { buf in
            let base = buf.baseAddress!
            let stride = 2 * MemoryLayout<Double>.stride
            // The return value counts failed points too (they become +inf): check the values.
            _ = proj_trans_generic(pj, PJ_FWD, base, stride, n, base + 1, stride, n, nil, 0, 0, nil, 0, 0)
        }
        if let bad = work.firstIndex(where: { !$0.isFinite }) { throw failure(index: bad, cs[bad]) }
        cs = work
    }

    /// `s` with every coordinate in the target CRS (one bulk PROJ call). Empty points (both
    /// ordinates NaN) stay empty. The coordinate index in an error counts through the shape's
    /// `allCoordinates` (rings in order), empty points excluded.
    public func transform(_ s: Shape) throws -> Shape {
        let all = s.allCoordinates
        let isEmptyPoint: (Coordinate) -> Bool = { $0.x.isNaN && $0.y.isNaN }
        var cs = all.contains(where: isEmptyPoint) ? all.filter { !isEmptyPoint($0) } : all
        try transform(&cs)
        var i = 0
        return s.mapCoordinates { c in
            if isEmptyPoint(c) { return c }
            defer { i += 1 }
            return cs[i]
        }
    }

    private func failure(index: Int, _ c: Coordinate) -> InputError {
        let err = proj_errno(pj)
        let why = err != 0 ? proj_context_errno_string(context.ctx, err).map { String(cString: $0) } : nil
        proj_errno_reset(pj)
        return InputError(.transformFailed,
                          "coordinate #\(index) (\(c.x), \(c.y)) cannot be transformed from \(source) to \(target)"
                          + (why.map { " (\($0))" } ?? ""))
    }
}

/// Per-thread cache of transformers, keyed by (source, target).
final class TransformerCache {
    struct Key: Hashable { var source: CRS; var target: CRS }
    var transformers: [Key: CoordinateTransformer] = [:]
}
