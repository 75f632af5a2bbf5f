import Foundation
import Testing
@testable import SimCore

@Suite struct SimTimeTests {
    @Test func secondsRoundToMilliseconds() {
        #expect(SimTime(seconds: 1.2344).milliseconds == 1234)
        #expect(SimTime(seconds: 0.0025).milliseconds == 3)        // 2.5 ms: halves away from zero
        #expect(SimTime(seconds: 0.0005).milliseconds == 1)
        #expect(SimDuration(seconds: -0.0015).milliseconds == -2)
        #expect(SimDuration(seconds: 2.5).seconds == 2.5)
        #expect(SimTime(seconds: 3600).seconds == 3600)
    }

    @Test func arithmeticIsExact() {
        var t = SimTime.zero
        for _ in 0..<86_400 { t += .seconds(1) }
        #expect(t == SimTime(milliseconds: 86_400_000))
        #expect(t - SimTime(seconds: 400) == .milliseconds(86_000_000))
        #expect(SimDuration.minutes(2) * 3 == .seconds(360))
        #expect(SimDuration.hours(1) / 4 == .minutes(15))
        #expect(SimDuration.minutes(1) / SimDuration.seconds(40) == 1.5)
        #expect(SimTime(seconds: 5) + .seconds(5) > SimTime(seconds: 9.999))
        #expect(-SimDuration.seconds(1) < .zero)
    }

    @Test func formatting() {
        #expect(SimTime.zero.description == "00:00:00")
        #expect(SimTime(seconds: 3723).description == "01:02:03")
        #expect(SimTime(milliseconds: 3_723_045).description == "01:02:03.045")
        #expect(SimTime(milliseconds: 5).description == "00:00:00.005")
        #expect(SimTime(seconds: 2 * 86_400 + 3 * 3600 + 0.25).description == "2d 03:00:00.250")
        #expect(SimDuration(seconds: -90).description == "-00:01:30")
    }

    @Test func codableAsBareMilliseconds() throws {
        let data = try JSONEncoder().encode([SimTime(milliseconds: 1500)])
        #expect(String(decoding: data, as: UTF8.self) == "[1500]")
        #expect(try JSONDecoder().decode(SimDuration.self, from: Data("250".utf8)) == .milliseconds(250))
    }
}
