import Geometry

/// An edge of the domain.
public enum FloodEdge: String, Hashable, Codable, Sendable, CaseIterable {
    case north, south, east, west
}

/// Rain on the grid: an intensity series (m/s, ≥ 0) times an optional per-cell pattern
/// (dimensionless factors, e.g. from a radar field; 1 where absent). Blocked cells get no rain.
public struct FloodRain: Sendable {
    public var intensity: FloodSeries
    public var pattern: [Float]?

    public init(intensity: FloodSeries, pattern: [Float]? = nil) { self.intensity = intensity; self.pattern = pattern }
}

/// Loss of surface water into the soil, uniform over the grid.
public enum FloodInfiltration: Hashable, Codable, Sendable {
    /// A constant rate (m/s) while water is present.
    case constant(rate: Double)
    /// Green and Ampt (1911): capacity f = K_s (1 + ψ Δθ / F), with F the depth infiltrated so far (m),
    /// K_s the saturated conductivity (m/s), ψ the wetting-front suction head (m) and Δθ the moisture
    /// deficit (dimensionless).
    case greenAmpt(conductivity: Double, suction: Double, deficit: Double)
}

/// Water entering the domain along a hydrograph Q(t) (m³/s, ≥ 0 in; a negative value would extract).
public struct FloodInflow: Sendable {
    public enum Place: Sendable {
        /// A volume source in these cells, shared equally (a point: one cell; a line: the cells it crosses).
        case cells([Int])
        /// A discharge through the edge faces of these cells (cell indices along the edge), shared
        /// by face width: unit discharge q = Q / (count × Δx) (LISFLOOD-FP `QVAR`).
        case edge(FloodEdge, cells: [Int])
    }

    public var name: String
    public var place: Place
    /// Q(t), m³/s.
    public var hydrograph: FloodSeries

    public init(name: String, place: Place, hydrograph: FloodSeries) {
        self.name = name; self.place = place; self.hydrograph = hydrograph
    }
}

/// An open stretch of the domain edge (edges are closed walls elsewhere).
public struct FloodBoundary: Sendable {
    public enum Kind: Sendable {
        /// Free outflow at normal depth: q = h^{5/3} √S / n, with S the given slope (m/m) or, when
        /// nil, the bed slope into the edge cell (at least 10⁻³). Outflow only.
        case free(slope: Double?)
        /// A water level η(t) (m above datum) in a ghost cell beyond the edge with the edge cell's bed;
        /// water flows in or out by the local-inertial formula (LISFLOOD-FP `HVAR`).
        case stage(FloodSeries)
    }

    public var name: String
    public var edge: FloodEdge
    /// The cells along the edge (indices of cells in the first or last row or column).
    public var cells: [Int]
    public var kind: Kind

    public init(name: String, edge: FloodEdge, cells: [Int], kind: Kind) {
        self.name = name; self.edge = edge; self.cells = cells; self.kind = kind
    }

    /// Every cell along a whole edge of `grid`.
    public static func wholeEdge(_ edge: FloodEdge, of grid: GridSpec) -> [Int] {
        switch edge {
        case .north: return Array(0..<grid.width)
        case .south: return (0..<grid.width).map { (grid.height - 1) * grid.width + $0 }
        case .west: return (0..<grid.height).map { $0 * grid.width }
        case .east: return (0..<grid.height).map { $0 * grid.width + grid.width - 1 }
        }
    }
}

/// Everything a flood run needs: terrain, scheme options and forcing.
public struct FloodSetup: Sendable {
    public var grid: FloodGrid
    public var options: FloodOptions
    public var rain: FloodRain?
    public var infiltration: FloodInfiltration?
    public var inflows: [FloodInflow]
    public var boundaries: [FloodBoundary]
    /// Initial depth per cell (m, ≥ 0), or nil for a dry start.
    public var initialDepth: [Float]?

    public init(grid: FloodGrid, options: FloodOptions = FloodOptions(), rain: FloodRain? = nil,
                infiltration: FloodInfiltration? = nil, inflows: [FloodInflow] = [], boundaries: [FloodBoundary] = [],
                initialDepth: [Float]? = nil) {
        self.grid = grid; self.options = options; self.rain = rain; self.infiltration = infiltration
        self.inflows = inflows; self.boundaries = boundaries; self.initialDepth = initialDepth
    }

    /// Initial depths that fill every open cell whose bed is below `level` (m above datum) up to it.
    public static func depths(toLevel level: Double, on grid: FloodGrid) -> [Float] {
        (0..<grid.spec.count).map { i in grid.blocked[i] ? 0 : Float(max(level - grid.bed[i], 0)) }
    }

    /// Checks the forcing against the grid; throws `InputError` `.implausibleValue` naming the item.
    public func validate() throws {
        try options.validate()
        let n = grid.spec.count
        func bad(_ m: String) -> InputError { InputError(.implausibleValue, m) }
        if let d = initialDepth {
            guard d.count == n else { throw bad("initial water: \(d.count) depths for \(n) cells") }
            if let i = d.indices.first(where: { !(d[$0] >= 0 && d[$0].isFinite) }) {
                throw bad("initial water: depth \(d[i]) at row \(i / grid.width), column \(i % grid.width) must be ≥ 0")
            }
        }
        if let r = rain {
            if let v = r.intensity.values.first(where: { !($0 >= 0 && $0.isFinite) }) { throw bad("rain: intensity \(v) must be ≥ 0") }
            if let p = r.pattern {
                guard p.count == n else { throw bad("rain: \(p.count) pattern values for \(n) cells") }
                if let v = p.first(where: { !($0 >= 0 && $0.isFinite) }) { throw bad("rain: pattern factor \(v) must be ≥ 0") }
            }
        }
        switch infiltration {
        case .constant(let rate)?:
            guard rate >= 0, rate.isFinite else { throw bad("infiltration: rate \(rate) must be ≥ 0") }
        case .greenAmpt(let k, let psi, let dtheta)?:
            guard k >= 0, psi >= 0, dtheta >= 0, dtheta <= 1 else {
                throw bad("infiltration: Green-Ampt needs conductivity ≥ 0, suction ≥ 0 and 0 ≤ deficit ≤ 1")
            }
        case nil: break
        }
        for f in inflows {
            switch f.place {
            case .cells(let cells):
                guard !cells.isEmpty else { throw bad("inflow \(f.name): no cells") }
                if let c = cells.first(where: { $0 < 0 || $0 >= n }) { throw bad("inflow \(f.name): cell \(c) is outside the grid") }
                if let c = cells.first(where: { grid.blocked[$0] }) {
                    throw bad("inflow \(f.name): cell at row \(c / grid.width), column \(c % grid.width) is blocked")
                }
            case .edge(let e, let cells):
                try checkEdge(e, cells, "inflow \(f.name)")
            }
            if let v = f.hydrograph.values.first(where: { !$0.isFinite }) { throw bad("inflow \(f.name): value \(v) is not finite") }
        }
        for b in boundaries {
            try checkEdge(b.edge, b.cells, "boundary \(b.name)")
            if case .free(let s?) = b.kind, !(s > 0 && s.isFinite) { throw bad("boundary \(b.name): slope \(s) must be positive") }
        }
    }

    private func checkEdge(_ e: FloodEdge, _ cells: [Int], _ what: String) throws {
        guard !cells.isEmpty else { throw InputError(.implausibleValue, "\(what): no cells on the \(e) edge") }
        let edgeCells = Set(FloodBoundary.wholeEdge(e, of: grid.spec))
        if let c = cells.first(where: { !edgeCells.contains($0) }) {
            throw InputError(.implausibleValue, "\(what): cell \(c) is not on the \(e) edge")
        }
    }
}
