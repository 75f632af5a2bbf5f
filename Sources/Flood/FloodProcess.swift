#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Geometry
import SimCore

/// The surface flood as a SimCore process (phase `surfaceFlood`).
///
/// Each tick it takes its own CFL-limited sub-steps (`FloodSimulation.step`) up to the tick's end; it
/// reads the rain field (`.rainRate`, m/s per cell, when some process declares it; otherwise the
/// setup's own rain series), writes the surface depth (`.surfaceDepth`, m) and books the water it
/// moves in the ledger: inflow accounts "flood rain" and "flood inflow", outflow accounts
/// "flood infiltration" and "flood outflow", and the store "flood surface" (measured Σ h·A each tick).
/// The grid of the rain field must be the flood grid.
///
/// When a coupler declares `.surfaceExchange` (m³/s per cell, positive onto the surface), the
/// process applies rate × tick length at those cells at the start of each tick, before its own
/// sub-steps (`FloodSimulation.exchange`), and books it in "flood exchange in" (inflow) and
/// "flood exchange out" (outflow).
public struct FloodProcess: SimProcess {
    public let name: String
    public var phase: Phase { .surfaceFlood }
    public let setup: FloodSetup
    public var threads: Int
    public private(set) var simulation: FloodSimulation?
    var rainFromField = false
    /// Flat cell index of each entry of the `.surfaceExchange` field (empty when there is none).
    var exchangeCells: [Int] = []
    var booked = FloodMassBalance()
    var accounts: [AccountID] = []

    public init(name: String = "flood", setup: FloodSetup, threads: Int = 1) {
        self.name = name; self.setup = setup; self.threads = threads
    }

    public mutating func prepare(_ context: inout ProcessContext) throws {
        // Float depths round at ~10⁻⁷ of the stored volume per step; allow that in the water balance.
        try context.ledger.register(.water, tolerance: Ledger.Tolerance(absolute: 1e-3, relative: 1e-6))
        let sim = try FloodSimulation(setup: setup, threads: threads, externalRain: true)
        accounts = [
            try context.ledger.open("flood rain", .inflow, of: .water),
            try context.ledger.open("flood inflow", .inflow, of: .water),
            try context.ledger.open("flood infiltration", .outflow, of: .water),
            try context.ledger.open("flood outflow", .outflow, of: .water),
            try context.ledger.open("flood surface", .storage, of: .water, initial: sim.balance.initialStorage),
            try context.ledger.open("flood exchange in", .inflow, of: .water),
            try context.ledger.open("flood exchange out", .outflow, of: .water),
        ]
        booked = sim.balance
        try context.fields.declare(.surfaceDepth, initial: sim.depth)
        simulation = sim
    }

    public mutating func bind(_ context: inout ProcessContext) throws {
        rainFromField = context.fields.isDeclared(FieldKey<Raster<Float>>.rainRate.name)
        if rainFromField {
            let r = try context.fields.value(.rainRate)
            guard r.grid == setup.grid.spec else {
                throw SimError(.fieldShape, "flood: the rain field's grid (\(r.grid.width)×\(r.grid.height)) is not the flood grid (\(setup.grid.width)×\(setup.grid.height))")
            }
        }
        exchangeCells = []
        if context.fields.isDeclared(FieldKey<EntityVector>.surfaceExchange.name) {
            let x = try context.fields.value(.surfaceExchange)
            for id in x.ids {
                guard let i = Int(id), i >= 0, i < setup.grid.spec.count else {
                    throw SimError(.fieldShape, "flood: surface exchange entry \"\(id)\" is not a cell index of the \(setup.grid.width)×\(setup.grid.height) grid")
                }
                exchangeCells.append(i)
            }
        }
    }

    public mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        guard var sim = simulation else { return }
        simulation = nil
        if rainFromField {
            sim.setRain(try fields.value(.rainRate).values)
        } else if let rain = setup.rain {
            // The setup's own rain: its mean intensity over the tick on every cell, times the pattern.
            let rate = Float(rain.intensity.mean(from: from.seconds, to: to.seconds))
            sim.setRain(rain.pattern.map { $0.map { $0 * rate } } ?? Array(repeating: rate, count: setup.grid.spec.count))
        }
        if !exchangeCells.isEmpty {
            let q = try fields.value(.surfaceExchange), span = (to - from).seconds
            sim.exchange(exchangeCells.indices.map { (exchangeCells[$0], q[$0] * span) })
        }
        sim.run(until: to.seconds)
        let b = sim.updateBalance()
        let source = accounts[4]
        ledger.book(b.rain - booked.rain, from: accounts[0], to: source)
        ledger.book(b.inflow - booked.inflow, from: accounts[1], to: source)
        ledger.book(b.infiltration - booked.infiltration, from: source, to: accounts[2])
        ledger.book(b.outflow - booked.outflow, from: source, to: accounts[3])
        ledger.book(b.exchangeIn - booked.exchangeIn, from: accounts[5], to: source)
        ledger.book(b.exchangeOut - booked.exchangeOut, from: source, to: accounts[6])
        ledger.setStored(b.storage, in: source)
        booked = b
        try fields.write(.surfaceDepth, sim.depth)
        simulation = sim
    }

    public func checkInvariants(at time: SimTime, fields: ExchangeFields, ledger: Ledger) throws {
        guard let sim = simulation else { return }
        for i in 0..<setup.grid.spec.count where !(sim.depth(at: i) >= 0) {
            throw SimError(.invariantViolated, "flood: depth \(sim.depth(at: i)) at row \(i / setup.grid.width), column \(i % setup.grid.width)", time: time)
        }
    }

    public func snapshotState() throws -> Data {
        guard let sim = simulation else { throw SimError(.notRunnable, "flood: not prepared") }
        return try SnapshotCoder.encode(FloodProcessState(state: sim.snapshot(), booked: booked, rainFromField: rainFromField))
    }

    public mutating func restoreState(_ data: Data) throws {
        let s = try SnapshotCoder.decode(FloodProcessState.self, from: data)
        guard var sim = simulation else { throw SimError(.notRunnable, "flood: not prepared") }
        try sim.restore(s.state)
        simulation = sim; booked = s.booked; rainFromField = s.rainFromField
    }
}

struct FloodProcessState: Codable {
    var state: FloodState
    var booked: FloodMassBalance
    var rainFromField: Bool
}
