import Foundation
import GRDB
import GRDBSQLite
import OneMapGeometry

/// A OneMap deployment stored in one GeoPackage file: the six layers, each a feature
/// table with standard geometry blobs and an R-tree spatial index, readable by GDAL and QGIS.
///
/// ```swift
/// let store = try GeoPackage(path: "kangbashi.gpkg", mode: .create)
/// try store.write { session in
///     let writer = try session.writer(for: .hazards, replacing: false)
///     try writer.insert(record)
/// }
/// ```
public final class GeoPackage: Sendable {
    public enum Mode: Sendable {
        /// Open an existing file read-only.
        case readOnly
        /// Open an existing file for writing.
        case readWrite
        /// Open the file for writing, creating it (with the GeoPackage core tables) if missing.
        case create
    }

    public let path: String
    let queue: DatabaseQueue

    public init(path: String, mode: Mode) throws {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && mode != .create { throw StorageError.missingFile(path: path) }
        var config = Configuration()
        config.readonly = mode == .readOnly
        config.label = path
        config.prepareDatabase { db in
            try SpatialFunctions.register(on: db)
            // Every insert fires the R-tree trigger, so SQLite opens a statement journal for
            // each one; on disk (the default) that cost ~14 pwrite calls per feature and made
            // imports 2–3× slower. Statement journals and temp tables stay in memory instead.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // R-tree inserts touch nodes all over the index; with SQLite's 2 MB default cache
            // they were re-read from the file ~1.2 times per feature. 64 MB bounds memory
            // and keeps a city's index in cache. Reading (loading a map) needs no more than
            // the default: each page is read once, and the cache would be held for nothing.
            if mode != .readOnly { try db.execute(sql: "PRAGMA cache_size = -65536") }
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            if mode != .readOnly {
                try queue.write { db in
                    let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                    if tables == 0 { for sql in GeoPackageSchema.core { try db.execute(sql: sql) } }
                    if try db.tableExists("gpkg_contents") { try SchemaVersion.migrate(WriteSession(db: db, path: path)) }
                }
            }
            try queue.read { db in
                guard try db.tableExists("gpkg_contents") else {
                    throw StorageError.notAGeoPackage(path: path, reason: "it has no gpkg_contents table")
                }
            }
        } catch let error as DatabaseError {
            throw StorageError.notAGeoPackage(path: path, reason: error.message ?? "\(error)")
        }
    }

    /// Switches the file to SQLite's write-ahead log with `synchronous = FULL`: a commit
    /// returns only after the log is on disk, so an acknowledged write survives kill -9 and
    /// power loss, and readers never wait for the writer. The mode stays with the file
    /// (GDAL and QGIS read WAL files as usual).
    public func useWriteAheadLog() throws {
        do {
            try queue.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        } catch let error as DatabaseError {
            throw StorageError.sqlite(path: path, message: error.message ?? "\(error)")
        }
    }

    /// Runs `body` in one write transaction: everything it writes is committed together,
    /// or, if it throws, nothing is.
    public func write<T>(_ body: (WriteSession) throws -> T) throws -> T {
        do {
            return try queue.write { db in try body(WriteSession(db: db, path: path)) }
        } catch let error as DatabaseError {
            throw StorageError.sqlite(path: path, message: error.message ?? "\(error)")
        }
    }

    /// Runs `body` against a consistent read snapshot.
    /// SQLite's `data_version` on this connection: it changes when another connection
    /// commits. Read before and after work spread over several connections, it tells
    /// whether they can have seen different states of the file.
    public func dataVersion() throws -> Int {
        do {
            return try queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch let error as DatabaseError {
            throw StorageError.sqlite(path: path, message: error.message ?? "\(error)")
        }
    }

    public func read<T>(_ body: (ReadSession) throws -> T) throws -> T {
        do {
            return try queue.read { db in
                // Another connection (a `risk build` beside a running server) may have added
                // tables since; GRDB's schema cache would not know.
                db.clearSchemaCache()
                return try body(ReadSession(db: db, path: path))
            }
        } catch let error as DatabaseError {
            throw StorageError.sqlite(path: path, message: error.message ?? "\(error)")
        }
    }
}

/// Read access inside one snapshot.
public struct ReadSession {
    let db: Database
    let path: String

    /// The layers this file has.
    public func layers() throws -> [Layer] {
        try Layer.allCases.filter { try db.tableExists($0.tableName) }
    }

    /// The lowest and highest feature id (`fid`) of `layer`, nil when it is empty.
    public func fidBounds(_ layer: Layer) throws -> ClosedRange<Int64>? {
        try requireLayer(layer)
        guard let row = try Row.fetchOne(db, sql: "SELECT min(fid), max(fid) FROM \(layer.tableName)"),
              let low = row[0] as Int64?, let high = row[1] as Int64?, low <= high else { return nil }
        return low...high
    }

    /// Number of features in `layer`.
    public func count(_ layer: Layer) throws -> Int {
        try requireLayer(layer)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(layer.tableName)") ?? 0
    }

    /// Calls `body` with every record of `layer`, in insertion order, streaming from disk.
    ///
    /// Steps the SQLite statement directly: loading a city's million hazards is the
    /// service's start-up, and decoding through GRDB rows took a third of it.
    /// - Parameter id: only the feature with this id.
    /// - Parameter fids: only the rows whose feature id (`fid`) lies in this range (a load
    ///   reads a large layer as two ranges on two connections).
    public func forEachRecord(in layer: Layer, id: String? = nil, fids: ClosedRange<Int64>? = nil, _ body: (LayerRecord) throws -> Void) throws {
        try requireLayer(layer)
        // A file of an older schema opened read-only may lack a column added since
        // (grids' `contact`, version 5): it reads as null.
        let present = Set(try db.columns(in: layer.tableName).map(\.name))
        let names = (["geom", "id"] + layer.columns.map { present.contains($0.name) ? $0.name : "NULL" } + ["properties"]).joined(separator: ", ")
        let columnCount = Int32(layer.columns.count)
        var conditions: [String] = [], arguments: StatementArguments = []
        if let id { conditions.append("id = ?"); arguments += [id] }
        if let fids { conditions.append("fid BETWEEN ? AND ?"); arguments += [fids.lowerBound, fids.upperBound] }
        let statement = try db.makeStatement(sql: "SELECT \(names) FROM \(layer.tableName)\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) ORDER BY fid")
        try statement.setArguments(arguments)
        let raw = statement.sqliteStatement
        func text(_ column: Int32) -> String {
            guard let bytes = sqlite3_column_text(raw, column) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(raw, column))), as: UTF8.self)
        }
        while true {
            let code = sqlite3_step(raw)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            let id = text(1)
            let geometry: Geometry
            do {
                geometry = try GeoPackageBinary.decode(UnsafeRawBufferPointer(start: sqlite3_column_blob(raw, 0), count: Int(sqlite3_column_bytes(raw, 0))))
            } catch {
                throw StorageError.badGeometry(layer, id: id, reason: "\(error)")
            }
            // Packed straight from SQLite's buffers: no string is made for a text value.
            var values = PackedValues.Packer(capacity: 8 * Int(columnCount))
            for index in 0..<columnCount {
                let column = index + 2
                switch sqlite3_column_type(raw, column) {
                case SQLITE_INTEGER: values.appendInteger(sqlite3_column_int64(raw, column))
                case SQLITE_FLOAT: values.appendReal(sqlite3_column_double(raw, column))
                case SQLITE_TEXT:
                    if let bytes = sqlite3_column_text(raw, column) {
                        values.appendText(UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(raw, column))))
                    } else {
                        values.appendText(UnsafeBufferPointer(start: nil, count: 0))
                    }
                default: values.appendNull()
                }
            }
            var extra: [JSONMember] = []
            if sqlite3_column_type(raw, columnCount + 2) == SQLITE_TEXT {
                let parser = JSONParser(ByteStream(string: text(columnCount + 2)))
                if case .object(let members) = try parser.parseValue() { extra = members }
            }
            try body(LayerRecord(id: id, geometry: geometry, packed: values.packed, extra: extra))
        }
    }

    /// What `onemap info` reports for each layer present.
    public func summary() throws -> [LayerSummary] {
        try layers().map { layer in
            let rtree = "rtree_\(layer.tableName)_geom"
            let hasIndex = try db.tableExists(rtree)
            var extent: BoundingBox?
            if let row = try Row.fetchOne(db, sql: "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", arguments: [layer.tableName]),
                let minX: Double = row[0], let minY: Double = row[1], let maxX: Double = row[2], let maxY: Double = row[3]
            {
                extent = BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
            }
            let type = try String.fetchOne(db, sql: "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?", arguments: [layer.tableName])
            return LayerSummary(layer: layer, count: try count(layer), extent: extent, geometryType: type ?? "?", hasSpatialIndex: hasIndex)
        }
    }

    func requireLayer(_ layer: Layer) throws {
        guard try db.tableExists(layer.tableName) else { throw StorageError.layerMissing(layer, path: path) }
    }
}

/// One layer's entry in ``ReadSession/summary()``.
public struct LayerSummary: Sendable, Equatable {
    public var layer: Layer
    public var count: Int
    /// Extent of the features in WGS84 degrees, exact (as recorded in `gpkg_contents`).
    public var extent: BoundingBox?
    public var geometryType: String
    public var hasSpatialIndex: Bool

    public init(layer: Layer, count: Int, extent: BoundingBox?, geometryType: String, hasSpatialIndex: Bool) {
        self.layer = layer
        self.count = count
        self.extent = extent
        self.geometryType = geometryType
        self.hasSpatialIndex = hasSpatialIndex
    }
}
