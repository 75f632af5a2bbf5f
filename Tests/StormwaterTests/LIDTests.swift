import CityModel
import Foundation
import Testing
@testable import Stormwater

/// LID unit water balances (SWMM 5.2 LID layers, US units: in, in/h in the control, ft and ft/s inside).
struct LIDTests {
    let us = SWMMUnits(flowUnits: .cfs)

    /// A rain barrel fills with the inflow, holds it while it rains and for the drain delay, then empties
    /// through its drain q = C·(h − Hd)^η; the volume drained equals the volume that entered.
    @Test func rainBarrelFillsAndDrains() throws {
        var c = LIDControl(name: "RB", kind: .rainBarrel)
        // 36 in barrel; drain C = 1 in/h per in^0.5, η = 0.5, no offset, 6 h delay (SI as the reader stores it).
        c.storage = .init(height: 36 * 25.4, voidRatio: 0, seepageRate: 0, cloggingFactor: 0)
        c.drain = .init(coefficient: 1 * pow(25.4, 0.5), exponent: 0.5, offset: 0, delay: 6 * 3600)
        let p = try LIDProcess(c, units: us)
        var s = p.initialState(saturation: 0)
        s.dryTime = 0
        let dt = 60.0, rain = 1.0 / 43_200   // 1 in/h
        var inflow = 0.0, drained = 0.0, overflow = 0.0
        for _ in 0..<120 {   // 2 h of rain: 2 in into the barrel
            let f = p.step(&s, inflow: rain, evap: 0, dt: dt, widthPerArea: 0)
            inflow += rain * dt; drained += f.storageDrain * dt; overflow += f.surfaceOutflow * dt
        }
        #expect(abs(s.d3 - 2.0 / 12) < 1e-9, "barrel holds the 2 in of rain: \(s.d3 * 12) in")
        #expect(drained == 0, "drain stays shut while it rains")
        var firstDrainStep = -1
        for k in 0..<(48 * 60) {
            let f = p.step(&s, inflow: 0, evap: 0, dt: dt, widthPerArea: 0)
            if f.storageDrain > 0 && firstDrainStep < 0 {
                firstDrainStep = k
                // Drain equation at the level at the start of the step.
                let h = (s.d3 + f.storageDrain * dt) * 12
                #expect(abs(f.storageDrain * 43_200 - 1 * pow(h, 0.5)) < 1e-9)
            }
            drained += f.storageDrain * dt; overflow += f.surfaceOutflow * dt
        }
        #expect(abs(Double(firstDrainStep) * dt - 6 * 3600) <= dt, "drain opens after the 6 h delay")
        #expect(s.d3 < 1e-3 / 12, "barrel empty after two days: \(s.d3 * 12) in")
        #expect(abs(inflow - drained - overflow - s.d3) < 1e-12, "barrel balance closes")
    }

    /// A bio-retention cell's layers (surface, soil, storage, drain) conserve water over a storm and its
    /// drainage: inflow = evaporation + exfiltration + surface outflow + drain + change in storage.
    @Test func bioRetentionBalanceCloses() throws {
        var c = LIDControl(name: "BC", kind: .bioRetentionCell)
        let mm = 25.4
        c.surface = .init(bermHeight: 6 * mm, vegetationFraction: 0.1, roughness: 0.1, slope: 0.01, sideSlope: 0)
        c.soil = .init(thickness: 18 * mm, porosity: 0.5, fieldCapacity: 0.2, wiltingPoint: 0.1,
                       conductivity: 0.5 * mm, conductivitySlope: 10, suction: 3.5 * mm)
        c.storage = .init(height: 12 * mm, voidRatio: 0.75, seepageRate: 0.1 * mm, cloggingFactor: 0)
        c.drain = .init(coefficient: 0.5 * pow(mm, 0.5), exponent: 0.5, offset: 3 * mm, delay: 0)
        let p = try LIDProcess(c, units: us)
        var s = p.initialState(saturation: 0.2)
        let v0 = p.storedDepth(s)
        var vin = 0.0, vout = 0.0, drain = 0.0, exfil = 0.0, surf = 0.0
        let dt = 300.0
        for k in 0..<(72 * 12) {
            let i = k < 36 ? 2.0 / 43_200 : 0   // 3 h at 2 in/h: ponds, overflows, percolates
            let f = p.step(&s, inflow: i, evap: 0.1 / 43_200, dt: dt, widthPerArea: 1.0 / 50)
            vin += i * dt
            vout += (f.evaporation + f.infiltration + f.surfaceOutflow + f.storageDrain) * dt
            drain += f.storageDrain * dt; exfil += f.infiltration * dt; surf += f.surfaceOutflow * dt
            #expect(s.theta >= 0.1 - 1e-12 && s.theta <= 0.5 + 1e-12)
            #expect(s.d1 <= 6.0 / 12 + 1e-12 && s.d3 <= 1.0 + 1e-12)
        }
        let err = vin + v0 - vout - p.storedDepth(s)
        #expect(abs(err) < 1e-6 * vin, "balance error \(err * 12) in of \(vin * 12) in")
        #expect(drain > 0 && exfil > 0, "water leaves through the drain and to native soil")
    }

    /// Permeable pavement: clogging reduces the pavement permeability with the volume treated.
    @Test func pavementClogs() throws {
        var c = LIDControl(name: "PP", kind: .permeablePavement)
        c.surface = .init(bermHeight: 0, vegetationFraction: 0, roughness: 0.013, slope: 0.01, sideSlope: 0)
        c.pavement = .init(thickness: 6 * 25.4, voidRatio: 0.15, imperviousFraction: 0, permeability: 1 * 25.4, cloggingFactor: 1)
        c.storage = .init(height: 100 * 25.4, voidRatio: 0.75, seepageRate: 0, cloggingFactor: 0)
        let p = try LIDProcess(c, units: us)
        var s = p.initialState(saturation: 0)
        // Clogging depth: one pavement void volume, 6 in · 0.15/1.15.
        let clog = 6.0 / 12 * 0.15 / 1.15
        var lastInfil = Double.infinity
        for _ in 0..<200 {
            let f = p.step(&s, inflow: 2.0 / 43_200, evap: 0, dt: 60, widthPerArea: 0.1)
            #expect(f.surfaceInfil <= lastInfil + 1e-15)
            lastInfil = f.surfaceInfil
        }
        #expect(s.volTreated > clog && lastInfil == 0, "fully clogged after one void volume treated")
    }
}
