@testable import Flood
import Foundation
import Geometry
import Testing

/// A busy case: sloping street-like terrain with a depression, blocked cells, a point inflow, an edge
/// inflow, rain with a spatial pattern, Green-Ampt infiltration, a free outflow edge and a stage edge.
func busySetup(width: Int = 48, height: Int = 70) throws -> FloodSetup {
    var blocked = [Bool](repeating: false, count: width * height)
    for r in (height * 2 / 7)..<(height * 2 / 7 + 6) { for c in (width / 5)..<(width / 5 + 6) { blocked[r * width + c] = true } }
    let grid = try makeGrid(width, height, dx: 4, n: 0.035, blocked: blocked) { r, c in
        let x = Double(c), y = Double(r)
        return 200 + 0.04 * x + 0.08 * y - 1.5 * exp(-((x - 30) * (x - 30) + (y - 40) * (y - 40)) / 40) + 0.3 * sin(x * 0.5)
    }
    var pattern = [Float](repeating: 1, count: width * height)
    for i in pattern.indices { pattern[i] = Float(1 + 0.5 * sin(Double(i) * 0.01)) }
    let rain = FloodRain(intensity: FloodSeries(times: [0, 300, 900], values: [30e-3 / 3600, 80e-3 / 3600, 0], interpolation: .step),
                         pattern: pattern)
    let inflows = [
        FloodInflow(name: "pipe", place: .cells([5 * width + width * 5 / 8]), hydrograph: FloodSeries(times: [0, 200, 600], values: [0, 0.8, 0])),
        FloodInflow(name: "creek", place: .edge(.north, cells: [width / 2 - 4, width / 2 - 3, width / 2 - 2]), hydrograph: FloodSeries(times: [0, 400], values: [1.5, 0.5])),
    ]
    let south = FloodBoundary.wholeEdge(.south, of: grid.spec)
    let boundaries = [
        FloodBoundary(name: "outfall", edge: .south, cells: Array(south[(width / 5)..<(width * 5 / 6)]), kind: .free(slope: nil)),
        FloodBoundary(name: "river", edge: .east, cells: Array(FloodBoundary.wholeEdge(.east, of: grid.spec)[(height * 5 / 7)..<(height * 6 / 7)]),
                      kind: .stage(FloodSeries(times: [0, 1200], values: [205.0, 206.5]))),
    ]
    var options = FloodOptions()
    options.maxStep = 5
    return FloodSetup(grid: grid, options: options, rain: rain,
                      infiltration: .greenAmpt(conductivity: 5e-6, suction: 0.11, deficit: 0.3),
                      inflows: inflows, boundaries: boundaries)
}

@Suite struct InvariantTests {
    /// The same case on 1, 2 and 3 threads gives the same bits: depths, discharges and every volume.
    @Test func identicalForAnyThreadCount() throws {
        let setup = try busySetup()
        var runs: [FloodSimulation] = []
        for threads in [1, 2, 3] {
            var sim = try FloodSimulation(setup: setup, threads: threads)
            sim.run(until: 900)
            sim.updateBalance()
            runs.append(sim)
        }
        let a = runs[0]
        #expect(a.steps > 100 && a.maxDepth() > 0.05, "the case floods: \(a.steps) steps, max depth \(a.maxDepth())")
        #expect(a.balance.outflow > 0 && a.balance.infiltration > 0 && a.balance.inflow > 0, "\(a.balance)")
        for b in runs.dropFirst() {
            #expect(a.steps == b.steps)
            #expect(a.depth.values.map(\.bitPattern) == b.depth.values.map(\.bitPattern), "depths differ on \(b.threads) threads")
            #expect(a.discharges.x.map(\.bitPattern) == b.discharges.x.map(\.bitPattern))
            #expect(a.discharges.y.map(\.bitPattern) == b.discharges.y.map(\.bitPattern))
            #expect(a.balance == b.balance, "balances differ on \(b.threads) threads")
        }
    }

    /// Every depth stays ≥ 0 at every step, blocked cells stay dry, and the balance closes to 1e-6.
    @Test func noNegativeDepthAndMassBalance() throws {
        let setup = try busySetup()
        var sim = try FloodSimulation(setup: setup, threads: 2)
        var lowest: Float = 0, blockedMax: Float = 0
        while sim.time < 1500 {
            sim.step(limit: 1500 - sim.time)
            for i in 0..<setup.grid.spec.count {
                let d = sim.depth(at: i)
                lowest = min(lowest, d)
                if setup.grid.blocked[i] { blockedMax = max(blockedMax, d) }
            }
        }
        #expect(lowest >= 0, "lowest depth \(lowest)")
        #expect(blockedMax == 0, "water on a blocked cell: \(blockedMax)")
        let b = sim.updateBalance()
        #expect(b.volumeIn > 1000, "\(b)")
        #expect(abs(b.relativeError) < 1e-6, "mass balance error \(b.error) m³ of \(b.volumeIn) m³ (\(b.relativeError))")
        #expect(sim.boundaryVolumes[0].outflow > 0, "the free edge drains")
    }

    /// Thin rain films on a steep slope keep moving (routing) and stay non-negative.
    @Test func thinFilmsOnSteepSlopeAreRouted() throws {
        let grid = try makeGrid(12, 30, dx: 2, n: 0.03) { r, _ in 300 - 0.5 * Double(r) }   // 50 % slope down to the south
        let rain = FloodRain(intensity: .constant(1.5e-3 / 3600))                          // 1.5 mm/h: 0.75 mm in 30 min
        let outlet = FloodBoundary(name: "foot", edge: .south, cells: FloodBoundary.wholeEdge(.south, of: grid.spec), kind: .free(slope: 0.5))
        var routed = FloodOptions(), still = FloodOptions()
        still.routing.enabled = false
        var a = try FloodSimulation(setup: FloodSetup(grid: grid, options: routed, rain: rain, boundaries: [outlet]))
        var b = try FloodSimulation(setup: FloodSetup(grid: grid, options: still, rain: rain, boundaries: [outlet]))
        routed.routing.enabled = true
        a.run(until: 1800); b.run(until: 1800)
        a.updateBalance(); b.updateBalance()
        #expect(a.balance.outflow > 0.5 * a.balance.rain, "routed films drain: \(a.balance.outflow) of \(a.balance.rain) m³")
        #expect(b.balance.outflow < 0.1 * b.balance.rain, "without routing films below the threshold stay: \(b.balance.outflow) m³")
        #expect(a.depth.values.min()! >= 0)
        #expect(abs(a.balance.relativeError) < 1e-6, "\(a.balance.relativeError)")
    }

    /// A basin next to a stage edge fills to the stage level (it overshoots and swings about it as a
    /// slowly damped seiche, so the check allows 1 cm after two hours).
    @Test func stageBoundaryFillsToItsLevel() throws {
        let grid = try makeGrid(20, 10, dx: 5, n: 0.06) { _, c in 100 + 0.05 * Double(c) }
        let stage = FloodBoundary(name: "sea", edge: .east, cells: FloodBoundary.wholeEdge(.east, of: grid.spec),
                                  kind: .stage(.constant(101.5)))
        var sim = try FloodSimulation(setup: FloodSetup(grid: grid, boundaries: [stage]))
        sim.run(until: 7200)
        var worst = 0.0
        for i in 0..<grid.spec.count { worst = max(worst, abs(Double(sim.depth(at: i)) + grid.bed[i] - 101.5)) }
        #expect(worst < 1e-2, "level differs from the stage by \(worst) m")
        let b = sim.updateBalance()
        #expect(abs(b.relativeError) < 1e-6, "\(b)")
    }
}
