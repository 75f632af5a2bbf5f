import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct FloodCLITests {
    /// `citytwin flood` on a small case writes its outputs and refuses to overwrite them without --force.
    @Test func runsACaseAndWritesOutputs() throws {
        let dir = TemporaryFolder()
        var dem = "ncols 12\nnrows 6\nxllcorner 0\nyllcorner 0\ncellsize 5\nNODATA_value -9999\n"
        for _ in 0..<6 { dem += (0..<12).map { String(10 - 0.02 * Double($0)) }.joined(separator: " ") + "\n" }
        write(dem, to: dir.file("dem.asc"))
        write("""
        version: 1
        terrain: dem.asc
        duration: 5min
        report_step: 1min
        flood: {manning: 0.03}
        forcing:
          rain: {series: [[0, 60], [2min, 0]]}
          boundaries: [{name: out, edge: east, type: free}]
        outputs:
          points: [{name: mid, at: [30, 15]}]
        """, to: dir.file("case.yaml"))
        let out = dir.file("run")
        let r = try citytwin("flood", dir.file("case.yaml"), "--out", out, "--threads", "2")
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("mass balance:") && r.out.contains("outputs in \(out)"), "\(r.out)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any]
        let balance = summary?["massBalance"] as? [String: Any]
        #expect(abs((balance?["relativeError"] as? Double) ?? 1) < 1e-6)
        #expect(((balance?["rain"] as? Double) ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: out + "/max_depth.asc"))
        let again = try citytwin("flood", dir.file("case.yaml"), "--out", out)
        #expect(again.status == 2 && again.err.contains("E107"), "\(again.err)")
    }

    @Test func unknownKeyIsOneLineWithFileLineAndKey() throws {
        let dir = TemporaryFolder()
        write("version: 1\nterrain: dem.asc\nduration: 60\nflood:\n  cfll: 0.5\n", to: dir.file("bad.yaml"))
        let r = try citytwin("flood", dir.file("bad.yaml"))
        #expect(r.status == 2)
        #expect(r.err == "citytwin: \(dir.file("bad.yaml")):5: E106 flood.cfll: unknown key (expected one of: cfl, theta, max_step, depth_threshold, manning, buildings, routing, infiltration, initial_water, hazard_debris)\n", "\(r.err)")
    }
}
