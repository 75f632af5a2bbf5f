// Facilities and rules of a SWMM-compatible stormwater simulation: LID controls and their placement,
// control rules, per-element SWMM details (losses, dividers, weir and outlet options), transects,
// streets and inlets. SI units throughout: lengths m, areas m², rates mm/h, fractions 0…1.

/// A low-impact-development control (SWMM [LID_CONTROLS]): a type and its layers.
public struct LIDControl: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case bioRetentionCell = "BC", rainGarden = "RG", greenRoof = "GR", infiltrationTrench = "IT"
        case permeablePavement = "PP", rainBarrel = "RB", rooftopDisconnection = "RD", vegetativeSwale = "VS"
    }
    /// Surface layer: berm height (mm), vegetation volume fraction, Manning n, surface slope (m/m),
    /// swale side slope (run/rise).
    public struct Surface: Hashable, Codable, Sendable {
        public var bermHeight: Double, vegetationFraction: Double, roughness: Double, slope: Double, sideSlope: Double
        public init(bermHeight: Double, vegetationFraction: Double, roughness: Double, slope: Double, sideSlope: Double) {
            self.bermHeight = bermHeight; self.vegetationFraction = vegetationFraction; self.roughness = roughness
            self.slope = slope; self.sideSlope = sideSlope
        }
    }
    /// Soil layer: thickness (mm), porosity, field capacity, wilting point (volume fractions),
    /// saturated conductivity (mm/h), conductivity slope, suction head (mm).
    public struct Soil: Hashable, Codable, Sendable {
        public var thickness: Double, porosity: Double, fieldCapacity: Double, wiltingPoint: Double
        public var conductivity: Double, conductivitySlope: Double, suction: Double
        public init(thickness: Double, porosity: Double, fieldCapacity: Double, wiltingPoint: Double,
                    conductivity: Double, conductivitySlope: Double, suction: Double) {
            self.thickness = thickness; self.porosity = porosity; self.fieldCapacity = fieldCapacity
            self.wiltingPoint = wiltingPoint; self.conductivity = conductivity; self.conductivitySlope = conductivitySlope
            self.suction = suction
        }
    }
    /// Pavement layer: thickness (mm), void ratio, impervious surface fraction, permeability (mm/h),
    /// clogging factor, regeneration interval (days) and fraction restored.
    public struct Pavement: Hashable, Codable, Sendable {
        public var thickness: Double, voidRatio: Double, imperviousFraction: Double, permeability: Double
        public var cloggingFactor: Double, regenerationDays: Double, regenerationFraction: Double
        public init(thickness: Double, voidRatio: Double, imperviousFraction: Double, permeability: Double,
                    cloggingFactor: Double, regenerationDays: Double = 0, regenerationFraction: Double = 0) {
            self.thickness = thickness; self.voidRatio = voidRatio; self.imperviousFraction = imperviousFraction
            self.permeability = permeability; self.cloggingFactor = cloggingFactor
            self.regenerationDays = regenerationDays; self.regenerationFraction = regenerationFraction
        }
    }
    /// Storage layer: height (mm), void ratio, seepage rate to native soil (mm/h), clogging factor,
    /// and whether a rain barrel is covered.
    public struct Storage: Hashable, Codable, Sendable {
        public var height: Double, voidRatio: Double, seepageRate: Double, cloggingFactor: Double, covered: Bool
        public init(height: Double, voidRatio: Double, seepageRate: Double, cloggingFactor: Double, covered: Bool = true) {
            self.height = height; self.voidRatio = voidRatio; self.seepageRate = seepageRate
            self.cloggingFactor = cloggingFactor; self.covered = covered
        }
    }
    /// Underdrain: q (mm/h) = coefficient · (h − offset)^exponent with h in mm; offset (mm), delay (s),
    /// open and close heads (mm), optional control curve name.
    public struct Drain: Hashable, Codable, Sendable {
        public var coefficient: Double, exponent: Double, offset: Double, delay: Double
        public var openHead: Double, closeHead: Double, controlCurve: String?
        public init(coefficient: Double, exponent: Double, offset: Double, delay: Double, openHead: Double = 0,
                    closeHead: Double = 0, controlCurve: String? = nil) {
            self.coefficient = coefficient; self.exponent = exponent; self.offset = offset; self.delay = delay
            self.openHead = openHead; self.closeHead = closeHead; self.controlCurve = controlCurve
        }
    }
    /// Green-roof drainage mat: thickness (mm), void fraction, Manning n.
    public struct DrainageMat: Hashable, Codable, Sendable {
        public var thickness: Double, voidFraction: Double, roughness: Double
        public init(thickness: Double, voidFraction: Double, roughness: Double) {
            self.thickness = thickness; self.voidFraction = voidFraction; self.roughness = roughness
        }
    }
    public var name: String
    public var kind: Kind
    public var surface: Surface?
    public var soil: Soil?
    public var pavement: Pavement?
    public var storage: Storage?
    public var drain: Drain?
    public var drainageMat: DrainageMat?
    /// Pollutant removal fractions by pollutant (kept, not simulated).
    public var removals: [String: Double] = [:]
    public init(name: String, kind: Kind) { self.name = name; self.kind = kind }
}

/// Placement of LID units in a subcatchment (SWMM [LID_USAGE]).
public struct LIDUsage: Hashable, Codable, Sendable {
    public var subcatchment: String
    public var control: String
    /// Number of identical units.
    public var count: Int
    /// Area of each unit (m²).
    public var unitArea: Double
    /// Surface width of each unit's outflow face (m).
    public var unitWidth: Double
    /// Initial saturation of soil and storage, 0…1.
    public var initialSaturation: Double
    /// Fractions (0…1) of the impervious and pervious runoff treated by the units.
    public var fromImpervious: Double, fromPervious: Double
    /// Surface outflow returns onto the pervious area instead of the outlet.
    public var toPervious: Bool
    /// Report file name for this usage, if any.
    public var reportFile: String?
    /// Underdrain outflow destination (node or subcatchment), nil for the subcatchment's outlet.
    public var drainTo: String?
    public init(subcatchment: String, control: String, count: Int, unitArea: Double, unitWidth: Double,
                initialSaturation: Double, fromImpervious: Double, fromPervious: Double = 0, toPervious: Bool = false,
                reportFile: String? = nil, drainTo: String? = nil) {
        self.subcatchment = subcatchment; self.control = control; self.count = count; self.unitArea = unitArea
        self.unitWidth = unitWidth; self.initialSaturation = initialSaturation; self.fromImpervious = fromImpervious
        self.fromPervious = fromPervious; self.toPervious = toPervious; self.reportFile = reportFile; self.drainTo = drainTo
    }
    /// Total area of the placed units (m²).
    public var totalArea: Double { Double(count) * unitArea }
}

/// The [CONTROLS] section as written: one entry per non-empty, non-comment line, with its line number
/// in the file, so that the rule parser can report errors where they are. Values in the rules keep
/// the file's units; `units` says how to convert them.
public struct ControlRules: Hashable, Codable, Sendable {
    public struct Line: Hashable, Codable, Sendable {
        public var number: Int
        public var text: String
        public init(number: Int, text: String) { self.number = number; self.text = text }
    }
    /// The file the lines come from (for messages).
    public var file: String = ""
    public var lines: [Line] = []
    public init() {}
    public var isEmpty: Bool { lines.isEmpty }
}

/// Conduit details beyond `ConduitParameters` (SWMM [LOSSES], culvert code of [XSECTIONS]).
public struct ConduitDetails: Hashable, Codable, Sendable {
    /// A flap gate stops reverse flow.
    public var flapGate = false
    /// Seepage loss through the conduit's wetted bottom (mm/h).
    public var seepageRate: Double = 0
    /// FHWA culvert inlet geometry code (1–57), if the conduit is a culvert.
    public var culvertCode: Int?
    public init(flapGate: Bool = false, seepageRate: Double = 0, culvertCode: Int? = nil) {
        self.flapGate = flapGate; self.seepageRate = seepageRate; self.culvertCode = culvertCode
    }
}

/// Storage-unit losses (SWMM [STORAGE] trailing fields).
public struct StorageDetails: Hashable, Codable, Sendable {
    /// Fraction of potential evaporation realised over the water surface.
    public var evaporationFactor: Double = 0
    /// Green-Ampt exfiltration through bottom and sides: suction head (mm), conductivity (mm/h),
    /// initial moisture deficit; nil for none.
    public var seepageSuction: Double?, seepageConductivity: Double?, seepageInitialDeficit: Double?
    public init(evaporationFactor: Double = 0, seepageSuction: Double? = nil, seepageConductivity: Double? = nil,
                seepageInitialDeficit: Double? = nil) {
        self.evaporationFactor = evaporationFactor; self.seepageSuction = seepageSuction
        self.seepageConductivity = seepageConductivity; self.seepageInitialDeficit = seepageInitialDeficit
    }
}

/// Outfall details beyond the boundary condition.
public struct OutfallDetails: Hashable, Codable, Sendable {
    /// A tidal curve (stage against hour of day), for a TIDAL outfall.
    public var tidalCurve: String?
    /// A subcatchment that receives the outfall's discharge as run-on.
    public var routeTo: String?
    public init(tidalCurve: String? = nil, routeTo: String? = nil) { self.tidalCurve = tidalCurve; self.routeTo = routeTo }
}

/// A flow divider node (SWMM [DIVIDERS]); the node's elevations are in the `DrainageNode`.
public struct FlowDivider: Hashable, Codable, Sendable {
    public enum Rule: Hashable, Codable, Sendable {
        /// All inflow above `flow` (m³/s) is diverted.
        case cutoff(flow: Double)
        /// Inflow beyond the non-diverted conduit's full capacity is diverted.
        case overflow
        /// Diverted flow from a diversion curve (by name).
        case tabular(curve: String)
        /// Weir: minimum flow (m³/s) for diversion, maximum depth (m), coefficient (as written).
        case weir(minFlow: Double, maxDepth: Double, coefficient: Double)
    }
    /// The link that receives the diverted flow.
    public var divertedLink: String
    public var rule: Rule
    public init(divertedLink: String, rule: Rule) { self.divertedLink = divertedLink; self.rule = rule }
}

/// Weir details beyond `WeirParameters` (SWMM 5.2 [WEIRS] trailing fields).
public struct WeirDetails: Hashable, Codable, Sendable {
    /// Discharge coefficient of the triangular ends of a trapezoidal weir (SI, as `WeirParameters`).
    public var endCoefficient: Double = 0
    /// Whether the weir may surcharge (behave as an orifice when submerged).
    public var canSurcharge = true
    /// Roadway weirs: road width (m) and surface (PAVED or GRAVEL).
    public var roadWidth: Double?, roadSurface: String?
    /// A curve of discharge coefficient against head, overriding the constant one.
    public var coefficientCurve: String?
    public init(endCoefficient: Double = 0, canSurcharge: Bool = true, roadWidth: Double? = nil, roadSurface: String? = nil,
                coefficientCurve: String? = nil) {
        self.endCoefficient = endCoefficient; self.canSurcharge = canSurcharge; self.roadWidth = roadWidth
        self.roadSurface = roadSurface; self.coefficientCurve = coefficientCurve
    }
}

/// Outlet rating details: whether the rating uses the inlet node's depth above the offset or the head
/// difference across the outlet (SWMM FUNCTIONAL/DEPTH, FUNCTIONAL/HEAD, TABULAR/DEPTH, TABULAR/HEAD).
public struct OutletDetails: Hashable, Codable, Sendable {
    public var ratingUsesHead: Bool
    public init(ratingUsesHead: Bool) { self.ratingUsesHead = ratingUsesHead }
}

/// An irregular channel cross-section (SWMM [TRANSECTS], HEC-2 format), in metres.
public struct Transect: Hashable, Codable, Sendable {
    public var name: String
    /// Manning n of the left overbank, right overbank and main channel.
    public var nLeft: Double, nRight: Double, nChannel: Double
    /// Station (m) and elevation (m) pairs across the section.
    public var stations: [Double] = [], elevations: [Double] = []
    /// Stations of the left and right bank (m).
    public var leftBank: Double = 0, rightBank: Double = 0
    /// Station and elevation modifiers and the meander factor.
    public var stationFactor: Double = 0, elevationOffset: Double = 0, meander: Double = 0
    public init(name: String, nLeft: Double, nRight: Double, nChannel: Double) {
        self.name = name; self.nLeft = nLeft; self.nRight = nRight; self.nChannel = nChannel
    }
}

/// A street cross-section (SWMM 5.2 [STREETS]), in metres.
public struct StreetSection: Hashable, Codable, Sendable {
    public var name: String
    /// Distance from curb to crown (m), curb height (m), cross slope (m/m), Manning n of the road.
    public var crownWidth: Double, curbHeight: Double, crossSlope: Double, roughness: Double
    /// Gutter depression (m) and gutter width (m).
    public var gutterDepression: Double, gutterWidth: Double
    /// 1 or 2 sides.
    public var sides: Int
    /// Backing width (m), slope (m/m) and Manning n.
    public var backingWidth: Double, backingSlope: Double, backingRoughness: Double
    public init(name: String, crownWidth: Double, curbHeight: Double, crossSlope: Double, roughness: Double,
                gutterDepression: Double, gutterWidth: Double, sides: Int, backingWidth: Double, backingSlope: Double,
                backingRoughness: Double) {
        self.name = name; self.crownWidth = crownWidth; self.curbHeight = curbHeight; self.crossSlope = crossSlope
        self.roughness = roughness; self.gutterDepression = gutterDepression; self.gutterWidth = gutterWidth
        self.sides = sides; self.backingWidth = backingWidth; self.backingSlope = backingSlope
        self.backingRoughness = backingRoughness
    }
}

/// A storm-drain inlet design (SWMM 5.2 [INLETS]); an inlet may combine a grate and a curb opening.
public struct InletDesign: Hashable, Codable, Sendable {
    public enum Part: Hashable, Codable, Sendable {
        /// Grate: length (m), width (m), grate type (P_BAR-50, GENERIC …), open fraction, splash-over velocity (m/s).
        case grate(length: Double, width: Double, type: String, openFraction: Double, splashVelocity: Double)
        /// Curb opening: length (m), height (m), throat angle (HORIZONTAL, INCLINED, VERTICAL).
        case curb(length: Double, height: Double, throat: String)
        /// Slotted drain: length (m), width (m).
        case slotted(length: Double, width: Double)
        /// Drop inlets with a grate or a curb opening.
        case dropGrate(length: Double, width: Double, type: String, openFraction: Double, splashVelocity: Double)
        case dropCurb(length: Double, height: Double)
        /// Custom capture curve (by name).
        case custom(curve: String)
    }
    public var name: String
    public var parts: [Part] = []
    public init(name: String) { self.name = name }
}

/// Placement of inlets on a street conduit (SWMM 5.2 [INLET_USAGE]).
public struct InletUsage: Hashable, Codable, Sendable {
    /// The street conduit the inlets sit on.
    public var link: String
    public var inlet: String
    /// The node that receives the captured flow.
    public var captureNode: String
    public var count: Int
    /// Fraction of the opening that is clogged, 0…1.
    public var cloggedFraction: Double
    /// Capture limit per inlet (m³/s), 0 = none.
    public var flowLimit: Double
    /// Local gutter depression height (m) and width (m).
    public var depressionHeight: Double, depressionWidth: Double
    /// ON_GRADE, ON_SAG or AUTOMATIC.
    public var placement: String
    public init(link: String, inlet: String, captureNode: String, count: Int, cloggedFraction: Double, flowLimit: Double,
                depressionHeight: Double, depressionWidth: Double, placement: String = "AUTOMATIC") {
        self.link = link; self.inlet = inlet; self.captureNode = captureNode; self.count = count
        self.cloggedFraction = cloggedFraction; self.flowLimit = flowLimit; self.depressionHeight = depressionHeight
        self.depressionWidth = depressionWidth; self.placement = placement
    }
}
