import CityIO
import CityModel
import Foundation
import Geometry
import Testing
import TestSupport

@Suite struct GeoJSONTests {
    func features(_ text: String) throws -> ([GeoJSONFeature], CRS) {
        let dir = TemporaryFolder()
        let p = dir.file("layer.geojson")
        write(text, to: p)
        var out: [GeoJSONFeature] = []
        let crs = try GeoJSON.readFeatures(path: p) { f, _ in out.append(f) }
        return (out, crs)
    }

    func error(_ text: String) -> InputError? {
        do { _ = try features(text); return nil } catch let e as InputError { return e } catch { return nil }
    }

    @Test func readsFeaturesWithLinesAndProperties() throws {
        let (fs, crs) = try features("""
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "id": "a", "geometry": {"type": "Point", "coordinates": [114.3, 30.6, 12]},
               "properties": {"n": 1.5, "s": "x\\u00e9\\ud83d\\ude00", "b": true, "o": {"k": [1, null]}}},
              {"type": "Feature", "geometry": null, "properties": null}
            ]}
            """)
        #expect(crs == .wgs84)
        #expect(fs.count == 2)
        #expect(fs[0].shape == .point(Coordinate(114.3, 30.6)))
        #expect(fs[0].properties["n"] == .number(1.5))
        #expect(fs[0].properties["s"] == .string("xé😀"))
        #expect(fs[0].properties["o"] == .object(["k": .array([.number(1), .null])]))
        #expect(fs[0].location.line == 2)
        #expect(fs[1].location.line == 4)
        #expect(fs[1].shape == nil && fs[1].properties.isEmpty)
    }

    @Test func legacyCRSMember() throws {
        let (_, crs) = try features(#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}},"features":[]}"#)
        #expect(crs == .epsg(4547))
    }

    @Test func malformedJSONNamesTheLine() {
        let e = error("{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": \"Feature\", \"geometry\": null,\n \"properties\": {\"a\": 1,}}]}")
        #expect(e?.code == .syntax)
        #expect(e?.location?.line == 3)
        let t = error("{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": \"Feature\"")
        #expect(t?.code == .syntax)
        #expect(t?.message.contains("end of file") == true)
    }

    @Test func refusesWhatIsNotALayer() {
        #expect(error(#"{"type": "Feature", "geometry": null, "properties": {}}"#)?.code == .unsupportedFormat)
        #expect(error(#"{"features": []}"#)?.code == .unsupportedFormat)
        #expect(error("[1, 2]")?.code == .syntax)
        #expect(error(#"{"type":"FeatureCollection","features":[]} trailing"#)?.code == .syntax)
    }

    @Test func badGeometriesNameTheFeature() {
        let open = error(#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"p7","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]},"properties":{}}]}"#)
        #expect(open?.code == .invalidGeometry)
        #expect(open?.message.contains("end where it starts") == true)
        #expect(open?.location?.feature == "feature 0 (id p7)")
        let unknown = error(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Circle","coordinates":[0,0]},"properties":{}}]}"#)
        #expect(unknown?.message.contains("Circle") == true)
        let nan = error(#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":["a",0]},"properties":{}}]}"#)
        #expect(nan?.code == .invalidGeometry)
    }

    @Test func writerRoundTripsAndOrientsRings() throws {
        let dir = TemporaryFolder()
        let p = dir.file("out.geojson")
        let cw = Polygon(exterior: [Coordinate(0, 0), Coordinate(0, 1), Coordinate(1, 1), Coordinate(1, 0), Coordinate(0, 0)])
        let w = try GeoJSONWriter(path: p, crs: .epsg(4547), name: "t")
        try w.write(id: "x", shape: .polygon(cw), properties: [("id", .string("x")), ("v", .number(0.1 + 0.2)), ("q", .string("a\"b\n"))])
        try w.write(id: "y", shape: nil, properties: [("id", .string("y"))])
        #expect(!FileManager.default.fileExists(atPath: p), "file appears only when finished")
        try w.finish()
        var got: [GeoJSONFeature] = []
        let crs = try GeoJSON.readFeatures(path: p) { f, _ in got.append(f) }
        #expect(crs == .epsg(4547))
        #expect(got.count == 2)
        #expect(got[0].properties["v"] == .number(0.1 + 0.2), "shortest round-trip number text is exact")
        #expect(got[0].properties["q"] == .string("a\"b\n"))
        guard case .polygon(let back)? = got[0].shape else { Issue.record("not a polygon"); return }
        #expect(Polygon.signedArea(back.exterior) > 0, "exterior written counter-clockwise (RFC 7946)")
        #expect(Set(back.exterior) == Set(cw.exterior))
    }

    @Test func unfinishedWriterLeavesNothing() throws {
        let dir = TemporaryFolder()
        do {
            let w = try GeoJSONWriter(path: dir.file("gone.geojson"))
            try w.write(id: "a", shape: .point(Coordinate(1, 2)), properties: [])
        }
        #expect(dir.contents().isEmpty)
    }
}
