import CityIO
import CityModel
import Foundation
import Geometry
import Scenario
import Testing
import TestSupport

/// One small (1 km) district shared by the tests, generated once.
let smallDistrict: Result<CityModel, any Error> = Result { try DistrictGenerator.generate(DistrictOptions(seed: 11, size: 1)) }

@Suite struct DistrictGeneratorTests {
    func model() throws -> CityModel { try smallDistrict.get() }
    func model(_ seed: UInt64) throws -> CityModel {
        seed == 11 ? try smallDistrict.get() : try DistrictGenerator.generate(DistrictOptions(seed: seed, size: 1))
    }

    /// Every file of a saved model folder, by name.
    func files(_ model: CityModel, in folder: borrowing TemporaryFolder) throws -> [String: Data] {
        let path = folder.file("m")
        try ModelStore.save(model, to: path, nativeCRS: true)
        var out: [String: Data] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: path) {
            out[f] = FileManager.default.contents(atPath: path + "/" + f)
        }
        return out
    }

    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let a = TemporaryFolder(), b = TemporaryFolder()
        let again = try DistrictGenerator.generate(DistrictOptions(seed: 11, size: 1))
        let fa = try files(try model(), in: a), fb = try files(again, in: b)
        #expect(fa.count >= 11)
        #expect(fa.keys.sorted() == fb.keys.sorted())
        for k in fa.keys.sorted() { #expect(fa[k] == fb[k], "\(k) differs between two runs with the same seed") }
    }

    @Test func differentSeedsDiffer() throws {
        let m1 = try model(), m2 = try DistrictGenerator.generate(DistrictOptions(seed: 12, size: 1))
        #expect(m1.terrain != m2.terrain)
        #expect(m1.roadNodes.map(\.position) != m2.roadNodes.map(\.position))
        #expect(m1.buildings.map(\.shape) != m2.buildings.map(\.shape))
    }

    @Test(arguments: [11, 1, 2, 3, 4, 5] as [UInt64])
    func validatesWithoutErrorsOrWarnings(seed: UInt64) throws {
        let issues = try model(seed).validate()
        #expect(issues.isEmpty, "\(issues.prefix(5).map(\.description))")
    }

    @Test func placedNearWuhanInGaussKruger() throws {
        let m = try model()
        #expect(m.crs == .epsg(4547))
        let t = try CoordinateTransformer(from: .epsg(4547), to: .wgs84)
        let c = try t.transform(m.extent.center)
        #expect(abs(c.x - 114.3) < 0.05 && abs(c.y - 30.6) < 0.05, "centre at \(c)")
    }

    @Test func countsArePlausibleForOneSquareKilometre() throws {
        let m = try model()
        #expect((15...80).contains(m.roadNodes.count), "\(m.roadNodes.count) junctions")
        #expect(m.roadEdges.count >= 2 * m.roadNodes.count, "\(m.roadEdges.count) edges")
        #expect((1...6).contains(m.signalPrograms.count), "\(m.signalPrograms.count) signals")
        #expect((80...800).contains(m.buildings.count), "\(m.buildings.count) buildings")
        #expect(m.drainageNodes.filter { $0.kind == .outfall }.count >= 2)
        #expect(m.subcatchments.count >= 40)
        let uses = Set(m.landUse.map(\.landUse))
        for u in ["residential", "park", "road", "water"] { #expect(uses.contains(u), "no \(u) parcel") }
        // Parcels other than the river and subcatchments cover most of the land.
        let land = m.landUse.filter { $0.landUse != "water" }.reduce(0) { $0 + area($1.shape) }
        let sub = m.subcatchments.reduce(0) { $0 + $1.area }
        let water = m.landUse.filter { $0.landUse == "water" }.reduce(0) { $0 + area($1.shape) }
        #expect(abs(sub - land) / land < 0.01, "subcatchments \(sub) m² vs parcels \(land) m²")
        #expect(land + water > 0.9e6 && land + water < 1.0e6, "parcels cover \(land + water) m² of 1 km²")
        // Buildings have heights that match their floors.
        for b in m.buildings { #expect(b.height >= 2.5 * Double(b.floors ?? 1) && b.height <= 4.5 * Double(b.floors ?? 1) + 1) }
    }

    @Test func terrainHasARiverAndPockets() throws {
        let m = try model()
        let t = try #require(m.terrain)
        let r = try #require(t.range)
        #expect(r.lowerBound < DistrictDesign.waterLevel && r.upperBound > 20 && r.upperBound < 35, "\(r)")
        // The east column is river, the west column land; the land falls toward the river.
        let g = t.grid
        let east = (0..<g.height).map { t.elevation[$0, g.width - 1] }, west = (0..<g.height).map { t.elevation[$0, 0] }
        #expect(east.allSatisfy { $0 < DistrictDesign.waterLevel })
        #expect(west.allSatisfy { $0 > DistrictDesign.waterLevel + 4 })
        // Near each pocket's level sensor lies a hollow: the lowest ground within 100 m is lower than
        // the ground all around it 120 m away.
        let sensors = m.sensors.filter { $0.kind == .waterLevel }
        #expect(sensors.count >= 2)
        for s in sensors {
            guard case .point(let p)? = s.shape else { Issue.record("sensor \(s.id) has no position"); continue }
            var low = p, zLow = Double.infinity
            for dy in stride(from: -100.0, through: 100, by: 10) {
                for dx in stride(from: -100.0, through: 100, by: 10) where dx * dx + dy * dy <= 100 * 100 {
                    let q = Coordinate(p.x + dx, p.y + dy)
                    if let z = t.elevation(at: q), z < zLow { zLow = z; low = q }
                }
            }
            for k in 0..<16 {
                let a = Double(k) * .pi / 8
                guard let z = t.elevation(at: Coordinate(low.x + 120 * cos(a), low.y + 120 * sin(a))) else { continue }
                #expect(z > zLow, "hollow near \(s.id): bottom \(zLow) m, ground \(z) m 120 m away at \(Double(k) * 22.5)°")
            }
        }
    }

    @Test(arguments: [11, 1, 2, 3] as [UInt64])
    func roadNetworkIsStronglyConnectedThroughItsTurns(seed: UInt64) throws {
        let m = try model(seed)
        let index = Dictionary(uniqueKeysWithValues: m.roadEdges.enumerated().map { ($1.id, $0) })
        var next = [[Int]](repeating: [], count: m.roadEdges.count), prev = next
        var served = Set<String>()
        for c in m.roadConnections {
            let a = try #require(index[c.fromEdge]), b = try #require(index[c.toEdge])
            #expect(m.roadEdges[a].from != m.roadEdges[b].to, "connection \(c.id) is a U-turn")
            #expect(c.direction != .uTurn)
            next[a].append(b); prev[b].append(a)
            served.insert("\(c.fromEdge)#\(c.fromLane)")
        }
        // Every lane of every edge has a way on (there are no dead ends).
        for e in m.roadEdges { for l in 0..<e.lanes { #expect(served.contains("\(e.id)#\(l)"), "lane \(l) of \(e.id) has no connection") } }
        func reach(_ adj: [[Int]]) -> Int {
            var seen = [Bool](repeating: false, count: adj.count), stack = [0]
            seen[0] = true
            while let v = stack.popLast() { for w in adj[v] where !seen[w] { seen[w] = true; stack.append(w) } }
            return seen.filter { $0 }.count
        }
        #expect(reach(next) == m.roadEdges.count && reach(prev) == m.roadEdges.count, "edge graph is not strongly connected")
    }

    @Test(arguments: [11, 1, 2, 3] as [UInt64])
    func signalProgramsCoverEveryMovement(seed: UInt64) throws {
        let m = try model(seed)
        for p in m.signalPrograms {
            let conns = m.roadConnections.filter { $0.signal == p.id }
            let width = try #require(p.phases.first).state.count
            #expect(width == conns.count)
            #expect(Set(conns.compactMap(\.linkIndex)) == Set(0..<width))
            for c in conns {
                let i = c.linkIndex!
                let letters = p.phases.map { Array($0.state)[i] }
                #expect(letters.contains { $0 == "G" || $0 == "g" }, "movement \(c.id) never gets green at \(p.id)")
                #expect(letters.contains("y"), "movement \(c.id) has no yellow at \(p.id)")
            }
            #expect(p.phases.contains { $0.state.allSatisfy { $0 == "r" } }, "\(p.id) has no all-red")
            #expect((60...160).contains(p.cycle))
            let node = try #require(m.roadNodes.first { $0.id == p.node })
            #expect(node.control == .trafficLight)
        }
        // Unsignalised junctions of three or more streets are priority junctions.
        let signalled = Set(m.signalPrograms.map(\.node))
        for n in m.roadNodes where !signalled.contains(n.id) { #expect(n.control != .trafficLight) }
    }

    @Test(arguments: [11, 1, 2, 3] as [UInt64])
    func sewerDrainsDownhillToOutfallsAndGrowsDownstream(seed: UInt64) throws {
        let m = try model(seed)
        let nodes = Dictionary(uniqueKeysWithValues: m.drainageNodes.map { ($0.id, $0) })
        var outgoing: [EntityID<DrainageNode>: DrainageLink] = [:]
        for l in m.drainageLinks {
            #expect(outgoing[l.from] == nil, "node \(l.from) has more than one outgoing pipe")
            outgoing[l.from] = l
        }
        for l in m.drainageLinks {
            let a = try #require(nodes[l.from]), b = try #require(nodes[l.to])
            let c = try #require(l.conduit), x = try #require(l.crossSection)
            let slope = ((a.invert + l.inletOffset) - (b.invert + l.outletOffset)) / c.length
            // At least the slope that gives 0.75 m/s full-pipe velocity (GB 50014's minimum), n = 0.013.
            let minimum = pow(0.75 * 0.013 / pow(x.geom1 / 4, 2.0 / 3.0), 2)
            #expect(slope > 0 && slope >= minimum * (1 - 1e-3), "\(l.id) (\(x.geom1) m) has slope \(slope) < \(minimum)")
            #expect(x.shape == .circular && DistrictDesign.diameters.contains(x.geom1))
            if case .number(let q)? = l.attributes["design_flow"], case .number(let cap)? = l.attributes["capacity"] {
                #expect(cap >= q * 0.999, "\(l.id) carries \(cap) m³/s for a design flow of \(q) m³/s")
            } else { Issue.record("\(l.id) has no design flow or capacity") }
            if let rim = a.rim { #expect(rim - (a.invert + x.geom1) >= DistrictDesign.minCover - 1e-6, "\(l.id) has too little cover") }
            if let down = outgoing[l.to], let y = down.crossSection {
                #expect(y.geom1 >= x.geom1 && (y.geom1 > x.geom1 || y.barrels >= x.barrels), "\(down.id) is smaller than \(l.id) upstream of it")
            }
        }
        // Every node reaches an outfall.
        for n in m.drainageNodes where n.kind != .outfall {
            var at = n.id, steps = 0
            while let l = outgoing[at], steps < 10_000 { at = l.to; steps += 1 }
            #expect(nodes[at]?.kind == .outfall, "\(n.id) ends at \(at)")
        }
        // Subcatchments drain to manholes; the rational-method flow at each outfall is positive.
        for s in m.subcatchments { #expect(nodes[EntityID(s.outlet)]?.kind == .junction) }
    }

    @Test func spongeCandidatesAreOffered() throws {
        let m = try model()
        var kinds = Set<String>()
        for p in m.landUse {
            guard case .array(let offers)? = p.attributes["sponge_candidates"] else { continue }
            for case .object(let o) in offers {
                if case .string(let t)? = o["type"] { kinds.insert(t) }
                if case .number(let a)? = o["area"] { #expect(a > 0 && a <= area(p.shape) + 1) }
            }
        }
        #expect(kinds == ["bio_retention", "permeable_pavement", "green_roof"])
        #expect(m.buildings.contains { $0.attributes["green_roof_candidate"] == .bool(true) })
    }

    @Test func badOptionsAreRefused() {
        #expect(throws: InputError.self) { try DistrictGenerator.generate(DistrictOptions(seed: 1, size: 0.1)) }
        #expect(throws: InputError.self) { try DistrictGenerator.generate(DistrictOptions(seed: 1, size: 1, cellSize: 7)) }
        #expect(throws: InputError.self) { try DistrictGenerator.generate(DistrictOptions(seed: 1, size: 1, cellSize: 0)) }
    }
}

func area(_ s: Shape?) -> Double {
    switch s {
    case .polygon(let p)?: p.area
    case .multiPolygon(let m)?: m.area
    default: 0
    }
}

@Suite struct CommittedDistrictTests {
    /// Models/district is what `scripts/make-district` writes: seed 1, 2 km, 10 m cells.
    @Test func committedDistrictIsTheGeneratorsOutputAndValid() throws {
        let committed = try ModelStore.load(packageRoot + "/Models/district")
        #expect(committed.validate().isEmpty)
        var fresh = try DistrictGenerator.generate(DistrictOptions(seed: 1, size: 2, cellSize: 10))
        fresh.name = committed.name
        let diffs = sameContent(committed, fresh)
        #expect(diffs.isEmpty, "\(diffs.prefix(3))")
    }
}
