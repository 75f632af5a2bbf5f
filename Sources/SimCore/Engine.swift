/// The run's settings: base tick, report step, end time and seed. `Codable` with defaults, so a
/// scene file may give only `end`.
public struct EngineOptions: Hashable, Codable, Sendable {
    /// The base tick: the longest step the engine takes. Ticks are shortened to land exactly on
    /// report times, on `end`, and within every process's `maxStep(at:)`. Default 1 s.
    public var tick: SimDuration
    /// The interval between report times (observers run at 0, `reportStep`, 2 × `reportStep`, …
    /// and at `end`). Default 5 min.
    public var reportStep: SimDuration
    /// When the run ends, since its start.
    public var end: SimTime
    /// The seed every random stream derives from. Default 0.
    public var seed: UInt64

    public init(tick: SimDuration = .seconds(1), reportStep: SimDuration = .minutes(5), end: SimTime, seed: UInt64 = 0) {
        self.tick = tick; self.reportStep = reportStep; self.end = end; self.seed = seed
    }

    enum CodingKeys: String, CodingKey { case tick, reportStep, end, seed }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tick: try c.decodeIfPresent(SimDuration.self, forKey: .tick) ?? .seconds(1),
                  reportStep: try c.decodeIfPresent(SimDuration.self, forKey: .reportStep) ?? .minutes(5),
                  end: try c.decode(SimTime.self, forKey: .end),
                  seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0)
    }

    /// Throws `.invalidOptions` unless tick and report step are positive and `end` is not negative.
    public func validate() throws {
        guard tick.milliseconds > 0 else { throw SimError(.invalidOptions, "tick must be positive, not \(tick)") }
        guard reportStep.milliseconds > 0 else { throw SimError(.invalidOptions, "report step must be positive, not \(reportStep)") }
        guard end >= .zero else { throw SimError(.invalidOptions, "end time must not be negative, not \(end)") }
    }
}

/// The simulation engine: **the one tick loop**. It owns the clock, the processes (in phase order),
/// the exchange fields, the ledger and the run's random generator.
///
/// ```swift
/// var engine = try Engine(options: EngineOptions(tick: .seconds(1), end: SimTime(seconds: 3600)))
/// try engine.add(RainForcing(...))
/// try engine.add(SurfaceFlood(...))
/// engine.add(observer: TimeSeriesRecorder(name: "gauges").recording(.surfaceDepth, row: 10, col: 12))
/// try engine.run { fraction, time in print(fraction, time) }
/// ```
///
/// `Engine` is a value: copying it copies every struct process (class processes are shared). It is
/// not `Sendable`; hand it to the actor that runs it with `sending`.
public struct Engine {
    enum RunState: Equatable { case configuring, running, finished, failed }

    /// The run's settings.
    public let options: EngineOptions
    /// The current simulated time: the end of the last tick.
    public internal(set) var time: SimTime = .zero
    /// The number of ticks taken so far.
    public internal(set) var tickCount: Int = 0
    /// The exchange fields, as committed at the end of the last tick.
    public internal(set) var fields = ExchangeFields()
    /// The conserved-quantity ledger.
    public internal(set) var ledger = Ledger()
    /// The run's root generator (seeded from `options.seed`); each process gets
    /// `rng.stream(named: process.name)`.
    public internal(set) var rng: SeededRNG

    var processes: [any Process] = []           // sorted by phase, stable
    var observers: [any Observer] = []
    var phaseRanges: [Range<Int>] = []          // indices into `processes`, per Phase.rawValue
    var state: RunState = .configuring
    var prepared = false                        // every process prepared and bound

    /// Whether this build runs invariant checks after every tick (`CITYTWIN_INTERNAL_CHECKS`,
    /// defined in debug builds): time increases, ledgers balance, no NaN in fields, each process's
    /// `checkInvariants`.
    public static var internalChecks: Bool {
        #if CITYTWIN_INTERNAL_CHECKS
        return true
        #else
        return false
        #endif
    }

    /// An engine with no processes yet.
    ///
    /// - Throws: `.invalidOptions` (see `EngineOptions.validate()`).
    public init(options: EngineOptions) throws {
        try options.validate()
        self.options = options
        self.rng = SeededRNG(seed: options.seed)
        rebuildPhaseRanges()
    }

    /// Adds a process before the run starts. Processes run in phase order, and in the order they
    /// were added within a phase.
    ///
    /// - Throws: `.duplicateProcess` if the name is taken, `.notRunnable` once prepared.
    public mutating func add(_ process: some Process) throws {
        guard state == .configuring else { throw SimError(.notRunnable, "processes can only be added before prepare()", process: process.name) }
        guard !processes.contains(where: { $0.name == process.name }) else {
            throw SimError(.duplicateProcess, "is already in the engine", process: process.name)
        }
        let at = processes.firstIndex { $0.phase > process.phase } ?? processes.endIndex
        processes.insert(process, at: at)
        rebuildPhaseRanges()
    }

    /// Adds an observer, called at time 0 (after `prepare`) and at every report time.
    public mutating func add(observer: some Observer) { observers.append(observer) }

    /// The process names, in the order they run.
    public var processNames: [String] { processes.map(\.name) }

    /// The process named `name`, if it has type `P`.
    public func process<P: Process>(named name: String, as type: P.Type = P.self) -> P? {
        processes.first { $0.name == name } as? P
    }

    /// The observer named `name`, if it has type `O` (e.g. a `TimeSeriesRecorder` after a run).
    public func observer<O: Observer>(named name: String, as type: O.Type = O.self) -> O? {
        observers.first { $0.name == name } as? O
    }

    /// Whether the run has reached `options.end` (and `finish()` was called on every process).
    public var isFinished: Bool { state == .finished }

    /// Prepares and binds every process in phase order, then calls the observers at time 0.
    /// Called by the first `step()` or `run(until:progress:)` if not called before; does nothing
    /// once prepared.
    public mutating func prepare() throws {
        try prepare(observe: true)
    }

    /// Advances by one tick, shortened to land on the next report time, on `options.end` and within
    /// every process's step limit.
    ///
    /// - Throws: a `SimError`: `.processFailed` naming the process, its phase and the tick;
    ///   `.invariantViolated`; `.observerFailed`; `.notRunnable` past the end or after an error
    ///   (restore a snapshot to continue).
    public mutating func step() throws { try step(stoppingAt: options.end) }

    /// One tick: the whole model, phase by phase.
    mutating func step(stoppingAt stop: SimTime) throws {
        try prepare(observe: true)
        try ensureRunnable()
        let tick = nextTick(stoppingAt: stop)            // [from, to): ≤ base tick, step limits, report times
        do {
            fields.beginTick()                           // flux fields start from their initial value
            try advance(.forcing, tick)                  // rain fields, inflow hydrographs, travel demand
            try advance(.runoff, tick)                   // rainfall → runoff on subcatchments
            try advance(.surfaceToNetwork, tick)         // inlets capture surface water into nodes
            try advance(.pipeRouting, tick)              // flow routing in the drainage network
            try advance(.networkToSurface, tick)         // manholes surcharge onto the surface
            try advance(.surfaceFlood, tick)             // 2D surface flow on the terrain
            try advance(.floodToRoads, tick)             // flood depth → road speed factors, closures
            try advance(.trafficPlan, tick)              // departures, routes, signal programs
            try advance(.trafficMove, tick)              // vehicles move
            commit(tick)                                 // fields swap once; processes commit; clock moves
            #if CITYTWIN_INTERNAL_CHECKS
            try checkInvariants(tick)                    // time, ledger balance, NaN, process invariants
            #endif
            if isReportTime(time) { try observe() }      // observers at report times
            if time == options.end { try finish() }      // the run is over
        } catch {
            state = .failed
            throw error
        }
    }

    /// Runs until `target` (default and at most `options.end`), calling `progress` with the fraction
    /// of this call's span done (0…1, non-decreasing, at most every 0.1 %, and 1 at the end) and the
    /// time. Ticks are cut to land exactly on `target`.
    ///
    /// A throwing `progress` (or a cancelled task) stops the run between ticks with `.cancelled`; the
    /// engine stays usable.
    public mutating func run(until target: SimTime? = nil,
                             progress: ((_ fraction: Double, _ time: SimTime) throws -> Void)? = nil) throws {
        try prepare(observe: true)
        let stop = target ?? options.end
        guard stop <= options.end, stop >= time else {
            throw SimError(.invalidOptions, "run(until: \(stop)) outside \(time)…\(options.end)", time: time)
        }
        let start = time, span = Double((stop - start).milliseconds)
        var reported = -1.0
        func report(_ f: Double) throws {
            reported = f
            do { try progress?(f, time) } catch {
                throw SimError(.cancelled, "run cancelled by its progress callback", time: time, underlying: error)
            }
        }
        while time < stop {
            if Task.isCancelled { throw SimError(.cancelled, "run cancelled", time: time) }
            try step(stoppingAt: stop)
            let f = time == stop ? 1 : min(Double((time - start).milliseconds) / span, 1)
            if f == 1 || f - reported >= 0.001 { try report(f) }
        }
        if reported < 1 { try report(1) }
    }

    // MARK: The parts of a tick

    struct Tick { var from: SimTime; var to: SimTime }

    /// The next tick from `time`: the base tick, cut to the smallest process step limit (never
    /// below 1 ms), then to the next report time and to `stop`.
    func nextTick(stoppingAt stop: SimTime) -> Tick {
        var length = options.tick
        for p in processes {
            if let limit = p.maxStep(at: time), limit < length { length = limit }
        }
        length = max(length, .milliseconds(1))
        let r = options.reportStep.milliseconds
        let nextReport = SimTime(milliseconds: (time.milliseconds / r + 1) * r)
        return Tick(from: time, to: min(time + length, nextReport, stop, options.end))
    }

    /// Advances every process of `phase` over the tick, in the order they were added.
    mutating func advance(_ phase: Phase, _ tick: Tick) throws {
        for i in phaseRanges[phase.rawValue] {
            do {
                try processes[i].advance(from: tick.from, to: tick.to, fields: &fields, ledger: &ledger)
            } catch {
                throw wrap(error, .processFailed, "failed", process: processes[i], tick: tick)
            }
        }
    }

    /// Ends the tick: double-buffered fields commit once, then processes, then the clock moves.
    mutating func commit(_ tick: Tick) {
        fields.commit()
        for i in processes.indices { processes[i].commit() }
        time = tick.to
        tickCount += 1
    }

    /// Internal checks after a tick.
    func checkInvariants(_ tick: Tick) throws {
        guard time > tick.from else {
            throw SimError(.invariantViolated, "time did not increase (tick \(tick.from) → \(tick.to))", time: time)
        }
        try ledger.checkBalance(at: time)
        try fields.checkFinite(at: time)
        for p in processes {
            do { try p.checkInvariants(at: time, fields: fields, ledger: ledger) } catch {
                throw wrap(error, .invariantViolated, "broke an invariant", process: p, tick: tick)
            }
        }
    }

    func isReportTime(_ t: SimTime) -> Bool {
        t.milliseconds % options.reportStep.milliseconds == 0 || t == options.end
    }

    /// Calls every observer with the current time, fields and ledger.
    mutating func observe() throws {
        let view = Observation(time: time, tickCount: tickCount, fields: fields, ledger: ledger)
        for i in observers.indices {
            do { try observers[i].observe(view) } catch {
                throw SimError(.observerFailed, "failed", process: observers[i].name, time: time, underlying: error)
            }
        }
    }

    /// Calls `finish()` on every process, in phase order.
    mutating func finish() throws {
        for i in processes.indices {
            do { try processes[i].finish() } catch {
                throw wrap(error, .processFailed, "failed to finish", process: processes[i], tick: Tick(from: time, to: time))
            }
        }
        state = .finished
    }

    // MARK: Setup

    mutating func prepare(observe: Bool) throws {
        guard state == .configuring else { return }
        do {
            for i in processes.indices { try withContext(i, "failed to prepare") { p, c in try p.prepare(&c) } }
            for i in processes.indices { try withContext(i, "failed to bind") { p, c in try p.bind(&c) } }
            state = .running
            prepared = true
            if observe { try self.observe() }
        } catch {
            state = .failed
            throw error
        }
    }

    /// Runs `body` on process `i` with a context holding the fields and ledger (moved, not copied).
    private mutating func withContext(_ i: Int, _ what: String,
                                      _ body: (inout any Process, inout ProcessContext) throws -> Void) throws {
        let p = processes[i]
        var context = ProcessContext(name: p.name, phase: p.phase, options: options, time: time,
                                     rng: rng.stream(named: p.name), fields: fields, ledger: ledger)
        fields = ExchangeFields(); ledger = Ledger()
        defer { fields = context.fields; ledger = context.ledger }
        do { try body(&processes[i], &context) } catch {
            throw wrap(error, .processFailed, what, process: p, tick: nil)
        }
    }

    func ensureRunnable() throws {
        switch state {
        case .configuring, .running: return
        case .finished: throw SimError(.notRunnable, "the run has reached its end time \(options.end)", time: time)
        case .failed: throw SimError(.notRunnable, "an earlier error stopped the run; restore a snapshot to continue", time: time)
        }
    }

    func wrap(_ error: any Error, _ code: SimErrorCode, _ what: String, process p: any Process, tick: Tick?) -> SimError {
        var e = SimError(code, what, process: p.name, phase: p.phase, time: tick?.from ?? time,
                         tickEnd: tick.map(\.to), underlying: error)
        if let inner = error as? SimError, inner.process == nil {
            e.code = inner.code == .processFailed ? code : inner.code   // keep a field or ledger error's code
            e.underlying = inner
        }
        return e
    }

    mutating func rebuildPhaseRanges() {
        phaseRanges = Phase.allCases.map { phase in
            let lo = processes.firstIndex { $0.phase >= phase } ?? processes.endIndex
            let hi = processes.firstIndex { $0.phase > phase } ?? processes.endIndex
            return lo..<hi
        }
    }
}
