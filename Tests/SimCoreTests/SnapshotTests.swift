import Foundation
import Testing
@testable import SimCore

@Suite struct SnapshotTests {
    static let options = EngineOptions(tick: .seconds(3), reportStep: .seconds(30), end: SimTime(seconds: 600), seed: 42)

    static func makeEngine(seed: UInt64 = 42, reversed: Bool = false) throws -> Engine {
        var o = options
        o.seed = seed
        var engine = try Engine(options: o)
        var processes: [any SimProcess] = [
            DecayProcess(k: 0.003, stored: 80, subStep: .seconds(1)),
            RandomWalk(name: "walkA"),
            RandomWalk(name: "walkB"),
            GridDiffusion(width: 6, height: 5),
        ]
        if reversed { processes.reverse() }
        for p in processes { try engine.add(p) }
        return engine
    }

    @Test func snapshotThenRunEqualsStraightRunBitForBit() throws {
        var straight = try Self.makeEngine()
        try straight.run()
        let expected = try straight.snapshot()

        var first = try Self.makeEngine()
        try first.run(until: SimTime(seconds: 240))   // a report time: tick boundaries agree
        let mid = try first.snapshot()
        #expect(mid.time == SimTime(seconds: 240))

        // Through JSON and into a fresh engine.
        let json = try JSONEncoder().encode(mid)
        let decoded = try JSONDecoder().decode(EngineSnapshot.self, from: json)
        #expect(decoded == mid)
        var resumed = try Self.makeEngine()
        try resumed.restore(decoded)
        try resumed.run()
        let got = try resumed.snapshot()

        #expect(got == expected)
        #expect(got.time == SimTime(seconds: 600) && got.tickCount == expected.tickCount)
        #expect(resumed.fields == straight.fields)
        #expect(resumed.ledger == straight.ledger)
        let depth = resumed.fields[GridDiffusion.field].values.map(\.bitPattern)
        #expect(depth == straight.fields[GridDiffusion.field].values.map(\.bitPattern))

        // Rewinding the same engine that went on gives the same result too.
        try first.run()
        try first.restore(mid)
        #expect(first.time == SimTime(seconds: 240) && !first.isFinished)
        try first.run()
        #expect(try first.snapshot() == expected)
    }

    @Test func restoreRejectsAnotherSetup() throws {
        var a = try Self.makeEngine()
        try a.run(until: SimTime(seconds: 30))
        let snap = try a.snapshot()
        var other = try Engine(options: Self.options)
        try other.add(RandomWalk(name: "walkA"))
        let error = try #require(throws: SimError.self) { try other.restore(snap) }
        #expect(error.code == .snapshotMismatch)

        var fresh = try Engine(options: Self.options)
        try fresh.add(TickProbe())
        let notYet = try #require(throws: SimError.self) { try fresh.snapshot() }
        #expect(notYet.code == .notRunnable)
    }

    @Test func sameSeedSameRunDifferentSeedDifferentRun() throws {
        var a = try Self.makeEngine(seed: 7), b = try Self.makeEngine(seed: 7), c = try Self.makeEngine(seed: 8)
        try a.run(); try b.run(); try c.run()
        let sa = try a.snapshot(), sb = try b.snapshot(), sc = try c.snapshot()
        #expect(sa == sb)
        #expect(sa.fields != sc.fields)
        let walk = FieldKey<Double>("walk.walkA")
        #expect(a.fields[walk] == b.fields[walk])
        #expect(a.fields[walk] == a.process(named: "walkA", as: RandomWalk.self)!.position)
        #expect(a.fields[walk] != c.fields[walk])
        // The two walks draw from independent streams.
        #expect(a.fields[walk] != a.fields[FieldKey<Double>("walk.walkB")])
    }

    @Test func resultsDoNotDependOnTheOrderProcessesWereAdded() throws {
        var a = try Self.makeEngine(), b = try Self.makeEngine(reversed: true)
        try a.run(); try b.run()
        #expect(a.fields == b.fields)
        let wa = try #require(a.process(named: "walkB", as: RandomWalk.self))
        let wb = try #require(b.process(named: "walkB", as: RandomWalk.self))
        #expect(wa.draws == wb.draws && wa.draws.count == a.tickCount)
    }

    @Test func snapshotCoderRoundTripsEdgeValuesExactly() throws {
        struct State: Codable, Equatable {
            var big: UInt64 = .max, f: Float = .ulpOfOne, d: Double = .pi, neg: Int64 = .min
            var inf: Double = -.infinity, tiny: Float = .leastNonzeroMagnitude, rng = SeededRNG(seed: 3)
        }
        let back = try SnapshotCoder.decode(State.self, from: SnapshotCoder.encode(State()))
        #expect(back == State())
        let nan = try SnapshotCoder.decode([Double].self, from: SnapshotCoder.encode([Double.nan]))
        #expect(nan.count == 1 && nan[0].isNaN)
    }
}
