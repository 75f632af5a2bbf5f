import CityIO
import CityModel
import Foundation
import Geometry
import SimCore
import Testing
import TestSupport
@testable import Stormwater

/// The stormwater SimCore process against the standalone run, snapshots, exchange fields and the ledger.
@Suite struct StormwaterProcessTests {
    /// A 1-acre subcatchment (60 % impervious, Horton) under 1.5 in/h for an hour, draining through a
    /// junction and two conduits to an outfall; dynamic wave with the variable step; 3 h.
    static func model() -> CityModel {
        var m = RunoffTests.plane(imperv: 0.6, rainInPerHour: 1.5, rainHours: 1, hours: 3,
                                  infiltration: .horton(maxRate: 76.2, minRate: 12.7, decay: 4, dryTime: 7, maxVolume: 0))
        m.subcatchments[0].outlet = "J1"
        m.drainageNodes[0].invert = 0
        m.drainageNodes += [Build.node("J1", .junction, invert: 1.0, depth: 2), Build.node("J2", .junction, invert: 0.5, depth: 2)]
        m.drainageLinks = [Build.pipe("C1", "J1", "J2", diameter: 0.3, length: 60), Build.pipe("C2", "J2", "O1", diameter: 0.3, length: 60)]
        m.stormwater!.options.flowRouting = .dynamicWave
        m.stormwater!.options.routingStep = 5
        m.stormwater!.options.variableStep = 0.75
        return m
    }

    static func engine(reportStep: SimDuration, process: StormwaterProcess) throws -> Engine {
        var e = try Engine(options: EngineOptions(tick: .seconds(5), reportStep: reportStep, end: SimTime(milliseconds: 3 * 3_600_000)))
        try e.add(process)
        return e
    }

    @Test func processRunEqualsStandaloneRun() throws {
        let m = Self.model()
        var sim = try StormwaterSimulation(model: m, runoff: try RunoffModel(model: m), threads: 1)
        sim.run()
        // Ticks no shorter than the routing step: one routing step per tick.
        var e = try Self.engine(reportStep: .hours(3), process: try StormwaterProcess(model: m))
        try e.run()
        let p = try #require(e.process(named: "stormwater", as: StormwaterProcess.self))
        #expect(p.summary == sim.summary)
        #expect(p.summary.outfalls["O1"]!.totalVolume > 350)   // ft³ (10 m³): the storm reaches the outfall
        #expect(p.simulation.statistics.routingSteps == sim.statistics.routingSteps)
    }

    @Test func snapshotThenRunEqualsStraightRun() throws {
        let m = Self.model()
        var straight = try Self.engine(reportStep: .minutes(30), process: try StormwaterProcess(model: m))
        try straight.run()
        var first = try Self.engine(reportStep: .minutes(30), process: try StormwaterProcess(model: m))
        try first.run(until: SimTime(milliseconds: 3_600_000))   // mid-storm: runoff and pipes full of water
        let snap = try first.snapshot()
        var resumed = try Self.engine(reportStep: .minutes(30), process: try StormwaterProcess(model: m))
        try resumed.restore(snap)
        try resumed.run()
        let a = try #require(straight.process(named: "stormwater", as: StormwaterProcess.self))
        let b = try #require(resumed.process(named: "stormwater", as: StormwaterProcess.self))
        #expect(a.summary == b.summary)
        #expect(a.simulation.router.newDepth == b.simulation.router.newDepth)
        #expect(straight.ledger.report(at: .zero) == resumed.ledger.report(at: .zero))
        #expect(straight.fields == resumed.fields)
    }

    /// The same on models with state outside the routing arrays: LID units (model_lids: bio-retention
    /// cells and porous pavement) and storage seepage by Green-Ampt (model_green_ampt), so that the
    /// LID layers and the seepage moisture deficits travel in the snapshot too.
    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"), arguments: [("model_lids", 5.0, 12.0), ("model_green_ampt", 1.0, 2.9)])
    func snapshotCarriesLIDAndSeepageState(model name: String, snapshotHours: Double, endHours: Double) throws {
        let m = try SWMMInp.read(path: sharedReference! + "/swmm/models/\(name).inp")
        let end = SimTime(milliseconds: Int64(endHours * 3_600_000))
        func engine() throws -> Engine {
            var e = try Engine(options: EngineOptions(tick: .minutes(1), reportStep: .hours(1), end: end))
            try e.add(try StormwaterProcess(model: m))
            return e
        }
        var straight = try engine()
        try straight.run()
        var first = try engine()
        try first.run(until: SimTime(milliseconds: Int64(snapshotHours * 3_600_000)))
        let snap = try first.snapshot()
        var resumed = try engine()
        try resumed.restore(snap)
        try resumed.run()
        let a = try #require(straight.process(named: "stormwater", as: StormwaterProcess.self))
        let b = try #require(resumed.process(named: "stormwater", as: StormwaterProcess.self))
        #expect(a.summary == b.summary)
        #expect(a.simulation.router.seepage == b.simulation.router.seepage)
        if name == "model_lids" { #expect(try #require(a.simulation.runoff as? RunoffModel).lidStorage() > 0) }
        else { #expect(a.summary.continuity.seepageLoss > 0) }
    }

    @Test func ledgerBalancesAndCarriesTheSchemeError() throws {
        let m = Self.model()
        var e = try Self.engine(reportStep: .minutes(30), process: try StormwaterProcess(model: m))
        try e.run()
        let b = e.ledger.balance(of: .water)
        #expect(abs(b.absoluteError) <= 1e-6 + 1e-9 * b.volumeIn)
        let rain = try #require(e.ledger.report(at: .zero).quantities.first?.accounts.first { $0.name == "stormwater rainfall" })
        // 1.5 in/h for 1 h on 1 acre = 154.2 m³.
        #expect(abs(rain.sent - 4046.8564224 * 1.5 * 0.0254) < 0.5)
        let err = try #require(e.ledger.report(at: .zero).quantities.first?.accounts.first { $0.name == "stormwater continuity error" })
        #expect(abs(err.received) < 0.02 * rain.sent)    // the schemes' own continuity errors: small
    }

    /// A stand-in for an inlet coupler: 0.01 m³/s into J1 every tick.
    struct Inlet: SimProcess, Codable {
        var name = "inlet"
        var phase = Phase.surfaceToNetwork
        mutating func prepare(_ context: inout ProcessContext) throws {}
        mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
            try fields.update(.nodeInflow) { v in if let j = v.index(of: "J1") { v.values[j] += 0.01 } }
        }
    }

    @Test func exchangeInflowEntersTheNetworkAndHeadsAreWritten() throws {
        var m = Self.model()
        m.subcatchments = []
        m.stormwater!.rainGages = []
        m.sensors = []
        var e = try Self.engine(reportStep: .minutes(30), process: try StormwaterProcess(model: m))
        try e.add(Inlet())
        try e.run()
        let p = try #require(e.process(named: "stormwater", as: StormwaterProcess.self))
        // 0.01 m³/s for 3 h (less the first tick) = 108 m³ in; nearly all of it leaves at the outfall.
        let out = p.summary.outfalls["O1"]!.totalVolume * 0.3048 * 0.3048 * 0.3048   // ft³ (a CFS model) → m³
        #expect(out > 100 && out < 108.5)
        let head = e.fields[.nodeHead]
        let j1 = try #require(head.index(of: "J1"))
        #expect(head[j1] > 1.0 && head[j1] < 3.0)    // above J1's invert (1 m), below its rim
    }
}
