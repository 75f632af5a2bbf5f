import CityIO
import CityModel
import Foundation
import Geometry
import Traffic

/// The traffic part of a `citytwin run` scene (`processes: [traffic]`, docs/scene-format.md): the
/// model's road layers as the lane network, origin–destination demand with a departure profile,
/// the signal control, and the traffic interventions (a signal plan, closed roads).
///
/// ```yaml
/// traffic:
///   demand:
///     od: corridor-od.csv          # SUMO OD XML, VISUM O-format or CSV; names edges, or zones with taz:
///     taz: zones.taz.xml           # optional SUMO <taz> zones
///     profile: [[0, 1], [15min, 2], [45min, 1]]   # step weights from each time (s); default uniform
///     window: [0, 1h]              # window of CSV rows without begin/end (default [0, duration])
///   control: fixed_time            # fixed_time | actuated | max_pressure for signals not in a plan (default: the model's)
///   seed: 23423
/// interventions:
///   signal_plan: plans/corridor-actuated.yaml
///   closed_roads:
///     - {edge: N0304-N0305, from: 20min}   # closed from that time; vehicles re-route
/// ```
public struct TrafficScene: Sendable {
    /// An edge closed from `from` (s) on; vehicles whose remaining route uses it re-route.
    public struct Closure: Sendable, Hashable {
        public var edge: String
        public var from: Double
    }

    public var network: LaneNetwork
    /// The model whose road layers the network was built from (shapes for the maps).
    public var modelForLinks: CityModel
    public var graph: RoadGraph
    public var demand: TravelDemand
    /// OD cells and the vehicles expanded from them (for the conservation check).
    public var odVehicles: Int
    public var options: TrafficOptions
    public var closures: [Closure]
    /// The signal plan file applied, if any.
    public var signalPlan: String?
    /// Simulated duration and sampling interval of the queue series (s).
    public var duration: Double
    public var reportStep: Double

    public static let keys = ["demand", "control", "seed"]
    public static let interventionKeys = ["signal_plan", "closed_roads"]

    /// Reads the `traffic:` block (and the traffic interventions) of the scene at `path`.
    /// - Throws: `InputError` with the scene file, line and key, or the demand/plan file and line.
    public static func load(_ node: SceneNode, interventions: SceneNode?, scenePath path: String, model: CityModel,
                            duration: Double, reportStep: Double) throws -> TrafficScene {
        let f = try node.fields(keys)
        guard !model.roadEdges.isEmpty else { throw node.error(.missingField, "the model has no road layers (road_edges) to drive on") }
        var network = LaneNetwork(roads: model)
        var options = TrafficOptions()
        options.edgeInterval = duration
        if let s = f["seed"] { let v = try s.int(); guard v >= 0 else { throw s.error(.badValue, "seed must be ≥ 0") }; options.seed = UInt64(v) }
        if let c = f["control"] {
            switch try c.string() {
            case "fixed_time": options.defaultSignalMode = .fixedTime
            case "actuated": options.defaultSignalMode = .actuated(maxGap: 3, detectorGap: 2)
            case "max_pressure": options.defaultSignalMode = .maxPressure(minGreen: 10, maxGreen: 60)
            case let x: throw c.error(.badValue, "unknown control '\(x)' (expected fixed_time, actuated or max_pressure)")
            }
        }
        var closures: [Closure] = []
        var planPath: String?
        let edges = Set(network.edges.filter { $0.function == .normal }.map(\.id))
        if let i = interventions {
            let k = try i.fields(interventionKeys + DrainageScene.interventionKeys)
            if let p = k["signal_plan"] {
                let file = try p.path(relativeTo: path)
                guard FileManager.default.fileExists(atPath: file) else { throw p.error(.fileNotFound, "no such signal plan \(file)") }
                let plan = try SignalPlanReader.read(path: file, network: network)
                network.signalPrograms = plan.apply(to: network.signalPrograms)
                for (id, mode) in plan.modes { options.signalModes[id] = SignalControlMode(mode) }
                planPath = file
            }
            if let c = k["closed_roads"] {
                for item in try c.items() {
                    let g = try item.fields(["edge", "from"])
                    guard let e = g["edge"] else { throw item.error(.missingField, "edge: missing") }
                    let id = try e.string()
                    guard edges.contains(id) else { throw e.error(.danglingReference, "edge \(id) is not a road edge of the model") }
                    let t = try g["from"]?.seconds() ?? 0
                    guard t >= 0, t < duration else { throw (g["from"] ?? item).error(.implausibleValue, "closure time \(t) s must be in [0, duration)") }
                    closures.append(Closure(edge: id, from: t))
                }
            }
        }
        let graph = try RoadGraph(network)
        guard let dn = f["demand"] else { throw node.error(.missingField, "demand: missing (an OD matrix: demand: {od: FILE})") }
        let d = try dn.fields(["od", "taz", "profile", "window"])
        guard let odNode = d["od"] else { throw dn.error(.missingField, "od: missing (an OD matrix file)") }
        let odPath = try odNode.path(relativeTo: path)
        guard FileManager.default.fileExists(atPath: odPath) else { throw odNode.error(.fileNotFound, "no such OD matrix \(odPath)") }
        var window = (begin: 0.0, end: duration)
        if let w = d["window"] {
            let xs = try w.items()
            guard xs.count == 2 else { throw w.error(.badValue, "expected [begin, end]") }
            window = (try xs[0].seconds(), try xs[1].seconds())
            guard window.begin >= 0, window.end > window.begin else { throw w.error(.implausibleValue, "need 0 ≤ begin < end") }
        }
        let tazPath = try d["taz"]?.path(relativeTo: path)
        let od = try ODMatrixReader.read(path: odPath, taz: tazPath, knownEdges: edges, defaultWindow: window)
        var profile = DemandProfile.uniform
        if let p = d["profile"] {
            for item in try p.items() {
                let xy = try item.items()
                guard xy.count == 2 else { throw item.error(.badValue, "expected [time, weight]") }
                let t = try xy[0].seconds(), w = try xy[1].double()
                guard w >= 0 else { throw xy[1].error(.implausibleValue, "weight \(w) must be ≥ 0") }
                if let last = profile.times.last, t <= last { throw xy[0].error(.badValue, "profile times must increase") }
                profile.times.append(t); profile.weights.append(w)
            }
            guard profile.weights.contains(where: { $0 > 0 }) else { throw p.error(.implausibleValue, "at least one weight must be > 0") }
        }
        let demand = try ODTrips.demand(od, graph: graph, profile: profile, seed: options.seed)
        return TrafficScene(network: network, modelForLinks: model, graph: graph, demand: demand, odVehicles: od.totalVehicles, options: options,
                            closures: closures.sorted { $0.from < $1.from }, signalPlan: planPath, duration: duration, reportStep: reportStep)
    }
}
