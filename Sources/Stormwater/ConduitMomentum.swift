import Foundation

/// The dynamic-wave conduit momentum solution for one Picard iteration (SWMM 5.2 `dwflow.c`).
///
/// The St-Venant momentum equation is discretised per conduit as
/// Q = (Q_old − ΔQ_slope + ΔQ_inertia + ΔQ_loss) / (1 + ΔQ_friction + ΔQ_local)
/// with friction g·(n/1.486)²·|v|/R^(4/3), upstream-weighted area and radius, inertial damping by
/// Froude number, normal-flow limitation and under-relaxation (Roesner, Aldrich & Dickinson 1988,
/// *SWMM Extran Addendum*; Rossman 2017, *SWMM Reference Manual Vol. II*, ch. 3).
struct ConduitResult: Sendable {
    var q = 0.0, aMid = 0.0, depth = 0.0, volume = 0.0, froude = 0.0, dqdh = 0.0
    var surfArea1 = 0.0, surfArea2 = 0.0
    var flowClass = FlowRouter.FlowClass.dry
}

extension FlowRouter {
    /// The SWMM flow class of conduit j and the (possibly replaced) end depths and heads.
    func conduitFlowClass(_ j: Int, q: Double, h1: Double, h2: Double, y1: Double, y2: Double)
        -> (FlowClass, yC: Double, yN: Double, fasnh: Double)
    {
        let n1 = net.node1[j], n2 = net.node2[j]
        let z1 = net.offset1[j] + net.invert[n1], z2 = net.offset2[j] + net.invert[n2]
        var yN = 0.5 * (y1 + y2), yC = yN, fasnh = 1.0
        let fudge = Hydraulics.fudge
        var cls = FlowClass.subcritical
        if y1 > fudge && y2 > fudge {
            if q < 0 {
                if net.offset1[j] > 0 {
                    yN = net.xsect[j].yFull
                    yC = net.xsect[j].criticalDepth(flow: abs(q))
                    if y1 < min(yN, yC) { cls = .upCritical }
                }
            } else if net.offset2[j] > 0 {
                yN = normalDepth(j, q)
                yC = net.xsect[j].criticalDepth(flow: q)
                let ycMin = min(yN, yC), ycMax = max(yN, yC)
                if y2 < ycMin { cls = .dnCritical }
                else if y2 < ycMax { fasnh = ycMax - ycMin < fudge ? 0 : (ycMax - y2) / (ycMax - ycMin) }
            }
        } else if y1 <= fudge && y2 <= fudge {
            cls = .dry
        } else if y2 > fudge {
            if h2 < z1 { cls = .upDry }
            else if net.offset1[j] > 0 {
                yN = net.xsect[j].yFull
                yC = net.xsect[j].criticalDepth(flow: abs(q))
                if y1 < min(yN, yC) { cls = .upCritical }
            }
        } else {
            if h1 < z2 { cls = .dnDry }
            else if net.offset2[j] > 0 {
                yN = normalDepth(j, abs(q))
                yC = net.xsect[j].criticalDepth(flow: abs(q))
                if y2 < min(yN, yC) { cls = .dnCritical }
            }
        }
        return (cls, yC, yN, fasnh)
    }

    /// Relative depth y/yFull above which a closed conduit's top width is no longer used as is:
    /// 0.96 under EXTRAN (width held at that depth) and 0.985257 under SLOT (Preissmann slot).
    @inline(__always)
    var crownCutoff: Double { options.surchargeMethod == .slot ? 0.985257 : 0.96 }

    /// Preissmann slot width (ft) of a closed conduit at depth y (ft) under the SLOT surcharge
    /// method, 0 otherwise or below the crown cutoff: Sjöberg's w = wMax·0.5423·exp(−(y/yFull)^2.4)
    /// up to y/yFull = 1.78, then 1 % of wMax (Sjöberg 1982, as adopted in SWMM 5.1.013+; Pachaly
    /// et al. 2020, J. Hydraul. Eng. 146(7)).
    @inline(__always)
    func slotWidth(_ x: XSectionGeometry, _ y: Double) -> Double {
        guard options.surchargeMethod == .slot, x.isClosed, x.yFull > 0 else { return 0 }
        let yNorm = y / x.yFull
        if yNorm < 0.985257 { return 0 }
        if yNorm > 1.78 { return 0.01 * x.wMax }
        return x.wMax * 0.5423 * exp(-pow(yNorm, 2.4))
    }

    /// Area (ft²), top width for the nodes' surface area (ft) and hydraulic radius (ft) of conduit
    /// section x at depth y (ft). Above full depth (SLOT only) the area grows by the slot,
    /// A = Afull + (y − yFull)·w_slot, and the radius stays at its full value. The width is the slot
    /// width where a slot applies, else the width at the crown cutoff for a closed conduit above it.
    @inline(__always)
    func dwGeometry(_ x: XSectionGeometry, _ y: Double) -> (area: Double, width: Double, radius: Double) {
        let cutoff = crownCutoff
        if !x.isClosed || y < cutoff * x.yFull { return x.areaWidthRadius(depth: y) }
        let wSlot = slotWidth(x, y)
        if y >= x.yFull {
            return (x.aFull + (y - x.yFull) * wSlot, wSlot > 0 ? wSlot : x.topWidth(depth: cutoff * x.yFull), x.rFull)
        }
        let g = x.areaWidthRadius(depth: y)
        return (g.area, wSlot > 0 ? wSlot : x.topWidth(depth: cutoff * x.yFull), g.radius)
    }

    /// Surface-area width (ft) of conduit section x at depth y (ft), as in `dwGeometry`.
    @inline(__always)
    func dwWidth(_ x: XSectionGeometry, _ y: Double) -> Double {
        if !x.isClosed || y < crownCutoff * x.yFull { return x.topWidth(depth: y) }
        return dwGeometry(x, y).width
    }

    /// New flow of conduit j for iteration `iteration` (0-based) of a step of dt seconds.
    func conduitFlow(_ j: Int, iteration: Int, dt: Double) -> ConduitResult {
        let fudge = Hydraulics.fudge, g = Hydraulics.gravity
        let n1 = net.node1[j], n2 = net.node2[j]
        let x = net.xsect[j], c = net.conduit[j]
        let barrels = net.barrels[j]
        let qOld = oldFlow[j] / barrels
        let qLast = q1[j]
        let length = c.modLength
        let z1 = net.invert[n1] + net.offset1[j], z2 = net.invert[n2] + net.offset2[j]
        var h1 = max(newDepth[n1] + net.invert[n1], z1)
        var h2 = max(newDepth[n2] + net.invert[n2], z2)
        var y1 = max(h1 - z1, fudge)
        var y2 = max(h2 - z2, fudge)
        // Under EXTRAN the end depths stop at the crown; under SLOT they rise into the slot.
        if options.surchargeMethod != .slot { y1 = min(y1, x.yFull); y2 = min(y2, x.yFull) }

        // Flow class and the end depths it implies (a conduit full at both ends is subcritical).
        var r = ConduitResult()
        let (cls, yC, yN, fasnh) = y1 >= x.yFull && y2 >= x.yFull
            ? (FlowClass.subcritical, 0.0, 0.0, 1.0)
            : conduitFlowClass(j, q: qLast, h1: h1, h2: h2, y1: y1, y2: y2)
        r.flowClass = cls
        switch cls {
        case .upCritical: y1 = max(min(yC, yN), fudge); h1 = z1 + y1
        case .dnCritical: y2 = max(min(yC, yN), fudge); h2 = z2 + y2
        case .upDry: y1 = fudge
        case .dnDry: y2 = fudge
        default: break
        }
        // Geometry at the two ends and the middle, each evaluated once.
        let yMid = 0.5 * (y1 + y2)
        let g1 = dwGeometry(x, y1), g2 = dwGeometry(x, y2), gm = dwGeometry(x, yMid)
        let a1e = g1.area, a2e = g2.area, r1 = g1.radius
        let aMid = gm.area, rMid = gm.radius
        let isFull = y1 >= x.yFull && y2 >= x.yFull

        // Surface area the conduit lends to its end nodes (widths capped at 96 % of a closed depth).
        if cls != .dry {
            let yMidS = max(yMid, fudge)
            let w1 = g1.width, w2 = g2.width
            let wm = yMidS == yMid ? gm.width : dwWidth(x, yMidS)
            switch cls {
            case .subcritical, .supercritical:
                r.surfArea1 = (w1 + wm) / 2 * length / 2
                r.surfArea2 = (wm + w2) / 2 * length / 2 * fasnh
            case .upCritical:
                r.surfArea2 = (wm + w2) / 2 * length / 2
            case .dnCritical:
                r.surfArea1 = (w1 + wm) / 2 * length / 2
            case .upDry:
                r.surfArea2 = (wm + w2) / 2 * length / 2
                if net.offset1[j] <= 0 { r.surfArea1 = (w1 + wm) / 2 * length / 2 }
            case .dnDry:
                r.surfArea1 = (wm + w1) / 2 * length / 2
                if net.offset2[j] <= 0 { r.surfArea2 = (w2 + wm) / 2 * length / 2 }
            case .dry: break
            }
        } else {
            r.surfArea1 = fudge * length / 2
            r.surfArea2 = r.surfArea1
        }

        if cls == .dry || cls == .upDry || cls == .dnDry || setting[j] == 0 || aMid <= fudge {
            r.aMid = 0.5 * (a1e + a2e)
            r.q = 0
            r.dqdh = g * dt * aMid / length * barrels
            r.froude = 0
            r.depth = min(yMid, x.yFull)
            r.volume = r.aMid * c.length * barrels
            return r
        }

        var v = qLast / aMid
        if abs(v) > 50 { v = 50 * (qLast < 0 ? -1 : 1) }
        // Froude number with the section's own top width (not the capped or slot width).
        let wFroude = !x.isClosed || yMid < crownCutoff * x.yFull ? gm.width : x.topWidth(depth: yMid)
        r.froude = froudeNumber(x, v: v, y: yMid, area: aMid, width: wFroude)
        if r.flowClass == .subcritical && r.froude > 1 { r.flowClass = .supercritical }

        var sigma: Double = r.froude <= 0.5 ? 1 : (r.froude >= 1 ? 0 : 2 * (1 - r.froude))
        var rho = 1.0
        if !isFull && qLast > 0 && h1 >= h2 { rho = sigma }
        let aWtd = a1e + (aMid - a1e) * rho
        let rWtd = r1 + (rMid - r1) * rho
        switch options.inertialDamping {
        case .none: sigma = 1
        case .full: sigma = 0
        case .partial: break
        }
        if isFull && x.isClosed { sigma = 0 }

        let dq1 = dt * c.roughFactor / pow(rWtd, 4.0 / 3.0) * abs(v)
        let dq2 = dt * g * aWtd * (h2 - h1) / length
        var dq3 = 0.0, dq4 = 0.0
        if sigma > 0 {
            dq3 = 2 * v * (aMid - a2[j]) * sigma
            dq4 = dt * v * v * (a2e - a1e) / length * sigma
        }
        var dq5 = 0.0
        if c.hasLosses {
            let qa = abs(qLast)
            var losses = 0.0
            if a1e > fudge { losses += c.lossInlet * qa / a1e }
            if a2e > fudge { losses += c.lossOutlet * qa / a2e }
            if aMid > fudge { losses += c.lossAverage * qa / aMid }
            dq5 = losses / 2 / length * dt
        }
        let denom = 1 + dq1 + dq5
        var q = (qOld - dq2 + dq3 + dq4) / denom
        r.dqdh = 1 / denom * g * dt * aWtd / length * barrels

        if q > 0 && y1 < x.yFull && (r.flowClass == .subcritical || r.flowClass == .supercritical) {
            q = normalFlowLimit(j, q: q, y1: y1, y2: y2, a1: a1e, r1: r1)
        }
        // Culvert inlet control: the inlet's flow and dQ/dH replace the barrel's when smaller.
        if c.culvertCode > 0 && !isFull, let inlet = CulvertInlet(code: c.culvertCode, xsect: x, slope: c.slope),
           let control = inlet.flow(head: h1 - z1), control.q < q {
            q = control.q
            r.dqdh = control.dqdh * barrels
        }
        if iteration > 0 {
            q = 0.5 * qLast + 0.5 * q
            if q * qLast < 0 { q = 0.001 * (q < 0 ? -1 : 1) }
        }
        let limit = net.flowLimit[j]
        if limit > 0 && abs(q) > limit { q = limit * (q < 0 ? -1 : 1) }
        if flapGateCloses(j, q) { q = 0 }
        if q > fudge && newDepth[n1] <= fudge { q = fudge }
        if q < -fudge && newDepth[n2] <= fudge { q = -fudge }

        r.q = q
        r.aMid = aMid
        r.depth = min(yMid, x.yFull)
        // The slot may hold more than the full area (SLOT); under EXTRAN the ends are at most full.
        r.volume = 0.5 * (a1e + a2e) * c.length * barrels
        return r
    }

    /// `froudeNumber(_:v:y:)` with the area and top width at y already known.
    @inline(__always)
    func froudeNumber(_ x: XSectionGeometry, v: Double, y: Double, area: Double, width w: Double) -> Double {
        if y <= Hydraulics.fudge { return 0 }
        if x.isClosed && x.yFull - y <= Hydraulics.fudge { return 0 }
        if w <= 0 { return 0 }
        return abs(v) / (Hydraulics.gravity * area / w).squareRoot()
    }

    /// Froude number |v|/√(g·A/W) at depth y; 0 when dry or when a closed conduit is full.
    func froudeNumber(_ x: XSectionGeometry, v: Double, y: Double) -> Double {
        if y <= Hydraulics.fudge { return 0 }
        if x.isClosed && x.yFull - y <= Hydraulics.fudge { return 0 }
        let w = x.topWidth(depth: y)
        if w <= 0 { return 0 }
        return abs(v) / (Hydraulics.gravity * x.area(depth: y) / w).squareRoot()
    }

    /// Caps q at Manning flow for the upstream area when the water surface is flatter than the
    /// conduit (SLOPE) or the upstream Froude number is ≥ 1 (FROUDE), per NORMAL_FLOW_LIMITED.
    func normalFlowLimit(_ j: Int, q: Double, y1: Double, y2: Double, a1: Double, r1: Double) -> Double {
        let n1 = net.node1[j], n2 = net.node2[j]
        let hasOutfall = net.nodeKind[n1] == .outfall || net.nodeKind[n2] == .outfall
        var check = false
        let mode = options.normalFlowLimited
        if mode == .slope || mode == .both || hasOutfall { if y1 < y2 { check = true } }
        if !check && (mode == .froude || mode == .both) && !hasOutfall && y1 > Hydraulics.fudge && y2 > Hydraulics.fudge {
            if froudeNumber(net.xsect[j], v: q / a1, y: y1) >= 1 { check = true }
        }
        if check {
            let qNorm = net.conduit[j].beta * a1 * pow(r1, 2.0 / 3.0)
            if qNorm < q { return qNorm }
        }
        return q
    }

    /// Whether a flap gate (on the link, or on an outfall at its inflow end) blocks flow q.
    func flapGateCloses(_ j: Int, _ q: Double) -> Bool {
        if net.flapGate[j] && q * net.direction[j] < 0 { return true }
        let n = q < 0 ? net.node2[j] : (q > 0 ? net.node1[j] : -1)
        if n >= 0, net.nodeKind[n] == .outfall, net.outfall[n]?.flapGate == true { return true }
        return false
    }
}
