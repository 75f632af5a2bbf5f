// The local-inertial face update and the fused band sweep (fluxes, then continuity, row by row).
//
// Scheme: Bates, Horritt & Fewtrell (2010), J. Hydrol. 387, 33–45, with the θ-weighting of
// de Almeida, Bates, Freer & Souvignet (2012), Water Resour. Res. 48, W05528, and the 2-D discharge
// magnitude in the semi-implicit friction term. Face flow depth from the higher surface and the higher
// bed (well balanced at rest); no flow through faces at or below the depth threshold.

/// Constants of one time step.
struct StepConstants: Sendable {
    var gdt: Float          // g Δt (m/s)
    var k: Float            // Δt / Δx (s/m)
    var invDx: Float        // 1 / Δx (1/m)
    var theta: Float
    var halfOneMinusTheta: Float
    var hmin: Float         // face depth threshold (m)
    var routing: Bool
    var routeDz: Float      // routing slope × Δx (m)
    var routeDepth: Float   // m
    var routeSpeed: Float   // m/s
}

/// h^(−7/3) for h > 0 from an inverse cube root: a bit-level first guess and one Newton-type step
/// with tuned coefficients, y₁ = y₀ (a − b·x·y₀³), then y⁷ = y⁴ · y³ — no `pow`, no division, so the
/// face loop vectorises. The magic constant 0x548E0000 and a = 1.48579689, b = 0.51276771 minimise the
/// largest relative error of y⁷ (the approach of Moroz, Samotyy, Walczyk & Cieslinski 2021, Energies
/// 14, 1058, for the inverse cube root, fitted here to the 7th power): ±5.7·10⁻³, equi-oscillating,
/// for every h. The friction factor n² h^(−7/3) is then that of a Manning's n within ±0.3 % of the
/// given one — below the precision n is known to. Two classic Newton steps (error 8·10⁻⁵) cost a
/// further five multiplications and twelve cycles of latency per face (~10 % of the kernel time).
@inline(__always)
func inversePow73(_ x: Float) -> Float {
    var y = Float(bitPattern: 0x548E_0000 &- x.bitPattern / 3)
    let xt = x * 0.51276771
    y = y * (1.48579689 - (xt * y) * (y * y))
    let y2 = y * y
    return (y2 * y2) * (y2 * y)
}

/// The new unit discharge (m²/s, positive from cell A to cell B) through one face.
///
/// - Parameters: `q` the face's old discharge, `qUp`/`qDown` its neighbours along the flow axis (for
///   the θ-average), `qPerp` the mean of the four surrounding perpendicular faces (for |q| in the
///   friction term), `hA`/`hB` the depths of the cells on either side (m), `dz` = z_B − z_A (m),
///   `n2` the face's Manning n².
@inline(__always)
func faceFlux(q: Float, qUp: Float, qDown: Float, qPerp: Float, hA: Float, hB: Float, dz: Float, n2: Float,
              _ c: StepConstants) -> Float {
    let dzUp = dz > 0 ? dz : 0, dzDown = dz < 0 ? dz : 0
    let fa = hA - dzUp, fb = hB + dzDown
    let hf = fa > fb ? fa : fb                       // max(η_A, η_B) − max(z_A, z_B)
    let deta = dz + (hB - hA)                        // η_B − η_A
    let hs = hf > c.hmin ? hf : c.hmin
    let qMag = (q * q + qPerp * qPerp).squareRoot()
    let den = 1 + c.gdt * n2 * qMag * inversePow73(hs)
    let slope = c.gdt * hf * deta * c.invDx
    let rden = 1 / den
    let qTheta = c.theta * q + c.halfOneMinusTheta * (qUp + qDown)
    let q1 = (q - slope) * rden
    let qt = (qTheta - slope) * rden
    let inertial = qt * deta > 0 ? q1 : qt          // against the surface gradient: fall back to θ = 1
    var out = hf > c.hmin ? inertial : 0
    if c.routing {
        let adz = dz < 0 ? -dz : dz
        let routed = deta < 0 ? c.routeSpeed * hA : (deta > 0 ? -(c.routeSpeed * hB) : 0)
        out = (adz > c.routeDz && hf < c.routeDepth) ? routed : out
    }
    return out
}

/// Eight lanes of the face update: the same operations as `faceFlux`, lane by lane, so that every
/// interior face gives the same bits whichever band or lane computes it.
typealias F8 = SIMD8<Float>

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> F8 { UnsafeRawPointer(p).loadUnaligned(as: F8.self) }
@inline(__always) func store8(_ v: F8, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: F8.self) }
/// Stores the first `count` (< 8) lanes.
@inline(__always) func storePartial(_ v: F8, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    for l in 0..<count { p[l] = v[l] }
}

@inline(__always)
func inversePow73(_ x: F8) -> F8 {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    var y = unsafeBitCast(SIMD8<UInt32>(repeating: 0x548E_0000) &- bits / 3, to: F8.self)
    let xt = x * 0.51276771
    y = y * (F8(repeating: 1.48579689) - (xt * y) * (y * y))
    let y2 = y * y
    return (y2 * y2) * (y2 * y)
}

@inline(__always)
func faceFlux8(q: F8, qUp: F8, qDown: F8, qPerp: F8, hA: F8, hB: F8, dz: F8, n2: F8, _ c: StepConstants) -> F8 {
    let zero = F8(repeating: 0)
    let dzUp = zero.replacing(with: dz, where: dz .> zero), dzDown = zero.replacing(with: dz, where: dz .< zero)
    let fa = hA - dzUp, fb = hB + dzDown
    let hf = fb.replacing(with: fa, where: fa .> fb)
    let deta = dz + (hB - hA)
    let hmin = F8(repeating: c.hmin)
    let hs = hmin.replacing(with: hf, where: hf .> hmin)
    let qMag = (q * q + qPerp * qPerp).squareRoot()
    let gdt = F8(repeating: c.gdt)
    let den = 1 + gdt * n2 * qMag * inversePow73(hs)
    let slope = gdt * hf * deta * c.invDx
    let rden = 1 / den
    let qTheta = c.theta * q + c.halfOneMinusTheta * (qUp + qDown)
    let q1 = (q - slope) * rden
    let qt = (qTheta - slope) * rden
    let inertial = qt.replacing(with: q1, where: qt * deta .> zero)
    var out = zero.replacing(with: inertial, where: hf .> hmin)
    if c.routing {
        let speed = F8(repeating: c.routeSpeed)
        let adz = dz.replacing(with: -dz, where: dz .< zero)
        var routed = zero.replacing(with: -(speed * hB), where: deta .> zero)
        routed.replace(with: speed * hA, where: deta .< zero)
        out.replace(with: routed, where: (adz .> F8(repeating: c.routeDz)) .& (hf .< F8(repeating: c.routeDepth)))
    }
    return out
}

/// How the kernel reads Manning's n at a face.
protocol FaceManning {
    /// n² at the faces between cells `a…a+7` and `b…b+7` (mean n of the two cells, squared).
    func n2(_ a: Int, _ b: Int) -> F8
}

struct UniformManning: FaceManning, Sendable {
    let value: Float
    @inline(__always) func n2(_ a: Int, _ b: Int) -> F8 { F8(repeating: value) }
}

struct CellManning: FaceManning, @unchecked Sendable {
    let n: UnsafePointer<Float>
    @inline(__always) func n2(_ a: Int, _ b: Int) -> F8 { let m = 0.5 * (load8(n + a) + load8(n + b)); return m * m }
}

/// Raw views of the state for one step, shared by the band workers. Each worker writes only the faces
/// and cells of its own rows (plus its own halo and scratch rows), so workers never race.
struct SweepBuffers: @unchecked Sendable {
    var width: Int
    var height: Int
    var rowsPerBand: Int
    var h: UnsafeMutablePointer<Float>
    var hLow: UnsafeMutablePointer<Float>
    var qxOld: UnsafeMutablePointer<Float>
    var qxNew: UnsafeMutablePointer<Float>
    var qyOld: UnsafeMutablePointer<Float>
    var qyNew: UnsafeMutablePointer<Float>
    var dzx: UnsafePointer<Float>
    var dzy: UnsafePointer<Float>
    var manning: UnsafePointer<Float>?
    var rainPattern: UnsafePointer<Float>?
    /// Per row (x-faces) and per face row (y-faces): whether any face is steeper than the routing
    /// slope; rows without one skip the routing lanes (they would all keep the inertial flux).
    var steepX: UnsafePointer<Bool>
    var steepY: UnsafePointer<Bool>
    /// Active cell range per row, [lo, hi).
    var activeLo: UnsafeMutablePointer<Int32>
    var activeHi: UnsafeMutablePointer<Int32>
    /// Possibly non-zero face ranges of the buffer being written (x per row, y per face row).
    var xnzLo: UnsafeMutablePointer<Int32>
    var xnzHi: UnsafeMutablePointer<Int32>
    var ynzLo: UnsafeMutablePointer<Int32>
    var ynzHi: UnsafeMutablePointer<Int32>
    /// Wet cell range per row after the step, [lo, hi).
    var wetLo: UnsafeMutablePointer<Int32>
    var wetHi: UnsafeMutablePointer<Int32>
    /// Per band: old depths of the row above the band, of the row below it, and the band's copy of
    /// the face row below it (`width` floats each).
    var haloAbove: UnsafeMutablePointer<Float>
    var haloBelow: UnsafeMutablePointer<Float>
    var scratch: UnsafeMutablePointer<Float>
    /// Per band: the bit pattern of the largest depth, and the cells left negative (to be limited).
    var bandMax: UnsafeMutablePointer<Int32>
    var bandNegatives: UnsafeMutablePointer<[Int32]>

    var bandCount: Int { (height + rowsPerBand - 1) / rowsPerBand }

    /// Copies the old depths each band's first and last face rows need from its neighbours. Call
    /// before the sweep.
    func copyHalos() {
        for b in 0..<bandCount {
            let r0 = b * rowsPerBand, r1 = min(height, r0 + rowsPerBand)
            if r0 >= 1 {
                let lo = Int(activeLo[r0]), hi = Int(activeHi[r0])
                if lo < hi { (haloAbove + b * width + lo).update(from: h + (r0 - 1) * width + lo, count: hi - lo) }
            }
            if r1 < height {
                let lo = Int(activeLo[r1]), hi = Int(activeHi[r1])
                if lo < hi { (haloBelow + b * width + lo).update(from: h + r1 * width + lo, count: hi - lo) }
            }
        }
    }

    /// Zeroes the faces of `p` in [oldLo, oldHi) outside [lo, hi) and records [lo, hi) as the new
    /// possibly-non-zero range.
    @inline(__always)
    func retire(_ p: UnsafeMutablePointer<Float>, _ nzLo: UnsafeMutablePointer<Int32>, _ nzHi: UnsafeMutablePointer<Int32>,
                _ row: Int, _ lo: Int, _ hi: Int) {
        let a = Int(nzLo[row]), b = Int(nzHi[row])
        if a < b {
            if lo >= hi { (p + a).update(repeating: 0, count: b - a) } else {
                if a < lo { (p + a).update(repeating: 0, count: min(b, lo) - a) }
                if b > hi { let s = max(a, hi); (p + s).update(repeating: 0, count: b - s) }
            }
        }
        nzLo[row] = Int32(lo < hi ? lo : 0); nzHi[row] = Int32(lo < hi ? hi : 0)
    }

    /// New x-face discharges of row `r` over interior faces [f0, f1), eight at a time.
    @inline(__always)
    func xFaces<M: FaceManning>(_ r: Int, _ f0: Int, _ f1: Int, _ m: M, _ c: StepConstants) {
        let w = width
        let hr = h + r * w, qo = qxOld + r * (w + 1), qn = qxNew + r * (w + 1), dz = dzx + r * (w + 1)
        let qyT = qyOld + r * w, qyB = qyOld + (r + 1) * w
        let base = r * w
        @inline(__always) func lanes(_ f: Int) -> F8 {
            let perp = 0.25 * ((load8(qyT + f - 1) + load8(qyT + f)) + (load8(qyB + f - 1) + load8(qyB + f)))
            return faceFlux8(q: load8(qo + f), qUp: load8(qo + f - 1), qDown: load8(qo + f + 1), qPerp: perp,
                             hA: load8(hr + f - 1), hB: load8(hr + f), dz: load8(dz + f), n2: m.n2(base + f - 1, base + f), c)
        }
        var f = f0
        while f + 8 <= f1 { store8(lanes(f), qn + f); f += 8 }
        if f < f1 { storePartial(lanes(f), qn + f, f1 - f) }
    }

    /// New y-face discharges of face row `r` (between cell rows r−1 and r, 1 ≤ r ≤ height−1) over
    /// columns [c0, c1), from the depths `above` (row r−1) and `below` (row r), into `out`.
    @inline(__always)
    func yFaces<M: FaceManning>(_ r: Int, _ c0: Int, _ c1: Int, above: UnsafePointer<Float>, below: UnsafePointer<Float>,
                                out: UnsafeMutablePointer<Float>, _ m: M, _ c: StepConstants) {
        let w = width
        let qo = qyOld + r * w, qUp = qyOld + (r - 1) * w, qDn = qyOld + (r + 1) * w, dz = dzy + r * w
        let qxA = qxOld + (r - 1) * (w + 1), qxB = qxOld + r * (w + 1)
        let baseA = (r - 1) * w, baseB = r * w
        @inline(__always) func lanes(_ col: Int) -> F8 {
            let perp = 0.25 * ((load8(qxA + col) + load8(qxA + col + 1)) + (load8(qxB + col) + load8(qxB + col + 1)))
            return faceFlux8(q: load8(qo + col), qUp: load8(qUp + col), qDown: load8(qDn + col), qPerp: perp,
                             hA: load8(above + col), hB: load8(below + col), dz: load8(dz + col),
                             n2: m.n2(baseA + col, baseB + col), c)
        }
        var col = c0
        while col + 8 <= c1 { store8(lanes(col), out + col); col += 8 }
        if col < c1 { storePartial(lanes(col), out + col, c1 - col) }
    }

    /// Continuity for cell row `r` over its active range: h += Δt/Δx · (net face inflow) + rain.
    /// Records the row's wet range and returns the bit patterns of its largest and smallest depth.
    @inline(__always)
    func continuity(_ r: Int, bottom: UnsafePointer<Float>, rain: Float) -> (max: Int32, min: Int32) {
        let w = width, lo = Int(activeLo[r]), hi = Int(activeHi[r])
        guard lo < hi else { wetLo[r] = 0; wetHi[r] = 0; return (0, 0) }
        let hr = h + r * w, qx = qxNew + r * (w + 1), top = qyNew + r * w
        let k = constantsK
        var col = lo
        var vmax = SIMD8<Int32>(repeating: 0), vmin = SIMD8<Int32>(repeating: 0)
        let lr = hLow + r * w
        // h + hLow += Δt/Δx · net + rain, by TwoSum: returns the new (h, hLow).
        @inline(__always) func lanes(_ col: Int) -> (F8, F8) {
            let net = (load8(qx + col) - load8(qx + col + 1)) + (load8(top + col) - load8(bottom + col))
            let add = rainPattern.map { rain * load8($0 + r * w + col) } ?? F8(repeating: rain)
            let a = load8(hr + col), b = (k * net + add) + load8(lr + col)
            let t = a + b, bp = t - a, ap = t - bp
            return (t, (a - ap) + (b - bp))
        }
        while col + 8 <= hi {
            let (v, low) = lanes(col)
            store8(v, hr + col); store8(low, lr + col)
            let b = unsafeBitCast(v, to: SIMD8<Int32>.self)
            vmax.replace(with: b, where: b .> vmax); vmin.replace(with: b, where: b .< vmin)
            col += 8
        }
        if col < hi { let (v, low) = lanes(col); storePartial(v, hr + col, hi - col); storePartial(low, lr + col, hi - col) }
        var mx = vmax.max(), mn = vmin.min()
        while col < hi {
            let b = Int32(bitPattern: hr[col].bitPattern)
            mx = b > mx ? b : mx; mn = b < mn ? b : mn
            col += 1
        }
        var a = lo
        while a < hi, !(hr[a] > 0) { a += 1 }
        var e = hi
        while e > a, !(hr[e - 1] > 0) { e -= 1 }
        wetLo[r] = Int32(a < e ? a : 0); wetHi[r] = Int32(a < e ? e : 0)
        return (mx, mn)
    }

    /// Δt/Δx of the step (set by `sweep`).
    var constantsK: Float = 0

    /// One band: for each row, its x-faces, the y-face row above it, and continuity of the row above;
    /// then the face row below the band (into scratch, unless it is the south edge) and continuity of
    /// the band's last row.
    func sweepBand<M: FaceManning>(_ b: Int, _ m: M, _ c: StepConstants, rain: Float) {
        let w = width
        let r0 = b * rowsPerBand, r1 = min(height, r0 + rowsPerBand)
        var mx: Int32 = 0, mn: Int32 = 0
        var negRows: [Int] = []
        for r in r0..<r1 {
            let lo = Int(activeLo[r]), hi = Int(activeHi[r])
            let f0 = max(lo, 1), f1 = lo < hi ? min(hi, w - 1) + 1 : 0
            var cx = c; cx.routing = c.routing && steepX[r]
            var cy = c; cy.routing = c.routing && steepY[r]
            if f0 < f1 { xFaces(r, f0, f1, m, cx) }
            retire(qxNew + r * (w + 1), xnzLo, xnzHi, r, f0, f1)
            if r >= 1 {
                let above = r == r0 ? UnsafePointer(haloAbove + b * w) : UnsafePointer(h + (r - 1) * w)
                if lo < hi { yFaces(r, lo, hi, above: above, below: h + r * w, out: qyNew + r * w, m, cy) }
                retire(qyNew + r * w, ynzLo, ynzHi, r, lo, hi)
            }
            if r > r0 {
                let (a, z) = continuity(r - 1, bottom: qyNew + r * w, rain: rain)
                mx = max(mx, a); if z < 0 { negRows.append(r - 1) }; mn = min(mn, z)
            }
        }
        let bottom: UnsafePointer<Float>
        if r1 < height {
            let s = scratch + b * w
            let plo = Int(activeLo[r1 - 1]), phi = Int(activeHi[r1 - 1])
            if plo < phi { (s + plo).update(repeating: 0, count: phi - plo) }
            let lo = Int(activeLo[r1]), hi = Int(activeHi[r1])
            var cy = c; cy.routing = c.routing && steepY[r1]
            if lo < hi { yFaces(r1, lo, hi, above: h + (r1 - 1) * w, below: haloBelow + b * w, out: s, m, cy) }
            bottom = UnsafePointer(s)
        } else {
            bottom = UnsafePointer(qyNew + height * w)
        }
        let (a, z) = continuity(r1 - 1, bottom: bottom, rain: rain)
        mx = max(mx, a); if z < 0 { negRows.append(r1 - 1) }
        bandMax[b] = mx
        var negatives: [Int32] = []
        for r in negRows {
            for col in Int(activeLo[r])..<Int(activeHi[r]) where h[r * w + col] < 0 { negatives.append(Int32(r * w + col)) }
        }
        bandNegatives[b] = negatives
    }
}
