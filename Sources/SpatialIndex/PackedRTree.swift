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
/// one-item tree has a root above its item. All levels are stored one after another in one
/// structure of arrays (`minX`, `minY`, `maxX`, `maxY`, each a run of `Double`s in `coordinates`);
/// the children of node `j` of level `l` are entries `j * nodeSize ..< (j + 1) * nodeSize` of
/// level `l - 1`, so no child pointers are stored. Memory: about `32 · n · (1 + 1/(nodeSize − 1))`
/// bytes for the boxes plus `4 · n` bytes for the ids.
///
/// This is the Hilbert-packed R-tree of Kamel and Faloutsos, "On Packing R-trees" (CIKM 1993),
/// laid out like Vladimir Agafonkin's flatbush.
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

    /// The number of items (boxes) in the tree.
    public let count: Int

    /// The maximum number of children of a node.
    public let nodeSize: Int

    /// The smallest box that contains every item; ``BBox/empty`` for an empty tree.
    public let bounds: BBox

    /// Node boxes, all levels contiguous, leaves (the sorted items) first. Four runs of
    /// `nodeCount` values each: `minX` at offset 0, `minY` at `nodeCount`, `maxX` at
    /// `2 · nodeCount`, `maxY` at `3 · nodeCount`.
    @usableFromInline let coordinates: [Double]

    /// The total number of entries over all levels (items plus internal nodes).
    @usableFromInline let nodeCount: Int

    /// The item id of each leaf entry, in Hilbert order (`count` values).
    @usableFromInline let ids: [Int32]

    /// Level `l` occupies entries `levelStarts[l] ..< levelStarts[l + 1]`; level 0 holds the items,
    /// the last level holds the root. Empty for an empty tree.
    @usableFromInline let levelStarts: [Int]

    /// The number of levels, the item level included (0 for an empty tree, at least 2 otherwise).
    @inlinable public var levelCount: Int { Swift.max(levelStarts.count - 1, 0) }

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
    ///   - nodeSize: the maximum number of children per node, `2...65_535`.
    /// - Throws: ``InputError`` with code ``ErrorCode/badValue`` if a box has a non-finite
    ///   coordinate or has `min > max` on an axis (the message names the item index), if
    ///   `nodeSize` is out of range, or if there are more than `Int32.max` boxes.
    public init(_ boxes: [BBox], nodeSize: Int = PackedRTree.defaultNodeSize) throws(InputError) {
        guard (2...65_535).contains(nodeSize) else {
            throw InputError(.badValue, "R-tree node size \(nodeSize) is outside 2...65535")
        }
        guard boxes.count <= Int(Int32.max) else {
            throw InputError(.badValue, "R-tree holds at most \(Int32.max) items, got \(boxes.count)")
        }
        let built = try PackedRTreeBuilder.build(boxes, nodeSize: nodeSize)
        self.count = boxes.count
        self.nodeSize = nodeSize
        self.bounds = built.bounds
        self.coordinates = built.coordinates
        self.nodeCount = built.nodeCount
        self.ids = built.ids
        self.levelStarts = built.levelStarts
    }
}
