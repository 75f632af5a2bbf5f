// Forcing data of a SWMM-compatible stormwater simulation: rain gages, curves, time patterns,
// evaporation, monthly adjustments, external and dry-weather inflows, RDII. SI units throughout.

/// A rain gage (SWMM [RAINGAGES]): where a subcatchment's rainfall comes from. The gage is also a
/// `Sensor` of kind `rain_gauge` in the city model (same ID), which carries its position.
public struct RainGage: Hashable, Codable, Sendable {
    /// How the recorded values are to be read.
    public enum Format: String, Codable, Sendable, CaseIterable {
        /// Rainfall intensity over the interval that starts at each time.
        case intensity = "INTENSITY"
        /// Rainfall depth over the interval that starts at each time.
        case volume = "VOLUME"
        /// Cumulative rainfall depth since the record started.
        case cumulative = "CUMULATIVE"
    }
    /// Where the record comes from.
    public enum Source: Hashable, Codable, Sendable {
        /// A time series of the project (by name).
        case timeSeries(String)
        /// A rainfall file: path (resolved against the model file's folder), station ID, and the unit of
        /// its values (`IN` or `MM`).
        case file(path: String, station: String, depthUnit: String)
    }
    public var id: String
    public var format: Format
    /// Recording interval (s): each value applies over this long after its time.
    public var interval: Double
    /// Snow catch deficiency correction factor.
    public var snowCatchFactor: Double
    public var source: Source
    /// Multiplier from the record's numbers to SI: mm/h for INTENSITY, mm for VOLUME and CUMULATIVE.
    public var toSI: Double

    public init(id: String, format: Format, interval: Double, snowCatchFactor: Double = 1, source: Source, toSI: Double) {
        self.id = id; self.format = format; self.interval = interval; self.snowCatchFactor = snowCatchFactor
        self.source = source; self.toSI = toSI
    }
}

/// A curve (SWMM [CURVES]): x–y pairs, interpolated linearly. Values are SI according to the kind:
/// storage (depth m, area m²), shape (depth/full depth, width/full depth), diversion (inflow m³/s,
/// diverted flow m³/s), tidal (hour of day, stage m), pump type 1 (wet-well volume m³, flow m³/s),
/// pump type 2 and 4 (depth m, flow m³/s), pump type 3 and 5 (head m, flow m³/s), rating (head or
/// depth m, flow m³/s), control (controller value as written, setting), weir (head m, coefficient as
/// written), inlet (as written).
public struct Curve: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case storage = "STORAGE", shape = "SHAPE", diversion = "DIVERSION", tidal = "TIDAL"
        case pump1 = "PUMP1", pump2 = "PUMP2", pump3 = "PUMP3", pump4 = "PUMP4", pump5 = "PUMP5"
        case rating = "RATING", control = "CONTROL", weir = "WEIR"
    }
    public var name: String
    public var kind: Kind
    public var x: [Double]
    public var y: [Double]
    public init(name: String, kind: Kind, x: [Double] = [], y: [Double] = []) {
        self.name = name; self.kind = kind; self.x = x; self.y = y
    }

    /// Linear interpolation; beyond the ends, the end value is held (SWMM's table lookup extrapolates
    /// linearly for some uses; engines that need that do it themselves).
    public func value(at v: Double) -> Double {
        guard let f = x.first else { return 0 }
        if v <= f { return y[0] }
        if v >= x[x.count - 1] { return y[y.count - 1] }
        var i = 1
        while x[i] < v { i += 1 }
        let d = x[i] - x[i - 1]
        return d > 0 ? y[i - 1] + (v - x[i - 1]) / d * (y[i] - y[i - 1]) : y[i]
    }
}

/// A time pattern (SWMM [PATTERNS]): multipliers by month, day of week, hour, or weekend hour.
public struct TimePattern: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// 12 factors, January first.
        case monthly = "MONTHLY"
        /// 7 factors, Sunday first.
        case daily = "DAILY"
        /// 24 factors, midnight first.
        case hourly = "HOURLY"
        /// 24 hourly factors used on Saturdays and Sundays.
        case weekend = "WEEKEND"
    }
    public var name: String
    public var kind: Kind
    public var factors: [Double]
    public init(name: String, kind: Kind, factors: [Double]) { self.name = name; self.kind = kind; self.factors = factors }
}

/// Potential evaporation (SWMM [EVAPORATION]), in mm/day.
public struct Evaporation: Hashable, Codable, Sendable {
    public enum Source: Hashable, Codable, Sendable {
        /// One rate (mm/day).
        case constant(Double)
        /// Twelve monthly rates (mm/day), January first.
        case monthly([Double])
        /// A time series of rates (values as in the file; multiply by `toSI` for mm/day).
        case timeSeries(name: String, toSI: Double)
        /// Computed from the temperature record (Hargreaves); needs [TEMPERATURE] data.
        case temperature
        /// Daily values from the climate file, with twelve monthly pan coefficients.
        case file(panCoefficients: [Double])
    }
    public var source: Source = .constant(0)
    /// Evaporate only in periods without rainfall.
    public var dryOnly = false
    /// A monthly pattern that scales the soil recovery rate of infiltration (name), if any.
    public var recoveryPattern: String?
    public init() {}
}

/// Monthly adjustments ([ADJUSTMENTS]): temperature (added, °C), evaporation (added, mm/day),
/// rainfall (multiplier) and conductivity (multiplier), twelve values each, January first.
public struct MonthlyAdjustments: Hashable, Codable, Sendable {
    public var temperature = [Double](repeating: 0, count: 12)
    public var evaporation = [Double](repeating: 0, count: 12)
    public var rainfall = [Double](repeating: 1, count: 12)
    public var conductivity = [Double](repeating: 1, count: 12)
    /// Per-subcatchment pattern names for N-PERV, DSTORE and INFIL adjustments: subcatchment → (kind → pattern).
    public var subcatchmentPatterns: [String: [String: String]] = [:]
    public init() {}
    public var isIdentity: Bool {
        temperature.allSatisfy { $0 == 0 } && evaporation.allSatisfy { $0 == 0 }
            && rainfall.allSatisfy { $0 == 1 } && conductivity.allSatisfy { $0 == 1 } && subcatchmentPatterns.isEmpty
    }
}

/// An external inflow at a node (SWMM [INFLOWS]). For flow:
/// q(t) [m³/s] = seriesToSI · scale · series(t) + baseline · pattern(t), baseline in m³/s.
/// Pollutant inflows are kept with their constituent name and are not simulated.
public struct ExternalInflow: Hashable, Codable, Sendable {
    public var node: String
    /// `FLOW` or a pollutant name.
    public var constituent: String
    /// Time series name; nil for a baseline only.
    public var timeSeries: String?
    /// For pollutants: CONCEN or MASS; `FLOW` for flow.
    public var type: String
    /// Multiplier from the series' numbers to SI (m³/s for flow; the file's units-conversion factor
    /// for pollutants).
    public var seriesToSI: Double
    public var scale: Double
    /// Constant baseline (m³/s for flow).
    public var baseline: Double
    public var baselinePattern: String?
    public init(node: String, constituent: String, timeSeries: String?, type: String, seriesToSI: Double, scale: Double,
                baseline: Double, baselinePattern: String?) {
        self.node = node; self.constituent = constituent; self.timeSeries = timeSeries; self.type = type
        self.seriesToSI = seriesToSI; self.scale = scale; self.baseline = baseline; self.baselinePattern = baselinePattern
    }
    public var isFlow: Bool { constituent.uppercased() == "FLOW" }
}

/// A dry-weather inflow at a node (SWMM [DWF]): average (m³/s for flow) times up to four patterns
/// (monthly, daily, hourly, weekend-hourly; any kind in any slot, as SWMM allows).
public struct DryWeatherFlow: Hashable, Codable, Sendable {
    public var node: String
    public var constituent: String
    /// Average value (m³/s for flow; concentration as written for pollutants).
    public var average: Double
    public var patterns: [String]
    public init(node: String, constituent: String, average: Double, patterns: [String]) {
        self.node = node; self.constituent = constituent; self.average = average; self.patterns = patterns
    }
    public var isFlow: Bool { constituent.uppercased() == "FLOW" }
}

/// Rainfall-derived infiltration and inflow at a node (SWMM [RDII]): a unit hydrograph group and the
/// sewershed area (m²) it applies to.
public struct RDIIInflow: Hashable, Codable, Sendable {
    public var node: String
    public var unitHydrograph: String
    public var sewershedArea: Double
    public init(node: String, unitHydrograph: String, sewershedArea: Double) {
        self.node = node; self.unitHydrograph = unitHydrograph; self.sewershedArea = sewershedArea
    }
}

/// A group of triangular unit hydrographs (SWMM [HYDROGRAPHS]) driven by one rain gage.
public struct UnitHydrographGroup: Hashable, Codable, Sendable {
    /// One triangular unit hydrograph: share of rain that becomes inflow, time to peak (s), recession
    /// ratio, and initial abstraction (max mm, recovery mm/day, initial mm).
    public struct Hydrograph: Hashable, Codable, Sendable {
        /// Month 1–12, or 0 for all months.
        public var month: Int
        /// SHORT, MEDIUM or LONG.
        public var response: String
        public var r: Double, t: Double, k: Double
        public var maxAbstraction: Double, recoveryRate: Double, initialAbstraction: Double
        public init(month: Int, response: String, r: Double, t: Double, k: Double,
                    maxAbstraction: Double = 0, recoveryRate: Double = 0, initialAbstraction: Double = 0) {
            self.month = month; self.response = response; self.r = r; self.t = t; self.k = k
            self.maxAbstraction = maxAbstraction; self.recoveryRate = recoveryRate; self.initialAbstraction = initialAbstraction
        }
    }
    public var name: String
    public var rainGage: String
    public var hydrographs: [Hydrograph] = []
    public init(name: String, rainGage: String) { self.name = name; self.rainGage = rainGage }
}
