@testable import Traffic
import CityModel
import Geometry
import Testing

/// Lane permissions (`allow`/`disallow` of SUMO lanes): real networks converted from OpenStreetMap
/// carry sidewalks, bicycle and bus lanes on the same edges as car lanes.
@Suite struct PermissionTests {
    @Test func classMasks() {
        let car = VehicleClassBits.bit("passenger")
        #expect(VehicleClassBits.mask(allow: nil, disallow: nil) & car != 0)
        #expect(VehicleClassBits.mask(allow: ["pedestrian"], disallow: nil) & car == 0)
        #expect(VehicleClassBits.mask(allow: ["bus", "passenger"], disallow: nil) & car != 0)
        #expect(VehicleClassBits.mask(allow: nil, disallow: ["passenger", "truck"]) & car == 0)
        #expect(VehicleClassBits.mask(allow: ["all"], disallow: ["bicycle"]) & car != 0)
        #expect(VehicleClassBits.mask(allow: ["all"], disallow: ["bicycle"]) & VehicleClassBits.bit("bicycle") == 0)
        // A class SUMO does not name is refused where a list of allowed classes is given.
        #expect(VehicleClassBits.mask(allow: ["passenger"], disallow: nil) & VehicleClassBits.bit("hovercraft") == 0)
    }

    /// A corridor whose edges have a sidewalk as lane 0 and a car lane as lane 1: 40 cars in 80 s
    /// (queues form behind the slower ones, so speed-gain changes are tried on every edge, also on
    /// the last) never stand on a sidewalk, and all arrive.
    @Test func carsStayOffSidewalks() throws {
        var n = corridor(lengthIn: 300, lengthOut: 300)
        for e in [0, 2] {
            let id = n.edges[e].id
            var car = n.edges[e].lanes[0]
            car.id = id + "_1"; car.index = 1
            var walk = NetLane(id: id + "_0", index: 0, speed: 2.78, length: car.length, allow: ["pedestrian"])
            walk.shape = []
            n.edges[e].lanes = [walk, car]
        }
        n.connections[0].fromLane = 1; n.connections[0].toLane = 1
        n.connections[1].toLane = 1
        var type = deterministicCar(sigma: 0.5)
        type.speedFactor = FactorDistribution(mean: 1, deviation: 0.1, min: 0.2, max: 2)
        var d = demand((0..<40).map { Double($0) * 2 }, type: type)
        d.trips = d.trips.map { var t = $0; t.departLane = .best; return t }
        let g = try RoadGraph(n)
        let sidewalks = Set(["in_0", "out_0"].map { g.laneIDs.firstIndex(of: $0)! })
        var sim = try TrafficSimulation(graph: g, demand: d)
        var onSidewalk = 0
        for _ in 0..<400 {
            sim.step()
            for v in 0..<sim.vLane.count where sim.vState[v] == 1 && sidewalks.contains(Int(sim.vLane[v])) { onSidewalk += 1 }
        }
        #expect(onSidewalk == 0)
        #expect(sim.counts.arrived == 40)
        #expect(sim.counts.collisions == 0)
    }

    /// Rail crossings and rail signals have no `<tlLogic>` (SUMO switches them itself), and links
    /// with linkIndex -1 are not switched: such links are read as unsignalised, not refused.
    @Test func railCrossingLinksAreUnsignalised() throws {
        let net = ImportTests.net
            .replacingOccurrences(of: "type=\"traffic_light\" x=\"105\"", with: "type=\"rail_crossing\" x=\"105\"")
            .replacingOccurrences(of: "<tlLogic id=\"J\"", with: "<tlLogic id=\"K\"")
        let n = try ImportTests.parseNet(net)
        #expect(n.connections[0].tl == nil && n.connections[0].linkIndex == nil)
        let uncontrolled = ImportTests.net.replacingOccurrences(of: "linkIndex=\"0\"", with: "linkIndex=\"-1\"")
        let m = try ImportTests.parseNet(uncontrolled)
        #expect(m.connections[0].tl == nil)
        // A signal program that does not exist for an ordinary junction is still an error.
        let dangling = ImportTests.net.replacingOccurrences(of: "<tlLogic id=\"J\"", with: "<tlLogic id=\"K\"")
        ImportTests.expectError(.danglingReference, line: 22, containing: "unknown traffic light J") { _ = try ImportTests.parseNet(dangling) }
    }
}
