import Geometry

/// The static terrain of a flood run: bed elevation, Manning's n and blocked cells on a raster, plus
/// the per-face bed differences the kernel works with.
///
/// **Faces.** Cell (row, col) has index `row * width + col` (row 0 north, as `GridSpec`). The x-face
/// `c` of row `r` (index `r * (width + 1) + c`, `c` in 0...width) lies between cells `c − 1` and `c`;
/// faces 0 and `width` are the west and east domain edges. The y-face row `r` (index `r * width + c`,
/// `r` in 0...height) lies between cell rows `r − 1` (north) and `r` (south); rows 0 and `height` are
/// the north and south edges. Discharges are positive east (x) and south (y).
///
/// **Precision.** Bed elevations are kept in `Double`; the kernel sees only the per-face differences
/// `dzx = z(c) − z(c−1)` and `dzy = z(r) − z(r−1)`, rounded once to `Float`, and forms the surface
/// difference as Δη = Δz + (h₁ − h₀). A lake at rest on terrain 100–400 m above datum then carries
/// rounding noise of the size of the depths (~10⁻⁷ m), not of the elevations (~3·10⁻⁵ m in `Float`).
///
/// **Blocked cells** (buildings as obstacles, NODATA cells) take no part in the flow: their faces get
/// a bed step of `blockedStep` (10 km), so the face flow depth is always zero, and they get no rain.
public struct FloodGrid: Sendable {
    /// Position and size of the raster (CRS units; the cell size is Δx in metres).
    public let spec: GridSpec
    /// Bed elevation per cell, m above datum (buildings raised when asked).
    public let bed: [Double]
    /// Cells that take no part in the flow.
    public let blocked: [Bool]
    /// Manning's n per cell (s/m^⅓), or nil when `uniformManning` holds everywhere.
    public let manning: [Float]?
    /// Manning's n where `manning` is nil (s/m^⅓).
    public let uniformManning: Float
    /// Bed difference across each x-face, m (`(width + 1) × height`).
    let dzx: [Float]
    /// Bed difference across each y-face, m (`width × (height + 1)`).
    let dzy: [Float]
    /// The number of open (not blocked) cells.
    public let openCells: Int

    /// The bed step given to faces of blocked cells (m).
    static let blockedStep: Float = 10_000

    public var width: Int { spec.width }
    public var height: Int { spec.height }
    /// Cell side Δx (m).
    public var cellSize: Double { spec.cellSize }
    /// Cell area (m²).
    public var cellArea: Double { spec.cellSize * spec.cellSize }

    /// Manning's n: one value, or one per cell.
    public enum Manning: Sendable {
        case uniform(Double)
        case perCell([Double])
    }

    /// Builds the grid from a DEM (m above datum). NODATA cells of the DEM and the cells flagged in
    /// `blocked` take no part in the flow.
    /// - Throws: `InputError` `.implausibleValue` for n ≤ 0 or non-finite, a cell size ≤ 0, or arrays
    ///   of the wrong length.
    public init(elevation: Raster<Double>, manning: Manning, blocked: [Bool]? = nil) throws {
        let g = elevation.grid, n = g.count
        guard g.cellSize > 0, g.cellSize.isFinite else {
            throw InputError(.implausibleValue, "flood grid: cell size \(g.cellSize) must be a positive number")
        }
        var block = blocked ?? Array(repeating: false, count: n)
        guard block.count == n else {
            throw InputError(.implausibleValue, "flood grid: \(block.count) blocked flags for \(n) cells")
        }
        for i in 0..<n where elevation.values[i] == elevation.noData || !elevation.values[i].isFinite { block[i] = true }
        switch manning {
        case .uniform(let v):
            guard v > 0, v.isFinite else { throw InputError(.implausibleValue, "flood grid: Manning's n \(v) must be positive") }
            self.manning = nil; uniformManning = Float(v)
        case .perCell(let a):
            guard a.count == n else { throw InputError(.implausibleValue, "flood grid: \(a.count) Manning values for \(n) cells") }
            if let i = a.indices.first(where: { !block[$0] && !(a[$0] > 0 && a[$0].isFinite) }) {
                throw InputError(.implausibleValue, "flood grid: Manning's n \(a[i]) at row \(i / g.width), column \(i % g.width) must be positive")
            }
            self.manning = a.enumerated().map { block[$0.offset] ? 1 : Float($0.element) }
            uniformManning = 0
        }
        spec = g
        let z = elevation.values.enumerated().map { block[$0.offset] ? 0 : $0.element }
        bed = z
        self.blocked = block
        openCells = block.lazy.filter { !$0 }.count
        let w = g.width, h = g.height, big = Self.blockedStep
        var dx = [Float](repeating: 0, count: (w + 1) * h)
        for r in 0..<h {
            for c in 1..<max(w, 1) where c < w {
                let a = r * w + c - 1, b = a + 1
                dx[r * (w + 1) + c] = block[a] ? (block[b] ? 0 : -big) : (block[b] ? big : Float(z[b] - z[a]))
            }
        }
        var dy = [Float](repeating: 0, count: w * (h + 1))
        for r in 1..<max(h, 1) where r < h {
            for c in 0..<w {
                let a = (r - 1) * w + c, b = a + w
                dy[r * w + c] = block[a] ? (block[b] ? 0 : -big) : (block[b] ? big : Float(z[b] - z[a]))
            }
        }
        dzx = dx; dzy = dy
    }

    /// Manning's n of cell `i` (s/m^⅓).
    public func manningN(at i: Int) -> Float { manning?[i] ?? uniformManning }
}

/// Scheme parameters of the local-inertial solver (Bates et al. 2010; de Almeida et al. 2012).
public struct FloodOptions: Hashable, Codable, Sendable {
    /// α in Δt = α Δx / √(g h_max) (Bates et al. 2010 recommend 0.2–0.7). The step uses
    /// `effectiveCFL`, which never exceeds the 2-D stability limit of the θ-scheme.
    public var cfl: Double = 0.7

    /// min(`cfl`, 0.95 √(θ/2)). A von Neumann analysis of the θ-scheme on the staggered 2-D grid without
    /// friction gives, for the diagonal checkerboard mode, stability for α² ≤ θ/2 (α ≤ 0.707 at θ = 1,
    /// 0.632 at θ = 0.8); friction only adds damping. A deep frictionless lake shows the growth at once
    /// when α is above the limit, so the limit is enforced with a 5 % margin.
    public var effectiveCFL: Double { min(cfl, 0.95 * (theta / 2).squareRoot()) }
    /// θ of de Almeida et al. (2012): 1 is the Bates (2010) scheme; 0.7–0.9 damps checkerboard noise.
    /// It holds for a step of the stable length; shorter steps use 1 − (1 − θ) Δt/Δt_CFL
    /// (`FloodSimulation.stepTheta`), so the averaging per second does not grow as the step shrinks.
    public var theta: Double = 0.8
    /// The longest step (s), also the step while the grid is dry.
    public var maxStep: Double = 10
    /// Face flow depth at or below which a face carries no flow (m); also the depth from which a cell
    /// counts as wet for velocities.
    public var depthThreshold: Double = 0.001
    /// Gravity (m/s²).
    public var gravity: Double = 9.81
    /// Thin-film routing on steep faces (Sampson et al. 2013).
    public var routing = Routing()

    /// Where the face flow depth is below `depth` and the bed slope across the face above `slope`,
    /// the inertial flux is replaced by water moving down the surface at `speed`: q = speed · h_source.
    /// This keeps rain-on-grid films on steep terrain moving without collapsing the time step.
    public struct Routing: Hashable, Codable, Sendable {
        public var enabled = true
        /// Bed slope (m/m) above which a face may route.
        public var slope = 0.1
        /// Face flow depth (m) below which a steep face routes.
        public var depth = 0.01
        /// Routing speed (m/s).
        public var speed = 0.1
        public init() {}
    }

    public init() {}

    /// Checks ranges; throws `InputError` `.implausibleValue` naming the parameter.
    public func validate() throws {
        func bad(_ name: String, _ v: Double, _ why: String) -> InputError {
            InputError(.implausibleValue, "flood option \(name) = \(v) \(why)")
        }
        guard cfl > 0, cfl <= 1 else { throw bad("cfl", cfl, "must be in (0, 1]") }
        guard theta >= 0, theta <= 1 else { throw bad("theta", theta, "must be in [0, 1]") }
        guard maxStep > 0, maxStep.isFinite else { throw bad("max_step", maxStep, "must be positive") }
        guard depthThreshold > 0, depthThreshold < 1 else { throw bad("depth_threshold", depthThreshold, "must be in (0, 1) m") }
        guard gravity > 0 else { throw bad("gravity", gravity, "must be positive") }
        guard routing.slope > 0 else { throw bad("routing.slope", routing.slope, "must be positive") }
        guard routing.depth >= 0 else { throw bad("routing.depth", routing.depth, "must not be negative") }
        guard routing.speed > 0 else { throw bad("routing.speed", routing.speed, "must be positive") }
    }
}
