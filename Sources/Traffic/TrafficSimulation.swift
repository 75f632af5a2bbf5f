import CityModel
import Foundation
import Geometry
import SimCore

/// Options of a traffic run. Times in seconds.
public struct TrafficOptions: Sendable {
    /// Simulation step (s); SUMO's default is 1 s.
    public var step = 1.0
    /// Seed of the run's random streams (dawdling, speed factors, random departure lanes).
    public var seed: UInt64 = 23423
    /// Threads for the speed-planning phase; results are identical for any count.
    public var threads = 1
    /// Planning runs on several threads only while at least this many vehicles per thread run.
    public var minVehiclesPerThread = 128
    /// A vehicle standing this long at the front of a lane is moved on along its route (teleported).
    public var timeToTeleport = 300.0
    /// Minimum time gap (s) a yielding vehicle leaves before a prioritised one arrives (SUMO's
    /// `jmTimegapMinor`).
    public var timegapMinor = 1.0
    /// Control mode per signal ID, overriding the program's own type (`static` → fixed time,
    /// `actuated` → actuated with max-gap 3 s and detector-gap 2 s).
    public var signalModes: [String: SignalControlMode] = [:]
    /// Control mode for all signals without an entry in `signalModes` (nil: the program's type).
    public var defaultSignalMode: SignalControlMode?
    /// Interval (s) of the per-edge aggregates; nil for none.
    public var edgeInterval: Double? = 900
    /// Replaces every vehicle type's car-following model when set.
    public var carFollowOverride: CarFollowModel?

    public init() {}
}

/// A vehicle moved on along its route after standing too long (s, vehicle ID, lane ID).
public struct TeleportEvent: Sendable, Hashable, Codable {
    public var time: Double
    public var vehicle: String
    public var lane: String
    public var speeds: String
}

/// Counts of vehicles. `loaded = inserted + waiting`, `inserted = arrived + running` at every step.
public struct VehicleCounts: Sendable, Hashable, Codable {
    public var loaded = 0
    public var inserted = 0
    public var arrived = 0
    public var running = 0
    /// Departed in the demand but not yet inserted (lane full).
    public var waiting = 0
    public var teleports = 0
    public var collisions = 0
    public var emergencyBrakings = 0
}

/// A microscopic traffic simulation on a `RoadGraph`: vehicles as a structure of arrays, lanes as
/// ordered slices of one slot array, signal controllers, junction right of way.
///
/// One `step()` advances time by `options.step`: signals → approach registration at junctions →
/// speed planning (car following, stop lines, junction and signal checks; parallel, deterministic)
/// → movement (semi-implicit Euler, lane transitions, arrivals) → lane changes → teleports →
/// insertion of departing vehicles. It follows the order of SUMO's `MSNet::simulationStep`.
public struct TrafficSimulation: Sendable {
    public let graph: RoadGraph
    public internal(set) var options: TrafficOptions
    /// Simulated time (s) at the end of the last step.
    public internal(set) var time = 0.0
    public internal(set) var counts = VehicleCounts()
    /// Σ over steps of running vehicles (SUMO's vehicle steps).
    public internal(set) var vehicleSteps = 0

    // Vehicle table (one row per trip in the demand; rows are never reused).
    var vID: [String] = []
    var vPos: [Double] = []              // front position on the lane (m)
    var vSpeed: [Double] = []            // m/s
    var vNext: [Double] = []             // planned speed for this step (m/s)
    var vLane: [Int32] = []
    var vLink: [Int32] = []              // the link the vehicle will take from its normal lane, −1 none
    var vRouteStart: [Int32] = []
    var vRouteLen: [Int32] = []
    var vRouteIdx: [Int32] = []          // index in the route of the edge the vehicle is on or came from
    var vTypeIdx: [Int32] = []           // row of the vehicle type table below
    var vSpeedFactor: [Double] = []
    // Vehicle types (a small table that stays in cache): length and minimum gap (m), accel,
    // decel, emergency decel (m/s²), tau (s), sigma, max speed (m/s), model.
    var tLength: [Double] = [], tMinGap: [Double] = [], tAccel: [Double] = [], tDecel: [Double] = []
    var tEDecel: [Double] = [], tTau: [Double] = [], tSigma: [Double] = [], tMaxSpeed: [Double] = []
    var tModel: [CarFollowModel] = []
    var tDawdles: [Bool] = []            // Krauß with σ > 0: one random draw per step
    var tClasses: [UInt64] = []          // the type's vehicle class bit (`VehicleClassBits`)
    var vDepartPlanned: [Double] = []
    var vDepartLane: [DepartLane] = []
    var vDepartSpeed: [DepartSpeed] = []
    var vDepartPos: [Double] = []        // NaN: base
    var vRNG: [SeededRNG] = []
    var vState: [UInt8] = []             // 0 pending, 1 running, 2 arrived
    var vYieldTo: [Int32] = []           // a vehicle on the neighbour lane this one lets in, −1
    var yieldingRows: [Int32] = []       // rows whose vYieldTo is set this step
    var vLastChange: [Double] = []
    var vStanding: [Double] = []         // continuous time at ≤ 0.1 m/s (s)
    // Trip statistics.
    var vDepart: [Double] = []
    var vArrival: [Double] = []
    var vWaiting: [Double] = []
    var vWaitCount: [Int32] = []
    var vTimeLoss: [Double] = []
    var vDistance: [Double] = []
    var vFreeTime: [Double] = []

    var routeEdges: [Int32] = []

    // Lanes: vehicles of lane l are slots[laneStart[l] ..< laneStart[l] + laneN[l]], front first.
    var slots: [Int32] = []
    var laneStart: [Int32] = []
    var laneCap: [Int32] = []
    var laneN: [Int32] = []
    /// Cap on the speed of each lane (m/s) set from outside, e.g. by flood depth (`FloodedRoads.swift`);
    /// +∞ when free.
    var laneSpeedCap: [Double] = []

    // Junctions and signals.
    var signals: [SignalController] = []
    var linkLight: [UInt8] = []
    var regArrival: [Double] = []
    var regLeave: [Double] = []
    var regWaitArrival: [Double] = []    // the same for vehicles waiting at an internal junction
    var regWaitLeave: [Double] = []
    var detectorPos: [Double] = []       // per lane: detector distance from the lane start (m), −1 none
    var detectorLast: [Double] = []      // per lane: time of the last detection (s)

    /// Per lane: the junction approach its time loss counts for (normal lanes: their edge; internal
    /// lanes: the edge their link comes from), −1 for none.
    var laneApproach: [Int32] = []
    /// Per signal: its links.
    var signalLinks: [[Int32]] = []

    var transferBuffer: [(Int32, Int32)] = []
    var queueScratch: [Double] = []      // per-approach queues of the step (reused)

    // Insertion.
    var pendingNext = 0                  // next row (in departure order) not yet due
    var departOrder: [Int32] = []
    var waitingRows: [Int32] = []

    /// The first collisions (for diagnosis): time, lane, the two vehicles.
    public internal(set) var collisionLog: [String] = []
    /// Every teleport: when, which vehicle, from which lane.
    public internal(set) var teleportLog: [TeleportEvent] = []

    /// Per-trip, per-edge and per-approach outputs.
    public internal(set) var stats: TrafficStatistics

    /// Builds the simulation: vehicle types and routes are resolved against `graph` (trips without a
    /// route are routed by shortest free-flow travel time). Throws for demand the network cannot serve.
    public init(graph: RoadGraph, demand: TravelDemand, options: TrafficOptions = TrafficOptions()) throws {
        self.graph = graph
        self.options = options
        stats = TrafficStatistics(graph: graph, interval: options.edgeInterval)
        let file = demand.source ?? "demand"
        var typeByID: [String: VehicleTypeSpec] = [:]
        for t in demand.vehicleTypes { typeByID[t.id] = t }
        let root = SeededRNG(seed: options.seed).stream(named: "traffic")
        var router = Router(graph: graph)
        var typeRow: [String: Int] = [:]
        let n = demand.trips.count
        vID.reserveCapacity(n)
        for (row, trip) in demand.trips.enumerated() {
            let at = SourceLocation(file: file, line: trip.line)
            guard let type = typeByID[trip.type] else {
                throw InputError(.danglingReference, "vehicle \(trip.id): unknown type \(trip.type)", at: at)
            }
            var edges: [Int32] = []
            if trip.route.isEmpty {
                guard let f = trip.from.flatMap({ graph.edgeIndex[$0] }), let t = trip.to.flatMap({ graph.edgeIndex[$0] }) else {
                    throw InputError(.danglingReference, "trip \(trip.id): unknown from/to edge", at: at)
                }
                guard let path = router.route(from: f, to: t) else {
                    throw InputError(.disconnectedNetwork, "trip \(trip.id): no path from \(trip.from!) to \(trip.to!)", at: at)
                }
                edges = path.map(Int32.init)
            } else {
                for e in trip.route {
                    guard let k = graph.edgeIndex[e], !graph.edgeInternal[k] else {
                        throw InputError(.danglingReference, "vehicle \(trip.id): route uses unknown edge \(e)", at: at)
                    }
                    edges.append(Int32(k))
                }
                for i in 0..<(edges.count - 1) {
                    let a = Int(edges[i]), b = Int(edges[i + 1])
                    if !graph.lanes(of: a).contains(where: { graph.leads($0, to: b) }) {
                        throw InputError(.disconnectedNetwork, "vehicle \(trip.id): edge \(graph.edgeIDs[a]) is not connected to \(graph.edgeIDs[b])", at: at)
                    }
                }
            }
            vID.append(trip.id)
            vRouteStart.append(Int32(routeEdges.count)); vRouteLen.append(Int32(edges.count)); routeEdges += edges
            var rng = root.derive(UInt64(row))
            let ti: Int
            if let k = typeRow[type.id] { ti = k } else {
                ti = tLength.count; typeRow[type.id] = ti
                tLength.append(type.length); tMinGap.append(type.minGap); tAccel.append(type.accel); tDecel.append(type.decel)
                tEDecel.append(max(type.emergencyDecel, type.decel)); tTau.append(type.tau); tSigma.append(type.sigma)
                tMaxSpeed.append(type.maxSpeed)
                tClasses.append(VehicleClassBits.bit(type.vClass))
                tModel.append(options.carFollowOverride ?? (type.carFollowModel == .idm ? .idm(delta: type.idmDelta) : .krauss))
                if case .krauss = tModel[ti] { tDawdles.append(type.sigma > 0) } else { tDawdles.append(false) }
            }
            vTypeIdx.append(Int32(ti))
            vSpeedFactor.append(Self.draw(type.speedFactor, &rng))
            vRNG.append(rng)
            vDepartPlanned.append(trip.depart); vDepartLane.append(trip.departLane); vDepartSpeed.append(trip.departSpeed)
            vDepartPos.append(trip.departPos ?? .nan)
        }
        let count = vID.count
        vPos = Array(repeating: 0, count: count); vSpeed = vPos; vNext = vPos; vLastChange = Array(repeating: -1e9, count: count)
        vStanding = vPos; vDepart = Array(repeating: -1, count: count); vArrival = vDepart; vWaiting = vPos; vTimeLoss = vPos
        vDistance = vPos; vFreeTime = vPos
        vLane = Array(repeating: -1, count: count); vLink = vLane; vRouteIdx = Array(repeating: 0, count: count); vYieldTo = vLane
        vWaitCount = Array(repeating: 0, count: count); vState = Array(repeating: 0, count: count)
        departOrder = (0..<count).map(Int32.init)       // the demand is sorted by departure
        counts.loaded = count

        // Lane slot layout: capacity from the shortest vehicle that can stand on the lane.
        let minLength = max(1.0, demand.vehicleTypes.map { $0.length + min($0.minGap, 0.5) }.min() ?? 5)
        var start: Int32 = 0
        for l in 0..<graph.laneCount {
            laneStart.append(start)
            let cap = Int32(graph.laneLength[l] / minLength) + 4
            laneCap.append(cap); start += cap
        }
        slots = Array(repeating: -1, count: Int(start))
        laneN = Array(repeating: 0, count: graph.laneCount)
        laneSpeedCap = Array(repeating: .infinity, count: graph.laneCount)

        // Signals.
        for p in graph.signalPrograms {
            let mode = options.signalModes[p.id] ?? options.defaultSignalMode ?? {
                switch p.type {
                case .actuated:
                    return .actuated(maxGap: Double(p.parameters["max-gap"] ?? "") ?? 3, detectorGap: Double(p.parameters["detector-gap"] ?? "") ?? 2)
                default: return .fixedTime
                }
            }()
            signals.append(SignalController(program: p, mode: mode))
        }
        linkLight = Array(repeating: UInt8(ascii: "O"), count: graph.linkCount)
        regArrival = Array(repeating: .infinity, count: graph.linkCount)
        regLeave = Array(repeating: -.infinity, count: graph.linkCount)
        regWaitArrival = regArrival; regWaitLeave = regLeave
        detectorPos = Array(repeating: -1, count: graph.laneCount)
        detectorLast = Array(repeating: -1e9, count: graph.laneCount)
        for (si, c) in signals.enumerated() {
            guard case .actuated(_, let detectorGap) = c.mode else { continue }
            for k in 0..<graph.linkCount where graph.linkSignal[k] == Int32(si) {
                let l = Int(graph.linkFrom[k])
                detectorPos[l] = max(0, graph.laneLength[l] - graph.laneSpeed[l] * detectorGap)
            }
        }
        laneApproach = Array(repeating: -1, count: graph.laneCount)
        for l in 0..<graph.laneCount where !graph.laneInternal[l] { laneApproach[l] = stats.approachOf[Int(graph.laneEdge[l])] }
        for k in 0..<graph.linkCount {
            let a = stats.approachOf[Int(graph.laneEdge[Int(graph.linkFrom[k])])]
            var cur = Int(graph.linkVia[k])
            while cur >= 0, graph.laneInternal[cur] { laneApproach[cur] = a; cur = Int(graph.internalNext[cur]) }
        }
        signalLinks = Array(repeating: [], count: signals.count)
        for k in 0..<graph.linkCount where graph.linkSignal[k] >= 0 { signalLinks[Int(graph.linkSignal[k])].append(Int32(k)) }
        updateLights()
        insertDue()
        vehicleSteps += counts.running
    }

    /// A per-vehicle factor from its distribution: normal, redrawn until inside [min, max] (at most
    /// 20 times, then clamped). Box–Muller on the vehicle's own stream.
    static func draw(_ d: FactorDistribution, _ rng: inout SeededRNG) -> Double {
        guard d.deviation > 0 else { return min(max(d.mean, d.min), d.max) }
        for _ in 0..<20 {
            let u1 = max(rng.nextDouble(), 1e-300), u2 = rng.nextDouble()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let x = d.mean + d.deviation * z
            if x >= d.min && x <= d.max { return x }
        }
        return min(max(d.mean, d.min), d.max)
    }

    // MARK: - The step

    /// Advances the simulation by one step of `options.step` seconds.
    public mutating func step() {
        let t = time, dt = options.step
        updateSignals(at: t)
        registerApproaches()
        planSpeeds()
        executeMoves(from: t, dt: dt)
        changeLanes(at: t + dt)
        teleportStuck(at: t + dt)
        time = t + dt
        insertDue()
        vehicleSteps += counts.running
        sampleQueues()
        stats.closeInterval(at: time, force: false)
        #if CITYTWIN_INTERNAL_CHECKS
        checkConservation()
        #endif
    }

    /// Runs steps until `time ≥ end` (s).
    public mutating func run(until end: Double) {
        while time < end - 1e-9 { step() }
    }

    /// Vehicles inserted = arrived + running, and loaded = inserted + waiting; each running vehicle
    /// on exactly one lane.
    public func checkConservation() {
        precondition(counts.inserted == counts.arrived + counts.running, "traffic: inserted \(counts.inserted) ≠ arrived \(counts.arrived) + running \(counts.running)")
        precondition(counts.loaded == counts.inserted + counts.waiting, "traffic: loaded ≠ inserted + waiting")
        let onLanes = laneN.reduce(0) { $0 + Int($1) }
        precondition(onLanes == counts.running, "traffic: \(onLanes) vehicles on lanes, \(counts.running) running")
    }

    // MARK: - Signals

    mutating func updateSignals(at t: Double) {
        guard !signals.isEmpty else { return }
        var changed = false
        for s in signals.indices {
            let before = signals[s].phase
            if case .fixedTime = signals[s].mode {
                signals[s].update(at: t, detectorIdle: { _ in 0 }, pressure: { _ in 0 })
            } else {
                let links = signalLinks[s]
                let states = signals[s].states
                let g = graph
                let last = detectorLast, counts = laneN
                func serves(_ phase: Int, _ k: Int) -> Bool {
                    let ch = states[phase][Int(g.linkSignalIndex[k])]
                    return ch == UInt8(ascii: "G") || ch == UInt8(ascii: "g")
                }
                signals[s].update(at: t, detectorIdle: { phase in
                    var idle = Double.infinity
                    for k32 in links where serves(phase, Int(k32)) { idle = min(idle, t - last[Int(g.linkFrom[Int(k32)])]) }
                    return idle
                }, pressure: { phase in
                    var p = 0.0
                    for k32 in links where serves(phase, Int(k32)) {
                        let k = Int(k32)
                        p += Double(counts[Int(g.linkFrom[k])]) - Double(counts[Int(g.linkTo[k])])
                    }
                    return p
                })
            }
            if signals[s].phase != before { changed = true }
        }
        if changed { updateLights() }
    }

    mutating func updateLights() {
        for k in 0..<graph.linkCount {
            let s = Int(graph.linkSignal[k])
            guard s >= 0 else { continue }
            let st = signals[s].states[signals[s].phase]
            let i = Int(graph.linkSignalIndex[k])
            linkLight[k] = i < st.count ? st[i] : UInt8(ascii: "O")
        }
    }

    /// The current state string of each signal, by ID.
    public var signalStates: [String: String] {
        var d: [String: String] = [:]
        for s in signals { d[s.id] = String(decoding: s.currentState, as: UTF8.self) }
        return d
    }
}
