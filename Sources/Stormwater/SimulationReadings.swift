import CityModel

/// Read-only views of a running `StormwaterSimulation` in SI units, for recorders and reports
/// (the engine keeps SWMM's internal US units; these convert at the boundary).
extension StormwaterSimulation {
    /// m per ft, m³ per ft³ (exact).
    static let metresPerFoot = 0.3048
    static let cubicMetresPerCubicFoot = 0.3048 * 0.3048 * 0.3048

    /// Node IDs in the network's order (the order of every per-node array below).
    public var nodeIDs: [String] { router.net.nodeIDs }
    /// Link IDs in the network's order.
    public var linkIDs: [String] { router.net.linkIDs }
    /// True for outfall nodes.
    public var isOutfall: [Bool] { router.net.nodeKind.map { $0 == .outfall } }

    /// Current total inflow into each node (m³/s, ≥ 0 in normal flow); at an outfall this is the
    /// flow leaving the system there.
    public var nodeInflowSI: [Double] { router.inflow.map { $0 * Self.cubicMetresPerCubicFoot } }
    /// Current water depth above each node's invert (m).
    public var nodeDepthSI: [Double] { router.newDepth.map { $0 * Self.metresPerFoot } }
    /// Current flow in each link (m³/s, all barrels; positive from the link's first to its second node).
    public var linkFlowSI: [Double] { router.newFlow.map { $0 * Self.cubicMetresPerCubicFoot } }

    /// Current flooding rate of each node (m³/s, water leaving the network at the node).
    public var nodeOverflowSI: [Double] { router.overflow.map { $0 * Self.cubicMetresPerCubicFoot } }

    /// Ends a run driven by `step(until:)`: books the final storage for the continuity totals (as
    /// `run()` does at its end).
    public mutating func finishRun() { finish() }

    /// Flooding volume of each node so far (m³, water lost from the network at the node).
    public var nodeFloodVolumeSI: [Double] { statistics.nodeFloodVolume.map { $0 * Self.cubicMetresPerCubicFoot } }
    /// Time each node has been flooded so far (s).
    public var nodeFloodSeconds: [Double] { statistics.nodeFloodSeconds }
    /// Maximum depth of each node so far (m).
    public var nodeMaxDepthSI: [Double] { statistics.nodeMaxDepth.map { $0 * Self.metresPerFoot } }
    /// Peak absolute flow of each link so far (m³/s).
    public var linkPeakFlowSI: [Double] { statistics.linkPeakFlow.map { $0 * Self.cubicMetresPerCubicFoot } }
    /// Volume through each outfall so far (m³; 0 for other nodes).
    public var outfallVolumeSI: [Double] { statistics.outfallVolume.map { $0 * Self.cubicMetresPerCubicFoot } }
    /// Peak inflow of each outfall so far (m³/s; 0 for other nodes).
    public var outfallPeakSI: [Double] { statistics.outfallPeakInflow.map { $0 * Self.cubicMetresPerCubicFoot } }

    /// True for each non-outfall node whose maximum water level so far rose above the crown of the
    /// highest conduit connected to it (SWMM's node surcharge), by more than 1 mm.
    public var nodeSurcharged: [Bool] {
        let n = router.net
        return (0..<n.nodeCount).map { i in
            n.nodeKind[i] != .outfall && n.invert[i] + statistics.nodeMaxDepth[i] > n.crownElev[i] + 0.001 / Self.metresPerFoot
        }
    }

    /// Full capacity of each link (m³/s, all barrels, full-pipe Manning flow); 0 for non-conduits.
    public var linkFullFlowSI: [Double] {
        let n = router.net
        return (0..<n.linkCount).map { j in
            n.linkKind[j] == .conduit ? n.conduit[j].qFull * n.barrels[j] * Self.cubicMetresPerCubicFoot : 0
        }
    }

    /// Simulated run length (s).
    public var durationSeconds: Double { duration }
}
