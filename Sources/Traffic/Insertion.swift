/// Insertion of departing vehicles and teleporting of stuck ones.
///
/// A vehicle is inserted at the end of the step that contains its departure time, on the lane its
/// `departLane` asks for (`best`: the lane that serves the next edge with the most free room), with
/// its back at the lane start (`departPos` base) and `departSpeed` (default 0), if that is safe
/// for it and for vehicles about to enter the lane from the junction. Otherwise it waits in the
/// insertion queue and is tried again each step; while one vehicle waits on an edge, later ones on
/// the same edge wait behind it.
///
/// A vehicle standing at the front of a lane for `timeToTeleport` s is moved to the start of the
/// next edge of its route that has room (SUMO's teleport), or arrives if none is left; teleports
/// are counted.
extension TrafficSimulation {
    mutating func insertDue() {
        while pendingNext < departOrder.count, vDepartPlanned[Int(departOrder[pendingNext])] <= time + 1e-9 {
            waitingRows.append(departOrder[pendingNext]); pendingNext += 1
        }
        guard !waitingRows.isEmpty else { counts.waiting = counts.loaded - counts.inserted; return }
        var blocked = Set<Int32>()
        var still: [Int32] = []
        for r in waitingRows {
            let v = Int(r)
            let e = Int(routeEdges[Int(vRouteStart[v])])
            if blocked.contains(Int32(e)) || !tryInsert(v, edge: e) { blocked.insert(Int32(e)); still.append(r) }
        }
        waitingRows = still
        counts.waiting = counts.loaded - counts.inserted
    }

    /// Free room (m) at the start of `lane`: the back of its last vehicle, or its length.
    func entryRoom(_ lane: Int) -> Double {
        let u = lastOn(lane)
        return u >= 0 ? vPos[u] - tLength[Int(vTypeIdx[u])] : graph.laneLength[lane]
    }

    mutating func tryInsert(_ v: Int, edge e: Int) -> Bool {
        let lanes = graph.lanes(of: e)
        let next = routeEdge(v, 1)
        var lane = -1
        switch vDepartLane[v] {
        case .index(let k): lane = k < lanes.count ? lanes.lowerBound + k : lanes.lowerBound
        case .first: lane = lanes.lowerBound
        case .random:
            var rng = vRNG[v]
            lane = lanes.lowerBound + Int(rng.nextInt(below: UInt64(lanes.count)))
        case .best, .free, .allowed:
            var bestRoom = -Double.infinity
            for l in lanes {
                guard permits(v, l) else { continue }
                if case .best = vDepartLane[v], next >= 0, !graph.leads(l, to: next, classes: tClasses[Int(vTypeIdx[v])]) { continue }
                let room = entryRoom(l)
                if room > bestRoom + 1e-9 { bestRoom = room; lane = l }
            }
            if lane < 0 { lane = lanes.lowerBound }
        }
        // A lane the vehicle's class may not use (a sidewalk, a bus lane) is replaced by the first one it may.
        if !permits(v, lane), let ok = lanes.first(where: { permits(v, $0) }) { lane = ok }
        let len = graph.laneLength[lane]
        let pos = vDepartPos[v].isNaN ? min(tLength[Int(vTypeIdx[v])], len) : min(max(vDepartPos[v], 0), len)
        let vmax = laneMax(v, lane)
        var speed: Double
        switch vDepartSpeed[v] {
        case .value(let s): speed = min(s, vmax)
        case .max, .desired, .speedLimit: speed = vmax
        case .random:
            var rng = vRNG[v]
            speed = vmax * rng.nextDouble()
        }
        // The leader on the lane (or on the lanes after it is not checked: the vehicle follows it).
        let (ld, fl) = neighbours(on: lane, at: pos, excluding: v)
        if ld >= 0 {
            let gap = vPos[ld] - tLength[Int(vTypeIdx[ld])] - pos - tMinGap[Int(vTypeIdx[v])]
            if gap < 0 { return false }
            let safe = Krauss.safeStopSpeed(gap: gap + Krauss.brakeGap(vSpeed[ld], decel: tDecel[Int(vTypeIdx[ld])], dt: options.step),
                                            decel: tDecel[Int(vTypeIdx[v])], tau: tTau[Int(vTypeIdx[v])], dt: options.step)
            if case .value = vDepartSpeed[v] { if safe < speed { return false } } else { speed = min(speed, safe) }
        }
        if fl >= 0 {
            let gap = pos - tLength[Int(vTypeIdx[v])] - vPos[fl] - tMinGap[Int(vTypeIdx[fl])]
            if gap < 0 || Krauss.followSpeed(gap: gap, speed: vSpeed[fl], leaderSpeed: speed, leaderDecel: tDecel[Int(vTypeIdx[v])], decel: tDecel[Int(vTypeIdx[fl])],
                                             emergencyDecel: tEDecel[Int(vTypeIdx[fl])], tau: tTau[Int(vTypeIdx[fl])], dt: options.step) < vSpeed[fl] - tDecel[Int(vTypeIdx[fl])] * options.step {
                return false
            }
        }
        // On a lane shorter than the vehicle (or with no vehicle ahead on it), the last vehicle on
        // the next lane of its path is its leader.
        if ld < 0, let beyond = leaderBeyond(v, lane: lane, pos: pos) {
            let (u, ahead) = beyond
            let gap = ahead + vPos[u] - tLength[Int(vTypeIdx[u])] - tMinGap[Int(vTypeIdx[v])]
            if gap < 0 { return false }
            let safe = Krauss.safeStopSpeed(gap: gap + Krauss.brakeGap(vSpeed[u], decel: tDecel[Int(vTypeIdx[u])], dt: options.step),
                                            decel: tDecel[Int(vTypeIdx[v])], tau: tTau[Int(vTypeIdx[v])], dt: options.step)
            if case .value = vDepartSpeed[v] { if safe < speed { return false } } else { speed = min(speed, safe) }
        }
        // Vehicles inside the junction heading onto this lane must be able to follow the new one.
        if !feedersCanFollow(lane, back: pos - tLength[Int(vTypeIdx[v])], speed: speed, decel: tDecel[Int(vTypeIdx[v])]) { return false }
        vPos[v] = pos
        vSpeed[v] = speed
        vDistance[v] = -pos                     // lanes are booked whole when passed
        vFreeTime[v] = -pos / max(laneMax(v, lane), 0.1)
        vRouteIdx[v] = 0
        vState[v] = 1
        vDepart[v] = time
        vLink[v] = Int32(routeLink(v, from: lane, routeIndex: 0))
        insertSorted(v, into: lane)
        counts.inserted += 1
        counts.running += 1
        stats.entered(edge: e)
        return true
    }

    /// The last vehicle on the next two lanes of `v`'s path after `lane` (its junction path, then the
    /// lane after), with the distance (m) from position `pos` on `lane` to the start of its lane.
    func leaderBeyond(_ v: Int, lane: Int, pos: Double) -> (Int, Double)? {
        let k = routeLink(v, from: lane, routeIndex: 0)
        guard k >= 0 else { return nil }
        var next = graph.linkVia[k] >= 0 ? Int(graph.linkVia[k]) : Int(graph.linkTo[k])
        var ahead = graph.laneLength[lane] - pos
        for _ in 0..<2 {
            let u = lastOn(next)
            if u >= 0 { return (u, ahead) }
            guard graph.laneInternal[next], graph.internalNext[next] >= 0 else { return nil }
            ahead += graph.laneLength[next]
            next = Int(graph.internalNext[next])
        }
        return nil
    }

    /// Whether every vehicle on the internal lanes that end on `lane` can follow a vehicle whose back
    /// is at `back` (m from the lane start) driving at `speed`, without braking harder than comfortable.
    func feedersCanFollow(_ lane: Int, back: Double, speed: Double, decel: Double) -> Bool {
        for f in graph.laneFeeders[lane] {
            let fb = Int(laneStart[Int(f)])
            // Internal lanes: all their vehicles; a normal lane joined directly: its front vehicle.
            for i in 0..<(graph.laneInternal[Int(f)] ? Int(laneN[Int(f)]) : min(1, Int(laneN[Int(f)]))) {
                let u = Int(slots[fb + i])
                let gap = graph.laneLength[Int(f)] - vPos[u] + back - tMinGap[Int(vTypeIdx[u])]
                if gap < 0 || follow(u, gap: gap, leaderSpeed: speed, leaderDecel: decel) < vSpeed[u] - tDecel[Int(vTypeIdx[u])] * options.step {
                    return false
                }
            }
        }
        return true
    }

    mutating func teleportStuck(at time: Double) {
        let limit = options.timeToTeleport
        guard limit > 0 else { return }
        for l in 0..<graph.laneCount where laneN[l] > 0 {
            let v = Int(slots[Int(laneStart[l])])
            guard vStanding[v] >= limit else { continue }
            teleport(v, at: time)
        }
    }

    mutating func teleport(_ v: Int, at time: Double) {
        teleportLog.append(TeleportEvent(time: time, vehicle: vID[v], lane: graph.laneIDs[Int(vLane[v])],
                                         speeds: "\(vSpeed[v])"))
        removeFromLane(v)
        counts.teleports += 1
        vStanding[v] = 0
        var r = Int(vRouteIdx[v]) + 1
        while r < Int(vRouteLen[v]) {
            let e = routeEdge(v, r)
            let nx = routeEdge(v, r + 1)
            var best = -1, bestRoom = -Double.infinity
            for l in graph.lanes(of: e) where permits(v, l) && (nx < 0 || graph.leads(l, to: nx, classes: tClasses[Int(vTypeIdx[v])])) {
                let room = entryRoom(l)
                if room > bestRoom { best = l; bestRoom = room }
            }
            if best >= 0, bestRoom >= tLength[Int(vTypeIdx[v])] + tMinGap[Int(vTypeIdx[v])] {
                vRouteIdx[v] = Int32(r)
                vDistance[v] -= tLength[Int(vTypeIdx[v])]
                vPos[v] = tLength[Int(vTypeIdx[v])]
                vSpeed[v] = 0
                vLink[v] = Int32(routeLink(v, from: best, routeIndex: r))
                insertSorted(v, into: best)
                stats.entered(edge: e)
                return
            }
            r += 1
        }
        arrive(v, at: time)
    }
}
