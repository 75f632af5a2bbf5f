import CityModel

/// The parts of a SWMM-style run summary that runoff provides, with the key names of the reference
/// summaries (`continuity.runoff_error_pct`, `subcatchments.{ID}.…`), in the model's own units.
public enum RunoffSummary {
    /// `subcatchments` entries: precipitation depth (in or mm), volumes (ft³ or m³), peak runoff (flow units).
    public static func subcatchments(_ r: RunoffModel) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for (id, s) in r.statistics {
            out[id] = .object([
                "precip_depth": .number(s.precipitation), "runon_volume": .number(s.runon),
                "evap_volume": .number(s.evaporation), "infil_volume": .number(s.infiltration),
                "runoff_volume": .number(s.runoff), "imperv_runoff_volume": .number(s.imperviousRunoff),
                "perv_runoff_volume": .number(s.perviousRunoff), "peak_runoff": .number(s.peakRunoff),
            ])
        }
        return .object(out)
    }

    /// Runoff continuity terms (model volume units) and the error (%).
    public static func continuity(_ r: RunoffModel) -> JSONValue {
        let c = r.continuity
        return .object([
            "rainfall": .number(c.rainfall), "evaporation": .number(c.evaporation), "infiltration": .number(c.infiltration),
            "runoff": .number(c.runoff), "initial_storage": .number(c.initialStorage), "final_storage": .number(c.finalStorage),
            "error_pct": .number(c.errorPercent),
        ])
    }
}
