import CityModel
import Foundation

/// The layer water balance of one low-impact-development unit, as EPA SWMM 5.2 defines it (Rossman &
/// Huber 2016, *SWMM Reference Manual Vol. III*, ch. 6; Rossman 2010, "Modeling Low Impact Development
/// Alternatives with SWMM", JWMM R236-11). Every quantity is per unit area of the LID unit, in SWMM's
/// internal units: depths in ft, rates in ft/s, moisture as a volume fraction.
///
/// State: surface ponded depth d1, soil moisture θ, storage water level d3 (drainage mat for green
/// roofs), pavement water level d4. Each runoff step evaluates the layer fluxes at the state at the
/// start of the step, each flux limited by the water available and the room left below it, and
/// advances the state with one explicit Euler step (modified Puls with successive approximation for
/// vegetative swales), then clamps it to the layers' physical bounds.
struct LIDProcess: Sendable, Codable {
    enum Kind: Sendable, Codable { case bioCell, rainGarden, greenRoof, trench, pavement, barrel, roofDisconnection, swale }
    struct Surface: Sendable, Codable { var thickness = 0.0, voidFrac = 1.0, roughness = 0.0, slope = 0.0, sideSlope = 0.0, alpha = 0.0 }
    struct Pavement: Sendable, Codable { var thickness = 0.0, voidFrac = 0.0, impervFrac = 0.0, kSat = 0.0, clogFactor = 0.0, regenDays = 0.0, regenDegree = 0.0 }
    struct Soil: Sendable, Codable { var thickness = 0.0, porosity = 0.0, fieldCap = 0.0, wiltPoint = 0.0, kSat = 0.0, kSlope = 0.0, suction = 0.0 }
    struct Storage: Sendable, Codable { var thickness = 0.0, voidFrac = 1.0, kSat = 0.0, clogFactor = 0.0, covered = true }
    /// Underdrain: q (ft/s) = coeff·(h − offset)^expon with h in ft; `delay` in s; open/close heads in ft.
    struct Drain: Sendable, Codable { var coeff = 0.0, expon = 0.0, offset = 0.0, delay = 0.0, hOpen = 0.0, hClose = 0.0 }
    struct Mat: Sendable, Codable { var thickness = 0.0, voidFrac = 1.0, roughness = 0.0, alpha = 0.0 }

    var kind: Kind
    var surface = Surface(), pavement = Pavement(), soil = Soil(), storage = Storage(), drain = Drain(), mat = Mat()

    /// Converts a city-model LID control (SI: mm, mm/h, fractions) into SWMM's internal units.
    init(_ c: LIDControl, units u: SWMMUnits) throws {
        func d(_ x: Double) -> Double { u.toInternal(x, .rainDepth) }
        func r(_ x: Double) -> Double { u.toInternal(x, .rainfall) }
        switch c.kind {
        case .bioRetentionCell: kind = .bioCell
        case .rainGarden: kind = .rainGarden
        case .greenRoof: kind = .greenRoof
        case .infiltrationTrench: kind = .trench
        case .permeablePavement: kind = .pavement
        case .rainBarrel: kind = .barrel
        case .rooftopDisconnection: kind = .roofDisconnection
        case .vegetativeSwale: kind = .swale
        }
        func need(_ present: Bool, _ layer: String) throws {
            if !present { throw SimulationInputError("LID control '\(c.name)' (\(c.kind.rawValue)) lacks its \(layer) layer") }
        }
        if let s = c.surface {
            surface.thickness = d(s.bermHeight); surface.voidFrac = 1 - s.vegetationFraction
            surface.roughness = s.roughness; surface.slope = s.slope; surface.sideSlope = s.sideSlope
            if s.roughness > 0 { surface.alpha = 1.49 * s.slope.squareRoot() / s.roughness }
        }
        if let p = c.pavement {
            pavement.thickness = d(p.thickness); pavement.voidFrac = p.voidRatio / (1 + p.voidRatio)
            pavement.impervFrac = p.imperviousFraction; pavement.kSat = r(p.permeability)
            // Clogging factor: the number of pavement void volumes treated until fully clogged → a depth (ft).
            pavement.clogFactor = p.cloggingFactor * pavement.thickness * pavement.voidFrac * (1 - p.imperviousFraction)
            pavement.regenDays = p.regenerationDays; pavement.regenDegree = p.regenerationFraction
        }
        if let s = c.soil {
            soil = Soil(thickness: d(s.thickness), porosity: s.porosity, fieldCap: s.fieldCapacity, wiltPoint: s.wiltingPoint,
                        kSat: r(s.conductivity), kSlope: s.conductivitySlope, suction: d(s.suction))
        }
        if let s = c.storage {
            storage.thickness = d(s.height); storage.voidFrac = s.voidRatio / (1 + s.voidRatio)
            storage.kSat = r(s.seepageRate); storage.covered = s.covered
            storage.clogFactor = s.cloggingFactor * storage.thickness * storage.voidFrac
            if kind == .barrel { storage.voidFrac = 1 }
        }
        if let dr = c.drain {
            // City model: q (mm/h) = C·h(mm)^η. Internal: q (ft/s) = C·(304.8·h_ft)^η / 1 097 280.
            drain = Drain(coeff: dr.coefficient * pow(304.8, dr.exponent) / 1_097_280, expon: dr.exponent,
                          offset: d(dr.offset), delay: dr.delay, hOpen: d(dr.openHead), hClose: d(dr.closeHead))
        }
        if let m = c.drainageMat {
            mat = Mat(thickness: d(m.thickness), voidFrac: m.voidFraction, roughness: m.roughness,
                      alpha: m.roughness > 0 ? 1.49 * surface.slope.squareRoot() / m.roughness : 0)
        }
        switch kind {
        case .bioCell: try need(c.surface != nil, "surface"); try need(c.soil != nil, "soil"); try need(c.storage != nil, "storage")
        case .rainGarden, .greenRoof: try need(c.surface != nil, "surface"); try need(c.soil != nil, "soil")
            if kind == .greenRoof { try need(c.drainageMat != nil, "drainage mat") }
        case .trench: try need(c.surface != nil, "surface"); try need(c.storage != nil, "storage")
        case .pavement: try need(c.surface != nil, "surface"); try need(c.pavement != nil, "pavement"); try need(c.storage != nil, "storage")
        case .barrel: try need(c.storage != nil, "storage")
        case .roofDisconnection, .swale: try need(c.surface != nil, "surface")
        }
        // A green roof's drainage mat plays the storage layer; nothing seeps out of it.
        if kind == .greenRoof { storage = Storage(thickness: mat.thickness, voidFrac: mat.voidFrac, kSat: 0, clogFactor: 0, covered: true) }
        // A rain barrel's storage has no native-soil exfiltration.
        if kind == .barrel { storage.kSat = 0 }
    }

    var hasSoil: Bool { soil.thickness > 0 }
    var hasStorage: Bool { storage.thickness > 0 }
    var hasPavement: Bool { pavement.thickness > 0 }
}

/// Fluxes of one LID unit over a step (ft/s per unit area).
struct LIDFluxes: Sendable {
    var surfaceInflow = 0.0, surfaceEvap = 0.0, surfaceInfil = 0.0, surfaceOutflow = 0.0
    var paveEvap = 0.0, pavePerc = 0.0
    var soilEvap = 0.0, soilPerc = 0.0
    var storageInflow = 0.0, storageEvap = 0.0, storageExfil = 0.0, storageDrain = 0.0
    /// Water sent straight to native soil by a unit without a storage layer (ft/s).
    var soilExfil = 0.0
    var evaporation: Double { surfaceEvap + paveEvap + soilEvap + storageEvap }
    var infiltration: Double { storageExfil + soilExfil }
}

/// Layer state of one LID unit (ft, fraction) and its running totals.
struct LIDState: Sendable, Codable {
    var d1 = 0.0, theta = 0.0, d3 = 0.0, d4 = 0.0
    /// Cumulative inflow depth treated (ft): drives pavement and storage clogging.
    var volTreated = 0.0, inflowTotal = 0.0
    /// Seconds since the last rainfall (rain-barrel drain delay).
    var dryTime = 0.0
    /// Drain flow of the previous step (ft/s): whether the drain is open for the open/close levels.
    var oldDrain = 0.0
    /// Modified Green-Ampt infiltration from the surface into the soil layer.
    var soilInfil: InfiltrationState.GreenAmpt?
}

extension LIDProcess {
    /// Water held per unit area (ft) in the state `s`.
    func storedDepth(_ s: LIDState) -> Double {
        var v = s.d1 * surface.voidFrac + s.theta * soil.thickness + s.d3 * storage.voidFrac
        if hasPavement { v += s.d4 * pavement.voidFrac * (1 - pavement.impervFrac) }
        return v
    }

    /// Initial state for an initial saturation `sat` (0…1) of soil and storage.
    func initialState(saturation sat: Double) -> LIDState {
        var s = LIDState()
        if hasSoil { s.theta = soil.wiltPoint + sat * (soil.porosity - soil.wiltPoint) }
        if hasStorage { s.d3 = sat * storage.thickness }
        if hasPavement { s.d4 = sat * pavement.thickness }
        s.dryTime = 1e10
        if hasSoil && (kind == .bioCell || kind == .rainGarden || kind == .greenRoof) {
            var g = InfiltrationState.GreenAmpt(suction: soil.suction, ks: soil.kSat,
                                                 imdMax: max(soil.porosity - s.theta, 0), modified: true)
            g.imd = max(soil.porosity - s.theta, 0)
            s.soilInfil = g
        }
        return s
    }

    /// Soil percolation rate (ft/s) at moisture θ: Ks·exp(−HCO·(φ − θ)) above field capacity.
    func soilPerc(_ theta: Double) -> Double {
        guard theta > soil.fieldCap else { return 0 }
        return soil.kSat * exp(-soil.kSlope * (soil.porosity - theta))
    }

    /// Exfiltration from the storage layer to native soil (ft/s), reduced by clogging.
    func storageExfil(_ s: LIDState) -> Double {
        var k = storage.kSat
        if storage.clogFactor > 0 { k *= 1 - min(s.inflowTotal / storage.clogFactor, 1) }
        return k
    }

    /// Underdrain flow (ft/s) at the state `s`; head is the storage level, plus the soil water above field
    /// capacity and the pavement and surface water once the layers below are full.
    func drainRate(_ s: LIDState, dt: Double) -> Double {
        guard drain.coeff > 0 || kind == .roofDisconnection else { return 0 }
        if kind == .barrel && s.dryTime < drain.delay { return 0 }
        var head = s.d3
        if hasStorage && s.d3 >= storage.thickness {
            if hasSoil && s.theta > soil.fieldCap {
                head += (s.theta - soil.fieldCap) / (soil.porosity - soil.fieldCap) * soil.thickness
                if s.theta >= soil.porosity { head += hasPavement ? s.d4 : s.d1 }
            } else if !hasSoil && hasPavement { head += s.d4 }
        }
        if drain.hOpen > 0 && s.oldDrain <= 0 && head < drain.hOpen { return 0 }
        if drain.hClose > 0 && head <= drain.hClose { return 0 }
        let h = head - drain.offset
        guard h > 0 else { return 0 }
        return drain.coeff * pow(h, drain.expon)
    }

    /// Surface outflow (ft/s) of water ponded above the berm: Manning flow over the unit's width,
    /// or all of it at once when the surface has no roughness or the unit no width.
    func surfaceOutflow(_ d1: Double, widthPerArea: Double, inflow: Double, dt: Double) -> Double {
        let x = d1 - surface.thickness
        guard x > 0 else { return 0 }
        if surface.alpha <= 0 || widthPerArea <= 0 { return x / dt }
        return min(surface.alpha * pow(x, 5.0 / 3.0) * widthPerArea, x / dt + inflow)
    }
}
