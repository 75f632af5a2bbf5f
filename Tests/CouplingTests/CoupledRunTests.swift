import CityModel
import Coupling
import Flood
import Geometry
import SimCore
import Testing
import TestSupport

/// Rain falls on the grid where the surface is modelled and on subcatchments elsewhere.
@Suite struct RainPartitionTests {
    func model() -> CityModel {
        var m = makeValidModel()
        func box(_ x0: Double, _ y0: Double) -> Shape {
            .polygon(Polygon(box: BBox(minX: x0, minY: y0, maxX: x0 + 50, maxY: y0 + 50)))
        }
        var inside = Subcatchment(id: "IN", outlet: "J1", area: 2500, width: 50, slope: 0.01, imperviousness: 0.5)
        inside.shape = box(100, 100)
        var outside = Subcatchment(id: "OUT", outlet: "J2", area: 2500, width: 50, slope: 0.01, imperviousness: 0.5)
        outside.shape = box(900, 900)
        let bare = Subcatchment(id: "BARE", outlet: "J2", area: 100, width: 10, slope: 0.01, imperviousness: 0.5)
        m.subcatchments = [inside, outside, bare]
        return m
    }

    @Test func subcatchmentsOnTheGridAreLeftToTheSurface() throws {
        let spec = GridSpec(width: 50, height: 50, originX: 0, originY: 0, cellSize: 10)
        let grid = try FloodGrid(elevation: Raster(grid: spec, fill: 0), manning: .uniform(0.03))
        let split = try RainPartition.split(model(), grid: grid)
        #expect(split.onGrid == ["IN"])
        #expect(split.offGrid.map(\.id.rawValue) == ["OUT", "BARE"])
        // Every subcatchment ends on exactly one side.
        #expect(split.onGrid.count + split.offGrid.count == 3)
    }

    @Test func aKeptSubcatchmentDrainingOntoAMovedOneIsRefused() throws {
        let spec = GridSpec(width: 50, height: 50, originX: 0, originY: 0, cellSize: 10)
        let grid = try FloodGrid(elevation: Raster(grid: spec, fill: 0), manning: .uniform(0.03))
        var m = model()
        m.subcatchments[1].outlet = "IN"
        do {
            _ = try RainPartition.split(m, grid: grid, file: "city.gpkg")
            Issue.record("accepted")
        } catch let e as InputError {
            #expect(e.description.contains("OUT") && e.description.contains("city.gpkg"))
        }
    }
}

/// A coupled run snapshotted half-way and restored continues bit for bit.
@Suite struct DualDrainageSnapshotTests {
    func engine() throws -> Engine {
        let grid = try flatGrid(width: 21, height: 21, cell: 5, bed: 10)
        var e = try Engine(options: EngineOptions(tick: .seconds(1), reportStep: .minutes(5), end: SimTime(seconds: 1200)))
        try e.add(HeadSource(start: 9.8, rise: 1.0 / 1200))
        try e.add(FloodProcess(setup: FloodSetup(grid: grid)))
        try e.add(DualDrainageProcess(inlets: [ManholeInlet(node: "J1", cell: grid.spec.index(row: 10, col: 10))], surface: [10], cellArea: grid.cellArea))
        return e
    }

    @Test func snapshotRoundTrip() throws {
        var straight = try engine()
        try straight.run()
        var first = try engine()
        try first.run(until: SimTime(seconds: 600))
        let snap = try first.snapshot()
        var second = try engine()
        try second.restore(snap)
        try second.run()
        let a = try #require(straight.process(named: "dual drainage", as: DualDrainageProcess.self))
        let b = try #require(second.process(named: "dual drainage", as: DualDrainageProcess.self))
        #expect(a.toNetwork[0] < 0)
        #expect(a.toNetwork == b.toNetwork && a.flow == b.flow && a.samples == b.samples)
        #expect(straight.fields[.surfaceDepth] == second.fields[.surfaceDepth])
    }
}
