import CityIO
import CityModel
import CSpatiaLite
import Foundation
import Geometry
import GRDB

/// All result layers of a run in one OGC GeoPackage (1.2, `application_id` 'GPKG'), in the
/// model's CRS: one feature table per `ResultLayer` (`fid`, `id`, the layer's typed columns and a
/// `geom` column of GeoPackage binary geometries), registered in `gpkg_contents` with its extent
/// and in `gpkg_geometry_columns`; the CRS's definition comes from SpatiaLite's EPSG tables
/// (`gpkgInsertEpsgSRID`). QGIS and GDAL open it directly. No spatial index is built (result
/// layers are small; GDAL builds one on demand).
public enum ResultGeoPackage {
    /// Writes `layers` to `path` atomically (a temporary file, renamed into place). An existing
    /// file is replaced only with `overwrite`.
    /// - Throws: `.outputExists`, `.unknownCRS` (no EPSG code, or one SpatiaLite does not know),
    ///   `.database`, `.writeFailed`.
    public static func write(_ layers: [ResultLayer], crs: CRS, to path: String, overwrite: Bool = false) throws {
        try SpatiaLiteDatabase.createAtomically(at: path, overwrite: overwrite) { tmp in
            guard let srid = crs.epsgCode else { throw InputError(.unknownCRS, "CRS \(crs) has no EPSG code", at: SourceLocation(file: path)) }
            let conn = try SpatiaLiteDatabase(path: tmp, readOnly: false)
            try conn.queue.writeWithoutTransaction { db in try fill(db, layers: layers, srid: srid) }
        }
    }

    private static func fill(_ db: Database, layers: [ResultLayer], srid: Int) throws {
        _ = try Int.fetchOne(db, sql: "SELECT gpkgCreateBaseTables()")
        try db.execute(sql: "PRAGMA application_id = 1196444487")        // 'GPKG' (after the base tables, which set 'GP10')
        try db.execute(sql: "PRAGMA user_version = 10200")
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = ?", arguments: [srid]) == 0 {
            _ = try Int.fetchOne(db, sql: "SELECT gpkgInsertEpsgSRID(?)", arguments: [srid])
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = ?", arguments: [srid]) == 1 else {
                throw InputError(.unknownCRS, "SpatiaLite does not know EPSG:\(srid)")
            }
        }
        for layer in layers {
            let q = quote(layer.name)
            let cols = layer.columns.map { "\(quote($0.name)) \($0.kind.rawValue)" }
            try db.execute(sql: "CREATE TABLE \(q) (fid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, \((cols + ["geom \(layer.geometry.rawValue)"]).joined(separator: ", ")))")
            var box = BBox.empty
            try db.inTransaction {
                let names = (["id"] + layer.columns.map { quote($0.name) } + ["geom"]).joined(separator: ", ")
                let marks = Array(repeating: "?", count: layer.columns.count + 1).joined(separator: ", ")
                let stmt = try db.makeStatement(sql: "INSERT INTO \(q) (\(names)) VALUES (\(marks), AsGPB(GeomFromWKB(?, \(srid))))")
                for f in layer.features {
                    box = box.union(f.shape.bbox)
                    var args: [(any DatabaseValueConvertible)?] = [f.id]
                    for (c, v) in zip(layer.columns, f.values) {
                        switch v {
                        case .number(let d): args.append(c.kind == .integer ? Int64(d.rounded()) as (any DatabaseValueConvertible) : d)
                        case .string(let s): args.append(s)
                        case .bool(let b): args.append(b ? 1 : 0)
                        default: args.append(nil)
                        }
                    }
                    args.append(Data(WKB.encode(f.shape)))
                    try stmt.execute(arguments: StatementArguments(args))
                }
                return .commit
            }
            let ext: [(any DatabaseValueConvertible)?] = box.isEmpty ? [nil, nil, nil, nil] : [box.minX, box.minY, box.maxX, box.maxY]
            try db.execute(sql: """
                INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
                VALUES (?, 'features', ?, '', ?, ?, ?, ?, ?)
                """, arguments: StatementArguments([layer.name, layer.name] + ext + [srid]))
            try db.execute(sql: "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, 'geom', ?, ?, 0, 0)",
                           arguments: [layer.name, layer.geometry.rawValue, srid])
        }
    }

    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// One feature read back from a GeoPackage layer.
    public struct ReadFeature: Sendable {
        public var id: String
        public var shape: Shape?
        public var properties: [String: JSONValue]
    }

    /// The table names of the feature layers, in `gpkg_contents` order.
    public static func layerNames(path: String) throws -> [String] {
        try read(path) { db in try String.fetchAll(db, sql: "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid") }
    }

    /// The features of one layer, in `fid` order, with every column as a property.
    /// - Throws: `.fileNotFound`, `.missingTable` when the layer is not registered, `.database`.
    public static func readLayer(path: String, layer: String) throws -> (srid: Int, features: [ReadFeature]) {
        try read(path) { db in
            guard let srid = try Int.fetchOne(db, sql: "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", arguments: [layer]) else {
                throw InputError(.missingTable, "no feature layer '\(layer)'", at: SourceLocation(file: path))
            }
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(quote(layer)))").map { $0["name"] as String }
                .filter { !["fid", "id", "geom"].contains($0) }
            let select = (["id"] + columns.map(quote) + ["AsBinary(GeomFromGPB(geom)) AS wkb"]).joined(separator: ", ")
            var out: [ReadFeature] = []
            for row in try Row.fetchAll(db, sql: "SELECT \(select) FROM \(quote(layer)) ORDER BY fid") {
                var props: [String: JSONValue] = [:]
                for (i, c) in columns.enumerated() {
                    let v: DatabaseValue = row[i + 1]
                    switch v.storage {
                    case .null: props[c] = .null
                    case .int64(let n): props[c] = .number(Double(n))
                    case .double(let d): props[c] = .number(d)
                    case .string(let s): props[c] = .string(s)
                    case .blob: props[c] = .null
                    }
                }
                let shape = try (row["wkb"] as Data?).map { try WKB.decode($0) }
                out.append(ReadFeature(id: row["id"], shape: shape, properties: props))
            }
            return (srid, out)
        }
    }

    private static func read<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        let loc = SourceLocation(file: path)
        guard FileManager.default.fileExists(atPath: path) else { throw InputError(.fileNotFound, "no such file", at: loc) }
        let conn = try SpatiaLiteDatabase(path: path, readOnly: true)
        do { return try conn.queue.read(body) } catch let e as InputError { throw e.located(loc) }
        catch let e as DatabaseError { throw InputError(.database, e.message ?? "\(e)", at: loc) }
    }
}
