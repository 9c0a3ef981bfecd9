import Foundation
import GRDB
import OneMapGeometry

/// Where a OneMap's layers and its change log are kept: a GeoPackage file (``GeoPackage``)
/// or a PostgreSQL database with PostGIS (`PostGISLiveStore` in OneMapPostGIS). What sits
/// above it (the index, the risk map, tiles, routing, the field reports, the live feed)
/// reads features and writes changes through this and does not know which one it has.
///
/// Every call is synchronous and may block on the store (a disk, a network): it must not
/// be made on an event-loop thread of the store's own.
public protocol LayerStore: AnyObject, Sendable {
    /// Where the store is, safe to log and to show (a database's password is never in it).
    var location: String { get }
    /// The layers the store holds.
    func layers() throws -> [Layer]
    /// Every feature of `layer`, in feature-id order, one at a time.
    func forEachRecord(in layer: Layer, _ body: (LayerRecord) throws -> Void) throws
    /// Writes `change` to `layer` and appends `entry` to the change log, in one transaction:
    /// both are stored or neither. Returns the entry's change number. An update or delete of
    /// a feature the layer lacks, or an insert of an id it has, fails and stores nothing.
    /// `old` is the feature as the writer read it (nil for an insert): a store shared by
    /// several writers refuses the write with ``StorageError/conflict(_:id:)`` when the stored
    /// feature is no longer that.
    func commit(_ change: StoredChange, to layer: Layer, replacing old: LayerRecord?, logging entry: ChangeLog.Entry) throws -> Int64
    /// The features of `layer` with these ids, as stored now (missing ids are left out).
    func records(in layer: Layer, ids: [String]) throws -> [LayerRecord]
    /// Calls `onChange` whenever another writer may have added to the change log (a
    /// database's notifications); a store with one writer process never calls it. The
    /// caller still reads the log by number, so a missed call loses nothing.
    func watchChanges(_ onChange: @escaping @Sendable () -> Void)
    /// The newest change number (0 for an empty log).
    func lastChangeNumber() throws -> Int64
    /// The changes after number `after`, oldest first, at most `limit`.
    func changes(after: Int64, limit: Int) throws -> [ChangeLog.Entry]
    /// The change `author` made with idempotency key `key`, if any.
    func change(author: String, requestKey key: String) throws -> ChangeLog.Entry?
    /// Every logged change of one feature, oldest first.
    func history(layer: String, featureID: String) throws -> [ChangeLog.Entry]
}

/// One feature written through a ``LayerStore``.
public enum StoredChange: Sendable, Equatable {
    case insert(LayerRecord)
    case update(LayerRecord)
    case delete(id: String)

    public var id: String {
        switch self {
        case .insert(let r), .update(let r): r.id
        case .delete(let id): id
        }
    }
}

extension GeoPackage: LayerStore {
    public var location: String { path }

    public func layers() throws -> [Layer] { try read { try $0.layers() } }

    public func forEachRecord(in layer: Layer, _ body: (LayerRecord) throws -> Void) throws {
        try read { try $0.forEachRecord(in: layer, body) }
    }

    /// The edit journal does not list the write: it is this program's own, applied by the
    /// writer, not an edit from elsewhere (``EditJournal``). One process writes a file (its
    /// writers hold one lock), so `old` is not checked again here.
    public func commit(_ change: StoredChange, to layer: Layer, replacing old: LayerRecord?, logging entry: ChangeLog.Entry) throws -> Int64 {
        try write { session -> Int64 in
            let mark = try session.editJournalMark()
            defer { _ = try? session.forgetEdits(after: mark) }
            switch change {
            case .insert(let record):
                let writer = try session.writer(for: layer, replacing: false)
                try writer.insert(record)
                try writer.finish()
            case .update(let record):
                try session.update(record, in: layer)
            case .delete(let id):
                try session.delete(id: id, from: layer)
            }
            return try session.append(entry)
        }
    }

    public func records(in layer: Layer, ids: [String]) throws -> [LayerRecord] {
        try read { session in try ids.compactMap { try session.record(in: layer, id: $0) } }
    }

    /// Other programs' edits of a file reach the server through the edit journal it looks at.
    public func watchChanges(_ onChange: @escaping @Sendable () -> Void) {}

    public func lastChangeNumber() throws -> Int64 { try read { try $0.lastChangeNumber() } }

    public func changes(after: Int64, limit: Int) throws -> [ChangeLog.Entry] {
        try read { try $0.changes(after: after, limit: limit) }
    }

    public func change(author: String, requestKey key: String) throws -> ChangeLog.Entry? {
        try read { try $0.change(author: author, requestKey: key) }
    }

    public func history(layer: String, featureID: String) throws -> [ChangeLog.Entry] {
        try read { try $0.history(layer: layer, featureID: featureID) }
    }
}

extension WriteSession {
    /// Deletes the feature of `layer` with id `id`; fails when the layer has none.
    public func delete(id: String, from layer: Layer) throws {
        try db.execute(sql: "DELETE FROM \(layer.tableName) WHERE id = ?", arguments: [id])
        guard db.changesCount == 1 else { throw StorageError.sqlite(path: path, message: "\(layer) has no feature with id \"\(id)\"") }
    }
}
