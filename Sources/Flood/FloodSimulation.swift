import Dispatch
import Geometry
import Synchronization

/// Volumes of the flood run, cumulative from the start, in m³ and double precision.
public struct FloodMassBalance: Hashable, Codable, Sendable {
    /// Water on the grid at the start.
    public var initialStorage = 0.0
    /// Rain that fell on open cells.
    public var rain = 0.0
    /// Water from inflow hydrographs and stage boundaries (inward).
    public var inflow = 0.0
    /// Water lost to the soil.
    public var infiltration = 0.0
    /// Water that left through open edges.
    public var outflow = 0.0
    /// Water added by couplers at cells (`exchange(_:)`, e.g. manhole surcharge onto the street).
    public var exchangeIn = 0.0
    /// Water removed by couplers at cells (`exchange(_:)`, e.g. street water draining into a manhole).
    public var exchangeOut = 0.0
    /// Water on the grid now (as of the last `measureStorage`).
    public var storage = 0.0

    /// Initial storage + rain + inflow + coupler exchange in.
    public var volumeIn: Double { initialStorage + rain + inflow + exchangeIn }
    /// In − (infiltration + outflow + exchange out + storage); positive when water was lost.
    public var error: Double { volumeIn - infiltration - outflow - exchangeOut - storage }
    /// `error / volumeIn` (0 when nothing came in).
    public var relativeError: Double { volumeIn > 0 ? error / volumeIn : 0 }
}

/// A standalone 2-D flood run: the state (depths on cells, unit discharges on faces) and the step.
///
/// Each `step` takes Δt = α Δx / √(g h_max) (capped by the options' `maxStep`, the caller's limit and
/// the next forcing sample), then: sets the edge faces (`edgePass`), updates every interior face and
/// cell of the active rows in one sweep of row bands (`SweepBuffers.sweepBand`, in parallel), limits
/// outflows where a depth went negative (`limitOutflows`), adds point and line sources and removes
/// infiltration. Only rows within one cell of wet water (all rows while it rains) are visited.
///
/// **Determinism.** Rows are cut into fixed bands of `rowsPerBand` rows whatever the thread count;
/// every face and cell is computed by the same code from the same inputs, and sums are formed per band
/// and added in band order, so a run gives the same bits on 1 or N threads.
public struct FloodSimulation: Sendable {
    public let setup: FloodSetup
    /// Threads the sweep runs on (≥ 1).
    public var threads: Int
    /// Seconds since the start.
    public internal(set) var time = 0.0
    /// Steps taken.
    public internal(set) var steps = 0
    /// The last step's length (s).
    public internal(set) var lastStep = 0.0
    /// Cells visited by the sweeps so far (active cells summed over steps) — the work measure.
    public internal(set) var cellUpdates = 0
    /// Cells whose outflow had to be limited to keep depths ≥ 0, summed over steps.
    public internal(set) var limitedCells = 0
    public internal(set) var balance = FloodMassBalance()
    /// Volume in and out through each boundary (m³), in `setup.boundaries` order.
    public internal(set) var boundaryVolumes: [(inflow: Double, outflow: Double)]
    /// Volume of each inflow so far (m³), in `setup.inflows` order.
    public internal(set) var inflowVolumes: [Double]

    var storage: FloodStorage
    var hmax: Float = 0
    let edgeFaces: [EdgeFace]
    let edgeFaceIndex: [EdgeKey: Int]
    let breaks: [Double]
    var nextBreak = 0
    let rainCells: Double
    /// Rain rate per cell from outside (m/s), set by the SimCore process; replaces `setup.rain`.
    var externalRain: [Float]?

    /// Rows per band of the parallel sweep (fixed, so results do not depend on the thread count).
    public static let rowsPerBand = 16

    /// - Parameter externalRain: whether rain will come per cell through `setRain(_:)` (the SimCore
    ///   process) instead of `setup.rain`.
    public init(setup: FloodSetup, threads: Int = 1, externalRain: Bool = false) throws {
        try setup.validate()
        self.setup = setup
        self.threads = max(1, threads)
        let g = setup.grid
        var pattern: [Float]? = nil
        if let rain = setup.rain, rain.pattern != nil || g.openCells < g.spec.count {
            pattern = (0..<g.spec.count).map { g.blocked[$0] ? 0 : (rain.pattern?[$0] ?? 1) }
        }
        if externalRain { pattern = Array(repeating: 0, count: g.spec.count) }
        rainCells = pattern.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(g.spec.count)
        var greenAmpt = false
        if case .greenAmpt? = setup.infiltration { greenAmpt = true }
        storage = FloodStorage(width: g.width, height: g.height, rowsPerBand: Self.rowsPerBand, dzx: g.dzx, dzy: g.dzy,
                               manning: g.manning, rainPattern: pattern, greenAmpt: greenAmpt,
                               steepDz: Float(setup.options.routing.slope * g.cellSize))
        if let d = setup.initialDepth {
            for i in 0..<g.spec.count { storage.h[i] = g.blocked[i] ? 0 : d[i] }
        }
        storage.recomputeWetRanges()
        edgeFaces = EdgeFace.faces(of: setup)
        edgeFaceIndex = Dictionary(edgeFaces.enumerated().map { (EdgeKey(isX: $0.element.isX, face: $0.element.face), $0.offset) },
                                   uniquingKeysWith: { a, _ in a })
        var b = Set<Double>()
        if let r = setup.rain { b.formUnion(r.intensity.times) }
        for f in setup.inflows { b.formUnion(f.hydrograph.times) }
        for e in setup.boundaries { if case .stage(let s) = e.kind { b.formUnion(s.times) } }
        breaks = b.filter { $0 > 0 }.sorted()
        boundaryVolumes = Array(repeating: (0, 0), count: setup.boundaries.count)
        inflowVolumes = Array(repeating: 0, count: setup.inflows.count)
        hmax = maxDepth()
        balance.initialStorage = measureStorage()
        balance.storage = balance.initialStorage
    }

    // MARK: - Reading the state

    public var grid: FloodGrid { setup.grid }

    /// Depths (m) as a raster over the grid.
    public var depth: Raster<Float> {
        Raster(grid: setup.grid.spec, values: Array(UnsafeBufferPointer(start: storage.h, count: setup.grid.spec.count)))
    }

    /// Depth of cell `i` (m).
    public func depth(at i: Int) -> Float { storage.h[i] }

    /// Unit discharges (m²/s) through the x-faces (`(width + 1) × height`, positive east) and y-faces
    /// (`width × (height + 1)`, positive south).
    public var discharges: (x: [Float], y: [Float]) {
        let w = storage.width, ht = storage.height
        return (Array(UnsafeBufferPointer(start: storage.qx[storage.cur], count: (w + 1) * ht)),
                Array(UnsafeBufferPointer(start: storage.qy[storage.cur], count: w * (ht + 1))))
    }

    /// Velocity components at cell `i` (m/s): the mean of its two face discharges on each axis over
    /// its depth; 0 below the depth threshold.
    public func velocity(at i: Int) -> (u: Float, v: Float) {
        let w = storage.width, r = i / w, c = i % w
        let d = storage.h[i]
        guard Double(d) > setup.options.depthThreshold else { return (0, 0) }
        let qx = storage.qx[storage.cur], qy = storage.qy[storage.cur]
        return (0.5 * (qx[r * (w + 1) + c] + qx[r * (w + 1) + c + 1]) / d, 0.5 * (qy[r * w + c] + qy[(r + 1) * w + c]) / d)
    }

    /// The largest depth on the grid (m).
    public func maxDepth() -> Float {
        var m: Float = 0
        for i in 0..<setup.grid.spec.count { m = max(m, storage.h[i]) }
        return m
    }

    /// Σ h·A over the grid (m³), summed per band in double precision and combined in band order.
    public func measureStorage() -> Double {
        let s = storage, w = s.width, area = setup.grid.cellArea
        var total = 0.0
        for b in 0..<s.bandCount {
            var band = 0.0
            for r in (b * s.rowsPerBand)..<min(s.height, (b + 1) * s.rowsPerBand) {
                var row = 0.0
                for c in 0..<w { row += Double(s.h[r * w + c]) + Double(s.hLow[r * w + c]) }
                band += row
            }
            total += band
        }
        return total * area
    }

    /// Updates `balance.storage` from the state and returns the balance.
    @discardableResult
    public mutating func updateBalance() -> FloodMassBalance {
        balance.storage = measureStorage()
        return balance
    }

    // MARK: - Stepping

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The step the scheme would take now (s), before the caller's limit and forcing breaks.
    public var stableStep: Double {
        let o = setup.options
        guard hmax > 0 else { return o.maxStep }
        return min(o.maxStep, o.effectiveCFL * setup.grid.cellSize / (o.gravity * Double(hmax)).squareRoot())
    }

    /// θ for a step of `dt` seconds: 1 − (1 − θ) · dt / Δt_CFL, with Δt_CFL = α Δx / √(g h_max).
    ///
    /// The θ-average of de Almeida et al. (2012) mixes a share (1 − θ) of the neighbouring discharges in
    /// every step, a diffusion of q of about (1 − θ) Δx² / (2 Δt). At the stable step that is the
    /// published scheme; a step shortened by `maxStep`, the caller's limit or a forcing break would
    /// otherwise diffuse more per second of simulated time (a front on a slope slows as the cap is
    /// lowered: EA Test 3, docs/validation.md). Scaling 1 − θ with the step keeps the diffusion per
    /// second that of the stable step. Stability is kept: the Courant number α·r and θ' = 1 − (1 − θ) r
    /// satisfy (α r)² ≤ θ'/2 for every r ≤ 1 when α² ≤ θ/2.
    func stepTheta(_ dt: Double) -> Double {
        let o = setup.options
        guard o.theta < 1, hmax > 0 else { return o.theta }   // θ = 1, or a dry grid (nothing to average)
        let stable = o.effectiveCFL * setup.grid.cellSize / (o.gravity * Double(hmax)).squareRoot()
        return 1 - (1 - o.theta) * min(1, dt / stable)
    }

    /// Advances by one step of at most `limit` seconds; returns its length.
    @discardableResult
    public mutating func step(limit: Double = .infinity) -> Double {
        makeUnique()
        var dt = min(stableStep, limit)
        while nextBreak < breaks.count, breaks[nextBreak] <= time + 1e-9 { nextBreak += 1 }
        if nextBreak < breaks.count { dt = min(dt, breaks[nextBreak] - time) }
        guard dt > 0 else { return 0 }
        let t0 = time, o = setup.options, g = setup.grid, s = storage
        let theta = stepTheta(dt)
        let c = StepConstants(gdt: Float(o.gravity * dt), k: Float(dt / g.cellSize), invDx: Float(1 / g.cellSize),
                              theta: Float(theta), halfOneMinusTheta: Float(0.5 * (1 - theta)), hmin: Float(o.depthThreshold),
                              routing: o.routing.enabled, routeDz: Float(o.routing.slope * g.cellSize),
                              routeDepth: Float(o.routing.depth), routeSpeed: Float(o.routing.speed))
        // Rain depth this step (m): uniform series × pattern, or the external field.
        var rainDepth: Float = 0
        if externalRain == nil, let rain = setup.rain {
            rainDepth = Float(rain.intensity.mean(from: t0, to: t0 + dt) * dt)
            balance.rain += Double(rainDepth) * rainCells * g.cellArea
        }
        let raining = rainDepth > 0 || externalRain != nil
        setActiveRows(full: raining)
        edgePass(s, c, t0: t0, dt: dt)
        var work = 0
        for r in 0..<s.height { work += Int(s.activeHi[r] - s.activeLo[r]) }
        cellUpdates += work
        var buffers = s.sweepBuffers()
        buffers.constantsK = c.k
        if let ext = externalRain {
            // External rain: a per-cell depth this step as the pattern, with unit scale.
            let fdt = Float(dt)
            for i in 0..<ext.count { s.rainPattern![i] = g.blocked[i] ? 0 : max(ext[i], 0) * fdt }
            buffers.rainPattern = UnsafePointer(s.rainPattern!)
            var sum = 0.0
            for i in 0..<ext.count { sum += Double(s.rainPattern![i]) }
            balance.rain += sum * g.cellArea
            rainDepth = 1
        }
        buffers.copyHalos()
        let bands = s.bandCount, threads = min(self.threads, bands), sweepRain = rainDepth
        let run: @Sendable (Int) -> Void
        if let m = s.manning {
            let cm = CellManning(n: UnsafePointer(m))
            run = { [buffers] b in buffers.sweepBand(b, cm, c, rain: sweepRain) }
        } else {
            let um = UniformManning(value: g.uniformManning * g.uniformManning)
            run = { [buffers] b in buffers.sweepBand(b, um, c, rain: sweepRain) }
        }
        parallelBands(bands, threads: threads, run)
        var mx: Int32 = 0
        for b in 0..<bands { mx = max(mx, s.bandMax[b]) }
        limitOutflows(s, k: c.k, dt: dt)
        addSources(s, t0: t0, dt: dt, hmax: &mx)
        if let inf = setup.infiltration { infiltrate(s, inf, dt: dt, threads: threads) }
        s.cur = 1 - s.cur
        hmax = Float(bitPattern: UInt32(bitPattern: mx))
        time = t0 + dt
        steps += 1
        lastStep = dt
        return dt
    }

    /// Sets the rain rate per cell (m/s) for the following steps, replacing `setup.rain`; nil goes back
    /// to `setup.rain`. Requires `externalRain: true` at init.
    public mutating func setRain(_ rate: [Float]?) {
        precondition(rate == nil || (storage.rainPattern != nil && rate!.count == setup.grid.spec.count),
                     "FloodSimulation.setRain: create the simulation with externalRain: true and pass one rate per cell")
        externalRain = rate
    }

    /// Runs until `end` seconds (steps land exactly on it).
    public mutating func run(until end: Double) {
        while time < end - 1e-9 { step(limit: end - time) }
    }

    /// Active cell range of each row: the wet range of the row and its two neighbours, widened by one
    /// cell (or the whole row while it rains).
    mutating func setActiveRows(full: Bool) {
        let s = storage, w = Int32(s.width)
        for r in 0..<s.height {
            if full { s.activeLo[r] = 0; s.activeHi[r] = w; continue }
            var lo = w, hi: Int32 = 0
            for rr in max(0, r - 1)...min(s.height - 1, r + 1) where s.wetLo[rr] < s.wetHi[rr] {
                lo = min(lo, s.wetLo[rr] - 1); hi = max(hi, s.wetHi[rr] + 1)
            }
            lo = max(lo, 0); hi = min(hi, w)
            if lo < hi { s.activeLo[r] = lo; s.activeHi[r] = hi } else { s.activeLo[r] = 0; s.activeHi[r] = 0 }
        }
    }

    /// Adds (volume > 0) or removes (volume < 0) water at single cells now, between steps: the
    /// exchange of a coupler such as a manhole (dual drainage). A removal takes at most the water on
    /// the cell. Blocked cells take nothing. Volumes in m³.
    ///
    /// - Returns: the volume actually applied to each entry (m³, same sign convention), which is
    ///   what `balance.exchangeIn` / `exchangeOut` count.
    @discardableResult
    public mutating func exchange(_ entries: [(cell: Int, volume: Double)]) -> [Double] {
        makeUnique()
        let s = storage, area = setup.grid.cellArea, w = s.width
        var applied = [Double](repeating: 0, count: entries.count)
        for (k, e) in entries.enumerated() where e.volume != 0 && !setup.grid.blocked[e.cell] {
            let i = e.cell
            if e.volume > 0 {
                let add = Float(e.volume / area)
                s.add(add, at: i)
                applied[k] = Double(add) * area
                balance.exchangeIn += applied[k]
                hmax = max(hmax, s.h[i])
                let r = i / w, col = Int32(i % w)
                if s.wetLo[r] >= s.wetHi[r] { s.wetLo[r] = col; s.wetHi[r] = col + 1 }
                else { s.wetLo[r] = min(s.wetLo[r], col); s.wetHi[r] = max(s.wetHi[r], col + 1) }
            } else {
                let d = s.h[i], low = s.hLow[i], t = d + low
                guard t > 0 else { continue }
                let take = min(t, Float(-e.volume / area))
                // Compensated subtraction (TwoSum), as in infiltration.
                let b = low - take, n = d + b, bp = n - d, ap = n - bp
                s.h[i] = max(n, 0); s.hLow[i] = n < 0 ? 0 : (d - ap) + (b - bp)
                applied[k] = -Double(take) * area
                balance.exchangeOut += Double(take) * area
            }
        }
        return applied
    }

    /// Point and line sources: each inflow's volume this step, shared equally among its cells.
    mutating func addSources(_ s: FloodStorage, t0: Double, dt: Double, hmax: inout Int32) {
        let area = setup.grid.cellArea, w = s.width
        for (k, f) in setup.inflows.enumerated() {
            guard case .cells(let cells) = f.place else { continue }
            let q = max(0, f.hydrograph.mean(from: t0, to: t0 + dt))
            guard q > 0 else { continue }
            let add = Float(q * dt / (area * Double(cells.count)))
            let volume = Double(add) * area * Double(cells.count)
            inflowVolumes[k] += volume
            balance.inflow += volume
            for i in cells {
                s.add(add, at: i)
                hmax = max(hmax, Int32(bitPattern: s.h[i].bitPattern))
                let r = i / w, col = Int32(i % w)
                if s.wetLo[r] >= s.wetHi[r] { s.wetLo[r] = col; s.wetHi[r] = col + 1 }
                else { s.wetLo[r] = min(s.wetLo[r], col); s.wetHi[r] = max(s.wetHi[r], col + 1) }
            }
        }
    }

    /// Removes infiltration from wet cells (never more than the water there), per band in parallel.
    mutating func infiltrate(_ s: FloodStorage, _ model: FloodInfiltration, dt: Double, threads: Int) {
        let sums = s.bandSums, w = s.width, rows = s.rowsPerBand, height = s.height
        let h = s.h, wetLo = s.wetLo, wetHi = s.wetHi, cumulative = s.infiltrated
        let box = UnsafeSendable(h: h, low: s.hLow, wetLo: wetLo, wetHi: wetHi, f: cumulative, sums: sums)
        let run: @Sendable (Int) -> Void = { b in
            var total = 0.0
            for r in (b * rows)..<min(height, (b + 1) * rows) {
                for c in Int(box.wetLo[r])..<Int(box.wetHi[r]) {
                    let i = r * w + c
                    let d = box.h[i]
                    guard d > 0 else { continue }
                    var cap: Double
                    switch model {
                    case .constant(let rate): cap = rate * dt
                    case .greenAmpt(let ks, let psi, let dtheta):
                        let done = Double(box.f![i])
                        cap = done > 0 ? ks * dt * (1 + psi * dtheta / done) : .infinity
                    }
                    let low = box.low[i], t = d + low
                    guard t > 0 else { continue }
                    let take = Float(min(Double(t), cap))
                    // Compensated subtraction (TwoSum) of the infiltrated depth.
                    let b = low - take, n = d + b, bp = n - d, ap = n - bp
                    box.h[i] = max(n, 0); box.low[i] = n < 0 ? 0 : (d - ap) + (b - bp)
                    if let f = box.f { f[i] += take }
                    total += Double(take)
                }
            }
            box.sums[b] = total
        }
        parallelBands(s.bandCount, threads: threads, run)
        var total = 0.0
        for b in 0..<s.bandCount { total += sums[b] }
        balance.infiltration += total * setup.grid.cellArea
    }
}

/// Raw pointers handed to band workers (each writes only its own rows).
struct UnsafeSendable: @unchecked Sendable {
    let h: UnsafeMutablePointer<Float>
    let low: UnsafeMutablePointer<Float>
    let wetLo: UnsafeMutablePointer<Int32>
    let wetHi: UnsafeMutablePointer<Int32>
    let f: UnsafeMutablePointer<Float>?
    let sums: UnsafeMutablePointer<Double>
}

/// The next band to hand out in one `parallelBands` call.
@available(macOS 15, *)
final class BandCounter: Sendable {
    let next = Atomic<Int>(0)
}

/// Runs `body` for bands 0..<count on `threads` threads. Each thread takes the next band not yet
/// taken (an atomic counter), so a thread that gets less of a core — the machine shared with other
/// work, or bands of unequal cost (dry rows) — takes fewer bands instead of holding up the step.
/// Which thread runs a band does not change its result: every band writes only its own rows and
/// per-band slots, and callers combine those in band order.
func parallelBands(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    if threads <= 1 || count <= 1 {
        for b in 0..<count { body(b) }
        return
    }
    let t = min(threads, count)
    guard #available(macOS 15, *) else {
        // Without `Atomic` (macOS 14): thread i takes bands i, i + t, ….
        DispatchQueue.concurrentPerform(iterations: t) { i in
            var b = i
            while b < count { body(b); b += t }
        }
        return
    }
    let counter = BandCounter()
    DispatchQueue.concurrentPerform(iterations: t) { _ in
        while true {
            let b = counter.next.wrappingAdd(1, ordering: .relaxed).oldValue
            if b >= count { break }
            body(b)
        }
    }
}
