import Foundation

/// The run summary, with the key names of SUMO's reference results (`shared/reference/sumo/*/
/// result.json`) so both can be compared field by field. Times in s, lengths in m.
public struct TrafficSummary: Codable, Sendable, Hashable {
    public struct Vehicles: Codable, Sendable, Hashable {
        public var loaded: Int, inserted: Int, running: Int, waiting: Int, arrived: Int
    }
    public struct Teleports: Codable, Sendable, Hashable { public var total: Int }
    public struct Trips: Codable, Sendable, Hashable {
        public var arrived: Int
        public var mean_travel_time_s: Double
        public var mean_waiting_time_s: Double
        public var mean_time_loss_s: Double
        public var mean_depart_delay_s: Double
        public var mean_route_length_m: Double
        public var mean_waiting_count: Double
        public var total_travel_time_h: Double
    }
    /// Network indicators: vehicle-hours driven, mean delay per arrived trip (s), and the
    /// congestion index Σ travel time / Σ free-flow travel time of the arrived trips.
    public struct KPIs: Codable, Sendable, Hashable {
        public var vehicle_hours: Double
        public var mean_delay_s: Double
        public var congestion_index: Double
    }
    public var engine = "citytwin"
    public var simulated_s: Double
    public var step_length_s: Double
    public var seed: UInt64
    public var threads: Int
    public var vehicles: Vehicles
    public var vehicle_steps: Int
    public var trips: Trips
    public var teleports: Teleports
    public var collisions: Int
    public var emergency_braking: Int
    public var kpis: KPIs
    /// CPU seconds of the simulation loop (all threads), and vehicle updates per CPU second.
    public var cpu_time_s: Double
    public var ups_cpu: Double
}

/// One finished trip (SUMO tripinfo fields).
public struct TripRecord: Codable, Sendable, Hashable {
    public var id: String
    public var depart: Double
    public var arrival: Double
    public var duration: Double
    public var routeLength: Double
    public var waitingTime: Double
    public var waitingCount: Int
    public var timeLoss: Double
    public var departDelay: Double
}

extension TrafficSimulation {
    /// The finished trips, in arrival order.
    public var tripRecords: [TripRecord] {
        stats.arrivals.map { r in
            let v = Int(r)
            return TripRecord(id: vID[v], depart: vDepart[v], arrival: vArrival[v], duration: vArrival[v] - vDepart[v],
                              routeLength: vDistance[v], waitingTime: vWaiting[v], waitingCount: Int(vWaitCount[v]),
                              timeLoss: vTimeLoss[v], departDelay: vDepart[v] - vDepartPlanned[v])
        }
    }

    /// The summary of the run so far; `cpuSeconds` is the measured CPU time of the loop.
    public func summary(cpuSeconds: Double) -> TrafficSummary {
        let trips = tripRecords
        let n = Double(max(trips.count, 1))
        func mean(_ f: (TripRecord) -> Double) -> Double { trips.isEmpty ? 0 : trips.reduce(0) { $0 + f($1) } / n }
        var free = 0.0, travel = 0.0
        for r in stats.arrivals { let v = Int(r); free += vFreeTime[v]; travel += vArrival[v] - vDepart[v] }
        return TrafficSummary(
            simulated_s: time, step_length_s: options.step, seed: options.seed, threads: options.threads,
            vehicles: .init(loaded: counts.loaded, inserted: counts.inserted, running: counts.running, waiting: counts.waiting,
                            arrived: counts.arrived),
            vehicle_steps: vehicleSteps,
            trips: .init(arrived: trips.count, mean_travel_time_s: mean(\.duration), mean_waiting_time_s: mean(\.waitingTime),
                         mean_time_loss_s: mean(\.timeLoss), mean_depart_delay_s: mean(\.departDelay),
                         mean_route_length_m: mean(\.routeLength), mean_waiting_count: mean { Double($0.waitingCount) },
                         total_travel_time_h: trips.reduce(0) { $0 + $1.duration } / 3600),
            teleports: .init(total: counts.teleports), collisions: counts.collisions, emergency_braking: counts.emergencyBrakings,
            kpis: .init(vehicle_hours: Double(vehicleSteps) * options.step / 3600, mean_delay_s: mean(\.timeLoss),
                        congestion_index: free > 0 ? travel / free : 1),
            cpu_time_s: cpuSeconds, ups_cpu: cpuSeconds > 0 ? Double(vehicleSteps) / cpuSeconds : 0)
    }

    /// Finished trips as CSV (one header line), numbers with 2 decimals.
    public func tripinfoCSV() -> String {
        var s = "id,depart,arrival,duration,route_length,waiting_time,waiting_count,time_loss,depart_delay\n"
        for t in tripRecords {
            s += "\(t.id),\(f2(t.depart)),\(f2(t.arrival)),\(f2(t.duration)),\(f2(t.routeLength)),\(f2(t.waitingTime)),\(t.waitingCount),\(f2(t.timeLoss)),\(f2(t.departDelay))\n"
        }
        return s
    }

    /// Per-edge interval aggregates as CSV.
    public func edgeDataCSV() -> String {
        var s = "begin,end,edge,entered,flow_veh_h,mean_speed_m_s,density_veh_km_lane,occupancy_pct\n"
        for r in stats.edgeIntervals {
            s += "\(f2(r.begin)),\(f2(r.end)),\(r.edge),\(r.entered),\(f2(r.flow)),\(r.meanSpeed.isNaN ? "" : f2(r.meanSpeed)),\(f2(r.density)),\(f2(r.occupancy))\n"
        }
        return s
    }

    /// Per-approach queues, delays and level of service as CSV.
    public func approachCSV() -> String {
        var s = "junction,edge,vehicles,queue_max_m,queue_p95_m,delay_s_per_veh,los\n"
        for a in stats.approaches {
            s += "\(a.junction),\(a.edge),\(a.vehicles),\(f2(a.queueMax)),\(f2(a.queueP95)),\(f2(a.delay)),\(a.levelOfService)\n"
        }
        return s
    }

    /// Closes the open edge interval (call once at the end of a run).
    public mutating func finishIntervals() { stats.closeInterval(at: time, force: true) }
}

@inline(__always) func f2(_ x: Double) -> String { String(format: "%.2f", x) }
