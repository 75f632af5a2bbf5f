import Foundation
import Geometry
@testable import SimCore

/// dS/dt = −k·S for a stored water volume S (m³), integrated with classical RK4 sub-steps of at most
/// `subStep` inside each tick. The decayed volume is booked as outflow; the store is measured.
struct DecayProcess: SimProcess, Codable {
    var name = "decay"
    var phase = Phase.runoff
    var k: Double                  // 1/s
    var stored: Double             // m³
    var subStep: SimDuration
    var subSteps = 0               // taken so far
    var store: AccountID? = nil
    var sink: AccountID? = nil

    static let field = FieldKey<Double>("decay.stored")

    mutating func prepare(_ context: inout ProcessContext) throws {
        store = try context.ledger.open("decay store", .storage, of: .water, initial: stored)
        sink = try context.ledger.open("decayed", .outflow, of: .water)
        try context.fields.declare(Self.field, initial: stored)
    }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let before = stored
        var t = from
        while t < to {
            let h = min(subStep, to - t).seconds
            let k = self.k
            func f(_ s: Double) -> Double { -k * s }
            let k1 = f(stored), k2 = f(stored + h / 2 * k1), k3 = f(stored + h / 2 * k2), k4 = f(stored + h * k3)
            stored += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            t = min(t + subStep, to)
            subSteps += 1
        }
        ledger.book(before - stored, from: store!, to: sink!)
        ledger.setStored(stored, in: store!)
        try fields.write(Self.field, stored)
    }
}

/// Adds a uniform random number from its own stream to a scalar field every tick.
struct RandomWalk: SimProcess, Codable {
    var name: String
    var phase = Phase.trafficPlan
    var rng = SeededRNG(seed: 0)
    var position = 0.0
    var draws: [UInt64] = []

    var field: FieldKey<Double> { FieldKey("walk.\(name)") }

    mutating func prepare(_ context: inout ProcessContext) throws {
        rng = context.rng
        try context.fields.declare(field, initial: 0)
    }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let step = rng.nextDouble() - 0.5
        position += step
        draws.append(rng.next())
        try fields.update(field) { $0 += step }   // kept field: continues from the current value
    }
}

/// Explicit diffusion of a Float raster with its own sub-steps (stable step limit), and a per-cell
/// entity vector of column sums: exercises raster and entity fields in snapshots.
struct GridDiffusion: SimProcess, Codable {
    var name = "diffusion"
    var phase = Phase.surfaceFlood
    var depth: [Float]
    var grid: GridSpec
    var rng = SeededRNG(seed: 0)

    static let field = FieldKey<Raster<Float>>("test.depth")
    static let sums = FieldKey<EntityVector>("test.columnSums")

    init(width: Int, height: Int) {
        grid = GridSpec(width: width, height: height, originX: 0, originY: 0, cellSize: 1)
        depth = Array(repeating: 0, count: width * height)
    }

    mutating func prepare(_ context: inout ProcessContext) throws {
        rng = context.rng
        for i in depth.indices { depth[i] = Float(rng.nextDouble()) }
        try context.fields.declare(Self.field, initial: Raster(grid: grid, values: depth))
        try context.fields.declare(Self.sums, initial: EntityVector(ids: (0..<grid.width).map { "c\($0)" }))
    }

    func maxStep(at time: SimTime) -> SimDuration? { .milliseconds(2500) }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        var t = from
        while t < to {
            let h = Float(min(SimDuration.milliseconds(700), to - t).seconds)
            var next = depth
            for r in 0..<grid.height {
                for c in 0..<grid.width {
                    let i = grid.index(row: r, col: c)
                    var lap: Float = 0
                    if r > 0 { lap += depth[i - grid.width] - depth[i] }
                    if r < grid.height - 1 { lap += depth[i + grid.width] - depth[i] }
                    if c > 0 { lap += depth[i - 1] - depth[i] }
                    if c < grid.width - 1 { lap += depth[i + 1] - depth[i] }
                    next[i] = depth[i] + 0.1 * h * lap
                }
            }
            depth = next
            t = min(t + .milliseconds(700), to)
        }
        depth[0] += Float(rng.nextDouble()) * 0.01
        try fields.update(Self.field) { $0.values = depth }
        try fields.update(Self.sums) { v in
            for c in 0..<grid.width {
                v[c] = (0..<grid.height).reduce(0.0) { $0 + Double(depth[grid.index(row: $1, col: c)]) }
            }
        }
    }
}

/// Records the ticks it is advanced over; optionally limits the step inside a time window.
struct TickProbe: SimProcess, Codable {
    var name = "probe"
    var phase = Phase.forcing
    var limit: SimDuration? = nil
    var limitWindow: ClosedRange<Int64>? = nil     // ms, when the limit applies
    var ticks: [[Int64]] = []

    mutating func prepare(_ context: inout ProcessContext) throws {}

    func maxStep(at time: SimTime) -> SimDuration? {
        guard let limitWindow, limitWindow.contains(time.milliseconds) else { return nil }
        return limit
    }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        ticks.append([from.milliseconds, to.milliseconds])
    }
}

/// Throws once the tick starts at or after `failAt`.
struct FailingProcess: SimProcess, Codable {
    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
    var name = "breaker"
    var phase = Phase.pipeRouting
    var failAt: SimTime

    mutating func prepare(_ context: inout ProcessContext) throws {}

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        if from >= failAt { throw Boom() }
    }
}

/// Loses a fraction of its store every tick without booking it.
struct LeakyStore: SimProcess, Codable {
    var name = "leaky"
    var phase = Phase.runoff
    var stored = 100.0
    var store: AccountID? = nil

    mutating func prepare(_ context: inout ProcessContext) throws {
        store = try context.ledger.open("leaky store", .storage, of: .water, initial: stored)
    }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        stored *= 0.99
        ledger.setStored(stored, in: store!)
    }
}

/// Writes the tick number into fields of every policy in the forcing phase.
struct PolicyWriter: SimProcess, Codable {
    var name = "writer"
    var phase = Phase.forcing
    var tick = 0.0

    static let buffered = FieldKey<Double>("t.buffered", policy: .state)
    static let immediate = FieldKey<Double>("t.immediate", policy: .immediate)
    static let flux = FieldKey<Double>("t.flux", policy: .flux)
    static let immediateFlux = FieldKey<Double>("t.immediateFlux", policy: .immediateFlux)

    mutating func prepare(_ context: inout ProcessContext) throws {
        for key in [Self.buffered, Self.immediate, Self.flux, Self.immediateFlux] {
            try context.fields.declare(key, initial: -1)
        }
    }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        tick += 1
        try fields.write(Self.buffered, tick)
        try fields.write(Self.immediate, tick)
        // Flux fields: written on odd ticks only, by adding to what the tick started from.
        if Int(tick) % 2 == 1 {
            try fields.update(Self.flux) { $0 += 10 }
            try fields.update(Self.immediateFlux) { $0 += 10 }
        }
    }
}

/// Reads the fields `PolicyWriter` writes, in a later phase, and records what it saw.
struct PolicyReader: SimProcess, Codable {
    var name = "reader"
    var phase = Phase.trafficMove
    var seen: [[Double]] = []     // per tick: buffered, immediate, flux, immediateFlux

    mutating func prepare(_ context: inout ProcessContext) throws {}

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        seen.append([fields[PolicyWriter.buffered], fields[PolicyWriter.immediate],
                     fields[PolicyWriter.flux], fields[PolicyWriter.immediateFlux]])
    }
}
