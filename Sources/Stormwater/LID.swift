import CityModel
import Foundation

/// LID units placed in a subcatchment ([LID_USAGE]), as EPA SWMM 5.2 couples them to runoff (Rossman &
/// Huber 2016, *SWMM Reference Manual Vol. III*, ch. 6): the units' total area is taken out of the
/// subcatchment, whose impervious and pervious fractions then apply to the remaining area. Each unit
/// receives rainfall on its own area plus the captured fractions of the non-LID impervious and pervious
/// runoff of the same step (and the run-on when the units cover the whole subcatchment). Its surface
/// outflow goes to the subcatchment outlet, or back onto the pervious area at the next step; its drain
/// flow goes to the outlet, to another node, or to another subcatchment as run-on. Volumes in ft³, rates
/// in ft/s per unit area or ft³/s as stated.
struct LIDUnitGroup: Sendable, Codable {
    var process: LIDProcess
    var state: LIDState
    /// Number of identical units, area of one unit (ft²), outflow width over area (1/ft).
    var count: Double, unitArea: Double, widthPerArea: Double
    var fromImperv: Double, fromPerv: Double, toPerv: Bool
    /// Drain destination: a node index, or a subcatchment index, or neither (the outlet).
    var drainNode = -1, drainSub = -1
    /// Flows of the last step (ft³/s): drain (old and new, for interpolation at a drain node), surface
    /// outflow returned to the pervious area.
    var oldDrainFlow = 0.0, newDrainFlow = 0.0, flowToPerv = 0.0
    /// Water balance of all units of the group (ft³).
    var inflowVolume = 0.0, evapVolume = 0.0, infilVolume = 0.0, surfaceVolume = 0.0, drainVolume = 0.0
    var initialVolume = 0.0

    var area: Double { count * unitArea }
    var storedVolume: Double { process.storedDepth(state) * area }
    /// Whether the units still hold water that keeps runoff on its wet step.
    var isWet: Bool { state.d1 > 0 || state.d3 > 0 || state.d4 > 0 || newDrainFlow > 0 }
}

/// Per-subcatchment results of the LID units over one step (ft³ and ft³/s).
struct LIDStepResult {
    var captured = 0.0, evap = 0.0, infil = 0.0, toOutlet = 0.0, drainToOutlet = 0.0, drainToNode = 0.0, drainToSub = 0.0
}

extension RunoffModel {
    /// Builds the LID groups of every subcatchment; returns the LID area (ft²) per subcatchment.
    static func makeLIDGroups(project p: StormwaterProject, model: CityModel, units: SWMMUnits,
                              nodeIndex: [String: Int], subIndex: [String: Int]) throws -> [[LIDUnitGroup]] {
        var groups = [[LIDUnitGroup]](repeating: [], count: model.subcatchments.count)
        var processes: [String: LIDProcess] = [:]
        for c in p.lidControls { processes[c.name.uppercased()] = try LIDProcess(c, units: units) }
        for u in p.lidUsage {
            guard let j = subIndex[u.subcatchment] else { throw SimulationInputError("LID usage names an unknown subcatchment '\(u.subcatchment)'") }
            guard let proc = processes[u.control.uppercased()] else { throw SimulationInputError("LID usage names an unknown LID control '\(u.control)'") }
            let a = units.toInternal(u.unitArea, .area)
            guard a > 0, u.count > 0 else { continue }
            let w = units.toInternal(u.unitWidth, .length)
            var g = LIDUnitGroup(process: proc, state: proc.initialState(saturation: u.initialSaturation),
                                 count: Double(u.count), unitArea: a, widthPerArea: w / a,
                                 fromImperv: u.fromImpervious, fromPerv: u.fromPervious, toPerv: u.toPervious)
            if let d = u.drainTo {
                if let k = nodeIndex[d] { g.drainNode = k } else if let k = subIndex[d] { g.drainSub = k }
            }
            g.initialVolume = g.storedVolume
            groups[j].append(g)
        }
        return groups
    }

    /// Evaluates the LID units of subcatchment `j` over a step: `qImperv` and `qPerv` are the non-LID
    /// impervious and pervious runoff reaching the outlet (ft³/s), `rain` the rainfall and `runon` the
    /// run-on rate (ft/s), `evapRate` the potential evaporation (ft/s).
    mutating func evalLIDs(_ j: Int, qImperv: Double, qPerv: Double, rain: Double, runon: Double,
                           fullArea: Bool, evapRate: Double, dt: Double) -> LIDStepResult {
        var r = LIDStepResult()
        for k in lids[j].indices {
            var g = lids[j][k]
            let captured = qImperv * g.fromImperv + qPerv * g.fromPerv
            r.captured += captured * dt
            let i = rain + captured / g.area + (fullArea ? runon : 0)
            let f = g.process.step(&g.state, inflow: i, evap: evapRate, dt: dt, widthPerArea: g.widthPerArea)
            let a = g.area
            g.inflowVolume += i * a * dt
            g.evapVolume += f.evaporation * a * dt
            g.infilVolume += f.infiltration * a * dt
            g.surfaceVolume += f.surfaceOutflow * a * dt
            g.drainVolume += f.storageDrain * a * dt
            r.evap += f.evaporation * a * dt
            r.infil += f.infiltration * a * dt
            let qSurf = f.surfaceOutflow * a, qDrain = f.storageDrain * a
            g.flowToPerv = g.toPerv ? qSurf : 0
            if !g.toPerv { r.toOutlet += qSurf * dt }
            g.oldDrainFlow = g.newDrainFlow
            g.newDrainFlow = qDrain
            if g.drainNode >= 0 { r.drainToNode += qDrain * dt } else if g.drainSub >= 0 { r.drainToSub += qDrain * dt } else { r.drainToOutlet += qDrain * dt }
            lids[j][k] = g
        }
        return r
    }

    /// Water held in all LID units (ft³).
    func lidStorage() -> Double { lids.reduce(0) { $0 + $1.reduce(0) { $0 + $1.storedVolume } } }
}
