/// The debris factor DF of the UK hazard rating (Defra/EA FD2320, 2005).
public enum DebrisFactor: Hashable, Codable, Sendable {
    /// One value everywhere (TUFLOW's ZUK0/1/2 use 0, 0.5, 1; Flood Modeller defaults to 1).
    case constant(Double)
    /// The FD2320 table by depth for a land type: 0 up to 0.25 m; above 0.25 m and up to 0.75 m
    /// 0 (pasture/arable), 0.5 (woodland), 1 (urban); above 0.75 m 0.5, 1, 1.
    case table(LandType)

    public enum LandType: String, Hashable, Codable, Sendable { case pasture, woodland, urban }

    /// DF at depth `d` (m).
    @inline(__always) func value(_ d: Float) -> Float {
        switch self {
        case .constant(let v): return Float(v)
        case .table(let t):
            if d <= 0.25 { return 0 }
            if d <= 0.75 { return t == .urban ? 1 : (t == .woodland ? 0.5 : 0) }
            return t == .pasture ? 0.5 : 1
        }
    }
}

/// Per-cell maxima and timings over a run, updated after every step from the wet cells:
/// maximum depth, maximum speed, maximum hazard rating HR = d (v + 0.5) + DF (FD2320, per step, so
/// the map is the true maximum of HR, not HR of the maxima), and per depth threshold the time of first
/// inundation (arrival) and the time spent above it.
public struct FloodStatistics: Sendable {
    /// Depth thresholds (m), ascending.
    public let thresholds: [Double]
    public let debris: DebrisFactor
    /// m
    public private(set) var maxDepth: [Float]
    /// m/s
    public private(set) var maxSpeed: [Float]
    /// dimensionless (HR)
    public private(set) var maxHazard: [Float]
    /// Seconds from the start at which threshold k was first exceeded in cell i, at `k * cells + i`
    /// (`.infinity`: never).
    public private(set) var arrival: [Float]
    /// Seconds spent above threshold k by cell i, at `k * cells + i`.
    public private(set) var duration: [Float]
    public let cells: Int

    public init(cells: Int, thresholds: [Double], debris: DebrisFactor = .table(.urban)) {
        self.thresholds = thresholds.sorted(); self.debris = debris; self.cells = cells
        maxDepth = Array(repeating: 0, count: cells)
        maxSpeed = Array(repeating: 0, count: cells)
        maxHazard = Array(repeating: 0, count: cells)
        arrival = Array(repeating: .infinity, count: cells * thresholds.count)
        duration = Array(repeating: 0, count: cells * thresholds.count)
    }

    /// Arrival times (s, `.infinity` for never) for threshold `k`.
    public func arrival(threshold k: Int) -> [Float] { Array(arrival[(k * cells)..<((k + 1) * cells)]) }
    /// Durations above threshold `k` (s).
    public func duration(threshold k: Int) -> [Float] { Array(duration[(k * cells)..<((k + 1) * cells)]) }

    /// Folds in the state after a step (`sim.lastStep` seconds long, ending at `sim.time`).
    public mutating func record(_ sim: FloodSimulation) {
        let s = sim.storage, w = s.width, rows = s.rowsPerBand, height = s.height, n = cells
        let t = Float(sim.time), dt = Float(sim.lastStep), hdry = Float(sim.setup.options.depthThreshold)
        let thr = thresholds.map(Float.init), debris = self.debris
        let qx = s.qx[s.cur], qy = s.qy[s.cur], threads = sim.threads, bands = s.bandCount
        maxDepth.withUnsafeMutableBufferPointer { md in
        maxSpeed.withUnsafeMutableBufferPointer { ms in
        maxHazard.withUnsafeMutableBufferPointer { mh in
        arrival.withUnsafeMutableBufferPointer { ar in
        duration.withUnsafeMutableBufferPointer { du in
            let box = StatisticsPointers(h: s.h, qx: qx, qy: qy, wetLo: s.wetLo, wetHi: s.wetHi, maxDepth: md.baseAddress!,
                                         maxSpeed: ms.baseAddress!, maxHazard: mh.baseAddress!, arrival: ar.baseAddress!,
                                         duration: du.baseAddress!)
            parallelBands(bands, threads: threads) { b in
                for r in (b * rows)..<min(height, (b + 1) * rows) {
                    for c in Int(box.wetLo[r])..<Int(box.wetHi[r]) {
                        let i = r * w + c, d = box.h[i]
                        guard d > 0 else { continue }
                        var v: Float = 0
                        if d > hdry {
                            let u = 0.5 * (box.qx[r * (w + 1) + c] + box.qx[r * (w + 1) + c + 1]) / d
                            let vv = 0.5 * (box.qy[r * w + c] + box.qy[(r + 1) * w + c]) / d
                            v = (u * u + vv * vv).squareRoot()
                        }
                        if d > box.maxDepth[i] { box.maxDepth[i] = d }
                        if v > box.maxSpeed[i] { box.maxSpeed[i] = v }
                        let hr = d * (v + 0.5) + debris.value(d)
                        if hr > box.maxHazard[i] { box.maxHazard[i] = hr }
                        for k in 0..<thr.count where d > thr[k] {
                            if box.arrival[k * n + i] == .infinity { box.arrival[k * n + i] = t }
                            box.duration[k * n + i] += dt
                        }
                    }
                }
            }
        }}}}}
    }

    /// The UK hazard class of a rating: 0 low (< 0.75), 1 moderate (< 1.25), 2 significant (≤ 2),
    /// 3 extreme.
    public static func hazardClass(_ hr: Float) -> Int { hr < 0.75 ? 0 : hr < 1.25 ? 1 : hr <= 2 ? 2 : 3 }
}

struct StatisticsPointers: @unchecked Sendable {
    let h: UnsafeMutablePointer<Float>, qx: UnsafeMutablePointer<Float>, qy: UnsafeMutablePointer<Float>
    let wetLo: UnsafeMutablePointer<Int32>, wetHi: UnsafeMutablePointer<Int32>
    let maxDepth: UnsafeMutablePointer<Float>, maxSpeed: UnsafeMutablePointer<Float>, maxHazard: UnsafeMutablePointer<Float>
    let arrival: UnsafeMutablePointer<Float>, duration: UnsafeMutablePointer<Float>
}

/// Time series of depth, speed and water level at named cells, sampled by the caller.
public struct FloodGauges: Sendable {
    public struct Gauge: Hashable, Sendable {
        public var name: String
        public var cell: Int
        public init(name: String, cell: Int) { self.name = name; self.cell = cell }
    }

    public let gauges: [Gauge]
    /// Sample times (s).
    public private(set) var times: [Double] = []
    /// Per gauge: depth (m), speed (m/s), level (m above datum) at each sample time.
    public private(set) var depth: [[Float]]
    public private(set) var speed: [[Float]]
    public private(set) var level: [[Double]]

    public init(_ gauges: [Gauge]) {
        self.gauges = gauges
        depth = gauges.map { _ in [] }; speed = gauges.map { _ in [] }; level = gauges.map { _ in [] }
    }

    /// Records the current state.
    public mutating func sample(_ sim: FloodSimulation) {
        times.append(sim.time)
        for (k, g) in gauges.enumerated() {
            let d = sim.depth(at: g.cell), (u, v) = sim.velocity(at: g.cell)
            depth[k].append(d)
            speed[k].append((u * u + v * v).squareRoot())
            level[k].append(sim.grid.bed[g.cell] + Double(d))
        }
    }
}
