import Foundation

extension LIDProcess {
    /// Advances one LID unit over a runoff step of `dt` s with inflow `i` (ft/s: rain plus captured runoff
    /// over the unit's area) and potential evaporation `evap` (ft/s). `widthPerArea` is the unit's outflow
    /// width over its area (1/ft). Returns the step's fluxes (ft/s); the state is updated in place with one
    /// explicit Euler step and clamped to the layers' bounds. Fluxes are limited from the bottom layer up by
    /// the room left in each layer and from the top down by the water available, as SWMM 5.2 does.
    func step(_ s: inout LIDState, inflow i: Double, evap: Double, dt: Double, widthPerArea: Double) -> LIDFluxes {
        var f = LIDFluxes()
        f.surfaceInflow = i
        s.volTreated += i * dt
        s.inflowTotal += i * dt
        if i > 0 { s.dryTime = 0 } else { s.dryTime += dt }
        let phi1 = max(surface.voidFrac, 1e-6)
        let avail1 = s.d1 * phi1 / dt + i

        // Top-down evaporation.
        var eRem = evap
        if kind != .barrel { f.surfaceEvap = min(eRem, avail1); eRem -= f.surfaceEvap }
        let pervFrac = hasPavement ? 1 - pavement.impervFrac : 1
        let pv = pavement.voidFrac * pervFrac
        if hasPavement && eRem > 0 { f.paveEvap = min(eRem * pervFrac, s.d4 * pv / dt); eRem -= f.paveEvap }
        if hasSoil && eRem > 0 && s.d1 <= 0 { f.soilEvap = min(eRem * pervFrac, max(s.theta - soil.wiltPoint, 0) * soil.thickness / dt); eRem -= f.soilEvap }
        if hasStorage && eRem > 0 && !(kind == .barrel && storage.covered) && kind != .greenRoof {
            f.storageEvap = min(eRem * pervFrac, s.d3 * storage.voidFrac / dt); eRem -= f.storageEvap
        }

        // Storage (or drainage mat): exfiltration and drain from the state at the start of the step.
        var room3 = Double.infinity
        if hasStorage {
            let stored3 = s.d3 * storage.voidFrac / dt
            f.storageExfil = min(storageExfil(s), max(stored3 - f.storageEvap, 0))
            if kind == .greenRoof {
                f.storageDrain = mat.alpha > 0 ? mat.alpha * pow(s.d3, 5.0 / 3.0) * widthPerArea : 0
            } else {
                f.storageDrain = drainRate(s, dt: dt)
            }
            f.storageDrain = min(f.storageDrain, max(stored3 - f.storageEvap - f.storageExfil, 0))
            room3 = (storage.thickness - s.d3) * storage.voidFrac / dt + f.storageExfil + f.storageDrain + f.storageEvap
        }

        // Soil: percolation into storage (or to native soil when there is no storage layer).
        var room2 = Double.infinity
        if hasSoil {
            var perc = min(soilPerc(s.theta), max(s.theta - soil.fieldCap, 0) * soil.thickness / dt)
            if hasStorage { perc = min(perc, room3) }
            if hasStorage { f.soilPerc = perc } else { f.soilPerc = perc; f.soilExfil = perc }
            room2 = (soil.porosity - s.theta) * soil.thickness / dt + perc + f.soilEvap
        }
        let roomBelowPavement = hasSoil ? room2 : room3

        // Surface infiltration into the layer below it.
        switch kind {
        case .pavement:
            var perm = pavement.kSat
            if pavement.clogFactor > 0 { perm *= 1 - min(s.volTreated / pavement.clogFactor, 1) }
            let roomPave = (pavement.thickness - s.d4) * pv / dt + roomBelowPavement + f.paveEvap
            f.surfaceInfil = max(min(avail1 - f.surfaceEvap, perm * pervFrac, roomPave), 0)
            f.pavePerc = max(min(s.d4 * pv / dt + f.surfaceInfil - f.paveEvap, roomBelowPavement), 0)
        case .bioCell, .rainGarden, .greenRoof:
            var g = s.soilInfil!
            let cap = g.rate(dt, i, s.d1 * phi1, 0)
            s.soilInfil = g
            f.surfaceInfil = max(min(cap, avail1 - f.surfaceEvap, room2), 0)
        case .trench:
            f.surfaceInfil = max(min(avail1 - f.surfaceEvap, room3), 0)
        case .barrel:
            f.surfaceInfil = max(min(i, room3), 0)
        case .roofDisconnection, .swale:
            f.surfaceInfil = 0
        }

        // Water reaching the storage layer.
        switch kind {
        case .pavement: f.storageInflow = hasSoil ? f.soilPerc : f.pavePerc
        case .bioCell, .greenRoof: f.storageInflow = f.soilPerc
        case .rainGarden: f.storageInflow = hasStorage ? f.soilPerc : 0
        case .trench, .barrel: f.storageInflow = f.surfaceInfil
        case .roofDisconnection, .swale: f.storageInflow = 0
        }

        // Surface outflow.
        if kind == .barrel {
            f.surfaceOutflow = i - f.surfaceInfil
        } else if kind == .swale {
            f.surfaceOutflow = swaleOutflow(s.d1, widthPerArea: widthPerArea, available: max(avail1 - f.surfaceEvap, 0))
        } else {
            let pond = s.d1 + (i - f.surfaceEvap - f.surfaceInfil) * dt / phi1
            let q = surfaceOutflow(pond, widthPerArea: widthPerArea, inflow: 0, dt: dt)
            f.surfaceOutflow = min(q, max(pond - surface.thickness, 0) * phi1 / dt)
            if kind == .roofDisconnection {
                // A roof: water above its depression storage runs off; the roof drain takes up to its capacity.
                let x = max(pond - surface.thickness, 0)
                let run = surface.alpha > 0 ? min(surface.alpha * pow(x, 5.0 / 3.0) * widthPerArea, x * phi1 / dt) : x * phi1 / dt
                f.storageDrain = min(run, drain.coeff)
                f.surfaceOutflow = run - f.storageDrain
            }
        }

        // Explicit Euler update, then the layers' bounds; water above the berm leaves at once.
        if kind != .barrel {
            s.d1 += (i - f.surfaceEvap - f.surfaceInfil - f.surfaceOutflow - (kind == .roofDisconnection ? f.storageDrain : 0)) * dt / phi1
            if s.d1 < 0 { s.d1 = 0 }
            if kind != .swale && s.d1 > surface.thickness {
                f.surfaceOutflow += (s.d1 - surface.thickness) * phi1 / dt
                s.d1 = surface.thickness
            }
        }
        if hasPavement && pv > 0 {
            s.d4 += (f.surfaceInfil - f.paveEvap - f.pavePerc) * dt / pv
            s.d4 = min(max(s.d4, 0), pavement.thickness)
        }
        if hasSoil {
            let into = kind == .pavement ? f.pavePerc : f.surfaceInfil
            s.theta += (into - f.soilEvap - f.soilPerc) * dt / soil.thickness
            s.theta = min(max(s.theta, soil.wiltPoint), soil.porosity)
        }
        if hasStorage {
            s.d3 += (f.storageInflow - f.storageEvap - f.storageExfil - f.storageDrain) * dt / storage.voidFrac
            s.d3 = min(max(s.d3, 0), storage.thickness)
        }
        s.oldDrain = f.storageDrain
        return f
    }

    /// Outflow (ft/s per unit area) of a vegetative swale: Manning flow in a trapezoidal channel whose
    /// top width is the unit's width, side slopes `sideSlope` (run/rise) and depth `d`, capped by the water
    /// available over the step.
    func swaleOutflow(_ d: Double, widthPerArea: Double, available: Double) -> Double {
        guard d > 0, surface.roughness > 0, widthPerArea > 0 else { return 0 }
        // Width over area = 1/L (L: swale length), so area per unit length = 1/widthPerArea·topWidth… use
        // the unit's length L = 1/widthPerArea with a rectangular-equivalent channel of unit width per L.
        let ss = surface.sideSlope
        let a = d * (1 + ss * d)                      // flow area per ft of bottom width (ft²)
        let p = 1 + 2 * d * (1 + ss * ss).squareRoot()  // wetted perimeter per ft of bottom width (ft)
        let q = 1.49 / surface.roughness * surface.slope.squareRoot() * a * pow(a / p, 2.0 / 3.0)
        return min(q * widthPerArea, available)
    }
}
