#if canImport(Glibc)
import Glibc
#endif

/// The memory of a ``PackedRTree``: one 64-byte-aligned block holding, in order,
///
/// - the node boxes of all levels as four runs of `Double` (`minX`, `minY`, `maxX`, `maxY`),
///   `nodeCount` values each, leaves (the items in Hilbert order) first, then each level up to
///   the root. These are the exact boxes;
/// - the same boxes as four runs of `Float` (`fMinX` …), relative to `origin` (the centre of the
///   bounds) and rounded outwards (minima down, maxima up), so a `Float` box always contains the
///   exact box. Box queries test on these (half the memory traffic, four boxes per SSE compare);
/// - the item id of each leaf entry (`Int32`);
/// - the level table: level `l` occupies entries `levelStarts[l] ..< levelStarts[l + 1]`.
///
/// The filter is conservative and directed: a strict `Float` comparison proves the exact one,
/// and only a tie (a box within rounding of the query's edge) sends the query to the exact
/// `Double` box. Every run starts on a 64-byte boundary (with node size 16, a leaf node's
/// children fill exactly one cache line of each `Float` run) and has slack after it (4 values
/// for `Double`, 16 for `Float`), so SIMD loads may run past a level's end; the extra lanes are
/// masked off. Blocks of 4 MiB or more are aligned to 2 MiB and marked for transparent huge
/// pages on Linux, which saves page walks on random queries.
///
/// These are flat arrays, owned by a class only so that the block is freed with the last tree
/// that shares it. The builder fills the block before the storage is published and nothing
/// writes to it afterwards, so sharing it between threads is safe (hence `@unchecked Sendable`).
@usableFromInline
final class _PackedRTreeStorage: @unchecked Sendable {
    @usableFromInline let minX: UnsafeMutablePointer<Double>
    @usableFromInline let minY: UnsafeMutablePointer<Double>
    @usableFromInline let maxX: UnsafeMutablePointer<Double>
    @usableFromInline let maxY: UnsafeMutablePointer<Double>
    @usableFromInline let fMinX: UnsafeMutablePointer<Float>
    @usableFromInline let fMinY: UnsafeMutablePointer<Float>
    @usableFromInline let fMaxX: UnsafeMutablePointer<Float>
    @usableFromInline let fMaxY: UnsafeMutablePointer<Float>
    @usableFromInline let ids: UnsafeMutablePointer<Int32>
    @usableFromInline let levelStarts: UnsafeMutablePointer<Int>
    /// The origin of the `Float` runs, in CRS units.
    @usableFromInline let originX: Double, originY: Double
    /// The number of levels (0 for an empty tree).
    @usableFromInline let levelCount: Int
    /// The number of entries over all levels, and of items.
    @usableFromInline let nodeCount: Int, itemCount: Int
    @usableFromInline let nodeSize: Int
    private let block: UnsafeMutableRawPointer

    /// Allocates storage for a tree with these level starts (`[0, n, …, nodeCount]`,
    /// or `[]` for an empty tree), node size and `Float` origin.
    init(levelStarts starts: [Int], nodeSize: Int, originX: Double, originY: Double) {
        let nodeCount = starts.last ?? 0
        let itemCount = starts.count > 1 ? starts[1] : 0
        func round64(_ bytes: Int) -> Int { (bytes + 63) / 64 * 64 }
        let doubleStride = round64(8 * (nodeCount + 4)) / 8
        let floatStride = round64(4 * (nodeCount + 16)) / 4
        let idOffset = 32 * doubleStride + 16 * floatStride
        let levelOffset = idOffset + round64(4 * (itemCount + 4))
        var bytes = levelOffset + 8 * starts.count
        let hugePage = 2 << 20
        let huge = bytes >= 2 * hugePage
        if huge { bytes = (bytes + hugePage - 1) / hugePage * hugePage }
        block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: huge ? hugePage : 64)
        #if canImport(Glibc)
        if huge { _ = madvise(block, bytes, MADV_HUGEPAGE) }
        #endif
        // The builder writes every entry; only the slack after each run is zeroed here.
        let d = block.bindMemory(to: Double.self, capacity: 4 * doubleStride)
        minX = d; minY = d + doubleStride; maxX = d + 2 * doubleStride; maxY = d + 3 * doubleStride
        for run in [minX, minY, maxX, maxY] {
            (run + nodeCount).initialize(repeating: 0, count: doubleStride - nodeCount)
        }
        let f = (block + 32 * doubleStride).bindMemory(to: Float.self, capacity: 4 * floatStride)
        fMinX = f; fMinY = f + floatStride; fMaxX = f + 2 * floatStride; fMaxY = f + 3 * floatStride
        for run in [fMinX, fMinY, fMaxX, fMaxY] {
            (run + nodeCount).initialize(repeating: 0, count: floatStride - nodeCount)
        }
        ids = (block + idOffset).bindMemory(to: Int32.self, capacity: itemCount + 4)
        (ids + itemCount).initialize(repeating: 0, count: 4)
        levelStarts = (block + levelOffset).bindMemory(to: Int.self, capacity: starts.count)
        for (l, start) in starts.enumerated() { levelStarts[l] = start }
        self.originX = originX
        self.originY = originY
        self.levelCount = Swift.max(starts.count - 1, 0)
        self.nodeCount = nodeCount
        self.itemCount = itemCount
        self.nodeSize = nodeSize
    }

    deinit { block.deallocate() }

    /// Fills the `Float` runs from the `Double` runs (all levels), rounding outwards. Called once
    /// by the builder, after the `Double` runs.
    func fillFilters() {
        var i = 0
        while i < nodeCount {
            fMinX[i] = Self.floatDown(minX[i] - originX)
            fMinY[i] = Self.floatDown(minY[i] - originY)
            fMaxX[i] = Self.floatUp(maxX[i] - originX)
            fMaxY[i] = Self.floatUp(maxY[i] - originY)
            i &+= 1
        }
    }

    /// The largest `Float` not above `d` (±infinity beyond the `Float` range; NaN stays NaN).
    @inlinable @inline(__always)
    static func floatDown(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) > d ? f.nextDown : f
    }

    /// The smallest `Float` not below `d` (±infinity beyond the `Float` range; NaN stays NaN).
    @inlinable @inline(__always)
    static func floatUp(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) < d ? f.nextUp : f
    }
}
