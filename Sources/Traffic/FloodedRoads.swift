/// Speed caps from outside the traffic model (the hook for flooded streets): the coupler computes
/// a maximum speed per edge from the water on it and a closure flag; closed edges are avoided by
/// re-routing (`reroute(speedFactors:)`), and vehicles already on them crawl out at their cap.
extension TrafficSimulation {
    /// Caps the speed on every lane of each edge (m/s, graph edge order; +∞ for no cap) and, when
    /// `rerouteOnClosure` and some edge has factor 0, re-routes vehicles around the closed edges
    /// on travel times scaled by `speedFactors` (1 free, 0 closed). Returns the vehicles re-routed.
    @discardableResult
    public mutating func setEdgeSpeeds(caps: [Double], speedFactors: [Double], rerouteOnClosure: Bool = true) -> Int {
        precondition(caps.count == graph.edgeCount && speedFactors.count == graph.edgeCount, "setEdgeSpeeds: one value per edge")
        for e in 0..<graph.edgeCount {
            let start = Int(graph.edgeLaneStart[e])
            for l in start..<(start + Int(graph.edgeLaneCount[e])) { laneSpeedCap[l] = caps[e] }
        }
        guard rerouteOnClosure, speedFactors.contains(where: { $0 <= 0 }) else { return 0 }
        return reroute(speedFactors: speedFactors)
    }
}
