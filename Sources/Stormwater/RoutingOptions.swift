import CityModel

/// Options of flow routing, with SWMM 5.2's names and defaults. Lengths in metres and areas in m²
/// (converted to the engine's internal feet when the network is compiled); times in seconds.
public struct RoutingOptions: Hashable, Codable, Sendable {
    public enum Method: String, Codable, Sendable { case kinematicWave = "kinwave", dynamicWave = "dynwave", steady }
    public enum InertialDamping: String, Codable, Sendable { case none, partial, full }
    public enum NormalFlowLimit: String, Codable, Sendable { case slope, froude, both }
    public enum SurchargeMethod: String, Codable, Sendable { case extran, slot }

    public var method: Method = .dynamicWave
    /// Routing step (s): fixed step for kinematic wave, upper limit of the variable dynamic-wave step.
    public var routingStep: Double = 20
    /// Courant safety factor of the variable step (SWMM VARIABLE_STEP); 0 keeps the step fixed.
    public var courantFactor: Double = 0.75
    /// Smallest variable step (s) (SWMM MINIMUM_STEP, default 0.5 s).
    public var minimumStep: Double = 0.5
    /// Conduits are lengthened so their Courant time is at least this (s); 0 = off.
    public var lengtheningStep: Double = 0
    /// Smallest node surface area in dynamic wave (m²); 0 = SWMM's default 12.566 ft².
    public var minSurfaceArea: Double = 0
    /// Convergence tolerance on node heads (m); 0 = SWMM's default 0.005 ft.
    public var headTolerance: Double = 0
    /// Picard iterations per step; 0 = default 8.
    public var maxTrials: Int = 0
    public var inertialDamping: InertialDamping = .partial
    public var normalFlowLimited: NormalFlowLimit = .both
    public var surchargeMethod: SurchargeMethod = .extran
    /// Flood water ponds over a node's ponded area instead of being lost.
    public var allowPonding: Bool = false
    /// Smallest conduit slope (m/m); 0 = none.
    public var minSlope: Double = 0
    /// Interval (s) between control-rule evaluations; 0 = every routing step.
    public var ruleStep: Double = 0
    /// Worker threads for the dynamic-wave link and node loops (1 = serial). Results do not depend on it.
    public var threads: Int = 1

    public init() {}

    /// The routing options of a SWMM project's [OPTIONS].
    public init(_ o: StormwaterOptions) {
        method = switch o.flowRouting { case .dynamicWave: .dynamicWave; case .kinematicWave: .kinematicWave; case .steady: .steady }
        routingStep = o.routingStep
        courantFactor = o.variableStep
        minimumStep = o.minimumStep
        lengtheningStep = o.lengtheningStep
        minSurfaceArea = o.minSurfaceArea
        headTolerance = o.headTolerance
        maxTrials = o.maxTrials
        inertialDamping = switch o.inertialDamping { case .none: .none; case .partial: .partial; case .full: .full }
        normalFlowLimited = switch o.normalFlowLimited { case .slope: .slope; case .froude: .froude; case .both: .both }
        surchargeMethod = o.surchargeMethod == .slot ? .slot : .extran
        allowPonding = o.allowPonding
        minSlope = o.minSlope
        ruleStep = o.ruleStep
        threads = max(1, o.threads)
    }
}
