import CityIO
import CityModel
import Foundation
import Geometry
import Report

/// Compares two run folders written by `SceneRun` (`citytwin compare RUN_A RUN_B`): reads each
/// one's `kpis.json`, `max_depth.asc` and `run.json`, and writes the Report toolkit's comparison
/// folder (`compare.html`, `kpis.json`, depth maps of A and B on one scale and the A − B map, the
/// storm-sewer maps and the A − B peak pipe flow map when both ran the drainage), plus
/// `differences.json` (every KPI present in both: A, B and A − B) and `max_depth_difference.asc`
/// (A − B in m; NODATA where either run has none).
public enum RunComparison {
    /// One KPI of both runs and its difference A − B (same unit).
    public struct Difference: Codable, Sendable, Equatable {
        public var group, name, unit: String
        public var a, b, difference: Double
    }

    /// A run folder read back.
    public struct Loaded {
        public var record: RunRecord?
        public var results: RunResults
    }

    /// Reads a run folder. Throws when `kpis.json` is missing or unreadable.
    public static func load(_ folder: String) throws -> Loaded {
        func file(_ n: String) -> String { (folder as NSString).appendingPathComponent(n) }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw InputError(.fileNotFound, "no such run folder", at: SourceLocation(file: folder))
        }
        let kpiPath = file("kpis.json")
        guard let data = fm.contents(atPath: kpiPath) else {
            throw InputError(.fileNotFound, "no kpis.json: not a run folder of citytwin run", at: SourceLocation(file: kpiPath))
        }
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .iso8601
        let kpis: [KPI]
        do { kpis = try dec.decode([KPI].self, from: data) } catch {
            throw InputError(.syntax, "not a KPI list (\(error))", at: SourceLocation(file: kpiPath))
        }
        let record = fm.contents(atPath: file("run.json")).flatMap { try? dec.decode(RunRecord.self, from: $0) }
        let depth = fm.fileExists(atPath: file("max_depth.asc")) ? try AsciiGrid.read(path: file("max_depth.asc")) : nil
        let info = RunInfo(scene: record?.scene ?? folder, model: record?.modelName ?? "", crs: CRS(record?.crs ?? "EPSG:4547"),
                           started: record?.started ?? Date(timeIntervalSince1970: 0), simulatedDuration: record?.simulatedDuration ?? 0,
                           wallClock: record?.wallSeconds)
        var results = RunResults(info: info, kpis: kpis, maxDepth: depth, links: TrafficRun.loadLinks(folder: folder))
        (results.nodeFlooding, results.pipes) = try RunFolder.readDrainage(folder: folder)
        return Loaded(record: record, results: results)
    }

    /// KPIs in both runs, in A's order, with A − B.
    public static func differences(a: [KPI], b: [KPI]) -> [Difference] {
        var byKey: [String: KPI] = [:]
        for k in b { byKey["\(k.group)\u{1F}\(k.name)"] = k }
        return a.compactMap { x in
            guard let y = byKey["\(x.group)\u{1F}\(x.name)"], y.unit == x.unit else { return nil }
            return Difference(group: x.group, name: x.name, unit: x.unit, a: x.value, b: y.value, difference: x.value - y.value)
        }
    }

    /// A − B per cell; NODATA (−9999) where either has none. Throws when the grids differ.
    public static func depthDifference(_ a: Raster<Double>, _ b: Raster<Double>, files: (String, String)) throws -> Raster<Double> {
        guard a.grid.width == b.grid.width, a.grid.height == b.grid.height, a.grid.cellSize == b.grid.cellSize,
              abs(a.grid.originX - b.grid.originX) < 1e-6, abs(a.grid.originY - b.grid.originY) < 1e-6 else {
            throw InputError(.rasterValue, "the maximum-depth grids differ (\(a.grid.width)×\(a.grid.height) of \(a.grid.cellSize) m against \(b.grid.width)×\(b.grid.height) of \(b.grid.cellSize) m in \(files.1))",
                             at: SourceLocation(file: files.0))
        }
        let nd = -9999.0
        let v = a.values.indices.map { i -> Double in
            let x = a.values[i], y = b.values[i]
            return x == a.noData || y == b.noData || !x.isFinite || !y.isFinite ? nd : x - y
        }
        return Raster(grid: a.grid, values: v, noData: nd)
    }

    /// Writes the comparison of the run folders `a` and `b` into `out`. Returns the files written.
    @discardableResult
    public static func write(a pathA: String, b pathB: String, to out: String, overwrite: Bool) throws -> [String] {
        let a = try load(pathA), b = try load(pathB)
        var diffRaster: Raster<Double>?
        if let da = a.results.maxDepth, let db = b.results.maxDepth {
            diffRaster = try depthDifference(da, db, files: ((pathA as NSString).appendingPathComponent("max_depth.asc"),
                                                             (pathB as NSString).appendingPathComponent("max_depth.asc")))
        }
        // The basemap: A's model when it can still be read, else the depth grid's extent only.
        var basemap = Basemap(terrain: nil, streets: [], buildings: [], extent: a.results.maxDepth?.grid.bbox)
        var waterLevel: Double?
        if let m = a.record?.model, let model = try? ModelStore.load(m) {
            basemap = Basemap(model: model)
            for p in model.landUse where p.landUse == "water" {
                if case .number(let v)? = p.attributes["normal_water_level"] { waterLevel = v }
            }
        }
        var o = RunFolder.Options()
        o.overwrite = overwrite
        o.waterLevel = waterLevel
        o.title = "\(a.record?.name ?? pathA) − \(b.record?.name ?? pathB)"
        var files = try RunFolder.writeComparison(a: a.results, b: b.results, basemap: basemap, to: out, options: o)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try enc.encode(differences(a: a.results.kpis, b: b.results.kpis))),
                             to: (out as NSString).appendingPathComponent("differences.json"))
        files.append("differences.json")
        if let d = diffRaster {
            try AsciiGrid.write(d, to: (out as NSString).appendingPathComponent("max_depth_difference.asc"))
            files.append("max_depth_difference.asc")
        }
        return files.sorted()
    }
}
