/// Lane changing, after the movement of a step (as SUMO's LC2013 in outline):
///
/// 1. **Strategic**: a vehicle on a lane without a link to the next edge of its route changes
///    towards the nearest lane that has one. When the gap is not safe and the lane end is near, it
///    asks the follower on the target lane to open a gap (cooperative), and two vehicles standing
///    side by side that each need the other's lane swap.
/// 2. **Speed gain**: a vehicle held back by its leader changes to a neighbour lane that serves its
///    route when the speed it could drive there is higher by more than 0.5 m/s (at most one
///    change every 3 s, not in the last 20 m before the junction).
///
/// A change is safe when the vehicle need not brake harder than `decel` behind its new leader and
/// its new follower need not brake harder than its own `decel`. Changes are instantaneous and
/// applied in lane order, front to back, so the result does not depend on threads.
extension TrafficSimulation {
    mutating func changeLanes(at time: Double) {
        for k in yieldingRows { vYieldTo[Int(k)] = -1 }
        yieldingRows.removeAll(keepingCapacity: true)
        for l in 0..<graph.laneCount where laneN[l] > 0 && !graph.laneInternal[l] {
            let e = Int(graph.laneEdge[l])
            guard graph.edgeLaneCount[e] > 1 else { continue }
            var i = 0
            while i < Int(laneN[l]) {
                let v = Int(slots[Int(laneStart[l]) + i])
                if !considerChange(v, at: i, lane: l, edge: e, time: time) { i += 1 }
            }
        }
    }

    /// Whether lane `lane` serves the route of `v` after its current edge.
    @inline(__always) func serves(_ v: Int, lane: Int) -> Bool {
        let r = Int(vRouteIdx[v])
        guard permits(v, lane) else { return false }
        return r >= Int(vRouteLen[v]) - 1 || graph.leads(lane, to: routeEdge(v, r + 1), classes: tClasses[Int(vTypeIdx[v])])
    }

    /// Neighbours of position `pos` on `lane` (excluding `v`): the nearest vehicle ahead and behind.
    func neighbours(on lane: Int, at pos: Double, excluding v: Int) -> (leader: Int, follower: Int) {
        let b = Int(laneStart[lane]), n = Int(laneN[lane])
        var leader = -1
        for i in 0..<n {
            let u = Int(slots[b + i])
            if u == v { continue }
            if vPos[u] >= pos { leader = u } else { return (leader, u) }
        }
        return (leader, -1)
    }

    /// Whether `v` can move to `target` now without forcing anyone to brake harder than comfortable.
    func safeChange(_ v: Int, to target: Int) -> (ok: Bool, blockingFollower: Int, blockingLeader: Int) {
        let pos = min(vPos[v], graph.laneLength[target])
        let dt = options.step
        let (ld, fl) = neighbours(on: target, at: pos, excluding: v)
        var blockedF = -1, blockedL = -1
        if ld >= 0 {
            let gap = vPos[ld] - tLength[Int(vTypeIdx[ld])] - pos - tMinGap[Int(vTypeIdx[v])]
            if gap < 0 || follow(v, gap: gap, leaderSpeed: vSpeed[ld], leaderDecel: tDecel[Int(vTypeIdx[ld])]) < vSpeed[v] - tDecel[Int(vTypeIdx[v])] * dt { blockedL = ld }
        }
        if fl >= 0 {
            let gap = pos - tLength[Int(vTypeIdx[v])] - vPos[fl] - tMinGap[Int(vTypeIdx[fl])]
            // Near the lane end the changer may have to stop hard (stop line): the follower must then
            // be able to stop behind it as if it stood still.
            let leaderSpeed = graph.laneLength[target] - pos < 30 ? 0 : vSpeed[v]
            if gap < 0 || follow(fl, gap: gap, leaderSpeed: leaderSpeed, leaderDecel: tDecel[Int(vTypeIdx[v])]) < vSpeed[fl] - tDecel[Int(vTypeIdx[fl])] * dt { blockedF = fl }
        }
        if fl < 0, pos - tLength[Int(vTypeIdx[v])] < 40, !feedersCanFollow(target, back: pos - tLength[Int(vTypeIdx[v])], speed: vSpeed[v], decel: tDecel[Int(vTypeIdx[v])]) {
            return (false, -1, blockedL)
        }
        return (blockedF < 0 && blockedL < 0, blockedF, blockedL)
    }

    /// The speed `v` could drive on `lane` given the vehicle ahead of it there.
    func anticipatedSpeed(_ v: Int, on lane: Int) -> Double {
        let vmax = laneMax(v, lane)
        let (ld, _) = neighbours(on: lane, at: vPos[v] + 0.001, excluding: v)
        guard ld >= 0 else { return vmax }
        let gap = vPos[ld] - tLength[Int(vTypeIdx[ld])] - vPos[v] - tMinGap[Int(vTypeIdx[v])]
        if gap < 0 { return 0 }
        return min(vmax, Krauss.safeStopSpeed(gap: gap + Krauss.brakeGap(vSpeed[ld], decel: tDecel[Int(vTypeIdx[ld])], dt: options.step),
                                              decel: tDecel[Int(vTypeIdx[v])], tau: tTau[Int(vTypeIdx[v])], dt: options.step))
    }

    /// Moves `v` to the neighbour lane `target` of the same edge.
    mutating func moveLane(_ v: Int, to target: Int, time: Double) {
        removeFromLane(v)
        vPos[v] = min(vPos[v], graph.laneLength[target] - 0.001)
        insertSorted(v, into: target)
        let r = Int(vRouteIdx[v])
        vLink[v] = Int32(routeLink(v, from: target, routeIndex: r))
        vLastChange[v] = time
    }

    /// Considers a change for `v`; returns true when it left `lane`.
    mutating func considerChange(_ v: Int, at index: Int, lane l: Int, edge e: Int, time: Double) -> Bool {
        let first = Int(graph.edgeLaneStart[e]), count = Int(graph.edgeLaneCount[e])
        let idx = l - first
        let remaining = graph.laneLength[l] - vPos[v]
        if vLink[v] < 0 && Int(vRouteIdx[v]) < Int(vRouteLen[v]) - 1 {
            // Strategic: towards the nearest lane that serves the route.
            var dir = 0
            for d in 1..<count {
                if idx - d >= 0, serves(v, lane: first + idx - d) { dir = -1; break }
                if idx + d < count, serves(v, lane: first + idx + d) { dir = 1; break }
            }
            guard dir != 0 else { return false }
            let target = l + dir
            let check = safeChange(v, to: target)
            if check.ok { moveLane(v, to: target, time: time); return true }
            let urgent = remaining < max(50, 4 * vSpeed[v])
            if urgent, check.blockingFollower >= 0 {
                if vYieldTo[check.blockingFollower] < 0 { yieldingRows.append(Int32(check.blockingFollower)) }
                vYieldTo[check.blockingFollower] = Int32(v)
            }
            // Two vehicles standing side by side, each needing the other's lane, swap.
            for side in 0..<2 {
                let u = side == 0 ? check.blockingLeader : check.blockingFollower
                guard u >= 0 else { continue }
                if vSpeed[u] < 0.1, vSpeed[v] < 0.1, !serves(u, lane: target), serves(u, lane: l),
                   abs(vPos[u] - vPos[v]) < tLength[Int(vTypeIdx[v])],
                   slots[Int(laneStart[l])] == Int32(v), slots[Int(laneStart[target])] == Int32(u) {
                    removeFromLane(u); removeFromLane(v)
                    let pu = vPos[u]; vPos[u] = vPos[v]; vPos[v] = pu
                    insertSorted(u, into: l); insertSorted(v, into: target)
                    for x in [u, v] {
                        let r = Int(vRouteIdx[x]), ln = Int(vLane[x])
                        vLink[x] = Int32(routeLink(x, from: ln, routeIndex: r))
                        vLastChange[x] = time
                    }
                    return true
                }
            }
            return false
        }
        // Speed gain.
        guard index > 0, remaining > 20, time - vLastChange[v] >= 3 else { return false }
        // Held back by the leader on this lane (the previous slot)?
        let vmaxHere = laneMax(v, l)
        let ld = Int(slots[Int(laneStart[l]) + index - 1])
        let gapHere = vPos[ld] - tLength[Int(vTypeIdx[ld])] - vPos[v] - tMinGap[Int(vTypeIdx[v])]
        if gapHere > vmaxHere * (tTau[Int(vTypeIdx[v])] + options.step) + vmaxHere * vmaxHere / (2 * tDecel[Int(vTypeIdx[v])]) { return false }
        let here = gapHere < 0 ? 0 : min(vmaxHere, Krauss.safeStopSpeed(gap: gapHere + Krauss.brakeGap(vSpeed[ld], decel: tDecel[Int(vTypeIdx[ld])], dt: options.step),
                                                                   decel: tDecel[Int(vTypeIdx[v])], tau: tTau[Int(vTypeIdx[v])], dt: options.step))
        guard here < laneMax(v, l) - 0.5 else { return false }
        var best = -1, bestSpeed = here + 0.5
        for target in stride(from: l - 1, through: l + 1, by: 2) where target >= first && target < first + count {
            guard serves(v, lane: target) else { continue }
            let s = anticipatedSpeed(v, on: target)
            if s > bestSpeed { best = target; bestSpeed = s }
        }
        if best >= 0, safeChange(v, to: best).ok { moveLane(v, to: best, time: time); return true }
        return false
    }
}
