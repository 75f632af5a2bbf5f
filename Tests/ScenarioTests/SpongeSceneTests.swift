import CityIO
import CityModel
import Foundation
import Geometry
import Report
import Scenario
import Stormwater
import Testing
import TestSupport

/// The small district's drainage scene with `interventions:` appended.
func spongeScene(_ interventions: String, name: String = "s", drainage: String = "drainage: {routing: dynamic_wave, routing_step: 5s}") -> String {
    drainageScene(years: 50, name: name, drainage: drainage) + "\ninterventions:\n" + interventions + "\n"
}

@Suite struct SpongeSceneReaderTests {
    func load(_ text: String) throws -> RunScene {
        let f = TemporaryFolder()
        _ = try writeSmallDistrict(f)
        let path = f.file("s.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try RunScene.load(path)
    }

    /// The first residential parcel with bio-retention and permeable-pavement candidates, and its subcatchment.
    func residential(_ m: CityModel) throws -> (parcel: Parcel, sub: Subcatchment) {
        for p in m.landUse where p.landUse == "residential" {
            if let s = m.subcatchments.first(where: { $0.attributes["parcel"] == .string(p.id.rawValue) }) { return (p, s) }
        }
        throw InputError(.missingField, "no residential parcel with a subcatchment")
    }

    @Test func placesFacilitiesAsLIDUnitsAndKeepsTheImperviousArea() throws {
        let f0 = TemporaryFolder()
        let dir = try writeSmallDistrict(f0)
        let m0 = try ModelStore.load(dir)
        let (p, s) = try residential(m0)
        let scene = try load(spongeScene("""
              sponge:
                - {type: bio_retention, parcel: \(p.id.rawValue), area: 100}
                - {type: permeable_pavement, parcel: \(p.id.rawValue), fraction: 0.05}
                - {type: green_roof, subcatchment: \(s.id.rawValue), area: 200}
            """))
        let d = try #require(scene.drainage)
        #expect(d.sponge.count == 3)
        let project = try #require(d.model.stormwater)
        let usage = project.lidUsage.filter { $0.subcatchment == s.id.rawValue }
        #expect(usage.count == 3)
        let areas = Dictionary(uniqueKeysWithValues: usage.map { ($0.control, $0.unitArea * Double($0.count)) })
        #expect(areas["SPONGE_BC"] == 100)
        #expect(abs(areas["SPONGE_PP"]! - 0.05 * s.area) < 1e-9)
        #expect(areas["SPONGE_GR"] == 200)
        // The impervious area outside the facilities is the old one minus pavement and roof.
        let after = try #require(d.model.subcatchments.first { $0.id == s.id })
        let rest = s.area - 100 - 0.05 * s.area - 200
        #expect(abs(after.imperviousness * rest - (s.imperviousness * s.area - 0.05 * s.area - 200)) < 1e-6)
        // Bio-retention takes the runoff of 15 times its area of paving.
        let bc = try #require(usage.first { $0.control == "SPONGE_BC" })
        #expect(abs(bc.fromImpervious - 15 * 100 / (after.imperviousness * rest)) < 1e-9)
        // The baseline is the model without them.
        let base = try #require(d.withoutSponge)
        #expect(base.model.stormwater?.lidUsage.isEmpty == true)
        #expect(base.model.subcatchments.first { $0.id == s.id }?.imperviousness == s.imperviousness)
    }

    @Test func candidatesOnAllParcelsOfALandUse() throws {
        let scene = try load(spongeScene("""
              sponge:
                - {type: bio_retention, parcels: all, land_use: [residential, park], candidates: 0.5}
            """))
        let d = try #require(scene.drainage)
        let parcels = Dictionary(uniqueKeysWithValues: d.model.landUse.map { ($0.id.rawValue, $0) })
        #expect(!d.sponge.isEmpty)
        for x in d.sponge {
            let p = try #require(parcels[x.parcel ?? ""])
            #expect(["residential", "park"].contains(p.landUse))
            guard case .array(let list)? = p.attributes["sponge_candidates"] else { Issue.record("no candidates on \(p.id)"); continue }
            let c = list.compactMap { v -> Double? in
                guard case .object(let o) = v, o["type"] == .string("bio_retention"), case .number(let a)? = o["area"] else { return nil }
                return a
            }.reduce(0, +)
            #expect(abs(x.area - 0.5 * c) < 1e-9)
        }
    }

    @Test func refusesOverlapsOverfullAndUnknownNames() throws {
        let f0 = TemporaryFolder()
        let m0 = try ModelStore.load(try writeSmallDistrict(f0))
        let (p, s) = try residential(m0)
        // Overlapping: the same type twice on one subcatchment (line of the second entry).
        try expectSceneError(spongeScene("""
              sponge:
                - {type: bio_retention, parcel: \(p.id.rawValue), area: 10}
                - {type: bio_retention, subcatchment: \(s.id.rawValue), area: 20}
            """), line: 20, contains: ["interventions.sponge[1].subcatchment", "overlapping", "line 19"])
        // Over 100 % of the impervious area.
        try expectSceneError(spongeScene("""
              sponge:
                - {type: permeable_pavement, parcel: \(p.id.rawValue), fraction: \(s.imperviousness * 0.7)}
                - {type: green_roof, parcel: \(p.id.rawValue), fraction: \(s.imperviousness * 0.4)}
            """), line: 20, contains: ["E503", "interventions.sponge[1].parcel", "over 100 %", "impervious"])
        try expectSceneError(spongeScene("""
              sponge:
                - {type: bio_retention, parcel: \(p.id.rawValue), fraction: 1.0}
            """), line: 19, contains: ["over 100 %", "pervious"])
        try expectSceneError(spongeScene("""
              sponge:
                - {type: rain_garden, parcel: \(p.id.rawValue), area: 10}
            """), line: 19, contains: ["E105", "interventions.sponge[0].type", "bio_retention"])
        try expectSceneError(spongeScene("""
              sponge:
                - {type: bio_retention, parcel: NOPE, area: 10}
            """), line: 19, contains: ["E105", "interventions.sponge[0].parcel", "not in the model"])
        try expectSceneError(spongeScene("""
              sponge:
                - {type: bio_retention, parcel: \(p.id.rawValue), area: -3}
            """), line: 19, contains: ["E503", "interventions.sponge[0].area", "positive"])
        try expectSceneError(spongeScene("""
              sponge:
                - {type: bio_retention, parcel: \(p.id.rawValue), area: 3, fraction: 0.1}
            """), line: 19, contains: ["interventions.sponge[0]", "not several"])
        // Pump failures name pumps of the model (the district has none).
        try expectSceneError(spongeScene("""
              pump_failures:
                - {pump: PU1, at: 30min}
            """), line: 19, contains: ["E105", "interventions.pump_failures[0].pump", "not in the model", "no pumps"])
        // Interventions without drainage stay refused.
        try expectSceneError(stormScene(years: 50, name: "s", extra: "interventions: {sponge: []}"),
                        line: 19, contains: ["E105", "interventions.sponge", "needs drainage among the processes"])
    }
}

@Suite struct SpongeRunTests {
    @Test func reductionsComeFromTheRunsWithAndWithoutFacilities() throws {
        let f = TemporaryFolder()
        _ = try writeSmallDistrict(f)
        let path = f.file("s.yaml")
        try spongeScene("""
              sponge:
                - {type: bio_retention, parcels: all, land_use: [residential, commercial, public, park], candidates: 1.0}
                - {type: permeable_pavement, parcels: all, candidates: 0.5}
                - {type: green_roof, parcels: all, candidates: 0.5}
            """).write(toFile: path, atomically: true, encoding: .utf8)
        var run = try SceneRun(scene: try RunScene.load(path), threads: 1)
        try run.run()
        let d = try #require(run.drainage), b = try #require(run.spongeBaseline)
        let kpis = run.kpis
        func kpi(_ n: String) throws -> Double { try #require(kpis.first { $0.group == DrainageKPIs.spongeGroup && $0.name == n }, "\(n) missing").value }
        let qa = try #require(d.totalOutfallFlow.max()), qb = try #require(b.totalOutfallFlow.max())
        #expect(abs(try kpi("Peak outfall flow reduction") - 100 * (1 - qa / qb)) < 1e-9)
        #expect(abs(try kpi("Runoff volume reduction") - 100 * (1 - d.runoffVolume / b.runoffVolume)) < 1e-9)
        // The facilities hold water back: less runoff and a lower peak than without them.
        #expect(try kpi("Runoff volume reduction") > 1)
        #expect(try kpi("Peak outfall flow reduction") > 0)
        #expect(abs(try kpi("Sponge facility area") - d.scene.sponge.reduce(0) { $0 + $1.area }) < 1e-6)
        // The baseline is exactly the plain drainage scene: same runoff as a run of the scene without interventions.
        let plain = f.file("p.yaml")
        try drainageScene(years: 50, name: "p").write(toFile: plain, atomically: true, encoding: .utf8)
        var p = try SceneRun(scene: try RunScene.load(plain), threads: 1)
        try p.run()
        #expect(abs(try #require(p.drainage).runoffVolume - b.runoffVolume) < 1e-9 * b.runoffVolume)
    }
}

@Suite struct CaptureRatioTests {
    @Test func statisticalMethodByHand() {
        // Days ≤ 2 mm are left out: 1 and 2 mm drop, 4, 10, 30 count (44 mm in all).
        let daily = [1.0, 2.0, 4.0, 10.0, 30.0, 0]
        // H = 10 mm: 4 + 10 + 10 controlled = 24 of 44.
        #expect(abs(CaptureRatio.statistical(daily: daily, designDepth: 10) - 24.0 / 44) < 1e-12)
        // H = 5 mm: 4 + 5 + 5 = 14 of 44.
        #expect(abs(CaptureRatio.statistical(daily: daily, designDepth: 5) - 14.0 / 44) < 1e-12)
        #expect(CaptureRatio.statistical(daily: daily, designDepth: 30) == 1)
        // The inverse: 24/44 needs H = 10 mm.
        #expect(abs(CaptureRatio.designDepth(daily: daily, ratio: 24.0 / 44)! - 10) < 0.01)
        #expect(CaptureRatio.designDepth(daily: [1, 2], ratio: 0.8) == nil)
    }

    @Test func simulatedRatioOfAPavedAndAnOpenCatchment() throws {
        // One fully paved subcatchment with no depression storage sends all its rain on; one
        // without paving on sand takes in a light rain completely.
        var m = CityModel(name: "two", crs: CRS("EPSG:4547"))
        m.drainageNodes = [DrainageNode(id: "O", kind: .outfall, position: .init(0, 0), invert: 0, rim: nil)]
        var paved = Subcatchment(id: "PAVED", outlet: "O", area: 10_000, width: 100, slope: 0.01, imperviousness: 1,
                                 storageImpervious: 0, zeroStorageFraction: 1)
        paved.rainGauge = "RG"
        var open = Subcatchment(id: "OPEN", outlet: "O", area: 10_000, width: 100, slope: 0.01, imperviousness: 0)
        open.rainGauge = "RG"
        open.infiltration = .horton(maxRate: 100, minRate: 50, decay: 4, dryTime: 7, maxVolume: 0)
        m.subcatchments = [paved, open]
        var hourly = [Double](repeating: 0, count: 8760)
        for d in stride(from: 10, to: 360, by: 30) { hourly[d * 24 + 12] = 5 }   // 12 light rains of 5 mm
        let y = try CaptureRatio.simulate(model: m, hourly: hourly)
        #expect(abs(y.rain - 60e-3 * 20_000) < 1e-3 * y.rain)
        // Half the area sheds its rain, the other half takes it all in: α = 0.5, a little more for
        // the water that evaporates from the paving while it runs off.
        #expect(y.ratio >= 0.5 && y.ratio < 0.55, "α = \(y.ratio)")
        #expect(abs(y.rain - y.discharged - y.infiltrated - y.evaporated) < 0.01 * y.rain)
        #expect(abs(y.infiltrated - 0.5 * y.rain) < 0.01 * y.rain)
        #expect(abs(y.continuityError) < 0.5)
    }

    @Test func syntheticRecordIsReproducibleAndWuhanLike() {
        let a = SyntheticRain(seed: 1).hourly(), b = SyntheticRain(seed: 1).hourly(), c = SyntheticRain(seed: 2).hourly()
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 8760)
        #expect(abs(a.reduce(0, +) - 1260) < 1e-6)
        let daily = CaptureRatio.daily(hourly: a)
        let wet = daily.filter { $0 > 0.1 }.count
        #expect(wet > 100 && wet < 170, "\(wet) wet days")
        #expect(a.allSatisfy { $0 >= 0 })
    }

    @Test func committedRecordIsTheGeneratorsOutput() throws {
        let path = (packageRoot as NSString).appendingPathComponent("Scenes/rain/district-synthetic-year.csv")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == SyntheticRain(seed: 1).csv())
    }
}
