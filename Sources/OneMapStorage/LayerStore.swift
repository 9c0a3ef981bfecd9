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
    /// The changes to `layer` committed after `since` (RFC 3339), oldest first, at most `limit`.
    func changes(layer: String, since: String, limit: Int) throws -> [ChangeLog.Entry]

    /// The rows of one of OneMap's own tables (incidents, risk-map versions, …) whose
    /// `column` equals `value` (every row with a nil column), in the order written.
    func rows(of table: AuxiliaryTable, where column: String?, equals value: FieldValue) throws -> [AuxiliaryRow]
    /// Runs `body` in one write transaction over OneMap's own `tables` (made when missing):
    /// its rows and change-log rows are stored together or not at all.
    func writeTables<T>(_ tables: [AuxiliaryTable], _ body: (any TableWriting) throws -> T) throws -> T
    /// Areas per colour in each stored risk-map version, oldest first.
    func colourCounts() throws -> [(version: Int, createdAt: String, counts: [String: Int])]

    /// The photos of `owner`, in the order stored; nil when the store has no such owner.
    func photos(of owner: PhotoOwner) throws -> [MediaTables.Photo]?
    /// Photo `position` (1 for the first) of `owner`: its bytes and type; nil when there is none.
    func photoData(of owner: PhotoOwner, position: Int) throws -> (data: [UInt8], contentType: String)?
    /// Stores `data` as the next photo of `owner` (unless it has `limit` already) with the
    /// change-log row `entry(number, position)` makes, in one transaction.
    func attach(_ data: [UInt8], photo: MediaTables.Photo, to owner: PhotoOwner, limit: Int,
                logging entry: (_ number: Int64, _ position: Int) -> ChangeLog.Entry) throws -> AttachOutcome
}

/// What a photo belongs to: a hazard, or one report of an incident's chain.
public enum PhotoOwner: Sendable, Equatable {
    case hazard(String)
    case incidentReport(incident: String, sequence: Int)

    /// The Related Tables relation its photos are mapped by.
    public var relation: MediaTables.Relation {
        switch self {
        case .hazard: MediaTables.hazards
        case .incidentReport: MediaTables.incidentReports
        }
    }
}

/// What ``LayerStore/attach(_:photo:to:limit:logging:)`` did.
public enum AttachOutcome: Sendable, Equatable {
    case stored(number: Int64, position: Int, change: Int64)
    /// The store has no such hazard or report.
    case noOwner
    /// The owner has `limit` photos already.
    case full
}

extension LayerStore {
    /// Every row of `table`, in the order written.
    public func rows(of table: AuxiliaryTable) throws -> [AuxiliaryRow] { try rows(of: table, where: nil, equals: .null) }
}

/// Writing OneMap's own tables inside ``LayerStore/writeTables(_:_:)``.
public protocol TableWriting {
    /// Inserts one row (`values` in the table's column order); returns its fid.
    @discardableResult
    func insert(into table: AuxiliaryTable, geometry: Geometry?, values: [FieldValue]) throws -> Int64
    /// Replaces the geometry (when given) and values of the rows whose `column` equals `value`.
    func update(_ table: AuxiliaryTable, where column: String, equals value: FieldValue, geometry: Geometry?, values: [FieldValue]) throws
    func delete(from table: AuxiliaryTable, where column: String, equals value: FieldValue) throws
    /// The rows whose `column` equals `value`, held against other writers until the
    /// transaction ends (a shared store's replicas): compare them with what was read before.
    func lockRows(of table: AuxiliaryTable, where column: String, equals value: FieldValue) throws -> [AuxiliaryRow]
    /// Every row of `table`, as this transaction sees it.
    func rows(of table: AuxiliaryTable) throws -> [AuxiliaryRow]
    /// Appends `entry` to the change log; returns its change number.
    @discardableResult
    func append(_ entry: ChangeLog.Entry) throws -> Int64
}

extension WriteSession: TableWriting {
    /// A GeoPackage has one writer at a time: its write transaction already holds the rows.
    public func lockRows(of table: AuxiliaryTable, where column: String, equals value: FieldValue) throws -> [AuxiliaryRow] {
        try reader.rows(of: table, where: column, equals: value)
    }

    public func rows(of table: AuxiliaryTable) throws -> [AuxiliaryRow] { try reader.rows(of: table) }
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

    public func changes(layer: String, since: String, limit: Int) throws -> [ChangeLog.Entry] {
        try read { try $0.changes(layer: layer, since: since, limit: limit) }
    }

    public func rows(of table: AuxiliaryTable, where column: String?, equals value: FieldValue) throws -> [AuxiliaryRow] {
        try read { try $0.rows(of: table, where: column, equals: value) }
    }

    public func writeTables<T>(_ tables: [AuxiliaryTable], _ body: (any TableWriting) throws -> T) throws -> T {
        try write { session in
            for table in tables { try session.create(table) }
            let result = try body(session)
            for table in tables { try session.updateExtent(of: table) }
            return result
        }
    }

    public func colourCounts() throws -> [(version: Int, createdAt: String, counts: [String: Int])] {
        try read { try $0.colourCounts() }
    }

    public func photos(of owner: PhotoOwner) throws -> [MediaTables.Photo]? {
        try read { session in try session.fid(of: owner).map { try session.photos(of: owner.relation, baseFID: $0) } }
    }

    public func photoData(of owner: PhotoOwner, position: Int) throws -> (data: [UInt8], contentType: String)? {
        try read { session in try session.fid(of: owner).flatMap { try session.photoData(of: owner.relation, baseFID: $0, position: position) } }
    }

    public func attach(_ data: [UInt8], photo: MediaTables.Photo, to owner: PhotoOwner, limit: Int,
                       logging entry: (_ number: Int64, _ position: Int) -> ChangeLog.Entry) throws -> AttachOutcome {
        try write { session in
            guard let fid = try session.reader.fid(of: owner) else { return .noOwner }
            let count = try session.reader.photos(of: owner.relation, baseFID: fid).count
            guard count < limit else { return .full }
            let number = try session.attach(data, photo: photo, to: owner.relation, baseFID: fid)
            let change = try session.append(entry(number, count + 1))
            return .stored(number: number, position: count + 1, change: change)
        }
    }
}

extension ReadSession {
    /// The base row's `fid` of a photo's owner, nil when the file has none.
    public func fid(of owner: PhotoOwner) throws -> Int64? {
        switch owner {
        case .hazard(let id): try fid(in: Layer.hazards.tableName, id: id)
        case .incidentReport(let incident, let sequence): try incidentReportFID(incident: incident, sequence: sequence)
        }
    }
}

extension WriteSession {
    /// Deletes the feature of `layer` with id `id`; fails when the layer has none.
    public func delete(id: String, from layer: Layer) throws {
        try db.execute(sql: "DELETE FROM \(layer.tableName) WHERE id = ?", arguments: [id])
        guard db.changesCount == 1 else { throw StorageError.sqlite(path: path, message: "\(layer) has no feature with id \"\(id)\"") }
    }
}
