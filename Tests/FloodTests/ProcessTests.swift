@testable import Flood
import Foundation
import Geometry
import SimCore
import Testing

/// Forcing-phase rain on the flood grid: a uniform rate until `until`.
struct GridRain: SimProcess {
    var name = "rain"
    var phase = Phase.forcing
    let grid: GridSpec
    let rate: Float          // m/s
    let until: Double        // s
    mutating func prepare(_ context: inout ProcessContext) throws {
        try context.fields.declare(.rainRate, initial: Raster(grid: grid, fill: Float(0)))
    }
    mutating func advance(from: SimTime, to: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        guard from.seconds < until else { return }
        try fields.write(.rainRate, Raster(grid: grid, fill: rate))
    }
    func snapshotState() throws -> Data { Data() }
    mutating func restoreState(_ data: Data) throws {}
}

@Suite struct ProcessTests {
    /// The process runs inside the engine, takes rain from the exchange field, writes the depth field,
    /// and its ledger balances; a snapshot restored mid-run continues bit for bit.
    @Test func engineRunWithRainFieldBalancesAndRestores() throws {
        var setup = try busySetup(width: 24, height: 30)
        setup.rain = nil
        let options = EngineOptions(tick: .seconds(30), reportStep: .seconds(300), end: SimTime(seconds: 1200))
        func engine() throws -> Engine {
            var e = try Engine(options: options)
            try e.add(GridRain(grid: setup.grid.spec, rate: Float(60e-3 / 3600), until: 600))
            try e.add(FloodProcess(setup: setup, threads: 2))
            return e
        }
        var a = try engine()
        try a.run(until: SimTime(seconds: 600))
        let snap = try a.snapshot()
        try a.run()
        let flood = try #require(a.process(named: "flood", as: FloodProcess.self)?.simulation)
        let balance = a.ledger.balance(of: .water)
        let rainVolume = 60e-3 / 3600 * 600 * Double(setup.grid.openCells) * setup.grid.cellArea
        #expect(abs(flood.balance.rain / rainVolume - 1) < 1e-5, "rain from the field \(flood.balance.rain) m³, expected \(rainVolume) m³")
        #expect(abs(balance.relativeError) < 1e-6, "ledger: \(balance)")
        let depth = a.fields[FieldKey<Raster<Float>>.surfaceDepth]
        #expect(depth.values == flood.depth.values)

        var b = try engine()
        try b.restore(snap)
        try b.run()
        let again = try #require(b.process(named: "flood", as: FloodProcess.self)?.simulation)
        #expect(again.depth.values.map(\.bitPattern) == flood.depth.values.map(\.bitPattern))
        #expect(again.balance == flood.balance)
    }

    @Test func buildingFootprintsBlockCellsByTheirCentres() throws {
        let spec = GridSpec(width: 10, height: 8, originX: 100, originY: 200, cellSize: 2)
        // A 4 m × 6 m box from (104, 202) to (108, 208): centres at x = 105, 107 and y = 203, 205, 207.
        let box = Polygon(box: BBox(minX: 104, minY: 202, maxX: 108, maxY: 208))
        let cells = FloodRasterize.cells(inside: [box], on: spec)
        #expect(cells.count == 6)
        #expect(cells.allSatisfy { [2, 3].contains($0 % 10) && [4, 5, 6].contains($0 / 10) }, "\(cells)")
        let values = FloodRasterize.values([(box, 0.1)], on: spec, fallback: 0.03)
        #expect(values.filter { $0 == 0.1 }.count == 6)
    }

    @Test func statisticsTrackMaximaArrivalAndDuration() throws {
        let setup = try busySetup(width: 24, height: 30)
        var sim = try FloodSimulation(setup: setup)
        var stats = FloodStatistics(cells: setup.grid.spec.count, thresholds: [0.01, 0.1])
        var peak = [Float](repeating: 0, count: setup.grid.spec.count)
        while sim.time < 900 {
            sim.step(limit: 900 - sim.time)
            stats.record(sim)
            for i in peak.indices { peak[i] = max(peak[i], sim.depth(at: i)) }
        }
        #expect(stats.maxDepth == peak)
        let n = setup.grid.spec.count
        let arrival = (stats.arrival(threshold: 0), stats.arrival(threshold: 1))
        let duration = (stats.duration(threshold: 0), stats.duration(threshold: 1))
        #expect(arrival.0.count == n)
        for i in 0..<n {
            #expect((peak[i] > 0.1) == arrival.1[i].isFinite)
            #expect(arrival.0[i] <= arrival.1[i], "deeper threshold reached first in cell \(i)")
            #expect(duration.0[i] >= duration.1[i])
            #expect(duration.0[i] <= 900 + 1e-3)
            #expect(stats.maxHazard[i] >= peak[i] * 0.5 - 1e-6)
        }
        #expect(FloodStatistics.hazardClass(0.5) == 0 && FloodStatistics.hazardClass(1.0) == 1 && FloodStatistics.hazardClass(2.5) == 3)
    }
}

@Suite struct HazardTests {
    /// FD2320: HR = d (v + 0.5) + DF, DF by depth and land type.
    @Test func debrisFactorTable() {
        let urban = DebrisFactor.table(.urban), pasture = DebrisFactor.table(.pasture), wood = DebrisFactor.table(.woodland)
        #expect(urban.value(0.2) == 0 && urban.value(0.5) == 1 && urban.value(1.0) == 1)
        #expect(pasture.value(0.5) == 0 && pasture.value(1.0) == 0.5)
        #expect(wood.value(0.5) == 0.5 && wood.value(1.0) == 1)
        #expect(DebrisFactor.constant(0.5).value(0.1) == 0.5)
        // 0.6 m deep at 1.5 m/s in town: 0.6 × 2 + 1 = 2.2, extreme ("danger for all").
        #expect(FloodStatistics.hazardClass(0.6 * (1.5 + 0.5) + urban.value(0.6)) == 3)
    }
}
