import GRDB

/// Which features of the six layers changed, written by SQLite triggers in built-in SQL
/// only, so that every writer records its edits: OneMap's CLI, QGIS, `ogr2ogr -update`.
/// A running server polls `PRAGMA data_version`, reads the journal past what it has seen
/// and applies those features to its index, risk map and tile caches without a restart.
///
/// The journal names features by id; the server reads their current state from the
/// layer. Its own writes are removed from the journal in their transaction (the server
/// applies them itself). A bulk load sets the triggers aside and writes one `reload` row.
/// This is not the change log (`onemap_changes`, who changed what from what to what):
/// triggers cannot write GeoJSON, and outside writers have no author.
public enum EditJournal {
    public static let table = AuxiliaryTable(
        name: "onemap_edits", title: "Features changed by any writer, for running servers", geometryType: nil,
        columns: [
            .init("layer", "TEXT NOT NULL", "The layer"),
            .init("feature_id", "TEXT", "The feature's id (null for a reload of the whole layer)"),
            .init("operation", "TEXT NOT NULL", "insert, update, delete, or reload (a bulk load replaced many)"),
            .init("at", "TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))", "When (UTC)"),
        ])

    /// Rows read at one look; more wait for the next.
    public static let readLimit = 100_000

    /// One journal row.
    public struct Edit: Sendable, Equatable {
        public var number: Int64
        public var layer: Layer
        public var featureID: String?
        public var operation: String
    }

    /// The trigger names and SQL for one layer.
    static func triggers(_ layer: Layer) -> [(name: String, sql: String)] {
        let t = layer.tableName
        func row(_ id: String, _ op: String) -> String { "INSERT INTO onemap_edits (layer, feature_id, operation) VALUES ('\(t)', \(id), '\(op)')" }
        return [
            ("onemap_edits_\(t)_insert", "CREATE TRIGGER onemap_edits_\(t)_insert AFTER INSERT ON \(t) BEGIN \(row("NEW.id", "insert")); END"),
            ("onemap_edits_\(t)_update", "CREATE TRIGGER onemap_edits_\(t)_update AFTER UPDATE ON \(t) BEGIN \(row("NEW.id", "update")); END"),
            ("onemap_edits_\(t)_rename", "CREATE TRIGGER onemap_edits_\(t)_rename AFTER UPDATE OF id ON \(t) WHEN OLD.id IS NOT NEW.id BEGIN \(row("OLD.id", "delete")); END"),
            ("onemap_edits_\(t)_delete", "CREATE TRIGGER onemap_edits_\(t)_delete AFTER DELETE ON \(t) BEGIN \(row("OLD.id", "delete")); END"),
        ]
    }

    /// Creates the journal (when missing) and the triggers of every layer table the file has.
    static func install(_ session: WriteSession) throws {
        try session.create(table)
        for layer in Layer.allCases where try session.db.tableExists(layer.tableName) { try installTriggers(layer, session.db) }
    }

    static func installTriggers(_ layer: Layer, _ db: Database) throws {
        for trigger in triggers(layer) where try !db.triggerExists(trigger.name) { try db.execute(sql: trigger.sql) }
    }
}

extension WriteSession {
    /// The last journal row now: rows after it are this transaction's own.
    public func editJournalMark() throws -> Int64 { try reader.lastEdit() }

    /// Removes journal rows up to `number` written more than `seconds` ago.
    public func pruneEdits(through number: Int64, olderThanSeconds seconds: Int) throws {
        guard try db.tableExists(EditJournal.table.name) else { return }
        try db.execute(sql: "DELETE FROM onemap_edits WHERE fid <= ? AND at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)",
                       arguments: [number, "-\(seconds) seconds"])
    }

    /// Removes the journal rows after `mark`: the server's own writes, which it applies itself.
    public func forgetEdits(after mark: Int64) throws {
        guard try db.tableExists(EditJournal.table.name) else { return }
        try db.execute(sql: "DELETE FROM onemap_edits WHERE fid > ?", arguments: [mark])
    }
}

extension ReadSession {
    /// SQLite's `data_version`: it changes when another connection commits to the file.
    public func dataVersion() throws -> Int64 { try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }

    /// The journal rows after `number`, oldest first (at most `limit`).
    public func edits(after number: Int64, limit: Int = 100_000) throws -> [EditJournal.Edit] {
        guard try db.tableExists(EditJournal.table.name) else { return [] }
        return try Row.fetchAll(db, sql: "SELECT fid, layer, feature_id, operation FROM onemap_edits WHERE fid > ? ORDER BY fid LIMIT ?",
                                arguments: [number, limit]).compactMap { row in
            guard let layer = Layer(name: row[1]) else { return nil }
            return EditJournal.Edit(number: row[0], layer: layer, featureID: row[2], operation: row[3])
        }
    }

    /// The last journal row's number (0 when empty or absent).
    public func lastEdit() throws -> Int64 {
        guard try db.tableExists(EditJournal.table.name) else { return 0 }
        return try Int64.fetchOne(db, sql: "SELECT coalesce(max(fid), 0) FROM onemap_edits") ?? 0
    }

    /// The feature of `layer` with this id, as the file holds it now.
    public func record(in layer: Layer, id: String) throws -> LayerRecord? {
        var found: LayerRecord?
        try forEachRecord(in: layer, id: id) { found = $0 }
        return found
    }
}
