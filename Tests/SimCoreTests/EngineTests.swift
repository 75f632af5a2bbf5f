import Foundation
import Testing
@testable import SimCore

@Suite struct EngineTests {
    @Test func decayMatchesAnalyticSolutionAndLedgerBalances() throws {
        let k = 0.004, s0 = 250.0
        var engine = try Engine(options: EngineOptions(tick: .seconds(7), reportStep: .seconds(60), end: SimTime(seconds: 900)))
        try engine.add(DecayProcess(k: k, stored: s0, subStep: .seconds(2)))
        engine.add(observer: TimeSeriesRecorder(name: "rec").recording(DecayProcess.field))
        try engine.run()

        let rec = try #require(engine.observer(named: "rec", as: TimeSeriesRecorder.self))
        let values = try #require(rec.values(of: "decay.stored"))
        // Report times 0, 60, …, 900 s: 16 samples.
        #expect(rec.times == (0...15).map { SimTime(seconds: Double($0) * 60) })
        for (t, s) in zip(rec.times, values) {
            let exact = s0 * exp(-k * t.seconds)
            // RK4 with h ≤ 2 s, k·h ≤ 0.008: global relative error ~ (k·h)⁴/120 · k·t ≲ 1e-10.
            #expect(abs(s - exact) / exact < 1e-9, "t = \(t): \(s) vs \(exact)")
        }
        // Sub-steps: each 7 s tick (or shorter, cut at report times) takes ⌈tick / 2 s⌉ sub-steps.
        let decay = try #require(engine.process(named: "decay", as: DecayProcess.self))
        #expect(decay.subSteps > engine.tickCount)

        let balance = engine.ledger.balance(of: .water)
        #expect(balance.volumeIn == s0)
        #expect(abs(balance.outflow - (s0 - decay.stored)) < 1e-12 * s0)
        #expect(abs(balance.relativeError) < 1e-9)
        #expect(abs(balance.outflow - s0 * (1 - exp(-k * 900))) / s0 < 1e-9)
        #expect(engine.isFinished)
    }

    @Test func ticksLandOnReportTimesAndEnd() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(10), reportStep: .seconds(25), end: SimTime(seconds: 60)))
        try engine.add(TickProbe())
        try engine.run()
        let probe = try #require(engine.process(named: "probe", as: TickProbe.self))
        let s: Int64 = 1000
        #expect(probe.ticks == [[0, 10 * s], [10 * s, 20 * s], [20 * s, 25 * s], [25 * s, 35 * s], [35 * s, 45 * s],
                                [45 * s, 50 * s], [50 * s, 60 * s]])
    }

    @Test func ticksRespectProcessStepLimitsDownToOneMillisecond() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(10), reportStep: .seconds(100), end: SimTime(seconds: 50)))
        // 4 s limit while 20 s ≤ t ≤ 30 s; a zero limit at exactly 42 s gives a 1 ms tick.
        try engine.add(TickProbe(name: "limit", limit: .seconds(4), limitWindow: 20_000...30_000))
        try engine.add(TickProbe(name: "zero", limit: .zero, limitWindow: 42_000...42_000))
        try engine.run()
        let ticks = try #require(engine.process(named: "limit", as: TickProbe.self)).ticks
        #expect(ticks == [[0, 10_000], [10_000, 20_000], [20_000, 24_000], [24_000, 28_000], [28_000, 32_000],
                          [32_000, 42_000], [42_000, 42_001], [42_001, 50_000]])
        #expect(try #require(engine.process(named: "zero", as: TickProbe.self)).ticks == ticks)
    }

    @Test func doubleBufferedFieldsAreSeenAfterCommitImmediateOnesAtOnce() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(1), reportStep: .seconds(10), end: SimTime(seconds: 4)))
        // Added reader first: order of addition must not matter, phases order the tick.
        try engine.add(PolicyReader())
        try engine.add(PolicyWriter())
        try engine.run()
        let seen = try #require(engine.process(named: "reader", as: PolicyReader.self)).seen
        // Tick n (1-based): writer writes n; flux fields get +10 on odd ticks only.
        // buffered: previous tick's value (initial −1 in tick 1); immediate: this tick's value;
        // flux: last tick's sum (odd last tick → 9, start value −1 + 10; else the initial −1);
        // immediateFlux: this tick's sum (−1 + 10 on odd ticks, −1 otherwise).
        #expect(seen == [[-1, 1, -1, 9], [1, 2, 9, -1], [2, 3, -1, 9], [3, 4, 9, -1]])
        #expect(engine.fields[PolicyWriter.buffered] == 4)
        #expect(engine.fields[PolicyWriter.flux] == -1)
    }

    @Test func processErrorNamesTheProcessAndTime() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(10), reportStep: .seconds(60), end: SimTime(seconds: 120)))
        try engine.add(FailingProcess(failAt: SimTime(seconds: 30)))
        let error = try #require(throws: SimError.self) { try engine.run() }
        #expect(error.code == .processFailed)
        #expect(error.process == "breaker")
        #expect(error.phase == .pipeRouting)
        #expect(error.time == SimTime(seconds: 30))
        #expect(error.tickEnd == SimTime(seconds: 40))
        #expect(error.underlying is FailingProcess.Boom)
        #expect(error.description.contains("\"breaker\""))
        #expect(error.description.contains("00:00:30"))
        #expect(engine.time == SimTime(seconds: 30))
        // The engine refuses to continue from a half-done tick.
        let again = try #require(throws: SimError.self) { try engine.step() }
        #expect(again.code == .notRunnable)
    }

    @Test func progressIsMonotoneAndEndsAtOne() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(1), reportStep: .seconds(30), end: SimTime(seconds: 300)))
        try engine.add(TickProbe())
        var calls: [(Double, SimTime)] = []
        try engine.run(until: SimTime(seconds: 200)) { f, t in calls.append((f, t)) }
        #expect(calls.count > 10)
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.0 <= $1.0 && $0.1 < $1.1 })
        #expect(calls.first!.0 > 0)
        #expect(calls.last!.0 == 1)
        #expect(calls.last!.1 == SimTime(seconds: 200))
        #expect(engine.time == SimTime(seconds: 200))
        #expect(!engine.isFinished)

        // The rest of the run: fractions of this call's span.
        var rest: [Double] = []
        try engine.run { f, _ in rest.append(f) }
        #expect(rest.first! < 0.05 && rest.last! == 1 && engine.isFinished)
        #expect(zip(rest, rest.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func progressCallbackCanCancelBetweenTicks() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(1), reportStep: .seconds(30), end: SimTime(seconds: 100)))
        try engine.add(TickProbe())
        struct Stop: Error {}
        let error = try #require(throws: SimError.self) {
            try engine.run { _, t in if t >= SimTime(seconds: 10) { throw Stop() } }
        }
        #expect(error.code == .cancelled)
        #expect(engine.time == SimTime(seconds: 10))
        try engine.run()   // still usable
        #expect(engine.isFinished)
    }

    @Test func ledgerDriftIsCaughtByInternalChecks() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(1), reportStep: .seconds(10), end: SimTime(seconds: 5)))
        try engine.add(LeakyStore())
        if Engine.internalChecks {
            let error = try #require(throws: SimError.self) { try engine.run() }
            #expect(error.code == .invariantViolated)
            #expect(error.time == SimTime(seconds: 1))
            #expect(error.description.contains("water"))
        } else {
            try engine.run()
            #expect(engine.ledger.balance(of: .water).absoluteError > 4)
        }
    }

    @Test func setupErrors() throws {
        #expect(throws: SimError.self) { try Engine(options: EngineOptions(tick: .zero, end: SimTime(seconds: 1))) }
        var engine = try Engine(options: EngineOptions(end: SimTime(seconds: 1)))
        try engine.add(TickProbe())
        let dup = try #require(throws: SimError.self) { try engine.add(TickProbe()) }
        #expect(dup.code == .duplicateProcess)
        try engine.run()
        let late = try #require(throws: SimError.self) { try engine.add(TickProbe(name: "late")) }
        #expect(late.code == .notRunnable)
        let past = try #require(throws: SimError.self) { try engine.step() }
        #expect(past.code == .notRunnable)
        #expect(engine.time == SimTime(seconds: 1))
    }

    @Test func processesRunInPhaseOrderWhateverTheOrderAdded() throws {
        var engine = try Engine(options: EngineOptions(end: SimTime(seconds: 1)))
        try engine.add(TickProbe(name: "c", phase: .trafficMove))
        try engine.add(TickProbe(name: "a", phase: .forcing))
        try engine.add(TickProbe(name: "b1", phase: .pipeRouting))
        try engine.add(TickProbe(name: "b2", phase: .pipeRouting))
        #expect(engine.processNames == ["a", "b1", "b2", "c"])
    }
}

@Suite struct ObserverTests {
    struct Broken: Observer {
        struct Oops: Error {}
        var name = "broken"
        var calls = 0
        mutating func observe(_ observation: Observation) throws {
            calls += 1
            if observation.time >= SimTime(seconds: 20) { throw Oops() }
        }
    }

    @Test func recorderSamplesEntitiesAndCellsAtReportTimes() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(2), reportStep: .seconds(10), end: SimTime(seconds: 35)))
        try engine.add(GridDiffusion(width: 4, height: 3))
        engine.add(observer: TimeSeriesRecorder(name: "rec")
            .recording(GridDiffusion.sums, id: "c2")
            .recording(GridDiffusion.field, row: 2, col: 1, as: "cell"))
        try engine.run()
        let rec = try #require(engine.observer(named: "rec", as: TimeSeriesRecorder.self))
        #expect(rec.times == [0, 10, 20, 30, 35].map { SimTime(seconds: $0) })
        #expect(rec.columns.map(\.name) == ["test.columnSums[c2]", "cell"])
        let sums = try #require(rec.values(of: "test.columnSums[c2]"))
        let cell = try #require(rec.values(of: "cell"))
        #expect(sums.count == 5 && cell.count == 5)
        #expect(sums.last == engine.fields[GridDiffusion.sums][id: "c2"])
        #expect(cell.last == Double(engine.fields[GridDiffusion.field][2, 1]))
        #expect(sums[0] == 0)            // declared all zero; first written at the end of tick 1
        #expect(sums[1] > 0)
    }

    @Test func observerErrorNamesTheObserver() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(5), reportStep: .seconds(10), end: SimTime(seconds: 60)))
        try engine.add(TickProbe())
        engine.add(observer: Broken())
        let error = try #require(throws: SimError.self) { try engine.run() }
        #expect(error.code == .observerFailed)
        #expect(error.process == "broken" && error.time == SimTime(seconds: 20))
        #expect(error.description.contains("observer \"broken\""))
        #expect(engine.observer(named: "broken", as: Broken.self)?.calls == 3)   // 0, 10, 20 s
    }
}
