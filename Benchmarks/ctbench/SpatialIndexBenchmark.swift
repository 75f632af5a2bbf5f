import Foundation
import Geometry
import SpatialIndex

/// `ctbench spatial-index [--n 1000000] [--queries 100000] [--seed 42] [--repetitions 3] [--node-size 16]
///  [--extent-km 100]`
///
/// Builds our PackedRTree and a GEOS STRtree on the same seeded boxes (a city-scale extent of
/// 100 km × 100 km with boxes of 1–100 m, like building footprints and road segments) and runs
/// the same 1 km × 1 km box queries on both. Repetitions of the two engines alternate, so both see
/// the same machine load; each figure is the best of `repetitions` runs. Both engines must report
/// the same number of hits and the same sum of hit ids, or the benchmark fails.
enum SpatialIndexBenchmark {
    static let origin = (x: 500_000.0, y: 3_300_000.0)  // m, a UTM-like projected origin
    static let boxSize = (min: 1.0, max: 100.0)         // m, width and height of each box, uniform
    static let querySize = 1_000.0                      // m, side of each query box
    static let radius = 500.0                           // m, radius of the radius queries
    static let k = 10                                   // neighbours per k-nearest query
    static let geosNodeCapacity = 10

    static func run(_ args: [String]) throws -> JSON {
        let options = try Options(args, known: ["n", "queries", "seed", "repetitions", "node-size", "extent-km"])
        let n = options.int("n", default: 1_000_000)
        let queryCount = options.int("queries", default: 100_000)
        let seed = options.int("seed", default: 42)
        let repetitions = options.int("repetitions", default: 3)
        let nodeSize = options.int("node-size", default: PackedRTree.defaultNodeSize)
        let extent = Double(options.int("extent-km", default: 100)) * 1000   // m, side of the square extent
        guard n >= 1, queryCount >= 1, repetitions >= 1, extent >= 2 * querySize else {
            throw BenchmarkError("--n, --queries and --repetitions must be at least 1, --extent-km at least 2")
        }
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)

        // Data: the same boxes and query boxes for both engines.
        var rng = SplitMix64(state: UInt64(bitPattern: Int64(seed)))
        let boxes = (0..<n).map { _ -> BBox in
            let x = origin.x + rng.uniform(0, extent - boxSize.max), y = origin.y + rng.uniform(0, extent - boxSize.max)
            return BBox(minX: x, minY: y, maxX: x + rng.uniform(boxSize.min, boxSize.max),
                        maxY: y + rng.uniform(boxSize.min, boxSize.max))
        }
        let queries = (0..<queryCount).map { _ -> BBox in
            let x = origin.x + rng.uniform(0, extent - querySize), y = origin.y + rng.uniform(0, extent - querySize)
            return BBox(minX: x, minY: y, maxX: x + querySize, maxY: y + querySize)
        }
        let points = (0..<queryCount).map { _ in
            Coordinate(origin.x + rng.uniform(0, extent), origin.y + rng.uniform(0, extent))
        }
        printError("spatial-index: \(n) boxes, \(queryCount) queries, seed \(seed), best of \(repetitions), load \(load)")
        let geos = try GeosSTRtreeBench(boxes: boxes, queries: queries, nodeCapacity: geosNodeCapacity)

        // Bulk load, alternating engines.
        var ourBuild = Timing(), geosBuild = Timing()
        var tree = try PackedRTree([])
        for _ in 0..<repetitions {
            var built: PackedRTree?
            ourBuild.merge(try Timing.measure { built = try PackedRTree(boxes, nodeSize: nodeSize) })
            tree = built!
            geosBuild.merge(try geos.build())
        }
        printError("  build: ours \(ourBuild), GEOS \(geosBuild)")

        // Box queries, alternating engines; hits counted and ids summed in a closure / C callback.
        var ourQuery = Timing(), ourArrayQuery = Timing(), geosQuery = Timing()
        var ourHits = Hits(), ourArrayHits = Hits(), geosHits = Hits()
        for _ in 0..<repetitions {
            ourQuery.merge(Timing.measure {
                var hits = Hits()
                for q in queries { tree.search(q) { hits.count &+= 1; hits.idSum &+= $0 } }
                ourHits = hits
            })
            ourArrayQuery.merge(Timing.measure {
                var hits = Hits()
                for q in queries {
                    let found = tree.search(q)
                    hits.count &+= found.count
                    for id in found { hits.idSum &+= id }
                }
                ourArrayHits = hits
            })
            let (t, h) = geos.query()
            geosQuery.merge(t)
            geosHits = h
        }
        printError("  \(queryCount) queries: ours \(ourQuery) (array form \(ourArrayQuery)), GEOS \(geosQuery); \(ourHits)")
        guard geosHits == ourHits, ourArrayHits == ourHits else {
            throw BenchmarkError("hit mismatch: ours \(ourHits) (array form \(ourArrayHits)), GEOS \(geosHits)")
        }

        // Our other queries (no GEOS counterpart here).
        let radiusQuery = bestOf(repetitions) { () -> Int in
            var count = 0
            for p in points { tree.search(within: radius, of: p) { _ in count &+= 1 } }
            return count
        }
        let nearest = bestOf(repetitions) { () -> Int in
            var count = 0
            for p in points { count &+= tree.nearest(to: p, k: k).count }
            return count
        }
        printError("  ours: radius \(radiusQuery.timing), \(k)-nearest \(nearest.timing)")

        let q = Double(queryCount)
        return .object([
            ("name", .string("spatial-index")),
            ("ours", .object([
                ("engine", .string("CityTwin PackedRTree (Hilbert-packed, node size \(nodeSize))")),
                ("build_s", .number(ourBuild.seconds)),
                ("build_cpu_s", .number(ourBuild.cpuSeconds)),
                ("build_items_per_s", .number(Double(n) / ourBuild.seconds)),
                ("query_s", .number(ourQuery.seconds)),
                ("query_cpu_s", .number(ourQuery.cpuSeconds)),
                ("queries_per_s", .number(q / ourQuery.seconds)),
                ("query_array_s", .number(ourArrayQuery.seconds)),
                ("hits", .integer(ourHits.count)),
                ("radius_query_s", .number(radiusQuery.timing.seconds)),
                ("radius_hits", .integer(radiusQuery.value)),
                ("knn_query_s", .number(nearest.timing.seconds)),
            ])),
            ("reference", .object([
                ("engine", .string("GEOS STRtree \(GeosSTRtreeBench.version)")),
                ("node_capacity", .integer(geosNodeCapacity)),
                ("build_s", .number(geosBuild.seconds)),
                ("build_cpu_s", .number(geosBuild.cpuSeconds)),
                ("build_items_per_s", .number(Double(n) / geosBuild.seconds)),
                ("query_s", .number(geosQuery.seconds)),
                ("query_cpu_s", .number(geosQuery.cpuSeconds)),
                ("queries_per_s", .number(q / geosQuery.seconds)),
                ("hits", .integer(geosHits.count)),
            ])),
            ("ratio", .number(geosQuery.seconds / ourQuery.seconds)),
            ("ratios", .object([
                ("build", .number(geosBuild.seconds / ourBuild.seconds)),
                ("query", .number(geosQuery.seconds / ourQuery.seconds)),
                ("build_cpu", .number(geosBuild.cpuSeconds / ourBuild.cpuSeconds)),
                ("query_cpu", .number(geosQuery.cpuSeconds / ourQuery.cpuSeconds)),
            ])),
            ("params", .object([
                ("n", .integer(n)),
                ("queries", .integer(queryCount)),
                ("node_size", .integer(nodeSize)),
                ("seed", .integer(seed)),
                ("repetitions", .integer(repetitions)),
                ("statistic", .string("best of repetitions (engines alternate); *_s on ContinuousClock (monotonic wall time), *_cpu_s on CLOCK_THREAD_CPUTIME_ID")),
                ("extent_m", .array([.number(origin.x), .number(origin.y), .number(origin.x + extent), .number(origin.y + extent)])),
                ("box_size_m", .array([.number(boxSize.min), .number(boxSize.max)])),
                ("query_box_m", .number(querySize)),
                ("mean_hits_per_query", .number(Double(ourHits.count) / q)),
                ("radius_m", .number(radius)),
                ("knn_k", .integer(k)),
                ("radius_and_knn_points", .integer(queryCount)),
                ("timed_build_ours", .string("PackedRTree(boxes) from an in-memory [BBox]: validation, Hilbert keys, radix sort, packing of all levels, Float filter copies")),
                ("timed_build_reference", .string("GEOSSTRtree_create_r + GEOSSTRtree_insert_r of every box (rectangles made by GEOSGeom_createRectangle_r before timing) + the first query, which builds the tree")),
                ("timed_query", .string("all query boxes; each hit counted and its id summed in a Swift closure (ours) or a C callback (GEOS); GEOS query rectangles made before timing")),
                ("cores", .integer(ProcessInfo.processInfo.activeProcessorCount)),
                ("load_average_at_start", .array(load.map { .number(($0 * 100).rounded() / 100) })),
            ])),
        ])
    }

    /// The hits of a batch of queries: how many, and the sum of their ids (a cheap fingerprint).
    struct Hits: Equatable, CustomStringConvertible {
        var count = 0
        var idSum = 0
        var description: String { "\(count) hits, id sum \(idSum)" }
    }
}
