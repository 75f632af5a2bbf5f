@testable import Traffic
import CityModel
import Foundation
import SimCore
import Testing

/// Conservation of vehicles and determinism.
@Suite struct InvariantTests {
    static func busyRun(seed: UInt64, threads: Int) throws -> TrafficSimulation {
        var opts = TrafficOptions()
        opts.seed = seed; opts.threads = threads; opts.minVehiclesPerThread = 0
        let phases = [SignalPhase(duration: 25, state: "G"), SignalPhase(duration: 3, state: "y"), SignalPhase(duration: 22, state: "r")]
        let g = try RoadGraph(corridor(lengthIn: 600, lengthOut: 300, phases: phases))
        var t = VehicleTypeSpec(id: "car")                       // SUMO defaults: sigma 0.5, speed factor normc
        t.sigma = 0.5
        var sim = try TrafficSimulation(graph: g, demand: demand((0..<400).map { Double($0) * 1.5 }, type: t), options: opts)
        var steps = 0
        while sim.time < 900 {
            sim.step()
            steps += 1
            // Every step: inserted = arrived + running, loaded = inserted + waiting, lanes hold the running.
            #expect(sim.counts.inserted == sim.counts.arrived + sim.counts.running)
            #expect(sim.counts.loaded == sim.counts.inserted + sim.counts.waiting)
            #expect(sim.vehiclesOnLanes == sim.counts.running)
        }
        #expect(steps == 900)
        return sim
    }

    @Test func conservationAndNoCollisions() throws {
        let sim = try Self.busyRun(seed: 1, threads: 1)
        #expect(sim.counts.collisions == 0)
        #expect(sim.counts.teleports == 0)
        #expect(sim.counts.waiting > 0, "the demand exceeds the signal's capacity, so vehicles wait to be inserted")
        #expect(sim.counts.arrived > 200)
    }

    @Test func deterministicForSeedAndThreads() throws {
        let a = try Self.busyRun(seed: 7, threads: 1), b = try Self.busyRun(seed: 7, threads: 2), c = try Self.busyRun(seed: 8, threads: 1)
        #expect(a.tripinfoCSV() == b.tripinfoCSV(), "1 and 2 threads give the same trips")
        #expect(a.vPos == b.vPos && a.vSpeed == b.vSpeed)
        #expect(a.tripinfoCSV() != c.tripinfoCSV(), "another seed gives other trips")
    }

    /// The process books vehicles in the engine's ledger; the balance holds every tick.
    @Test func ledgerBalances() throws {
        let g = try RoadGraph(corridor())
        let sim = try TrafficSimulation(graph: g, demand: demand((0..<50).map { Double($0) * 2 }))
        var engine = try Engine(options: EngineOptions(tick: .seconds(1), reportStep: .seconds(60), end: SimTime(seconds: 300), seed: 1))
        try engine.add(TrafficProcess(simulation: sim))
        try engine.run()
        let bal = engine.ledger.balance(of: .vehicles)
        #expect(abs(bal.absoluteError) < 1e-9)
        #expect(engine.process(named: "traffic", as: TrafficProcess.self)!.simulation.counts.arrived == 50)
    }
}
