import CityModel
import Foundation
import Geometry

/// The storm sewer under the streets, designed as a Chinese design institute would by hand:
///
/// - **Layout.** A manhole (junction) at every street junction and intermediate manholes at most
///   70 m apart along every street. Outfalls sit on the river bank east of the riverside road, at
///   every other riverside junction and at every arterial that reaches the river. Trunk sewers
///   follow the shortest-path tree from the outfalls over the streets (Dijkstra on length plus a
///   penalty of 40 m per metre of climb, so sewers run downhill); every street not in the tree
///   gets a branch sewer from a head manhole near its upper end to its lower end. Each manhole
///   thus has exactly one outgoing pipe (a tree per outfall, as kinematic-wave routing requires).
/// - **Loads.** Each parcel (block, street surface, junction, park) is a subcatchment draining to
///   the nearest manhole; its runoff coefficient is ψ = 0.9·imperviousness + 0.15·(1 − imperviousness).
/// - **Sizing** (rational method, GB 50014): Q = ψ·F·q(P, t) with the Wuhan formula for P = 3
///   years, t = t1 + Σ L/v (t1 = 10 min inlet time, v the full-pipe velocity of each pipe
///   upstream). Each pipe takes the smallest standard diameter (300–1500 mm) whose full-flow
///   Manning capacity carries Q at the pipe's slope; beyond 1500 mm it takes parallel 1500 mm
///   barrels. Diameters never shrink downstream.
/// - **Profile.** Slope = the ground slope where that is steeper than the minimum (the slope that
///   gives 0.75 m/s full-pipe velocity, 0.003 for 300 mm), else the minimum; at least 1 m of cover
///   over the crown; pipes meet crown to crown at manholes. Inverts are written in millimetres and
///   every pipe falls toward its outfall.
struct SewerDesigner {
    var nodes: [DrainageNode] = []
    var links: [DrainageLink] = []
    var subcatchments: [Subcatchment] = []
    /// Local positions of the drainage nodes (same order as `nodes`).
    var positions: [Coordinate] = []
    let origin: Coordinate

    struct Pipe { var from: Int, to: Int }

    init(streets: StreetLayout, shore: Shoreline, terrain: Raster<Double>, parcels: ParcelLayout, relief: Relief) throws {
        origin = streets.origin
        let o = origin
        func ground(_ p: Coordinate) -> Double { terrain.value(at: o + p) ?? relief.elevation(p.x, p.y) }

        // 1. Nodes at street junctions, outfalls on the bank.
        var pos: [Coordinate] = [], ids: [String] = [], isOutfall: [Bool] = []
        for n in streets.nodes { pos.append(n.p); ids.append("J" + n.id.dropFirst()); isOutfall.append(false) }
        let maxI = streets.nodes.map(\.i).max() ?? 0, maxJ = streets.nodes.map(\.j).max() ?? 0
        var pipes: [Pipe] = []
        var sources: [Int] = []
        for (n, node) in streets.nodes.enumerated() where node.i == maxI && node.j > 0 && node.j < maxJ {
            let arterial = streets.around[n].contains { streets.segments[$0].line.cls == .arterial }
            guard node.j % 2 == 1 || arterial else { continue }
            sources.append(n)
            pos.append(Coordinate(rounded(shore.x(node.p.y) - 4), node.p.y)); ids.append("OF" + pad(sources.count, 2)); isOutfall.append(true)
            pipes.append(Pipe(from: n, to: pos.count - 1))
        }
        guard !sources.isEmpty else { throw InputError(.internalError, "the district has no riverside junction for an outfall") }

        // 2. Shortest-path tree toward the outfalls (O(n²) Dijkstra: ties go to the lower index).
        let sn = streets.nodes.count
        var dist = [Double](repeating: .infinity, count: sn), done = [Bool](repeating: false, count: sn)
        var parentSeg = [Int](repeating: -1, count: sn)
        for s in sources { dist[s] = 0 }
        let z = streets.nodes.map { ground($0.p) }
        for _ in 0..<sn {
            var y = -1
            for k in 0..<sn where !done[k] && dist[k].isFinite && (y < 0 || dist[k] < dist[y]) { y = k }
            guard y >= 0 else { break }
            done[y] = true
            for s in streets.around[y] {
                let x = streets.other(s, y)
                let c = dist[y] + streets.length(s) + 40 * max(0, z[y] - z[x])
                if !done[x], c < dist[x] { dist[x] = c; parentSeg[x] = s }
            }
        }
        guard dist.allSatisfy(\.isFinite) else { throw InputError(.internalError, "a street junction has no path to an outfall") }

        // 3. Pipes along streets, split by intermediate manholes.
        func chain(from a: Int, _ pa: Coordinate, to b: Int, _ pb: Coordinate) {
            let pieces = max(1, Int((pa.distance(to: pb) / DistrictDesign.manholeSpacing).rounded(.up)))
            var prev = a
            for k in 1..<(pieces + 1) {
                let next: Int
                if k == pieces { next = b } else {
                    pos.append(rounded(pa + (pb - pa) * (Double(k) / Double(pieces)))); ids.append("M"); isOutfall.append(false)
                    next = pos.count - 1
                }
                pipes.append(Pipe(from: prev, to: next)); prev = next
            }
        }
        for (s, seg) in streets.segments.enumerated() {
            let pa = streets.nodes[seg.a].p, pb = streets.nodes[seg.b].p
            if parentSeg[seg.a] == s { chain(from: seg.a, pa, to: seg.b, pb) }
            else if parentSeg[seg.b] == s { chain(from: seg.b, pb, to: seg.a, pa) }
            else {
                // Branch sewer: from a head manhole near the upper end down to the lower end.
                let (up, down) = (dist[seg.a], seg.a) < (dist[seg.b], seg.b) ? (seg.b, seg.a) : (seg.a, seg.b)
                let pu = streets.nodes[up].p, pd = streets.nodes[down].p
                let head = rounded(pu + (pd - pu).unit * min(25, 0.25 * pu.distance(to: pd)))
                pos.append(head); ids.append("M"); isOutfall.append(false)
                chain(from: pos.count - 1, head, to: down, pd)
            }
        }
        var m = 0
        for k in ids.indices where ids[k] == "M" { m += 1; ids[k] = "M" + pad(m, 4) }
        positions = pos

        // 4. Subcatchments to the nearest manhole.
        let rims = pos.map { rounded(ground($0)) }
        var localLoad = [Double](repeating: 0, count: pos.count)       // ψ·F (ha)
        for p in parcels.info where p.cls != .water {
            var best = -1, bd = Double.infinity
            for k in pos.indices where !isOutfall[k] {
                let d = pos[k].distance(to: p.centre)
                if d < bd { bd = d; best = k }
            }
            let psi = 0.9 * p.imperviousness + 0.15 * (1 - p.imperviousness)
            localLoad[best] += psi * p.area / 10_000
            subcatchments.append(Self.subcatchment(p, outlet: ids[best], streets: streets))
        }

        // 5. Sizing and profile, upstream to downstream.
        var out = [Int](repeating: -1, count: pos.count), indeg = [Int](repeating: 0, count: pos.count)
        for (k, p) in pipes.enumerated() { out[p.from] = k; indeg[p.to] += 1 }
        var load = localLoad, time = [Double](repeating: DistrictDesign.inletTime, count: pos.count)
        var minD = [Double](repeating: 0, count: pos.count), minBarrels = [Int](repeating: 1, count: pos.count)
        var crown = [Double](repeating: .infinity, count: pos.count)        // lowest arriving crown (m)
        var invert = [Double](repeating: 0, count: pos.count)
        var pipeDown = [Double](repeating: 0, count: pipes.count)
        var size = [(d: Double, barrels: Int, q: Double, cap: Double)](repeating: (0, 1, 0, 0), count: pipes.count)
        var queue = pos.indices.filter { indeg[$0] == 0 }, head = 0
        let formula = RainfallIntensityFormula.wuhan
        while head < queue.count {
            let n = queue[head]; head += 1
            if isOutfall[n] { continue }
            let k = out[n], p = pipes[k], len = pos[n].distance(to: pos[p.to])
            let q = load[n] * (try formula.q(returnPeriod: DistrictDesign.sewerReturnPeriod, duration: time[n])) / 1000
            let groundSlope = (rims[n] - rims[p.to]) / len
            var choice: (d: Double, barrels: Int, s: Double)?
            for d in DistrictDesign.diameters where d >= minD[n] && minBarrels[n] == 1 {
                let s = max(Self.minimumSlope(d), min(groundSlope, 0.015))
                if Self.fullFlow(d, s) >= q { choice = (d, 1, s); break }
            }
            if choice == nil {
                let d = 1.5, s = max(Self.minimumSlope(d), min(groundSlope, 0.015))
                choice = (d, max(minBarrels[n], Int((q / Self.fullFlow(d, s)).rounded(.up))), s)
            }
            let (d, barrels, s) = choice!
            let up = floorMM(min(rims[n] - DistrictDesign.minCover - d, crown[n] - d))
            var down = up - s * len
            if !isOutfall[p.to] { down = min(down, rims[p.to] - DistrictDesign.minCover - d) }
            down = floorMM(min(down, up - 0.001))
            invert[n] = up; pipeDown[k] = down
            let slope = (up - down) / len, cap = Self.fullFlow(d, slope) * Double(barrels)
            size[k] = (d, barrels, q, cap)
            let v = Self.fullFlow(d, slope) / (Double.pi * d * d / 4)
            let t = p.to
            load[t] += load[n]; time[t] = max(time[t], time[n] + len / v / 60)
            minD[t] = max(minD[t], d); minBarrels[t] = max(minBarrels[t], barrels); crown[t] = min(crown[t], down + d)
            indeg[t] -= 1
            if indeg[t] == 0 { queue.append(t) }
        }
        guard head == pos.count else { throw InputError(.internalError, "the sewer layout has a loop") }
        for (k, p) in pipes.enumerated() where isOutfall[p.to] { invert[p.to] = pipeDown[k] }

        // 6. Entities.
        for k in pos.indices {
            var n: DrainageNode
            if isOutfall[k] {
                n = DrainageNode(id: EntityID(ids[k]), kind: .outfall, position: rounded(o + pos[k]), invert: invert[k], rim: nil)
                n.outfall = invert[k] > DistrictDesign.waterLevel + 0.1 ? .free : .fixed(stage: DistrictDesign.waterLevel)
                n.flapGate = true
            } else {
                n = DrainageNode(id: EntityID(ids[k]), kind: .junction, position: rounded(o + pos[k]), invert: invert[k], rim: rims[k])
                n.surfaceCoupled = true
            }
            nodes.append(n)
        }
        for (k, p) in pipes.enumerated() {
            let len = rounded(pos[p.from].distance(to: pos[p.to]))
            var l = DrainageLink(id: EntityID("P" + pad(k + 1, 4)), kind: .conduit, from: EntityID(ids[p.from]), to: EntityID(ids[p.to]),
                                 shape: Polyline([rounded(o + pos[p.from]), rounded(o + pos[p.to])]),
                                 inletOffset: 0, outletOffset: rounded(pipeDown[k] - invert[p.to], 3))
            l.crossSection = CrossSection(shape: .circular, geom1: size[k].d, barrels: size[k].barrels)
            l.conduit = ConduitParameters(length: len, roughness: DistrictDesign.pipeRoughness)
            l.attributes = ["design_flow": .number(rounded(size[k].q, 3)), "capacity": .number(rounded(size[k].cap, 3))]
            links.append(l)
        }
    }

    /// Full-pipe Manning discharge (m³/s) of one circular barrel of diameter d (m) at slope s.
    static func fullFlow(_ d: Double, _ s: Double) -> Double {
        let area = Double.pi * d * d / 4, r = d / 4
        return area * pow(r, 2.0 / 3.0) * s.squareRoot() / DistrictDesign.pipeRoughness
    }

    /// The slope (m/m) that gives 0.75 m/s full-pipe velocity (GB 50014's minimum for storm sewers).
    static func minimumSlope(_ d: Double) -> Double {
        let v = 0.75 * DistrictDesign.pipeRoughness / pow(d / 4, 2.0 / 3.0)
        return (v * v * 10_000).rounded(.up) / 10_000
    }

    /// Green-Ampt parameters by soil texture (Rawls, Brakensiek & Miller, "Green-Ampt infiltration
    /// parameters from soils data", J. Hydraulic Eng. 109(1), 1983): suction head (mm), saturated
    /// conductivity (mm/h) and effective porosity; the initial deficit is half the effective porosity.
    static func greenAmpt(_ soil: SoilTexture) -> Infiltration {
        let (psi, ks, theta): (Double, Double, Double) = switch soil {
        case .sand: (49.5, 117.8, 0.417)
        case .loamySand: (61.3, 29.9, 0.401)
        case .sandyLoam: (110.1, 10.9, 0.412)
        case .loam: (88.9, 3.4, 0.434)
        case .siltLoam: (166.8, 6.5, 0.486)
        case .sandyClayLoam: (218.5, 1.5, 0.330)
        case .clayLoam: (208.8, 1.0, 0.309)
        case .siltyClayLoam: (273.0, 1.0, 0.432)
        case .sandyClay: (239.0, 0.6, 0.321)
        case .siltyClay: (292.2, 0.5, 0.423)
        case .clay: (316.3, 0.3, 0.385)
        }
        return .greenAmpt(suction: psi, conductivity: ks, initialDeficit: rounded(theta / 2, 3))
    }

    static func subcatchment(_ p: ParcelInfo, outlet: String, streets: StreetLayout) -> Subcatchment {
        let flowLength: Double
        switch p.cls {
        case .road: flowLength = p.segment.map { streets.segments[$0].halfWidth } ?? 10
        default: flowLength = max(20, min(80, p.area.squareRoot() / 3))
        }
        let green = p.cls == .park || p.cls == .green
        var s = Subcatchment(id: EntityID("S" + p.id), outlet: outlet, area: rounded(p.area, 1), width: rounded(p.area / flowLength, 1),
                             slope: p.slope, imperviousness: p.imperviousness, nImpervious: p.cls == .road ? 0.012 : 0.013,
                             nPervious: green ? 0.24 : 0.15, storageImpervious: 2.0, storagePervious: green ? 8.0 : 6.0,
                             zeroStorageFraction: 0.25)
        s.rainGauge = "RG1"
        s.infiltration = Self.greenAmpt(p.soil ?? .siltyClayLoam)
        s.shape = .polygon(Polygon(exterior: p.ring.map { rounded(streets.origin + $0) }))
        s.attributes = ["parcel": .string(p.id)]
        return s
    }

    /// The rain gauge at the district's centre, a level sensor in the manhole nearest each pocket,
    /// and a flow sensor on each outfall pipe.
    func sensors(pockets: [(Double, Double)], centre: Coordinate) -> [Sensor] {
        var out = [Sensor(id: "RG1", position: rounded(centre), kind: .rainGauge)]
        for (k, pk) in pockets.enumerated() {
            let c = Coordinate(pk.0, pk.1)
            guard let n = positions.indices.filter({ nodes[$0].kind == .junction })
                .min(by: { positions[$0].distance(to: c) < positions[$1].distance(to: c) }) else { continue }
            out.append(Sensor(id: EntityID("LV" + pad(k + 1, 2)), position: rounded(origin + positions[n]), kind: .waterLevel,
                              target: "drainage_nodes:\(nodes[n].id)"))
        }
        for l in links where nodes.first(where: { $0.id == l.to })?.kind == .outfall {
            out.append(Sensor(id: EntityID("FL-" + l.to.rawValue), position: l.shape.map { $0.allCoordinates[0] } ?? rounded(centre),
                              kind: .flow, target: "drainage_links:\(l.id)"))
        }
        return out
    }
}

/// Rounds down to the millimetre.
func floorMM(_ x: Double) -> Double { (x * 1000).rounded(.down) / 1000 }
