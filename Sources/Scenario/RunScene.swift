import CityIO
import CityModel
import Flood
import Foundation
import Geometry

/// A scene for `citytwin run` (YAML, `docs/scene-format.md`): a city model, the processes switched
/// on and their forcing. The surface flood (`processes: [flood]`), the storm sewer
/// (`processes: [drainage]`, `DrainageScene`, with sponge facilities and pump failures under
/// `interventions:`) and the traffic microsimulation (`processes: [traffic]`, read by
/// `TrafficScene` with its `interventions:` signal plan and closed roads) run; the common part
/// (name, duration, rain) is read by `FloodScene` (its `flood:` block is optional here and defaults
/// as documented), the model's water-level sensors become output points. `[flood, drainage]` runs
/// the coupled dual-drainage model (`CoupledRun`); `[flood, drainage, traffic]` adds the traffic on
/// the flooded streets to the same engine, with the `coupling:` block (`RoadCouplingScene`).
public struct RunScene {
    /// The surface-flood case on the model's terrain.
    public var flood: FloodScene
    /// The processes switched on (today always `["flood"]`).
    public var processes: [String]
    /// The city model (`model:`) and the path it was read from.
    public var model: CityModel
    public var modelPath: String
    /// Normal water level of the model's water body (m above datum), from the `normal_water_level`
    /// attribute of its `water` parcel; nil when there is none.
    public var waterLevel: Double?
    /// The traffic part (`processes: [traffic]`): road network, OD demand, control, interventions.
    public var traffic: TrafficScene?
    /// The storm-sewer part (nil unless `drainage` is among the processes).
    public var drainage: DrainageScene?
    /// Flooded roads → traffic (`coupling:`; set when flood, drainage and traffic run together).
    public var roads: RoadCouplingScene?

    public var name: String { flood.name }
    /// Flood and drainage together: the coupled dual-drainage run (`CoupledRun`).
    public var isCoupled: Bool { processes.contains("flood") && processes.contains("drainage") }
    /// The storm with traffic: flood, drainage and traffic on one engine, flooded roads slowing and closing traffic.
    public var isStormTraffic: Bool { isCoupled && processes.contains("traffic") }

    /// Processes `citytwin run` knows, and those it can run today.
    public static let knownProcesses = ["flood", "drainage", "traffic"]
    public static let runnableProcesses = ["flood", "drainage", "traffic"]

    /// Top-level keys of a run scene besides those of `FloodScene`.
    static let extraKeys = ["processes", "interventions", "drainage", "traffic", "coupling"]

    /// Reads and checks the scene at `path`. No run starts when this throws.
    /// - Throws: `InputError` with the file, line and dotted key of the first problem.
    public static func load(_ path: String) throws -> RunScene {
        // Keys first (cheap), so a misspelt key is reported before any file is read.
        let doc = try SceneNode.load(path)
        let top = try doc.fields(FloodScene.topKeys + extraKeys)
        guard let m = top["model"] else {
            throw doc.error(.missingField, "model: missing (citytwin run needs a city model: its terrain, streets, buildings and sensors)")
        }
        var processes: [String] = []
        if let p = top["processes"] {
            for item in try p.items() {
                let name = try item.string()
                guard knownProcesses.contains(name) else {
                    throw item.error(.badValue, "unknown process '\(name)' (expected one of: \(knownProcesses.joined(separator: ", ")))")
                }
                guard runnableProcesses.contains(name) else {
                    throw item.error(.unsupportedFormat, "'\(name)' is not yet available in citytwin run (this version runs: \(runnableProcesses.joined(separator: ", ")))")
                }
                guard !processes.contains(name) else { throw item.error(.badValue, "process '\(name)' is listed twice") }
                processes.append(name)
            }
            guard !processes.isEmpty else { throw p.error(.badValue, "switch on at least one process (flood, drainage or traffic)") }
            if processes.contains("flood"), processes.contains("traffic"), !processes.contains("drainage") {
                throw p.error(.unsupportedFormat, "flood with traffic runs on the coupled dual-drainage engine: list drainage too (processes: [flood, drainage, traffic])")
            }
        } else {
            throw doc.error(.missingField, "processes: missing (e.g. processes: [flood])")
        }
        if let i = top["interventions"] {
            // Each intervention belongs to a process; the process must be switched on.
            let k = try i.fields(TrafficScene.interventionKeys + DrainageScene.interventionKeys)
            for key in k.keys.sorted() {
                let node = k[key]!
                let owner = TrafficScene.interventionKeys.contains(key) ? "traffic" : "drainage"
                guard processes.contains(owner) else {
                    throw node.error(.badValue, "\(key) needs \(owner) among the processes (processes: [\(processes.joined(separator: ", "))])")
                }
            }
        }
        if let d = top["drainage"], !processes.contains("drainage") {
            throw d.error(.badValue, "a drainage: block needs drainage among the processes")
        }
        if let t = top["traffic"], !processes.contains("traffic") { throw t.error(.badValue, "traffic: given, but processes does not list traffic") }
        let stormTraffic = processes.contains("flood") && processes.contains("drainage") && processes.contains("traffic")
        if let c = top["coupling"], !stormTraffic {
            throw c.error(.badValue, "a coupling: block needs flood, drainage and traffic among the processes (processes: [\(processes.joined(separator: ", "))])")
        }
        let roads = stormTraffic ? try RoadCouplingScene.load(top["coupling"]) : nil
        if stormTraffic, let i = top["interventions"], let c = try i.fields(TrafficScene.interventionKeys + DrainageScene.interventionKeys)["closed_roads"] {
            throw c.error(.unsupportedFormat, "closed_roads together with the storm is not yet available: in this scene the flooded roads close themselves (coupling.closure_depth)")
        }
        let modelPath = try m.path(relativeTo: path)
        var flood = try FloodScene.load(path, extraKeys: extraKeys, floodRequired: false).scene
        guard let model = flood.model else { throw m.error(.missingField, "the model could not be read") }
        guard model.terrain != nil || top["terrain"] != nil else { throw m.error(.missingField, "the model has no terrain; give terrain: a grid") }
        // The model's water-level sensors are output points (their depth series and maxima).
        let spec = flood.setup.grid.spec
        for s in model.sensors where s.kind == .waterLevel {
            guard case .point(let c)? = s.shape, let cell = spec.cell(containing: c) else { continue }
            let i = spec.index(row: cell.row, col: cell.col)
            let name = s.id.rawValue
            guard !flood.setup.grid.blocked[i], !flood.gauges.contains(where: { $0.name == name }) else { continue }
            flood.gauges.append(FloodGauges.Gauge(name: name, cell: i))
        }
        var level: Double?
        for p in model.landUse where p.landUse == "water" {
            if case .number(let v)? = p.attributes["normal_water_level"] { level = v }
        }
        var drainage: DrainageScene?
        if processes.contains("drainage") {
            drainage = try DrainageScene.load(top["drainage"], flood: flood, forcing: top["forcing"], document: doc)
            if let i = top["interventions"] { try drainage!.applyInterventions(i, scene: path) }
        }
        var scene = RunScene(flood: flood, processes: processes, model: model, modelPath: modelPath, waterLevel: level, drainage: drainage, roads: roads)
        if processes.contains("traffic") {
            guard let t = top["traffic"] else { throw doc.error(.missingField, "traffic: missing (processes lists traffic; give traffic: {demand: {od: FILE}})") }
            scene.traffic = try TrafficScene.load(t, interventions: top["interventions"], scenePath: path, model: model,
                                                  duration: flood.duration, reportStep: flood.reportStep)
        }
        return scene
    }
}
