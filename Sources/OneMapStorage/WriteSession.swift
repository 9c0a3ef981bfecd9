import Foundation
import GRDB
import GRDBSQLite
import OneMapGeometry

/// Write access inside one transaction (see ``GeoPackage/write(_:)``).
public struct WriteSession {
    let db: Database
    let path: String

    public var reader: ReadSession { ReadSession(db: db, path: path) }

    /// A writer for `layer`, creating the table and its spatial index if the file lacks
    /// them. With `replacing`, the layer's existing features are deleted first (in the
    /// same transaction, so a failed reload keeps the old features). With `bulk`, an empty
    /// layer's R-tree is filled once by ``LayerWriter/finish()`` instead of row by row:
    /// the caller must then call `finish()` before the transaction ends.
    public func writer(for layer: Layer, replacing: Bool, bulk: Bool = false) throws -> LayerWriter {
        if try db.tableExists(layer.tableName) {
            let present = Set(try db.columns(in: layer.tableName).map(\.name))
            let missing = (["fid", "geom", "id", "properties"] + layer.columns.map(\.name)).filter { !present.contains($0) }
            guard missing.isEmpty else { throw StorageError.incompatibleTable(layer, missingColumns: missing) }
            if replacing {
                // A bulk reload is journalled once, as `reload`, by the writer's finish(),
                // not as a delete row per feature.
                let journal = bulk ? EditJournal.triggers(layer).filter { $0.name.hasSuffix("_delete") } : []
                for t in journal where try db.triggerExists(t.name) { try db.execute(sql: "DROP TRIGGER \(t.name)") }
                try db.execute(sql: "DELETE FROM \(layer.tableName)")
                if !journal.isEmpty, try db.tableExists(EditJournal.table.name) { try EditJournal.installTriggers(layer, db) }
            }
        } else {
            for sql in GeoPackageSchema.layer(layer) { try db.execute(sql: sql) }
            if try db.tableExists(EditJournal.table.name) { try EditJournal.installTriggers(layer, db) }
        }
        let empty = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(layer.tableName)") == 0
        return try LayerWriter(db: db, layer: layer, startsEmpty: empty, bulk: bulk)
    }
}

extension WriteSession {
    /// Replaces the feature of `layer` with the record's id (geometry, values, properties):
    /// a live edit. Fails when the layer has no such feature.
    public func update(_ record: LayerRecord, in layer: Layer) throws {
        let assignments = (["geom", "id"] + layer.columns.map(\.name) + ["properties"]).map { "\($0) = ?" }.joined(separator: ", ")
        var arguments: [DatabaseValueConvertible?] = [Data(GeoPackageBinary.encode(record.geometry)), record.id]
        for value in record.values {
            switch value {
            case .null: arguments.append(nil)
            case .integer(let i): arguments.append(i)
            case .real(let d): arguments.append(d)
            case .text(let t): arguments.append(t)
            }
        }
        arguments.append(record.extra.isEmpty ? nil : JSONWriter.string(.object(record.extra)))
        arguments.append(record.id)
        try db.execute(sql: "UPDATE \(layer.tableName) SET \(assignments) WHERE id = ?", arguments: StatementArguments(arguments))
        guard db.changesCount == 1 else { throw StorageError.sqlite(path: path, message: "\(layer) has no feature with id \"\(record.id)\"") }
        if let box = record.geometry.boundingBox {
            try db.execute(sql: """
                UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?),
                  max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?),
                  last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?
                """, arguments: [box.minX, box.minX, box.minY, box.minY, box.maxX, box.maxX, box.maxY, box.maxY, layer.tableName])
        }
    }
}

/// Inserts records into one layer through a prepared statement.
public final class LayerWriter {
    let db: Database
    public let layer: Layer
    private let insert: Statement
    public private(set) var inserted = 0
    /// The exact extent of what this writer inserted (the R-tree's is float32, rounded outward).
    private var extent = BoundingBox.empty
    private let startsEmpty: Bool

    /// The R-tree's insert trigger, set aside while an empty layer is bulk-loaded and put
    /// back by ``finish()`` after the index is filled in one statement.
    private var deferredTrigger: (name: String, sql: String)?
    /// The edit journal's insert trigger, set aside likewise (see ``EditJournal``).
    private var deferredJournal: (name: String, sql: String)?

    init(db: Database, layer: Layer, startsEmpty: Bool, bulk: Bool) throws {
        self.db = db
        self.layer = layer
        self.startsEmpty = startsEmpty
        let names = ["geom", "id"] + layer.columns.map(\.name) + ["properties"]
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        insert = try db.makeStatement(sql: "INSERT INTO \(layer.tableName) (\(names.joined(separator: ", "))) VALUES (\(marks))")
        // Loading an empty layer: fill the R-tree once at the end instead of through the
        // trigger row by row (the trigger's five ST_* calls and its statement journal per
        // row were about a quarter of a 1,000,000-point import). The same transaction
        // restores the trigger, so no one ever sees a layer without its index.
        if bulk, startsEmpty { deferredTrigger = try Self.setAside("rtree_\(layer.tableName)_geom_insert", db) }
        // A bulk load is one `reload` row in the edit journal, not a row per feature.
        if bulk { deferredJournal = try Self.setAside("onemap_edits_\(layer.tableName)_insert", db) }
    }

    /// Drops trigger `name`, if the file has it, and returns its SQL to restore it with.
    private static func setAside(_ name: String, _ db: Database) throws -> (name: String, sql: String)? {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name]) else { return nil }
        try db.execute(sql: "DROP TRIGGER \(name)")
        return (name, sql)
    }

    /// Inserts one record; a record whose id the layer already has is refused.
    ///
    /// Binds straight onto the prepared SQLite statement: this runs once per imported
    /// feature, and building GRDB `StatementArguments` cost about a sixth of an import.
    public func insert(_ record: LayerRecord) throws {
        let statement = insert.sqliteStatement
        sqlite3_reset(statement)
        var column: Int32 = 1
        GeoPackageBinary.encode(record.geometry).withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, column, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
        }
        column += 1
        bindText(record.id, statement, column)
        for value in record.values {
            column += 1
            switch value {
            case .null: sqlite3_bind_null(statement, column)
            case .integer(let i): sqlite3_bind_int64(statement, column, i)
            case .real(let d): sqlite3_bind_double(statement, column, d)
            case .text(let s): bindText(s, statement, column)
            }
        }
        column += 1
        if record.extra.isEmpty {
            sqlite3_bind_null(statement, column)
        } else {
            bindText(JSONWriter.string(.object(record.extra)), statement, column)
        }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            let extended = sqlite3_extended_errcode(db.sqliteConnection)
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(statement)
            if extended == 2067 /* SQLITE_CONSTRAINT_UNIQUE */ { throw StorageError.duplicateID(record.id, layer: layer) }
            throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: message)
        }
        inserted += 1
        if let box = record.geometry.boundingBox { extent.extend(box) }
    }

    /// Records the layer's exact extent and change time in `gpkg_contents` (GDAL and QGIS
    /// read the extent from there); call after the last insert.
    public func finish() throws {
        if let trigger = deferredTrigger {
            let t = layer.tableName
            try db.execute(sql: """
                INSERT OR REPLACE INTO rtree_\(t)_geom SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom)
                FROM \(t) WHERE geom NOT NULL AND NOT ST_IsEmpty(geom)
                """)
            try db.execute(sql: trigger.sql)
            deferredTrigger = nil
        }
        if let journal = deferredJournal {
            try db.execute(sql: journal.sql)
            try db.execute(sql: "INSERT INTO onemap_edits (layer, feature_id, operation) VALUES (?, NULL, 'reload')", arguments: [layer.tableName])
            deferredJournal = nil
        }
        var box = extent
        if !startsEmpty, let row = try Row.fetchOne(db, sql: "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", arguments: [layer.tableName]),
            let minX: Double = row[0], let minY: Double = row[1], let maxX: Double = row[2], let maxY: Double = row[3]
        {
            box.extend(BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY))
        }
        try db.execute(
            sql: "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
            arguments: box.isEmpty ? [nil, nil, nil, nil, layer.tableName] : [box.minX, box.minY, box.maxX, box.maxY, layer.tableName])
    }
}

/// SQLite's SQLITE_TRANSIENT (copy the bound bytes now): a C macro Swift cannot import.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

private func bindText(_ text: String, _ statement: OpaquePointer?, _ column: Int32) {
    var text = text
    text.withUTF8 { utf8 in
        utf8.withMemoryRebound(to: CChar.self) { _ = sqlite3_bind_text(statement, column, $0.baseAddress, Int32($0.count), sqliteTransient) }
    }
}
