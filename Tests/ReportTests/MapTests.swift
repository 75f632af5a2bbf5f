import CityModel
import Foundation
import Geometry
import Testing
@testable import Report

@Suite struct MapTests {
    let layout = MapLayout()
    var frame: MapFrame { MapFrame(extent: SyntheticScene.grid.bbox, fitting: layout.mapArea) }

    func pixel(_ c: Canvas, at p: Coordinate, dx: Double = 0, dy: Double = 0) throws -> RGBA {
        let (x, y) = frame.point(p)
        return try #require(c.pixel(Int((x + dx).rounded(.down)), Int((y + dy).rounded(.down))))
    }

    @Test func deepAndShallowCellsAreDrawnInTheirColours() throws {
        let depth = SyntheticScene.depth
        let c = try ResultMaps.depthMap(basemap: SyntheticScene.basemap(terrain: false), depth: depth, title: "depth")
        let size = try #require(pngHeaderSize(try c.encoded()))
        #expect(size.width == 1200 && size.height == 1000)
        let g = SyntheticScene.grid
        let scale = ColorScale.depth(maximum: 0.5)
        #expect(scale.maximum == 0.5)
        // Deep cell: the deep end of the scale at 90 % opacity over the white page (tolerance 3 of 441).
        let deep = try pixel(c, at: g.center(row: 2, col: 4))
        #expect(deep.distance(to: blend(scale.color(0.5), 0.9, on: .white)) < 3, "deep cell drawn \(deep)")
        #expect(deep.distance(to: blend(RGBA(hex: 0x08306b), 0.9, on: .white)) < 3)
        let mid = try pixel(c, at: g.center(row: 10, col: 20))
        #expect(mid.distance(to: blend(scale.color(0.2), 0.9, on: .white)) < 3, "0.2 m cell drawn \(mid)")
        let shallow = try pixel(c, at: g.center(row: 0, col: 0))
        #expect(shallow.distance(to: blend(scale.color(0.1), 0.9, on: .white)) < 3)
        // A dry cell stays white; a no-data cell too.
        #expect(try pixel(c, at: g.center(row: 6, col: 12)).distance(to: .white) < 2)
        #expect(try pixel(c, at: g.center(row: 6, col: g.width - 1)).distance(to: .white) < 2)
        // Deeper is darker.
        func lum(_ x: RGBA) -> Double { 0.3 * x.r + 0.59 * x.g + 0.11 * x.b }
        #expect(lum(deep) < lum(mid) && lum(mid) < lum(shallow))
    }

    @Test func floatRastersDrawLikeDoubleRasters() throws {
        let d = SyntheticScene.depth
        let f = Raster<Float>(grid: d.grid, values: d.values.map(Float.init), noData: -9999).asDoubles
        #expect(f.noData == -9999 && f.values.count == d.values.count)
        let a = try ResultMaps.depthMap(basemap: SyntheticScene.basemap(), depth: d, title: "d").encoded()
        let b = try ResultMaps.depthMap(basemap: SyntheticScene.basemap(), depth: f, title: "d").encoded()
        #expect(a == b)                // 0.5 and 0.2 are close enough in Float to map to the same colours
    }

    @Test func streetsAndBuildingsAreDrawnWhereTheyAre() throws {
        let c = try ResultMaps.depthMap(basemap: SyntheticScene.basemap(), depth: SyntheticScene.depth, title: "depth")
        let onStreet = try pixel(c, at: Coordinate(527_150, 3_384_745))
        let beside = try pixel(c, at: Coordinate(527_150, 3_384_745 + 8))         // 8 m north: terrain
        #expect(onStreet.distance(to: .white) < 3, "street drawn \(onStreet)")
        #expect(beside.distance(to: .white) > 40, "terrain beside the street \(beside)")
        // Flat terrain: every terrain pixel has the same colour.
        #expect(beside.distance(to: try pixel(c, at: Coordinate(527_050, 3_384_800))) < 2)
        let inBuilding = try pixel(c, at: Coordinate(527_240, 3_384_840))
        #expect(inBuilding.distance(to: blend(RGBA(hex: 0xd9d9d9), 0.85, on: beside)) < 3, "building drawn \(inBuilding)")
    }

    @Test func aFloodedStreetShowsTheWaterBetweenItsEdges() throws {
        var depth = SyntheticScene.depth
        depth[15, 10] = 0.5                                  // the street crosses row 15
        let c = try ResultMaps.depthMap(basemap: SyntheticScene.basemap(), depth: depth, title: "depth")
        let g = SyntheticScene.grid
        let x = g.center(row: 15, col: 10).x
        let water = try pixel(c, at: Coordinate(x, 3_384_745))
        #expect(water.distance(to: blend(ColorScale.depth(maximum: 0.5).color(0.5), 0.9, on: .white)) < 3, "flooded street drawn \(water)")
        // The street's edges are drawn on top of the water (grey, antialiased over the blue): the
        // pixel row under each edge differs from the water and is greyer (less blue over red).
        let w = ResultMaps.streetWidth(lanes: 2)
        for side in [-1.0, 1.0] {
            let edge = try pixel(c, at: Coordinate(x, 3_384_745), dy: side * (w / 2 + 0.4))
            #expect(edge.distance(to: water) > 25, "no street edge over the water: \(edge)")
            #expect(edge.b - edge.r < water.b - water.r)
        }
    }

    @Test func nodeFloodingCirclesScaleWithVolume() throws {
        let g = SyntheticScene.grid
        let nodes = [NodeFlooding(id: "J1", position: g.center(row: 14, col: 8), volume: 400, peakRate: 0.2, duration: 600),
                     NodeFlooding(id: "J2", position: g.center(row: 14, col: 16), volume: 100, peakRate: 0.1, duration: 300)]
        let c = try ResultMaps.depthMap(basemap: SyntheticScene.basemap(terrain: false), depth: SyntheticScene.depth,
                                        nodeFlooding: nodes, title: "depth")
        let expected = blend(ResultMaps.floodFill, ResultMaps.floodFill.a, on: .white)
        // Largest circle 14 px; a quarter of the volume gives half the radius (7 px).
        #expect(try pixel(c, at: nodes[0].position, dx: 12).distance(to: expected) < 3)
        #expect(try pixel(c, at: nodes[0].position, dx: 17).distance(to: .white) < 3)
        #expect(try pixel(c, at: nodes[1].position, dx: 5).distance(to: expected) < 3)
        #expect(try pixel(c, at: nodes[1].position, dx: 10).distance(to: .white) < 3)
    }

    @Test func trafficLinksAreDrawnOnTheRightOfTheirDirection() throws {
        let s = SyntheticScene.street.line
        let east = LinkResult(id: "E", shape: s, lanes: 2, freeSpeed: 10, meanSpeed: 2, flow: 600, delay: 40)
        let west = LinkResult(id: "W", shape: Polyline(s.points.reversed()), lanes: 2, freeSpeed: 10, meanSpeed: 9, flow: 300, delay: 2)
        let c = try ResultMaps.trafficMap(basemap: SyntheticScene.basemap(), links: [east, west], title: "speed")
        let off = ResultMaps.linkWidth(lanes: 2) / 2 + 0.5
        let p = Coordinate(527_150, 3_384_745)
        // East-bound: south of the centre line (y down on the canvas); west-bound: north.
        let south = try pixel(c, at: p, dy: off), north = try pixel(c, at: p, dy: -off)
        #expect(south.distance(to: ColorScale.speedRatio.color(0.2)) < 3, "east-bound link drawn \(south)")
        #expect(north.distance(to: ColorScale.speedRatio.color(0.9)) < 3, "west-bound link drawn \(north)")
    }

    @Test func differenceMapIsCentredOnZero() throws {
        let g = SyntheticScene.grid
        var a = Raster<Double>(grid: g, fill: 0.2), b = Raster<Double>(grid: g, fill: 0.2)
        a[5, 5] = 0.1                 // A − B = −0.1
        a[5, 10] = 0.6                // +0.4
        var o = ResultMaps.DifferenceOptions()
        o.title = "Δ depth [m]"
        let c = try ResultMaps.differenceMap(basemap: SyntheticScene.basemap(terrain: false), a: a, b: b, title: "Δ", options: o)
        let scale = ColorScale.diverging(magnitude: 0.4, title: "")
        #expect(scale.maximum == 0.4)
        #expect(try pixel(c, at: g.center(row: 5, col: 5)).distance(to: blend(scale.color(-0.1), 0.92, on: .white)) < 3)
        #expect(try pixel(c, at: g.center(row: 5, col: 10)).distance(to: blend(scale.color(0.4), 0.92, on: .white)) < 3)
        #expect(try pixel(c, at: g.center(row: 12, col: 10)).distance(to: .white) < 2)      // no change: not coloured
        let neg = try pixel(c, at: g.center(row: 5, col: 5)), pos = try pixel(c, at: g.center(row: 5, col: 10))
        #expect(neg.b > neg.r && pos.r > pos.b)
        // Different grids are refused.
        let other = Raster<Double>(grid: GridSpec(width: 3, height: 3, originX: 0, originY: 0, cellSize: 1), fill: 0)
        #expect(throws: InputError.self) { try ResultMaps.differenceMap(basemap: SyntheticScene.basemap(), a: a, b: other, title: "") }
    }

    @Test func hillshadeLightsSlopesFacingTheLight() {
        // A plane rising to the east (west-facing slope) faces a light from the north-west more than flat ground.
        let g = GridSpec(width: 5, height: 5, originX: 0, originY: 0, cellSize: 10)
        var r = Raster<Double>(grid: g, fill: 0)
        for row in 0..<5 { for col in 0..<5 { r[row, col] = Double(col) * 5 } }
        let s = Hillshade.compute(r, azimuth: 315, altitude: 45)
        // Normal (−0.5, 0, 1)/√1.25 · light (−sin45·cos45, cos45·cos45, sin45) = (0.25 + 0.7071)/1.118.
        let expected = (0.5 * 0.5 + 0.5.squareRoot()) / 1.25.squareRoot()
        #expect(abs(s[12] - expected) < 1e-9)
        let flat = Hillshade.compute(Raster(grid: g, fill: 3.0))
        #expect(abs(flat[12] - 0.5.squareRoot()) < 1e-12)
    }
}

@Suite struct ChartTests {
    func series() -> (TimeSeries, TimeSeries, TimeSeries) {
        let rain = TimeSeries(name: "rain RG1", unit: "mm/h", times: [0, 600, 1200, 1800], values: [10, 50, 20, 0], interpolation: .step)
        let times = stride(from: 0.0, through: 3600, by: 300).map { $0 }
        let f1 = TimeSeries(name: "OF01", unit: "m3/s", times: times, values: times.map { $0 >= 1500 && $0 <= 2400 ? 2.0 : 0.5 })
        let f2 = TimeSeries(name: "OF02", unit: "m3/s", times: times, values: times.map { _ in 1.0 })
        return (rain, f1, f2)
    }

    @Test func hydrographBarsAndLinesLandWhereTheirValuesAre() throws {
        let (rain, f1, f2) = series()
        let (c, fr) = try ResultCharts.hydrograph(rainfall: rain, flows: [f1, f2], title: "storm")
        let size = try #require(pngHeaderSize(try c.encoded()))
        #expect(size.width == 1200 && size.height == 600)
        // The 50 mm/h bar spans 600–1200 s and hangs from the top to yRight(50).
        let bar = try #require(c.pixel(Int(fr.x(900)), Int((fr.yRight(0) + fr.yRight(50)) / 2)))
        #expect(bar.distance(to: blend(RGBA(hex: 0x6baed6), 0.75, on: .white)) < 3, "bar drawn \(bar)")
        #expect(fr.yRight(50) > fr.yRight(0))                             // inverted: grows downward
        #expect(fr.yRight(50) - fr.plot.y <= fr.plot.height * 0.4 + 1)   // bars keep to the upper part
        // Below the bar's end: background (or grid), not bar colour.
        let below = try #require(c.pixel(Int(fr.x(900)), Int(fr.yRight(50) + 12)))
        #expect(below.distance(to: blend(RGBA(hex: 0x6baed6), 0.75, on: .white)) > 30)
        // OF01 is 2.0 m³/s between 1500 and 2400 s: its line colour at (1950 s, 2.0).
        let line = try #require(c.pixel(Int(fr.x(1950)), Int(fr.yLeft(2.0))))
        #expect(line.distance(to: TimeSeriesChart.palette[0]) < 40, "OF01 drawn \(line)")
        let line2 = try #require(c.pixel(Int(fr.x(1950)), Int(fr.yLeft(1.0))))
        #expect(line2.distance(to: TimeSeriesChart.palette[1]) < 40, "OF02 drawn \(line2)")
        // The left axis starts at 0 and covers the peak; ticks are nice.
        #expect(fr.left0 == 0 && fr.left1 >= 2.0)
    }

    @Test func chartsAlsoRenderAsSVG() throws {
        let (rain, f1, _) = series()
        let svg = String(decoding: try ResultCharts.hydrograph(rainfall: rain, flows: [f1], title: "storm", format: .svg).canvas.encoded(), as: UTF8.self)
        #expect(svg.contains("<svg") && svg.contains("1200pt"))
        let q = TimeSeries(name: "J23 north", unit: "veh", times: [0, 60, 120, 180], values: [0, 4, 9, 2])
        let (qc, qf) = try ResultCharts.queues([q], title: "queues")
        // Step line: the value 9 holds from 120 s to 180 s.
        let p = try #require(qc.pixel(Int(qf.x(150)), Int(qf.yLeft(9))))
        #expect(p.distance(to: TimeSeriesChart.palette[0]) < 40, "queue step drawn \(p)")
        #expect(String(decoding: try ResultCharts.queues([q], title: "queues", format: .svg).canvas.encoded(), as: UTF8.self).contains("<svg"))
    }

    @Test func longRunsUseHoursOnTheTimeAxis() throws {
        let s = TimeSeries(name: "level", unit: "m", times: [0, 36_000], values: [1, 2])
        let (_, fr) = try ResultCharts.timeSeries([s], yLabel: "level [m]", title: "t")
        #expect(fr.t0 == 0 && fr.t1 == 36_000)
        let span = fr.x(36_000) - fr.x(0)
        #expect(abs(span - fr.plot.width) < 1e-9)
    }
}
