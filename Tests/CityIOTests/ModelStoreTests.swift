import CityIO
import CityModel
import CSpatiaLite
import Foundation
import Geometry
import Testing
import TestSupport

@Suite struct ModelStoreTests {
    @Test func spatiaLiteRoundTripIsExact() throws {
        let dir = TemporaryFolder()
        let m = makeRichModel()
        let p = dir.file("m.sqlite")
        try ModelStore.save(m, to: p)
        let back = try ModelStore.load(p)
        #expect(sameContent(m, back) == [])
        #expect(back.provenance[EntityRef(.buildings, "b1")]?.feature == "buildings fid 1 (id b1)")
        #expect(dir.contents() == ["m.sqlite"], "no temporary or journal file left")
    }

    @Test func folderInNativeCRSIsExact() throws {
        let dir = TemporaryFolder()
        let m = makeRichModel()
        try ModelStore.save(m, to: dir.file("m"), nativeCRS: true)
        #expect(sameContent(m, try ModelStore.load(dir.file("m"))) == [])
    }

    @Test func folderInWGS84IsExactToAMicrometre() throws {
        let dir = TemporaryFolder()
        let m = makeRichModel()
        try ModelStore.save(m, to: dir.file("m"))
        let text = try String(contentsOfFile: dir.file("m/road_nodes.geojson"), encoding: .utf8)
        #expect(!text.contains("\"crs\""), "RFC 7946 output has no crs member")
        #expect(text.contains("114.3"), "coordinates are longitudes near 114.3°E")
        // Reprojection there and back: 1 µm is far below survey accuracy and far above PROJ's round-off.
        #expect(sameContent(m, try ModelStore.load(dir.file("m")), tolerance: 1e-6) == [])
    }

    @Test func folderToSpatiaLiteToFolderGivesIdenticalFiles() throws {
        let dir = TemporaryFolder()
        try ModelStore.save(makeRichModel(), to: dir.file("a"), nativeCRS: true)
        try ModelStore.save(try ModelStore.load(dir.file("a")), to: dir.file("b.sqlite"))
        try ModelStore.save(try ModelStore.load(dir.file("b.sqlite")), to: dir.file("c"), nativeCRS: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.file("a")) {
            let x = FileManager.default.contents(atPath: dir.file("a/\(f)")), y = FileManager.default.contents(atPath: dir.file("c/\(f)"))
            #expect(x != nil && x == y, "\(f) differs after a SpatiaLite round trip")
        }
    }

    @Test func bundledSampleLoadsAndIsValid() throws {
        let folder = try ModelStore.load(packageRoot + "/Models/sample")
        let issues = folder.validate()
        #expect(issues.isEmpty, "\(issues)")
        #expect(folder.roadEdges.count == 24 && folder.drainageNodes.count == 5 && folder.terrain?.grid.width == 60)
        let db = try ModelStore.load(packageRoot + "/Models/sample.sqlite")
        #expect(sameContent(folder, db, tolerance: 1e-6) == [])
    }

    @Test func existingOutputIsKeptWithoutOverwrite() throws {
        let dir = TemporaryFolder()
        write("precious", to: dir.file("m.sqlite"))
        #expect(throws: InputError.self) { try ModelStore.save(makeValidModel(), to: dir.file("m.sqlite")) }
        #expect(try String(contentsOfFile: dir.file("m.sqlite"), encoding: .utf8) == "precious")
        try ModelStore.save(makeValidModel(), to: dir.file("m.sqlite"), overwrite: true)
        #expect(try ModelStore.load(dir.file("m.sqlite")).roadNodes.count == 3)
    }

    func loadError(_ path: String) -> InputError? {
        do { _ = try ModelStore.load(path); return nil } catch let e as InputError { return e } catch { return InputError(.internalError, "\(error)") }
    }

    @Test func spatiaLiteWithoutModelTables() throws {
        let dir = TemporaryFolder()
        let p = dir.file("plain.sqlite")
        var db: OpaquePointer?
        #expect(sqlite3_open(p, &db) == SQLITE_OK)
        #expect(sqlite3_exec(db, "CREATE TABLE t (x)", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(db)
        let e = loadError(p)
        #expect(e?.code == .missingTable)
        #expect(e?.description.contains("plain.sqlite") == true && e?.message.contains("citytwin_model") == true)
        write("this is not a database", to: dir.file("junk.sqlite"))
        #expect(loadError(dir.file("junk.sqlite"))?.code == .unsupportedFormat)
    }

    /// A copy of the fixture folder (native CRS) with one file replaced.
    func brokenFolder(_ dir: borrowing TemporaryFolder, _ file: String, _ edit: (String) -> String) throws -> String {
        let p = dir.file("m")
        try ModelStore.save(makeRichModel(), to: p, nativeCRS: true)
        let f = p + "/" + file
        write(edit(try String(contentsOfFile: f, encoding: .utf8)), to: f)
        return p
    }

    @Test func unknownEPSGCode() throws {
        let dir = TemporaryFolder()
        let p = try brokenFolder(dir, "model.json") { $0.replacingOccurrences(of: "EPSG:4547", with: "EPSG:99999") }
        let e = loadError(p)
        #expect(e?.code == .unknownCRS)
        #expect(e?.location?.file.hasSuffix("model.json") == true)
    }

    @Test func unknownLayerInManifest() throws {
        let dir = TemporaryFolder()
        let p = try brokenFolder(dir, "model.json") { $0.replacingOccurrences(of: "\"sensors\"", with: "\"sensorz\"") }
        let e = loadError(p)
        #expect(e?.code == .unknownSection && e?.message.contains("sensorz") == true)
    }

    @Test func missingAndMistypedProperties() throws {
        let dir = TemporaryFolder()
        let p = try brokenFolder(dir, "buildings.geojson") { $0.replacingOccurrences(of: "\"height\":15,", with: "") }
        let e = loadError(p)
        #expect(e?.code == .missingField)
        #expect(e?.message == "missing property 'height'")
        #expect(e?.location?.feature == "feature 0 (id b1)")
        let dir2 = TemporaryFolder()
        let q = try brokenFolder(dir2, "road_edges.geojson") { $0.replacingOccurrences(of: "\"lanes\":2", with: "\"lanes\":\"two\"") }
        #expect(loadError(q)?.message == "property 'lanes' should be a whole number")
        let dir3 = TemporaryFolder()
        let r = try brokenFolder(dir3, "road_nodes.geojson") { $0.replacingOccurrences(of: "\"traffic_light\"", with: "\"roundabout\"") }
        #expect(loadError(r)?.message.contains("roundabout") == true)
    }

    @Test func malformedGeoJSONNamesFileAndLine() throws {
        let dir = TemporaryFolder()
        let p = try brokenFolder(dir, "sensors.geojson") { String($0.dropLast(20)) }
        let e = loadError(p)
        #expect(e?.code == .syntax)
        #expect(e?.location?.file.hasSuffix("sensors.geojson") == true && e?.location?.line != nil)
    }
}
