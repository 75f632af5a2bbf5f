import Flood
import Foundation
import Geometry
import SimCore

/// Forcing-phase rain on the flood grid for the coupled run: writes the `.rainRate` field (m/s per
/// cell, ≥ 0) as the mean of the scene's rain intensity over each tick times the rain pattern
/// (1 where the scene gives none). `FloodProcess` on a SimCore engine takes its rain from this
/// field (it books it in "flood rain"); blocked cells get none.
struct GridRainProcess: SimProcess {
    let name = "grid rain"
    var phase: Phase { .forcing }
    let grid: GridSpec
    /// Rain intensity (m/s) and the per-cell factor (nil: 1 on every cell).
    let intensity: FloodSeries
    let pattern: [Float]?

    init(setup: FloodSetup) {
        grid = setup.grid.spec
        intensity = setup.rain?.intensity ?? FloodSeries(times: [0], values: [0], interpolation: .step)
        pattern = setup.rain?.pattern
    }

    mutating func prepare(_ context: inout ProcessContext) throws {
        try context.fields.declare(.rainRate, initial: Raster(grid: grid, fill: Float(0)))
    }

    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let rate = Float(intensity.mean(from: from.seconds, to: to.seconds))
        guard rate > 0 else { return }
        if let pattern {
            try fields.write(.rainRate, Raster(grid: grid, values: pattern.map { $0 * rate }))
        } else {
            try fields.write(.rainRate, Raster(grid: grid, fill: rate))
        }
    }

    func snapshotState() throws -> Data { Data() }
    mutating func restoreState(_ data: Data) throws {}
}
