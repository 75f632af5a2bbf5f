import CityModel
import Geometry
import Testing
import TestSupport

@Suite struct ValidationTests {
    @Test func fixtureIsValid() {
        let issues = makeValidModel().validate()
        #expect(issues.isEmpty, "unexpected: \(issues)")
        #expect(makeValidModel().isValid)
    }

    @Test func danglingReferencesAreNamed() {
        var m = makeValidModel()
        m.roadEdges[0].to = "nowhere"
        m.drainageLinks[1].to = "O9"
        m.subcatchments[0].outlet = "J77"
        m.subcatchments[0].rainGauge = "LV"     // a level sensor, not a rain gauge
        m.sensors[1].target = "drainage_nodes:J99"
        let errors = m.validate().errors
        #expect(errors.contains { $0.entity == EntityRef(.roadEdges, "AB") && $0.code == .danglingReference && $0.message.contains("'nowhere'") })
        #expect(errors.contains { $0.entity == EntityRef(.drainageLinks, "L2") && $0.message.contains("'O9'") })
        #expect(errors.contains { $0.entity == EntityRef(.subcatchments, "S1") && $0.message.contains("'J77'") })
        #expect(errors.contains { $0.entity == EntityRef(.subcatchments, "S1") && $0.message.contains("water_level") })
        #expect(errors.contains { $0.entity == EntityRef(.sensors, "LV") && $0.code == .danglingReference })
    }

    @Test func duplicateIDs() {
        var m = makeValidModel()
        m.buildings.append(m.buildings[0])
        #expect(m.validate().errorCodes == [.duplicateID])
    }

    @Test func invalidPolygonReportsGEOSReason() {
        var m = makeValidModel()
        let bowTie = [Coordinate(0, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(10, 0), Coordinate(0, 0)]
            .map { Coordinate($0.x + 529000, $0.y + 3380500) }
        m.buildings[0].shape = .polygon(Polygon(exterior: bowTie))
        let e = m.validate().errors
        #expect(e.count == 1)
        #expect(e.first?.code == .invalidGeometry)
        #expect(e.first?.message.contains("Self-intersection") == true)
    }

    @Test func wrongGeometryTypeAndNaN() {
        var m = makeValidModel()
        m.drainageNodes[0].shape = .lineString(Polyline([Coordinate(0, 0), Coordinate(1, 1)]))
        m.roadNodes[0].shape = .point(Coordinate(.nan, 3))
        let codes = Set(m.validate().errorCodes)
        #expect(codes == [.unsupportedGeometry, .invalidGeometry])
    }

    @Test func implausibleValues() {
        var m = makeValidModel()
        m.drainageLinks[0].conduit!.length = -5
        m.drainageNodes[1].rim = 10          // below its invert of 17.5
        m.buildings[0].height = -1
        m.roadEdges[1].lanes = 20
        m.landUse[0].imperviousness = 1.4
        let e = m.validate().errors
        #expect(e.count == 5, "\(e)")
        #expect(e.allSatisfy { $0.code == .implausibleValue })
        #expect(e.contains { $0.message.contains("length -5.0 m must be positive") })
        #expect(e.contains { $0.message.contains("below invert") })
    }

    @Test func absurdSlope() {
        var m = makeValidModel()
        m.drainageNodes[0].invert = 150       // a 132 m drop over a 100 m pipe
        m.drainageNodes[0].rim = 152
        let e = m.validate().errors
        #expect(e.count == 1)
        #expect(e.first?.message.contains("makes no sense") == true)
    }

    @Test func disconnectedRoadNetwork() {
        var m = makeValidModel()
        m.roadNodes.append(RoadNode(id: "X", position: Coordinate(529500, 3380500), control: .deadEnd))
        m.roadNodes.append(RoadNode(id: "Y", position: Coordinate(529600, 3380500), control: .deadEnd))
        m.roadEdges.append(RoadEdge(id: "XY", from: "X", to: "Y", shape: Polyline([Coordinate(529500, 3380500), Coordinate(529600, 3380500)]), lanes: 1, speed: 10))
        let e = m.validate().errors
        #expect(e.count == 1)
        #expect(e.first?.code == .disconnectedNetwork)
        #expect(e.first?.message.contains("2 node(s) (X, Y)") == true)
    }

    @Test func drainageWithoutOutfall() {
        var m = makeValidModel()
        m.drainageNodes.append(DrainageNode(id: "K1", kind: .junction, position: Coordinate(529300, 3380500), invert: 10, rim: 12))
        m.drainageNodes.append(DrainageNode(id: "K2", kind: .junction, position: Coordinate(529400, 3380500), invert: 9, rim: 12))
        var l = DrainageLink(id: "K", kind: .conduit, from: "K1", to: "K2")
        l.crossSection = CrossSection(shape: .circular, geom1: 0.5)
        l.conduit = ConduitParameters(length: 100, roughness: 0.013)
        m.drainageLinks.append(l)
        let e = m.validate().errors
        #expect(e.map(\.code) == [.disconnectedNetwork])
        #expect(e.first?.message.contains("has no outfall") == true)
    }

    @Test func signalProgramChecks() {
        var m = makeValidModel()
        m.signalPrograms[0].phases[1].state = "yy"
        m.signalPrograms[0].phases[2].state = "x"
        m.roadConnections[0].linkIndex = 3
        let e = m.validate().errors
        #expect(e.contains { $0.message.contains("phase 1 has 2 signals") })
        #expect(e.contains { $0.message.contains("unknown signal 'x'") })
        #expect(e.contains { $0.message.contains("link index 3") })
    }

    @Test func subcatchmentRoutingLoop() {
        var m = makeValidModel()
        var s2 = m.subcatchments[0]
        s2.id = "S2"; s2.outlet = "S1"
        m.subcatchments[0].outlet = "S2"
        m.subcatchments.append(s2)
        #expect(m.validate().errors.contains { $0.message.contains("loops back") })
    }

    @Test func nanTerrainIsReported() {
        var m = makeValidModel()
        var r = Raster<Double>(grid: GridSpec(width: 3, height: 2, originX: 0, originY: 0, cellSize: 5), fill: 20, noData: -9999)
        r[1, 2] = .nan
        m.terrain = Terrain(elevation: r)
        let e = m.validate().errors
        #expect(e.count == 1)
        #expect(e.first?.message.contains("row 1, column 2") == true)
    }

    @Test func issueDescriptionNamesFileAndFeature() {
        var m = makeValidModel()
        m.provenance[EntityRef(.buildings, "b1")] = SourceLocation(file: "m/buildings.geojson", line: 3, feature: "feature 0 (id b1)")
        m.buildings[0].height = 5000
        let line = m.validate().errors.first?.description ?? ""
        #expect(line.hasPrefix("m/buildings.geojson:3:feature 0 (id b1): error: E503 buildings 'b1': height 5000.0 m"), "\(line)")
    }
}
