import CityModel
import Foundation
import Geometry

/// Loads and saves whole city models in either storage form, chosen by the path:
/// a SpatiaLite file (`.sqlite`, `.spatialite`, `.db`, or any file that starts with SQLite's
/// header) or a model folder (`model.json` plus GeoJSON layers and a terrain grid).
public enum ModelStore {
    public enum Format: String, Sendable { case folder, spatiaLite = "spatialite", swmm }

    static let sqliteExtensions: Set<String> = ["sqlite", "spatialite", "db", "sqlite3"]

    /// The storage form of an existing path, or for a new path the form its extension implies.
    public static func format(of path: String) -> Format {
        var isDir: ObjCBool = false
        if (path as NSString).pathExtension.lowercased() == "inp" { return .swmm }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { return .folder }
            if hasSQLiteHeader(path) { return .spatiaLite }
        }
        return sqliteExtensions.contains((path as NSString).pathExtension.lowercased()) ? .spatiaLite : .folder
    }

    /// Whether the file starts with SQLite's 16-byte header.
    static func hasSQLiteHeader(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        return (try? h.read(upToCount: 16)) == Data("SQLite format 3\0".utf8)
    }

    /// Loads a model from a folder, a `model.json`, a SpatiaLite file, or an EPA SWMM input file (`.inp`,
    /// read only: its drainage network, subcatchments and stormwater inputs).
    public static func load(_ path: String) throws -> CityModel {
        switch format(of: path) {
        case .swmm: try SWMMInp.read(path: path)
        case .folder: try ModelDirectory.load(path: path)
        case .spatiaLite: try SpatiaLiteStore.load(path: path)
        }
    }

    /// Saves a model in the form the path implies. Nothing is left at `path` if saving fails, and an
    /// existing `path` is replaced only with `overwrite`.
    public static func save(_ model: CityModel, to path: String, overwrite: Bool = false, nativeCRS: Bool = false) throws {
        switch format(of: path) {
        case .swmm: throw InputError(.unsupportedFormat, "writing SWMM .inp files is not supported", at: SourceLocation(file: path))
        case .folder: try ModelDirectory.save(model, to: path, nativeCRS: nativeCRS, overwrite: overwrite)
        case .spatiaLite: try SpatiaLiteStore.save(model, to: path, overwrite: overwrite)
        }
    }
}
