import Foundation
import Testing
import SimCore

// The example of docs/simcore.md ("How to write a process"), kept compiling and correct here.

/// A tank filled by a constant inflow and drained through an orifice: dV/dt = Q − c·√V.
struct Tank: SimProcess, Codable {
    var name = "tank"
    var phase = Phase.runoff
    var volume = 0.0           // m³
    var inflow = 0.5           // Q, m³/s
    var c = 0.05               // orifice coefficient, m^1.5/s
    var source: AccountID?, store: AccountID?, sink: AccountID?

    static let volumeField = FieldKey<Double>("tank.volume")   // m³, double-buffered

    mutating func prepare(_ context: inout ProcessContext) throws {
        source = try context.ledger.open("tank inflow", .inflow, of: .water)
        store = try context.ledger.open("tank", .storage, of: .water, initial: volume)
        sink = try context.ledger.open("tank outlet", .outflow, of: .water)
        try context.fields.declare(Self.volumeField, initial: volume)
    }

    func maxStep(at time: SimTime) -> SimDuration? { .seconds(10) }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        var t = from, drained = 0.0
        while t < to {                                          // own sub-steps of ≤ 1 s
            let h = min(.seconds(1), to - t)
            let q = c * volume.squareRoot()                     // m³/s
            volume += (inflow - q) * h.seconds
            drained += q * h.seconds
            t += h
        }
        ledger.book(inflow * (to - from).seconds, from: source!, to: store!)
        ledger.book(drained, from: store!, to: sink!)
        ledger.setStored(volume, in: store!)                    // measured: drift would show
        try fields.write(Self.volumeField, volume)
    }
}

@Suite struct DocExampleTests {
    @Test func tankReachesItsEquilibrium() throws {
        var engine = try Engine(options: EngineOptions(tick: .seconds(30), reportStep: .minutes(10),
                                                       end: SimTime(seconds: 3600), seed: 1))
        try engine.add(Tank())
        engine.add(observer: TimeSeriesRecorder(name: "tank").recording(Tank.volumeField))
        var last = 0.0
        try engine.run { fraction, _ in last = fraction }
        #expect(last == 1)

        let volumes = try #require(engine.observer(named: "tank", as: TimeSeriesRecorder.self)?.values(of: "tank.volume"))
        #expect(volumes.count == 7)                             // 0, 10, …, 60 min
        #expect(zip(volumes, volumes.dropFirst()).allSatisfy { $0 < $1 })
        // Equilibrium (Q/c)² = 100 m³; relaxation time 2√V*/c = 400 s, so after 1 h within 0.1 %.
        #expect(abs(volumes.last! - 100) < 0.1)
        let balance = engine.ledger.balance(of: .water)
        #expect(balance.inflow == 1800)                         // 0.5 m³/s × 3600 s
        #expect(abs(balance.relativeError) < 1e-12)
        #expect(engine.ledger.report(at: engine.time).description.contains("tank outlet"))
    }
}
