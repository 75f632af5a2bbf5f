@testable import Traffic
import CityIO
import CityModel
import Geometry
import Testing

/// SUMO import: what is read, and how bad input is refused (one error with file, line and reason).
@Suite struct ImportTests {
    static let net = """
    <?xml version="1.0" encoding="UTF-8"?>
    <net version="1.20">
        <edge id=":J_0" function="internal">
            <lane id=":J_0_0" index="0" speed="13.89" length="10.00" shape="100,0 110,0"/>
        </edge>
        <edge id="in" from="A" to="J" priority="1">
            <lane id="in_0" index="0" speed="13.89" length="100.00" shape="0,0 100,0"/>
        </edge>
        <edge id="out" from="J" to="B" priority="1">
            <lane id="out_0" index="0" speed="13.89" length="100.00" shape="110,0 210,0"/>
        </edge>
        <tlLogic id="J" type="static" programID="0" offset="10">
            <phase duration="30" state="G"/>
            <phase duration="3"  state="y"/>
            <phase duration="27" state="r" minDur="5" maxDur="40"/>
        </tlLogic>
        <junction id="A" type="dead_end" x="0" y="0" incLanes="" intLanes=""/>
        <junction id="J" type="traffic_light" x="105" y="0" incLanes="in_0" intLanes=":J_0_0">
            <request index="0" response="0" foes="0" cont="0"/>
        </junction>
        <junction id="B" type="dead_end" x="210" y="0" incLanes="out_0" intLanes=""/>
        <connection from="in" to="out" fromLane="0" toLane="0" via=":J_0_0" tl="J" linkIndex="0" dir="s" state="O"/>
        <connection from=":J_0" to="out" fromLane="0" toLane="0" dir="s" state="M"/>
    </net>
    """

    static func parseNet(_ text: String) throws -> LaneNetwork {
        try SumoNetReader.parse(bytes: Array(text.utf8), file: "t.net.xml")
    }

    static func expectError(_ code: ErrorCode, line: Int?, containing part: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(code.label) at line \(line.map(String.init) ?? "-")")
        } catch let e as InputError {
            #expect(e.code == code, "\(e)")
            #expect(e.location?.line == line, "\(e)")
            #expect(e.message.contains(part), "\(e)")
            #expect(e.location?.file.isEmpty == false)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func readsNetwork() throws {
        let n = try Self.parseNet(Self.net)
        #expect(n.edges.map(\.id) == [":J_0", "in", "out"])
        #expect(n.edges[1].lanes[0].length == 100)
        #expect(n.junctions.count == 3 && n.junctions[1].requests.count == 1)
        let c = n.connections[0]
        #expect(c.via == ":J_0_0" && c.tl == "J" && c.linkIndex == 0 && c.direction == .straight)
        let p = n.signalPrograms[0]
        #expect(p.offset == 10 && p.cycle == 60 && p.phases[2].minDuration == 5 && p.phases[2].maxDuration == 40)
        let g = try RoadGraph(n)
        #expect(g.linkCount == 1 && g.linkLength[0] == 10 && g.internalNext[g.laneIDs.firstIndex(of: ":J_0_0")!] == Int32(g.laneIDs.firstIndex(of: "out_0")!))
    }

    @Test func refusesMalformedXML() {
        let broken = Self.net.replacingOccurrences(of: "<edge id=\"out\" from=\"J\" to=\"B\" priority=\"1\">", with: "<edge id=\"out\" from=\"J\" to=\"B\" priority=\"1\"")
        Self.expectError(.syntax, line: 9, containing: "<edge> is not closed") { _ = try Self.parseNet(broken) }
        let unclosed = Self.net.replacingOccurrences(of: "    </tlLogic>", with: "")
        Self.expectError(.syntax, line: 24, containing: "</net> closes <tlLogic>") { _ = try Self.parseNet(unclosed) }
    }

    @Test func refusesDanglingConnection() {
        let bad = Self.net.replacingOccurrences(of: "<connection from=\"in\" to=\"out\" fromLane=\"0\" toLane=\"0\"",
                                                with: "<connection from=\"in\" to=\"out\" fromLane=\"0\" toLane=\"3\"")
        Self.expectError(.danglingReference, line: 22, containing: "has no lane 3") { _ = try Self.parseNet(bad) }
        let badTL = Self.net.replacingOccurrences(of: "linkIndex=\"0\"", with: "linkIndex=\"4\"")
        Self.expectError(.badValue, line: 22, containing: "linkIndex 4") { _ = try Self.parseNet(badTL) }
    }

    @Test func readsRoutesAndRefusesUnknownEdges() throws {
        let rou = """
        <routes>
            <vType id="car" accel="2.0" decel="4.0" sigma="0.3" tau="1.2" length="4.5" minGap="2" maxSpeed="30" speedFactor="normc(1,0.1,0.2,2)"/>
            <route id="r" edges="in out"/>
            <vehicle id="b" type="car" depart="5" route="r" departLane="best"/>
            <vehicle id="a" type="car" depart="1.5"><route edges="in out"/></vehicle>
            <flow id="f" type="car" begin="0" end="100" vehsPerHour="360" from="in" to="out"/>
        </routes>
        """
        let r = try SumoRouteReader.parse(bytes: Array(rou.utf8), file: "t.rou.xml", knownEdges: ["in", "out"])
        #expect(r.demand.vehicleTypes[0].accel == 2 && r.demand.vehicleTypes[0].speedFactor.deviation == 0.1)
        #expect(r.demand.trips.count == 12)                                  // 2 vehicles + 10 flow vehicles
        #expect(r.demand.trips.map(\.depart) == r.demand.trips.map(\.depart).sorted())
        #expect(r.demand.trips.first { $0.id == "b" }?.departLane == .best)
        #expect(r.demand.trips.first { $0.id == "f.3" }?.depart == 30)
        let bad = rou.replacingOccurrences(of: "<route edges=\"in out\"/>", with: "<route edges=\"in nowhere\"/>")
        Self.expectError(.danglingReference, line: 5, containing: "unknown edge nowhere") {
            _ = try SumoRouteReader.parse(bytes: Array(bad.utf8), file: "t.rou.xml", knownEdges: ["in", "out"])
        }
        // Trips with from/to are routed on the network.
        let g = try RoadGraph(try Self.parseNet(Self.net))
        let sim = try TrafficSimulation(graph: g, demand: r.demand)
        #expect(sim.counts.loaded == 12)
    }
}
