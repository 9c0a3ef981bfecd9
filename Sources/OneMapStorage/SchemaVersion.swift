import Foundation
import GRDB

/// OneMap's own schema version of a GeoPackage, kept in `onemap_metadata` (the file's
/// `PRAGMA user_version` holds the GeoPackage version, 10200, and is not ours to change).
///
/// - 1: the six layers, risk versions and areas (files written before the change log;
///   they have no `onemap_metadata` table).
/// - 2: adds `onemap_changes`, the change log.
/// - 3: derived fields stated in the data (``DerivedFields``): shelters without a status
///   are `open`, grids without a code get one, hazards without a `grid_code` get theirs.
/// - 4: the edit journal (``EditJournal``): triggers on the layers record every writer's
///   edits, so a running server sees what the CLI, QGIS or ogr2ogr commit.
/// - 5: the commander's incidents (``IncidentTables``: incidents, their zones and report
///   chains) and an optional `contact` column on grids (the grid worker's phone).
/// - 6: the field and live (issue 17): photos by the Related Tables Extension
///   (``MediaTables``), the change log's `request_key` (idempotent reports from devices
///   that retry), and the hazards' supervision columns `supervision_owner` and `due_date`.
///
/// Files open for writing migrate forward in one transaction; a file written by a newer
/// OneMap is refused for writing rather than damaged.
public enum SchemaVersion {
    public static let current = 6

    public static let metadata = AuxiliaryTable(
        name: "onemap_metadata", title: "OneMap file metadata (schema_version)", geometryType: nil,
        columns: [.init("key", "TEXT NOT NULL UNIQUE", "Setting name"), .init("value", "TEXT", "Setting value")])

    /// The file's version: 1 when it has no metadata table.
    static func read(_ db: Database) throws -> Int {
        guard try db.tableExists(metadata.name) else { return 1 }
        let text = try String.fetchOne(db, sql: "SELECT value FROM onemap_metadata WHERE key = 'schema_version'")
        return text.flatMap { Int($0) } ?? 1
    }

    /// Brings the file up to ``current``.
    static func migrate(_ session: WriteSession) throws {
        let db = session.db
        let found = try read(db)
        guard found <= current else {
            throw StorageError.sqlite(path: session.path, message: "the file has OneMap schema version \(found), newer than this OneMap's \(current); upgrade OneMap to write to it")
        }
        guard found < current else { return }
        if found < 2 { try session.create(ChangeLog.table) }
        if found < 3 { try fillDerivedFields(session) }
        if found < 4 { try EditJournal.install(session) }
        if found < 5 {
            for table in IncidentTables.all { try session.create(table) }
            if try db.tableExists(Layer.grids.tableName), try !db.columns(in: Layer.grids.tableName).contains(where: { $0.name == "contact" }) {
                try db.execute(sql: "ALTER TABLE grids ADD COLUMN contact TEXT")
            }
        }
        if found < 6 {
            if try db.tableExists(ChangeLog.table.name), try !db.columns(in: ChangeLog.table.name).contains(where: { $0.name == "request_key" }) {
                try db.execute(sql: "ALTER TABLE \(ChangeLog.table.name) ADD COLUMN request_key TEXT")
                try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(ChangeLog.table.name)_idx1 ON \(ChangeLog.table.name) (author, request_key)")
            }
            if try db.tableExists(Layer.hazards.tableName) {
                let present = Set(try db.columns(in: Layer.hazards.tableName).map(\.name))
                for column in ["supervision_owner", "due_date"] where !present.contains(column) {
                    try db.execute(sql: "ALTER TABLE hazards ADD COLUMN \(column) TEXT")
                }
            }
            try MediaTables.install(session)
        }
        try session.create(metadata)
        try db.execute(sql: "INSERT INTO onemap_metadata (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [String(current)])
    }
}

extension SchemaVersion {
    /// Version 3: what older files left unstated, filled as every writer now fills it.
    static func fillDerivedFields(_ session: WriteSession) throws {
        let db = session.db
        if try db.tableExists(Layer.shelters.tableName) {
            try db.execute(sql: "UPDATE shelters SET status = ? WHERE status IS NULL", arguments: [DerivedFields.defaultShelterStatus])
        }
        if try db.tableExists(Layer.grids.tableName) {
            let missing = try Row.fetchAll(db, sql: "SELECT fid, id FROM grids WHERE code IS NULL")
            for row in missing {
                let fid: Int64 = row[0]
                let id: String = row[1] ?? String(fid)
                try db.execute(sql: "UPDATE grids SET code = ? WHERE fid = ?", arguments: [DerivedFields.gridCode(forID: id), fid])
            }
        }
        try session.deriveHazardGridCodes(recheck: false)
    }
}

extension ReadSession {
    /// The file's OneMap schema version (see ``SchemaVersion``).
    public func schemaVersion() throws -> Int { try SchemaVersion.read(db) }
}
