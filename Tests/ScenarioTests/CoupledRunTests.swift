import CityIO
import Flood
import Foundation
import Report
import Scenario
import Testing
import TestSupport

@Suite struct CoupledRunTests {
    /// `processes: [flood, drainage]` on the small district under a 50-year storm: the manholes
    /// spill onto the street grid, the surface's own balance carries exactly the exchange, and the
    /// city-wide balance closes.
    @Test func coupledRunSpillsOntoTheGridAndItsBalanceCloses() throws {
        let f = TemporaryFolder()
        _ = try writeSmallDistrict(f)
        let path = f.file("c.yaml")
        let text = drainageScene(years: 50, name: "c").replacingOccurrences(of: "[drainage]", with: "[flood, drainage]")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let scene = try RunScene.load(path)
        #expect(scene.isCoupled)
        var run = try SceneRun(scene: scene, threads: 1)
        var fractions: [Double] = []
        try run.run { fr, _ in fractions.append(fr) }
        #expect(fractions.last == 1 && fractions == fractions.sorted(), "progress runs 0…1: \(fractions)")
        let c = try #require(run.coupled)
        let b = try #require(c.balance)
        let x = try #require(c.exchange)
        let surface = try #require(run.flood).simulation.balance
        #expect(c.inlets.count == scene.model.drainageNodes.filter { $0.kind == .junction }.count)
        // Water leaves the manholes onto the grid, and the grid shows it.
        #expect(b.surcharged > 1, "surcharge \(b.surcharged) m³")
        let depth = try #require(run.maxDepth)
        #expect(x.surcharged.indices.contains { x.surcharged[$0] > 0.01 && depth.values[c.inlets[$0].cell] > 0 })
        // The surface books exactly what the coupler exchanged (m³; float depths round at ~1e-6).
        let tol = 1e-3 + 1e-5 * (b.surcharged + b.drained)
        #expect(abs(surface.exchangeIn - b.surcharged) < tol, "surface in \(surface.exchangeIn) vs surcharged \(b.surcharged)")
        #expect(abs(surface.exchangeOut - b.drained) < tol, "surface out \(surface.exchangeOut) vs drained \(b.drained)")
        // The surface volume change is rain + inflow − infiltration − outflow + exchange (in − out).
        let change = surface.storage - surface.initialStorage
        let booked = surface.rain + surface.inflow - surface.infiltration - surface.outflow + b.surcharged - b.drained
        #expect(abs(change - booked) < 0.01 * surface.volumeIn, "surface change \(change) vs booked \(booked)")
        // The city-wide balance closes within 1 %.
        #expect(abs(b.relativeError) < 0.01, "\(b)")
        let kpis = run.kpis
        func kpi(_ n: String) throws -> Double { try #require(kpis.first { $0.name == n }, "\(n) missing").value }
        #expect(abs(try kpi("Surcharge onto the street") - b.surcharged) < 1e-9)
        #expect(abs(try kpi("Coupled balance error") - 100 * b.relativeError) < 1e-9)
        #expect(kpis.contains { $0.name == "Total flooding volume" } && kpis.contains { $0.name == "Maximum depth on land" })
        let files = try run.write(to: f.file("out"), overwrite: false)
        #expect(files.contains("coupled_summary.json") && files.contains("drainage_summary.json"))
    }
}
