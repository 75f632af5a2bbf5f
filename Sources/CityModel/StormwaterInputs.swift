// The inputs of a SWMM-compatible stormwater simulation beyond the drainage network itself:
// options, unit conventions, and the container that holds all the forcing and control data.
// Everything is in SI units (m, m², m³, m³/s, s; rainfall in mm/h) unless a field says otherwise;
// readers convert at the boundary and remember the file's flow units so outputs can be converted back.

/// The flow units of a SWMM model. CFS, GPM and MGD models use US customary units for every other
/// quantity (ft, acres, in, in/h); CMS, LPS and MLD models use metric units (m, ha, mm, mm/h).
public enum FlowUnits: String, Codable, Sendable, CaseIterable {
    case cfs = "CFS", gpm = "GPM", mgd = "MGD", cms = "CMS", lps = "LPS", mld = "MLD"

    /// Whether the model's other quantities are metric (m, ha, mm).
    public var isMetric: Bool { self == .cms || self == .lps || self == .mld }

    /// Cubic metres per second in one unit of this flow (exact definitions).
    public var cubicMetresPerSecond: Double {
        switch self {
        case .cfs: 0.028316846592
        case .gpm: 0.003785411784 / 60
        case .mgd: 3785.411784 / 86400
        case .cms: 1
        case .lps: 0.001
        case .mld: 1000.0 / 86400
        }
    }

    /// SWMM's own factor from its internal ft³/s to this unit (`Qcf` in SWMM 5.2). It is not the exact
    /// conversion for the metric units (0.02832 m³/s per ft³/s); an engine that wants SWMM's answers to
    /// round-off uses these factors on the way in and out.
    public var swmmFactorFromCFS: Double {
        switch self {
        case .cfs: 1
        case .gpm: 448.831
        case .mgd: 0.64632
        case .cms: 0.02832
        case .lps: 28.317
        case .mld: 2.4466
        }
    }
}

/// SWMM's internal unit conventions: it computes in ft, ft², ft³, ft³/s and seconds, and converts each
/// input quantity with fixed factors (`UCF` in SWMM 5.2). The metric factors are SWMM's rounded ones.
/// A SWMM-compatible engine converts the SI values of a ``StormwaterProject`` to these internal units
/// with ``toInternal(_:_:)``, which inverts the readers' exact SI conversion and then applies SWMM's
/// factor, so that it reproduces SWMM's arithmetic for both US and metric models.
public struct SWMMUnits: Hashable, Codable, Sendable {
    public enum Quantity: String, Codable, Sendable, CaseIterable {
        /// Rainfall intensity: SI mm/h; US model in/h, metric model mm/h; internal ft/s.
        case rainfall
        /// Rainfall depth: SI mm; internal ft.
        case rainDepth
        /// Evaporation rate: SI mm/day; internal ft/s.
        case evapRate
        /// Length, depth, elevation: SI m; internal ft.
        case length
        /// Land area (subcatchments): SI m²; internal ft².
        case landArea
        /// Volume: SI m³; internal ft³.
        case volume
        /// Flow: SI m³/s; internal ft³/s.
        case flow
        /// Area (surface areas of nodes and storage): SI m²; internal ft².
        case area
    }

    public var flowUnits: FlowUnits
    public init(flowUnits: FlowUnits) { self.flowUnits = flowUnits }

    /// Internal units per file unit (what SWMM divides a file value by is `1/this`).
    public func internalPerFileUnit(_ q: Quantity) -> Double {
        let metric = flowUnits.isMetric
        switch q {
        case .rainfall: return metric ? 1 / 1_097_280.0 : 1 / 43_200.0
        case .rainDepth: return metric ? 1 / 304.8 : 1 / 12.0
        case .evapRate: return metric ? 1 / 26_334_720.0 : 1 / 1_036_800.0
        case .length: return metric ? 1 / 0.3048 : 1
        case .landArea: return metric ? 1 / 0.92903e-5 : 1 / 2.2956e-5
        case .volume: return metric ? 1 / 0.02832 : 1
        case .flow: return 1 / flowUnits.swmmFactorFromCFS
        case .area: return metric ? 1 / (0.3048 * 0.3048) : 1
        }
    }

    /// SI units per file unit, exact (what the readers multiply by).
    public func siPerFileUnit(_ q: Quantity) -> Double {
        let metric = flowUnits.isMetric
        switch q {
        case .rainfall, .rainDepth: return metric ? 1 : 25.4
        case .evapRate: return metric ? 1 : 25.4
        case .length: return metric ? 1 : 0.3048
        case .landArea: return metric ? 10_000 : 4046.8564224
        case .volume: return metric ? 1 : 0.028316846592
        case .flow: return flowUnits.cubicMetresPerSecond
        case .area: return metric ? 1 : 0.09290304
        }
    }

    /// Converts an SI value (as stored in the city model) to SWMM's internal unit.
    @inlinable public func toInternal(_ si: Double, _ q: Quantity) -> Double {
        si / siPerFileUnit(q) * internalPerFileUnit(q)
    }

    /// Converts a SWMM internal value to the model's own file units (for reports in the model's units).
    @inlinable public func toFileUnits(_ internalValue: Double, _ q: Quantity) -> Double {
        internalValue / internalPerFileUnit(q)
    }

    /// Converts a SWMM internal value to SI.
    @inlinable public func toSI(_ internalValue: Double, _ q: Quantity) -> Double {
        internalValue / internalPerFileUnit(q) * siPerFileUnit(q)
    }
}

/// A calendar date and time without a time zone, as SWMM uses them: seconds since 1970-01-01 00:00:00.
public struct StormwaterDateTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01 00:00:00 (negative before).
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// A date and time from calendar fields (proleptic Gregorian calendar). Returns nil for an invalid
    /// date (month 13, February 30) or time (hour > 23 is allowed only as 24:00:00 → next day).
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year, month),
              (0...24).contains(hour), (0...59).contains(minute), (0...59).contains(second),
              hour < 24 || (minute == 0 && second == 0) else { return nil }
        let days = Self.daysFromCivil(year, month, day)
        seconds = days * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public static func < (a: Self, b: Self) -> Bool { a.seconds < b.seconds }

    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a civil date.
    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int64 {
        CivilCalendar.days(fromCivil: Int64(y), Int64(m), Int64(d))
    }

    /// Calendar fields: year, month 1–12, day 1–31.
    public var civil: (year: Int, month: Int, day: Int) {
        let c = CivilCalendar.civil(fromDays: Int64(floorDiv(seconds, 86400)))
        return (Int(c.year), Int(c.month), Int(c.day))
    }

    /// Seconds since midnight, 0..<86400.
    public var secondOfDay: Int { Int(seconds - floorDiv(seconds, 86400) * 86400) }
    /// Hour of the day, 0–23.
    public var hour: Int { secondOfDay / 3600 }
    /// Day of the week, 1 = Sunday … 7 = Saturday (SWMM's convention).
    public var dayOfWeek: Int { Int((floorDiv(seconds, 86400) + 4) % 7 + 7) % 7 + 1 }
    /// Month 1–12.
    public var month: Int { civil.month }
    /// Day of the year, 1–366.
    public var dayOfYear: Int {
        let c = civil
        return Int(Self.daysFromCivil(c.year, c.month, c.day) - Self.daysFromCivil(c.year, 1, 1)) + 1
    }

    public func adding(seconds s: Double) -> StormwaterDateTime { .init(seconds: seconds + Int64(s.rounded())) }

    private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// `MM/DD/YYYY HH:MM:SS`.
    public var description: String {
        let c = civil, s = secondOfDay
        func p(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(p(c.month))/\(p(c.day))/\(c.year) \(p(s / 3600)):\(p(s / 60 % 60)):\(p(s % 60))"
    }
}

/// Pervious-area infiltration method (SWMM's INFILTRATION option).
public enum InfiltrationMethod: String, Codable, Sendable, CaseIterable {
    case horton = "HORTON", modifiedHorton = "MODIFIED_HORTON", greenAmpt = "GREEN_AMPT"
    case modifiedGreenAmpt = "MODIFIED_GREEN_AMPT", curveNumber = "CURVE_NUMBER"
}

/// Flow routing method (SWMM's FLOW_ROUTING option).
public enum FlowRoutingMethod: String, Codable, Sendable, CaseIterable {
    case steady = "STEADY", kinematicWave = "KINWAVE", dynamicWave = "DYNWAVE"
}

/// How link offsets are given in the file; in the city model they are always heights above the invert.
public enum LinkOffsetConvention: String, Codable, Sendable, CaseIterable { case depth = "DEPTH", elevation = "ELEVATION" }

/// Dynamic-wave inertial terms: kept (NONE), reduced with the Froude number (PARTIAL), dropped (FULL).
public enum InertialDamping: String, Codable, Sendable, CaseIterable { case none = "NONE", partial = "PARTIAL", full = "FULL" }

/// When dynamic-wave conduit flow is limited to normal (Manning) flow.
public enum NormalFlowLimitation: String, Codable, Sendable, CaseIterable { case slope = "SLOPE", froude = "FROUDE", both = "BOTH" }

/// Friction law of full force mains: Hazen-Williams or Darcy-Weisbach.
public enum ForceMainEquation: String, Codable, Sendable, CaseIterable { case hazenWilliams = "H-W", darcyWeisbach = "D-W" }

/// Dynamic-wave surcharge algorithm: EXTRAN (node surcharge) or a Preissmann slot.
public enum SurchargeMethod: String, Codable, Sendable, CaseIterable { case extran = "EXTRAN", slot = "SLOT" }

/// Simulation options (SWMM's [OPTIONS] section) in SI units and seconds. Defaults are SWMM 5.2's.
public struct StormwaterOptions: Hashable, Codable, Sendable {
    /// The flow units of the source file (outputs are converted back to them).
    public var flowUnits: FlowUnits = .cfs
    public var infiltration: InfiltrationMethod = .horton
    public var flowRouting: FlowRoutingMethod = .kinematicWave
    /// How offsets were given in the file (the model stores depths above inverts in any case).
    public var linkOffsets: LinkOffsetConvention = .depth
    /// Minimum conduit slope (m/m; the file gives percent); 0 = none.
    public var minSlope: Double = 0
    public var allowPonding = false
    public var skipSteadyState = false
    public var ignoreRainfall = false, ignoreSnowmelt = false, ignoreGroundwater = false
    public var ignoreRDII = false, ignoreRouting = false, ignoreQuality = false
    public var start = StormwaterDateTime(year: 2004, month: 1, day: 1)!
    public var end = StormwaterDateTime(year: 2004, month: 1, day: 1)!
    public var reportStart = StormwaterDateTime(year: 2004, month: 1, day: 1)!
    /// Street sweeping period (month, day); kept, not used.
    public var sweepStart: [Int] = [1, 1], sweepEnd: [Int] = [12, 31]
    /// Antecedent dry days before the start.
    public var dryDays: Double = 0
    /// Reporting interval (s).
    public var reportStep: Double = 900
    /// Runoff steps in wet and dry periods (s).
    public var wetStep: Double = 300, dryStep: Double = 3600
    /// Routing step (s); the maximum when a variable step is used.
    public var routingStep: Double = 20
    /// Interval between evaluations of control rules (s); 0 = every routing step.
    public var ruleStep: Double = 0
    public var inertialDamping: InertialDamping = .partial
    public var normalFlowLimited: NormalFlowLimitation = .both
    public var forceMainEquation: ForceMainEquation = .hazenWilliams
    public var surchargeMethod: SurchargeMethod = .extran
    /// Courant safety factor of the variable dynamic-wave step; 0 = fixed step.
    public var variableStep: Double = 0
    /// Step for artificial conduit lengthening (s); 0 = none.
    public var lengtheningStep: Double = 0
    /// Minimum node surface area (m²); 0 = SWMM's default (12.566 ft²).
    public var minSurfaceArea: Double = 0
    /// Maximum Picard trials per dynamic-wave step; 0 = SWMM's default (8).
    public var maxTrials: Int = 0
    /// Head convergence tolerance (m); 0 = SWMM's default (0.005 ft).
    public var headTolerance: Double = 0
    /// Steady-state tolerances, as fractions (the file gives percent).
    public var systemFlowTolerance: Double = 0.05, lateralFlowTolerance: Double = 0.05
    /// Smallest variable step (s).
    public var minimumStep: Double = 0.5
    public var threads: Int = 1
    /// Options present in the file that the engine keeps but does not act on (TEMPDIR, COMPATIBILITY …).
    public var other: [String: String] = [:]

    public init() {}

    /// Simulated duration (s).
    public var duration: Double { Double(end.seconds - start.seconds) }
}

/// Extra per-subcatchment runoff inputs of SWMM that the `Subcatchment` entity does not carry.
public struct SubcatchmentRunoffInputs: Hashable, Codable, Sendable {
    /// Where runoff from one sub-area goes before leaving the subcatchment (SWMM's RouteTo).
    public enum InternalRouting: String, Codable, Sendable, CaseIterable {
        /// Both sub-areas drain to the outlet.
        case outlet = "OUTLET"
        /// Pervious runoff flows over the impervious area.
        case impervious = "IMPERVIOUS"
        /// Impervious runoff flows over the pervious area.
        case pervious = "PERVIOUS"
    }
    public var internalRouting: InternalRouting = .outlet
    /// Fraction (0…1) of the sub-area's runoff routed to the other sub-area; the rest goes to the outlet.
    public var fractionRouted: Double = 1
    /// Curb length (m; used only by pollutant build-up).
    public var curbLength: Double = 0
    /// Snow pack name, if any (snowmelt is not simulated).
    public var snowPack: String?
    public init(internalRouting: InternalRouting = .outlet, fractionRouted: Double = 1, curbLength: Double = 0, snowPack: String? = nil) {
        self.internalRouting = internalRouting; self.fractionRouted = fractionRouted; self.curbLength = curbLength; self.snowPack = snowPack
    }
}

/// Everything a SWMM-compatible simulation needs besides the drainage network, subcatchments and rain
/// gauges of the `CityModel`: options, time series, curves, patterns, evaporation, inflows, LID
/// controls, controls, streets and inlets, and per-element SWMM details. All values are SI; series and
/// curves hold the file's numbers with a documented factor to SI where the unit depends on the use.
public struct StormwaterProject: Hashable, Codable, Sendable {
    /// Title lines of the [TITLE] section.
    public var title: [String] = []
    public var options = StormwaterOptions()
    /// Rain gages, in file order.
    public var rainGages: [RainGage] = []
    /// Time series by name, in file order. Times are seconds from `options.start`; values are the
    /// file's numbers (each user converts them: gages by their format, inflows by `ExternalInflow`).
    public var timeSeries: [TimeSeries] = []
    /// Curves by name, in file order, converted to SI according to their kind (see ``Curve``).
    public var curves: [Curve] = []
    public var patterns: [TimePattern] = []
    public var evaporation = Evaporation()
    /// Monthly adjustments ([ADJUSTMENTS]).
    public var adjustments = MonthlyAdjustments()
    public var externalInflows: [ExternalInflow] = []
    public var dryWeatherFlows: [DryWeatherFlow] = []
    public var rdiiInflows: [RDIIInflow] = []
    public var unitHydrographs: [UnitHydrographGroup] = []
    /// Per-subcatchment runoff details by subcatchment ID.
    public var subcatchmentRunoff: [String: SubcatchmentRunoffInputs] = [:]
    public var lidControls: [LIDControl] = []
    public var lidUsage: [LIDUsage] = []
    /// Control rules as written (parsed and evaluated by the stormwater engine).
    public var controls = ControlRules()
    /// Conduit losses and options beyond `ConduitParameters`, by link ID.
    public var conduitDetails: [String: ConduitDetails] = [:]
    /// Storage-unit losses by node ID.
    public var storageDetails: [String: StorageDetails] = [:]
    /// Outfall details beyond `OutfallBoundary` (route-to subcatchment), by node ID.
    public var outfallDetails: [String: OutfallDetails] = [:]
    /// Flow-divider definitions by node ID.
    public var dividers: [String: FlowDivider] = [:]
    /// Weir details beyond `WeirParameters`, by link ID.
    public var weirDetails: [String: WeirDetails] = [:]
    /// Outlet rating details beyond `OutletParameters`, by link ID.
    public var outletDetails: [String: OutletDetails] = [:]
    public var transects: [Transect] = []
    public var streets: [StreetSection] = []
    public var inlets: [InletDesign] = []
    public var inletUsage: [InletUsage] = []
    /// Sections of the file that are read and syntax-checked but not simulated (pollutants, land uses,
    /// tags, map, labels, report options …): section name → its data lines (comments removed).
    public var unsimulatedSections: [String: [String]] = [:]

    public init() {}

    public var units: SWMMUnits { SWMMUnits(flowUnits: options.flowUnits) }

    public func timeSeries(named n: String) -> TimeSeries? { timeSeries.first { $0.name.uppercased() == n.uppercased() } }
    public func curve(named n: String) -> Curve? { curves.first { $0.name.uppercased() == n.uppercased() } }
    public func pattern(named n: String) -> TimePattern? { patterns.first { $0.name.uppercased() == n.uppercased() } }
}
