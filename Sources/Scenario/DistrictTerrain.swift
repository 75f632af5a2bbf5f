import CityModel
import Foundation
import Geometry
import SimCore

/// The river bank along the district's east side: the shoreline's easting as a smooth function of
/// the northing (two sine waves), and the riverside park between the riverside road and the water.
struct Shoreline {
    let side: Double
    /// Mean distance of the shoreline from the west edge (m).
    let mean: Double
    let a1: Double, k1: Double, p1: Double
    let a2: Double, k2: Double, p2: Double
    /// Width from the riverside road's centre line to the shoreline (m).
    let parkWidth: Double

    init(frame: DistrictFrame, rng: inout SeededRNG) {
        side = frame.side
        mean = side * rng.uniform(0.86, 0.89)
        a1 = side * rng.uniform(0.012, 0.025); k1 = 2 * .pi / (side * rng.uniform(1.2, 2.0)); p1 = rng.uniform(0, 2 * .pi)
        a2 = rng.uniform(2, 6); k2 = 2 * .pi / rng.uniform(250, 450); p2 = rng.uniform(0, 2 * .pi)
        parkWidth = max(55, min(85, 0.035 * side))
    }

    /// Easting (local m) of the shoreline at northing v.
    func x(_ v: Double) -> Double { mean + a1 * sin(k1 * v + p1) + a2 * sin(k2 * v + p2) }
    /// Easting of the riverside road's centre line at northing v (a smoother curve than the shore).
    func roadX(_ v: Double) -> Double { mean + a1 * sin(k1 * v + p1) - parkWidth }
    /// The shoreline sampled every `step` metres from v0 to v1 (either direction), as local (u, v).
    func points(from v0: Double, to v1: Double, step: Double = 20) -> [(Double, Double)] {
        let n = max(1, Int((abs(v1 - v0) / step).rounded(.up)))
        return (0...n).map { k in let v = v0 + (v1 - v0) * Double(k) / Double(n); return (x(v), v) }
    }
}

/// A low-lying pocket: a Gaussian hollow of `depth` metres and radius `sigma` metres around a
/// centre (local coordinates), deep enough to hold water on the gentle slope around it.
struct Pocket {
    var u: Double, v: Double, depth: Double, sigma: Double
}

/// The ground surface: a gentle rise away from the river (about 0.3 %), slow undulations, a few
/// pockets, the river bank and the river bed; streets lie a kerb height below the blocks.
struct Relief {
    let frame: DistrictFrame
    let shore: Shoreline
    let pockets: [Pocket]
    /// Rise from the shoreline to the west edge (m), and a north–south tilt (m).
    let rise: Double, tilt: Double
    /// Undulations: (amplitude m, wave vector kx, ky 1/m, phase).
    let waves: [(Double, Double, Double, Double)]

    static let bankWidth = 35.0

    init(frame: DistrictFrame, shore: Shoreline, pockets: [(Double, Double)], rng: inout SeededRNG) {
        self.frame = frame; self.shore = shore
        rise = rng.uniform(3.5, 4.2) * pow(frame.side / 1000, 0.85)
        tilt = rng.uniform(-1.2, 1.2) * frame.side / 2000
        waves = (0..<6).map { _ in
            let lambda = rng.uniform(300, 1200), dir = rng.uniform(0, 2 * .pi)
            return (rng.uniform(0.03, 0.08), 2 * .pi / lambda * cos(dir), 2 * .pi / lambda * sin(dir), rng.uniform(0, 2 * .pi))
        }
        self.pockets = pockets.map { p in Pocket(u: p.0, v: p.1, depth: rng.uniform(1.3, 2.0), sigma: rng.uniform(45, 75)) }
    }

    /// Ground elevation (m) of the land surface without the kerb drop, at local (u, v).
    func elevation(_ u: Double, _ v: Double) -> Double {
        let w = DistrictDesign.waterLevel
        let d = shore.x(v) - u                       // distance inland from the shoreline (m)
        if d < 0 {                                   // river bed, deepening away from the bank
            let s = smoothstep(min(1, -d / 120))
            return w - 0.3 - 3.0 * s
        }
        let inland = max(d, Self.bankWidth)
        var z = w + 5.3 + rise * pow(inland / frame.side, 0.8) + tilt * (v / frame.side - 0.5)
        for (a, kx, ky, p) in waves { z += a * sin(kx * u + ky * v + p) }
        for p in pockets {
            let r2 = (u - p.u) * (u - p.u) + (v - p.v) * (v - p.v)
            z -= p.depth * exp(-r2 / (2 * p.sigma * p.sigma))
        }
        if d < Self.bankWidth { z = w + (z - w) * smoothstep(d / Self.bankWidth) }
        return z
    }

    /// Magnitude of the ground slope (m/m) at local (u, v), by central differences over 10 m.
    func slope(_ u: Double, _ v: Double) -> Double {
        let h = 10.0
        let gx = (elevation(u + h, v) - elevation(u - h, v)) / (2 * h)
        let gy = (elevation(u, v + h) - elevation(u, v - h)) / (2 * h)
        return (gx * gx + gy * gy).squareRoot()
    }

    /// The DEM: cell-centre elevations rounded to centimetres, streets lowered by the kerb height.
    func raster(streets: StreetLayout) -> Raster<Double> {
        let cell = frame.cellSize
        let n = Int((frame.side / cell).rounded())
        let grid = GridSpec(width: n, height: n, originX: frame.origin.x, originY: frame.origin.y, cellSize: cell)
        var street = [Bool](repeating: false, count: grid.count)
        for s in streets.segments {
            let a = streets.nodes[s.a].p, b = streets.nodes[s.b].p
            let reach = max(s.halfWidth, 0.71 * cell)
            let c0 = max(0, Int((min(a.x, b.x) - reach) / cell)), c1 = min(n - 1, Int((max(a.x, b.x) + reach) / cell))
            let r0 = max(0, Int((min(a.y, b.y) - reach) / cell)), r1 = min(n - 1, Int((max(a.y, b.y) + reach) / cell))
            guard c0 <= c1, r0 <= r1 else { continue }
            let pa = a, pb = b
            for rv in r0...r1 {
                for c in c0...c1 {
                    let p = Coordinate((Double(c) + 0.5) * cell, (Double(rv) + 0.5) * cell)
                    if distanceToSegment(p, pa, pb) <= reach { street[(n - 1 - rv) * n + c] = true }
                }
            }
        }
        var values = [Double](repeating: 0, count: grid.count)
        for row in 0..<n {
            let v = (Double(n - row) - 0.5) * cell
            for col in 0..<n {
                let u = (Double(col) + 0.5) * cell
                var z = elevation(u, v)
                if street[row * n + col] { z -= DistrictDesign.kerbHeight }
                values[row * n + col] = rounded(z)
            }
        }
        return Raster(grid: grid, values: values, noData: -9999)
    }
}

func smoothstep(_ x: Double) -> Double { let t = max(0, min(1, x)); return t * t * (3 - 2 * t) }
