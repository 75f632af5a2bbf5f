import CityModel
import Foundation
import Geometry
@testable import Stormwater
import Testing
import TestSupport

@Suite struct RunoffTests {
    /// One subcatchment draining to an outfall, with a constant-intensity rain (in/h) for `rainHours`.
    static func plane(imperv: Double, rainInPerHour: Double, rainHours: Double, hours: Double,
                      infiltration: Infiltration? = nil) -> CityModel {
        var m = CityModel(name: "plane", crs: CRS("LOCAL:SWMM"))
        var out = DrainageNode(id: "O1", kind: .outfall, position: Coordinate(0, 0), invert: 0, rim: nil)
        out.outfall = .free
        m.drainageNodes = [out]
        m.sensors = [Sensor(id: "G1", position: Coordinate(0, 0), kind: .rainGauge)]
        // 1 acre, 200 ft wide, 1 % slope, n = 0.015, no depression storage.
        var s = Subcatchment(id: "S1", outlet: "O1", area: 4046.8564224, width: 200 * 0.3048, slope: 0.01, imperviousness: imperv,
                             nImpervious: 0.015, nPervious: 0.2, storageImpervious: 0, storagePervious: 0, zeroStorageFraction: 1)
        s.rainGauge = "G1"
        s.infiltration = infiltration
        m.subcatchments = [s]
        var p = StormwaterProject()
        p.options.flowUnits = .cfs
        p.options.start = StormwaterDateTime(year: 2020, month: 1, day: 1)!
        p.options.end = p.options.start.adding(seconds: hours * 3600)
        p.options.reportStart = p.options.start
        p.options.wetStep = 60; p.options.dryStep = 60
        p.timeSeries = [TimeSeries(name: "R", unit: "", times: [0, rainHours * 3600], values: [rainInPerHour, 0])]
        p.rainGages = [RainGage(id: "G1", format: .intensity, interval: rainHours * 3600, source: .timeSeries("R"), toSI: 25.4)]
        m.stormwater = p
        return m
    }

    /// Horton's cumulative infiltration under ponded supply follows F(t) = fmin·t + (f0 − fmin)/k·(1 − e^{−k·t}).
    @Test func hortonMatchesClosedFormWhenSupplyIsAmple() {
        let u = SWMMUnits(flowUnits: .cfs)
        var h = InfiltrationState(.horton(maxRate: 3 * 25.4, minRate: 0.5 * 25.4, decay: 4, dryTime: 7, maxVolume: 0), units: u)
        let f0 = 3.0 / 43200, fmin = 0.5 / 43200, k = 4.0 / 3600
        var total = 0.0, t = 0.0
        let dt = 30.0
        for _ in 0..<480 {   // 4 hours
            total += h.rate(step: dt, rain: 10 / 43200.0, runon: 0, depth: 0.1, recovery: 1) * dt
            t += dt
            let exact = fmin * t + (f0 - fmin) / k * (1 - exp(-k * t))
            // Past 16/k SWMM treats the curve as flat, dropping a term of at most (f0 − fmin)/k·e^{−16}.
            let cutoff = t >= 16 / k ? (f0 - fmin) / k * exp(-16) : 0
            #expect(abs(total - exact) <= 1e-9 * exact + cutoff, "t = \(t) s: \(total) ft vs \(exact) ft")
        }
    }

    /// When the supply is smaller than the capacity, everything infiltrates and the capacity decays
    /// more slowly than on the ponded curve (the equivalent time tp advances by less than Δt).
    @Test func hortonIsSupplyLimitedAndRecoversWhenDry() {
        let u = SWMMUnits(flowUnits: .cfs)
        var h = InfiltrationState(.horton(maxRate: 3 * 25.4, minRate: 0.5 * 25.4, decay: 4, dryTime: 1, maxVolume: 0), units: u)
        let rain = 1.0 / 43200
        for _ in 0..<20 {
            let f = h.rate(step: 60, rain: rain, runon: 0, depth: 0, recovery: 1)
            #expect(abs(f - rain) < 1e-15)
        }
        guard case .horton(let wet) = h else { Issue.record("not Horton"); return }
        #expect(wet.tp > 0 && wet.tp < 20 * 60)
        for _ in 0..<(3 * 24 * 60) { _ = h.rate(step: 60, rain: 0, runon: 0, depth: 0, recovery: 1) }
        guard case .horton(let dry) = h else { return }
        // 98 % recovery per drying time: after 3 drying times the curve time is nearly back to 0.
        #expect(dry.tp < 0.001 * wet.tp)
    }

    /// A single impervious plane: at steady state runoff equals rainfall times area; in the recession
    /// the depth follows d(t) = (d0^{-2/3} + (2/3)·α·t)^{-3/2}, the exact solution of dd/dt = −α·d^{5/3}.
    @Test func imperviousPlaneMatchesTheNonlinearReservoir() throws {
        let m = Self.plane(imperv: 1, rainInPerHour: 2, rainHours: 3, hours: 5)
        var r = try RunoffModel(model: m)
        let areaFt2 = r.subs[0].area, alpha = r.subs[0].areas[0].alpha
        #expect(abs(alpha - 1.49 * 200 / areaFt2 * 0.1 / 0.015) < 1e-12 * alpha)
        while r.newTime < 3 * 3600 { r.step() }
        let steady = 2.0 / 43200 * areaFt2
        #expect(abs(r.subs[0].newRunoff - steady) < 1e-4 * steady, "steady runoff \(r.subs[0].newRunoff) cfs vs \(steady)")
        let t0 = r.newTime, d0 = r.subs[0].areas[0].depth
        while !r.isFinished {
            r.step()
            let t = r.newTime - t0
            let exact = pow(pow(d0, -2.0 / 3) + 2.0 / 3 * alpha * t, -1.5)
            let d = r.subs[0].areas[0].depth
            #expect(abs(d - exact) < 1e-4 * exact, "t = \(t) s: depth \(d) ft vs \(exact) ft")
            #expect(abs(r.subs[0].newRunoff - alpha * pow(d, 5.0 / 3) * areaFt2) < 1e-12 + 1e-12 * r.subs[0].newRunoff)
        }
        let c = r.continuity
        // SWMM's scheme takes the end-of-step rate over the step, so it conserves only approximately.
        #expect(abs(c.errorPercent) < 0.05, "runoff continuity \(c.errorPercent) %")
    }

    /// Rainfall on a partly pervious area is conserved: rain = infiltration + runoff + storage.
    @Test(arguments: [Infiltration.horton(maxRate: 76.2, minRate: 12.7, decay: 4, dryTime: 7, maxVolume: 0),
                      .modifiedHorton(maxRate: 76.2, minRate: 12.7, decay: 4, dryTime: 7, maxVolume: 0),
                      .greenAmpt(suction: 100, conductivity: 10, initialDeficit: 0.3),
                      .modifiedGreenAmpt(suction: 100, conductivity: 10, initialDeficit: 0.3),
                      .curveNumber(cn: 80, conductivity: 0, dryTime: 7)])
    func continuityHoldsForEveryInfiltrationModel(_ infil: Infiltration) throws {
        var r = try RunoffModel(model: Self.plane(imperv: 0.4, rainInPerHour: 1.5, rainHours: 2, hours: 12, infiltration: infil))
        r.run()
        let c = r.continuity
        #expect(c.rainfall > 0 && c.infiltration > 0 && c.runoff > 0)
        #expect(abs(c.errorPercent) < 0.05, "\(infil): error \(c.errorPercent) %")
    }

    /// Monthly rainfall adjustments multiply the gage's rainfall.
    @Test func rainfallAdjustmentScalesPrecipitation() throws {
        var base = try RunoffModel(model: Self.plane(imperv: 1, rainInPerHour: 1, rainHours: 1, hours: 2))
        base.run()
        var m = Self.plane(imperv: 1, rainInPerHour: 1, rainHours: 1, hours: 2)
        m.stormwater!.adjustments.rainfall = [Double](repeating: 1, count: 12)
        m.stormwater!.adjustments.rainfall[0] = 1.5   // January
        var adjusted = try RunoffModel(model: m)
        adjusted.run()
        let p0 = base.statistics[0].stats.precipitation, p1 = adjusted.statistics[0].stats.precipitation
        #expect(abs(p0 - 1) < 1e-12 && abs(p1 - 1.5) < 1e-12, "\(p0) in, \(p1) in")
    }

    /// Inputs SWMM would simulate and this engine does not are refused, never ignored.
    @Test func unsimulatedInputsAreRefused() throws {
        var m = Self.plane(imperv: 1, rainInPerHour: 1, rainHours: 1, hours: 2)
        m.stormwater!.rdiiInflows = [RDIIInflow(node: "O1", unitHydrograph: "UH", sewershedArea: 1000)]
        #expect(throws: SimulationInputError.self) { try SWMMRun.checkSupported(m) }
        m.stormwater!.options.ignoreRDII = true
        try SWMMRun.checkSupported(m)
        m.stormwater!.lidUsage = [LIDUsage(subcatchment: "S1", control: "L", count: 1, unitArea: 10, unitWidth: 1,
                                           initialSaturation: 0, fromImpervious: 0.5)]
        #expect(throws: SimulationInputError.self) { try RunoffModel(model: m) }
    }
}
