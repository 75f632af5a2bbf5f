import CityModel
import Flood
import Geometry
import SimCore
import Stormwater

/// A dual-drainage run: SWMM-style pipes (`StormwaterProcess`), the 2D street surface
/// (`FloodProcess`) and the manhole exchange (``DualDrainageProcess``) on one SimCore engine.
///
/// Rain falls once: on the grid where the surface is modelled (the flood setup's rain, which
/// `FloodProcess` applies itself) and on the
/// subcatchments outside it (their rain gages); subcatchments inside the grid are left out of
/// runoff (``RainPartition``). Coupled junctions get a surcharge depth of at least
/// ``minimumSurchargeDepth`` so that SWMM never spills them as "flooding", and no ponded area (the
/// street grid holds the water above the rim, so a SWMM pond there would store it twice): their
/// overflow reaches the street only through the exchange.
public struct DualDrainageSetup {
    /// The city model with its stormwater project (pipes, subcatchments, inflows, options).
    public var model: CityModel
    /// The street surface (grid, roughness, rain on the grid, boundaries).
    public var flood: FloodSetup
    /// The coupled inlets; `DualDrainageRun.inlets(of:grid:)` finds them from the model.
    public var inlets: [ManholeInlet]
    public var coefficients = ExchangeCoefficients()
    /// Base tick (the exchange step), report step and end; end nil = the stormwater project's end.
    public var tick: SimDuration = .seconds(1)
    public var reportStep: SimDuration = .minutes(5)
    public var end: SimTime?
    /// Surcharge method of the pipes in the coupled run; nil keeps the model's. SLOT (Preissmann
    /// slot) by default: an EXTRAN surcharged node keeps a fixed volume, so water the exchange takes
    /// out of it is not accounted, and with a large opening the explicit exchange then runs away
    /// (measured: EA Test 8B with C_o = 0.6 gains 12.7 % of its inflow; docs/validation.md).
    public var surchargeMethod: SurchargeMethod? = .slot
    /// Threads of the flood sweep.
    public var threads = 1
    /// Interval of the recorded exchange hydrograph (s).
    public var sampleInterval = 10.0
    /// The model's file, for error messages.
    public var file = "model"

    public init(model: CityModel, flood: FloodSetup, inlets: [ManholeInlet]) {
        self.model = model; self.flood = flood; self.inlets = inlets
    }
}

/// What a dual-drainage run produced.
public struct DualDrainageResult {
    /// The coupler at the end: exchange totals, debt and the recorded hydrographs.
    public var exchange: DualDrainageProcess
    /// The water balance across runoff, pipes, surface and exchange.
    public var balance: CoupledWaterBalance
    /// The engine's ledger report (every account of every process).
    public var ledger: LedgerReport
    /// The pipes' routing summary (SWMM-style, in the model's units).
    public var routing: RoutingSummary
    /// Largest depth on the surface at the end (m) and the surface depths at the end.
    public var finalDepth: Raster<Float>
    /// Subcatchments left out of runoff because their rain falls on the grid.
    public var subcatchmentsOnGrid: [String]
}

public enum DualDrainageRun {
    /// Surcharge depth given to coupled junctions (in the model's length unit, m or ft): high enough
    /// that SWMM never floods them.
    public static let minimumSurchargeDepth = 100.0

    /// The model's nodes that `coupled` selects (by default those marked `surfaceCoupled`) as inlets
    /// of diameter `diameter` (m), each in the grid cell its point lies in.
    ///
    /// - Throws: `InputError` naming the node when it has no point, lies outside the grid or in a
    ///   blocked cell (a building or no data).
    public static func inlets(of model: CityModel, grid: FloodGrid, diameter: Double = 1, file: String = "model",
                              coupled: (DrainageNode) -> Bool = { $0.surfaceCoupled == true }) throws -> [ManholeInlet] {
        try model.drainageNodes.filter(coupled).map { n in
            let at = SourceLocation(file: file, feature: n.id.rawValue)
            guard case .point(let p)? = n.shape else {
                throw InputError(.missingField, "node \(n.id.rawValue) has no point location, so it cannot be coupled to the surface", at: at)
            }
            guard let rc = grid.spec.cell(containing: p) else {
                throw InputError(.badValue, "node \(n.id.rawValue) at (\(p.x), \(p.y)) lies outside the surface grid", at: at)
            }
            let cell = grid.spec.index(row: rc.row, col: rc.col)
            guard !grid.blocked[cell] else {
                throw InputError(.badValue, "node \(n.id.rawValue) lies in a blocked cell of the surface grid (building or no data)", at: at)
            }
            return ManholeInlet(node: n.id.rawValue, cell: cell, diameter: diameter)
        }
    }

    /// The model as the coupled run uses it: coupled junctions surcharge instead of flooding or
    /// ponding, and subcatchments inside the grid are left out (their rain falls on the grid).
    public static func prepare(_ setup: DualDrainageSetup) throws -> (model: CityModel, onGrid: [String]) {
        var model = setup.model
        let coupled = Set(setup.inlets.map(\.node))
        for i in model.drainageNodes.indices where coupled.contains(model.drainageNodes[i].id.rawValue) {
            guard model.drainageNodes[i].kind == .junction else {
                throw InputError(.badValue, "coupled node \(model.drainageNodes[i].id.rawValue) is not a junction",
                                 at: SourceLocation(file: setup.file, feature: model.drainageNodes[i].id.rawValue))
            }
            model.drainageNodes[i].surchargeDepth = max(model.drainageNodes[i].surchargeDepth, minimumSurchargeDepth)
            model.drainageNodes[i].pondedArea = 0
        }
        if let m = setup.surchargeMethod { model.stormwater?.options.surchargeMethod = m }
        let split = try RainPartition.split(model, grid: setup.flood.grid, file: setup.file)
        model.subcatchments = split.offGrid
        return (model, split.onGrid)
    }

    /// Names of the processes on the coupled engine.
    public static let pipesName = "stormwater", floodName = "flood"

    /// The engine of a coupled run of `model` (the output of ``prepare(_:)``): the pipes, the surface
    /// and the exchange, not yet prepared. Returns it with the exchange process's name.
    public static func engine(_ setup: DualDrainageSetup, model: CityModel) throws -> (engine: Engine, exchange: String) {
        let pipes = try StormwaterProcess(model: model, name: pipesName, file: setup.file)
        let end = setup.end ?? SimTime(seconds: model.stormwater?.options.duration ?? 0)
        let grid = setup.flood.grid
        let exchange = try DualDrainageProcess(inlets: setup.inlets, surface: setup.inlets.map { grid.bed[$0.cell] },
                                               cellArea: grid.cellArea, coefficients: setup.coefficients,
                                               sampleInterval: setup.sampleInterval)
        var engine = try Engine(options: EngineOptions(tick: setup.tick, reportStep: setup.reportStep, end: end))
        try engine.add(pipes)
        try engine.add(FloodProcess(name: floodName, setup: setup.flood, threads: setup.threads))
        try engine.add(exchange)
        return (engine, exchange.name)
    }

    /// Runs the coupled model to its end.
    public static func run(_ setup: DualDrainageSetup) throws -> DualDrainageResult {
        let (model, onGrid) = try prepare(setup)
        var (engine, exchangeName) = try engine(setup, model: model)
        try engine.run()
        let x = engine.process(named: exchangeName, as: DualDrainageProcess.self)!
        let p = engine.process(named: pipesName, as: StormwaterProcess.self)!
        return DualDrainageResult(exchange: x, balance: CoupledWaterBalance(ledger: engine.ledger, exchange: x),
                                  ledger: engine.ledger.report(at: engine.time), routing: p.summary,
                                  finalDepth: engine.fields[.surfaceDepth], subcatchmentsOnGrid: onGrid)
    }
}

/// Where rain falls in a coupled run: on the grid where the surface is modelled, on subcatchments
/// elsewhere — never on both.
public enum RainPartition {
    /// Splits the model's subcatchments into those whose outline's centre lies on an open cell of
    /// the grid (their area is modelled by the surface, so their rain falls there) and the rest
    /// (rain on the subcatchment, runoff into its outlet node). Subcatchments without an outline
    /// stay on the subcatchment side.
    ///
    /// - Throws: `InputError` when a kept subcatchment drains into one that was moved onto the grid.
    public static func split(_ model: CityModel, grid: FloodGrid, file: String = "model") throws -> (offGrid: [Subcatchment], onGrid: [String]) {
        var off: [Subcatchment] = [], on: [String] = []
        for s in model.subcatchments {
            if let shape = s.shape {
                let b = shape.bbox
                let c = Coordinate(x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2)
                if let rc = grid.spec.cell(containing: c), !grid.blocked[grid.spec.index(row: rc.row, col: rc.col)] {
                    on.append(s.id.rawValue); continue
                }
            }
            off.append(s)
        }
        let moved = Set(on)
        for s in off where moved.contains(s.outlet) {
            throw InputError(.danglingReference, "subcatchment \(s.id.rawValue) drains onto subcatchment \(s.outlet), whose area is modelled by the surface grid",
                             at: SourceLocation(file: file, feature: s.id.rawValue))
        }
        return (off, on)
    }
}
