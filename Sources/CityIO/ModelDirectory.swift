import CityModel
import Foundation
import Geometry

/// The manifest of a model folder (`model.json`): the model's name and CRS, and which file holds
/// each layer. Layer files are GeoJSON FeatureCollections; the terrain is an ESRI ASCII grid in the
/// model's CRS. Layers not listed are empty.
public struct ModelManifest: Codable, Sendable, Equatable {
    public static let formatName = "citytwin-model"
    public var format: String
    public var version: Int
    public var name: String
    /// The model's metric CRS, e.g. `EPSG:4547`.
    public var crs: String
    /// The terrain grid file, relative to the folder.
    public var terrain: String?
    /// Layer name (see `Layer`) → GeoJSON file, relative to the folder.
    public var layers: [String: String]

    public init(name: String, crs: String, terrain: String?, layers: [String: String]) {
        format = Self.formatName; version = 1; self.name = name; self.crs = crs; self.terrain = terrain; self.layers = layers
    }
}

/// Reads and writes a model folder: `model.json` plus one GeoJSON file per layer and a terrain grid.
public enum ModelDirectory {
    public static let manifestName = "model.json"

    /// Loads a model folder (or its `model.json`). GeoJSON coordinates are reprojected from the
    /// file's CRS (WGS 84 unless the file says otherwise) to the model's CRS.
    public static func load(path: String) throws -> CityModel {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw InputError(.fileNotFound, "no such model folder or file", at: SourceLocation(file: path))
        }
        let dir = isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
        let manifestPath = isDir.boolValue ? (path as NSString).appendingPathComponent(manifestName) : path
        let manifest = try readManifest(manifestPath)
        let crs = CRS(manifest.crs)
        guard crs.epsgCode != nil else {
            throw InputError(.unknownCRS, "model CRS '\(manifest.crs)' must be an EPSG code such as EPSG:4547", at: SourceLocation(file: manifestPath))
        }
        // Fails early, naming the manifest, if PROJ does not know the CRS.
        do { _ = try CoordinateTransformer.cached(from: .wgs84, to: crs) } catch let e as InputError {
            throw InputError(.unknownCRS, e.message, at: SourceLocation(file: manifestPath))
        }
        var model = CityModel(name: manifest.name, crs: crs)

        for key in manifest.layers.keys.sorted() where Layer(rawValue: key) == nil || key == Layer.terrain.rawValue {
            let known = Layer.vectorLayers.map(\.rawValue).joined(separator: ", ")
            throw InputError(.unknownSection, "unknown layer '\(key)' (known layers: \(known))", at: SourceLocation(file: manifestPath))
        }
        if let t = manifest.terrain {
            let p = (dir as NSString).appendingPathComponent(t)
            model.terrain = Terrain(elevation: try AsciiGrid.read(path: p))
            model.terrainSource = SourceLocation(file: p)
        }
        var reader = LayerReader(dir: dir, manifest: manifest, crs: crs)
        try model.visitLayers(&reader)
        model.provenance = reader.provenance
        return model
    }

    static func readManifest(_ path: String) throws -> ModelManifest {
        let loc = SourceLocation(file: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(.fileNotFound, "cannot read the model manifest", at: loc)
        }
        let m: ModelManifest
        do { m = try JSONDecoder().decode(ModelManifest.self, from: data) } catch let e as DecodingError {
            let (code, msg) = EntityCodec.describe(e)
            throw InputError(code, "model manifest: \(msg)", at: loc)
        }
        guard m.format == ModelManifest.formatName else {
            throw InputError(.unsupportedFormat, "format is '\(m.format)', expected '\(ModelManifest.formatName)'", at: loc)
        }
        guard m.version == 1 else { throw InputError(.unsupportedFormat, "model format version \(m.version) is not supported (this build reads 1)", at: loc) }
        return m
    }

    struct LayerReader: LayerVisitor {
        let dir: String
        let manifest: ModelManifest
        let crs: CRS
        var provenance: [EntityRef: SourceLocation] = [:]

        init(dir: String, manifest: ModelManifest, crs: CRS) { self.dir = dir; self.manifest = manifest; self.crs = crs }

        mutating func visit<E: ModelEntity>(_ entities: inout [E]) throws {
            guard let file = manifest.layers[E.layer.rawValue] else { return }
            let path = (dir as NSString).appendingPathComponent(file)
            var out: [E] = []
            var prov = provenance
            let target = crs
            var transformer: CoordinateTransformer?     // one file, one CRS: looked up once
            try GeoJSON.readFeatures(path: path) { f, fileCRS in
                var shape = f.shape
                if let s = shape, fileCRS != target {
                    do {
                        if transformer == nil { transformer = try CoordinateTransformer.cached(from: fileCRS, to: target) }
                        shape = try transformer!.transform(s)
                    } catch let e as InputError {
                        throw InputError(e.code, e.message, at: f.location)
                    }
                }
                let e = try EntityCodec.entity(E.self, properties: f.properties, shape: shape, fallbackID: f.id, at: f.location)
                prov[EntityRef(e)] = f.location
                out.append(e)
            }
            entities = out
            provenance = prov
        }
    }

    /// Writes a model folder. Layer files are RFC 7946 GeoJSON (WGS 84) unless `nativeCRS`, which
    /// keeps the model's CRS (exact coordinates) with a `crs` member. Written to a temporary folder
    /// first and moved into place, so a failure leaves `path` as it was; an existing `path` is only
    /// replaced when `overwrite` is set.
    public static func save(_ model: CityModel, to path: String, nativeCRS: Bool = false, overwrite: Bool = false) throws {
        let fm = FileManager.default
        let loc = SourceLocation(file: path)
        if fm.fileExists(atPath: path), !overwrite {
            throw InputError(.outputExists, "already exists (pass --force to replace it)", at: loc)
        }
        let tmp = path + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        do { try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true) } catch {
            throw InputError(.writeFailed, "cannot create folder: \(error.localizedDescription)", at: loc)
        }
        do {
            var layers: [String: String] = [:]
            var writer = LayerWriter(dir: tmp, modelCRS: model.crs, nativeCRS: nativeCRS)
            var copy = model
            try copy.visitLayers(&writer)
            for (layer, file) in writer.written { layers[layer] = file }
            var terrainFile: String?
            if let t = model.terrain {
                terrainFile = "terrain.asc"
                try AsciiGrid.write(t.elevation, to: (tmp as NSString).appendingPathComponent(terrainFile!))
            }
            let manifest = ModelManifest(name: model.name, crs: model.crs.identifier, terrain: terrainFile, layers: layers)
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try enc.encode(manifest)
            guard fm.createFile(atPath: (tmp as NSString).appendingPathComponent(manifestName), contents: data) else {
                throw InputError(.writeFailed, "cannot write \(manifestName)", at: loc)
            }
            if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
            try fm.moveItem(atPath: tmp, toPath: path)
        } catch {
            try? fm.removeItem(atPath: tmp)
            if let e = error as? InputError { throw e }
            throw InputError(.writeFailed, "\(error.localizedDescription)", at: loc)
        }
    }

    struct LayerWriter: LayerVisitor {
        let dir: String
        let modelCRS: CRS
        let nativeCRS: Bool
        var written: [(String, String)] = []

        init(dir: String, modelCRS: CRS, nativeCRS: Bool) {
            self.dir = dir; self.modelCRS = modelCRS; self.nativeCRS = nativeCRS
        }

        mutating func visit<E: ModelEntity>(_ entities: inout [E]) throws {
            guard !entities.isEmpty else { return }
            let file = "\(E.layer.rawValue).geojson"
            let path = (dir as NSString).appendingPathComponent(file)
            let transformer = nativeCRS || modelCRS == .wgs84 ? nil : try CoordinateTransformer.cached(from: modelCRS, to: .wgs84)
            let w = try GeoJSONWriter(path: path, crs: nativeCRS ? modelCRS : nil, name: E.layer.rawValue)
            for e in entities {
                var shape = e.shape
                if let s = shape, let transformer { shape = try transformer.transform(s) }
                try w.write(id: e.id.rawValue, shape: shape, properties: try EntityCodec.properties(of: e))
            }
            try w.finish()
            written.append((E.layer.rawValue, file))
        }
    }
}
