import CityIO
import CityModel
import Foundation
import Geometry
import Testing
import TestSupport

@Suite struct SWMMInpTests {
    static var modelsDir: String? { sharedReference.map { $0 + "/swmm/models" } }
    static var invalidDir: String? { sharedReference.map { $0 + "/swmm/invalid" } }

    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"))
    func readsEveryReferenceModel() throws {
        let dir = Self.modelsDir!
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".inp") }.sorted()
        #expect(files.count >= 19)
        for f in files {
            let m = try SWMMInp.read(path: dir + "/" + f)
            let p = try #require(m.stormwater, "\(f) has no stormwater inputs")
            #expect(!m.drainageNodes.isEmpty, "\(f): no nodes")
            // Every subcatchment's gauge and outlet exist.
            let nodes = Set(m.drainageNodes.map(\.id.rawValue)), subs = Set(m.subcatchments.map(\.id.rawValue))
            for s in m.subcatchments {
                #expect(nodes.contains(s.outlet) || subs.contains(s.outlet), "\(f): \(s.id) outlet \(s.outlet)")
                #expect(p.rainGages.contains { $0.id == s.rainGauge?.rawValue }, "\(f): \(s.id) gauge")
            }
            #expect(p.options.end > p.options.start)
        }
    }

    /// Each refused model, with SWMM 5.2.4's reason for refusing it (its error number and line).
    static let refusals: [(file: String, swmm: Int, line: Int?, mentions: String)] = [
        ("alt_test3.inp", 115, 65, "outfall_pipe"),
        ("invalid_model.inp", 209, 59, "NonExistantnode1"),
        ("model-with-infiltration-parse-failure.inp", 209, 53, "SCS_Type_II_2.95in_1yr"),
        ("model_bad_input_1.inp", 209, 56, "'*'"),
        ("model_blank.inp", 205, 159, "[GW_FLOW]"),
        ("model_blank_01.inp", 191, nil, "start date"),
    ]

    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"))
    func refusesEveryInvalidModelForSWMMsReason() throws {
        let dir = Self.invalidDir!
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".inp") }.sorted()
        #expect(Set(files) == Set(Self.refusals.map(\.file)), "a new invalid model needs its expected reason here")
        for r in Self.refusals {
            do {
                _ = try SWMMInp.read(path: dir + "/" + r.file)
                Issue.record("\(r.file) was accepted")
            } catch let e as InputError {
                #expect(e.message.contains("SWMM error \(r.swmm)"), "\(r.file): \(e)")
                #expect(e.message.contains(r.mentions), "\(r.file): \(e)")
                #expect(e.location?.file.hasSuffix(r.file) == true)
                if let line = r.line { #expect(e.location?.line == line, "\(r.file): \(e)") }
            }
        }
    }
}

/// Infiltration parameters that SWMM 5.2.4 refuses (error 235) or accepts, as probed with swmm-toolkit.
@Suite struct SWMMInfiltrationParameterTests {
    static func model(_ method: String, _ params: String) -> String {
        """
        [OPTIONS]
        FLOW_UNITS CFS
        INFILTRATION \(method)
        START_DATE 01/01/2020
        END_DATE 01/02/2020
        [RAINGAGES]
        G1 INTENSITY 1:00 1.0 TIMESERIES R
        [TIMESERIES]
        R 0:00 1.0
        [SUBCATCHMENTS]
        S1 G1 O1 1 50 100 1 0
        [SUBAREAS]
        S1 0.01 0.1 0.05 0.05 25 OUTLET
        [INFILTRATION]
        S1 \(params)
        [OUTFALLS]
        O1 0 FREE NO
        """
    }

    @Test(arguments: [
        ("HORTON", "0.5 3 4 7 0", false), ("HORTON", "3 0.5 -4 7 0", false), ("HORTON", "3 0.5 0 7 0", true),
        ("HORTON", "3 0.5 4 0 0", true), ("GREEN_AMPT", "3.5 0.5 1.5", false), ("GREEN_AMPT", "3.5 0 0.3", false),
        ("GREEN_AMPT", "-3.5 0.5 0.3", false), ("GREEN_AMPT", "3.5 0.5 0.3", true), ("CURVE_NUMBER", "80 0.5 0", false),
        ("CURVE_NUMBER", "120 0.5 7", true), ("CURVE_NUMBER", "-5 0.5 7", true),
    ])
    func refusesAsSWMMDoes(_ method: String, _ params: String, _ accepted: Bool) {
        do {
            _ = try SWMMInp.read(text: Self.model(method, params), file: "probe.inp")
            #expect(accepted, "\(method) \(params) was accepted; SWMM refuses it")
        } catch let e as InputError {
            #expect(!accepted, "\(method) \(params): \(e)")
            #expect(e.message.contains("SWMM error 235") && e.location?.line == 15, "\(e)")
        } catch { Issue.record("\(error)") }
    }
}

@Suite struct SWMMRainFileTests {
    /// A rain gage reading a user-prepared rain file gets the station's records as a series, in the
    /// file's depth units (MM here: 1 mm per value).
    @Test func rainFileBecomesTheGagesSeries() throws {
        let dir = TemporaryFolder()
        try "; station year month day hour minute value\nSTA1 2020 1 1 0 15 0.5\nSTA2 2020 1 1 0 15 9\nSTA1 2020 1 1 0 30 1.25\n"
            .write(toFile: dir.path + "/rain.dat", atomically: true, encoding: .utf8)
        let text = SWMMInfiltrationParameterTests.model("HORTON", "3 0.5 4 7 0")
            .replacingOccurrences(of: "G1 INTENSITY 1:00 1.0 TIMESERIES R", with: "G1 VOLUME 0:15 1.0 FILE rain.dat STA1 MM")
        let m = try SWMMInp.read(text: text, file: dir.path + "/m.inp")
        let p = try #require(m.stormwater)
        let s = try #require(p.timeSeries(named: "RAINFILE:G1"))
        #expect(s.times == [900, 1800])
        #expect(s.values == [0.5, 1.25])
        #expect(p.rainGages[0].toSI == 1)
        // A missing file is refused on the gage's line.
        do {
            _ = try SWMMInp.read(text: text.replacingOccurrences(of: "rain.dat", with: "none.dat"), file: dir.path + "/m.inp")
            Issue.record("missing rain file accepted")
        } catch let e as InputError { #expect(e.location?.line == 7 && e.message.contains("cannot open rain file"), "\(e)") }
    }
}

/// A culvert code outside SWMM's 1–57 is refused with the file, line and link.
@Suite struct SWMMCulvertCodeTests {
    static func model(_ code: Int) -> String {
        """
        [OPTIONS]
        FLOW_UNITS CFS
        FLOW_ROUTING DYNWAVE
        START_DATE 01/01/2020
        END_DATE 01/02/2020
        [JUNCTIONS]
        J1 100 5 0 0 0
        [OUTFALLS]
        O1 99 FREE NO
        [CONDUITS]
        C1 J1 O1 100 0.013 0 0 0 0
        [XSECTIONS]
        C1 CIRCULAR 3 0 0 0 1 \(code)
        """
    }

    @Test func refusesAnUnknownCode() throws {
        do {
            _ = try SWMMInp.read(text: Self.model(58), file: "culvert.inp")
            Issue.record("culvert code 58 was accepted")
        } catch let e as InputError {
            #expect(e.location?.file == "culvert.inp" && e.location?.line == 13, "\(e)")
            #expect(e.message.contains("culvert code 58") && e.message.contains("C1"), "\(e)")
        }
    }

    @Test func keepsAKnownCode() throws {
        let model = try SWMMInp.read(text: Self.model(4), file: "culvert.inp")
        #expect(model.stormwater?.conduitDetails["C1"]?.culvertCode == 4)
    }
}
