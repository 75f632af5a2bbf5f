import CityIO
import CityModel
import Coupling
import Flood
import Foundation
import Geometry
import SimCore
import Testing
import TestSupport

/// EA Test 8B (Néelz & Pender 2013): the sewer of the test (a SWMM network, `8b_drainage_network_swmm.inp`)
/// surcharges at manhole J1 onto the streets; XPSTORM's exchange flow at J1 is the reference
/// (`8b_xpstorm_manhole_flow.csv`, minutes and m³/s, positive out of the manhole). The Glasgow terrain
/// is not available, so the surface is a synthetic street (``Test8BSurface``).
///
/// When `CITYTWIN_FIGURE_DATA` names a folder, the simulated hydrograph is written there as
/// `test8b-exchange.csv` (minutes, m³/s out of the manhole) for `scripts/coupling-figures`.
@Suite struct Test8BTests {
    static var folder: String? { sharedReference.map { $0 + "/flood/test8b" } }

    static func reference() throws -> [(minute: Double, flow: Double)] {
        let text = try String(contentsOfFile: folder! + "/8b_xpstorm_manhole_flow.csv", encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let f = line.split(separator: ",")
            guard f.count == 2, let t = Double(f[0]), let q = Double(f[1]) else { return nil }
            return (t, q)
        }
    }

    @Test func exchangeHydrographAtJ1MatchesXPSTORM() throws {
        guard let folder = Self.folder else {
            print("Test8BTests: ../shared/reference is not present; skipping the Test 8B validation")
            return
        }
        let model = try SWMMInp.read(path: folder + "/8b_drainage_network_swmm.inp")
        // The 8B configuration (docs/validation.md): Preissmann-slot surcharge in the pipes (SWMM 5.2's
        // SLOT, `DualDrainageSetup`'s default; the EXTRAN surcharge node has no storage and the explicit
        // exchange at a larger opening then runs away), and a sharp-edged orifice (C_o = 0.6) at the
        // 1 m manhole.
        let j1 = try #require(model.drainageNodes.first { $0.id.rawValue == "J1" })
        guard case .point(let at)? = j1.shape else { Issue.record("J1 has no coordinates"); return }
        let surface = try Test8BSurface(manhole: at, rim: j1.invert + (j1.maxDepth ?? 0))
        var setup = DualDrainageSetup(model: model, flood: FloodSetup(grid: surface.grid),
                                      inlets: [ManholeInlet(node: "J1", cell: surface.manholeCell, diameter: 1)])
        setup.sampleInterval = 30
        setup.coefficients.orifice = 0.6
        let result = try DualDrainageRun.run(setup)
        // Out of the manhole is positive in the reference.
        let sim = result.exchange.hydrograph(of: 0).map { (minute: $0.time / 60, flow: -$0.flow) }
        if let out = ProcessInfo.processInfo.environment["CITYTWIN_FIGURE_DATA"] {
            let csv = "minute,flow_m3s\n" + sim.map { "\($0.minute),\($0.flow)" }.joined(separator: "\n") + "\n"
            try csv.write(toFile: out + "/test8b-exchange.csv", atomically: true, encoding: .utf8)
        }
        let ref = try Self.reference()
        let refPeak = ref.max { $0.flow < $1.flow }!, simPeak = sim.max { $0.flow < $1.flow }!
        let refStart = ref.first { $0.flow > 0.05 }!.minute, simStart = sim.first { $0.flow > 0.05 }!.minute
        func volume(_ s: [(minute: Double, flow: Double)]) -> Double {
            zip(s, s.dropFirst()).reduce(0) { $0 + max(0, ($1.0.flow + $1.1.flow) / 2) * ($1.1.minute - $1.0.minute) * 60 }
        }
        let refVolume = volume(ref), simVolume = volume(sim)
        print("""
        Test 8B at J1: peak \(simPeak.flow) m³/s at \(simPeak.minute) min (XPSTORM \(refPeak.flow) at \(refPeak.minute)); \
        spill starts \(simStart) min (\(refStart)); spilled \(simVolume) m³ (\(refVolume)); \
        returned \(result.exchange.drained[0]) m³; balance error \(result.balance.relativeError * 100) %
        """)
        print(result.balance)
        // Tolerances: what a synthetic street around the real sewer can be held to.
        #expect(abs(simPeak.flow - refPeak.flow) < 0.10 * refPeak.flow)      // peak within 10 %
        #expect(abs(simPeak.minute - refPeak.minute) < 10)                    // peak time within 10 min
        #expect(abs(simStart - refStart) < 10)                                // spill onset within 10 min
        #expect(abs(simVolume - refVolume) < 0.10 * refVolume)                // spilled volume within 10 %
        // The exchange itself is exact: what the pipes lost the street gained.
        #expect(abs(result.exchange.toNetwork[0] - result.exchange.fromSurface[0]) < 1e-6 * refVolume)
        // The whole balance carries the pipe scheme's own continuity error (SWMM 5.2.4 reports
        // −0.17 % on this network uncoupled); everything else closes to 10⁻⁵ of the volume in.
        #expect(abs(result.balance.error - result.balance.pipeSchemeError) < 1e-5 * result.balance.volumeIn, "\(result.balance)")
        #expect(abs(result.balance.relativeError) < 0.005, "\(result.balance)")
    }
}

/// A street surface around the Test 8B manhole (2 m cells, 320 m × 200 m, Manning n = 0.02, closed
/// edges): a 20 m wide street running west–east through the manhole, falling 1:250 east of it and
/// rising 1:250 west of it, with a 0.05 m dip over the manhole; the blocks on either side stand
/// 0.15 m above the street (kerbs); at the east end the street opens into a 60 m wide low area
/// 1.5 m deep, where the surcharged water collects.
struct Test8BSurface {
    let grid: FloodGrid
    let manholeCell: Int

    init(manhole: Coordinate, rim: Double) throws {
        let cell = 2.0, width = 160, height = 100, manholeCol = 40, manholeRow = 50
        let spec = GridSpec(width: width, height: height, originX: manhole.x - (Double(manholeCol) + 0.5) * cell,
                            originY: manhole.y - (Double(height - manholeRow) - 0.5) * cell, cellSize: cell)
        var z = [Double](repeating: 0, count: spec.count)
        for r in 0..<height {
            for c in 0..<width {
                let dx = Double(c - manholeCol) * cell, dy = Double(r - manholeRow) * cell
                var street = rim - abs(dx) / 250 * (dx > 0 ? 1 : -1)
                let d = (dx * dx + dy * dy).squareRoot()
                if d < 6 { street -= 0.05 * (1 - d / 6) }
                let inStreet = abs(dy) <= 10
                var v = inStreet ? street : street + 0.15
                if c >= 130 { v = rim - Double(130 - manholeCol) * cell / 250 - 1.5 }
                z[spec.index(row: r, col: c)] = v
            }
        }
        grid = try FloodGrid(elevation: Raster(grid: spec, values: z), manning: .uniform(0.02))
        manholeCell = spec.index(row: manholeRow, col: manholeCol)
        precondition(spec.cell(containing: manhole).map { spec.index(row: $0.row, col: $0.col) } == manholeCell)
    }
}
