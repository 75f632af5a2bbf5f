import CityIO
import CityModel
import Foundation
import Testing
import TestSupport
import Traffic

/// Side by side with SUMO 1.28.0 on the reference grids (`shared/reference/sumo/gridN`: the net,
/// the routes and SUMO's results). Targets of issue 5: all vehicles inserted and accounted for, no
/// collisions, mean travel time and mean time loss within 10 % of SUMO's, arrived within 2 %.
/// Release build (scripts/test); a few seconds per grid.
@Suite struct SumoGridTests {
    struct Reference {
        var loaded: Int, inserted: Int, arrived: Int, travel: Double, loss: Double
    }

    static func reference(_ dir: String) throws -> Reference {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/result.json"))
        let o = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let v = try #require(o["vehicles"] as? [String: Any]), t = try #require(o["trips"] as? [String: Any])
        return Reference(loaded: v["loaded"] as! Int, inserted: v["inserted"] as! Int, arrived: t["arrived"] as! Int,
                         travel: t["mean_travel_time_s"] as! Double, loss: t["mean_time_loss_s"] as! Double)
    }

    static func run(_ dir: String, threads: Int = 1) throws -> (TrafficSimulation, TrafficSummary) {
        let net = try SumoNetReader.read(path: dir + "/net.net.xml")
        let known = Set(net.edges.filter { $0.function == .normal }.map(\.id))
        let demand = try SumoRouteReader.read(path: dir + "/rou.xml", knownEdges: known).demand
        var opts = TrafficOptions()
        opts.threads = threads
        var sim = try TrafficSimulation(graph: try RoadGraph(net), demand: demand, options: opts)
        sim.run(until: 3600)
        return (sim, sim.summary(cpuSeconds: 0))
    }

    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"), arguments: ["grid4", "grid10"])
    func matchesSumo(grid: String) throws {
        let dir = sharedReference! + "/sumo/" + grid
        let ref = try Self.reference(dir)
        let (sim, s) = try Self.run(dir)
        print("TRAFFIC \(grid): arrived \(s.vehicles.arrived) (SUMO \(ref.arrived)), travel time \(s.trips.mean_travel_time_s) s (SUMO \(ref.travel)), " +
              "time loss \(s.trips.mean_time_loss_s) s (SUMO \(ref.loss)), teleports \(s.teleports.total), collisions \(s.collisions)")
        // Accounted for: every loaded vehicle is inserted (or waiting for room), then running or arrived.
        #expect(s.vehicles.loaded == ref.loaded)
        #expect(s.vehicles.inserted + s.vehicles.waiting == s.vehicles.loaded)
        #expect(s.vehicles.arrived + s.vehicles.running == s.vehicles.inserted)
        #expect(sim.vehiclesOnLanes == s.vehicles.running)
        #expect(Double(s.vehicles.inserted) >= 0.999 * Double(ref.inserted), "inserted \(s.vehicles.inserted), SUMO \(ref.inserted)")
        #expect(s.collisions == 0)
        #expect(abs(Double(s.vehicles.arrived - ref.arrived)) / Double(ref.arrived) <= 0.02)
        #expect(abs(s.trips.mean_travel_time_s - ref.travel) / ref.travel <= 0.10)
        #expect(abs(s.trips.mean_time_loss_s - ref.loss) / ref.loss <= 0.10)
    }

    /// Same seed and thread count → byte-identical outputs; 1 and 2 threads agree too.
    @Test(.enabled(if: sharedReference != nil, "needs ../shared/reference"))
    func deterministic() throws {
        let dir = sharedReference! + "/sumo/grid4"
        let (a, _) = try Self.run(dir, threads: 1)
        let (b, _) = try Self.run(dir, threads: 1)
        let (c, _) = try Self.run(dir, threads: 2)
        #expect(a.tripinfoCSV() == b.tripinfoCSV())
        #expect(a.tripinfoCSV() == c.tripinfoCSV())
        #expect(a.approachCSV() == c.approachCSV() && a.edgeDataCSV() == c.edgeDataCSV())
    }
}
