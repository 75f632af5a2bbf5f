import Foundation
import Testing
@testable import Geometry

@Suite struct ProjectionTests {
    static let tower = Coordinate(114.3025, 30.5447)     // Yellow Crane Tower, Wuhan (lon, lat)

    @Test func crsValues() throws {
        #expect(CRS.wgs84.identifier == "EPSG:4326")
        #expect(CRS.epsg(4547).epsgCode == 4547)
        #expect(CRS("epsg: 32650").epsgCode == 32650)
        #expect(CRS("+proj=longlat +datum=WGS84").epsgCode == nil)
        let json = try JSONEncoder().encode(["crs": CRS.epsg(4547)])
        #expect(String(decoding: json, as: UTF8.self) == #"{"crs":"EPSG:4547"}"#)
        #expect(try JSONDecoder().decode([String: CRS].self, from: json)["crs"] == CRS.epsg(4547))
    }

    @Test func knownAnswersWithin1mm() throws {
        let gk = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        let a = try gk.transform(Self.tower)
        #expect(abs(a.x - 529026.454) < 0.001 && abs(a.y - 3380536.174) < 0.001, "\(a)")
        let utm = try CoordinateTransformer(from: .wgs84, to: .epsg(32650))
        let b = try utm.transform(Self.tower)
        #expect(abs(b.x - 241218.363) < 0.001 && abs(b.y - 3382242.362) < 0.001, "\(b)")
    }

    @Test func roundTripWithin1e9Degrees() throws {
        let fwd = try CoordinateTransformer.cached(from: .wgs84, to: .epsg(4547))
        let inv = try CoordinateTransformer.cached(from: .epsg(4547), to: .wgs84)
        var cs = (0..<1000).map { Coordinate(113.5 + Double($0 % 40) * 0.04, 29.9 + Double($0 / 40) * 0.05) }
        let original = cs
        try fwd.transform(&cs)
        #expect(cs[0] != original[0])
        #expect(cs.allSatisfy { $0.x > 300_000 && $0.x < 700_000 && $0.y > 3_300_000 })
        try inv.transform(&cs)
        for (p, q) in zip(cs, original) { #expect(abs(p.x - q.x) < 1e-9 && abs(p.y - q.y) < 1e-9) }
    }

    @Test func bulkAgreesWithSinglePoints() throws {
        let t = try CoordinateTransformer.cached(from: .wgs84, to: .epsg(32650))
        var cs = [Self.tower, Coordinate(114.0, 30.0), Coordinate(115.1, 31.2)]
        let single = try cs.map { try t.transform($0) }
        try t.transform(&cs)
        #expect(cs == single)
    }

    @Test func shapesAreTransformedRingByRing() throws {
        let t = try CoordinateTransformer.cached(from: .wgs84, to: .epsg(4547))
        let box = BBox(minX: 114.30, minY: 30.54, maxX: 114.31, maxY: 30.55)
        let s = Shape.multiPolygon(MultiPolygon([Polygon(box: box), Polygon(box: box.expanded(by: 0.01))]))
        let out = try t.transform(s)
        #expect(out.allCoordinates.count == s.allCoordinates.count)
        for (p, q) in zip(out.allCoordinates, s.allCoordinates) { #expect(try p == t.transform(q)) }
        guard case .multiPolygon(let m) = out else { Issue.record(); return }
        // 0.01° × 0.01° near 30.5°N is about 959 m × 1109 m.
        #expect(abs(m.polygons[0].area - 1.063e6) < 0.01e6, "\(m.polygons[0].area)")
    }

    @Test func emptyPointsStayEmpty() throws {
        let t = try CoordinateTransformer.cached(from: .wgs84, to: .epsg(4547))
        guard case .multiPoint(let cs) = try t.transform(.multiPoint([Coordinate(.nan, .nan), Self.tower])) else { Issue.record(); return }
        #expect(cs[0].x.isNaN && cs[0].y.isNaN)
        #expect(try cs[1] == t.transform(Self.tower))
    }

    @Test func unknownEPSGCode() {
        let e = #expect(throws: InputError.self) { try CoordinateTransformer(from: .wgs84, to: .epsg(99999)) }
        #expect(e?.code == .unknownCRS)
        #expect(e?.message == "unknown CRS EPSG:99999 (proj_create: crs not found)")
        let f = #expect(throws: InputError.self) { try CoordinateTransformer(from: CRS("EPSG:nonsense"), to: .wgs84) }
        #expect(f?.code == .unknownCRS)
        #expect(f?.message.hasPrefix("unknown CRS EPSG:nonsense (") == true, "\(f?.message ?? "")")
    }

    @Test func latitude95Fails() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        let e = #expect(throws: InputError.self) { try t.transform(Coordinate(114, 95)) }
        #expect(e?.code == .transformFailed)
        #expect(e?.message.hasPrefix("coordinate #0 (114.0, 95.0) cannot be transformed from EPSG:4326 to EPSG:4547") == true,
                "\(e?.message ?? "")")
        // In bulk: the second point fails, the array is left unchanged.
        var cs = [Self.tower, Coordinate(114, 95), Coordinate(114, 30)]
        let before = cs
        let b = #expect(throws: InputError.self) { try t.transform(&cs) }
        #expect(b?.message.contains("coordinate #1 (114.0, 95.0)") == true, "\(b?.message ?? "")")
        #expect(cs == before)
        // The transformer still works afterwards.
        #expect(try t.transform(Self.tower).isFinite)
    }

    @Test func crsInfo() throws {
        let g = try CRS.wgs84.info()
        #expect(g.name == "WGS 84" && g.isGeographic && g.unitName == "degree")
        let p = try CRS.epsg(4547).info()
        #expect(p.name == "CGCS2000 / 3-degree Gauss-Kruger CM 114E" && !p.isGeographic && p.unitName == "metre", "\(p)")
        let e = #expect(throws: InputError.self) { try CRS.epsg(99999).info() }
        #expect(e?.message == "unknown CRS EPSG:99999 (proj_create: crs not found)")
    }

    @Test func cachePerThread() throws {
        let a = try CoordinateTransformer.cached(from: .wgs84, to: .epsg(4547))
        #expect(try a === CoordinateTransformer.cached(from: .wgs84, to: .epsg(4547)))
        #expect(try a !== CoordinateTransformer.cached(from: .wgs84, to: .epsg(32650)))
        let other = Thread.detachNewThreadAndWait { (try? ObjectIdentifier(CoordinateTransformer.cached(from: .wgs84, to: .epsg(4547)))) }
        #expect(other != nil && other != ObjectIdentifier(a))
    }

    @Test func transformersOnSeveralThreads() async throws {
        let results = try await withThrowingTaskGroup(of: Coordinate.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
                    var cs = [Coordinate](repeating: Self.tower, count: 10_000)
                    try t.transform(&cs)
                    #expect(Set(cs).count == 1)
                    return cs[0]
                }
            }
            return try await group.reduce(into: [Coordinate]()) { $0.append($1) }
        }
        #expect(results.count == 4 && Set(results).count == 1)
    }
}
