import Foundation
import GRDB
import OneMapGeometry

/// The record of every accepted edit: one row per write, appended in the same SQLite
/// transaction as the write itself, so a change is on record exactly when it is in the
/// file. The change number (`fid`) only grows (AUTOINCREMENT never reuses a number, even
/// after rows are deleted): a later replica can ask for "every change after N".
///
/// `before` and `after` are whole GeoJSON features, so any edit can be undone by hand.
public enum ChangeLog {
    public static let table = AuxiliaryTable(
        name: "onemap_changes", title: "OneMap change log: every accepted edit, with who made it and the feature before and after",
        geometryType: nil,
        columns: [
            .init("changed_at", "TEXT NOT NULL", "When the change was committed (RFC 3339, UTC)"),
            .init("author", "TEXT NOT NULL", "Who made it: the token holder's name, or the CLI user"),
            .init("role", "TEXT NOT NULL", "Their role: grid_worker, planner, admin"),
            .init("author_grid", "TEXT", "A grid worker's grid code"),
            .init("layer", "TEXT NOT NULL", "The layer (table) changed"),
            .init("feature_id", "TEXT NOT NULL", "The feature's id"),
            .init("operation", "TEXT NOT NULL", "create, update or delete"),
            .init("before", "TEXT", "The feature before, as a GeoJSON Feature (NULL for create)"),
            .init("after", "TEXT", "The feature after, as a GeoJSON Feature (NULL for delete); for attach, the photo's description"),
            .init("request_key", "TEXT", "The client's Idempotency-Key: the same request sent again is answered from this row, not stored twice"),
        ],
        indexes: [["layer", "feature_id"], ["author", "request_key"]])

    public enum Operation: String, Sendable, CaseIterable {
        case create, update, delete
        /// A photo related to the feature (schema version 6).
        case attach
        /// The layer loaded or replaced in bulk (an import into a shared database): one row
        /// for all its features (`feature_id` `*`); a reader reads the whole layer again.
        case reload
    }

    /// One row of the log.
    public struct Entry: Sendable, Equatable {
        /// The change number: fid, monotonic across the file.
        public var number: Int64
        public var changedAt: String
        public var author: String
        public var role: String
        public var authorGrid: String?
        public var layer: String
        public var featureID: String
        public var operation: Operation
        public var before: Feature?
        public var after: Feature?
        /// The client's idempotency key, when it gave one.
        public var requestKey: String?

        public init(number: Int64 = 0, changedAt: String, author: String, role: String, authorGrid: String?, layer: String,
                    featureID: String, operation: Operation, before: Feature?, after: Feature?, requestKey: String? = nil) {
            self.number = number
            self.changedAt = changedAt
            self.author = author
            self.role = role
            self.authorGrid = authorGrid
            self.layer = layer
            self.featureID = featureID
            self.operation = operation
            self.before = before
            self.after = after
            self.requestKey = requestKey
        }
    }
}

extension ChangeLog.Entry {
    /// The entry as JSON (history answers of the server and the CLI): features whole.
    public var json: JSONValue {
        .object([
            JSONMember("change", .number(Double(number))), JSONMember("changed_at", .string(changedAt)),
            JSONMember("author", .string(author)), JSONMember("role", .string(role)),
            JSONMember("author_grid", authorGrid.map(JSONValue.string) ?? .null),
            JSONMember("operation", .string(operation.rawValue)),
            JSONMember("before", before.map(GeoJSONWriter.encode) ?? .null), JSONMember("after", after.map(GeoJSONWriter.encode) ?? .null),
        ])
    }
}

extension WriteSession {
    /// Appends `entry` to the change log (which every file opened for writing has, see
    /// ``SchemaVersion``); returns its change number.
    @discardableResult
    public func append(_ entry: ChangeLog.Entry) throws -> Int64 {
        func text(_ feature: Feature?) -> FieldValue {
            guard let feature else { return .null }
            var bytes: [UInt8] = []
            GeoJSONWriter.write(feature, into: &bytes)
            return .text(String(decoding: bytes, as: UTF8.self))
        }
        return try insert(into: ChangeLog.table, geometry: nil, values: [
            .text(entry.changedAt), .text(entry.author), .text(entry.role), entry.authorGrid.map(FieldValue.text) ?? .null,
            .text(entry.layer), .text(entry.featureID), .text(entry.operation.rawValue), text(entry.before), text(entry.after),
            entry.requestKey.map(FieldValue.text) ?? .null,
        ])
    }
}

extension ReadSession {
    /// The newest change number in the log (0 for an empty log or a file without one).
    public func lastChangeNumber() throws -> Int64 {
        guard try db.tableExists(ChangeLog.table.name) else { return 0 }
        return try Int64.fetchOne(db, sql: "SELECT coalesce(max(fid), 0) FROM \(ChangeLog.table.name)") ?? 0
    }

    /// The change `author` made with idempotency key `key`, if any.
    public func change(author: String, requestKey key: String) throws -> ChangeLog.Entry? {
        guard try has(ChangeLog.table), try db.columns(in: ChangeLog.table.name).contains(where: { $0.name == "request_key" }) else { return nil }
        let row = try Row.fetchOne(db, sql: """
            SELECT fid, changed_at, author, role, author_grid, layer, feature_id, operation, before, after, request_key
            FROM onemap_changes WHERE author = ? AND request_key = ? ORDER BY fid LIMIT 1
            """, arguments: [author, key])
        return try row.map(entry)
    }

    /// The changes after number `after`, oldest first, at most `limit` (the live feed's resume).
    public func changes(after: Int64, limit: Int) throws -> [ChangeLog.Entry] {
        guard try has(ChangeLog.table) else { return [] }
        let key = try db.columns(in: ChangeLog.table.name).contains(where: { $0.name == "request_key" }) ? "request_key" : "NULL"
        let rows = try Row.fetchAll(db, sql: """
            SELECT fid, changed_at, author, role, author_grid, layer, feature_id, operation, before, after, \(key)
            FROM onemap_changes WHERE fid > ? ORDER BY fid LIMIT ?
            """, arguments: [after, limit])
        return try rows.map(entry)
    }

    /// Every logged change of one feature, oldest first (empty for a file without a log).
    public func history(layer: String, featureID: String) throws -> [ChangeLog.Entry] {
        guard try has(ChangeLog.table) else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT fid, changed_at, author, role, author_grid, layer, feature_id, operation, before, after, NULL
            FROM onemap_changes WHERE layer = ? AND feature_id = ? ORDER BY fid
            """, arguments: [layer, featureID])
        return try rows.map(entry)
    }

    func entry(_ row: Row) throws -> ChangeLog.Entry {
        func feature(_ text: String?) throws -> Feature? {
            guard let text else { return nil }
            let reader = GeoJSONFeatureReader(bytes: Array(text.utf8))
            return try reader.next()?.feature
        }
        let operation: String = row[7]
        guard let op = ChangeLog.Operation(rawValue: operation) else {
            throw StorageError.sqlite(path: path, message: "onemap_changes row \(row[0] as Int64): unknown operation '\(operation)'")
        }
        return ChangeLog.Entry(number: row[0], changedAt: row[1], author: row[2], role: row[3], authorGrid: row[4], layer: row[5],
                               featureID: row[6], operation: op, before: try feature(row[8]), after: try feature(row[9]), requestKey: row[10])
    }
}

extension ReadSession {
    /// The changes to `layer` committed after `since` (RFC 3339 text compares in time
    /// order), oldest first, at most `limit`.
    public func changes(layer: String, since: String, limit: Int) throws -> [ChangeLog.Entry] {
        guard try has(ChangeLog.table) else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT fid, changed_at, author, role, author_grid, layer, feature_id, operation, before, after, NULL
            FROM onemap_changes WHERE layer = ? AND changed_at > ? ORDER BY fid LIMIT ?
            """, arguments: [layer, since, limit])
        return try rows.map(entry)
    }

    /// Areas per colour in each stored risk-map version, oldest first (empty without versions).
    public func colourCounts() throws -> [(version: Int, createdAt: String, counts: [String: Int])] {
        guard try db.tableExists("risk_versions"), try db.tableExists("risk_areas") else { return [] }
        var byVersion: [Int: [String: Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT version, coalesce(colour, 'none'), count(*) FROM risk_areas GROUP BY version, colour") {
            byVersion[row[0], default: [:]][row[1]] = row[2]
        }
        return try Row.fetchAll(db, sql: "SELECT version, created_at FROM risk_versions ORDER BY version").map { row in
            let version: Int = row[0]
            return (version, row[1], byVersion[version] ?? [:])
        }
    }
}
