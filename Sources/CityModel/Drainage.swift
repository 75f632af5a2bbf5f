import Geometry

/// The kind of a drainage node (SWMM's node types).
public enum DrainageNodeKind: String, Codable, Sendable, CaseIterable {
    case junction, storage, outfall, divider
}

/// How a storage unit's surface area varies with depth.
public enum StorageShape: Hashable, Codable, Sendable {
    /// Area (m²) = a·depth^b + c, depth in m (SWMM's FUNCTIONAL curve in SI units).
    case functional(a: Double, b: Double, c: Double)
    /// Area (m²) against depth (m), interpolated linearly (SWMM's TABULAR storage curve).
    case tabular(depths: [Double], areas: [Double])
    /// SWMM 5.2 CYLINDRICAL: an elliptical cylinder with major and minor axes (m).
    case cylindrical(majorAxis: Double, minorAxis: Double)
    /// SWMM 5.2 CONICAL: an elliptical cone frustum with bottom axes (m) and side slope (run/rise).
    case conical(majorAxis: Double, minorAxis: Double, sideSlope: Double)
    /// SWMM 5.2 PARABOLOID: an elliptical paraboloid with top axes (m) at the given height (m).
    case paraboloid(majorAxis: Double, minorAxis: Double, height: Double)
    /// SWMM 5.2 PYRAMIDAL: a rectangular pyramid frustum with bottom length and width (m) and side slope (run/rise).
    case pyramidal(length: Double, width: Double, sideSlope: Double)
}

/// The boundary condition at an outfall.
public enum OutfallBoundary: Hashable, Codable, Sendable {
    /// Critical or normal depth, whichever is less (SWMM FREE).
    case free
    /// Normal depth in the connecting conduit (SWMM NORMAL).
    case normal
    /// A fixed water surface elevation (m).
    case fixed(stage: Double)
    /// A stage time series (by name).
    case timeSeries(name: String)
    /// A tidal curve of stage (m) against hour of the day (by name; SWMM TIDAL).
    case tidal(curve: String)

    enum CodingKeys: String, CodingKey { case free, normal, fixed, timeSeries = "time_series", tidal }
}

/// A drainage node: a manhole or junction, a storage unit, an outfall or a flow divider.
/// Elevations are in metres above the model's datum.
public struct DrainageNode: ModelEntity, Hashable {
    public static let layer = Layer.drainageNodes
    public static let shapeKinds: Set<ShapeKind> = [.point]
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    public static let defaultFields: [String: JSONValue] = ["initial_depth": .number(0), "surcharge_depth": .number(0), "ponded_area": .number(0)]

    public var id: EntityID<DrainageNode>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    public var kind: DrainageNodeKind
    /// Invert (bottom) elevation (m).
    public var invert: Double
    /// Rim (ground or cover) elevation (m); the node floods above it. nil for an outfall with no rim.
    public var rim: Double?
    /// Water depth at the start (m).
    public var initialDepth: Double
    /// Extra depth above the rim that a sealed manhole can hold under pressure (m).
    public var surchargeDepth: Double
    /// Area over which flood water ponds above the rim (m²); 0 means flood water is lost.
    public var pondedArea: Double
    /// Storage units only: area against depth.
    public var storage: StorageShape?
    /// Outfalls only.
    public var outfall: OutfallBoundary?
    /// Outfalls only: a flap gate stops backflow.
    public var flapGate: Bool?
    /// Whether the node exchanges water with the 2D surface (dual drainage).
    public var surfaceCoupled: Bool?

    public init(id: EntityID<DrainageNode>, kind: DrainageNodeKind, position: Coordinate, invert: Double, rim: Double?,
                initialDepth: Double = 0, surchargeDepth: Double = 0, pondedArea: Double = 0) {
        self.id = id; self.kind = kind; self.shape = .point(position); self.invert = invert; self.rim = rim
        self.initialDepth = initialDepth; self.surchargeDepth = surchargeDepth; self.pondedArea = pondedArea
    }

    public var position: Coordinate? { if case .point(let c) = shape { c } else { nil } }
    /// Full depth from invert to rim (m), nil without a rim.
    public var maxDepth: Double? { rim.map { $0 - invert } }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, invert, rim, initialDepth = "initial_depth", surchargeDepth = "surcharge_depth"
        case pondedArea = "ponded_area", storage, outfall, flapGate = "flap_gate", surfaceCoupled = "surface_coupled"
    }
}

/// A conduit or opening cross-section: SWMM's shape names and geometry parameters, in metres.
/// `geom1` is the full height (or diameter); `geom2`…`geom4` depend on the shape as in SWMM
/// (`rectangular_closed`: width; `trapezoidal`: bottom width, left and right side slopes (run/rise); …).
public struct CrossSection: Hashable, Codable, Sendable {
    public enum ShapeName: String, Codable, Sendable, CaseIterable {
        case circular, filledCircular = "filled_circular", rectangularClosed = "rectangular_closed"
        case rectangularOpen = "rectangular_open", trapezoidal, triangular, parabolic, power
        case horizontalEllipse = "horiz_ellipse", verticalEllipse = "vert_ellipse", arch, egg, horseshoe
        case gothic, catenary, semiElliptical = "semi_elliptical", baskethandle, semiCircular = "semi_circular"
        case rectangularTriangular = "rect_triangular", rectangularRound = "rect_round"
        case modifiedBasketHandle = "mod_basket", street = "street", irregular, custom, forceMain = "force_main", dummy
    }
    public var shape: ShapeName
    public var geom1: Double
    public var geom2: Double
    public var geom3: Double
    public var geom4: Double
    /// Number of identical parallel barrels.
    public var barrels: Int
    /// For `irregular`, `custom` and `street`: the name of the transect, shape curve or street section.
    public var curve: String?

    public init(shape: ShapeName, geom1: Double, geom2: Double = 0, geom3: Double = 0, geom4: Double = 0,
                barrels: Int = 1, curve: String? = nil) {
        self.shape = shape; self.geom1 = geom1; self.geom2 = geom2; self.geom3 = geom3; self.geom4 = geom4
        self.barrels = barrels; self.curve = curve
    }

    /// Full height (m).
    public var height: Double { geom1 }
}

/// The kind of a drainage link (SWMM's link types).
public enum DrainageLinkKind: String, Codable, Sendable, CaseIterable {
    case conduit, pump, weir, orifice, outlet
}

/// Parameters of a conduit.
public struct ConduitParameters: Hashable, Codable, Sendable {
    /// Length (m) along the pipe.
    public var length: Double
    /// Manning roughness (s·m^-1/3).
    public var roughness: Double
    /// Entry, exit and average local loss coefficients.
    public var entryLoss: Double, exitLoss: Double, averageLoss: Double
    /// Flow at the start (m³/s) and an optional cap (m³/s).
    public var initialFlow: Double, maxFlow: Double?
    public init(length: Double, roughness: Double, entryLoss: Double = 0, exitLoss: Double = 0, averageLoss: Double = 0,
                initialFlow: Double = 0, maxFlow: Double? = nil) {
        self.length = length; self.roughness = roughness; self.entryLoss = entryLoss; self.exitLoss = exitLoss
        self.averageLoss = averageLoss; self.initialFlow = initialFlow; self.maxFlow = maxFlow
    }

    enum CodingKeys: String, CodingKey {
        case length, roughness, entryLoss = "entry_loss", exitLoss = "exit_loss", averageLoss = "average_loss"
        case initialFlow = "initial_flow", maxFlow = "max_flow"
    }

    /// Loss coefficients and the initial flow default to 0 when a file leaves them out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        length = try c.decode(Double.self, forKey: .length)
        roughness = try c.decode(Double.self, forKey: .roughness)
        entryLoss = try c.decodeIfPresent(Double.self, forKey: .entryLoss) ?? 0
        exitLoss = try c.decodeIfPresent(Double.self, forKey: .exitLoss) ?? 0
        averageLoss = try c.decodeIfPresent(Double.self, forKey: .averageLoss) ?? 0
        initialFlow = try c.decodeIfPresent(Double.self, forKey: .initialFlow) ?? 0
        maxFlow = try c.decodeIfPresent(Double.self, forKey: .maxFlow)
    }
}

/// Parameters of a pump: its curve (SWMM types 1–4, or ideal when nil) and on/off depths (m).
public struct PumpParameters: Hashable, Codable, Sendable {
    public var curve: String?
    public var initiallyOn: Bool
    public var startupDepth: Double, shutoffDepth: Double
    public init(curve: String?, initiallyOn: Bool = true, startupDepth: Double = 0, shutoffDepth: Double = 0) {
        self.curve = curve; self.initiallyOn = initiallyOn; self.startupDepth = startupDepth; self.shutoffDepth = shutoffDepth
    }
    enum CodingKeys: String, CodingKey {
        case curve, initiallyOn = "initially_on", startupDepth = "startup_depth", shutoffDepth = "shutoff_depth"
    }
}

/// Parameters of a weir (SWMM weir types), with a discharge coefficient in SI units.
public struct WeirParameters: Hashable, Codable, Sendable {
    public enum WeirType: String, Codable, Sendable, CaseIterable {
        case transverse, sideflow, vNotch = "v_notch", trapezoidal, roadway
    }
    public var type: WeirType
    /// Crest height above the inlet node's invert (m).
    public var crestHeight: Double
    /// Discharge coefficient (m^0.5/s for rectangular weirs, m^-0.5·m/s per SWMM's SI convention).
    public var dischargeCoefficient: Double
    public var flapGate: Bool
    public var endContractions: Int
    public init(type: WeirType, crestHeight: Double, dischargeCoefficient: Double, flapGate: Bool = false, endContractions: Int = 0) {
        self.type = type; self.crestHeight = crestHeight; self.dischargeCoefficient = dischargeCoefficient
        self.flapGate = flapGate; self.endContractions = endContractions
    }
    enum CodingKeys: String, CodingKey {
        case type, crestHeight = "crest_height", dischargeCoefficient = "discharge_coefficient"
        case flapGate = "flap_gate", endContractions = "end_contractions"
    }
}

/// Parameters of an orifice.
public struct OrificeParameters: Hashable, Codable, Sendable {
    public enum OrificeType: String, Codable, Sendable, CaseIterable { case side, bottom }
    public var type: OrificeType
    /// Height of the opening's bottom above the inlet node's invert (m).
    public var offset: Double
    public var dischargeCoefficient: Double
    public var flapGate: Bool
    /// Time to open or close fully (s).
    public var openCloseTime: Double
    public init(type: OrificeType, offset: Double, dischargeCoefficient: Double, flapGate: Bool = false, openCloseTime: Double = 0) {
        self.type = type; self.offset = offset; self.dischargeCoefficient = dischargeCoefficient
        self.flapGate = flapGate; self.openCloseTime = openCloseTime
    }
    enum CodingKeys: String, CodingKey {
        case type, offset, dischargeCoefficient = "discharge_coefficient", flapGate = "flap_gate", openCloseTime = "open_close_time"
    }
}

/// Parameters of an outlet: flow from a rating curve or a power function of head.
public struct OutletParameters: Hashable, Codable, Sendable {
    /// Height above the inlet node's invert (m).
    public var offset: Double
    /// A rating-curve name, or nil for the functional form `flow = coefficient · head^exponent`.
    public var curve: String?
    public var coefficient: Double?, exponent: Double?
    public var flapGate: Bool
    public init(offset: Double, curve: String? = nil, coefficient: Double? = nil, exponent: Double? = nil, flapGate: Bool = false) {
        self.offset = offset; self.curve = curve; self.coefficient = coefficient; self.exponent = exponent; self.flapGate = flapGate
    }
    enum CodingKeys: String, CodingKey { case offset, curve, coefficient, exponent, flapGate = "flap_gate" }
}

/// A drainage link from one node to another. Conduits carry a cross-section and conduit parameters;
/// the other kinds carry theirs. Offsets are heights of the link's ends above the node inverts (m).
public struct DrainageLink: ModelEntity, Hashable {
    public static let layer = Layer.drainageLinks
    public static let shapeKinds: Set<ShapeKind> = [.lineString]
    public static var shapeRequired: Bool { false }
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    public static let defaultFields: [String: JSONValue] = ["inlet_offset": .number(0), "outlet_offset": .number(0)]

    public var id: EntityID<DrainageLink>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    public var kind: DrainageLinkKind
    public var from: EntityID<DrainageNode>
    public var to: EntityID<DrainageNode>
    public var inletOffset: Double
    public var outletOffset: Double
    public var crossSection: CrossSection?
    public var conduit: ConduitParameters?
    public var pump: PumpParameters?
    public var weir: WeirParameters?
    public var orifice: OrificeParameters?
    public var outlet: OutletParameters?

    public init(id: EntityID<DrainageLink>, kind: DrainageLinkKind, from: EntityID<DrainageNode>, to: EntityID<DrainageNode>,
                shape: Polyline? = nil, inletOffset: Double = 0, outletOffset: Double = 0) {
        self.id = id; self.kind = kind; self.from = from; self.to = to; self.shape = shape.map(Shape.lineString)
        self.inletOffset = inletOffset; self.outletOffset = outletOffset
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, from, to, inletOffset = "inlet_offset", outletOffset = "outlet_offset"
        case crossSection = "cross_section", conduit, pump, weir, orifice, outlet
    }
}

/// Infiltration parameters of a subcatchment's pervious area, by model (SI units).
public enum Infiltration: Hashable, Codable, Sendable {
    /// Horton: maximum and minimum rates (mm/h), decay constant (1/h), drying time (days), max volume (mm, 0 = none).
    case horton(maxRate: Double, minRate: Double, decay: Double, dryTime: Double, maxVolume: Double)
    /// Modified Horton, same parameters.
    case modifiedHorton(maxRate: Double, minRate: Double, decay: Double, dryTime: Double, maxVolume: Double)
    /// Green-Ampt: suction head (mm), saturated conductivity (mm/h), initial moisture deficit (fraction).
    case greenAmpt(suction: Double, conductivity: Double, initialDeficit: Double)
    /// Modified Green-Ampt, same parameters.
    case modifiedGreenAmpt(suction: Double, conductivity: Double, initialDeficit: Double)
    /// SCS curve number, with the (obsolete, kept for SWMM files) conductivity (mm/h) and drying time (days).
    case curveNumber(cn: Double, conductivity: Double, dryTime: Double)

    enum HortonCodingKeys: String, CodingKey {
        case maxRate = "max_rate", minRate = "min_rate", decay, dryTime = "dry_time", maxVolume = "max_volume"
    }
    enum ModifiedHortonCodingKeys: String, CodingKey {
        case maxRate = "max_rate", minRate = "min_rate", decay, dryTime = "dry_time", maxVolume = "max_volume"
    }
    enum GreenAmptCodingKeys: String, CodingKey { case suction, conductivity, initialDeficit = "initial_deficit" }
    enum ModifiedGreenAmptCodingKeys: String, CodingKey { case suction, conductivity, initialDeficit = "initial_deficit" }
    enum CurveNumberCodingKeys: String, CodingKey { case cn, conductivity, dryTime = "dry_time" }
    enum CodingKeys: String, CodingKey {
        case horton, modifiedHorton = "modified_horton", greenAmpt = "green_ampt"
        case modifiedGreenAmpt = "modified_green_ampt", curveNumber = "curve_number"
    }
}

/// A subcatchment: an area draining to a node (or to another subcatchment), with the parameters of
/// SWMM's non-linear reservoir runoff model in SI units.
public struct Subcatchment: ModelEntity, Hashable {
    public static let layer = Layer.subcatchments
    public static let shapeKinds: Set<ShapeKind> = [.polygon, .multiPolygon]
    public static var shapeRequired: Bool { false }
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// SWMM's usual values, in SI units, for fields a file leaves out.
    public static let defaultFields: [String: JSONValue] = [
        "n_impervious": .number(0.013), "n_pervious": .number(0.1), "storage_impervious": .number(1.27),
        "storage_pervious": .number(5.08), "zero_storage_fraction": .number(0.25)]

    public var id: EntityID<Subcatchment>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    /// The rain gauge (a sensor of kind rain_gauge) whose record falls on it.
    public var rainGauge: EntityID<Sensor>?
    /// Where runoff goes: a drainage node ID or, if no node has that ID, a subcatchment ID (as in SWMM).
    public var outlet: String
    /// Area (m²).
    public var area: Double
    /// Characteristic overland-flow width (m).
    public var width: Double
    /// Average surface slope (m/m).
    public var slope: Double
    /// Impervious fraction, 0…1.
    public var imperviousness: Double
    /// Manning n of the impervious and pervious surfaces (s·m^-1/3).
    public var nImpervious: Double, nPervious: Double
    /// Depression storage (mm) on impervious and pervious surfaces.
    public var storageImpervious: Double, storagePervious: Double
    /// Share of the impervious area with no depression storage, 0…1.
    public var zeroStorageFraction: Double
    public var infiltration: Infiltration?

    public init(id: EntityID<Subcatchment>, outlet: String, area: Double, width: Double, slope: Double, imperviousness: Double,
                nImpervious: Double = 0.013, nPervious: Double = 0.1, storageImpervious: Double = 1.27,
                storagePervious: Double = 5.08, zeroStorageFraction: Double = 0.25) {
        self.id = id; self.outlet = outlet; self.area = area; self.width = width
        self.slope = slope; self.imperviousness = imperviousness; self.nImpervious = nImpervious; self.nPervious = nPervious
        self.storageImpervious = storageImpervious; self.storagePervious = storagePervious
        self.zeroStorageFraction = zeroStorageFraction
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, rainGauge = "rain_gauge", outlet, area, width, slope
        case imperviousness, nImpervious = "n_impervious", nPervious = "n_pervious"
        case storageImpervious = "storage_impervious", storagePervious = "storage_pervious"
        case zeroStorageFraction = "zero_storage_fraction", infiltration
    }
}
