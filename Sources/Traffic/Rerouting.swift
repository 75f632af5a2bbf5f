/// Re-routing around closures and slow roads (the hook for flood-closed streets): vehicles whose
/// remaining route uses an edge with speed factor 0 get the fastest route from the edge they are
/// on (or entering) to their destination, on travel times with the given factors. Vehicles
/// without an alternative keep their route (and are reported by the return value's complement).
extension TrafficSimulation {
    /// Per-edge speed factors in graph edge order (1 free flow, 0 closed). Returns the number of
    /// vehicles (pending or running) whose route changed.
    @discardableResult
    public mutating func reroute(speedFactors: [Double]) -> Int {
        precondition(speedFactors.count == graph.edgeCount, "reroute: one factor per edge")
        var router = Router(graph: graph)
        router.speedFactor = speedFactors
        var changed = 0
        for v in 0..<vID.count where vState[v] != 2 {
            let start = Int(vRouteStart[v]), len = Int(vRouteLen[v])
            // The first edge that may still change: after the current one, or after the one being
            // entered when the vehicle is inside a junction.
            var keep = Int(vRouteIdx[v])
            if vState[v] == 1, vLane[v] >= 0, graph.laneInternal[Int(vLane[v])] { keep += 1 }
            guard keep < len - 1 else { continue }
            guard (keep + 1..<len).contains(where: { speedFactors[Int(routeEdges[start + $0])] <= 0 }) else { continue }
            let from = Int(routeEdges[start + keep]), dest = Int(routeEdges[start + len - 1])
            guard let path = router.route(from: from, to: dest) else { continue }
            let newRoute = Array(routeEdges[start..<(start + keep)]) + path.map(Int32.init)
            vRouteStart[v] = Int32(routeEdges.count)
            vRouteLen[v] = Int32(newRoute.count)
            routeEdges += newRoute
            if vState[v] == 1, vLane[v] >= 0, !graph.laneInternal[Int(vLane[v])] {
                let r = Int(vRouteIdx[v])
                vLink[v] = Int32(routeLink(v, from: Int(vLane[v]), routeIndex: r))
            }
            changed += 1
        }
        return changed
    }
}
