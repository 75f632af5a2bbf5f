import Foundation

/// Kinematic-wave routing (SWMM 5.2 `kinwave.c` and the non-DW part of `flowrout.c`).
///
/// Links are visited in topological order. A conduit solves continuity ∂A/∂t + ∂Q/∂x = 0 with
/// normal flow Q = β·A·R^(2/3) on a four-point implicit grid weighted WX = WT = 0.6, in variables
/// normalised by the full area and flow, for the outlet area by safeguarded Newton iteration on the
/// section factor (Rossman 2017, *SWMM Reference Manual Vol. II*, §3.3). Inflow beyond full flow is
/// lost at the upstream node as flooding. Storage units are updated by iterating on their depth
/// and outflow; other links pass their inflow straight through.
extension FlowRouter {
    static let wx = 0.6, wt = 0.6

    mutating func kinematicWaveStep(dt: Double) {
        for i in 0..<net.nodeCount where losses[i] != 0 { outflow[i] += losses[i] }  // Seepage hook
        for idx in 0..<net.sortedLinks.count {
            let j = net.sortedLinks[idx]
            let n1 = net.node1[j]
            if net.nodeKind[n1] == .storage { updateStorageState(n1, from: idx, dt: dt) }
            var qin = kwLinkInflow(j, dt: dt)
            var qout = qin
            if net.linkKind[j] == .conduit && net.xsect[j].kind != .dummy {
                (qin, qout) = kinematicConduit(j, qin: qin, dt: dt)
            }
            newFlow[j] = qout
            outflow[n1] += qin
            inflow[net.node2[j]] += qout
        }
        for i in 0..<net.nodeCount { setNewNodeState(i, dt: dt) }
        for j in 0..<net.linkCount { setNewLinkState(j) }
    }

    /// Flow entering link j (cfs), limited so the upstream node cannot go negative.
    private mutating func kwLinkInflow(_ j: Int, dt: Double) -> Double {
        let n1 = net.node1[j]
        var q = 0.0
        if net.linkKind[j] == .conduit || net.linkKind[j] == .pump || net.nodeKind[n1] == .storage {
            q = linkInflow(j)
        }
        return maxOutflow(n1, q, dt)
    }

    private mutating func linkInflow(_ j: Int) -> Double {
        if net.linkKind[j] == .conduit {
            if setting[j] == 0 { return 0 }
            let n1 = net.node1[j]
            if net.nodeKind[n1] == .storage {
                // Normal flow at the storage depth above the conduit's offset.
                let y = newDepth[n1] - net.offset1[j]
                if y <= 0 { return 0 }
                let x = net.xsect[j]
                if y >= x.yFull { return net.conduit[j].qFull * net.barrels[j] }
                return net.conduit[j].beta * x.area(depth: y) * pow(x.hydraulicRadius(depth: y), 2.0 / 3.0) * net.barrels[j]
            }
            return inflow[n1] + overflow[n1]
        }
        return structureInflow(j)
    }

    /// Routes `qin` (cfs, all barrels) through conduit j; returns the accepted inflow and the outflow.
    private mutating func kinematicConduit(_ j: Int, qin qTotal: Double, dt: Double) -> (Double, Double) {
        let x = net.xsect[j], c = net.conduit[j]
        let b = net.barrels[j]
        let qFull = c.qFull, aFull = x.aFull
        guard qFull > 0 else { return (qTotal, qTotal) }
        let beta1 = c.beta / qFull
        let q1n = q1[j] / qFull, q2n = q2[j] / qFull
        let a1n = a1[j] / aFull, a2n = a2[j] / aFull
        var qin = qTotal / b / qFull
        if qin > 1 { qin = 1 }
        let ain = x.area(sectionFactor: qin / beta1) / aFull
        var qout = 0.0, aout = 0.0
        if qin > 1e-10 || q2n > 1e-10 {
            let dxdt = c.length / dt * aFull / qFull
            let dq = q2n - q1n
            let cc1 = dxdt * Self.wt / Self.wx
            var cc2 = (1 - Self.wt) * (ain - a1n) - Self.wt * a2n
            cc2 = cc2 * dxdt / Self.wx + (1 - Self.wx) / Self.wx * dq - qin
            aout = solveKinematic(j, beta1: beta1, c1: cc1, c2: cc2, guess: a2n)
            qout = beta1 * x.sectionFactor(area: aout * aFull)
        }
        q1[j] = qin * qFull; a1[j] = ain * aFull
        q2[j] = qout * qFull; a2[j] = aout * aFull
        return (q1[j] * b, q2[j] * b)
    }

    /// Root of f(a) = β₁·S(a·Afull) + C1·a + C2 on the rising branch of the section factor
    /// (safeguarded Newton–Raphson, tolerance 0.001 in A/Afull).
    private func solveKinematic(_ j: Int, beta1: Double, c1: Double, c2: Double, guess: Double) -> Double {
        let x = net.xsect[j]
        let aFull = x.aFull
        func f(_ a: Double) -> Double { beta1 * x.sectionFactor(area: a * aFull) + c1 * a + c2 }
        var aHi = 1.0, fHi = 1.0 + c1 + c2
        var aLo = x.aMax / aFull
        var fLo = aLo < 1 ? beta1 * x.sMax + c1 * aLo + c2 : fHi
        if fHi * fLo > 0 { aHi = aLo; fHi = fLo; aLo = 0; fLo = c2 }
        if fHi * fLo > 0 { return fLo < 0 ? 1 : 0 }
        if fLo > fHi { swap(&aLo, &aHi); swap(&fLo, &fHi) }
        var a = (guess < min(aLo, aHi) || guess > max(aLo, aHi)) ? 0.5 * (aLo + aHi) : guess
        var dxOld = abs(aHi - aLo), dxv = dxOld
        var fa = f(a)
        var dfa = beta1 * aFull * x.dSdA(area: a * aFull) + c1
        for _ in 0..<60 {
            if ((a - aHi) * dfa - fa) * ((a - aLo) * dfa - fa) >= 0 || abs(2 * fa) > abs(dxOld * dfa) {
                dxOld = dxv; dxv = 0.5 * (aHi - aLo); a = aLo + dxv
            } else {
                dxOld = dxv; dxv = fa / dfa; a -= dxv
            }
            if abs(dxv) < 0.001 { break }
            fa = f(a)
            dfa = beta1 * aFull * x.dSdA(area: a * aFull) + c1
            if fa < 0 { aLo = a } else { aHi = a }
        }
        return a
    }

    /// Iterates a storage unit's depth with the outflow it drives (under-relaxation 0.55).
    private mutating func updateStorageState(_ i: Int, from idx: Int, dt: Double) {
        if updated[i] { return }
        let vFixed = oldVolume[i] + 0.5 * (oldNetInflow[i] + inflow[i] - outflow[i]) * dt
        var d1 = newDepth[i]
        var iter = 1
        while iter < 10 {
            var out = 0.0
            for k in idx..<net.sortedLinks.count {
                let m = net.sortedLinks[k]
                if net.node1[m] == i { out += kwLinkInflow(m, dt: dt) }
            }
            var v2 = max(0, vFixed - 0.5 * out * dt)
            overflow[i] = 0
            if v2 > net.fullVolume[i] {
                overflow[i] = (v2 - max(oldVolume[i], net.fullVolume[i])) / dt
                if overflow[i] < Hydraulics.fudge { overflow[i] = 0 }
                if !options.allowPonding || net.pondedArea[i] == 0 { v2 = net.fullVolume[i] }
            }
            newVolume[i] = v2
            var d2 = nodeDepth(i, volume: v2)
            d2 = 0.45 * d1 + 0.55 * d2
            newDepth[i] = d2
            let stop = abs(d2 - d1) <= 0.005
            d1 = d2
            iter += 1
            if stop { break }
        }
        // The reported depth is the one that holds the final volume (the iterate is under-relaxed).
        newDepth[i] = nodeDepth(i, volume: newVolume[i])
        updated[i] = true
    }

    private mutating func setNewNodeState(_ i: Int, dt: Double) {
        if net.nodeKind[i] == .storage { return }
        let newNet = inflow[i] - outflow[i]   // Seepage hook: outflow includes the node's losses
        newVolume[i] = oldVolume[i] + 0.5 * (oldNetInflow[i] + newNet) * dt
        if newVolume[i] < Hydraulics.fudge { newVolume[i] = 0 }
        overflow[i] = 0
        let canPond = options.allowPonding && net.pondedArea[i] > 0
        if newVolume[i] > net.fullVolume[i] {
            overflow[i] = (newVolume[i] - max(oldVolume[i], net.fullVolume[i])) / dt
            if overflow[i] < Hydraulics.fudge { overflow[i] = 0 }
            if !canPond { newVolume[i] = net.fullVolume[i] }
        }
        newDepth[i] = nodeDepth(i, volume: newVolume[i])
    }

    private mutating func setNewLinkState(_ j: Int) {
        linkNewDepth[j] = 0
        newLinkVolume[j] = 0
        guard net.linkKind[j] == .conduit, net.xsect[j].kind != .dummy else { return }
        let x = net.xsect[j]
        newLinkVolume[j] = 0.5 * (a1[j] + a2[j]) * net.conduit[j].length * net.barrels[j]
        let y1 = x.depth(area: a1[j]), y2 = x.depth(area: a2[j])
        linkNewDepth[j] = 0.5 * (y1 + y2)
        updateNodeDepth(net.node1[j], y1 + net.offset1[j])
        updateNodeDepth(net.node2[j], y2 + net.offset2[j])
    }

    private mutating func updateNodeDepth(_ i: Int, _ y0: Double) {
        if net.nodeKind[i] == .storage { return }
        var y = y0
        if net.nodeKind[i] != .outfall && overflow[i] > 0 { y = net.fullDepth[i] }
        if newDepth[i] < y {
            newDepth[i] = y
            if net.fullDepth[i] > 0 && y > net.fullDepth[i] { newDepth[i] = net.fullDepth[i] }
        }
    }
}
