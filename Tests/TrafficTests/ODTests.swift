@testable import Traffic
import CityIO
import CityModel
import Geometry
import Testing

/// Origin–destination demand: the three matrix formats and SUMO zones are read, expanded into
/// routed trips with the departure profile, conserved, and driven; bad input names file and line.
@Suite struct ODTests {
    static let taz = """
    <additional>
        <taz id="west" edges="WX XW"/>
        <taz id="east">
            <tazSource id="EX" weight="1"/>
            <tazSink id="XE" weight="1"/>
        </taz>
        <taz id="ns">
            <tazSource id="SX" weight="3"/>
            <tazSource id="NX" weight="1"/>
            <tazSink id="XN" weight="1"/>
            <tazSink id="XS" weight="1"/>
        </taz>
    </additional>
    """
    static let sumoOD = """
    <data>
        <interval id="am" begin="0" end="600">
            <tazRelation from="west" to="east" count="30"/>
            <tazRelation from="east" to="west" count="12.4"/>
        </interval>
        <interval id="pm" begin="600" end="1200">
            <tazRelation from="ns" to="ns" count="40"/>
        </interval>
    </data>
    """
    static let oFormat = """
    $OR;D2
    * From  To
      0.00  0.20
    * Factor
    1.00
    * OD
      west  east  20
      east  west  10.6
    """
    static let csv = """
    from,to,vehicles,begin,end
    WX,XE,24,0,1200
    EX,XW,6,0,1200
    """

    static var graph: RoadGraph { get throws { try RoadGraph(LaneNetwork(roads: RoadLayerTests.cross(control: .priority))) } }
    static var edges: Set<String> { ["WX", "XW", "EX", "XE", "SX", "XS", "NX", "XN"] }

    @Test func readsThreeFormatsAndZones() throws {
        let zones = try ODMatrixReader.parseZones(bytes: Array(Self.taz.utf8), file: "z.taz.xml", knownEdges: Self.edges)
        #expect(zones.count == 3)
        #expect(zones["west"]?.sources.map(\.edge) == ["WX", "XW"])
        #expect(zones["ns"]?.sources.map(\.weight) == [3, 1])
        let x = try ODMatrixReader.parseMatrices(bytes: Array(Self.sumoOD.utf8), file: "od.xml")
        #expect(x.count == 2)
        #expect(x[0].begin == 0 && x[0].end == 600 && x[1].begin == 600)
        #expect(x[0].cells.map(\.vehicles) == [30, 12], "cumulative rounding of 30 + 12.4")
        #expect(x[0].cells[1].line == 4)
        let o = try ODMatrixReader.parseMatrices(bytes: Array(Self.oFormat.utf8), file: "od.mtx")
        #expect(o.count == 1 && o[0].begin == 0 && o[0].end == 1200, "0.20 is 20 minutes")
        #expect(o[0].cells.map(\.vehicles) == [20, 11])
        let c = try ODMatrixReader.parseMatrices(bytes: Array(Self.csv.utf8), file: "od.csv")
        #expect(c.count == 1 && c[0].cells.map(\.vehicles) == [24, 6] && c[0].end == 1200)
    }

    @Test func profileSharesAndConserves() {
        #expect(ODTrips.apportion(10, [1, 1, 1]) == [4, 3, 3])
        #expect(ODTrips.apportion(7, [0, 2, 1]).reduce(0, +) == 7)
        let p = DemandProfile(times: [0, 300, 600], weights: [1, 3, 0])
        let d = ODTrips.departures(40, begin: 0, end: 900, profile: p)
        #expect(d.count == 40)
        #expect(d.filter { $0 < 300 }.count == 10 && d.filter { $0 >= 300 && $0 < 600 }.count == 30 && !d.contains { $0 >= 600 },
                "weights 1:3:0 over three equal pieces")
        #expect(d == d.sorted())
    }

    @Test func expandsRoutesAndDrives() throws {
        let g = try Self.graph
        let zones = try ODMatrixReader.parseZones(bytes: Array(Self.taz.utf8), file: "z.taz.xml", knownEdges: Self.edges)
        let m = try ODMatrixReader.parseMatrices(bytes: Array(Self.sumoOD.utf8), file: "od.xml")
        let od = ODDemand(matrices: m, zones: zones, source: "od.xml")
        let profile = DemandProfile(times: [0, 300, 600, 900], weights: [1, 2, 1, 1])
        let r = try ODTrips.expand(od, graph: g, profile: profile, seed: 5)
        #expect(r.perCell == [[30, 12], [40]], "every cell's count is kept")
        #expect(r.trips.count == od.totalVehicles)
        // Departure profile within the am window: weights 1 and 2 over [0, 300) and [300, 600).
        let am = r.trips.filter { $0.id.hasPrefix("od0_0.") }
        #expect(am.filter { $0.depart < 300 }.count == 10 && am.filter { $0.depart >= 300 }.count == 20)
        // Routes are valid chains of connected edges starting in the origin zone and ending in the destination zone.
        for t in r.trips {
            #expect(t.route.count >= 1)
            for (a, b) in zip(t.route, t.route.dropFirst()) {
                let ia = g.edgeIndex[a]!, ib = g.edgeIndex[b]!
                #expect(g.lanes(of: ia).contains { g.leads($0, to: ib) }, "\(t.id): \(a) → \(b) is connected")
            }
        }
        #expect(r.trips.filter { $0.id.hasPrefix("od0_0.") }.allSatisfy { $0.route == ["WX", "XE"] })
        // Zone weights: ns sources SX:NX = 3:1 (40 vehicles; binomial sd ≈ 2.7).
        let ns = r.trips.filter { $0.id.hasPrefix("od1_0.") }
        let fromS = ns.filter { $0.route.first == "SX" }.count
        #expect(abs(fromS - 30) <= 9, "\(fromS) of 40 from SX, expected about 30")
        #expect(ns.allSatisfy { ($0.route.first == "SX" && $0.route.last == "XN") || ($0.route.first == "NX" && $0.route.last == "XS") },
                "only straight movements exist, so each draw that has no path is redrawn")
        // Deterministic for a seed.
        #expect(try ODTrips.expand(od, graph: g, profile: profile, seed: 5).trips == r.trips)
        // Driven: all inserted and arrived.
        var d = TravelDemand()
        d.vehicleTypes = [deterministicCar()]
        d.trips = r.trips.map { var t = $0; t.type = "car"; return t }
        var sim = try TrafficSimulation(graph: g, demand: d)
        sim.run(until: 1600)
        #expect(sim.counts.loaded == od.totalVehicles)
        #expect(sim.counts.arrived == od.totalVehicles, "arrived \(sim.counts.arrived) of \(od.totalVehicles)")
        #expect(sim.counts.collisions == 0)
    }

    static func expectError(_ code: ErrorCode, line: Int?, containing part: String, _ body: () throws -> Void) {
        do { try body(); Issue.record("expected \(code)") } catch let e as InputError {
            #expect(e.code == code, "\(e)")
            #expect(e.location?.line == line, "\(e)")
            #expect(e.description.contains(part), "\(e)")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func badInputNamesFileAndLine() throws {
        let zones = try ODMatrixReader.parseZones(bytes: Array(Self.taz.utf8), file: "z.taz.xml", knownEdges: Self.edges)
        let bad = Self.sumoOD.replacingOccurrences(of: "to=\"west\"", with: "to=\"harbour\"")
        let m = try ODMatrixReader.parseMatrices(bytes: Array(bad.utf8), file: "od.xml")
        Self.expectError(.danglingReference, line: 4, containing: "harbour") {
            try ODMatrixReader.check(ODDemand(matrices: m, zones: zones, source: "od.xml"), knownEdges: Self.edges)
        }
        Self.expectError(.badValue, line: 3, containing: "must be ≥ 0") {
            _ = try ODMatrixReader.parseMatrices(bytes: Array(Self.csv.replacingOccurrences(of: ",6,", with: ",-6,").utf8), file: "od.csv")
        }
        Self.expectError(.badValue, line: 3, containing: "time window") {
            _ = try ODMatrixReader.parseMatrices(bytes: Array("$O;D2\n* x\n7:00 8:00\n1\n".utf8), file: "od.mtx")
        }
        Self.expectError(.unsupportedFormat, line: 1, containing: "$V") {
            _ = try ODMatrixReader.parseMatrices(bytes: Array("$V;D2\n".utf8), file: "od.mtx")
        }
        Self.expectError(.danglingReference, line: 2, containing: "QQ") {
            _ = try ODMatrixReader.parseZones(bytes: Array("<additional>\n<taz id=\"a\" edges=\"QQ\"/></additional>".utf8), file: "z.xml", knownEdges: Self.edges)
        }
        Self.expectError(.badValue, line: 2, containing: "fields") {
            _ = try ODMatrixReader.parseMatrices(bytes: Array("from,to,vehicles\nWX,XE\n".utf8), file: "od.csv")
        }
        // A pair of edges without a path is refused with the cell's line.
        let od = ODDemand(matrices: [ODMatrix(begin: 0, end: 60, type: "x", cells: [ODMatrix.Cell(from: "WX", to: "XN", vehicles: 2, line: 9)])], source: "od.csv")
        Self.expectError(.disconnectedNetwork, line: 9, containing: "no route") { _ = try ODTrips.expand(od, graph: try Self.graph) }
    }
}
