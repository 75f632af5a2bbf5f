/// A signal plan written by a traffic engineer (see docs/scene-format.md, "Signal plans"): per
/// signalised junction, the control kind, cycle, offset and phases by movement. `CityIO` reads it
/// from YAML and compiles it into SUMO-style programs (green, amber and all-red phases with one
/// state letter per signal index) that replace the network's programs for the junctions it names.
public struct SignalPlan: Hashable, Sendable {
    /// How the junction's phases are run. Times in s.
    public enum Control: Hashable, Sendable {
        case fixedTime
        /// Gap-out after `maxGap` s without a detection, within each phase's min/max green.
        case actuated(maxGap: Double)
        case maxPressure(minGreen: Double, maxGreen: Double)
    }

    /// The compiled programs, one per junction in the plan.
    public var programs: [NetSignalProgram]
    /// The control of each junction in the plan, by signal ID.
    public var modes: [String: Control]

    public init(programs: [NetSignalProgram], modes: [String: Control]) {
        self.programs = programs; self.modes = modes
    }

    /// `existing` with the plan's programs in place of those with the same ID (others kept).
    public func apply(to existing: [NetSignalProgram]) -> [NetSignalProgram] {
        var byID: [String: NetSignalProgram] = [:]
        for p in programs { byID[p.id] = p }
        return existing.map { byID[$0.id] ?? $0 }
    }
}
