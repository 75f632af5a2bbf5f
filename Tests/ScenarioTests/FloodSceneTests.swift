import CityIO
import Flood
import Foundation
import Geometry
import Scenario
import Testing
import TestSupport

/// A 20 × 10 grid of 5 m cells sloping east, as an ASCII grid in `folder`.
func writeDEM(_ folder: borrowing TemporaryFolder) throws -> String {
    var r = Raster<Double>(grid: GridSpec(width: 20, height: 10, originX: 1000, originY: 2000, cellSize: 5), fill: 0, noData: -9999)
    for row in 0..<10 { for col in 0..<20 { r[row, col] = 50 - 0.05 * Double(col) } }
    let path = folder.file("dem.asc")
    try AsciiGrid.write(r, to: path)
    return path
}

let goodScene = """
version: 1
name: slope
terrain: dem.asc
duration: 10min
report_step: 60
flood:
  cfl: 0.6
  theta: 0.9
  manning: 0.04
  infiltration: {constant: 2}
forcing:
  rain: {series: [[0, 30], [5min, 0]]}
  inflows:
    - {name: pipe, point: [1012, 2030], hydrograph: [[0, 0], [2min, 0.5], [6min, 0]]}
  boundaries:
    - {name: outfall, edge: east, type: free}
    - {name: pond, edge: {side: west, from: 2010, to: 2030}, type: stage, stage: 50.2}
outputs:
  thresholds: [0.01, 0.05]
  points:
    - {name: A, at: [1090, 2025]}
"""

@Suite struct FloodSceneTests {
    @Test func readsEveryFloodKey() throws {
        let dir = TemporaryFolder()
        _ = try writeDEM(dir)
        write(goodScene, to: dir.file("case.yaml"))
        let s = try FloodScene.load(dir.file("case.yaml"))
        #expect(s.name == "slope" && s.duration == 600 && s.reportStep == 60)
        #expect(s.setup.options.cfl == 0.6 && s.setup.options.theta == 0.9)
        #expect(s.setup.grid.uniformManning == Float(0.04))
        #expect(s.setup.inflows.count == 1 && s.setup.boundaries.count == 2)
        if case .cells(let c) = s.setup.inflows[0].place { #expect(c == [4 * 20 + 2]) } else { Issue.record("point inflow") }
        #expect(s.setup.boundaries[1].cells.count == 4, "west cells with centres in [2010, 2030]")
        #expect(abs(s.setup.rain!.intensity.value(at: 10) - 30 / 3.6e6) < 1e-15)
        #expect(s.thresholds == [0.01, 0.05] && s.gauges.map(\.name) == ["A"])
        var run = try FloodRun(scene: s, threads: 2)
        run.run()
        try run.write(to: dir.file("out"))
        let files = Set((try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? [])
        for f in ["max_depth.asc", "max_level.asc", "max_speed.asc", "max_hazard.asc", "arrival_0.01m.asc", "duration_0.05m.asc",
                  "points.csv", "summary.json"] {
            #expect(files.contains(f), "missing \(f)")
        }
        let m = run.summary.massBalance
        #expect(m.rain > 0 && m.inflow > 0 && m.outflow > 0 && m.infiltration > 0, "\(m)")
        #expect(abs(m.relativeError) < 1e-6)
        let depth = try AsciiGrid.read(path: dir.file("out/max_depth.asc"))
        #expect(depth.values.max()! > 0 && depth.grid == s.setup.grid.spec)
        let table = try CSVTimeSeries.read(path: dir.file("out/points.csv"))
        #expect(table.series.map(\.name) == ["A depth", "A speed", "A level"])
        #expect(table.series[0].times.count == 11)
    }

    /// Unknown keys and bad values are refused with the file, the line and the key.
    @Test(arguments: [
        ("  manning: 0.04", "  maning: 0.04", 9, "E106", "flood.maning: unknown key"),
        ("  theta: 0.9", "  theta: 1.9", 8, "E503", "flood.theta: theta 1.9 must be in [0.0, 1.0]"),
        ("duration: 10min", "duration: ten", 4, "E105", "duration: expected a duration"),
        ("    - {name: outfall, edge: east, type: free}", "    - {name: outfall, edge: eats, type: free}", 16, "E105",
         "forcing.boundaries[0].edge: expected north, south, east or west"),
        ("    - {name: A, at: [1090, 2025]}", "    - {name: A, at: [5, 2025]}", 21, "E503", "outputs.points[0].at: (5.0, 2025.0) is outside the grid"),
        ("version: 1", "version: 2", 1, "E105", "version: unsupported version 2"),
    ])
    func refusesBadInput(_ c: (String, String, Int, String, String)) throws {
        let dir = TemporaryFolder()
        _ = try writeDEM(dir)
        write(goodScene.replacingOccurrences(of: c.0, with: c.1), to: dir.file("case.yaml"))
        do {
            _ = try FloodScene.load(dir.file("case.yaml"))
            Issue.record("accepted \(c.1)")
        } catch let e as InputError {
            #expect(e.location?.file == dir.file("case.yaml"))
            #expect(e.location?.line == c.2, "\(e)")
            #expect(e.code.label == c.3, "\(e)")
            #expect(e.message.hasPrefix(c.4), "\(e)")
        }
    }

    @Test func yamlSyntaxErrorNamesTheLine() throws {
        let dir = TemporaryFolder()
        write("version: 1\nflood: {cfl: 0.5\nduration: 3\n", to: dir.file("bad.yaml"))
        #expect(throws: InputError.self) { try FloodScene.load(dir.file("bad.yaml")) }
        do { _ = try FloodScene.load(dir.file("bad.yaml")) } catch let e as InputError {
            #expect(e.code == .syntax && e.location?.line != nil, "\(e)")
        }
    }
}

@Suite struct FloodSceneModelTests {
    /// `model:` gives the terrain, building footprints (blocked by cell centre) and land-use Manning n.
    @Test func buildingsAndLandUseFromTheModel() throws {
        let dir = TemporaryFolder()
        try ModelStore.save(makeRichModel(), to: dir.file("model"))
        write("""
        version: 1
        model: model
        duration: 60
        flood:
          manning: {landuse: true, default: 0.02}
          buildings: {mode: blocked}
        """, to: dir.file("case.yaml"))
        let s = try FloodScene.load(dir.file("case.yaml"))
        let g = s.setup.grid
        #expect(g.width == 4 && g.height == 3)
        // Cell (0, 0) is NODATA; the building from x 529010 to 529040, y 3380510 to 3380530 holds the
        // centres of (0, 2) and (0, 3).
        #expect((0..<12).filter { g.blocked[$0] } == [0, 2, 3])
        // The parcel (x ≥ 529000, y ≥ 3380505) holds the centre of (0, 1), n = 0.05; 0.02 elsewhere.
        #expect(g.manningN(at: 1) == Float(0.05))
        #expect(g.manningN(at: 4) == Float(0.02) && g.manningN(at: 9) == Float(0.02))

        write("""
        version: 1
        model: model
        duration: 60
        flood:
          buildings: {mode: raised, height: 5}
        """, to: dir.file("raised.yaml"))
        let r = try FloodScene.load(dir.file("raised.yaml"))
        #expect(!r.setup.grid.blocked[2] && abs(r.setup.grid.bed[2] - (20 + 0.2 + 5)) < 1e-6, "\(r.setup.grid.bed[2])")
    }
}
