import CityModel
import Testing

@Suite struct TimeSeriesTests {
    let times: [Double] = [0, 600, 1200]
    let values: [Double] = [0, 30, 10]

    @Test func linearInterpolationHoldsTheEnds() {
        let s = TimeSeries(name: "q", unit: "m3/s", times: times, values: values)
        #expect(s.value(at: -5) == 0)
        #expect(s.value(at: 300) == 15)
        #expect(s.value(at: 900) == 20)
        #expect(s.value(at: 1200) == 10)
        #expect(s.value(at: 5000) == 10)
    }

    @Test func stepHoldsThePreviousSampleAndIsZeroBefore() {
        var s = TimeSeries(name: "rain", unit: "mm/h", times: [60, 600, 1200], values: values, interpolation: .step)
        #expect(s.value(at: 0) == 0)
        #expect(s.value(at: 599.9) == 0)
        #expect(s.value(at: 600) == 30)
        #expect(s.value(at: 1199) == 30)
        #expect(s.value(at: 9999) == 10)
        s.values = [5, 5, 5]
        #expect(s.value(at: 100) == 5)
    }

    @Test func emptySeriesIsZero() {
        #expect(TimeSeries(name: "e", unit: "-").value(at: 10) == 0)
    }
}
