import CityIO
import CityModel
import Foundation
import Testing
import TestSupport

/// The `citytwin` binary built beside the test runner.
let citytwinBinary: String = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = (exe as NSString).deletingLastPathComponent
    // The test runner sits in `.build/<config>/`, or inside an .xctest bundle there.
    while !FileManager.default.fileExists(atPath: dir + "/citytwin"), dir.count > 1 { dir = (dir as NSString).deletingLastPathComponent }
    return dir + "/citytwin"
}()

struct Run { var status: Int32; var out: String; var err: String }

func citytwin(_ args: String...) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: citytwinBinary)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}

let sample = packageRoot + "/Models/sample"

@Suite(.serialized) struct CLITests {
    @Test func infoText() throws {
        let r = try citytwin("info", sample)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("EPSG:4547"))
        #expect(r.out.contains("Gauss-Kruger"))
        #expect(r.out.contains("Terrain:  60 × 60 cells of 10.00 m"))
        #expect(r.out.contains("road_edges        24"))
        #expect(r.out.contains("(0.60 km × 0.60 km)"))
    }

    @Test func infoJSON() throws {
        let r = try citytwin("info", sample + ".sqlite", "--json")
        #expect(r.status == 0, "\(r.err)")
        let s = try JSONDecoder().decode(ModelSummary.self, from: Data(r.out.utf8))
        #expect(s.format == "spatialite")
        #expect(s.layers["drainage_nodes"] == 5)
        #expect(s.layers["buildings"] == 6)
        let w = try #require(s.extentWGS84)
        #expect(w[0] > 114.29 && w[2] < 114.31 && w[1] > 30.54 && w[3] < 30.56, "\(w)")
        let e = try #require(s.extent)
        #expect(e == [528700, 3380200, 529300, 3380800])
    }

    @Test func validateGoodModel() throws {
        let r = try citytwin("validate", sample)
        #expect(r.status == 0)
        #expect(r.out.contains("0 error(s), 0 warning(s)"))
    }

    @Test func validateBrokenCopyListsEachProblem() throws {
        let dir = TemporaryFolder()
        var m = try ModelStore.load(sample)
        m.drainageLinks[0].to = "J404"
        m.buildings[1].height = -3
        try ModelStore.save(m, to: dir.file("broken"), nativeCRS: true)
        let r = try citytwin("validate", dir.file("broken"))
        #expect(r.status == 1)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r.out)")
        #expect(lines.contains { $0.contains("warning: E502 drainage_nodes 'J1': node is not connected to any link") })
        #expect(lines.contains { $0.hasPrefix(dir.file("broken") + "/drainage_links.geojson:2:feature 0 (id C1): error: E500") && $0.contains("'J404'") })
        #expect(lines.contains { $0.hasPrefix(dir.file("broken") + "/buildings.geojson:3:feature 1 (id B0b): error: E503") })
        #expect(r.err.contains("2 error(s)"))
    }

    @Test func unreadableInputsGiveOneLineAndExit2() throws {
        let dir = TemporaryFolder()
        let r = try citytwin("info", dir.file("nope"))
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("citytwin: \(dir.file("nope")): E100"))
        write("ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n3 nan\n", to: dir.file("t.asc"))
        write(#"{"format":"citytwin-model","version":1,"name":"t","crs":"EPSG:4547","terrain":"t.asc","layers":{}}"#, to: dir.file("model.json"))
        let nan = try citytwin("validate", dir.path)
        #expect(nan.status == 2)
        #expect(nan.err.contains("t.asc:7"), "\(nan.err)")
        #expect(nan.err.split(separator: "\n").count == 1)
    }

    @Test func convertBothWaysAndRefuseToClobber() throws {
        let dir = TemporaryFolder()
        let db = dir.file("s.sqlite"), folder = dir.file("s")
        var r = try citytwin("convert", sample, db)
        #expect(r.status == 0, "\(r.err)")
        r = try citytwin("convert", db, folder)
        #expect(r.status == 0, "\(r.err)")
        #expect(sameContent(try ModelStore.load(sample), try ModelStore.load(folder), tolerance: 1e-6) == [])
        let before = try FileManager.default.attributesOfItem(atPath: db)[.modificationDate] as? Date
        r = try citytwin("convert", folder, db)
        #expect(r.status == 2 && r.err.contains("E107"))
        #expect(try FileManager.default.attributesOfItem(atPath: db)[.modificationDate] as? Date == before)
        r = try citytwin("convert", folder, db, "--force")
        #expect(r.status == 0)
    }

    @Test func convertOfInvalidModelWritesNothing() throws {
        let dir = TemporaryFolder()
        var m = try ModelStore.load(sample)
        m.subcatchments[0].outlet = "nowhere"
        try ModelStore.save(m, to: dir.file("bad"), nativeCRS: true)
        let r = try citytwin("convert", dir.file("bad"), dir.file("out.sqlite"))
        #expect(r.status == 1)
        #expect(r.err.contains("'nowhere'"))
        #expect(dir.contents() == ["bad"])
    }
}
