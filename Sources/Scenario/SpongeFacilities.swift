import CityModel

/// The sponge-city facility types a scene can place (`interventions.sponge`), each a SWMM LID
/// control with design values typical of Chinese practice (海绵城市建设技术指南, 2014, §4.3 and
/// Table 4-4; layer thicknesses from the SWMM 5 LID guidance, Rossman & Huber 2016, Vol. III).
public enum SpongeType: String, CaseIterable, Sendable, Codable {
    case bioRetention = "bio_retention"
    case permeablePavement = "permeable_pavement"
    case greenRoof = "green_roof"
    case rainBarrel = "rain_barrel"
    case infiltrationTrench = "infiltration_trench"

    /// Name in tables ("bio-retention").
    public var label: String {
        switch self {
        case .bioRetention: "bio-retention"
        case .permeablePavement: "permeable pavement"
        case .greenRoof: "green roof"
        case .rainBarrel: "rain barrels and cisterns"
        case .infiltrationTrench: "infiltration trenches"
        }
    }

    /// True for facilities built on impervious surface (pavement over paving, roofs); their area
    /// leaves the subcatchment's impervious area. The others are built on open ground and take the
    /// runoff of a contributing impervious area.
    public var replacesImpervious: Bool { self == .permeablePavement || self == .greenRoof || self == .rainBarrel }

    /// Contributing impervious area per m² of facility (the loading ratio): the runoff of this much
    /// impervious area is routed onto the facility (bio-retention 1:15, trench 1:10, a cistern of
    /// 1 m² footprint takes 40 m² of roof); 0 for facilities that treat only the rain on themselves.
    public var loadingRatio: Double {
        switch self {
        case .bioRetention: 15
        case .infiltrationTrench: 10
        case .rainBarrel: 40
        case .permeablePavement, .greenRoof: 0
        }
    }

    /// The LID control (SI: mm, mm/h, fractions) named after the type.
    public var control: LIDControl {
        var c: LIDControl
        switch self {
        case .bioRetention:
            // 200 mm ponding, 600 mm planting soil, 300 mm gravel with a raised underdrain.
            c = LIDControl(name: "SPONGE_BC", kind: .bioRetentionCell)
            c.surface = .init(bermHeight: 200, vegetationFraction: 0.1, roughness: 0.1, slope: 0, sideSlope: 0)
            c.soil = .init(thickness: 600, porosity: 0.45, fieldCapacity: 0.2, wiltingPoint: 0.1,
                           conductivity: 50, conductivitySlope: 10, suction: 90)
            c.storage = .init(height: 300, voidRatio: 0.75, seepageRate: 3, cloggingFactor: 0)
            c.drain = .init(coefficient: 1.5, exponent: 0.5, offset: 150, delay: 6 * 3600)
        case .permeablePavement:
            // 80 mm permeable block, 300 mm gravel base, underdrain near the top of the base.
            c = LIDControl(name: "SPONGE_PP", kind: .permeablePavement)
            c.surface = .init(bermHeight: 0, vegetationFraction: 0, roughness: 0.015, slope: 0.01, sideSlope: 0)
            c.pavement = .init(thickness: 80, voidRatio: 0.15, imperviousFraction: 0, permeability: 360, cloggingFactor: 0)
            c.storage = .init(height: 300, voidRatio: 0.75, seepageRate: 3, cloggingFactor: 0)
            c.drain = .init(coefficient: 2, exponent: 0.5, offset: 200, delay: 6 * 3600)
        case .greenRoof:
            // Extensive roof: 150 mm substrate over a 25 mm drainage mat.
            c = LIDControl(name: "SPONGE_GR", kind: .greenRoof)
            c.surface = .init(bermHeight: 30, vegetationFraction: 0.1, roughness: 0.13, slope: 0.02, sideSlope: 0)
            c.soil = .init(thickness: 150, porosity: 0.5, fieldCapacity: 0.3, wiltingPoint: 0.1,
                           conductivity: 120, conductivitySlope: 10, suction: 80)
            c.drainageMat = .init(thickness: 25, voidFraction: 0.5, roughness: 0.1)
        case .rainBarrel:
            // A covered 1.5 m cistern, emptied (for reuse or slowly to the sewer) from 24 h after rain.
            c = LIDControl(name: "SPONGE_RB", kind: .rainBarrel)
            c.storage = .init(height: 1500, voidRatio: 0.75, seepageRate: 0, cloggingFactor: 0, covered: true)
            c.drain = .init(coefficient: 1, exponent: 0.5, offset: 0, delay: 24 * 3600)
        case .infiltrationTrench:
            // 900 mm of gravel, 100 mm ponding, no underdrain: all seeps into the native soil.
            c = LIDControl(name: "SPONGE_IT", kind: .infiltrationTrench)
            c.surface = .init(bermHeight: 100, vegetationFraction: 0, roughness: 0.1, slope: 0, sideSlope: 0)
            c.storage = .init(height: 900, voidRatio: 0.75, seepageRate: 5, cloggingFactor: 0)
            c.drain = .init(coefficient: 0, exponent: 0.5, offset: 0, delay: 0)
        }
        return c
    }
}

/// A sponge facility placed on one subcatchment: its type and area (m²), and where in the scene
/// file it was asked for.
public struct SpongePlacement: Hashable, Sendable {
    public var type: SpongeType
    /// The subcatchment it lies in and the parcel named (nil when placed by subcatchment).
    public var subcatchment: String
    public var parcel: String?
    /// Facility area (m², > 0).
    public var area: Double
    /// Scene file line of the placing entry.
    public var line: Int?
    public init(type: SpongeType, subcatchment: String, parcel: String?, area: Double, line: Int?) {
        self.type = type; self.subcatchment = subcatchment; self.parcel = parcel; self.area = area; self.line = line
    }
}
