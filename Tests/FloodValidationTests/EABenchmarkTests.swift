import CityIO
import Flood
import Foundation
import Geometry
import Testing
import TestSupport

/// UK Environment Agency 2D benchmarks (Néelz & Pender 2010/2013) from ../shared/reference/flood.
@Suite struct EABenchmarkTests {
    /// Test 4: a 1000 m × 2000 m flat plain at 0 m, n = 0.05, 5 m cells, inflow over 20 m in the middle of
    /// the west edge (the trapezoid of the reference README: 0 → 20 m³/s over 1 h, held to 3.96 h, 0 at
    /// 4.96 h), 5 h. First arrival (1 cm) and maximum depth at P1…P6 against the LISFLOOD-FP 8.1 and
    /// landlab results on the same input.
    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"))
    func test4FloodPropagationOverFlatPlain() throws {
        let points = try readPoints((sharedReference! as NSString).appendingPathComponent("flood/test4/Test4output.csv"))
        #expect(points.count == 6)
        let dem = Raster<Double>(grid: GridSpec(width: 200, height: 400, originX: 0, originY: 0, cellSize: 5), fill: 0)
        let grid = try FloodGrid(elevation: dem, manning: .uniform(0.05))
        let inlet = FloodBoundary.wholeEdge(.west, of: grid.spec).filter {
            let y = grid.spec.center(row: $0 / 200, col: 0).y
            return y > 990 && y < 1010
        }
        #expect(inlet.count == 4)
        let h = 3600.0
        let hydrograph = FloodSeries(times: [0, h, 3.96 * h, 4.96 * h], values: [0, 20, 20, 0])
        let setup = FloodSetup(grid: grid, inflows: [FloodInflow(name: "inlet", place: .edge(.west, cells: inlet), hydrograph: hydrograph)])
        var sim = try FloodSimulation(setup: setup, threads: 2)
        var stats = FloodStatistics(cells: grid.spec.count, thresholds: [0.01])
        let cells = points.map { p in grid.spec.cell(containing: p.1).map { $0.row * 200 + $0.col }! }
        var rows: [[Double]] = []
        var next = 0.0
        while sim.time < 5 * h - 1e-9 {
            sim.step(limit: 5 * h - sim.time)
            stats.record(sim)
            if sim.time >= next { rows.append([sim.time] + cells.map { Double(sim.depth(at: $0)) }); next += 60 }
        }
        figureData("ea_test4_points.csv", "t_s," + points.map { "\($0.0)_m" }.joined(separator: ","), rows)
        // LISFLOOD-FP 8.1 / landlab, from the reference README (minutes; metres).
        let arrivalRef: [(Double, Double)] = [(5.2, 5.3), (11.5, 11.8), (25.7, 26.7), (41.0, 42.7), (57.3, 59.8), (62.7, 57.3)]
        let depthRef: [(Double, Double)] = [(0.325, 0.366), (0.275, 0.273), (0.228, 0.216), (0.200, 0.189), (0.180, 0.170), (0.176, 0.173)]
        let arrival = stats.arrival(threshold: 0)
        var report: [String] = []
        for (k, c) in cells.enumerated() {
            let a = Double(arrival[c]) / 60, d = Double(stats.maxDepth[c])
            report.append(String(format: "P%d arrival %.1f min (ref %.1f/%.1f), max depth %.3f m (ref %.3f/%.3f)",
                                 k + 1, a, arrivalRef[k].0, arrivalRef[k].1, d, depthRef[k].0, depthRef[k].1))
            // Within the two engines' spread widened by 5 % on each side (the spread itself is 2–10 %).
            let (alo, ahi) = (min(arrivalRef[k].0, arrivalRef[k].1), max(arrivalRef[k].0, arrivalRef[k].1))
            let (dlo, dhi) = (min(depthRef[k].0, depthRef[k].1), max(depthRef[k].0, depthRef[k].1))
            #expect(a >= 0.95 * alo && a <= 1.05 * ahi, "P\(k + 1) arrival \(a) min outside [\(alo), \(ahi)] ± 5 %")
            #expect(d >= 0.95 * dlo && d <= 1.05 * dhi, "P\(k + 1) max depth \(d) m outside [\(dlo), \(dhi)] ± 5 %")
        }
        print("EA Test 4:\n" + report.joined(separator: "\n"))
        #expect(arrival[cells[5]] > arrival[cells[4]], "P6 (424 m, diagonal) must be reached after P5 (400 m, on axis)")
        let b = sim.updateBalance()
        #expect(abs(b.inflow / 285_120 - 1) < 1e-4, "inflow volume \(b.inflow) m³")
        #expect(abs(b.relativeError) < 1e-6, "mass balance \(b.relativeError)")
    }

    /// Test 3: a 20 s pulse of 65.5 m³/s along the west edge runs down a slope into a depression
    /// (low 9.75 m) bounded by a 0.25 m obstruction (crest 10.00 m) with a second depression beyond
    /// (DEM 2 m). The pulse (9.2 m³ per metre of width) is less than the first depression holds below
    /// the crest (about 12 m³/m), so only momentum can carry water over. No engine results are given
    /// for it here; the test checks the volume, the mass balance and that the first depression fills,
    /// and reports the volume beyond the crest (docs/validation.md discusses it).
    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"))
    func test3MomentumOverObstruction() throws {
        let folder = (sharedReference! as NSString).appendingPathComponent("flood/test3")
        let dem = try AsciiGrid.read(path: (folder as NSString).appendingPathComponent("test3DEM.asc"))
        // "Time (s),Inflow (cumecs)": read the two columns directly.
        let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent("Test3BC.csv"), encoding: .utf8)
        let pairs = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> (Double, Double)? in
            let f = line.split(separator: ",")
            guard f.count == 2, let t = Double(f[0].trimmingCharacters(in: .whitespaces)),
                  let v = Double(f[1].trimmingCharacters(in: .whitespaces)) else { return nil }
            return (t, v)
        }
        let q = (times: pairs.map(\.0), values: pairs.map(\.1))
        #expect(q.times.count == 6)
        let grid = try FloodGrid(elevation: dem, manning: .uniform(0.03))
        let inflow = FloodInflow(name: "west", place: .edge(.west, cells: FloodBoundary.wholeEdge(.west, of: grid.spec)),
                                 hydrograph: FloodSeries(times: q.times, values: q.values))
        var options = FloodOptions()
        options.maxStep = 1
        var sim = try FloodSimulation(setup: FloodSetup(grid: grid, options: options, inflows: [inflow]), threads: 2)
        let w = grid.width, mid = grid.height / 2
        // The crest between the two depressions: the highest bed on the middle row east of the first low.
        let row = (0..<w).map { grid.bed[mid * w + $0] }
        let firstLow = (0..<(w / 2 + 20)).min { row[$0] < row[$1] }!
        let crest = (firstLow..<min(w, firstLow + 50)).max { row[$0] < row[$1] }!
        var maxLevel = row
        while sim.time < 900 - 1e-9 {
            sim.step(limit: 900 - sim.time)
            for c in 0..<w { maxLevel[c] = max(maxLevel[c], row[c] + Double(sim.depth(at: mid * w + c))) }
        }
        var crossed = 0.0
        for r in 0..<grid.height { for c in (crest + 1)..<w { crossed += Double(sim.depth(at: r * w + c)) * grid.cellArea } }
        figureData("ea_test3_profile.csv", "x_m,bed_m,max_level_m,final_level_m", (0..<w).map { c in
            [grid.spec.center(row: mid, col: c).x, row[c], maxLevel[c], row[c] + Double(sim.depth(at: mid * w + c))]
        })
        let b = sim.updateBalance()
        print(String(format: "EA Test 3: inflow %.1f m³, %.1f m³ (%.0f %%) beyond the crest at x = %.0f m after 900 s; max level at the crest %.3f m (bed %.3f m)",
                     b.inflow, crossed, 100 * crossed / b.inflow, grid.spec.center(row: 0, col: crest).x, maxLevel[crest], row[crest]))
        #expect(abs(b.inflow - 1310) < 1, "pulse volume \(b.inflow) m³ (65.5 m³/s over 20 s with 10 s ramps)")
        #expect(crossed < b.inflow, "\(crossed) m³ beyond the crest")
        let pondLevel = row[firstLow] + Double(sim.depth(at: mid * w + firstLow))
        #expect(pondLevel > row[firstLow] + 0.1 && pondLevel < row[crest] + 0.05,
                "first depression filled to \(pondLevel) m (low \(row[firstLow]) m, crest \(row[crest]) m)")
        #expect((0..<grid.spec.count).allSatisfy { sim.depth(at: $0) >= 0 })
        #expect(abs(b.relativeError) < 1e-6, "mass balance \(b.relativeError)")
    }

    func readPoints(_ path: String) throws -> [(String, Coordinate)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 3, let x = Double(f[1]), let y = Double(f[2]) else { return nil }
            return ("P" + f[0], Coordinate(x, y))
        }
    }
}
