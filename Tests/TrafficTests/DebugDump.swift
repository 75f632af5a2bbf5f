@testable import Traffic
import CityIO
import CityModel
import Foundation
import Testing

@Test(.enabled(if: ProcessInfo.processInfo.environment["TRAFFIC_DEBUG"] != nil))
func debugDump() throws {
    let env = ProcessInfo.processInfo.environment
    let dir = env["TRAFFIC_DEBUG"]!
    let net = try SumoNetReader.read(path: dir + "/net.net.xml")
    let dem = try SumoRouteReader.read(path: dir + "/rou.xml")
    let g = try RoadGraph(net)
    var sim = try TrafficSimulation(graph: g, demand: dem.demand)
    let until = Double(env["T"] ?? "2000")!
    sim.run(until: until)
    let prefix = env["LANES"] ?? ":A0"
    let pats = prefix.split(separator: ",").map(String.init)
    for l in 0..<g.laneCount where pats.contains(where: { g.laneIDs[l].hasPrefix($0) }) && sim.laneN[l] > 0 {
        var s = "\(g.laneIDs[l]) len \(g.laneLength[l]):"
        let b = Int(sim.laneStart[l])
        for i in 0..<Int(sim.laneN[l]) {
            let v = Int(sim.slots[b + i])
            let k = Int(sim.vLink[v])
            let ls = k >= 0 ? "\(g.laneIDs[Int(g.linkTo[k])])" : "-"
            s += " [\(sim.vID[v]) p=\(String(format: "%.1f", sim.vPos[v])) v=\(String(format: "%.1f", sim.vSpeed[v])) st=\(Int(sim.vStanding[v])) r=\(sim.vRouteIdx[v]) ->\(ls)]"
        }
        print(s)
    }
    print(sim.signalStates["A0"] ?? "")
    for c in sim.collisionLog { print(c) }
}
