/// The mutable state of a stormwater run, separated from its configuration (network, inflows,
/// controls, options), so that a run can be saved and continued bit for bit: `savedState` of a
/// simulation built from the same model, assigned back, continues exactly where the saved one was.
///
/// Units are the engine's internal ones (ft, ft², ft³, cfs, s), as in the state itself.
extension FlowRouter {
    /// Per-node and per-link number arrays of the routing state, by name (key paths into the router).
    static var numberArrays: [(String, WritableKeyPath<FlowRouter, [Double]>)] { [
        ("oldDepth", \.oldDepth), ("newDepth", \.newDepth), ("oldVolume", \.oldVolume), ("newVolume", \.newVolume),
        ("inflow", \.inflow), ("outflow", \.outflow), ("oldLatFlow", \.oldLatFlow), ("newLatFlow", \.newLatFlow),
        ("oldNetInflow", \.oldNetInflow), ("overflow", \.overflow), ("losses", \.losses), ("newSurfArea", \.newSurfArea),
        ("oldSurfArea", \.oldSurfArea), ("sumdqdh", \.sumdqdh), ("dYdT", \.dYdT), ("oldFlow", \.oldFlow), ("newFlow", \.newFlow),
        ("linkNewDepth", \.linkNewDepth), ("oldLinkVolume", \.oldLinkVolume), ("newLinkVolume", \.newLinkVolume),
        ("q1", \.q1), ("q2", \.q2), ("a1", \.a1), ("a2", \.a2), ("froude", \.froude), ("dqdh", \.dqdh),
        ("surfArea1", \.surfArea1), ("surfArea2", \.surfArea2), ("setting", \.setting), ("targetSetting", \.targetSetting),
        ("structureSurfArea", \.structureSurfArea), ("outfallMemoFlow", \.outfallMemoFlow),
        ("outfallMemoNormal", \.outfallMemoNormal), ("outfallMemoCritical", \.outfallMemoCritical),
    ] }
    static var flagArrays: [(String, WritableKeyPath<FlowRouter, [Bool]>)] { [
        ("converged", \.converged), ("updated", \.updated), ("bypassed", \.bypassed),
    ] }

    /// The routing state (everything `route` changes).
    struct SavedState: Codable, Sendable, Equatable {
        var numbers: [String: [Double]]
        var flags: [String: [Bool]]
        var flowClass: [UInt8]
        var variableStep: Double
        var lastIterations: Int, nonConvergedSteps: Int, totalIterations: Int, stepCount: Int
        /// Storage seepage state per node (Green-Ampt moisture deficits), empty when none seeps.
        var seepage: [StorageSeepage?]
    }

    var savedState: SavedState {
        get {
            SavedState(numbers: Dictionary(uniqueKeysWithValues: Self.numberArrays.map { ($0.0, self[keyPath: $0.1]) }),
                       flags: Dictionary(uniqueKeysWithValues: Self.flagArrays.map { ($0.0, self[keyPath: $0.1]) }),
                       flowClass: flowClass.map(\.rawValue), variableStep: variableStep, lastIterations: lastIterations,
                       nonConvergedSteps: nonConvergedSteps, totalIterations: totalIterations, stepCount: stepCount,
                       seepage: seepage)
        }
        set {
            for (name, kp) in Self.numberArrays { if let v = newValue.numbers[name] { self[keyPath: kp] = v } }
            for (name, kp) in Self.flagArrays { if let v = newValue.flags[name] { self[keyPath: kp] = v } }
            flowClass = newValue.flowClass.map { FlowClass(rawValue: $0) ?? .dry }
            variableStep = newValue.variableStep
            lastIterations = newValue.lastIterations; nonConvergedSteps = newValue.nonConvergedSteps
            totalIterations = newValue.totalIterations; stepCount = newValue.stepCount
            seepage = newValue.seepage
        }
    }
}

extension RunoffModel {
    /// The runoff state (everything `step` changes).
    struct SavedState: Codable, Sendable {
        var subs: [Sub]
        var gages: [RainGageState]
        var evap: EvaporationState
        var oldTime: Double, newTime: Double
        var isRaining: Bool, hasRunoff: Bool
        var totals: RunoffContinuity
        var steps: Int
        /// The LID units with their layer states and running totals.
        var lids: [[LIDUnitGroup]]
    }

    var savedState: SavedState {
        get { SavedState(subs: subs, gages: gages, evap: evap, oldTime: oldTime, newTime: newTime, isRaining: isRaining,
                         hasRunoff: hasRunoff, totals: totals, steps: steps, lids: lids) }
        set {
            subs = newValue.subs; gages = newValue.gages; evap = newValue.evap
            oldTime = newValue.oldTime; newTime = newValue.newTime
            isRaining = newValue.isRaining; hasRunoff = newValue.hasRunoff
            totals = newValue.totals; steps = newValue.steps
            lids = newValue.lids
        }
    }
}

extension StormwaterSimulation {
    /// The state of the whole run: clock, runoff interpolation, routing, continuity, statistics and
    /// the runoff model (when it is a `RunoffModel`).
    struct SavedState: Codable, Sendable {
        var time: Double, oldRunoffTime: Double, newRunoffTime: Double
        var oldRunoff: [Double], newRunoff: [Double]
        var stepFlows: StepFlows
        var lastOutfallFlow: [Double]
        var continuity: RoutingContinuity
        var statistics: RoutingStatistics
        var nextRuleTime: Double
        var coupledInflow: [Double]
        var router: FlowRouter.SavedState
        var runoff: RunoffModel.SavedState?
    }

    var savedState: SavedState {
        get {
            SavedState(time: time, oldRunoffTime: oldRunoffTime, newRunoffTime: newRunoffTime, oldRunoff: oldRunoff,
                       newRunoff: newRunoff, stepFlows: stepFlows, lastOutfallFlow: lastOutfallFlow, continuity: continuity,
                       statistics: statistics, nextRuleTime: nextRuleTime, coupledInflow: coupledInflow,
                       router: router.savedState, runoff: (runoff as? RunoffModel)?.savedState)
        }
        set {
            time = newValue.time; oldRunoffTime = newValue.oldRunoffTime; newRunoffTime = newValue.newRunoffTime
            oldRunoff = newValue.oldRunoff; newRunoff = newValue.newRunoff; stepFlows = newValue.stepFlows
            lastOutfallFlow = newValue.lastOutfallFlow; continuity = newValue.continuity; statistics = newValue.statistics
            nextRuleTime = newValue.nextRuleTime; coupledInflow = newValue.coupledInflow
            router.savedState = newValue.router
            if let saved = newValue.runoff, var model = runoff as? RunoffModel {
                model.savedState = saved
                runoff = model
            }
        }
    }
}
