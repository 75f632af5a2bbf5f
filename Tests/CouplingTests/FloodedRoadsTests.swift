import CityModel
import Coupling
import Flood
import Geometry
import SimCore
import Testing
import TestSupport
@testable import Traffic

@Suite struct DepthSpeedTests {
    @Test func pregnolatoCurve() {
        let r = DepthSpeedRelation()
        // v(0) = 86.9448 km/h; v(100 mm) = 9 − 55.29 + 86.9448 = 40.6548 km/h; closed at 0.3 m.
        #expect(abs(r.maxSpeed(depth: 0) - 86.9448 / 3.6) < 1e-9)
        #expect(abs(r.maxSpeed(depth: 0.1) - 40.6548 / 3.6) < 1e-9)
        #expect(r.maxSpeed(depth: 0.3) == 0 && r.factor(depth: 0.31, limit: 13.89) == 0)
        // Monotone: deeper water never allows a higher speed.
        var last = Double.infinity
        for k in 0..<300 { let v = r.maxSpeed(depth: Double(k) / 1000); #expect(v <= last); last = v }
        // A 50 km/h street is not slowed by 2 cm (v = 75.9 km/h) but is by 10 cm.
        #expect(r.factor(depth: 0.02, limit: 13.89) == 1)
        #expect(abs(r.factor(depth: 0.1, limit: 13.89) - 40.6548 / 3.6 / 13.89) < 1e-9)
        // The closure depth is configurable.
        #expect(DepthSpeedRelation(closureDepth: 0.15).factor(depth: 0.2, limit: 13.89) == 0)
    }
}

/// A road network with a detour (S→A→B→C→E fast, S→A→D→C→E slow), water filling a dip on A→B:
/// the edge slows, then closes at 0.3 m; vehicles that have not reached A re-route over D, and
/// every vehicle arrives.
@Suite struct FloodedRoadTests {
    @Test func aFloodedDipSlowsThenClosesAndVehiclesReroute() throws {
        let m = detourRoadModel(name: "dip")
        let g = try RoadGraph(LaneNetwork(roads: m))
        var dem = TravelDemand()
        var car = VehicleTypeSpec(id: "car")
        car.sigma = 0
        car.speedFactor = FactorDistribution(mean: 1, deviation: 0, min: 1, max: 1)
        dem.vehicleTypes = [car]
        let trips = 30
        for k in 0..<trips {
            dem.trips.append(TripSpec(id: "v\(k)", type: "car", depart: Double(k) * 20, route: [], from: "SA", to: "CE"))
        }
        let traffic = TrafficProcess(simulation: try TrafficSimulation(graph: g, demand: dem))

        // Terrain: flat at 0 m, 10 m cells, with a 60 m × 40 m dip 0.6 m deep on A→B; 2 m³/s pours
        // into it for 500 s (1000 m³: 0.42 m of water in the dip, which holds 1440 m³).
        let spec = GridSpec(width: 126, height: 54, originX: -330, originY: -100, cellSize: 10)
        var z = [Double](repeating: 0, count: spec.count), dip: [Int] = []
        for r in 0..<spec.height {
            for c in 0..<spec.width {
                let ctr = spec.center(row: r, col: c)
                if ctr.x > 120, ctr.x < 180, abs(ctr.y) < 20 { z[spec.index(row: r, col: c)] = -0.6; dip.append(spec.index(row: r, col: c)) }
            }
        }
        let grid = try FloodGrid(elevation: Raster(grid: spec, values: z), manning: .uniform(0.03))
        let inflow = FloodInflow(name: "dip", place: .cells(dip), hydrograph: FloodSeries(times: [0, 500, 501, 2000], values: [2, 2, 0, 0]))
        let roads = try FloodedRoadsProcess(edges: m.roadEdges, grid: spec)

        var engine = try Engine(options: EngineOptions(tick: .seconds(1), reportStep: .minutes(1), end: SimTime(seconds: 1500)))
        try engine.add(FloodProcess(setup: FloodSetup(grid: grid, inflows: [inflow])))
        try engine.add(roads)
        try engine.add(traffic)
        try engine.run()

        let r = try #require(engine.process(named: roads.name, as: FloodedRoadsProcess.self))
        let t = try #require(engine.process(named: traffic.name, as: TrafficProcess.self))
        let ab = r.events.filter { $0.edge == "AB" }
        // A→B slowed first, then closed at ≥ 0.3 m; no other edge got wet.
        #expect(ab.map(\.kind).prefix(2) == [.slowed, .closed], "\(ab)")
        let slowed = try #require(ab.first { $0.kind == .slowed }), closed = try #require(ab.first { $0.kind == .closed })
        #expect(slowed.time < closed.time && slowed.factor < 1 && slowed.factor > 0)
        #expect(closed.depth >= 0.3 && closed.depth < 0.32)
        #expect(r.events.allSatisfy { $0.edge == "AB" })
        // Vehicles re-routed, later ones over D, and none was lost.
        #expect(t.rerouted > 0)
        let sim = t.simulation
        let detour = [g.edgeIndex["AD"]!, g.edgeIndex["DC"]!].map(Int32.init)
        let last = trips - 1, start = Int(sim.vRouteStart[last]), len = Int(sim.vRouteLen[last])
        #expect(Array(sim.routeEdges[start..<(start + len)]).contains(detour[0]), "the last vehicle goes over D")
        #expect(sim.counts.arrived == trips && sim.counts.teleports == 0)
        let vehicles = engine.ledger.balance(of: .vehicles)
        #expect(vehicles.absoluteError == 0 && vehicles.inflow == Double(trips))
    }
}
