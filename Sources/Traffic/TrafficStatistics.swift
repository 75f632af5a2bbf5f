/// Outputs of a traffic run, accumulated during the steps:
///
/// - **per trip** (from the vehicle table): depart, arrival, travel time, route length, waiting
///   time (s at ≤ 0.1 m/s) and stops, time loss Σ Δt·(1 − v/v_ideal), depart delay (SUMO tripinfo);
/// - **per edge and interval**: vehicles entered, flow (veh/h), mean speed (m/s, sampled distance ÷
///   sampled time), density (veh/km per lane) and occupancy (% of lane length covered);
/// - **per junction approach** (an edge ending at a junction): queue length (m from the stop line
///   to the back of the last standing vehicle of the queue) sampled every step, its maximum and 95th
///   percentile, mean delay per vehicle (s of time loss on the approach per vehicle that left it)
///   and the level of service from that delay (HCM 6th ed. thresholds: signalised 10/20/35/55/80 s,
///   unsignalised 10/15/25/35/50 s).
public struct TrafficStatistics: Sendable {
    public struct EdgeInterval: Sendable, Hashable, Codable {
        public var begin: Double, end: Double
        public var edge: String
        public var entered: Int
        /// veh/h entering the edge.
        public var flow: Double
        /// m/s; NaN without samples.
        public var meanSpeed: Double
        /// veh/km per lane.
        public var density: Double
        /// % of the lane length covered by vehicles.
        public var occupancy: Double
    }

    public struct Approach: Sendable, Hashable, Codable {
        public var edge: String
        public var junction: String
        public var vehicles: Int
        public var queueMax: Double
        public var queueP95: Double
        /// Mean delay (time loss) per vehicle on the approach (s).
        public var delay: Double
        public var levelOfService: String
    }

    let edgeIDs: [String]
    let edgeLanes: [Int]
    let edgeLength: [Double]
    let edgeInternal: [Bool]
    let interval: Double?
    var intervalBegin = 0.0
    var seconds: [Double]
    var distance: [Double]
    var occupied: [Double]
    var enteredCount: [Int]
    public internal(set) var edgeIntervals: [EdgeInterval] = []

    // Approaches.
    let approachOf: [Int32]              // edge → approach index or −1
    let approachEdge: [Int32]
    let approachJunction: [String]
    let approachSignalised: [Bool]
    var approachDelay: [Double]
    var approachLeft: [Int]
    var queueMax: [Double]
    var queueHistogram: [Int32]          // 1 m bins, approach a at queueBinStart[a]..<queueBinStart[a + 1]
    var queueBinStart: [Int]
    /// Vehicles in arrival order.
    public internal(set) var arrivals: [Int32] = []

    init(graph: RoadGraph, interval: Double?) {
        let n = graph.edgeCount
        edgeIDs = graph.edgeIDs
        edgeLanes = (0..<n).map { Int(graph.edgeLaneCount[$0]) }
        edgeLength = (0..<n).map { graph.laneLength[Int(graph.edgeLaneStart[$0])] }
        edgeInternal = graph.edgeInternal
        self.interval = interval
        seconds = Array(repeating: 0, count: n); distance = seconds; occupied = seconds
        enteredCount = Array(repeating: 0, count: n)
        var aOf = Array(repeating: Int32(-1), count: n)
        var aEdge: [Int32] = [], aJ: [String] = [], aSig: [Bool] = []
        for e in 0..<n where !graph.edgeInternal[e] {
            let ls = graph.lanes(of: e)
            guard ls.contains(where: { !graph.links(of: $0).isEmpty }) else { continue }
            aOf[e] = Int32(aEdge.count); aEdge.append(Int32(e))
            let j = Int(graph.edgeToJunction[e])
            aJ.append(j >= 0 ? graph.junctionIDs[j] : "")
            aSig.append(ls.contains { l in graph.links(of: l).contains { graph.linkSignal[$0] >= 0 } })
        }
        approachOf = aOf; approachEdge = aEdge; approachJunction = aJ; approachSignalised = aSig
        approachDelay = Array(repeating: 0, count: aEdge.count)
        approachLeft = Array(repeating: 0, count: aEdge.count)
        queueMax = approachDelay
        var starts = [0]
        for e in aEdge { starts.append(starts.last! + Int(graph.laneLength[Int(graph.edgeLaneStart[Int(e)])]) + 2) }
        queueBinStart = starts
        queueHistogram = Array(repeating: 0, count: starts.last!)
    }

    @inline(__always) mutating func sample(edge e: Int, seconds dt: Double, distance d: Double, internal: Bool) {
        seconds[e] += dt; distance[e] += d
    }

    @inline(__always) mutating func addDelay(approach a: Int, _ loss: Double) {
        if a >= 0 { approachDelay[a] += loss }
    }

    @inline(__always) mutating func leftApproach(edge e: Int) {
        let a = Int(approachOf[e])
        if a >= 0 { approachLeft[a] += 1 }
    }

    @inline(__always) mutating func entered(edge e: Int) { enteredCount[e] += 1 }

    mutating func arrived(_ v: Int32) { arrivals.append(v) }

    /// Records one step's queue (m) on every approach (`q` in approach order).
    mutating func recordQueues(_ q: UnsafeBufferPointer<Double>) {
        let starts = queueBinStart
        queueMax.withUnsafeMutableBufferPointer { mx in
            queueHistogram.withUnsafeMutableBufferPointer { h in
                for a in 0..<q.count {
                    let x = q[a]
                    if x > mx[a] { mx[a] = x }
                    h[starts[a] + min(Int(x.rounded()), starts[a + 1] - 1 - starts[a])] += 1
                }
            }
        }
    }

    /// Closes the current edge interval when `time` reached its end (or always with `force`).
    mutating func closeInterval(at time: Double, force: Bool) {
        guard let iv = interval, iv > 0 else { return }
        guard force ? time > intervalBegin + 1e-9 : time >= intervalBegin + iv - 1e-9 else { return }
        let span = time - intervalBegin
        for e in 0..<edgeIDs.count where !edgeInternal[e] && (seconds[e] > 0 || enteredCount[e] > 0) {
            let laneKm = Double(edgeLanes[e]) * edgeLength[e] / 1000
            edgeIntervals.append(EdgeInterval(
                begin: intervalBegin, end: time, edge: edgeIDs[e], entered: enteredCount[e],
                flow: Double(enteredCount[e]) * 3600 / span,
                meanSpeed: seconds[e] > 0 ? distance[e] / seconds[e] : .nan,
                density: laneKm > 0 ? seconds[e] / span / laneKm : 0,
                occupancy: laneKm > 0 ? 100 * seconds[e] * 7.5 / span / (laneKm * 1000) : 0))
        }
        for e in 0..<edgeIDs.count { seconds[e] = 0; distance[e] = 0; enteredCount[e] = 0 }
        intervalBegin = time
    }

    /// The per-approach results.
    public var approaches: [Approach] {
        (0..<approachEdge.count).map { a in
            let h = queueHistogram[queueBinStart[a]..<queueBinStart[a + 1]]
            let total = h.reduce(0) { $0 + Int($1) }
            var p95 = 0.0
            if total > 0 {
                let target = Int((0.95 * Double(total)).rounded(.up))
                var acc = 0
                for (i, c) in h.enumerated() { acc += Int(c); if acc >= target { p95 = Double(i); break } }
            }
            let delay = approachLeft[a] > 0 ? approachDelay[a] / Double(approachLeft[a]) : 0
            return Approach(edge: edgeIDs[Int(approachEdge[a])], junction: approachJunction[a], vehicles: approachLeft[a],
                            queueMax: queueMax[a], queueP95: p95, delay: delay,
                            levelOfService: Self.levelOfService(delay: delay, signalised: approachSignalised[a]))
        }
    }

    /// HCM level of service from control delay (s/veh).
    public static func levelOfService(delay: Double, signalised: Bool) -> String {
        let t: [Double] = signalised ? [10, 20, 35, 55, 80] : [10, 15, 25, 35, 50]
        for (i, x) in t.enumerated() where delay <= x { return String(UnicodeScalar(UInt8(65 + i))) }
        return "F"
    }
}

extension TrafficSimulation {
    /// Records the queue on every junction approach (the longest over its lanes).
    mutating func sampleQueues() {
        var buffer: [Double] = []
        swap(&buffer, &queueScratch)
        buffer.removeAll(keepingCapacity: true)
        for a in 0..<stats.approachEdge.count { buffer.append(queue(onApproach: a)) }
        buffer.withUnsafeBufferPointer { stats.recordQueues($0) }
        swap(&buffer, &queueScratch)
    }

    /// The queue (m from the stop line to the back of the last standing vehicle, the longest over
    /// the lanes) on every junction approach now, in the order of `stats.approaches`.
    public func approachQueues() -> [Double] {
        (0..<stats.approachEdge.count).map { queue(onApproach: $0) }
    }

    /// The queue on approach `a` now: on each lane, the standing vehicles (speed under 0.1 m/s) from
    /// the lane's first vehicle back, measured from the stop line to the last one's back; the
    /// longest over the lanes.
    private func queue(onApproach a: Int) -> Double {
        var q = 0.0
        for l in graph.lanes(of: Int(stats.approachEdge[a])) where laneN[l] > 0 {
            let b = Int(laneStart[l])
            var back = -1.0
            for i in 0..<Int(laneN[l]) {
                let v = Int(slots[b + i])
                guard vSpeed[v] < 0.1 else { break }
                back = vPos[v] - tLength[Int(vTypeIdx[v])]
            }
            if back >= -0.5 { q = max(q, graph.laneLength[l] - max(back, 0)) }
        }
        return q
    }

    /// Σ time loss (s) of every vehicle inserted so far, arrived or running.
    public var totalTimeLoss: Double {
        var s = 0.0
        for v in vTimeLoss.indices where vState[v] != 0 { s += vTimeLoss[v] }
        return s
    }
}
