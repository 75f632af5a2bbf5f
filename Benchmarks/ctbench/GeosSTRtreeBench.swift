import CGEOS
import Geometry

/// The GEOS side of the spatial-index benchmark: a GEOS context, the item and query rectangles
/// (made once, before any timing) and the current STRtree. A live resource: everything is freed
/// on deinit.
///
/// GEOS 3.11's STRtree has no build call: the first query builds it, and any insert after that
/// is a use-after-free. So each ``build()`` makes a fresh tree, inserts every item and runs one
/// query, and ``query()`` only ever queries.
final class GeosSTRtreeBench {
    private let handle: GEOSContextHandle_t
    private var items: [OpaquePointer] = []
    private var queries: [OpaquePointer] = []
    private var tree: OpaquePointer?
    private let nodeCapacity: Int

    /// "3.11.1-CAPI-1.17.1" and the like.
    static var version: String { GEOSversion().map { String(cString: $0) } ?? "?" }

    init(boxes: [BBox], queries: [BBox], nodeCapacity: Int) throws {
        guard let h = GEOS_init_r() else { throw BenchmarkError("GEOS_init_r failed") }
        handle = h
        self.nodeCapacity = nodeCapacity
        items.reserveCapacity(boxes.count)
        for b in boxes { items.append(try rectangle(b)) }
        self.queries.reserveCapacity(queries.count)
        for q in queries { self.queries.append(try rectangle(q)) }
    }

    deinit {
        if let tree { GEOSSTRtree_destroy_r(handle, tree) }
        for g in items { GEOSGeom_destroy_r(handle, g) }
        for g in queries { GEOSGeom_destroy_r(handle, g) }
        GEOS_finish_r(handle)
    }

    private func rectangle(_ b: BBox) throws -> OpaquePointer {
        guard let g = GEOSGeom_createRectangle_r(handle, b.minX, b.minY, b.maxX, b.maxY) else {
            throw BenchmarkError("GEOSGeom_createRectangle_r failed for \(b)")
        }
        return g
    }

    /// Counts each hit and sums its id; ids travel as non-NULL pointer bit patterns (id + 1).
    private static let callback: GEOSQueryCallback = { item, userData in
        let hits = userData!.assumingMemoryBound(to: SpatialIndexBenchmark.Hits.self)
        hits.pointee.count &+= 1
        hits.pointee.idSum &+= Int(bitPattern: item) &- 1
    }

    /// Replaces the tree with a new one and times: create, insert every item, the first query.
    func build() throws -> Timing {
        if let old = tree { GEOSSTRtree_destroy_r(handle, old); tree = nil }
        let h = handle, items = items, first = queries[0], capacity = nodeCapacity
        var built: OpaquePointer?
        var firstHits = SpatialIndexBenchmark.Hits()
        let timing = Timing.measure {
            guard let t = GEOSSTRtree_create_r(h, capacity) else { return }
            for (i, g) in items.enumerated() {
                GEOSSTRtree_insert_r(h, t, g, UnsafeMutableRawPointer(bitPattern: i &+ 1))
            }
            GEOSSTRtree_query_r(h, t, first, Self.callback, &firstHits)
            built = t
        }
        guard let built else { throw BenchmarkError("GEOSSTRtree_create_r failed") }
        tree = built
        return timing
    }

    /// Times one pass of all queries on the current tree; returns the hits.
    func query() -> (Timing, SpatialIndexBenchmark.Hits) {
        guard let tree else { return (Timing(), .init()) }
        let h = handle, queries = queries
        var hits = SpatialIndexBenchmark.Hits()
        let timing = Timing.measure {
            withUnsafeMutablePointer(to: &hits) { p in
                for q in queries { GEOSSTRtree_query_r(h, tree, q, Self.callback, p) }
            }
        }
        return (timing, hits)
    }
}
