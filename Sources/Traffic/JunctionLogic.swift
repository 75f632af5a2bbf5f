/// Right of way at junctions. Each step, the first vehicles of every approach register the time
/// window in which they will cross their next link (arrival, leave). A vehicle may pass a link when
///
/// - its signal shows green (`G`/`g`), or amber while it cannot stop comfortably (brake gap >
///   distance), or the junction is unsignalised;
/// - no vehicle stands in the conflict area of a foe link (SUMO's `foes` row);
/// - for links that must yield (`g` permissive, `m` minor, `=` equal, `s`/`w` after stopping): no
///   prioritised foe (SUMO's `response` row, foes at red excepted) arrives before this vehicle has
///   left the junction plus the minor time gap, nor is still inside its window;
/// - its exit lane has room for it (no vehicle is allowed to block the junction).
///
/// Left turns with an internal junction (`cont`) enter the junction on green and wait at its
/// internal waiting point for a gap, as in SUMO.
extension TrafficSimulation {
    @inline(__always) static func isRed(_ c: UInt8) -> Bool { c == UInt8(ascii: "r") || c == UInt8(ascii: "u") }

    /// The light (or unsignalised right-of-way letter) of link `k`.
    @inline(__always) func light(_ k: Int) -> UInt8 { graph.linkSignal[k] >= 0 ? linkLight[k] : graph.linkState[k] }

    /// Time (s) until `v`, `seen` metres before the link, reaches it, and until it has left it.
    func crossingWindow(_ v: Int, link k: Int, seen: Double) -> (arrive: Double, leave: Double) {
        let sp = vSpeed[v], a = tAccel[Int(vTypeIdx[v])]
        let firstLane = graph.linkVia[k] >= 0 ? Int(graph.linkVia[k]) : Int(graph.linkTo[k])
        let vPass = max(laneMax(v, firstLane), 1)
        /// Time to cover `d` m from speed sp, accelerating at a up to vPass (or keeping sp if faster).
        func travel(_ d: Double) -> Double {
            if d <= 0 { return 0 }
            if sp >= vPass { return d / sp }
            let t1 = (vPass - sp) / a
            let d1 = sp * t1 + 0.5 * a * t1 * t1
            return d1 >= d ? (-sp + (sp * sp + 2 * a * d).squareRoot()) / a : t1 + (d - d1) / vPass
        }
        let tArr = travel(seen)
        // Links without junction paths (road layers, nets without internal links) cross a nominal
        // 10 m junction.
        let crossing = graph.linkVia[k] >= 0 ? graph.linkLength[k] : 10
        let leave = travel(max(seen, 0) + crossing + tLength[Int(vTypeIdx[v])])
        return (tArr, max(leave, tArr + 0.1))
    }

    /// Registers the crossing windows of the vehicles approaching each link (the first three
    /// vehicles of a lane within 100 m, and vehicles waiting at internal junctions).
    mutating func registerApproaches() {
        guard graph.linkCount > 0 else { return }
        var reg = Registrations()
        swap(&reg.arrival, &regArrival); swap(&reg.leave, &regLeave)
        swap(&reg.waitArrival, &regWaitArrival); swap(&reg.waitLeave, &regWaitLeave)
        do {
            let me = self                        // read-only state for the pass
            me.fillRegistrations(&reg)
        }
        swap(&reg.arrival, &regArrival); swap(&reg.leave, &regLeave)
        swap(&reg.waitArrival, &regWaitArrival); swap(&reg.waitLeave, &regWaitLeave)
    }

    struct Registrations { var arrival: [Double] = [], leave: [Double] = [], waitArrival: [Double] = [], waitLeave: [Double] = [] }

    func fillRegistrations(_ r: inout Registrations) {
        for k in 0..<graph.linkCount {
            r.arrival[k] = .infinity; r.leave[k] = -.infinity; r.waitArrival[k] = .infinity; r.waitLeave[k] = -.infinity
        }
        for l in 0..<graph.laneCount where laneN[l] > 0 {
            let b = Int(laneStart[l])
            let len = graph.laneLength[l]
            if graph.laneInternal[l] {
                let k = Int(graph.internalWaitLink[l])
                guard k >= 0 else { continue }
                let v = Int(slots[b])
                let w = crossingWindow(v, link: k, seen: len - vPos[v])
                r.waitArrival[k] = min(r.waitArrival[k], w.arrive); r.waitLeave[k] = max(r.waitLeave[k], w.leave)
                continue
            }
            for i in 0..<min(3, Int(laneN[l])) {
                let v = Int(slots[b + i])
                let seen = len - vPos[v]
                if seen > 100 { break }
                let k = Int(vLink[v])
                if k < 0 { break }
                let c = light(k)
                if Self.isRed(c) { break }
                if c == UInt8(ascii: "y"), Krauss.brakeGap(vSpeed[v], decel: tDecel[Int(vTypeIdx[v])], dt: options.step) <= seen { break }
                let w = crossingWindow(v, link: k, seen: seen)
                r.arrival[k] = min(r.arrival[k], w.arrive); r.leave[k] = max(r.leave[k], w.leave)
                // A vehicle standing at a link where it must yield holds the vehicles behind it: they
                // cannot arrive before it has gone, so they do not register (else two opposing
                // queues, each yielding to the other's followers, wait for ever).
                if vSpeed[v] < 0.1, !(c == UInt8(ascii: "G") || c == UInt8(ascii: "O") || c == UInt8(ascii: "M")
                                      || (c == UInt8(ascii: "g") && graph.linkCont[k])) { break }
            }
        }
    }

    /// Whether vehicles on link `j` go without yielding to link `k`: a green `G` (or a permissive `g`
    /// that does not yield to k) at a signal, or a link that does not yield to k at a junction without.
    @inline(__always) func hasPriority(_ j: Int, over k: Int) -> Bool {
        if graph.linkSignal[j] >= 0 {
            let c = linkLight[j]
            if c == UInt8(ascii: "G") { return true }
            if c == UInt8(ascii: "g") || c == UInt8(ascii: "O") || c == UInt8(ascii: "o") { return !yields(j, to: k) }
            return false
        }
        return !yields(j, to: k)
    }

    /// Whether link `j` must yield to link `k` (k is in j's response row).
    @inline(__always) func yields(_ j: Int, to k: Int) -> Bool {
        let rs = Int(graph.linkResponseStart[j]), re = Int(graph.linkResponseStart[j + 1])
        for i in rs..<re where Int(graph.linkResponse[i]) == k { return true }
        return false
    }

    /// Whether vehicle `v`, `seen` metres before link `k`, may pass it now. `fromStopLine` is false at
    /// the internal waiting point of a left turn (the signal was passed already).
    func linkOpen(_ v: Int, _ k: Int, seen: Double, fromStopLine: Bool, waitLane: Int = -1) -> Bool {
        var mustYield = false
        if fromStopLine {
            let c = light(k)
            switch c {
            case UInt8(ascii: "r"), UInt8(ascii: "u"): return false
            case UInt8(ascii: "y"):
                if Krauss.brakeGap(vSpeed[v], decel: tDecel[Int(vTypeIdx[v])], dt: options.step) <= seen { return false }
            case UInt8(ascii: "G"), UInt8(ascii: "O"), UInt8(ascii: "M"): break
            case UInt8(ascii: "s"), UInt8(ascii: "w"):
                if vSpeed[v] > 0.2 || seen > 3 { return false }
                mustYield = true
            default: mustYield = !graph.linkCont[k]
            }
        } else {
            mustYield = true
        }
        // Foes standing in the conflict area; at an internal junction also foes that have entered the
        // junction or are about to (SUMO's internal-junction foe lanes).
        let fs = Int(graph.linkFoesStart[k]), fe = Int(graph.linkFoesStart[k + 1])
        for i in fs..<fe {
            let j = Int(graph.linkFoes[i])
            let cl = Int(graph.linkConflictLane[j])
            if cl >= 0, cl != Int(vLane[v]), cl != waitLane, laneN[cl] > 0 { return false }
            guard !fromStopLine else { continue }
            let via = Int(graph.linkVia[j])
            if via >= 0, via != waitLane, laneN[via] > 0, !graph.linkCont[j] || j < k {
                // Two vehicles waiting inside the junction for each other: the lower link index goes first.
                return false
            }
            if !graph.linkCont[j], regArrival[j] < 1.0, hasPriority(j, over: k) { return false }   // a foe about to enter
        }
        if mustYield {
            let w = crossingWindow(v, link: k, seen: seen)
            let rs = Int(graph.linkResponseStart[k]), re = Int(graph.linkResponseStart[k + 1])
            for i in rs..<re {
                let j = Int(graph.linkResponse[i])
                let cl = Int(graph.linkConflictLane[j])
                if cl >= 0, laneN[cl] > 0 { return false }
                if graph.linkSignal[j] >= 0, Self.isRed(linkLight[j]) { continue }
                // Vehicles approaching a link with an internal junction stop there to yield, so only
                // those already waiting at it count.
                if !graph.linkCont[j], regArrival[j] < w.leave + options.timegapMinor && regLeave[j] > w.arrive - 0.5 { return false }
                if (fromStopLine || j < k), regWaitArrival[j] < w.leave + options.timegapMinor && regWaitLeave[j] > w.arrive - 0.5 {
                    return false
                }
            }
        }
        // Room on the exit lane: the vehicles inside the junction on this link, then this one.
        let to = Int(graph.linkTo[k])
        let u = lastOn(to)
        if u >= 0, vSpeed[u] < 1 {
            var need = tLength[Int(vTypeIdx[v])] + tMinGap[Int(vTypeIdx[v])]
            var cur = fromStopLine ? Int(graph.linkVia[k]) : Int(graph.internalNext[waitLane])
            while cur >= 0, graph.laneInternal[cur] {
                let b = Int(laneStart[cur])
                for i in 0..<Int(laneN[cur]) { let x = Int(slots[b + i]); if x != v { need += tLength[Int(vTypeIdx[x])] + tMinGap[Int(vTypeIdx[x])] } }
                cur = Int(graph.internalNext[cur])
            }
            if vPos[u] - tLength[Int(vTypeIdx[u])] < need { return false }
        }
        return true
    }
}
