import CityModel
import Foundation

/// A whole SWMM-style run of a city model with stormwater inputs: runoff (when there are
/// subcatchments) feeding flow routing, timed in CPU seconds, with its summary in the reference
/// format (`expected/*.json` key names, the model's own units).
public struct SWMMRunResult: Sendable {
    public var routing: RoutingSummary
    public var runoff: RunoffModel?
    /// CPU seconds spent in the simulation loop (reading the file excluded).
    public var cpuSeconds: Double

    /// The summary as JSON, without timing (identical from run to run).
    public func summary(inp: String, project: StormwaterProject) -> JSONValue {
        let u = project.options.flowUnits, metric = u.isMetric
        let r = routing
        var outfalls: [String: JSONValue] = [:]
        for (id, o) in r.outfalls { outfalls[id] = .object(["peak_inflow": .number(o.peakInflow), "total_volume": .number(o.totalVolume)]) }
        var cont: [String: JSONValue] = [
            "runoff_error_pct": .number(runoff?.continuity.errorPercent ?? 0),
            "flow_routing_error_pct": .number(r.flowRoutingErrorPercent),
        ]
        if let runoff { cont["runoff_totals_volume"] = RunoffSummary.continuity(runoff) }
        let c = r.continuity
        cont["routing_totals_volume"] = .object([
            "dwInflow": .number(c.dryWeatherInflow), "wwInflow": .number(c.wetWeatherInflow), "gwInflow": .number(c.groundwaterInflow),
            "iiInflow": .number(c.rdiiInflow), "exInflow": .number(c.externalInflow), "flooding": .number(c.floodingLoss),
            "outflow": .number(c.externalOutflow), "evapLoss": .number(c.evaporationLoss), "seepLoss": .number(c.seepageLoss),
            "initStorage": .number(c.initialStorage), "finalStorage": .number(c.finalStorage)])
        return .object([
            "inp": .string(inp), "engine": .string("citytwin"), "flow_units": .string(u.rawValue),
            "units": .object(["flow": .string(u.rawValue), "depth": .string(metric ? "m" : "ft"),
                              "volume": .string(metric ? "m3" : "ft3"), "rain_depth": .string(metric ? "mm" : "in")]),
            "flow_routing": .string(project.options.flowRouting.rawValue),
            "infiltration": .string(project.options.infiltration.rawValue),
            "continuity": .object(cont),
            "outfalls": .object(outfalls),
            "system": .object(["total_flooding_volume": .number(r.totalFloodingVolume),
                               "total_outfall_volume": .number(r.totalOutfallVolume),
                               "volume_units": .string(metric ? "m3" : "ft3")]),
            "node_max_depth": .object(r.nodeMaxDepth.mapValues { .number($0) }),
            "link_peak_flow": .object(r.linkPeakFlow.mapValues { .number($0) }),
            "subcatchments": runoff.map(RunoffSummary.subcatchments) ?? .object([:]),
            "routing_time_step_summary": .object(["routing_steps": .number(Double(r.routingSteps)),
                                                  "average_iterations": .number(r.averageIterations),
                                                  "steps_not_converging": .number(Double(r.nonConvergedSteps))]),
        ])
    }

    /// A short text report.
    public func reportText(model: String, project: StormwaterProject) -> String {
        var l = ["citytwin swmm \(model)",
                 "Flow units \(project.options.flowUnits.rawValue), routing \(project.options.flowRouting.rawValue)",
                 String(format: "Runoff continuity error (%%): %.3f", runoff?.continuity.errorPercent ?? 0),
                 String(format: "Flow routing continuity error (%%): %.3f", routing.flowRoutingErrorPercent),
                 String(format: "Total flooding volume: %.6g, total outfall volume: %.6g", routing.totalFloodingVolume, routing.totalOutfallVolume),
                 String(format: "Simulation CPU time: %.3f s", cpuSeconds), "Outfalls (peak inflow, total volume):"]
        for id in routing.outfalls.keys.sorted() {
            let o = routing.outfalls[id]!
            l.append(String(format: "  %@  %.6g  %.6g", id, o.peakInflow, o.totalVolume))
        }
        if let runoff {
            l.append("Subcatchments (precipitation, infiltration, runoff volume, peak runoff):")
            for (id, s) in runoff.statistics {
                l.append(String(format: "  %@  %.4g  %.6g  %.6g  %.6g", id, s.precipitation, s.infiltration, s.runoff, s.peakRunoff))
            }
        }
        return l.joined(separator: "\n") + "\n"
    }
}

public enum SWMMRun {
    /// Runs `model` (with its `stormwater` inputs) to the end.
    public static func run(_ model: CityModel, file: String, threads: Int? = nil) throws -> SWMMRunResult {
        try checkSupported(model)
        let runoff: RunoffModel? = model.subcatchments.isEmpty ? nil : try RunoffModel(model: model)
        var sim = try StormwaterSimulation(model: model, runoff: runoff, threads: threads, file: file)
        let c0 = clock()
        sim.run()
        let cpu = Double(clock() - c0) / Double(CLOCKS_PER_SEC)
        return SWMMRunResult(routing: sim.summary, runoff: sim.runoffModel, cpuSeconds: cpu)
    }

    /// Refuses inputs that SWMM would simulate and this engine does not yet, rather than ignoring them.
    public static func checkSupported(_ model: CityModel) throws {
        guard let p = model.stormwater else { throw SimulationInputError("the model has no stormwater inputs") }
        let o = p.options
        if !p.rdiiInflows.isEmpty && !o.ignoreRDII { throw SimulationInputError("RDII inflows are not simulated yet (set IGNORE_RDII YES to run without them)") }
        if p.unsimulatedSections["GROUNDWATER"] != nil && !o.ignoreGroundwater {
            throw SimulationInputError("groundwater is not simulated yet (set IGNORE_GROUNDWATER YES to run without it)")
        }
        if !o.ignoreSnowmelt && p.subcatchmentRunoff.values.contains(where: { $0.snowPack != nil }) {
            throw SimulationInputError("snowmelt is not simulated yet (set IGNORE_SNOWMELT YES to run without it)")
        }
        if p.adjustments.conductivity.contains(where: { $0 != 1 }) || !p.adjustments.subcatchmentPatterns.isEmpty {
            throw SimulationInputError("conductivity adjustments and per-subcatchment N-PERV/DSTORE/INFIL patterns are not simulated yet")
        }
        if let id = p.storageDetails.keys.sorted().first(where: { p.storageDetails[$0]!.evaporationFactor > 0 }) {
            throw SimulationInputError("storage unit \(id): evaporation from storage units is not simulated yet")
        }
        if let id = p.conduitDetails.keys.sorted().first(where: { p.conduitDetails[$0]!.seepageRate > 0 }) {
            throw SimulationInputError("conduit \(id): conduit seepage ([LOSSES] seepage rate) is not simulated yet")
        }
    }
}
