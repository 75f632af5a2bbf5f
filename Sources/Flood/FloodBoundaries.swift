/// One open face on the domain edge: free outflow, a stage, or an edge inflow.
struct EdgeFace: Sendable {
    enum Kind: Sendable { case free, stage, inflow }
    var kind: Kind
    /// x-face (west/east edge) or y-face (north/south edge).
    var isX: Bool
    /// Index of the face in its q array.
    var face: Int
    /// The edge cell inside the domain.
    var cell: Int
    /// +1 when a positive q (east or south) flows into the domain, −1 otherwise.
    var inward: Float
    /// The boundary (for free and stage faces) or inflow (for inflow faces) it belongs to.
    var owner: Int
    /// √S / n for free outflow (s⁻¹ m^⅓); n² for stage faces.
    var coefficient: Float
    /// Number of faces of its inflow (unit discharge = Q / (count Δx)).
    var share: Int
}

extension EdgeFace {
    /// The open edge faces of a setup, in a fixed order (boundaries, then inflows, each along its
    /// cells as given). Blocked edge cells are skipped.
    static func faces(of setup: FloodSetup) -> [EdgeFace] {
        let g = setup.grid, w = g.width, ht = g.height, dx = g.cellSize
        func locate(_ e: FloodEdge, _ cell: Int) -> (isX: Bool, face: Int, inward: Float, inner: Int?) {
            let r = cell / w, c = cell % w
            switch e {
            case .west: return (true, r * (w + 1), 1, w > 1 ? cell + 1 : nil)
            case .east: return (true, r * (w + 1) + w, -1, w > 1 ? cell - 1 : nil)
            case .north: return (false, c, 1, ht > 1 ? cell + w : nil)
            case .south: return (false, ht * w + c, -1, ht > 1 ? cell - w : nil)
            }
        }
        var out: [EdgeFace] = []
        for (k, b) in setup.boundaries.enumerated() {
            for cell in b.cells where !g.blocked[cell] {
                let l = locate(b.edge, cell)
                let n = Double(g.manningN(at: cell))
                switch b.kind {
                case .free(let slope):
                    var s = slope ?? 0.001
                    if slope == nil, let inner = l.inner, !g.blocked[inner] { s = max((g.bed[inner] - g.bed[cell]) / dx, 0.001) }
                    out.append(EdgeFace(kind: .free, isX: l.isX, face: l.face, cell: cell, inward: l.inward, owner: k,
                                        coefficient: Float(s.squareRoot() / n), share: 1))
                case .stage:
                    out.append(EdgeFace(kind: .stage, isX: l.isX, face: l.face, cell: cell, inward: l.inward, owner: k,
                                        coefficient: Float(n * n), share: 1))
                }
            }
        }
        for (k, f) in setup.inflows.enumerated() {
            guard case .edge(let e, let cells) = f.place else { continue }
            let open = cells.filter { !g.blocked[$0] }
            for cell in open {
                let l = locate(e, cell)
                out.append(EdgeFace(kind: .inflow, isX: l.isX, face: l.face, cell: cell, inward: l.inward, owner: k,
                                    coefficient: 0, share: open.count))
            }
        }
        return out
    }
}

extension FloodSimulation {
    /// Sets the discharge of every open edge face for the step [t0, t0 + dt] in the new q buffers, books
    /// the volumes through them, and adds their edge cells to the active ranges.
    mutating func edgePass(_ s: FloodStorage, _ c: StepConstants, t0: Double, dt: Double) {
        guard !edgeFaces.isEmpty else { return }
        let w = s.width, nxt = 1 - s.cur
        let dx = setup.grid.cellSize
        var stageLevel = [Double](repeating: 0, count: setup.boundaries.count)
        for (k, b) in setup.boundaries.enumerated() { if case .stage(let series) = b.kind { stageLevel[k] = series.mean(from: t0, to: t0 + dt) } }
        var unitInflow = [Double](repeating: 0, count: setup.inflows.count)
        for (k, f) in setup.inflows.enumerated() { unitInflow[k] = f.hydrograph.mean(from: t0, to: t0 + dt) }
        for e in edgeFaces {
            let qOld = (e.isX ? s.qx[s.cur] : s.qy[s.cur])[e.face]
            let hc = s.h[e.cell]
            var qIn: Float   // into the domain, m²/s
            switch e.kind {
            case .free:
                qIn = hc > c.hmin ? -Float(pow53(Double(hc)) * Double(e.coefficient)) : 0
            case .stage:
                let ghost = Float(max(stageLevel[e.owner] - setup.grid.bed[e.cell], 0))
                let q = e.inward * qOld
                qIn = faceFlux(q: q, qUp: q, qDown: q, qPerp: 0, hA: ghost, hB: hc, dz: 0, n2: e.coefficient, c)
            case .inflow:
                qIn = Float(unitInflow[e.owner] / (Double(e.share) * dx))
            }
            (e.isX ? s.qx[nxt] : s.qy[nxt])[e.face] = e.inward * qIn
            let volume = Double(qIn) * Double(c.k) * dx * dx     // what continuity adds: (Δt/Δx in Float) · q · A
            if e.kind == .inflow { inflowVolumes[e.owner] += volume; balance.inflow += volume }
            else if volume >= 0 { boundaryVolumes[e.owner].inflow += volume; balance.inflow += volume }
            else { boundaryVolumes[e.owner].outflow -= volume; balance.outflow -= volume }
            if qIn != 0 {
                let r = e.cell / w, col = Int32(e.cell % w)
                if s.activeLo[r] >= s.activeHi[r] { s.activeLo[r] = col; s.activeHi[r] = col + 1 }
                else { s.activeLo[r] = min(s.activeLo[r], col); s.activeHi[r] = max(s.activeHi[r], col + 1) }
            }
        }
    }

    /// Limits the outflow of cells the step left with a negative depth (instead of clipping, which
    /// would create water): each such cell's outgoing discharges are scaled so that it ends exactly
    /// dry, and the neighbours downstream receive correspondingly less (which may in turn limit
    /// them). Cells are processed in index order, so the result does not depend on the thread count.
    mutating func limitOutflows(_ s: FloodStorage, k: Float, dt: Double) {
        var queue: [Int32] = []
        for b in 0..<s.bandCount where !s.bandNegatives[b].isEmpty { queue.append(contentsOf: s.bandNegatives[b]) }
        guard !queue.isEmpty else { return }
        let w = s.width, ht = s.height, nxt = 1 - s.cur
        let qx = s.qx[nxt], qy = s.qy[nxt], h = s.h
        let dx = setup.grid.cellSize
        var head = 0
        while head < queue.count {
            let i = Int(queue[head]); head += 1
            guard h[i] < 0 else { continue }
            h[i] += s.hLow[i]; s.hLow[i] = 0
            let r = i / w, col = i % w
            // (face pointer, index, sign of outgoing, neighbour or −1)
            let faces: [(UnsafeMutablePointer<Float>, Int, Float, Int)] = [
                (qx, r * (w + 1) + col, -1, col > 0 ? i - 1 : -1),
                (qx, r * (w + 1) + col + 1, 1, col < w - 1 ? i + 1 : -1),
                (qy, r * w + col, -1, r > 0 ? i - w : -1),
                (qy, (r + 1) * w + col, 1, r < ht - 1 ? i + w : -1),
            ]
            var out: Float = 0
            for (p, f, sign, _) in faces where p[f] * sign > 0 { out += p[f] * sign }
            let outDepth = k * out
            guard outDepth > 0 else { h[i] = 0; continue }   // not reached: a cell without outflow cannot go negative
            let keep = max(0, 1 + h[i] / outDepth)
            h[i] = 0
            limitedCells += 1
            for (p, f, sign, nb) in faces where p[f] * sign > 0 {
                let old = p[f], new = old * keep
                p[f] = new
                let lost = k * (old - new) * sign          // depth the receiver no longer gets (≥ 0)
                if nb >= 0 {
                    s.add(-lost, at: nb)
                    if h[nb] < 0 { queue.append(Int32(nb)) }
                } else {
                    let volume = Double((old - new) * sign) * Double(k) * dx * dx
                    balance.outflow -= volume
                    if let e = edgeFaceIndex[EdgeKey(isX: p == qx, face: f)] { boundaryVolumes[edgeFaces[e].owner].outflow -= volume }
                }
            }
        }
    }
}

/// x^(5/3) for x ≥ 0.
@inline(__always) func pow53(_ x: Double) -> Double { x > 0 ? x * Double.cbrtApprox(x * x) : 0 }

extension Double {
    /// Cube root by Newton's method from a bit-level guess (full double precision after four steps).
    static func cbrtApprox(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        var y = Double(bitPattern: x.bitPattern / 3 &+ 0x2A9F_7893_782D_A1CE)
        for _ in 0..<5 { y = y - (y * y * y - x) / (3 * y * y) }
        return y
    }
}

/// Key of an edge face: which array and which index.
struct EdgeKey: Hashable, Sendable {
    var isX: Bool
    var face: Int
}
