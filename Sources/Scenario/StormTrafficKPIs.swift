import CityModel
import Report
import SimCore
import Traffic

/// KPIs of the storm with traffic (`processes: [flood, drainage, traffic]`), added to the flood,
/// drainage, dual-drainage and traffic KPIs of the same run.
public enum StormTrafficKPIs {
    public static let roadsGroup = "Flooded roads", lossGroup = "Traffic lost to flooding", ledgerGroup = "Vehicle ledger"

    /// - **Road edges closed by water** (count of directed edges whose sampled depth reached the
    ///   closure depth at some tick), their **length** (m, each direction counted, effective length
    ///   of the edge), **road closures** (closure events; an edge may close again after reopening),
    ///   **first road closure** (min from the start), **closed edge-hours** (Σ time closed, h) and
    ///   **road edges slowed by water** (speed factor < 1, never closed).
    /// - **Vehicles re-routed around flooded roads** (re-routings of the traffic process).
    /// - With the dry baseline (the same demand and seed driven without the storm, as a second pass):
    ///   **vehicle-hours of delay** with and without the storm (Σ time loss of every vehicle that
    ///   entered the network, up to the end of the run), **vehicle-hours lost to flooding** (their
    ///   difference, h; vehicles still waiting to enter at the end are not counted in either, see
    ///   **trips not completed because of flooding** = arrived without − arrived with the storm),
    ///   and the **mean delay** of the arrived trips without the storm (s/veh).
    /// - The engine's vehicle ledger: **vehicles entered**, **arrived**, **on the network at the end**
    ///   and the **vehicle balance error** (entered − arrived − on the network, veh; 0 when every
    ///   vehicle is accounted for).
    public static func kpis(roads: RoadFloodRecord, traffic: TrafficRun, rerouted: Int, dry: TrafficRun?,
                            vehicles: Ledger.Balance?) -> [KPI] {
        let g = roadsGroup
        let closed = roads.closedEdges
        let closures = roads.events.filter { $0.kind == .closed }.count
        var out = [
            KPI(group: g, name: "Road edges closed by water", value: Double(closed.count), unit: "", decimals: 0),
            KPI(group: g, name: "Road length closed by water", value: closed.reduce(0) { $0 + roads.edges[$1].effectiveLength }, unit: "m", decimals: 0),
            KPI(group: g, name: "Road closures", value: Double(closures), unit: "", decimals: 0),
        ]
        if let first = closed.compactMap({ roads.firstClosed[$0] }).min() {
            out.append(KPI(group: g, name: "First road closure", value: first / 60, unit: "min", decimals: 1))
        }
        out += [
            KPI(group: g, name: "Closed edge-hours", value: roads.closedSeconds.reduce(0, +) / 3600, unit: "h", decimals: 2),
            KPI(group: g, name: "Road edges slowed by water", value: Double(roads.edges.indices.filter { roads.minFactor[$0] < 1 && roads.firstClosed[$0] == nil }.count),
                unit: "", decimals: 0),
            KPI(group: g, name: "Vehicles re-routed around flooded roads", value: Double(rerouted), unit: "veh", decimals: 0),
        ]
        if let dry {
            let l = lossGroup
            let wet = traffic.simulation.totalTimeLoss / 3600, base = dry.simulation.totalTimeLoss / 3600
            let arrived = traffic.simulation.counts.arrived, arrivedDry = dry.simulation.counts.arrived
            out += [
                KPI(group: l, name: "Vehicle-hours of delay with the storm", value: wet, unit: "veh·h", decimals: 1),
                KPI(group: l, name: "Vehicle-hours of delay without the storm", value: base, unit: "veh·h", decimals: 1),
                KPI(group: l, name: "Vehicle-hours lost to flooding", value: wet - base, unit: "veh·h", decimals: 1),
                KPI(group: l, name: "Vehicles arrived without the storm", value: Double(arrivedDry), unit: "veh", decimals: 0),
                KPI(group: l, name: "Trips not completed because of flooding", value: Double(arrivedDry - arrived), unit: "veh", decimals: 0),
                KPI(group: l, name: "Mean delay without the storm", value: dry.summary.kpis.mean_delay_s, unit: "s/veh", decimals: 1),
            ]
        }
        if let v = vehicles {
            let l = ledgerGroup
            out += [
                KPI(group: l, name: "Vehicles entered", value: v.inflow, unit: "veh", decimals: 0),
                KPI(group: l, name: "Vehicles arrived", value: v.outflow, unit: "veh", decimals: 0),
                KPI(group: l, name: "Vehicles on the network at the end", value: v.storedCurrent, unit: "veh", decimals: 0),
                KPI(group: l, name: "Vehicle balance error", value: v.absoluteError, unit: "veh", decimals: 0),
            ]
        }
        return out
    }
}
