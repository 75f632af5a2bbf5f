import CityIO
import CityModel
import Foundation
import Testing
import TestSupport
@testable import Stormwater

/// SWMM's expected results for a model, as written by `scripts/swmm_expected.py` (EPA SWMM 5.2.4
/// through swmm-toolkit) in the layout of the shared `expected/*.json`.
struct SWMMExpected {
    var outfalls: [String: (volume: Double, peak: Double)] = [:]
    var depths: [String: Double] = [:]
    var continuity = 0.0
    var metric = false

    init(path: String) throws {
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        for (id, o) in (obj["outfalls"] as? [String: [String: Any]]) ?? [:] {
            outfalls[id] = ((o["total_volume"] as? Double) ?? 0, (o["peak_inflow"] as? Double) ?? 0)
        }
        depths = (obj["node_max_depth"] as? [String: Double]) ?? [:]
        continuity = ((obj["continuity"] as? [String: Any])?["flow_routing_error_pct"] as? Double) ?? .nan
        metric = ((obj["units"] as? [String: Any])?["depth"] as? String) == "m"
    }

    /// Checks a run's summary against these results with the issue's tolerances: outfall volume
    /// 0.5 %, outfall peak 2 %, node maximum depth 2 cm (0.07 ft), flow-routing continuity ±0.5 points.
    func check(_ s: RoutingSummary, _ name: String) {
        for (id, o) in outfalls {
            let ours = s.outfalls[id]
            #expect(ours != nil, "\(name): outfall \(id) missing")
            guard let ours else { continue }
            #expect(abs(ours.totalVolume - o.volume) <= 0.005 * o.volume, "\(name) outfall \(id) volume \(ours.totalVolume) vs SWMM \(o.volume)")
            #expect(abs(ours.peakInflow - o.peak) <= 0.02 * o.peak, "\(name) outfall \(id) peak \(ours.peakInflow) vs SWMM \(o.peak)")
        }
        let tol = metric ? 0.02 : 0.07
        for (id, d) in depths {
            #expect(abs((s.nodeMaxDepth[id] ?? .nan) - d) <= tol, "\(name) node \(id) max depth \(s.nodeMaxDepth[id] ?? .nan) vs SWMM \(d)")
        }
        #expect(abs(s.flowRoutingErrorPercent - continuity) <= 0.5, "\(name) continuity \(s.flowRoutingErrorPercent) % vs SWMM \(continuity) %")
    }
}

/// Ponded junctions and the Preissmann slot on a small steep network (a 0.6 m pipe into a 0.3 m
/// pipe, 0.6 m³/s for 10 min) against EPA SWMM 5.2.4, and the slot geometry against Sjöberg's formula.
@Suite struct PondingSlotTests {
    static let fixtures = ["small_steep_slot", "small_steep_slot_surcharge", "small_steep_ponded", "small_steep_ponded_wide"]

    @Test(arguments: fixtures)
    func smallSteepNetworkMatchesSWMM(name: String) throws {
        let path = packageRoot + "/Tests/Fixtures/swmm/\(name).inp"
        let model = try SWMMInp.read(path: path)
        let s = try SWMMRun.run(model, file: path, threads: 1).routing
        try SWMMExpected(path: packageRoot + "/Tests/Fixtures/swmm/expected/\(name).json").check(s, name)
    }

    /// With ponding, J1 (ponded area 50 m²) stores water above its rim and drains it back: its
    /// maximum depth is above its full depth, it holds a ponded volume on the way and none at the end.
    /// (SWMM's node flooding statistic counts the overflow into the pond too, so it is not 0 here.)
    @Test func pondedJunctionStoresAndReturnsItsWater() throws {
        let path = packageRoot + "/Tests/Fixtures/swmm/small_steep_ponded_wide.inp"
        let model = try SWMMInp.read(path: path)
        var sim = try StormwaterSimulation(model: model, threads: 1)
        let j1 = try #require(sim.nodeIDs.firstIndex(of: "J1"))
        var maxPond = 0.0
        while !sim.isFinished {
            sim.step()
            maxPond = max(maxPond, sim.router.newVolume[j1])
        }
        sim.finishRun()
        let s = sim.summary
        #expect((s.nodeMaxDepth["J1"] ?? 0) > 2.05, "J1 max depth \(s.nodeMaxDepth["J1"] ?? .nan) m")
        #expect(maxPond * StormwaterSimulation.cubicMetresPerCubicFoot > 1, "J1 ponded at most \(maxPond) ft³")
        #expect(sim.router.newVolume[j1] < 1e-9, "J1 still holds \(sim.router.newVolume[j1]) ft³ at the end")
        // The network's balance: in = out + flooded + stored, to SWMM's tolerance.
        #expect(abs(s.flowRoutingErrorPercent) < 1, "continuity \(s.flowRoutingErrorPercent) %")
    }

    /// The slot width is Sjöberg's w = wMax·0.5423·exp(−(y/yFull)^2.4) from y/yFull = 0.985257 up to
    /// 1.78 and 1 % of wMax above; the area above the crown is Afull + (y − yFull)·w and the radius
    /// stays at its full value. Under EXTRAN the width is held at 96 % of the depth.
    @Test func slotGeometryFollowsSjoberg() throws {
        var p = Build.project(hours: 0.1)
        p.options.surchargeMethod = .slot
        let nodes = [Build.node("J1", .junction, invert: 10), Build.node("O1", .outfall, invert: 9, depth: nil)]
        let links = [Build.pipe("C1", "J1", "O1", diameter: 0.6)]
        let slot = try StormwaterSimulation(nodes: nodes, links: links, project: p).router
        p.options.surchargeMethod = .extran
        let extran = try StormwaterSimulation(nodes: nodes, links: links, project: p).router
        let x = slot.net.xsect[0]
        let d = x.yFull
        for r in [1.0, 1.2, 1.5, 1.78] {
            let g = slot.dwGeometry(x, r * d)
            let w = x.wMax * 0.5423 * exp(-pow(r, 2.4))
            #expect(abs(g.width - w) <= 1e-12 * x.wMax, "width at \(r)")
            #expect(abs(g.area - (x.aFull + (r - 1) * d * w)) <= 1e-12 * x.aFull, "area at \(r)")
            #expect(abs(g.radius - x.rFull) <= 1e-12)
        }
        #expect(abs(slot.dwGeometry(x, 2 * d).width - 0.01 * x.wMax) <= 1e-12)
        // Below the slot's cutoff the section is the pipe's own, with the width held at the cutoff.
        let below = slot.dwGeometry(x, 0.98 * d)
        #expect(abs(below.area - x.area(depth: 0.98 * d)) <= 1e-12)
        #expect(abs(below.width - x.topWidth(depth: 0.98 * d)) <= 1e-12)
        #expect(abs(slot.dwGeometry(x, 0.99 * d).width - x.wMax * 0.5423 * exp(-pow(0.99, 2.4))) <= 1e-12)
        #expect(abs(extran.dwGeometry(x, 0.99 * d).width - x.topWidth(depth: 0.96 * d)) <= 1e-12)
        #expect(abs(extran.dwGeometry(x, d).area - x.aFull) <= 1e-12)
    }
}
