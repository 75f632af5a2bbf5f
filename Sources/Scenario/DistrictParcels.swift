import CityModel
import Foundation
import Geometry

/// What the sewer designer needs to know about a parcel (local coordinates).
struct ParcelInfo {
    var id: String
    var ring: [Coordinate]
    var centre: Coordinate
    var area: Double
    var cls: LandUseClass
    var imperviousness: Double
    var soil: SoilTexture?
    /// Mean ground slope (m/m).
    var slope: Double
    /// For road pieces: the street segment or junction it paves.
    var segment: Int?, node: Int?
}

/// Land-use parcels: one per block, one per street segment and per junction (road surface), the
/// riverside park between the riverside road and the shoreline, and the river. Each carries its
/// imperviousness, Manning n and soil, and the sponge facilities it could take
/// (`sponge_candidates`: bio-retention, permeable pavement, green roofs, with the area available).
struct ParcelLayout {
    var parcels: [Parcel] = []
    var info: [ParcelInfo] = []

    /// Paved share of the open ground, Manning n (s·m^-1/3), imperviousness bounds, by class.
    static func surface(_ c: LandUseClass) -> (paved: Double, n: Double, lo: Double, hi: Double) {
        switch c {
        case .residential: (0.42, 0.05, 0.55, 0.8)
        case .commercial: (0.6, 0.035, 0.8, 0.95)
        case .publicService: (0.35, 0.05, 0.45, 0.7)
        case .park: (0.1, 0.1, 0.1, 0.25)
        case .green: (0.05, 0.12, 0.05, 0.15)
        case .road: (0.95, 0.016, 0.95, 0.95)
        case .water: (1, 0.03, 1, 1)
        }
    }

    init(blocks: BlockLayout, zoning: Zoning, streets: StreetLayout, shore: Shoreline, frame: DistrictFrame,
         buildings: BuildingLayout, relief: Relief) {
        func soil(_ c: LandUseClass, _ p: Coordinate) -> SoilTexture? {
            switch c {
            case .water: nil
            case .road: .clayLoam
            case .park, .green: .loam
            default: shore.x(p.y) - p.x < 0.3 * frame.side ? .siltLoam : .siltyClayLoam
            }
        }
        func slope(_ p: Coordinate) -> Double { rounded(max(0.003, min(0.08, relief.slope(p.x, p.y))), 4) }
        func add(_ id: String, _ ring: [Coordinate], _ cls: LandUseClass, imperviousness: Double? = nil,
                 sponge: [(String, Double)] = [], extra: [String: JSONValue] = [:], segment: Int? = nil, node: Int? = nil) {
            let s = Self.surface(cls)
            let area = abs(Polygon.signedArea(ring)), c = centroid(ring)
            let imp = rounded(imperviousness ?? s.paved, 2)
            var p = Parcel(id: EntityID(id), shape: .polygon(Polygon(exterior: ring.map { rounded(frame.origin + $0) })),
                           landUse: cls.rawValue, imperviousness: imp, manningN: s.n, soil: soil(cls, c))
            p.attributes = extra
            let offers = sponge.filter { $0.1 >= 20 }.map { JSONValue.object(["type": .string($0.0), "area": .number(rounded($0.1, 0))]) }
            if !offers.isEmpty { p.attributes["sponge_candidates"] = .array(offers) }
            parcels.append(p)
            info.append(ParcelInfo(id: id, ring: ring, centre: c, area: area, cls: cls, imperviousness: imp, soil: soil(cls, c),
                                   slope: slope(c), segment: segment, node: node))
        }

        for (k, b) in blocks.blocks.enumerated() {
            let cls = zoning.use[k]
            let s = Self.surface(cls)
            let fp = buildings.footprint[k], open = max(0, b.area - fp)
            let imp = max(s.lo, min(s.hi, (fp + s.paved * open) / b.area))
            var sponge: [(String, Double)] = []
            switch cls {
            case .residential: sponge = [("bio_retention", 0.04 * open), ("permeable_pavement", 0.15 * b.area), ("green_roof", buildings.greenRoofArea[k])]
            case .commercial: sponge = [("bio_retention", 0.03 * open), ("permeable_pavement", 0.2 * b.area), ("green_roof", buildings.greenRoofArea[k])]
            case .publicService: sponge = [("bio_retention", 0.06 * open), ("permeable_pavement", 0.1 * b.area), ("green_roof", buildings.greenRoofArea[k])]
            case .park: sponge = [("bio_retention", 0.08 * b.area)]
            case .green: sponge = [("bio_retention", 0.1 * b.area)]
            case .road, .water: break
            }
            add("P" + pad(k + 1, 4), b.ring, cls, imperviousness: imp, sponge: sponge)
        }
        for (k, r) in blocks.roadPieces.enumerated() {
            var extra: [String: JSONValue] = [:]
            var sponge: [(String, Double)] = []
            let area = abs(Polygon.signedArea(r.ring))
            if let s = r.segment {
                let seg = streets.segments[s]
                extra["street"] = .string(seg.line.name)
                sponge = seg.line.cls == .side ? [("permeable_pavement", 0.3 * area)] : [("bio_retention", 0.06 * area)]
            } else if let n = r.node {
                extra["junction"] = .string(streets.nodes[n].id)
            }
            add("R" + pad(k + 1, 4), r.ring, .road, sponge: sponge, extra: extra, segment: r.segment, node: r.node)
        }
        // The riverside park: from the riverside road's east kerb to the shoreline.
        let maxI = streets.nodes.map(\.i).max() ?? 0
        let riverside = streets.nodes.indices.filter { streets.nodes[$0].i == maxI }.sorted { streets.nodes[$0].j < streets.nodes[$1].j }
        let kerb = riverside.map { blocks.corner(at: $0, facing: 0) }
        if let south = kerb.first, let north = kerb.last {
            let bank = shore.points(from: north.y, to: south.y).map { Coordinate($0.0, $0.1) }
            let ring = ccwRing(kerb + bank)
            add("PARK-RIVERSIDE", ring, .park, sponge: [("bio_retention", 0.05 * abs(Polygon.signedArea(ring)))])
        }
        let side = frame.side
        let water = shore.points(from: 0, to: side).map { Coordinate($0.0, $0.1) } + [Coordinate(side, side), Coordinate(side, 0)]
        add("WATER", ccwRing(water), .water, extra: ["normal_water_level": .number(DistrictDesign.waterLevel)])
    }
}
