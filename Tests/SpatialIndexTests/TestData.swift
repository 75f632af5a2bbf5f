import Geometry
import Testing
import SimCore

/// SplitMix64 (Steele, Lea and Flood 2014), stepped by SimCore's `SeededRNG.splitMix64`: a small seeded generator, so every test run sees the
/// same data.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 { SeededRNG.splitMix64(&state) }

    /// Uniform in [0, 1), 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [a, b).
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }

    /// Uniform in 0..<n.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// The kinds of item sets the index tests run on.
enum DataKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// Boxes of varied sizes, with zero-width, zero-height and point boxes mixed in.
    case mixed
    /// Unit squares on an integer lattice (neighbours touch at edges and corners), duplicated
    /// squares, and points on lattice corners.
    case lattice

    var testDescription: String { rawValue }
}

/// `n` seeded boxes of the given kind: in a 1000 × 1000 extent (mixed) or a 120 × 120 lattice.
func makeBoxes(_ kind: DataKind, count n: Int, seed: UInt64) -> [BBox] {
    var rng = SplitMix64(seed: seed)
    var boxes: [BBox] = []
    boxes.reserveCapacity(n)
    for _ in 0..<n {
        switch kind {
        case .mixed:
            let x = rng.uniform(0, 1000), y = rng.uniform(0, 1000)
            switch rng.int(5) {
            case 0: boxes.append(BBox(minX: x, minY: y, maxX: x, maxY: y))                         // point
            case 1: boxes.append(BBox(minX: x, minY: y, maxX: x, maxY: y + rng.uniform(0, 30)))    // vertical segment
            case 2: boxes.append(BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 30), maxY: y))    // horizontal segment
            case 3: boxes.append(BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 200), maxY: y + rng.uniform(0, 200)))
            default: boxes.append(BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 20), maxY: y + rng.uniform(0, 20)))
            }
        case .lattice:
            let x = Double(rng.int(120)), y = Double(rng.int(120))
            if rng.int(4) == 0 {
                boxes.append(BBox(minX: x, minY: y, maxX: x, maxY: y))
            } else {
                boxes.append(BBox(minX: x, minY: y, maxX: x + 1, maxY: y + 1))
            }
        }
    }
    return boxes
}

/// Seeded query boxes for a data kind: random boxes of several sizes, point queries, and for the
/// lattice, queries whose edges lie exactly on lattice lines.
func makeQueries(_ kind: DataKind, count n: Int, seed: UInt64) -> [BBox] {
    var rng = SplitMix64(seed: seed)
    var queries: [BBox] = []
    for i in 0..<n {
        switch (kind, i % 4) {
        case (.lattice, 0), (.lattice, 1):
            let x = Double(rng.int(125)) - 2, y = Double(rng.int(125)) - 2
            let w = Double(rng.int(6)), h = Double(rng.int(6))
            queries.append(BBox(minX: x, minY: y, maxX: x + w, maxY: y + h))
        case (.lattice, _):
            let x = rng.uniform(-5, 125), y = rng.uniform(-5, 125)
            queries.append(BBox(minX: x, minY: y, maxX: x + rng.uniform(0, 10), maxY: y + rng.uniform(0, 10)))
        case (.mixed, 0):
            let x = rng.uniform(-50, 1050), y = rng.uniform(-50, 1050)
            queries.append(BBox(minX: x, minY: y, maxX: x, maxY: y))
        case (.mixed, _):
            let x = rng.uniform(-100, 1050), y = rng.uniform(-100, 1050), s = rng.uniform(0, 150)
            queries.append(BBox(minX: x, minY: y, maxX: x + s * rng.unit() * 2, maxY: y + s))
        }
    }
    return queries
}

/// Seeded query points over the data extent and a little beyond it.
func makePoints(_ kind: DataKind, count n: Int, seed: UInt64) -> [Coordinate] {
    var rng = SplitMix64(seed: seed)
    let hi = kind == .lattice ? 122 : 1050
    return (0..<n).map { i in
        // Every fourth point sits on an integer position, where lattice distances tie.
        i % 4 == 0 ? Coordinate(Double(rng.int(hi)), Double(rng.int(hi)))
                   : Coordinate(rng.uniform(-20, Double(hi)), rng.uniform(-20, Double(hi)))
    }
}

/// Brute force: the indices of the boxes that intersect `q`, ascending.
func bruteSearch(_ boxes: [BBox], _ q: BBox) -> [Int] {
    boxes.indices.filter { boxes[$0].intersects(q) }
}

/// Brute force: the indices of the boxes within `r` of `p`, ascending.
func bruteRadius(_ boxes: [BBox], _ p: Coordinate, _ r: Double) -> [Int] {
    boxes.indices.filter { boxes[$0].distanceSquared(to: p) <= r * r }
}

/// Brute force: all indices sorted by (squared box distance to `p`, index).
func bruteNearest(_ boxes: [BBox], _ p: Coordinate) -> [(id: Int, d2: Double)] {
    boxes.indices.map { (id: $0, d2: boxes[$0].distanceSquared(to: p)) }
        .sorted { $0.d2 < $1.d2 || ($0.d2 == $1.d2 && $0.id < $1.id) }
}
