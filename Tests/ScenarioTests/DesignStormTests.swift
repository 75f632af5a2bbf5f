import Foundation
import Geometry
import Scenario
import Testing

@Suite struct DesignStormTests {
    let wuhan = RainfallIntensityFormula.wuhan

    /// Wuhan, P = 50 a, t = 60 min, by hand:
    ///   lg 50 = 1.698970, 1 + 0.65·1.698970 = 2.104331
    ///   (60 + 4)^0.56 = exp(0.56·ln 64) = exp(0.56·4.158883) = exp(2.328975) = 10.26741
    ///   q = 983·2.104331 / 10.26741 = 2068.557 / 10.26741 = 201.47 L/(s·ha)
    ///   i = q/167 = 1.20639 mm/min, depth over 60 min = 72.38 mm.
    @Test func wuhanFiftyYearHourKnownValue() throws {
        let q = try wuhan.q(returnPeriod: 50, duration: 60)
        #expect(abs(q - 201.47) < 0.01, "q = \(q)")
        #expect(abs(wuhan.a1 - 5.886) < 0.001)
        #expect(abs(try wuhan.intensity(returnPeriod: 50, duration: 60) - 1.20639) < 1e-4)
        #expect(abs(try wuhan.depth(returnPeriod: 50, duration: 60) - 72.38) < 0.01)
    }

    @Test(arguments: [(3.0, 120.0, 5.0, 0.4), (50.0, 120.0, 5.0, 0.4), (100.0, 180.0, 1.0, 0.35), (2.0, 60.0, 7.0, 0.5),
                      (50.0, 1440.0, 60.0, 0.45), (10.0, 90.0, 5.0, 0.0), (10.0, 90.0, 5.0, 1.0)])
    func totalDepthMatchesTheFormula(p: Double, duration: Double, step: Double, r: Double) throws {
        let storm = try DesignStorm(formula: wuhan, returnPeriod: p, duration: duration, step: step, peakRatio: r)
        let expected = try wuhan.intensity(returnPeriod: p, duration: duration) * duration
        #expect(abs(storm.totalDepth - expected) / expected < 0.001, "\(storm.totalDepth) mm vs \(expected) mm")
        #expect(storm.intensities.count == Int((duration / step).rounded(.up)))
        #expect(storm.intensities.allSatisfy { $0 >= 0 && $0.isFinite })
    }

    /// T = 125 min, Δt = 5 min, r = k/24: r·T = 5k + 5r, so the peak splits interval k as r : (1 − r)
    /// and, by the Chicago storm's nesting of windows, interval k holds the most rain of any interval.
    @Test(arguments: [5, 8, 10, 12, 15, 19])
    func peakSitsAtRT(k: Int) throws {
        let r = Double(k) / 24
        let storm = try DesignStorm(formula: wuhan, returnPeriod: 20, duration: 125, step: 5, peakRatio: r)
        #expect(storm.peakIndex == k, "peak interval \(storm.peakIndex) for r·T = \(r * 125) min")
        // Intensities rise to the peak and fall after it.
        #expect(zip(storm.intensities[..<k], storm.intensities[1...k]).allSatisfy { $0 <= $1 })
        #expect(zip(storm.intensities[k...], storm.intensities[(k + 1)...]).allSatisfy { $0 >= $1 })
    }

    /// For any r, the wettest interval is the one holding r·T or its neighbour (the peak may sit near
    /// an interval's end, where the next interval, all on the slower limb, can hold more rain).
    @Test(arguments: [0.0, 0.2, 0.35, 0.4, 0.5, 0.62, 0.8, 1.0])
    func peakIsNextToRT(r: Double) throws {
        let storm = try DesignStorm(formula: wuhan, returnPeriod: 20, duration: 120, step: 5, peakRatio: r)
        let holding = min(Int(r * 120 / 5), storm.intensities.count - 1)
        #expect(abs(storm.peakIndex - holding) <= 1, "peak interval \(storm.peakIndex) for r·T = \(r * 120) min")
    }

    @Test func peakIntervalIntensityFollowsTheFormula() throws {
        // T = 125 min, Δt = 5 min, r = 0.5: r·T = 62.5 min is the middle of interval 12, which the
        // peak splits r : (1 − r), so its depth is the formula's depth for 5 minutes.
        let storm = try DesignStorm(formula: wuhan, returnPeriod: 50, duration: 125, step: 5, peakRatio: 0.5)
        #expect(storm.peakIndex == 12)
        let expected = try wuhan.intensity(returnPeriod: 50, duration: 5) * 60       // mm/h
        #expect(abs(storm.intensities[12] - expected) / expected < 1e-9, "\(storm.intensities[12]) vs \(expected) mm/h")
        // A peak split unevenly (r = 0.4, T = 120: r·T = 48 min, 3 min into interval 9): the depth
        // of the interval is the Chicago storm's depth x before and y after the peak, written out
        // from Keifer & Chu's cumulative curves.
        let s2 = try DesignStorm(formula: wuhan, returnPeriod: 50, duration: 120, step: 5, peakRatio: 0.4)
        let a = 983.0 / 167.0 * (1 + 0.65 * log10(50.0)), b = 4.0, n = 0.56, x = 3.0, y = 2.0
        let depth = a * x / pow(x / 0.4 + b, n) + a * y / pow(y / 0.6 + b, n)
        #expect(s2.peakIndex == 9)
        #expect(abs(s2.intensities[9] - depth / 5 * 60) < 1e-9 * depth, "\(s2.intensities[9]) vs \(depth / 5 * 60) mm/h")
    }

    @Test func presetAndUserParametersAgree() throws {
        let mine = try RainfallIntensityFormula(a1: 983.0 / 167.0, c: 0.65, b: 4, n: 0.56)
        let a = try DesignStorm(formula: mine, returnPeriod: 5, duration: 120, step: 5, peakRatio: 0.4)
        let b = try DesignStorm(preset: "Wuhan", returnPeriod: 5, duration: 120, step: 5, peakRatio: 0.4)
        #expect(a == b)
        let ts = a.timeSeries()
        #expect(ts.interpolation == .step && ts.unit == "mm/h")
        #expect(ts.value(at: 7 * 60) == a.intensities[1])
        #expect(ts.value(at: 121 * 60) == 0)
    }

    @Test func impossibleParametersAreRefused() {
        func message(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch let e as InputError { return e.message } catch { return "\(error)" }
        }
        let cases: [(String, () throws -> Void)] = [
            ("return period", { _ = try DesignStorm(formula: wuhan, returnPeriod: 0, duration: 120, step: 5, peakRatio: 0.4) }),
            ("return period", { _ = try DesignStorm(formula: wuhan, returnPeriod: -5, duration: 120, step: 5, peakRatio: 0.4) }),
            ("peak ratio", { _ = try DesignStorm(formula: wuhan, returnPeriod: 5, duration: 120, step: 5, peakRatio: 1.2) }),
            ("peak ratio", { _ = try DesignStorm(formula: wuhan, returnPeriod: 5, duration: 120, step: 5, peakRatio: -0.1) }),
            ("duration", { _ = try DesignStorm(formula: wuhan, returnPeriod: 5, duration: 0, step: 5, peakRatio: 0.4) }),
            ("duration", { _ = try DesignStorm(formula: wuhan, returnPeriod: 5, duration: -60, step: 5, peakRatio: 0.4) }),
            ("time step", { _ = try DesignStorm(formula: wuhan, returnPeriod: 5, duration: 60, step: 0, peakRatio: 0.4) }),
            ("time step", { _ = try DesignStorm(formula: wuhan, returnPeriod: 5, duration: 60, step: 90, peakRatio: 0.4) }),
            ("preset", { _ = try DesignStorm(preset: "atlantis", returnPeriod: 5, duration: 60, step: 5, peakRatio: 0.4) }),
            ("A1", { _ = try RainfallIntensityFormula(a1: 0, c: 0.65, b: 4, n: 0.56) }),
            ("n", { _ = try RainfallIntensityFormula(a1: 5, c: 0.65, b: 4, n: 1.2) }),
            ("b", { _ = try RainfallIntensityFormula(a1: 5, c: 0.65, b: -1, n: 0.5) }),
        ]
        for (word, body) in cases {
            let m = message(body)
            #expect(m?.contains(word) == true, "expected an error naming '\(word)', got \(m ?? "none")")
        }
    }
}
