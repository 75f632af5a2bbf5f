import CityModel
import Foundation
import Geometry

/// A city block: the area enclosed by streets, bounded by the kerb lines (local coordinates).
struct Block {
    /// Closed counter-clockwise ring along the kerbs.
    var ring: [Coordinate]
    /// The street junctions around the block, in order.
    var nodes: [Int]
    var area: Double
    var centre: Coordinate
}

/// The paved area of one street segment (between the kerb corners at its two ends) or of one
/// junction (inside the kerb corners around it).
struct RoadPiece {
    var ring: [Coordinate]
    var segment: Int?
    var node: Int?
}

/// Blocks and road surfaces from the street network: each junction gets one kerb corner between
/// each pair of neighbouring streets (where their kerb lines meet), the blocks are the faces of the
/// planar street graph traced through those corners, and the road pieces fill the rest, so blocks
/// and road pieces tile the area inside the outer kerb without overlap.
struct BlockLayout {
    let streets: StreetLayout
    /// Per node, corner k lies between streets `around[k]` and `around[k+1]` (counter-clockwise).
    var corners: [[Coordinate]] = []
    var blocks: [Block] = []
    var roadPieces: [RoadPiece] = []

    init(streets: StreetLayout) throws {
        self.streets = streets
        corners = streets.nodes.indices.map { n in
            let ring = streets.around[n], deg = ring.count
            return (0..<deg).map { k in corner(at: n, between: ring[k], and: ring[(k + 1) % deg]) }
        }
        try traceBlocks()
        buildRoadPieces()
    }

    /// Where the left kerb of street `s` (seen leaving node `n`) meets the right kerb of street `t`,
    /// the next street counter-clockwise. Nearly straight continuations take the midpoint of the two
    /// kerb points beside the node instead of a far-off intersection.
    func corner(at n: Int, between s: Int, and t: Int) -> Coordinate {
        let a = streets.nodes[n].p
        let d1 = streets.direction(s, from: n), d2 = streets.direction(t, from: n)
        let w1 = streets.segments[s].halfWidth, w2 = streets.segments[t].halfWidth
        let p1 = a + d1.leftNormal * w1, p2 = a - d2.leftNormal * w2
        let den = d1.cross(d2)
        if s == t || abs(den) < 0.25 { return rounded((p1 + p2) * 0.5) }
        let tt = (p2 - p1).cross(d2) / den
        return rounded(p1 + d1 * tt)
    }

    /// The corner of node `n` whose gap between streets contains the compass direction `dir` (radians
    /// from east): used for the riverside road's east kerb.
    func corner(at n: Int, facing dir: Double) -> Coordinate {
        let ring = streets.around[n], deg = ring.count
        for k in 0..<deg {
            let a1 = streets.direction(ring[k], from: n).angle, a2 = streets.direction(ring[(k + 1) % deg], from: n).angle
            let gap = positiveAngle(a2 - a1), off = positiveAngle(dir - a1)
            if deg == 1 || off < gap { return corners[n][k] }
        }
        return corners[n][0]
    }

    /// Traces every face of the street graph with the face on the left of each half-edge; faces
    /// with positive area are blocks, the one negative face is the outside.
    mutating func traceBlocks() throws {
        let segs = streets.segments
        var seen = [Bool](repeating: false, count: 2 * segs.count)
        for start in 0..<(2 * segs.count) where !seen[start] {
            var ring: [Coordinate] = [], nodes: [Int] = []
            var h = start
            var guardCount = 0
            repeat {
                seen[h] = true
                let s = h / 2
                let v = h % 2 == 0 ? segs[s].b : segs[s].a          // half-edge s forward (a→b) or back
                let around = streets.around[v], deg = around.count
                guard let idx = around.firstIndex(of: s) else { throw InputError(.internalError, "street graph is inconsistent at node \(streets.nodes[v].id)") }
                let k = (idx - 1 + deg) % deg
                ring.append(corners[v][k]); nodes.append(v)
                let next = around[k]
                h = 2 * next + (segs[next].a == v ? 0 : 1)
                guardCount += 1
                if guardCount > 4 * segs.count + 4 { throw InputError(.internalError, "street face tracing did not close") }
            } while h != start
            var closed = ring
            closed.append(ring[0])
            // Drop repeated consecutive corners (straight continuations share a midpoint).
            var clean: [Coordinate] = []
            for c in closed where clean.last != c { clean.append(c) }
            let area = Polygon.signedArea(clean)
            guard area > 1, clean.count >= 4 else { continue }
            blocks.append(Block(ring: clean, nodes: nodes, area: area, centre: centroid(clean)))
        }
        // A stable order: south to north, then west to east, by centre.
        blocks.sort { a, b in
            let ra = (a.centre.y / 50).rounded(.down), rb = (b.centre.y / 50).rounded(.down)
            return ra != rb ? ra < rb : a.centre.x < b.centre.x
        }
    }

    mutating func buildRoadPieces() {
        for (s, seg) in streets.segments.enumerated() {
            let ra = streets.around[seg.a], rb = streets.around[seg.b]
            let k = ra.firstIndex(of: s)!, j = rb.firstIndex(of: s)!
            let ca = corners[seg.a], cb = corners[seg.b]
            let ring = [ca[(k - 1 + ca.count) % ca.count], cb[j], cb[(j - 1 + cb.count) % cb.count], ca[k]]
            var clean: [Coordinate] = []
            for c in ring where clean.last != c && clean.first != c { clean.append(c) }
            guard clean.count >= 3 else { continue }
            roadPieces.append(RoadPiece(ring: ccwRing(clean), segment: s, node: nil))
        }
        for n in streets.nodes.indices where streets.around[n].count >= 3 {
            var clean: [Coordinate] = []
            for c in corners[n] where clean.last != c && clean.first != c { clean.append(c) }
            guard clean.count >= 3, abs(Polygon.signedArea(clean + [clean[0]])) > 1 else { continue }
            roadPieces.append(RoadPiece(ring: ccwRing(clean), segment: nil, node: n))
        }
    }
}

/// An angle reduced to [0, 2π).
func positiveAngle(_ a: Double) -> Double {
    var x = a.truncatingRemainder(dividingBy: 2 * .pi)
    if x < 0 { x += 2 * .pi }
    return x
}
