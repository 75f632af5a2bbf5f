import Foundation

/// Flows through pumps, orifices, weirs and outlets from the current node heads (SWMM 5.2 `link.c`
/// `link_getInflow`), in cfs, positive from node1 to node2. Each also sets the link's dQ/dH, flow
/// class and equivalent surface area used by dynamic wave.
extension FlowRouter {
    /// Flow entering link j at its upstream end for the current node states.
    mutating func structureInflow(_ j: Int) -> Double {
        if setting[j] == 0 && net.linkKind[j] != .pump { dqdh[j] = 0; return 0 }
        switch net.linkKind[j] {
        case .pump: return pumpInflow(j)
        case .orifice: return orificeInflow(j)
        case .weir: return weirInflow(j)
        case .outlet: return outletInflow(j)
        case .conduit:
            return 0
        }
    }

    /// Upstream and downstream heads (ft); under kinematic wave the downstream head is the outlet
    /// node's invert (free outflow).
    private func heads(_ j: Int) -> (h1: Double, h2: Double) {
        let n1 = net.node1[j], n2 = net.node2[j]
        let h1 = newDepth[n1] + net.invert[n1]
        let h2 = options.method == .dynamicWave ? newDepth[n2] + net.invert[n2] : net.invert[n2]
        return (h1, h2)
    }

    // MARK: pumps

    /// Pump flow from its curve (types 1–4) or the inlet node's inflow (ideal pump), times its setting.
    mutating func pumpInflow(_ j: Int) -> Double {
        setting[j] = targetSetting[j]
        dqdh[j] = 0
        if setting[j] == 0 { return 0 }
        guard let p = net.pump[j] else { return 0 }
        let n1 = net.node1[j], n2 = net.node2[j]
        var q: Double
        switch p.type {
        case .ideal: q = inflow[n1] + overflow[n1]
        case .type1: q = p.curve.intervalLookup(newVolume[n1])
        case .type2: q = p.curve.intervalLookup(newDepth[n1])
        case .type3:
            let head = max(0, (newDepth[n2] + net.invert[n2]) - (newDepth[n1] + net.invert[n1]))
            q = p.curve.lookup(head)
            dqdh[j] = -p.curve.slope(head)
        case .type4:
            q = p.curve.lookup(newDepth[n1])
            dqdh[j] = p.curve.slope(newDepth[n1])
        }
        return max(0, q) * setting[j]
    }

    // MARK: orifices

    /// Orifice flow: weir flow while the opening is partly submerged, orifice flow above, with
    /// Villemonte's submergence correction (SWMM `orifice_getInflow`).
    mutating func orificeInflow(_ j: Int) -> Double {
        guard let o = net.orifice[j] else { return 0 }
        let n1 = net.node1[j]
        var (h1, h2) = heads(j)
        let dir: Double = h1 >= h2 ? 1 : -1
        if dir < 0 { swap(&h1, &h2) }
        let x = net.xsect[j]
        let opening = x.yFull * setting[j]
        let aOrif = x.area(depth: opening)
        let cOrif = o.cDisch * aOrif * (2 * Hydraulics.gravity).squareRoot()
        let hcrest = net.invert[n1] + net.offset1[j]
        var head: Double, f: Double, hCrit: Double
        if o.bottom {
            let w = x.topWidth(depth: opening)
            hCrit = w > 0 ? aOrif / w : opening
            head = h1 < hcrest ? 0 : (h2 > hcrest ? h1 - h2 : h1 - hcrest)
            f = hCrit > 0 ? min(head / hCrit, 1) : 1
        } else {
            hCrit = opening
            let hcrown = hcrest + opening
            let hmid = 0.5 * (hcrest + hcrown)
            f = (h1 < hcrown && hcrown > hcrest) ? (h1 - hcrest) / (hcrown - hcrest) : 1
            head = f < 1 ? h1 - hcrest : (h2 < hmid ? h1 - hmid : h1 - h2)
        }
        if head <= 0 || f <= 0 || aOrif <= 0 { dqdh[j] = 0; structureSurfArea[j] = 0; linkNewDepth[j] = 0; return 0 }
        flowClass[j] = hcrest > h2 ? (dir > 0 ? .dnCritical : .upCritical) : .subcritical
        if o.bottom {
            linkNewDepth[j] = opening
            structureSurfArea[j] = aOrif
        } else {
            linkNewDepth[j] = opening * f
            structureSurfArea[j] = x.topWidth(depth: linkNewDepth[j]) * o.length
        }
        var q: Double
        if f < 1 {
            // Weir flow matched to orifice flow at f = 1.
            let cWeir = o.bottom ? cOrif * hCrit.squareRoot() : cOrif * (hCrit / 2).squareRoot()
            q = cWeir * pow(f, 1.5)
            dqdh[j] = 1.5 * q / (f * hCrit)
        } else {
            q = cOrif * head.squareRoot()
            dqdh[j] = q / (2 * head)
        }
        if f < 1 && h2 > hcrest {
            let ratio = (h2 - hcrest) / (h1 - hcrest)
            q *= pow(1 - pow(ratio, 1.5), 0.385)
        }
        return dir * q
    }

    // MARK: weirs

    /// Weir flow by type (transverse, side-flow, v-notch, trapezoidal, roadway), reduced by end
    /// contractions and Villemonte submergence; a surcharged weir flows as an orifice.
    mutating func weirInflow(_ j: Int) -> Double {
        guard let w = net.weir[j] else { return 0 }
        let n1 = net.node1[j]
        var (h1, h2) = heads(j)
        let dir: Double = h1 > h2 ? 1 : -1
        if dir < 0 { swap(&h1, &h2) }
        let x = net.xsect[j]
        var hcrest = net.invert[n1] + net.offset1[j]
        let hcrown = hcrest + x.yFull
        dqdh[j] = 0
        if w.type == .roadway { return dir * roadwayFlow(j, w, hcrest: hcrest, h1: h1, h2: h2) }
        hcrest += (1 - setting[j]) * x.yFull
        var head = h1 - hcrest
        if head <= Hydraulics.fudge || hcrest >= hcrown {
            linkNewDepth[j] = 0; flowClass[j] = .dry; return 0
        }
        flowClass[j] = hcrest > h2 ? (dir > 0 ? .dnCritical : .upCritical) : .subcritical
        let y = x.yFull - (hcrown - min(h1, hcrown))
        structureSurfArea[j] = x.topWidth(depth: y) * w.length
        // Surcharged weir: orifice flow through the full opening, matched at the crown.
        if h1 > hcrown && w.canSurcharge {
            let hc = hcrown - hcrest
            let (qc1, qc2) = weirFlow(j, w, head: hc, dir: dir)
            let cOrif = (qc1 + qc2) / (hc / 2).squareRoot()
            head = h2 > hcrest + hc / 2 ? h1 - h2 : h1 - (hcrest + hc / 2)
            if head <= 0 { return 0 }
            let q = cOrif * head.squareRoot()
            dqdh[j] = q / (2 * head)
            linkNewDepth[j] = x.yFull
            return dir * q
        }
        var (q1, q2) = weirFlow(j, w, head: head, dir: dir)
        if h2 > hcrest {
            let ratio = (h2 - hcrest) / (h1 - hcrest)
            q1 *= pow(1 - pow(ratio, 1.5), 0.385)
            if q2 > 0 { q2 *= pow(1 - pow(ratio, 2.5), 0.385) }
        }
        linkNewDepth[j] = min(h1 - hcrest, x.yFull)
        return dir * (q1 + q2)
    }

    /// Flows (cfs) through the central part and the triangular ends of a weir for `head` (ft).
    private mutating func weirFlow(_ j: Int, _ w: WeirData, head h: Double, dir: Double) -> (Double, Double) {
        if h <= 0 { return (0, 0) }
        let x = net.xsect[j]
        var length = max(0, x.wMax - 0.1 * w.endContractions * h)
        var q1 = 0.0, q2 = 0.0
        switch w.type {
        case .transverse, .roadway:
            q1 = w.cDisch1 * length * pow(h, 1.5)
            dqdh[j] = 1.5 * q1 / h
        case .sideflow:
            q1 = dir < 0 ? w.cDisch1 * length * pow(h, 1.5) : w.cDisch1 * pow(length, 0.83) * pow(h, 1.67)
            dqdh[j] = (dir < 0 ? 1.5 : 1.67) * q1 / h
        case .vNotch:
            q1 = w.cDisch1 * w.slope * pow(h, 2.5)
            dqdh[j] = 2.5 * q1 / h
        case .trapezoidal:
            let y = (1 - setting[j]) * x.yFull
            length = max(0, x.topWidth(depth: y) - 0.1 * w.endContractions * h)
            q1 = w.cDisch1 * length * pow(h, 1.5)
            q2 = w.cDisch2 * w.slope * pow(h, 2.5)
            dqdh[j] = (1.5 * q1 + 2.5 * q2) / h
        }
        return (q1, q2)
    }

    /// Roadway overtopping as a broad-crested weir over the road width (FHWA HDS-5 form
    /// Q = Cr·L·H^1.5, with a constant Cr of 3.0 for paved and 2.95 (ft^0.5/s) for gravel roads and
    /// Villemonte submergence). An approximation of SWMM's `roadway.c`, which reads Cr and the
    /// submergence factor from the HDS-5 charts.
    private mutating func roadwayFlow(_ j: Int, _ w: WeirData, hcrest: Double, h1: Double, h2: Double) -> Double {
        let head = h1 - hcrest
        if head <= Hydraulics.fudge { linkNewDepth[j] = 0; flowClass[j] = .dry; return 0 }
        let cr = w.roadWidth > 0 ? (w.paved ? 3.0 : 2.95) : w.cDisch1
        var q = cr * net.xsect[j].wMax * pow(head, 1.5)
        if h2 > hcrest {
            let ratio = (h2 - hcrest) / head
            q *= pow(max(0, 1 - pow(ratio, 1.5)), 0.385)
        }
        dqdh[j] = 1.5 * q / head
        linkNewDepth[j] = head
        flowClass[j] = hcrest > h2 ? .dnCritical : .subcritical
        return q
    }

    // MARK: outlets

    /// Outlet flow from its rating curve or power function of depth or head, times its setting.
    mutating func outletInflow(_ j: Int) -> Double {
        guard let o = net.outlet[j] else { return 0 }
        let n1 = net.node1[j]
        var (h1, h2) = heads(j)
        let hcrest = net.invert[n1] + net.offset1[j]
        let dir: Double = h1 >= h2 ? 1 : -1
        if dir < 0 { swap(&h1, &h2) }
        let head = o.onHead ? h1 - h2 : h1 - hcrest
        dqdh[j] = 0
        if head <= Hydraulics.fudge { linkNewDepth[j] = 0; return 0 }
        let q: Double
        if let c = o.curve {
            q = c.lookup(head)
            dqdh[j] = c.slope(head)
        } else {
            q = o.coefficient * pow(head, o.exponent)
            dqdh[j] = o.exponent * q / head
        }
        linkNewDepth[j] = head
        return dir * q * setting[j]
    }
}
