import Dispatch
import SimCore

/// Speed planning and movement: car following along the lane and across the junction ahead, stop
/// lines for closed links, the turn-speed limits of internal lanes, dawdling, then the
/// semi-implicit Euler position update (x += v'·Δt) with lane transitions and arrivals.
extension TrafficSimulation {
    /// Speed a vehicle may have now to stay safe behind an obstacle at `gap` (m) moving at `leaderSpeed`.
    @inline(__always)
    func follow(_ v: Int, gap: Double, leaderSpeed: Double, leaderDecel: Double) -> Double {
        let dt = options.step
        let ti = Int(vTypeIdx[v])
        switch tModel[ti] {
        case .krauss:
            return Krauss.followSpeed(gap: gap, speed: vSpeed[v], leaderSpeed: leaderSpeed, leaderDecel: leaderDecel,
                                      decel: tDecel[ti], emergencyDecel: tEDecel[ti], tau: tTau[ti], dt: dt)
        case .idm(let delta):
            let sp = vSpeed[v]
            let a = IDM.acceleration(speed: sp, v0: max(sp, 0.1) + 100, gap: gap, closing: sp - leaderSpeed, accel: tAccel[ti],
                                     decel: tDecel[ti], tau: tTau[ti], minGap: tMinGap[ti], delta: delta)
            return max(0, sp + a * dt)
        }
    }

    /// Speed that lets the vehicle stop within `gap` (m) (a stop line).
    @inline(__always)
    func stopSpeed(_ v: Int, gap: Double) -> Double {
        let ti = Int(vTypeIdx[v])
        switch tModel[ti] {
        case .krauss: return Krauss.safeStopSpeed(gap: gap, decel: tDecel[ti], tau: tTau[ti], dt: options.step)
        case .idm: return follow(v, gap: gap - tMinGap[ti] + 0.5, leaderSpeed: 0, leaderDecel: tDecel[ti])
        }
    }

    /// The speed limit (m/s) for vehicle `v` on `lane`: lane speed × speed factor, capped by its maximum
    /// and by the lane's external cap (flooded roads).
    @inline(__always) func laneMax(_ v: Int, _ lane: Int) -> Double {
        min(graph.laneSpeed[lane] * vSpeedFactor[v], tMaxSpeed[Int(vTypeIdx[v])], laneSpeedCap[lane])
    }

    @inline(__always) func lastOn(_ lane: Int) -> Int {
        let n = Int(laneN[lane])
        return n > 0 ? Int(slots[Int(laneStart[lane]) + n - 1]) : -1
    }

    @inline(__always) func routeEdge(_ v: Int, _ idx: Int) -> Int {
        idx < Int(vRouteLen[v]) ? Int(routeEdges[Int(vRouteStart[v]) + idx]) : -1
    }

    /// Whether `v`'s vehicle class may use `lane`.
    @inline(__always) func permits(_ v: Int, _ lane: Int) -> Bool {
        graph.laneClasses[lane] & tClasses[Int(vTypeIdx[v])] != 0
    }

    /// The link `v` takes from `lane` when it is on route edge `r`: onto route edge r + 1, through a
    /// lane its class may use, preferring one that leads on to edge r + 2; −1 at the last edge or
    /// when the lane has no such link.
    @inline(__always) func routeLink(_ v: Int, from lane: Int, routeIndex r: Int) -> Int {
        r < Int(vRouteLen[v]) - 1
            ? graph.link(from: lane, to: routeEdge(v, r + 1), then: routeEdge(v, r + 2), classes: tClasses[Int(vTypeIdx[v])]) : -1
    }

    // MARK: Planning

    mutating func planSpeeds() {
        let threads = max(1, options.threads)
        let lanes = graph.laneCount
        var planned: [Double] = []
        swap(&planned, &vNext)                  // planning reads the state only, never vNext
        do {
            // One read-only copy of the state for the step (no per-call copies of `self`); it is
            // released before anything is mutated again.
            let me = self
            if threads == 1 || counts.running < threads * options.minVehiclesPerThread {
                planned.withUnsafeMutableBufferPointer { out in
                    for l in 0..<lanes where me.laneN[l] > 0 { me.planLane(l, into: out) }
                }
            } else {
                // Lanes are split into contiguous blocks with about equal vehicle counts; every
                // vehicle's speed depends only on the state at the start of the step, so any split
                // gives the same result.
                var bounds = [0]
                let per = max(1, counts.running / threads)
                var acc = 0
                for l in 0..<lanes {
                    acc += Int(me.laneN[l])
                    if acc >= per * bounds.count, bounds.count < threads { bounds.append(l + 1) }
                }
                bounds.append(lanes)
                let cuts = bounds
                planned.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let o = out
                    DispatchQueue.concurrentPerform(iterations: cuts.count - 1) { c in
                        for l in cuts[c]..<cuts[c + 1] where me.laneN[l] > 0 { me.planLane(l, into: o) }
                    }
                }
            }
        }
        swap(&planned, &vNext)
        // Planning drew each Krauss vehicle's dawdling number from a copy of its stream; the
        // movement pass (`executeMoves`) advances the streams by that one draw.
    }

    func planLane(_ l: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let b = Int(laneStart[l])
        for i in 0..<Int(laneN[l]) {
            let v = Int(slots[b + i])
            out[v] = planVehicle(v, lane: l, leader: i > 0 ? Int(slots[b + i - 1]) : -1)
        }
    }

    /// The speed (m/s) vehicle `v` will drive in this step (before its dawdling is applied by the
    /// caller's random stream; Krauß dawdling is applied here with a copy of the stream, which the
    /// caller advances identically).
    func planVehicle(_ v: Int, lane l: Int, leader: Int) -> Double {
        let dt = options.step
        let sp = vSpeed[v], pos = vPos[v]
        let ti = Int(vTypeIdx[v])
        let accel = tAccel[ti], decel = tDecel[ti], tau = tTau[ti], minGap = tMinGap[ti]
        let vLim = laneMax(v, l)
        var vmax: Double
        switch tModel[ti] {
        case .krauss: vmax = min(sp + accel * dt, vLim)
        case .idm(let delta):
            vmax = max(0, sp + dt * IDM.acceleration(speed: sp, v0: vLim, gap: .infinity, closing: 0, accel: accel,
                                                      decel: decel, tau: tau, minGap: minGap, delta: delta))
        }
        var vs = vmax
        var haveLeader = false
        // Beyond this gap (m) a leader cannot limit the speed to below vmax in this step (the
        // distance to stop from vmax with reaction time and one step of travel), so the exact
        // safe speed need not be computed.
        let freeGap = vmax * (tau + dt) + vmax * vmax / (2 * decel)
        if leader >= 0 {
            let gap = vPos[leader] - tLength[Int(vTypeIdx[leader])] - pos - minGap
            if gap < freeGap { vs = min(vs, follow(v, gap: gap, leaderSpeed: vSpeed[leader], leaderDecel: tDecel[Int(vTypeIdx[leader])])) }
            // A leader taking another link leaves this vehicle's path at the junction: vehicles on
            // this vehicle's own junction path and exit lane are then looked for below.
            haveLeader = Int(vLink[leader]) == Int(vLink[v])
        }
        let w = Int(vYieldTo[v])
        if w >= 0, vState[w] == 1 {
            // Cooperative lane changing: open a gap for a neighbour that must change into this lane,
            // if this vehicle is still wholly behind it (else it drives on and the neighbour gets in
            // behind it).
            let gap = vPos[w] - tLength[Int(vTypeIdx[w])] - pos - minGap
            if gap >= 0 {
                vs = min(vs, max(follow(v, gap: gap, leaderSpeed: vSpeed[w], leaderDecel: tDecel[Int(vTypeIdx[w])]), sp - decel * dt))
            }
        }
        // Look ahead along the vehicle's path: the junction, its internal lanes and the next lane.
        let look = max(60, freeGap + 2 * vmax)
        var seen = graph.laneLength[l] - pos
        var cur = l
        var ridx = Int(vRouteIdx[v])
        var link = Int(vLink[v])
        var depth = 0
        let last = Int(vRouteLen[v]) - 1
        while seen < look && depth < 6 {
            depth += 1
            var nextLane: Int
            if !graph.laneInternal[cur] {
                if ridx >= last { break }                                   // arrives at the end of this lane
                guard link >= 0 else { vs = min(vs, stopSpeed(v, gap: seen)); break }
                if !linkOpen(v, link, seen: seen, fromStopLine: true) { vs = min(vs, stopSpeed(v, gap: seen)); break }
                let via = Int(graph.linkVia[link])
                if via >= 0 { nextLane = via } else { nextLane = Int(graph.linkTo[link]); ridx += 1 }
            } else {
                nextLane = Int(graph.internalNext[cur])
                if nextLane < 0 { break }
                let wl = Int(graph.internalWaitLink[cur])
                if wl >= 0, !linkOpen(v, wl, seen: seen, fromStopLine: false, waitLane: cur) { vs = min(vs, stopSpeed(v, gap: seen)); break }
                if !graph.laneInternal[nextLane] { ridx += 1 }
            }
            if graph.laneInternal[l], graph.laneInternal[cur], !graph.laneInternal[nextLane] {
                // Merging inside the junction: for a vehicle in the junction, a vehicle on another
                // junction path onto the same lane that is nearer to it drives ahead of it (SUMO's
                // leaders on merging internal lanes).
                vs = min(vs, mergeSpeed(v, onto: nextLane, from: cur, distance: seen, freeGap: freeGap))
            }
            let nextLim = laneMax(v, nextLane)
            if nextLim < vs { vs = min(vs, Krauss.approachSpeed(distance: seen, targetSpeed: nextLim, decel: decel, dt: dt)) }
            if !haveLeader {
                let u = lastOn(nextLane)
                if u >= 0 {
                    let gap = seen + vPos[u] - tLength[Int(vTypeIdx[u])] - minGap
                    if gap < freeGap { vs = min(vs, follow(v, gap: gap, leaderSpeed: vSpeed[u], leaderDecel: tDecel[Int(vTypeIdx[u])])) }
                    haveLeader = true
                }
            }
            seen += graph.laneLength[nextLane]
            cur = nextLane
            if !graph.laneInternal[cur] {
                link = routeLink(v, from: cur, routeIndex: ridx)
            }
        }
        // Dawdling (Krauß): v' −= Δt·σ·a·U[0,1), or Δt·σ·v'·U when v' < a; never below the speed a
        // comfortable braking would give, nor below zero.
        if case .krauss = tModel[ti], tSigma[ti] > 0 {
            var rng = vRNG[v]
            let r = rng.nextDouble()
            let sigma = tSigma[ti], a = accel
            var vd = vs < a ? vs - dt * sigma * vs * r : vs - dt * sigma * a * r
            vd = max(0, vd)
            let vMin = min(max(0, sp - decel * dt), vs)
            vs = max(vMin, vd)
        }
        return max(0, max(vs, sp - tEDecel[ti] * dt))
    }

    /// The speed (m/s) `v`, `distance` m before the start of normal lane `target` on junction path
    /// `path`, may drive behind the vehicles on the other junction paths onto `target` (their last
    /// two internal lanes) that are nearer to it: each is taken as a leader `distance − its
    /// distance` ahead.
    func mergeSpeed(_ v: Int, onto target: Int, from path: Int, distance: Double, freeGap: Double) -> Double {
        var vs = Double.infinity
        let minGap = tMinGap[Int(vTypeIdx[v])]
        for f in graph.laneFeeders[target] where Int(f) != path && graph.laneInternal[Int(f)] {
            var lane = Int(f), beyond = 0.0                    // beyond: from the end of `lane` to `target`
            for _ in 0..<2 {
                let fb = Int(laneStart[lane]), len = graph.laneLength[lane]
                for i in 0..<Int(laneN[lane]) {
                    let u = Int(slots[fb + i])
                    let du = len - vPos[u] + beyond
                    guard du < distance else { break }                   // the rest are farther away
                    // A vehicle standing at an internal waiting point yields to this one.
                    if beyond > 0, vSpeed[u] < 0.1 { continue }
                    let gap = distance - du - tLength[Int(vTypeIdx[u])] - minGap
                    if gap < freeGap { vs = min(vs, follow(v, gap: gap, leaderSpeed: vSpeed[u], leaderDecel: tDecel[Int(vTypeIdx[u])])) }
                }
                beyond += len
                let p = Int(graph.internalPrev[lane])
                guard p >= 0, beyond < distance else { break }
                lane = p
            }
        }
        return vs
    }

    // MARK: Movement

    mutating func executeMoves(from t: Double, dt: Double) {
        var transfers: [(Int32, Int32)] = []
        swap(&transfers, &transferBuffer)
        for l in 0..<graph.laneCount where laneN[l] > 0 {
            let b = Int(laneStart[l]), n = Int(laneN[l])
            let len = graph.laneLength[l]
            let isInternal = graph.laneInternal[l]
            let edgeOfLane = Int(graph.laneEdge[l])
            let det = detectorPos[l]
            var leaving = 0
            var laneLoss = 0.0, laneDistance = 0.0
            var prevBack = Double.infinity
            defer {
                stats.sample(edge: edgeOfLane, seconds: dt * Double(n), distance: laneDistance, internal: isInternal)
                stats.addDelay(approach: Int(laneApproach[l]), laneLoss)
            }
            for i in 0..<n {
                let v = Int(slots[b + i])
                let ti = Int(vTypeIdx[v])
                if tDawdles[ti] { _ = vRNG[v].next() }              // the draw planning made on a copy
                let sp = vNext[v]
                if vSpeed[v] - sp > tDecel[ti] * dt + 1e-6 { counts.emergencyBrakings += 1 }
                // Trip statistics for the step (SUMO's tripinfo definitions).
                let ideal = laneMax(v, l)
                if ideal > 0 { let loss = dt * (1 - sp / ideal); vTimeLoss[v] += loss; laneLoss += loss }
                if sp <= 0.1 {
                    vWaiting[v] += dt; vStanding[v] += dt
                    if vStanding[v] <= dt + 1e-9 { vWaitCount[v] += 1 }
                } else if vStanding[v] != 0 { vStanding[v] = 0 }
                vSpeed[v] = sp
                let old = vPos[v]
                var np = old + sp * dt
                if !isInternal, Int(vLink[v]) < 0, Int(vRouteIdx[v]) < Int(vRouteLen[v]) - 1, np > len - 0.001 {
                    np = max(old, len - 0.001)                                  // must change lanes first
                }
                vPos[v] = np
                if np > prevBack + 1e-6 { noteCollision(lane: l, leader: Int(slots[b + i - 1]), follower: v) }
                prevBack = np - tLength[ti]
                if det >= 0, old < det, np >= det { detectorLast[l] = t + dt }
                laneDistance += np - old
                if np >= len { leaving += 1 }
            }
            guard leaving > 0 else { continue }
            // Vehicles past the lane end (a prefix, front first) move on along their paths.
            var kept = 0
            for i in 0..<n {
                let v = Int(slots[b + i])
                if vPos[v] < len { slots[b + kept] = Int32(v); kept += 1; continue }
                if let dest = advanceAlongPath(v, from: l, at: t + dt) { transfers.append((Int32(v), Int32(dest))) }
            }
            laneN[l] = Int32(kept)
        }
        for (v, dest) in transfers {
            insertSorted(Int(v), into: Int(dest))
            checkNeighbours(Int(v))
        }
        transfers.removeAll(keepingCapacity: true)
        transferBuffer = transfers
    }

    /// Moves `v` (whose position is past the end of `lane`) onto the following lanes of its path;
    /// returns the lane it ends on, or nil when it arrived.
    mutating func advanceAlongPath(_ v: Int, from lane: Int, at time: Double) -> Int? {
        var cur = lane
        var rem = vPos[v] - graph.laneLength[lane]
        while true {
            // Distance driven and its free-flow time are booked per lane passed (SUMO's routeLength).
            vDistance[v] += graph.laneLength[cur]
            vFreeTime[v] += graph.laneLength[cur] / max(laneMax(v, cur), 0.1)
            var next: Int
            if !graph.laneInternal[cur] {
                let ridx = Int(vRouteIdx[v])
                if ridx >= Int(vRouteLen[v]) - 1 { arrive(v, at: time); return nil }
                let k = Int(vLink[v])
                if k < 0 { vPos[v] = graph.laneLength[cur] - 0.001; unbook(v, cur); return cur }
                stats.leftApproach(edge: Int(graph.laneEdge[cur]))
                let via = Int(graph.linkVia[k])
                next = via >= 0 ? via : Int(graph.linkTo[k])
            } else {
                next = Int(graph.internalNext[cur])
                if next < 0 { vPos[v] = graph.laneLength[cur] - 0.001; unbook(v, cur); return cur }
            }
            if !graph.laneInternal[next] {
                vRouteIdx[v] += 1
                let r = Int(vRouteIdx[v])
                vLink[v] = Int32(routeLink(v, from: next, routeIndex: r))
                stats.entered(edge: Int(graph.laneEdge[next]))
            }
            cur = next
            if rem < graph.laneLength[cur] { vPos[v] = rem; return cur }
            rem -= graph.laneLength[cur]
        }
    }

    /// Takes back the booking of `lane` when the vehicle stays on it.
    mutating func unbook(_ v: Int, _ lane: Int) {
        vDistance[v] -= graph.laneLength[lane]
        vFreeTime[v] -= graph.laneLength[lane] / max(laneMax(v, lane), 0.1)
    }

    mutating func arrive(_ v: Int, at time: Double) {
        vState[v] = 2
        vArrival[v] = time
        vLane[v] = -1
        counts.arrived += 1
        counts.running -= 1
        stats.arrived(Int32(v))
    }

    /// Puts `v` on `lane` at its position `vPos[v]`, keeping the lane ordered front first.
    mutating func insertSorted(_ v: Int, into lane: Int) {
        if laneN[lane] >= laneCap[lane] { growLane(lane) }
        let b = Int(laneStart[lane])
        var i = Int(laneN[lane])
        let p = vPos[v]
        while i > 0, vPos[Int(slots[b + i - 1])] < p { slots[b + i] = slots[b + i - 1]; i -= 1 }
        slots[b + i] = Int32(v)
        laneN[lane] += 1
        vLane[v] = Int32(lane)
    }

    /// Removes `v` from its lane.
    mutating func removeFromLane(_ v: Int) {
        let lane = Int(vLane[v])
        let b = Int(laneStart[lane]), n = Int(laneN[lane])
        var i = 0
        while i < n, Int(slots[b + i]) != v { i += 1 }
        precondition(i < n, "traffic: vehicle \(vID[v]) not on its lane")
        for k in i..<(n - 1) { slots[b + k] = slots[b + k + 1] }
        laneN[lane] -= 1
        vLane[v] = -1
    }

    /// Doubles the slot capacity of `lane` (rebuilding the slot array; rare).
    mutating func growLane(_ lane: Int) {
        var newSlots: [Int32] = []
        newSlots.reserveCapacity(slots.count + Int(laneCap[lane]))
        for l in 0..<graph.laneCount {
            let b = Int(laneStart[l]), n = Int(laneN[l])
            if l == lane { laneCap[l] *= 2 }
            laneStart[l] = Int32(newSlots.count)
            newSlots.append(contentsOf: slots[b..<(b + n)])
            newSlots.append(contentsOf: repeatElement(-1, count: Int(laneCap[l]) - n))
        }
        slots = newSlots
    }

    /// Records a collision: `follower`'s front is past `leader`'s back on `lane`.
    mutating func noteCollision(lane l: Int, leader: Int, follower: Int) {
        counts.collisions += 1
        if collisionLog.count < 100 {
            collisionLog.append("t=\(time) lane \(graph.laneIDs[l]) leader \(vID[leader]) at \(vPos[leader]) follower \(vID[follower]) at \(vPos[follower])")
        }
    }

    /// Checks the vehicles just ahead of and behind `v` on its lane for overlap.
    mutating func checkNeighbours(_ v: Int) {
        let l = Int(vLane[v])
        let b = Int(laneStart[l]), n = Int(laneN[l])
        var i = 0
        while slots[b + i] != Int32(v) { i += 1 }
        if i > 0 { let u = Int(slots[b + i - 1]); if vPos[u] - tLength[Int(vTypeIdx[u])] < vPos[v] - 1e-6 { noteCollision(lane: l, leader: u, follower: v) } }
        if i + 1 < n { let u = Int(slots[b + i + 1]); if vPos[v] - tLength[Int(vTypeIdx[v])] < vPos[u] - 1e-6 { noteCollision(lane: l, leader: v, follower: u) } }
    }
}
