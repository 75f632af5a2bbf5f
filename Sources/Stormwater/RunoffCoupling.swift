import CityModel

/// Runoff as the source of wet-weather inflow for `StormwaterSimulation`: each call runs one runoff
/// step and returns the flow leaving each subcatchment for its outlet node at the step's end
/// (SWMM's internal ft³/s, indexed like the model's drainage nodes, which is the routing network's order).
extension RunoffModel: RunoffProvider {
    public mutating func step(from time: Double) -> (end: Double, nodeInflow: [Double]) {
        step()
        var q = [Double](repeating: 0, count: nodeCount)
        for s in subs where s.outNode >= 0 { q[s.outNode] += s.newRunoff }
        return (newTime, q)
    }
}

extension StormwaterSimulation {
    /// The runoff model driving this simulation, if it is a ``RunoffModel``.
    public var runoffModel: RunoffModel? { runoff as? RunoffModel }
}
