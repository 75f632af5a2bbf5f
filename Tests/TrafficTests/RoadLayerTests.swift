@testable import Traffic
import CityModel
import Geometry
import Testing
import TestSupport

/// Networks from the city model's road layers: right of way derived from geometry and control.
@Suite struct RoadLayerTests {
    /// A four-arm node at (0, 0): a major road west–east (priority 2, two directions) and a minor
    /// road south–north (priority 1), 300 m arms, one lane each, straight movements only.
    static func cross(control: JunctionControl) -> CityModel {
        var m = CityModel(name: "cross", crs: .epsg(4547))
        let ends: [(String, Double, Double)] = [("W", -300, 0), ("E", 300, 0), ("S", 0, -300), ("N", 0, 300)]
        m.roadNodes = [RoadNode(id: "X", position: Coordinate(0, 0), control: control)] +
            ends.map { RoadNode(id: EntityID($0.0), position: Coordinate($0.1, $0.2), control: .deadEnd) }
        for (name, x, y) in ends {
            let major = name == "W" || name == "E"
            m.roadEdges.append(RoadEdge(id: EntityID("\(name)X"), from: EntityID(name), to: "X",
                                        shape: Polyline([Coordinate(x, y), Coordinate(0, 0)]), lanes: 1, speed: 13.89, priority: major ? 2 : 1))
            m.roadEdges.append(RoadEdge(id: EntityID("X\(name)"), from: "X", to: EntityID(name),
                                        shape: Polyline([Coordinate(0, 0), Coordinate(x, y)]), lanes: 1, speed: 13.89, priority: major ? 2 : 1))
        }
        for (a, b) in [("W", "E"), ("E", "W"), ("S", "N"), ("N", "S")] {
            m.roadConnections.append(RoadConnection(id: EntityID("\(a)\(b)"), fromEdge: EntityID("\(a)X"), fromLane: 0,
                                                    toEdge: EntityID("X\(b)"), toLane: 0, direction: .straight))
        }
        return m
    }

    @Test func priorityRowsFromGeometry() throws {
        let net = LaneNetwork(roads: Self.cross(control: .priority))
        let x = try #require(net.junctions.first { $0.id == "X" })
        // Links in order WE, EW, SN, NS: the minor straights cross both major straights and yield.
        #expect(x.requests[2].foes == [true, true, false, false])
        #expect(x.requests[2].response == [true, true, false, false])
        #expect(x.requests[0].foes == [false, false, true, true])
        #expect(x.requests[0].response == [false, false, false, false])
        #expect(net.connections.map(\.state) == ["M", "M", "m", "m"])
    }

    /// On the priority cross a dense major platoon (a vehicle every 2 s for 120 s: a crossing of the
    /// nominal 10 m junction plus the 1 s minor time gap needs more) holds the minor road: the minor vehicles that reach the node during the
    /// platoon cross only after its last vehicle (they arrive later than it, their exit leg being no
    /// shorter). Nobody collides, nobody is lost.
    @Test func minorRoadYields() throws {
        let g = try RoadGraph(LaneNetwork(roads: Self.cross(control: .priority)))
        var d = TravelDemand()
        d.vehicleTypes = [deterministicCar(sigma: 0.5)]
        var trips: [TripSpec] = []
        for k in 0..<60 { trips.append(TripSpec(id: "maj\(k)", type: "car", depart: Double(k) * 2, route: ["WX", "XE"])) }
        for k in 0..<8 { trips.append(TripSpec(id: "min\(k)", type: "car", depart: Double(k) * 12 + 0.5, route: ["SX", "XN"])) }
        d.trips = trips.sorted { $0.depart < $1.depart }
        var sim = try TrafficSimulation(graph: g, demand: d)
        sim.run(until: 900)
        sim.checkConservation()
        #expect(sim.counts.arrived == 68 && sim.counts.collisions == 0 && sim.counts.teleports == 0)
        let t = sim.tripRecords
        let lastMajor = t.filter { $0.id.hasPrefix("maj") }.map(\.arrival).max()!
        let firstMinor = t.filter { $0.id.hasPrefix("min") }.map(\.arrival).min()!
        #expect(firstMinor > lastMajor, "first minor arrival \(firstMinor) s, last major \(lastMajor) s")
    }

    /// The fixture model (two streets through a signalised node) runs from its road layers.
    @Test func fixtureModelRuns() throws {
        let g = try RoadGraph(LaneNetwork(roads: makeValidModel()))
        var d = TravelDemand()
        d.vehicleTypes = [deterministicCar()]
        d.trips = (0..<10).map { TripSpec(id: "v\($0)", type: "car", depart: Double($0) * 3, route: ["AB", "BC"]) }
        var sim = try TrafficSimulation(graph: g, demand: d)
        sim.run(until: 400)
        #expect(sim.counts.arrived == 10)
        #expect(sim.tripRecords.contains { $0.waitingTime > 0 }, "the red phase stops someone")
    }
}

/// Re-routing around a closure: from S, the fast way to E is S→A→B→C→E; with A→B closed the
/// vehicles that have not passed A take S→A→D→C→E, and all arrive.
@Suite struct ReroutingTests {
    @Test func vehiclesAvoidAClosedEdge() throws {
        let m = detourRoadModel(name: "detour")
        let g = try RoadGraph(LaneNetwork(roads: m))
        var dem = TravelDemand()
        dem.vehicleTypes = [deterministicCar()]
        for k in 0..<8 {
            dem.trips.append(TripSpec(id: "v\(k)", type: "car", depart: Double(k) * 10, route: [], from: "SA", to: "CE"))
        }
        var sim = try TrafficSimulation(graph: g, demand: dem)
        let fast: [Int32] = ["SA", "AB", "BC", "CE"].map { (e: String) -> Int32 in Int32(g.edgeIndex[e]!) }
        let firstRoute: [Int32] = Array(sim.routeEdges[0..<4])
        #expect(firstRoute == fast, "the router takes the short way")
        sim.run(until: 25)
        var f: [Double] = Array(repeating: 1.0, count: g.edgeCount)
        f[g.edgeIndex["AB"]!] = 0
        let changed = sim.reroute(speedFactors: f)
        var passed = 0
        for v in 0..<8 where sim.vState[v] == 1 && sim.vRouteIdx[v] >= 1 { passed += 1 }
        let expected: Int = 8 - passed
        #expect(changed == expected, "rerouted \(changed), past the junction \(passed)")
        #expect(changed > 0)
        let detour: [Int32] = ["SA", "AD", "DC", "CE"].map { (e: String) -> Int32 in Int32(g.edgeIndex[e]!) }
        let first: Int = Int(sim.vRouteStart[7])
        let count: Int = Int(sim.vRouteLen[7])
        let route: [Int32] = Array(sim.routeEdges[first..<(first + count)])
        #expect(route == detour)
        sim.run(until: 400)
        #expect(sim.counts.arrived == 8 && sim.counts.teleports == 0)
    }
}
