import CityIO
import CityModel
import Flood
import Foundation
import Geometry

/// A flood case read from a scene file (YAML, `docs/scene-format.md`): the terrain, the scheme, the
/// forcing and the outputs, resolved onto the grid and ready to run.
public struct FloodScene {
    public var name: String
    /// Scene file it came from.
    public var file: String
    /// Run length and reporting interval (s).
    public var duration: Double
    public var reportStep: Double
    public var setup: FloodSetup
    public var gauges: [FloodGauges.Gauge]
    public var thresholds: [Double]
    public var debris: DebrisFactor
    /// The city model named by `model:` (nil for a terrain-only case).
    public var model: CityModel?
    /// Rain intensity as given (mm/h, step or linear), for charts; nil without rain.
    public var rainfall: FloodSeries?
    /// The keys the scene format knows at the top level; the flood reader uses its own and refuses
    /// the others' values only when it must read them.
    static let topKeys = ["version", "name", "terrain", "model", "duration", "report_step", "flood", "forcing", "outputs"]

    /// Reads and resolves the scene at `path`.
    /// - Throws: `InputError` with the file, line and key of the first problem.
    public static func load(_ path: String) throws -> FloodScene {
        try load(path, extraKeys: [], floodRequired: true).scene
    }

    /// Reads the flood part of a scene whose top level may also hold `extraKeys` (returned for the
    /// caller to read). Without `floodRequired` a missing `flood:` block means the defaults.
    static func load(_ path: String, extraKeys: [String], floodRequired: Bool) throws -> (scene: FloodScene, top: [String: SceneNode]) {
        let doc = try SceneNode.load(path)
        let top = try doc.fields(topKeys + extraKeys)
        guard let v = top["version"] else { throw doc.error(.missingField, "version: missing (this reader knows version 1)") }
        guard try v.int() == 1 else { throw v.error(.badValue, "unsupported version \(try v.int()) (this reader knows version 1)") }
        let name = try top["name"]?.string() ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let dur = top["duration"] else { throw doc.error(.missingField, "duration: missing") }
        let duration = try dur.seconds()
        guard duration > 0 else { throw dur.error(.implausibleValue, "must be positive") }
        let reportStep = try top["report_step"]?.seconds() ?? min(300, duration)
        guard reportStep > 0 else { throw top["report_step"]!.error(.implausibleValue, "must be positive") }

        if floodRequired, top["flood"] == nil { throw doc.error(.missingField, "flood: missing (the flood block)") }
        let floodNode = top["flood"] ?? doc
        let f = top["flood"] == nil ? [:] : try floodNode.fields(["cfl", "theta", "max_step", "depth_threshold", "manning", "buildings", "routing",
                                      "infiltration", "initial_water", "hazard_debris"])
        // Terrain: an ASCII grid, or the model's terrain.
        var model: CityModel?
        if let m = top["model"] {
            let p = try m.path(relativeTo: path)
            do { model = try ModelStore.load(p) } catch let e as InputError { throw e.located(SourceLocation(file: p)) }
        }
        let dem: Raster<Double>
        if let t = top["terrain"] {
            let p = try t.path(relativeTo: path)
            dem = try AsciiGrid.read(path: p)
        } else if let m = model {
            guard let t = m.terrain else { throw top["model"]!.error(.missingField, "the model has no terrain; give terrain: a grid") }
            dem = t.elevation
        } else {
            throw doc.error(.missingField, "terrain or model: one is needed for the flood grid")
        }
        let spec = dem.grid
        var options = FloodOptions()
        if let n = f["cfl"] { options.cfl = try n.double(in: 0.01...1, "cfl") }
        if let n = f["theta"] { options.theta = try n.double(in: 0...1, "theta") }
        if let n = f["max_step"] { options.maxStep = try n.seconds(); guard options.maxStep > 0 else { throw n.error(.implausibleValue, "must be positive") } }
        if let n = f["depth_threshold"] { options.depthThreshold = try n.double(in: 1e-6...0.5, "depth threshold (m)") }
        if let r = f["routing"] {
            let k = try r.fields(["enabled", "slope", "depth", "speed"])
            if let n = k["enabled"] { options.routing.enabled = try n.bool() }
            if let n = k["slope"] { options.routing.slope = try n.double(in: 1e-4...10, "slope") }
            if let n = k["depth"] { options.routing.depth = try n.double(in: 0...1, "depth (m)") }
            if let n = k["speed"] { options.routing.speed = try n.double(in: 1e-4...10, "speed (m/s)") }
        }

        // Buildings: blocked cells or raised terrain.
        var bed = dem
        var blocked = [Bool](repeating: false, count: spec.count)
        if let b = f["buildings"] {
            let k = try b.fields(["mode", "height"])
            guard let m = model else { throw b.error(.missingField, "buildings come from the model; give model:") }
            let mode = try k["mode"]?.string() ?? "blocked"
            let footprints: [(Polygon, Double)] = m.buildings.flatMap { bl -> [(Polygon, Double)] in
                switch bl.shape {
                case .polygon(let p)?: return [(p, bl.height)]
                case .multiPolygon(let mp)?: return mp.polygons.map { ($0, bl.height) }
                default: return []
                }
            }
            switch mode {
            case "blocked":
                for i in FloodRasterize.cells(inside: footprints.map(\.0), on: spec) { blocked[i] = true }
            case "raised":
                let fixed = try k["height"].map { try $0.double(in: 0...1000, "height (m)") }
                for (p, h) in footprints {
                    for i in FloodRasterize.cells(inside: [p], on: spec) where bed.values[i] != bed.noData {
                        bed.values[i] += fixed ?? h
                    }
                }
            default: throw k["mode"]!.error(.badValue, "expected blocked or raised, found '\(mode)'")
            }
        }

        // Manning's n: a number, a raster, or land-use parcels of the model.
        var manning = FloodGrid.Manning.uniform(0.035)
        if let n = f["manning"] {
            if n.node.scalar != nil {
                manning = .uniform(try n.double(in: 0.001...1, "Manning's n"))
            } else {
                let k = try n.fields(["raster", "landuse", "default"])
                let fallback = try k["default"]?.double(in: 0.001...1, "Manning's n") ?? 0.035
                if let r = k["raster"] {
                    let grid = try AsciiGrid.read(path: try r.path(relativeTo: path))
                    guard grid.grid.width == spec.width, grid.grid.height == spec.height else {
                        throw r.error(.rasterValue, "the Manning grid is \(grid.grid.width)×\(grid.grid.height), the terrain \(spec.width)×\(spec.height)")
                    }
                    manning = .perCell(grid.values.map { $0 == grid.noData ? fallback : $0 })
                } else if let l = k["landuse"] {
                    guard try l.bool() else { throw l.error(.badValue, "landuse: true reads n from the model's land-use parcels") }
                    guard let m = model else { throw l.error(.missingField, "land use comes from the model; give model:") }
                    let items: [(Polygon, Double)] = m.landUse.flatMap { p -> [(Polygon, Double)] in
                        switch p.shape {
                        case .polygon(let g)?: return [(g, p.manningN)]
                        case .multiPolygon(let mp)?: return mp.polygons.map { ($0, p.manningN) }
                        default: return []
                        }
                    }
                    manning = .perCell(FloodRasterize.values(items, on: spec, fallback: fallback))
                } else {
                    manning = .uniform(fallback)
                }
            }
        }
        let grid: FloodGrid
        do { grid = try FloodGrid(elevation: bed, manning: manning, blocked: blocked) }
        catch let e as InputError { throw (f["manning"] ?? floodNode).error(e.code, e.message) }

        var setup = FloodSetup(grid: grid, options: options)
        if let i = f["infiltration"] {
            let k = try i.fields(["constant", "green_ampt"])
            if let c = k["constant"] {
                setup.infiltration = .constant(rate: try c.double(in: 0...1000, "rate (mm/h)") / 3.6e6)
            } else if let g = k["green_ampt"] {
                let p = try g.fields(["conductivity", "suction", "deficit"])
                func need(_ key: String) throws -> SceneNode {
                    guard let n = p[key] else { throw g.error(.missingField, "\(key): missing") }
                    return n
                }
                setup.infiltration = .greenAmpt(conductivity: try need("conductivity").double(in: 0...1000, "conductivity (mm/h)") / 3.6e6,
                                                suction: try need("suction").double(in: 0...5000, "suction (mm)") / 1000,
                                                deficit: try need("deficit").double(in: 0...1, "deficit"))
            } else {
                throw i.error(.missingField, "give constant: or green_ampt:")
            }
        }
        if let w = f["initial_water"] {
            let k = try w.fields(["level", "depth", "depth_grid"])
            if let l = k["level"] { setup.initialDepth = FloodSetup.depths(toLevel: try l.double(), on: grid) }
            else if let d = k["depth"] {
                let v = Float(try d.double(in: 0...100, "depth (m)"))
                setup.initialDepth = grid.blocked.map { $0 ? 0 : v }
            } else if let g = k["depth_grid"] {
                let r = try AsciiGrid.read(path: try g.path(relativeTo: path))
                guard r.grid.width == spec.width, r.grid.height == spec.height else {
                    throw g.error(.rasterValue, "the depth grid is \(r.grid.width)×\(r.grid.height), the terrain \(spec.width)×\(spec.height)")
                }
                setup.initialDepth = r.values.map { $0 == r.noData ? 0 : Float(max($0, 0)) }
            }
        }
        var debris = DebrisFactor.table(.urban)
        if let d = f["hazard_debris"] {
            if let v = try? d.double() { debris = .constant(v) }
            else {
                guard let t = DebrisFactor.LandType(rawValue: try d.string()) else {
                    throw d.error(.badValue, "expected urban, woodland, pasture or a number")
                }
                debris = .table(t)
            }
        }

        var rainfall: FloodSeries?
        if let forcing = top["forcing"] { rainfall = try readForcing(forcing, into: &setup, scene: path) }
        var gauges: [FloodGauges.Gauge] = []
        var thresholds = [0.01, 0.1, 0.3]
        if let o = top["outputs"] {
            let k = try o.fields(["points", "thresholds"])
            if let p = k["points"] {
                for item in try p.items() {
                    let g = try item.fields(["name", "at"])
                    guard let n = g["name"], let at = g["at"] else { throw item.error(.missingField, "a point needs name: and at: [x, y]") }
                    let c = try at.coordinate()
                    guard let cell = spec.cell(containing: c) else { throw at.error(.implausibleValue, "(\(c.x), \(c.y)) is outside the grid") }
                    let name = try n.string()
                    guard !gauges.contains(where: { $0.name == name }) else { throw n.error(.badValue, "duplicate point name '\(name)'") }
                    gauges.append(FloodGauges.Gauge(name: name, cell: spec.index(row: cell.row, col: cell.col)))
                }
            }
            if let t = k["thresholds"] {
                thresholds = try t.items().map { try $0.double(in: 1e-4...100, "threshold (m)") }
                guard !thresholds.isEmpty else { throw t.error(.badValue, "give at least one threshold") }
            }
        }
        do { try setup.validate() } catch let e as InputError { throw doc.error(e.code, e.message) }
        let scene = FloodScene(name: name, file: path, duration: duration, reportStep: reportStep, setup: setup,
                               gauges: gauges, thresholds: thresholds.sorted(), debris: debris, model: model, rainfall: rainfall)
        return (scene, top)
    }
}
