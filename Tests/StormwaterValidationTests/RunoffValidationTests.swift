import CityIO
import CityModel
import Foundation
@testable import Stormwater
import Testing
import TestSupport

@Suite struct RunoffValidationTests {
    /// Runoff on the reference models: continuity error and per-subcatchment statistics as SWMM 5.2.4
    /// reports them (runoff does not depend on routing in these models).
    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"))
    func subcatchmentStatisticsMatchSWMM() throws {
        let ref = sharedReference! + "/swmm"
        let files = try FileManager.default.contentsOfDirectory(atPath: ref + "/models").filter { $0.hasSuffix(".inp") }.sorted()
        var compared = 0
        for f in files {
            let m = try SWMMInp.read(path: ref + "/models/" + f)
            guard m.stormwater?.lidUsage.isEmpty == true, !m.subcatchments.isEmpty else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: ref + "/expected/" + f.replacingOccurrences(of: ".inp", with: ".json")))
            let e = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            var r = try RunoffModel(model: m)
            r.run()
            let cont = try #require(e["continuity"] as? [String: Any])
            let refErr = try #require(cont["runoff_error_pct"] as? Double)
            #expect(abs(r.continuity.errorPercent - refErr) < 0.01, "\(f): runoff error \(r.continuity.errorPercent) vs \(refErr)")
            let subs = try #require(e["subcatchments"] as? [String: [String: Double]])
            for (id, s) in r.statistics {
                let x = try #require(subs[id], "\(f): \(id) missing in reference")
                for (key, ours) in [("precip_depth", s.precipitation), ("runoff_volume", s.runoff), ("peak_runoff", s.peakRunoff),
                                    ("infil_volume", s.infiltration), ("evap_volume", s.evaporation)] {
                    let theirs = x[key] ?? 0
                    #expect(abs(ours - theirs) <= 1e-4 * abs(theirs) + 1e-6, "\(f) \(id) \(key): \(ours) vs \(theirs)")
                }
                compared += 1
            }
        }
        #expect(compared >= 40)
    }
}
