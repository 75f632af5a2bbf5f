import CityModel
import Foundation
import Geometry
import Testing
@testable import Stormwater

/// Storage-unit seepage (Seepage.swift) against closed forms and the routing mass balance.
@Suite struct SeepageTests {
    /// A tank whose only way out is its bottom: the outlet pipe sits above the water.
    func tank(ks: Double, suction: Double?, deficit: Double?, method: FlowRoutingMethod, hours: Double)
        throws -> (StormwaterSimulation, area: Double, h0: Double)
    {
        let area = 200.0, h0 = 1.5
        var p = Build.project(hours: hours, routing: method, step: 10)
        p.options.variableStep = 0
        p.storageDetails["T"] = StorageDetails(seepageSuction: suction, seepageConductivity: ks, seepageInitialDeficit: deficit)
        var t = Build.node("T", .storage, invert: 10, depth: 4)
        t.storage = .functional(a: 0, b: 0, c: area)
        t.initialDepth = h0
        var pipe = Build.pipe("C1", "T", "O1", diameter: 0.5, length: 50)
        pipe.inletOffset = 3
        let nodes = [t, Build.node("O1", .outfall, invert: 8, depth: nil)]
        var sim = try StormwaterSimulation(nodes: nodes, links: [pipe], project: p)
        sim.run()
        return (sim, area, h0)
    }

    /// With no moisture deficit Green-Ampt infiltrates at exactly Ks once saturated, so the
    /// tank's level falls linearly at Ks: h(t) = h0 − Ks·t; the seepage term of the routing
    /// continuity equals the volume the tank lost.
    @Test(arguments: [FlowRoutingMethod.dynamicWave, .kinematicWave])
    func bottomSeepsAtConductivityWithoutDeficit(method: FlowRoutingMethod) throws {
        let ksMmH = 200.0, hours = 4.0
        let (sim, area, h0) = try tank(ks: ksMmH, suction: 50, deficit: 0, method: method, hours: hours)
        let expected = h0 - ksMmH / 1000 * hours
        let depth = sim.router.newDepth[0] * 0.3048
        #expect(abs(depth - expected) < 0.002, "level \(depth) m vs \(expected) m")
        let lost = area * (h0 - depth)
        let seep = sim.summary.continuity.seepageLoss
        #expect(abs(seep - lost) < 0.002 * lost, "seepage \(seep) m³ vs volume lost \(lost) m³")
        #expect(sim.summary.outfalls["O1"]!.totalVolume == 0)
    }

    /// With a moisture deficit the suction term makes the bottom seep faster than Ks, most at the
    /// start (F small), and the mass balance still closes.
    @Test func greenAmptDeficitSeepsFasterThanConductivity() throws {
        let ksMmH = 20.0, hours = 2.0
        let (sim, area, h0) = try tank(ks: ksMmH, suction: 100, deficit: 0.3, method: .kinematicWave, hours: hours)
        let depth = sim.router.newDepth[0] * 0.3048
        let drop = h0 - depth
        #expect(drop > ksMmH / 1000 * hours * 1.2, "drop \(drop) m should exceed Ks·t = \(ksMmH / 1000 * hours) m")
        #expect(drop < h0)
        let seep = sim.summary.continuity.seepageLoss
        #expect(abs(seep - area * drop) < 0.002 * area * drop)
        #expect(abs(sim.summary.flowRoutingErrorPercent) < 0.05)
    }

    /// A seeping tank never loses more than it holds: it ends empty (never below zero) and the
    /// seepage booked equals its initial volume to the trapezoidal accounting of the last steps.
    @Test func seepageStopsWhenEmpty() throws {
        let (sim, area, h0) = try tank(ks: 3000, suction: 50, deficit: 0, method: .dynamicWave, hours: 2)
        #expect(sim.router.newDepth[0] == 0)
        let seep = sim.summary.continuity.seepageLoss
        #expect(abs(seep - area * h0) < 0.005 * area * h0, "seepage \(seep) m³ vs stored \(area * h0) m³")
    }

    /// Storage evaporation and conduit seepage are refused rather than ignored.
    @Test func unsimulatedLossesAreRefused() throws {
        var model = CityModel(name: "losses", crs: CRS("LOCAL:SWMM"))
        var p = Build.project(hours: 1)
        p.storageDetails["T"] = StorageDetails(evaporationFactor: 0.5)
        model.stormwater = p
        #expect(throws: (any Error).self) { try SWMMRun.checkSupported(model) }
        p.storageDetails = [:]
        p.conduitDetails["C1"] = ConduitDetails(seepageRate: 2)
        model.stormwater = p
        #expect(throws: (any Error).self) { try SWMMRun.checkSupported(model) }
    }
}
