import Foundation

/// Dynamic-wave routing (SWMM 5.2 `dynwave.c`): Picard iterations of conduit momentum and node
/// continuity with under-relaxation (ω = 0.5), head-tolerance convergence with link bypassing, EXTRAN
/// surcharge, flooding and ponding, and the variable Courant time step.
///
/// Parallel mode: with `threads > 1` the conduit momentum loop runs on fixed slices of the link
/// list; each conduit's result depends only on the node state of the previous iteration and is
/// written to its own slot, and the results are applied in link order. The outcome is therefore
/// bit-identical for any thread count.
extension FlowRouter {
    /// The next routing step (s) for dynamic wave: the Courant-limited variable step, floored at
    /// the minimum step and truncated to whole milliseconds (`dynwave_getRoutingStep`).
    public mutating func dynamicWaveStep(maxStep: Double) -> Double {
        if options.courantFactor == 0 || maxStep < 0.001 { return maxStep }
        if variableStep == 0 { variableStep = minStep }
        else {
            var t = linkCourantStep(maxStep)
            t = nodeDepthStep(t)
            variableStep = max(t, minStep)
        }
        variableStep = (1000 * variableStep).rounded(.down) / 1000
        return variableStep
    }

    private func linkCourantStep(_ tMax: Double) -> Double {
        var t = tMax
        for j in 0..<net.linkCount where net.linkKind[j] == .conduit && net.xsect[j].kind != .dummy {
            let q = abs(newFlow[j]) / net.barrels[j]
            if q <= Hydraulics.fudge || a1[j] <= Hydraulics.fudge || froude[j] <= 0.01 { continue }
            var tl = newLinkVolume[j] / net.barrels[j] / q
            tl *= net.conduit[j].modLength / net.conduit[j].length
            tl *= froude[j] / (1 + froude[j]) * options.courantFactor
            if tl < t { t = tl }
        }
        return t
    }

    private func nodeDepthStep(_ tMax: Double) -> Double {
        var t = tMax
        let fudge = Hydraulics.fudge
        for i in 0..<net.nodeCount where net.nodeKind[i] != .outfall {
            let crownDepth = net.crownElev[i] - net.invert[i]
            if newDepth[i] <= fudge || newDepth[i] + fudge >= crownDepth { continue }
            let maxDepth = crownDepth * 0.25
            if maxDepth < fudge || dYdT[i] < fudge { continue }
            let tn = maxDepth / dYdT[i]
            if tn < t { t = tn }
        }
        return t
    }

    /// One dynamic-wave step; returns the number of iterations taken.
    mutating func dynamicWaveStep(dt: Double, time: Double) -> Int {
        for i in 0..<net.nodeCount { converged[i] = false; dYdT[i] = 0 }
        for j in 0..<net.linkCount { bypassed[j] = false; surfArea1[j] = 0; surfArea2[j] = 0 }
        for j in 0..<net.linkCount where net.linkKind[j] == .conduit { a2[j] = a1[j] }
        var steps = 0
        var isConverged = false
        while steps < maxTrials {
            initNodeStates()
            findLinkFlows(dt: dt, iteration: steps)
            isConverged = findNodeDepths(dt: dt, time: time, iteration: steps)
            steps += 1
            if steps > 1 {
                if isConverged { break }
                findBypassedLinks()
            }
        }
        if !isConverged { nonConvergedSteps += 1 }
        return steps
    }

    private mutating func initNodeStates() {
        for i in 0..<net.nodeCount {
            newSurfArea[i] = options.allowPonding ? nodePondedArea(i, newDepth[i]) : nodeSurfArea(i, newDepth[i])
            inflow[i] = 0
            outflow[i] = losses[i]
            if newLatFlow[i] >= 0 { inflow[i] += newLatFlow[i] } else { outflow[i] -= newLatFlow[i] }
            sumdqdh[i] = 0
        }
    }

    private mutating func findLinkFlows(dt: Double, iteration: Int) {
        let m = net.linkCount
        let threads = options.threads
        if threads > 1 && m >= 256 {
            var results = [ConduitResult](repeating: ConduitResult(), count: m)
            let slices = threads * 4
            let chunk = (m + slices - 1) / slices
            let me = self
            results.withUnsafeMutableBufferPointer { buf in
                nonisolated(unsafe) let out = buf
                DispatchQueue.concurrentPerform(iterations: slices) { s in
                    let lo = s * chunk, hi = min(m, lo + chunk)
                    if lo >= hi { return }
                    for j in lo..<hi where me.isTrueConduit(j) && !me.bypassed[j] {
                        out[j] = me.conduitFlow(j, iteration: iteration, dt: dt)
                    }
                }
            }
            for j in 0..<m where isTrueConduit(j) && !bypassed[j] { store(j, results[j]) }
        } else {
            for j in 0..<m where isTrueConduit(j) && !bypassed[j] {
                store(j, conduitFlow(j, iteration: iteration, dt: dt))
            }
        }
        for j in 0..<m where isTrueConduit(j) { updateNodeFlows(j) }
        for j in 0..<m where !isTrueConduit(j) {
            if !bypassed[j] { findNonConduitFlow(j, dt: dt, iteration: iteration) }
            updateNodeFlows(j)
        }
    }

    @inline(__always)
    func isTrueConduit(_ j: Int) -> Bool { net.linkKind[j] == .conduit && net.xsect[j].kind != .dummy }

    private mutating func store(_ j: Int, _ r: ConduitResult) {
        let b = net.barrels[j]
        a1[j] = r.aMid
        q1[j] = r.q / 1; q2[j] = r.q
        froude[j] = r.froude
        flowClass[j] = r.flowClass
        dqdh[j] = r.dqdh
        surfArea1[j] = r.surfArea1; surfArea2[j] = r.surfArea2
        linkNewDepth[j] = r.depth
        newLinkVolume[j] = r.volume
        newFlow[j] = r.q * b
    }

    private mutating func findNonConduitFlow(_ j: Int, dt: Double, iteration: Int) {
        let qLast = newFlow[j]
        dqdh[j] = 0
        var q: Double
        if net.linkKind[j] == .conduit {
            // Dummy conduit: passes the upstream node's inflow.
            q = inflow[net.node1[j]] + overflow[net.node1[j]]
        } else {
            q = structureInflow(j)
        }
        if flapGateCloses(j, q) { q = 0 }
        if net.linkKind[j] == .pump { q = modifiedPumpFlow(j, q, dt: dt) }
        // Surface area: orifices lend half their equivalent area to each end (not to storage units).
        var sa = net.linkKind[j] == .orifice ? structureSurfArea[j] / 2 : 0
        if net.linkKind[j] != .orifice { sa = 0 }
        surfArea1[j] = sa; surfArea2[j] = sa
        if flowClass[j] == .upCritical || net.nodeKind[net.node1[j]] == .storage { surfArea1[j] = 0 }
        if flowClass[j] == .dnCritical || net.nodeKind[net.node2[j]] == .storage { surfArea2[j] = 0 }
        if iteration > 0 && net.linkKind[j] != .pump {
            q = 0.5 * qLast + 0.5 * q
            if q * qLast < 0 { q = 0.001 * (q < 0 ? -1 : 1) }
        }
        newFlow[j] = q
    }

    private func modifiedPumpFlow(_ j: Int, _ q: Double, dt: Double) -> Double {
        if q == 0 { return q }
        let n1 = net.node1[j]
        if net.nodeKind[n1] == .storage { return maxOutflow(n1, q, dt) }
        guard let p = net.pump[j] else { return q }
        switch p.type {
        case .type1: return maxOutflow(n1, q, dt)
        case .type2, .type3, .type4:
            let newNet = inflow[n1] - outflow[n1] - q
            let vol = 0.5 * (oldNetInflow[n1] + newNet) * dt
            let y = oldDepth[n1] + vol / max(newSurfArea[n1], minSurfArea)
            if y <= 0 { return inflow[n1] }
            return q
        case .ideal: return q
        }
    }

    private mutating func updateNodeFlows(_ j: Int) {
        let n1 = net.node1[j], n2 = net.node2[j]
        let q = newFlow[j]
        let b = net.linkKind[j] == .conduit ? net.barrels[j] : 1
        if q >= 0 { outflow[n1] += q; inflow[n2] += q } else { inflow[n1] -= q; outflow[n2] -= q }
        newSurfArea[n1] += surfArea1[j] * b
        newSurfArea[n2] += surfArea2[j] * b
        sumdqdh[n1] += dqdh[j]
        if net.linkKind[j] == .pump {
            if net.pump[j]?.type != .type4 { sumdqdh[n2] += dqdh[j] }
        } else {
            sumdqdh[n2] += dqdh[j]
        }
    }

    private mutating func findNodeDepths(dt: Double, time: Double, iteration: Int) -> Bool {
        for j in 0..<net.linkCount { setOutfallDepth(j, time: time) }
        var ok = true
        for i in 0..<net.nodeCount where net.nodeKind[i] != .outfall {
            let yOld = newDepth[i]
            setNodeDepth(i, dt: dt, iteration: iteration)
            converged[i] = true
            if abs(yOld - newDepth[i]) > headTol { ok = false; converged[i] = false }
        }
        return ok
    }

    private mutating func findBypassedLinks() {
        for j in 0..<net.linkCount {
            bypassed[j] = converged[net.node1[j]] && converged[net.node2[j]]
        }
    }

    /// Node continuity (SWMM `setNodeDepth`): surface-area update below the crown, EXTRAN
    /// surcharge update above it, flooding or ponding above the full depth.
    private mutating func setNodeDepth(_ i: Int, dt: Double, iteration: Int) {
        let fudge = Hydraulics.fudge
        let fullDepth = net.fullDepth[i]
        let canPond = options.allowPonding && net.pondedArea[i] > 0
        let isPonded = canPond && newDepth[i] > fullDepth
        let yCrown = net.crownElev[i] - net.invert[i]
        let yOld = oldDepth[i], yLast = newDepth[i]
        overflow[i] = 0
        let surfArea = max(newSurfArea[i], minSurfArea)
        let dQ = inflow[i] - outflow[i]
        let dV = 0.5 * (oldNetInflow[i] + dQ) * dt
        var isSurcharged = false
        if options.surchargeMethod == .extran && !isPonded {
            if net.nodeKind[i] == .storage { isSurcharged = net.surDepth[i] > 0 && yLast > fullDepth }
            else { isSurcharged = yCrown > 0 && yLast > yCrown }
        }
        var yNew: Double
        if !isSurcharged {
            yNew = yOld + dV / surfArea
            if !isPonded { oldSurfArea[i] = surfArea }
            if iteration > 0 { yNew = 0.5 * yLast + 0.5 * yNew }
            if isPonded && yNew < fullDepth { yNew = fullDepth - fudge }
        } else {
            let corr = net.upstreamTerminal[i] ? 0.6 : 1.0
            var denom = sumdqdh[i]
            if yLast < 1.25 * yCrown {
                let f = (yLast - yCrown) / yCrown
                denom += (oldSurfArea[i] / dt - sumdqdh[i]) * exp(-15 * f)
            }
            let dy = denom == 0 ? 0 : corr * dQ / denom
            yNew = yLast + dy
            if yNew < yCrown { yNew = yCrown - fudge }
            // A node that can pond leaves the surcharge update at its rim: it may rise only just
            // above the full depth here, and from the next iteration on it is a ponded node whose
            // depth follows its volume over the ponded area (no head jump without water behind it).
            if canPond && yNew > fullDepth { yNew = fullDepth + fudge }
        }
        if yNew < 0 { yNew = 0 }
        var yMax = fullDepth
        if !canPond { yMax += net.surDepth[i] }
        if yNew > yMax {
            if !canPond {
                overflow[i] = dV / dt
                newVolume[i] = net.fullVolume[i]
                yNew = yMax
            } else {
                newVolume[i] = max(oldVolume[i] + dV, net.fullVolume[i])
                overflow[i] = (newVolume[i] - max(oldVolume[i], net.fullVolume[i])) / dt
            }
            if overflow[i] < fudge { overflow[i] = 0 }
        } else {
            newVolume[i] = nodeVolume(i, yNew)
        }
        dYdT[i] = abs(yNew - yOld) / dt
        newDepth[i] = yNew
    }
}
