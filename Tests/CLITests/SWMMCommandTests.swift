import CityIO
import CityModel
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct SWMMCommandTests {
    let model = packageRoot + "/Tests/Fixtures/swmm/two_catchments_si.inp"

    /// The summary has the reference key names and is byte-identical on a rerun (without the CPU time).
    @Test func summaryHasReferenceKeysAndIsDeterministic() throws {
        let dir = TemporaryFolder()
        let a = dir.path + "/a.json", b = dir.path + "/b.json"
        for out in [a, b] {
            let r = try citytwin("swmm", model, "--summary", out, "--no-timing")
            #expect(r.status == 0, "\(r.err)")
        }
        let da = try Data(contentsOf: URL(fileURLWithPath: a)), db = try Data(contentsOf: URL(fileURLWithPath: b))
        #expect(da == db)
        let j = try #require(try JSONSerialization.jsonObject(with: da) as? [String: Any])
        for k in ["continuity", "outfalls", "system", "node_max_depth", "link_peak_flow", "subcatchments"] {
            #expect(j[k] != nil, "missing \(k)")
        }
        let c = try #require(j["continuity"] as? [String: Any])
        let runoffErr = try #require(c["runoff_error_pct"] as? Double)
        #expect(abs(runoffErr) < 0.5)
        let subs = try #require(j["subcatchments"] as? [String: [String: Double]])
        // 22 mm of rain on both subcatchments (metric model: depths in mm).
        #expect(abs((subs["Up"]?["precip_depth"] ?? 0) - 22) < 1e-9)
        let outs = try #require(j["outfalls"] as? [String: [String: Double]])
        #expect((outs["Out1"]?["total_volume"] ?? 0) > 0)
        let timed = try citytwin("swmm", model, "--summary", a)
        #expect(timed.status == 0)
        let t = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a))) as? [String: Any])
        #expect((t["timing"] as? [String: Double])?["simulate_cpu_s"] != nil)
    }

    /// A model SWMM refuses is refused with one line naming the file, the line and SWMM's reason.
    @Test func refusedModelGivesOneLineAndExitCode2() throws {
        let dir = TemporaryFolder()
        let bad = dir.path + "/bad.inp"
        let text = try String(contentsOfFile: model, encoding: .utf8).replacingOccurrences(of: "Down    G1    J1 ", with: "Down    G1    J9 ")
        try text.write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try citytwin("swmm", bad, "--summary", dir.path + "/x.json")
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("citytwin: \(bad):"))
        #expect(r.err.contains("undefined node 'J9'") && r.err.contains("SWMM error 209"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/x.json"))
    }
}
