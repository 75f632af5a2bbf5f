/// Flow-routing continuity as SWMM 5.2 reports it (`massbal.c`): volumes (ft³) of each inflow and
/// outflow term, accumulated every routing step half before and half after the step (trapezoidal),
/// and the continuity error 100·(1 − Out/In).
public struct RoutingContinuity: Sendable, Hashable, Codable {
    public var dryWeatherInflow = 0.0
    public var wetWeatherInflow = 0.0
    public var groundwaterInflow = 0.0
    public var rdiiInflow = 0.0
    public var externalInflow = 0.0
    public var externalOutflow = 0.0
    public var floodingLoss = 0.0
    public var evaporationLoss = 0.0
    public var seepageLoss = 0.0
    public var initialStorage = 0.0
    public var finalStorage = 0.0

    public init() {}

    /// 100·(1 − Out/In), with negative terms moved to the other side; ≈0 when |In − Out| < 1 ft³.
    public var errorPercent: Double {
        var inflow = initialStorage + wetWeatherInflow + rdiiInflow
        var outflow = finalStorage + floodingLoss + evaporationLoss + seepageLoss
        for v in [dryWeatherInflow, groundwaterInflow, externalInflow] { if v >= 0 { inflow += v } else { outflow -= v } }
        if externalOutflow >= 0 { outflow += externalOutflow } else { inflow -= externalOutflow }
        if abs(inflow - outflow) < 1 { return 0 }
        if inflow > 0 { return 100 * (1 - outflow / inflow) }
        if outflow > 0 { return 100 * (inflow / outflow - 1) }
        return 0
    }
}

/// Per-step flow totals (cfs) that the continuity integrates.
struct StepFlows: Sendable, Codable {
    var dryWeather = 0.0, wetWeather = 0.0, external = 0.0, outflow = 0.0, flooding = 0.0
    var evaporation = 0.0, seepage = 0.0
}

/// Routing statistics taken every routing step (SWMM `stats.c`): node maximum depth, flooding
/// volume and hours, link peak |flow|, outfall peak inflow and volume. Internal units (ft, ft³, cfs, s).
public struct RoutingStatistics: Sendable, Hashable, Codable {
    public var nodeMaxDepth: [Double]
    public var nodeFloodVolume: [Double]
    public var nodeFloodSeconds: [Double]
    public var linkPeakFlow: [Double]
    public var outfallPeakInflow: [Double]
    public var outfallVolume: [Double]
    public var outfallFlowPeriods: [Int]
    public var routingSteps = 0
    public var minStep = Double.infinity, maxStep = 0.0, totalStepSeconds = 0.0

    init(nodes: Int, links: Int) {
        nodeMaxDepth = Array(repeating: 0, count: nodes)
        nodeFloodVolume = nodeMaxDepth; nodeFloodSeconds = nodeMaxDepth
        linkPeakFlow = Array(repeating: 0, count: links)
        outfallPeakInflow = nodeMaxDepth; outfallVolume = nodeMaxDepth
        outfallFlowPeriods = Array(repeating: 0, count: nodes)
    }

    /// Records the state after a routing step of dt seconds.
    mutating func update(_ r: FlowRouter, dt: Double) {
        routingSteps += 1
        minStep = min(minStep, dt); maxStep = max(maxStep, dt); totalStepSeconds += dt
        let net = r.net
        for i in 0..<net.nodeCount {
            if r.newDepth[i] > nodeMaxDepth[i] { nodeMaxDepth[i] = r.newDepth[i] }
            if net.nodeKind[i] == .outfall {
                let q = r.inflow[i]
                if q > outfallPeakInflow[i] { outfallPeakInflow[i] = q }
                if q >= 0.001 { outfallFlowPeriods[i] += 1 }
                outfallVolume[i] += q * dt
            } else if r.newVolume[i] > net.fullVolume[i] || r.overflow[i] > 0 {
                nodeFloodSeconds[i] += dt
                nodeFloodVolume[i] += r.overflow[i] * dt
            }
        }
        for j in 0..<net.linkCount {
            let q = abs(r.newFlow[j])
            if q > linkPeakFlow[j] { linkPeakFlow[j] = q }
        }
    }
}
