import Geometry

/// A static R-tree over axis-aligned boxes, bulk-loaded in Hilbert order and stored in flat arrays.
///
/// The tree is built once from all its boxes and never changes afterwards (it is a value type:
/// copies share storage). Each item is identified by its **insertion index**: the box at
/// `boxes[i]` has id `i`.
///
/// ## Layout
///
/// Items are sorted by the Hilbert value of their box centres (16 bits per axis over the bounds
/// of all boxes), then packed: the sorted items form level 0, every `nodeSize` consecutive entries
/// of a level get one parent node in the next level, until one root node remains. Even a
/// one-item tree has a root above its item. All levels are stored one after another in flat
/// runs, a structure of arrays: `minX`, `minY`, `maxX`, `maxY` as `Double` (the exact boxes),
/// the same as `Float` rounded outwards (a conservative filter that box queries test first), and
/// the item ids. The children of node `j` of level `l` are entries `j · nodeSize ..< (j + 1) ·
/// nodeSize` of level `l − 1`, so no child pointers are stored. Memory: about
/// `(48 · (1 + 1/(nodeSize − 1)) + 4) · n` bytes, 53 MB for a million boxes.
///
/// This is the Hilbert-packed R-tree of Kamel and Faloutsos, "On Packing R-trees" (CIKM 1993),
/// laid out like Vladimir Agafonkin's flatbush. Queries are depth-first with a fixed-size stack
/// on the call stack; see `_traverse` in PackedRTreeTraversal.swift for how they test nodes four
/// or eight at a time with SIMD and keep several leaf nodes' memory loads in flight.
///
/// ## Queries
///
/// - ``search(_:_:)`` and ``search(_:)``: items whose box intersects a box (closed boxes, so
///   touching counts).
/// - ``search(within:of:_:)`` and ``search(within:of:)``: items whose box lies within a distance
///   of a point.
/// - ``nearest(to:k:maxDistance:)``: the `k` items closest to a point, by box distance.
///
/// Distances are in the units of the coordinates (metres in a projected CRS).
public struct PackedRTree: Sendable {
    /// The node size used when none is given: 16 entries per node.
    public static let defaultNodeSize = 16

    /// The largest node size: 64, so that the test results of one node's children fit in one
    /// 64-bit mask.
    public static let maximumNodeSize = 64

    /// The number of items (boxes) in the tree.
    public let count: Int

    /// The maximum number of children of a node.
    public let nodeSize: Int

    /// The smallest box that contains every item; ``BBox/empty`` for an empty tree.
    public let bounds: BBox

    /// The node boxes, the leaf ids and the level table (see `_PackedRTreeStorage`). Shared by
    /// copies; never changed after the build.
    @usableFromInline let storage: _PackedRTreeStorage

    /// The number of levels, the item level included (0 for an empty tree, at least 2 otherwise).
    @inlinable public var levelCount: Int { storage.levelCount }

    /// The tree holds no items.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// Builds the tree from boxes; the box at index `i` gets id `i`.
    ///
    /// Complexity: O(n) time (the Hilbert sort is a three-pass radix sort on 32-bit keys) and
    /// O(n) memory.
    ///
    /// - Parameters:
    ///   - boxes: the item boxes, in CRS units. Zero-width and zero-height boxes (points, segments)
    ///     are allowed.
    ///   - nodeSize: the maximum number of children per node, `2...64` (``maximumNodeSize``).
    /// - Throws: ``InputError`` with code ``ErrorCode/badValue`` if a box has a non-finite
    ///   coordinate or has `min > max` on an axis (the message names the item index), if
    ///   `nodeSize` is out of range, or if there are more than `Int32.max` boxes.
    public init(_ boxes: [BBox], nodeSize: Int = PackedRTree.defaultNodeSize) throws(InputError) {
        guard (2...Self.maximumNodeSize).contains(nodeSize) else {
            throw InputError(.badValue, "R-tree node size \(nodeSize) is outside 2...\(Self.maximumNodeSize)")
        }
        guard boxes.count <= Int(Int32.max) else {
            throw InputError(.badValue, "R-tree holds at most \(Int32.max) items, got \(boxes.count)")
        }
        let (bounds, storage) = try PackedRTreeBuilder.build(boxes, nodeSize: nodeSize)
        self.count = boxes.count
        self.nodeSize = nodeSize
        self.bounds = bounds
        self.storage = storage
    }

    /// The box of entry `i` (any level). For tests and diagnostics.
    func _nodeBox(_ i: Int) -> BBox {
        BBox(minX: storage.minX[i], minY: storage.minY[i], maxX: storage.maxX[i], maxY: storage.maxY[i])
    }

    /// The item id of leaf entry `i`. For tests and diagnostics.
    func _leafID(_ i: Int) -> Int { Int(storage.ids[i]) }

    /// `levelStarts[l]` for `l` in `0...levelCount`. For tests and diagnostics.
    var _levelStarts: [Int] { (0..<(levelCount == 0 ? 0 : levelCount + 1)).map { storage.levelStarts[$0] } }
}
