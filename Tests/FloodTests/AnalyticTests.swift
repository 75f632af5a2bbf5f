@testable import Flood
import Foundation
import Geometry
import Testing

/// A grid of `w × h` cells of `dx` metres with bed z(row, col).
func makeGrid(_ w: Int, _ h: Int, dx: Double = 10, n: Double = 0.03, blocked: [Bool]? = nil,
              z: (Int, Int) -> Double) throws -> FloodGrid {
    var r = Raster<Double>(grid: GridSpec(width: w, height: h, originX: 0, originY: 0, cellSize: dx), fill: 0)
    for row in 0..<h { for col in 0..<w { r[row, col] = z(row, col) } }
    return try FloodGrid(elevation: r, manning: .uniform(n), blocked: blocked)
}

/// Hilly terrain rising from about 150 m in a central valley to about 380 m at the corners.
func hills(_ row: Int, _ col: Int) -> Double {
    let x = Double(col) / 20 - 1, y = Double(row) / 20 - 1
    return 150 + 115 * (x * x + y * y) + 4 * sin(Double(col) * 0.9) * cos(Double(row) * 0.7)
}

@Suite struct AnalyticTests {
    @Test func inversePowerMatchesPow() {
        var worst = 0.0
        var x: Float = 1e-4
        while x < 50 {
            let ref = pow(Double(x), -7.0 / 3.0)
            worst = max(worst, abs(Double(inversePow73(x)) / ref - 1))
            x *= 1.07
        }
        // One tuned Newton-type step from the bit-level guess: ±5.61e-3 at worst (the scheme's stated
        // bound is 5.7e-3, i.e. Manning's n within ±0.3 %); a wrong constant gives 1.6e-2 or more.
        #expect(worst < 5.7e-3, "h^(-7/3) relative error \(worst)")
        #expect(worst > 1e-3, "the one-step error bound is tight: \(worst)")
    }

    /// A lake with shores on terrain 150–380 m above datum stays at rest: the surface difference is
    /// formed from per-face bed differences, so only the depths' own rounding (~10⁻⁶ m) is left.
    @Test func lakeAtRestOnHighTerrain() throws {
        let grid = try makeGrid(40, 40, z: hills)
        let range = grid.bed.min()!...grid.bed.max()!
        #expect(range.lowerBound > 100 && range.upperBound < 400 && range.upperBound - range.lowerBound > 200, "terrain \(range)")
        let level = range.lowerBound + 12
        let depth = FloodSetup.depths(toLevel: level, on: grid)
        let wet = depth.filter { $0 > 0 }.count, dry = depth.count - wet
        #expect(wet > 100 && dry > 100, "a lake with shores: \(wet) wet, \(dry) dry cells")
        var sim = try FloodSimulation(setup: FloodSetup(grid: grid, initialDepth: depth))
        sim.run(until: 900)
        #expect(sim.steps > 300)
        var speed: Float = 0, drift: Float = 0
        for i in 0..<depth.count {
            let (u, v) = sim.velocity(at: i)
            speed = max(speed, (u * u + v * v).squareRoot())
            drift = max(drift, abs(sim.depth(at: i) - depth[i]))
        }
        #expect(speed < 1e-5, "largest speed at rest \(speed) m/s")
        #expect(drift < 1e-5, "largest depth change \(drift) m")
        let b = sim.updateBalance()
        #expect(abs(b.relativeError) < 1e-6, "mass error \(b.relativeError)")
    }

    @Test func uniformRainOnClosedBasinIsStored() throws {
        let grid = try makeGrid(30, 24, dx: 5, z: { r, c in 120 + 0.02 * Double((c - 15) * (c - 15) + (r - 12) * (r - 12)) })
        let rate = 50.0 / 1000 / 3600   // 50 mm/h in m/s
        let rain = FloodRain(intensity: FloodSeries(times: [0, 1200], values: [rate, 0], interpolation: .step))
        var sim = try FloodSimulation(setup: FloodSetup(grid: grid, rain: rain))
        var minDepth: Float = 0
        while sim.time < 1800 {
            sim.step(limit: 1800 - sim.time)
            minDepth = min(minDepth, (0..<grid.spec.count).map { sim.depth(at: $0) }.min()!)
        }
        let expected = rate * 1200 * grid.cellArea * Double(grid.spec.count)
        let b = sim.updateBalance()
        #expect(abs(b.rain / expected - 1) < 1e-6, "rain booked \(b.rain) m³, expected \(expected) m³")
        #expect(abs(b.storage / expected - 1) < 1e-6, "stored \(b.storage) m³, rain × area \(expected) m³")
        #expect(b.outflow == 0 && b.inflow == 0)
        #expect(minDepth >= 0, "a depth went negative: \(minDepth)")
    }
}
