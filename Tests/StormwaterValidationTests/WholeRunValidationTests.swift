import CityIO
import CityModel
import Foundation
import SimCore
import Testing
import TestSupport
@testable import Stormwater

/// Whole runs (runoff and routing, `SWMMRun`) of every shared reference model against EPA SWMM
/// 5.2.4's expected outputs, with the issue's tolerances: outfall volume 0.5 %, outfall peak 2 %,
/// node maximum depth 0.07 ft (0.02 m), flow-routing continuity ±0.5 points. Models that do not
/// pass yet are listed with the reason as known issues, so a regression in any other shows here.
@Suite struct WholeRunValidationTests {
    static let passing = [
        "Example1_parallel_loop", "Example6", "Pump_Control_Model", "SWMMExtCntrlModel", "alt_test1", "model_curve_num",
        "model_full_features", "model_mod_horton", "model_node_inflows", "model_pollutants", "model_pump_setting",
        "model_rain", "model_state_plane", "model_storage_pump", "model_weir_setting",
    ]
    static let knownIssues: [String: String] = [
        "Example1b": "node 21 maximum depth 0.137 ft off: pipe 6 stays part-full where SWMM runs it full",
        "model_green_ampt": "flow-routing continuity -0.985 vs -0.390 %: kinematic-wave outflow on falling limbs (P009, P011) above SWMM's",
        "model_lids": "node 21 maximum depth 0.126 ft off, as in Example1b (same network)",
        "test_inlet_drains": "street cross-sections and inlets are not modelled (the model is refused)",
    ]

    static func check(_ name: String, reference ref: String) throws {
        let path = "\(ref)/swmm/models/\(name).inp"
        let model = try SWMMInp.read(path: path)
        let s = try SWMMRun.run(model, file: path, threads: 1).routing
        let e = try ReferenceModelTests.expected("\(ref)/swmm/expected/\(name).json")
        for (id, o) in e.outfalls {
            let ours = try #require(s.outfalls[id], "\(name): outfall \(id) missing")
            if o.volume > 0 { #expect(abs(ours.totalVolume - o.volume) <= 0.005 * o.volume, "\(name) outfall \(id) volume \(ours.totalVolume) vs \(o.volume)") }
            else { #expect(ours.totalVolume < 1, "\(name) outfall \(id) volume") }
            if o.peak > 0 { #expect(abs(ours.peakInflow - o.peak) <= 0.02 * o.peak, "\(name) outfall \(id) peak \(ours.peakInflow) vs \(o.peak)") }
        }
        let tol = e.metric ? 0.02 : 0.07
        for (id, d) in e.depths {
            #expect(abs((s.nodeMaxDepth[id] ?? .nan) - d) <= tol, "\(name) node \(id) max depth \(s.nodeMaxDepth[id] ?? .nan) vs \(d)")
        }
        #expect(abs(s.flowRoutingErrorPercent - e.continuity) <= 0.5, "\(name) continuity \(s.flowRoutingErrorPercent) vs \(e.continuity)")
    }

    @Test(arguments: passing)
    func matchesSWMM(model name: String) throws {
        guard let ref = sharedReference else { print("skipped: ../shared/reference is not present"); return }
        try Self.check(name, reference: ref)
    }

    @Test(arguments: knownIssues.keys.sorted())
    func notYetMatchingSWMM(model name: String) throws {
        guard let ref = sharedReference else { print("skipped: ../shared/reference is not present"); return }
        withKnownIssue(Comment(rawValue: Self.knownIssues[name]!)) {
            try Self.check(name, reference: ref)
        }
    }

    /// The SimCore process over a reference model (runoff, dynamic wave, variable step) gives the
    /// same summary as the standalone run, bit for bit, when every tick is one routing step.
    @Test func processMatchesStandaloneRun() throws {
        guard let ref = sharedReference else { print("skipped: ../shared/reference is not present"); return }
        let path = "\(ref)/swmm/models/Example1_parallel_loop.inp"
        let model = try SWMMInp.read(path: path)
        let standalone = try SWMMRun.run(model, file: path, threads: 1).routing
        let process = try StormwaterProcess(model: model, file: path)
        let end = SimTime(milliseconds: Int64((process.simulation.duration * 1000).rounded()))
        var engine = try Engine(options: EngineOptions(tick: .hours(1), reportStep: end - .zero, end: end))
        try engine.add(process)
        try engine.run()
        let p = try #require(engine.process(named: "stormwater", as: StormwaterProcess.self))
        #expect(p.summary == standalone)
        #expect(standalone.routingSteps > 1000)
        let b = engine.ledger.balance(of: .water)
        #expect(abs(b.absoluteError) <= 1e-6 + 1e-9 * b.volumeIn)
    }
}
