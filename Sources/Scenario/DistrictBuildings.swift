import CityModel
import Foundation
import Geometry
import SimCore

/// Land-use classes of the demo district's parcels.
enum LandUseClass: String {
    case residential, commercial, publicService = "public", park, green, road, water
}

/// Which use each block gets, and where the low-lying pockets lie.
///
/// Small leftover blocks become green spaces; one or two large central blocks become parks (the
/// first sits in a pocket, as parks in Wuhan often fill old ponds); blocks at signalised arterial
/// junctions are mostly commercial; one block per 2 km² is a school or hospital; the rest are
/// residential compounds, either older six-storey slabs or newer towers.
struct Zoning {
    var use: [LandUseClass] = []
    /// Residential blocks: false for older slab compounds, true for newer tower compounds.
    var towers: [Bool] = []
    /// Pocket centres (local m).
    var pocketCentres: [(Double, Double)] = []

    init(blocks: BlockLayout, streets: StreetLayout, frame: DistrictFrame, rng: inout SeededRNG) {
        let bs = blocks.blocks, side = frame.side
        use = [LandUseClass](repeating: .residential, count: bs.count)
        for (k, b) in bs.enumerated() where b.area < 5000 { use[k] = .green }
        // Parks: large blocks near random central targets, at least 500 m apart.
        let parkCount = max(1, Int(side * side / 1.6e6))
        var parks: [Int] = []
        for _ in 0..<(parkCount * 4) where parks.count < parkCount {
            let target = Coordinate(rng.uniform(0.25, 0.7) * side, rng.uniform(0.25, 0.75) * side)
            let pick = bs.indices.filter { use[$0] == .residential && bs[$0].area > 12_000 }
                .min { bs[$0].centre.distance(to: target) < bs[$1].centre.distance(to: target) }
            guard let p = pick, parks.allSatisfy({ bs[$0].centre.distance(to: bs[p].centre) > 500 }) else { continue }
            parks.append(p); use[p] = .park
        }
        // Pockets: one in the first park, the others on side-street junctions well inland.
        let pocketCount = max(2, Int((side * side / 1e6).rounded()))
        if let p = parks.first { pocketCentres.append((bs[p].centre.x, bs[p].centre.y)) }
        let maxI = streets.nodes.map(\.i).max() ?? 0, maxJ = streets.nodes.map(\.j).max() ?? 0
        let candidates = streets.nodes.indices.filter { n in
            let node = streets.nodes[n]
            return node.i > 0 && node.i < maxI - 1 && node.j > 0 && node.j < maxJ && !node.signalised
                && streets.around[n].allSatisfy { streets.segments[$0].line.cls == .side }
        }
        var tries = 0
        while pocketCentres.count < pocketCount, !candidates.isEmpty, tries < 200 {
            tries += 1
            let n = candidates[rng.int(0, candidates.count - 1)]
            let p = streets.nodes[n].p
            if pocketCentres.allSatisfy({ hypot($0.0 - p.x, $0.1 - p.y) > 300 }) { pocketCentres.append((p.x, p.y)) }
        }
        // Schools and hospitals.
        let publicCount = max(1, Int((side * side / 2e6).rounded()))
        let publicCandidates = bs.indices.filter { use[$0] == .residential && (12_000...45_000).contains(bs[$0].area) }
        var placed = 0
        for _ in 0..<(publicCount * 6) where placed < publicCount && !publicCandidates.isEmpty {
            let k = publicCandidates[rng.int(0, publicCandidates.count - 1)]
            if use[k] == .residential { use[k] = .publicService; placed += 1 }
        }
        // Commercial blocks at signalised junctions; the older or newer residential stock elsewhere.
        towers = [Bool](repeating: false, count: bs.count)
        for (k, b) in bs.enumerated() {
            let atSignal = b.nodes.contains { streets.nodes[$0].signalised }
            if use[k] == .residential, atSignal, rng.chance(0.6) { use[k] = .commercial }
            towers[k] = rng.chance(0.55)
        }
    }
}

/// Buildings placed in rows inside each block, set back from the kerb and aligned with the block's
/// longest side: six- to seven-storey slabs or 18–33-storey towers in residential compounds (with
/// the sunlight spacing Chinese codes ask for), a tower and mid-rise boxes on commercial blocks,
/// low teaching or ward buildings on public blocks, nothing in parks and green spaces.
struct BuildingLayout {
    var buildings: [Building] = []
    /// Per block, the roof area (m²) of buildings that could carry a green roof (flat, ≤ 60 m high).
    var greenRoofArea: [Double] = []
    /// Per block, the total footprint (m²).
    var footprint: [Double] = []

    struct Item { var length: Double, depth: Double, floors: Int, storey: Double }

    init(blocks: BlockLayout, zoning: Zoning, rng: inout SeededRNG) throws {
        let geos = GeosContext.forCurrentThread
        greenRoofArea = [Double](repeating: 0, count: blocks.blocks.count)
        footprint = greenRoofArea
        for (k, block) in blocks.blocks.enumerated() {
            let use = zoning.use[k]
            guard [.residential, .commercial, .publicService].contains(use) else { continue }
            let setback = use == .commercial ? 6.0 : (use == .publicService ? 10.0 : 8.0)
            let inset = try geos.buffer(.polygon(Polygon(exterior: block.ring)), distance: -setback, quadrantSegments: 2)
            guard let ring = largestRing(inset), ring.count >= 4 else { continue }
            // Frame along the block's longest kerb.
            var best = 0.0, axis = Coordinate(1, 0)
            for i in 0..<(block.ring.count - 1) {
                let d = block.ring[i + 1] - block.ring[i]
                if d.norm > best { best = d.norm; axis = d.unit }
            }
            if axis.x < 0 || (axis.x == 0 && axis.y < 0) { axis = axis * -1 }
            let e1 = axis, e2 = axis.leftNormal, c = block.centre
            let local = ring.map { p in Coordinate((p - c).dot(e1), (p - c).dot(e2)) }
            let box = BBox(around: local)

            let towers = zoning.towers[k]
            let (depth, pitch, gap) = Self.rowSpec(use, towers: towers)
            var placed: [BBox] = []
            var t = box.minY + rng.uniform(0, 4)
            while t + depth <= box.maxY {
                var s = box.minX + rng.uniform(0, 6)
                while s < box.maxX {
                    let item = Self.item(use, towers: towers, &rng)
                    let r = BBox(minX: s, minY: t, maxX: s + item.length, maxY: t + item.depth)
                    s += item.length + gap
                    guard rectangle(r, inside: local), !placed.contains(where: { $0.expanded(by: 4).intersects(r) }),
                          use != .publicService || placed.count < 4 else { continue }
                    placed.append(r)
                    let corners = [Coordinate(r.minX, r.minY), Coordinate(r.maxX, r.minY), Coordinate(r.maxX, r.maxY), Coordinate(r.minX, r.maxY)]
                        .map { q in c + e1 * q.x + e2 * q.y }
                    let height = rounded(Double(item.floors) * item.storey + 0.9, 1)
                    let area = item.length * item.depth
                    var b = Building(id: EntityID("B" + pad(buildings.count + 1, 5)),
                                     footprint: .polygon(Polygon(exterior: corners.map { frameMap($0, blocks) } + [frameMap(corners[0], blocks)])),
                                     height: height, floors: item.floors, use: use.rawValue)
                    if height <= 60 {
                        b.attributes["green_roof_candidate"] = .bool(true)
                        greenRoofArea[k] += area
                    }
                    footprint[k] += area
                    buildings.append(b)
                }
                t += pitch
            }
        }
    }
}

extension BuildingLayout {
    /// Row depth, row pitch (depth plus the sunlight spacing) and gap between buildings in a row (m).
    static func rowSpec(_ use: LandUseClass, towers: Bool) -> (Double, Double, Double) {
        switch use {
        case .residential: towers ? (24, 64, 20) : (12, 34, 12)
        case .commercial: (30, 48, 15)
        default: (16, 45, 25)
        }
    }

    /// The next building of a row: footprint length and depth (m), storeys and storey height (m).
    static func item(_ use: LandUseClass, towers: Bool, _ r: inout SeededRNG) -> Item {
        switch use {
        case .residential:
            towers ? Item(length: r.uniform(20, 26), depth: 24, floors: r.int(18, 33), storey: 3.0)
                   : Item(length: r.uniform(45, 70), depth: 12, floors: r.int(6, 7), storey: 2.9)
        case .commercial:
            r.chance(0.25) ? Item(length: 30, depth: 30, floors: r.int(20, 40), storey: 3.8)
                           : Item(length: r.uniform(35, 60), depth: 30, floors: r.int(3, 6), storey: 4.2)
        default: Item(length: r.uniform(40, 65), depth: 16, floors: r.int(3, 5), storey: 3.6)
        }
    }
}

/// Local (metres from the district's corner) to map coordinates, rounded to centimetres. The
/// block layout keeps local coordinates; the district frame's origin is added at output.
func frameMap(_ p: Coordinate, _ blocks: BlockLayout) -> Coordinate { rounded(blocks.streets.origin + p) }

/// Whether the axis-aligned rectangle lies inside the polygon ring (all corners inside, no ring
/// vertex inside the rectangle).
func rectangle(_ r: BBox, inside ring: [Coordinate]) -> Bool {
    let poly = Polygon(exterior: ring)
    let corners = [Coordinate(r.minX, r.minY), Coordinate(r.maxX, r.minY), Coordinate(r.maxX, r.maxY), Coordinate(r.minX, r.maxY)]
    guard corners.allSatisfy(poly.contains) else { return false }
    return !ring.contains { $0.x > r.minX && $0.x < r.maxX && $0.y > r.minY && $0.y < r.maxY }
}

/// The exterior ring of the largest polygon of a shape, nil when it has none.
func largestRing(_ s: Shape) -> [Coordinate]? {
    switch s {
    case .polygon(let p): return p.exterior.count >= 4 ? p.exterior : nil
    case .multiPolygon(let m): return m.polygons.max { $0.area < $1.area }?.exterior
    default: return nil
    }
}

/// Zero-padded decimal.
func pad(_ i: Int, _ width: Int) -> String {
    let s = String(i)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
