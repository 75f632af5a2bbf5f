@testable import Traffic
import CityModel
import Foundation
import Testing

/// Analytic micro-cases of the vehicle and signal models.
@Suite struct AnalyticTests {
    /// A lone car on a free road accelerates by `accel·Δt` per step (Krauß with σ = 0, Euler) and
    /// reaches the speed limit after ⌈v_max / (a·Δt)⌉ steps; its position is the sum of its speeds.
    @Test func loneCarReachesFreeSpeed() throws {
        let g = try RoadGraph(corridor(lengthIn: 2000))
        var sim = try TrafficSimulation(graph: g, demand: demand([0]))
        let car = deterministicCar()
        let vmax = 13.89
        let stepsToFree = Int((vmax / car.accel).rounded(.up))            // 6 steps
        var expectedPos = car.length, speeds: [Double] = []
        for k in 1...10 {
            sim.step()
            let v = sim.vSpeed[0]
            speeds.append(v)
            let expected = min(Double(k) * car.accel, vmax)
            #expect(abs(v - expected) < 1e-9, "step \(k): speed \(v) m/s, Krauss gives \(expected)")
            expectedPos += expected
            #expect(abs(sim.vPos[0] - expectedPos) < 1e-9)
        }
        #expect(speeds[stepsToFree - 2] < vmax && abs(speeds[stepsToFree - 1] - vmax) < 1e-9)
    }

    /// The lone car's trip takes the free-flow time plus the acceleration loss v/(2a) (Euler:
    /// within one step) and its time loss is that loss.
    @Test func loneCarTimeLoss() throws {
        let g = try RoadGraph(corridor(lengthIn: 1000, lengthOut: 1000))
        var sim = try TrafficSimulation(graph: g, demand: demand([0]))
        sim.run(until: 300)
        let trips = sim.tripRecords
        #expect(trips.count == 1)
        let accelLoss = 13.89 / (2 * 2.6)                                   // 2.67 s
        #expect(abs(trips[0].timeLoss - accelLoss) < 1.0, "time loss \(trips[0].timeLoss) s, expected ≈ \(accelLoss) s")
        let free = (2010 - 5) / 13.89
        #expect(abs(trips[0].duration - (free + accelLoss)) < 1.5, "duration \(trips[0].duration) s")
    }

    /// Saturated discharge of a standing queue (σ = 0): the headways at the stop line converge to the
    /// steady Krauß following headway at the speed vehicles cross with, (l + minGap)/v + τ, so the
    /// discharge flow after the first vehicles is within 10 % of v/(l + minGap + v·τ) at the
    /// limit speed — the model's capacity, 2 338 veh/h at 13.89 m/s.
    @Test func queueDischargesAtSaturationFlow() throws {
        // A 400 m approach filled during a 250 s red (insertions at the lane start are spaced by the
        // time the previous car needs to clear it), then a long green.
        let phases = [SignalPhase(duration: 250, state: "r"), SignalPhase(duration: 1000, state: "G")]
        let g = try RoadGraph(corridor(lengthIn: 400, lengthOut: 2000, phases: phases))
        var sim = try TrafficSimulation(graph: g, demand: demand((0..<40).map { Double($0) }))
        var crossing = [Double](repeating: -1, count: 40)
        while sim.time < 600 {
            sim.step()
            for v in 0..<40 where crossing[v] < 0 && (sim.vState[v] == 2 || (sim.vState[v] == 1 && sim.vLane[v] != 0)) {
                crossing[v] = sim.time
            }
        }
        #expect(crossing[39] > 250, "the last car was queued when the green began")
        #expect(!crossing.contains(-1), "every vehicle crossed the stop line")
        let headways = (10..<39).map { crossing[$0 + 1] - crossing[$0] }
        let flow = 3600 / (headways.reduce(0, +) / Double(headways.count))
        let car = deterministicCar()
        let capacity = 3600 * 13.89 / (car.length + car.minGap + 13.89 * car.tau)
        report("discharge \(flow) veh/h, model capacity \(capacity) veh/h")
        #expect(abs(flow - capacity) / capacity < 0.10, "discharge \(flow) veh/h, model capacity \(capacity) veh/h")
    }

    /// Webster (1958), "Traffic signal settings", Road Research Technical Paper 39: with uniform
    /// (deterministic) arrivals only the first term applies, d = c(1 − λ)² / (2(1 − λx)), with
    /// λ = g/c the effective green ratio and x = q/(λs). s and the effective green g are measured
    /// on the same approach in saturated discharge (g = vehicles served in a saturated green / s).
    /// The simulated mean time loss must be within 15 % of d.
    @Test func websterDelayUnderUniformArrivals() throws {
        let cycle = 60.0, green = 27.0, amber = 3.0
        let phases = [SignalPhase(duration: green, state: "G"), SignalPhase(duration: amber, state: "y"),
                      SignalPhase(duration: cycle - green - amber, state: "r")]
        let net = corridor(lengthIn: 800, lengthOut: 800, phases: phases)
        let g = try RoadGraph(net)
        // 1. Saturation flow and effective green from an oversaturated approach (a standing queue).
        var sat = try TrafficSimulation(graph: g, demand: demand((0..<120).map { Double($0) * 0.5 }, type: deterministicCar(sigma: 0)))
        var served = [Int](), lastArrived = 0
        while sat.time < cycle * 4 {
            sat.step()
            if sat.time.truncatingRemainder(dividingBy: cycle) == 0 {
                let crossed = (0..<120).filter { sat.vState[$0] == 2 || (sat.vState[$0] == 1 && sat.vRouteIdx[$0] >= 1) }.count
                served.append(crossed - lastArrived); lastArrived = crossed
            }
        }
        let perCycle = Double(served[2])                                    // a fully saturated cycle
        let car = deterministicCar()
        let s = 13.89 / (car.length + car.minGap + 13.89 * car.tau)         // veh/s (see the discharge test)
        let effectiveGreen = perCycle / s
        // 2. Uniform arrivals at 60 % of capacity.
        let lambda = effectiveGreen / cycle
        let q = 0.6 * lambda * s
        let n = Int(1800 * q)
        var sim = try TrafficSimulation(graph: g, demand: demand((0..<n).map { Double($0) / q }, type: deterministicCar(sigma: 0)))
        sim.run(until: 1800 + 300)
        let trips = sim.tripRecords.filter { $0.depart >= 300 && $0.depart < 1800 }   // skip warm-up
        let measured = trips.map(\.timeLoss).reduce(0, +) / Double(trips.count)
        let x = q / (lambda * s)
        let webster = cycle * (1 - lambda) * (1 - lambda) / (2 * (1 - lambda * x))
        // The time loss includes the acceleration loss v/(2a) of an undisturbed trip start; remove it.
        let startLoss = 13.89 / (2 * car.accel)
        report("Webster: mean delay \(measured - startLoss) s (time loss \(measured) s), Webster \(webster) s, λ \(lambda), x \(x), served \(perCycle)/cycle")
        #expect(abs((measured - startLoss) - webster) / webster < 0.15,
                "mean delay \(measured - startLoss) s, Webster \(webster) s (λ \(lambda), x \(x), served \(perCycle)/cycle)")
    }
}

/// Prints measured values when TRAFFIC_VERBOSE is set (for docs/validation.md).
func report(_ s: String) {
    if ProcessInfo.processInfo.environment["TRAFFIC_VERBOSE"] != nil { print("TRAFFIC: " + s) }
}
