/// Shortest-travel-time routing on the edge graph (Dijkstra with a binary heap, O((E + C) log E)
/// for E edges and C edge-to-edge connections).
///
/// An edge costs its length over its speed limit times `speedFactor[e]` (1 free flow; 0 closed, as
/// the `roadSpeedFactor` exchange field gives after flooding), plus the length of the junction
/// path to the next edge at that edge's speed. `closed` edges are never used: this is the hook for
/// re-routing around closures.
public struct Router: Sendable {
    public let graph: RoadGraph
    /// Per-edge multiplier of the speed limit (1 = free flow, 0 = closed).
    public var speedFactor: [Double]
    var successors: [[(edge: Int32, extra: Double)]]

    public init(graph: RoadGraph) {
        self.graph = graph
        speedFactor = Array(repeating: 1, count: graph.edgeCount)
        successors = Array(repeating: [], count: graph.edgeCount)
        for k in 0..<graph.linkCount {
            let from = Int(graph.laneEdge[Int(graph.linkFrom[k])])
            let to = graph.linkToEdge[k]
            if let i = successors[from].firstIndex(where: { $0.edge == to }) {
                successors[from][i].extra = min(successors[from][i].extra, graph.linkLength[k])
            } else { successors[from].append((to, graph.linkLength[k])) }
        }
    }

    /// Free-flow travel time (s) of edge `e` at its speed factor, or infinity when closed.
    public func cost(_ e: Int) -> Double {
        let f = speedFactor[e]
        guard f > 0 else { return .infinity }
        let l = Int(graph.edgeLaneStart[e])
        return graph.laneLength[l] / (graph.laneSpeed[l] * f)
    }

    /// The fastest route from edge `from` to edge `to` (both included), or nil when unreachable.
    public mutating func route(from: Int, to: Int) -> [Int]? {
        guard cost(to).isFinite else { return nil }          // a closed start edge may still be left
        if from == to { return [from] }
        let n = graph.edgeCount
        var dist = Array(repeating: Double.infinity, count: n)
        var prev = Array(repeating: -1, count: n)
        let c0 = cost(from).isFinite ? cost(from) : 0
        var heap: [(Double, Int)] = [(c0, from)]
        dist[from] = c0
        func push(_ x: (Double, Int)) {
            heap.append(x)
            var i = heap.count - 1
            while i > 0 { let p = (i - 1) / 2; if heap[p].0 <= heap[i].0 { break }; heap.swapAt(p, i); i = p }
        }
        func pop() -> (Double, Int) {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let a = 2 * i + 1, b = a + 1
                    var m = i
                    if a < heap.count, heap[a].0 < heap[m].0 { m = a }
                    if b < heap.count, heap[b].0 < heap[m].0 { m = b }
                    if m == i { break }
                    heap.swapAt(i, m); i = m
                }
            }
            return top
        }
        while !heap.isEmpty {
            let (d, e) = pop()
            if d > dist[e] { continue }
            if e == to { break }
            for s in successors[e] {
                let t = Int(s.edge)
                let c = cost(t)
                guard c.isFinite else { continue }
                let speed = graph.laneSpeed[Int(graph.edgeLaneStart[t])] * speedFactor[t]
                let nd = d + c + s.extra / max(speed, 0.1)
                if nd < dist[t] { dist[t] = nd; prev[t] = e; push((nd, t)) }
            }
        }
        guard dist[to].isFinite else { return nil }
        var path = [to]
        var e = to
        while e != from { e = prev[e]; path.append(e) }
        return path.reversed()
    }
}
