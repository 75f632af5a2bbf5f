import CityModel
import CSpatiaLite
import Foundation
import Geometry
import GRDB

/// A SpatiaLite connection: a GRDB queue on which SpatiaLite's SQL functions are registered
/// (linked `libspatialite`, initialised per connection). Closing order matters: the connection is
/// closed before SpatiaLite's per-connection cache is freed.
public final class SpatiaLiteDatabase {
    /// SpatiaLite's per-connection cache, handed to the connection set-up closure.
    private final class Cache: @unchecked Sendable { let pointer: UnsafeMutableRawPointer? = spatialite_alloc_connection() }
    private let cache = Cache()
    /// The GRDB queue (SpatiaLite functions registered).
    public let queue: DatabaseQueue
    public let path: String

    /// Opens (or creates, unless `readOnly`) the SQLite file at `path`.
    /// - Throws: `InputError` `.database` located at `path`.
    public init(path: String, readOnly: Bool) throws {
        self.path = path
        var config = Configuration()
        config.readonly = readOnly
        let cache = self.cache
        config.prepareDatabase { db in
            spatialite_init_ex(db.sqliteConnection, cache.pointer, 0)
        }
        do { queue = try DatabaseQueue(path: path, configuration: config) } catch {
            spatialite_cleanup_ex(cache.pointer)
            throw InputError(.database, "cannot open as SQLite: \(error)", at: SourceLocation(file: path))
        }
    }

    deinit {
        try? queue.close()
        spatialite_cleanup_ex(cache.pointer)
    }

    /// Creates the database file `path` through `fill`, atomically: `fill` writes a temporary file
    /// beside it, which is renamed into place when complete; on any error the temporary file is
    /// removed and an existing `path` is left as it was. An existing file is replaced only with
    /// `overwrite`.
    /// - Throws: `.outputExists`; errors of `fill` (located at `path`), others as `.writeFailed`.
    public static func createAtomically(at path: String, overwrite: Bool, _ fill: (_ temporaryPath: String) throws -> Void) throws {
        let fm = FileManager.default
        let loc = SourceLocation(file: path)
        if fm.fileExists(atPath: path), !overwrite { throw InputError(.outputExists, "already exists (pass --force to replace it)", at: loc) }
        let tmp = path + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        do {
            try fill(tmp)
            if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
            try fm.moveItem(atPath: tmp, toPath: path)
        } catch {
            try? fm.removeItem(atPath: tmp)
            try? fm.removeItem(atPath: tmp + "-journal")
            if let e = error as? InputError { throw e.located(loc) }
            throw InputError(.writeFailed, "\(error)", at: loc)
        }
    }
}

/// Reads and writes a whole city model as one SpatiaLite file: one table per vector layer with a
/// `geom` column in the model's CRS (SRID = its EPSG code) and an R*Tree spatial index, typed
/// columns for the fields and attributes, the terrain grid as a table with a binary block of
/// little-endian doubles, and two small tables of model metadata (`citytwin_model`) and column
/// kinds (`citytwin_columns`) so that a round trip gives back the same values. QGIS opens the
/// layers directly.
public enum SpatiaLiteStore {
    static let metaTable = "citytwin_model"
    static let columnsTable = "citytwin_columns"
    static let terrainTable = "terrain_grid"

    /// A column's value kind, so a round trip restores numbers, strings, booleans and nested values.
    enum ColumnKind: String { case number, string, bool, json }

    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    // MARK: Writing

    /// Writes `model` to `path` (a temporary file beside it, renamed into place when complete).
    /// An existing file is replaced only when `overwrite` is set.
    public static func save(_ model: CityModel, to path: String, overwrite: Bool = false) throws {
        try SpatiaLiteDatabase.createAtomically(at: path, overwrite: overwrite) { tmp in
            guard let srid = model.crs.epsgCode else {
                throw InputError(.unknownCRS, "model CRS \(model.crs) has no EPSG code", at: SourceLocation(file: path))
            }
            try write(model, srid: srid, to: tmp)
        }
    }

    private static func write(_ model: CityModel, srid: Int, to path: String) throws {
        let db = try SpatiaLiteDatabase(path: path, readOnly: false)
        try db.queue.writeWithoutTransaction { db in
            // Spatial metadata with only the model's CRS in spatial_ref_sys (all of EPSG would add 7 MB).
            _ = try Int.fetchOne(db, sql: "SELECT InitSpatialMetadata(1, 'NONE')")
            guard try Int.fetchOne(db, sql: "SELECT InsertEpsgSrid(?)", arguments: [srid]) == 1 else {
                throw InputError(.unknownCRS, "SpatiaLite does not know EPSG:\(srid)")
            }
            try db.execute(sql: "CREATE TABLE \(metaTable) (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "CREATE TABLE \(columnsTable) (layer TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (layer, name))")
            try db.inTransaction {
                for (k, v) in [("format", "citytwin-model"), ("version", "1"), ("name", model.name), ("crs", model.crs.identifier)] {
                    try db.execute(sql: "INSERT INTO \(metaTable) (key, value) VALUES (?, ?)", arguments: [k, v])
                }
                if let t = model.terrain { try writeTerrain(t, db: db) }
                return .commit
            }
            var writer = TableWriter(db: db, srid: srid)
            var copy = model
            try copy.visitLayers(&writer)
            // Spatial indexes are built after the bulk insert: much faster than a live index.
            for table in writer.tables { _ = try Int.fetchOne(db, sql: "SELECT CreateSpatialIndex(?, 'geom')", arguments: [table]) }
        }
    }

    private static func writeTerrain(_ t: Terrain, db: Database) throws {
        let g = t.grid
        try db.execute(sql: """
            CREATE TABLE \(terrainTable) (ncols INTEGER NOT NULL, nrows INTEGER NOT NULL, xllcorner REAL NOT NULL,
              yllcorner REAL NOT NULL, cellsize REAL NOT NULL, nodata REAL, elevation BLOB NOT NULL)
            """)
        let blob = LittleEndian.pack(t.elevation.values)
        try db.execute(sql: "INSERT INTO \(terrainTable) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [g.width, g.height, g.originX, g.originY, g.cellSize, t.elevation.noData, blob])
    }

    struct TableWriter: LayerVisitor {
        let db: Database
        let srid: Int
        var tables: [String] = []

        mutating func visit<E: ModelEntity>(_ entities: inout [E]) throws {
            guard !entities.isEmpty else { return }
            let table = E.layer.rawValue
            let rows = try entities.map { ($0, try EntityCodec.properties(of: $0)) }
            // Columns in first-seen order; a column's kind is the kind of all its non-null values.
            var order: [String] = []
            var kinds: [String: ColumnKind] = [:]
            for (_, props) in rows {
                for (k, v) in props where k != "id" {
                    if kinds[k] == nil, !order.contains(k) { order.append(k) }
                    // SQL NULL means "absent"; an explicit JSON null is kept as the JSON text 'null'.
                    let kind: ColumnKind?
                    switch v {
                    case .null: kind = .json
                    case .number: kind = .number
                    case .string: kind = .string
                    case .bool: kind = .bool
                    case .array, .object: kind = .json
                    }
                    if let kind { kinds[k] = (kinds[k] == nil || kinds[k] == kind) ? kind : .json }
                }
            }
            for name in ["fid", "geom"] where order.contains(name) {
                throw InputError(.badValue, "property name '\(name)' is reserved in SpatiaLite layers", at: SourceLocation(file: table))
            }
            let sqlType: [ColumnKind: String] = [.number: "REAL", .string: "TEXT", .bool: "INTEGER", .json: "TEXT"]
            let cols = order.map { "\(SpatiaLiteStore.quote($0)) \(sqlType[kinds[$0] ?? .json]!)" }
            try db.execute(sql: "CREATE TABLE \(table) (fid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE\(cols.isEmpty ? "" : ", " + cols.joined(separator: ", ")))")
            _ = try Int.fetchOne(db, sql: "SELECT AddGeometryColumn(?, 'geom', ?, 'GEOMETRY', 'XY')", arguments: [table, srid])
            for (i, name) in order.enumerated() {
                try db.execute(sql: "INSERT INTO \(columnsTable) VALUES (?, ?, ?, ?)", arguments: [table, name, (kinds[name] ?? .json).rawValue, i])
            }
            let placeholders = Array(repeating: "?", count: order.count + 2).joined(separator: ", ")
            let names = (["id"] + order.map(SpatiaLiteStore.quote)).joined(separator: ", ")
            let stmt = try db.makeStatement(sql: "INSERT INTO \(table) (\(names), geom) VALUES (\(placeholders.dropLast(3)), GeomFromWKB(?, \(srid)))")
            try db.inTransaction {
                for (e, props) in rows {
                    let dict = Dictionary(props, uniquingKeysWith: { a, _ in a })
                    var args: [(any DatabaseValueConvertible)?] = [e.id.rawValue]
                    for name in order {
                        switch dict[name] {
                        case nil: args.append(nil)
                        case .null?: args.append("null")
                        case .number(let d)?: args.append(kinds[name] == .json ? try JSONTextWriter.text(.number(d)) : d)
                        case .string(let s)?: args.append(kinds[name] == .json ? try JSONTextWriter.text(.string(s)) : s)
                        case .bool(let b)?: args.append(kinds[name] == .json ? (b ? "true" : "false") : (b ? 1 : 0))
                        case let v?: args.append(try JSONTextWriter.text(v))
                        }
                    }
                    args.append(e.shape.map { Data(WKB.encode($0)) })
                    try stmt.execute(arguments: StatementArguments(args))
                }
                return .commit
            }
            tables.append(table)
        }
    }

    // MARK: Reading

    /// Loads a model written by `save` (or any SpatiaLite file with the same tables).
    public static func load(path: String) throws -> CityModel {
        let loc = SourceLocation(file: path)
        guard FileManager.default.fileExists(atPath: path) else { throw InputError(.fileNotFound, "no such file", at: loc) }
        guard ModelStore.hasSQLiteHeader(path) else { throw InputError(.unsupportedFormat, "not a SQLite/SpatiaLite file", at: loc) }
        let db = try SpatiaLiteDatabase(path: path, readOnly: true)
        do {
            return try db.queue.read { db in try read(db, path: path) }
        } catch let e as InputError { throw e.located(loc) }
        catch let e as DatabaseError {
            throw InputError(e.resultCode == .SQLITE_NOTADB ? .unsupportedFormat : .database,
                             e.resultCode == .SQLITE_NOTADB ? "not a SQLite/SpatiaLite file" : "\(e.message ?? "\(e)")", at: loc)
        }
    }

    private static func read(_ db: Database, path: String) throws -> CityModel {
        let loc = SourceLocation(file: path)
        for t in [metaTable, columnsTable] where try !db.tableExists(t) {
            throw InputError(.missingTable, "not a CityTwin model: table '\(t)' is missing", at: loc)
        }
        var meta: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM \(metaTable)") { meta[row["key"]] = row["value"] }
        guard meta["format"] == "citytwin-model" else { throw InputError(.unsupportedFormat, "table \(metaTable) does not describe a citytwin-model", at: loc) }
        guard meta["version"] == "1" else { throw InputError(.unsupportedFormat, "model format version \(meta["version"] ?? "?") is not supported (this build reads 1)", at: loc) }
        guard let name = meta["name"], let crsName = meta["crs"] else { throw InputError(.missingField, "table \(metaTable) lacks 'name' or 'crs'", at: loc) }
        var model = CityModel(name: name, crs: CRS(crsName))
        if try db.tableExists(terrainTable) {
            model.terrain = try readTerrain(db, path: path)
            model.terrainSource = SourceLocation(file: path, feature: terrainTable)
        }
        var reader = TableReader(db: db, path: path)
        try model.visitLayers(&reader)
        model.provenance = reader.provenance
        return model
    }

    private static func readTerrain(_ db: Database, path: String) throws -> Terrain {
        let loc = SourceLocation(file: path, feature: terrainTable)
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM \(terrainTable)") else { throw InputError(.missingTable, "terrain table is empty", at: loc) }
        let w: Int = row["ncols"], h: Int = row["nrows"]
        let blob: Data = row["elevation"]
        guard w > 0, h > 0, let values = LittleEndian.unpack(blob, as: Double.self), values.count == w * h else {
            throw InputError(.badRasterHeader, "terrain is \(w)×\(h) but holds \(blob.count / 8) values", at: loc)
        }
        let grid = GridSpec(width: w, height: h, originX: row["xllcorner"], originY: row["yllcorner"], cellSize: row["cellsize"])
        return Terrain(elevation: Raster(grid: grid, values: values, noData: row["nodata"] as Double?))
    }

    struct TableReader: LayerVisitor {
        let db: Database
        let path: String
        var provenance: [EntityRef: SourceLocation] = [:]

        mutating func visit<E: ModelEntity>(_ entities: inout [E]) throws {
            let table = E.layer.rawValue
            guard try db.tableExists(table) else { return }
            var columns: [(String, ColumnKind)] = []
            for row in try Row.fetchAll(db, sql: "SELECT name, kind FROM \(columnsTable) WHERE layer = ? ORDER BY position", arguments: [table]) {
                let kindName: String = row["kind"]
                guard let k = ColumnKind(rawValue: kindName) else {
                    throw InputError(.badValue, "column kind '\(kindName)' is unknown", at: SourceLocation(file: path, feature: table))
                }
                columns.append((row["name"], k))
            }
            let select = (["fid", "id"] + columns.map { SpatiaLiteStore.quote($0.0) } + ["AsBinary(geom) AS wkb"]).joined(separator: ", ")
            var out: [E] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT \(select) FROM \(table) ORDER BY fid")
            while let row = try rows.next() {
                let fid: Int64 = row["fid"]
                let id: String = row["id"]
                let loc = SourceLocation(file: path, feature: "\(table) fid \(fid) (id \(id))")
                var props: [String: JSONValue] = ["id": .string(id)]
                for (i, (name, kind)) in columns.enumerated() {
                    let dbv: DatabaseValue = row[i + 2]
                    if dbv.isNull { continue }
                    switch kind {
                    case .number: props[name] = .number(Double.fromDatabaseValue(dbv) ?? .nan)
                    case .string: props[name] = .string(String.fromDatabaseValue(dbv) ?? "")
                    case .bool: props[name] = .bool((Int64.fromDatabaseValue(dbv) ?? 0) != 0)
                    case .json:
                        let text = String.fromDatabaseValue(dbv) ?? "null"
                        let p = JSONStreamParser(ByteSource(bytes: Array(text.utf8), name: loc.description))
                        props[name] = try p.parseValue()
                    }
                }
                var shape: Shape?
                if let wkb = row["wkb"] as Data? {
                    do { shape = try WKB.decode(wkb) } catch let e as InputError { throw InputError(e.code, e.message, at: loc) }
                }
                let e = try EntityCodec.entity(E.self, properties: props, shape: shape, fallbackID: nil, at: loc)
                provenance[EntityRef(e)] = loc
                out.append(e)
            }
            entities = out
        }
    }
}
