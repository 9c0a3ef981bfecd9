import Foundation
import Logging
import NIOCore
import NIOPosix
import OneMapGeometry
import OneMapStorage
import PostgresNIO
import Synchronization

/// A OneMap database in PostgreSQL with PostGIS as a ``LayerStore``: what `onemap serve
/// --data postgres://…` runs on, each replica with one of these over the same database.
///
/// Synchronous, as the store protocol is: each call takes a connection from a pool of at
/// most ``poolSize`` (opened when first needed, dropped when the server closed it, opened
/// again on the next call) and waits for PostgresNIO's futures, run on the store's own
/// event-loop threads (one per core, up to the pool size), never on the caller's, so a caller on Swift's cooperative pool cannot
/// starve the connection it waits for.
///
/// Writes are serialised on the change log: each commit takes one transaction-level
/// advisory lock before its change number is drawn, so numbers are committed in order and
/// "every change after N" never skips one still in flight. Each commit ends with
/// `NOTIFY onemap_changes`; ``watchChanges(_:)`` listens on a connection of its own (a pool
/// recycles its connections and would drop the `LISTEN`).
public final class PostGISLiveStore: LayerStore {
    public let postgis: PostGISLocation
    public var location: String { postgis.description }
    /// Most connections this store holds at once (the listener's is one more).
    public let poolSize: Int
    let configuration: PostgresConnection.Configuration
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    private let idle = Mutex<[PostgresConnection]>([])
    private let slots: DispatchSemaphore
    private let nextID = Atomic<Int>(1)
    private let listener = Listener()

    /// The channel every commit notifies, with its change number as payload.
    public static let channel = "onemap_changes"
    /// The advisory lock commits hold while they draw and commit a change number.
    static let changeLock: Int64 = 0x4F6E_654D_6171

    /// Connects once to check the database is reachable and at this build's schema.
    public init(location: PostGISLocation, poolSize: Int = 4, logger: Logger = PostGISStore.quiet) throws {
        guard poolSize >= 1 else { throw PostGISError.badLocation("the pool size must be at least 1, not \(poolSize)") }
        postgis = location
        self.poolSize = poolSize
        self.logger = logger
        configuration = try PostGISStore.configuration(location)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(poolSize, ProcessInfo.processInfo.activeProcessorCount)))
        slots = DispatchSemaphore(value: poolSize)
        do {
            let version = try withConnection("reading the schema version") { connection in
                let present = try Self.rows(connection, "SELECT to_regclass('onemap_metadata') IS NOT NULL", logger: logger).first?.decode(Bool.self) ?? false
                guard present else { return 0 }
                let text = try Self.rows(connection, "SELECT value FROM onemap_metadata WHERE key = 'schema_version'", logger: logger).first?.decode(String?.self)
                return text.flatMap { Int($0) } ?? 0
            }
            guard version == PostGISSchema.current else {
                throw PostGISError.unusable(location: location.description, reason: version == 0
                    ? "it has no OneMap schema yet: run onemap db init \(location) first"
                    : "it is at OneMap schema version \(version), this build's is \(PostGISSchema.current): run onemap db init \(location)")
            }
        } catch {
            close()
            throw error
        }
    }

    /// Closes every connection and stops the listener and the event-loop thread.
    public func close() {
        guard !listener.stopped.exchange(true, ordering: .relaxed) else { return }
        if let connection = listener.connection.withLock({ $0 }) { try? connection.close().wait() }
        for connection in idle.withLock({ pool in defer { pool = [] }; return pool }) { try? connection.close().wait() }
        try? group.syncShutdownGracefully()
    }

    deinit { close() }

    // MARK: LayerStore

    public func layers() throws -> [Layer] {
        try withConnection("listing the layers") { connection in
            let present = try Self.rows(connection, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", logger: logger)
                .map { try $0.decode(String.self) }
            return Layer.allCases.filter { present.contains($0.tableName) }
        }
    }

    public func forEachRecord(in layer: Layer, _ body: (LayerRecord) throws -> Void) throws {
        try forEachRecord(in: layer, fids: nil, body)
    }

    /// The features of `layer` whose feature id (`fid`) lies in `fids` (all with nil), in
    /// feature-id order: a large layer is read as two ranges on two connections at once.
    public func forEachRecord(in layer: Layer, fids: ClosedRange<Int64>?, _ body: (LayerRecord) throws -> Void) throws {
        for record in try records(in: layer, fids: fids) { try body(record) }
    }

    /// The features of `layer` whose feature id lies in `fids` (all with nil), in
    /// feature-id order, as one array (a load takes it as it is).
    public func records(in layer: Layer, fids: ClosedRange<Int64>?) throws -> [LayerRecord] {
        // Rows arrive on an event-loop thread: decoded there, handed over at the end.
        let batches = RecordBatches()
        let range = fids.map { " WHERE fid BETWEEN \($0.lowerBound) AND \($0.upperBound)" } ?? ""
        try withConnection("reading \(layer)") { connection in
            _ = try connection.query(PostgresQuery(unsafeSQL: "SELECT \(PostGISStore.selectList(layer)) FROM \(layer.tableName)\(range) ORDER BY fid"),
                                     logger: logger) { row in batches.add(try PostGISStore.record(row, layer: layer)) }.wait()
        }
        return batches.take()
    }

    /// The lowest and highest feature id of `layer` and how many features it has (nil when empty).
    public func fidBounds(_ layer: Layer) throws -> (fids: ClosedRange<Int64>, count: Int)? {
        try withConnection("counting \(layer)") { connection in
            guard let row = try Self.rows(connection, "SELECT min(fid), max(fid), count(*) FROM \(unescaped: layer.tableName)", logger: logger).first else { return nil }
            let (low, high, count) = try row.decode((Int64?, Int64?, Int64).self)
            guard let low, let high, low <= high else { return nil }
            return (low...high, Int(count))
        }
    }

    public func records(in layer: Layer, ids: [String]) throws -> [LayerRecord] {
        guard !ids.isEmpty else { return [] }
        return try withConnection("reading \(ids.count) features of \(layer)") { connection in
            try Self.rows(connection, "SELECT \(unescaped: PostGISStore.selectList(layer)) FROM \(unescaped: layer.tableName) WHERE id = ANY(\(ids)::text[]) ORDER BY fid",
                          logger: logger)
                .map { try PostGISStore.record($0, layer: layer) }
        }
    }

    public func commit(_ change: StoredChange, to layer: Layer, replacing old: LayerRecord?, logging entry: ChangeLog.Entry) throws -> Int64 {
        try withConnection("writing \(layer) feature \(change.id)") { connection in
            _ = try Self.rows(connection, "BEGIN", logger: logger)
            do {
                // The stored feature must still be the one the writer read (another replica may
                // have changed it): locked until commit, compared whole.
                if case .insert = change {} else {
                    let current = try Self.rows(connection, PostgresQuery(unsafeSQL: "SELECT \(PostGISStore.selectList(layer)) FROM \(layer.tableName) WHERE id = $1 FOR UPDATE",
                                                                         binds: Self.binds([.text(change.id)])), logger: logger)
                        .first.map { try PostGISStore.record($0, layer: layer) }
                    guard let current, current == old else { throw StorageError.conflict(layer, id: change.id) }
                }
                switch change {
                case .insert(let record):
                    let names = ["geom", "id"] + layer.columns.map(\.name) + ["properties"]
                    let marks = ["$1::geometry"] + (2..<(names.count)).map { "$\($0)" } + ["$\(names.count)::json"]
                    do {
                        _ = try Self.rows(connection, PostgresQuery(unsafeSQL: "INSERT INTO \(layer.tableName) (\(names.joined(separator: ", "))) VALUES (\(marks.joined(separator: ", ")))",
                                                                    binds: Self.binds(record)), logger: logger)
                    } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                        throw StorageError.duplicateID(record.id, layer: layer)
                    }
                case .update(let record):
                    let names = ["geom", "id"] + layer.columns.map(\.name) + ["properties"]
                    let sets = names.enumerated().map { i, name in
                        "\(name) = $\(i + 1)\(name == "geom" ? "::geometry" : name == "properties" ? "::json" : "")"
                    }
                    var binds = Self.binds(record)
                    binds.append(change.id)
                    _ = try Self.rows(connection, PostgresQuery(unsafeSQL: "UPDATE \(layer.tableName) SET \(sets.joined(separator: ", ")) WHERE id = $\(names.count + 1)",
                                                                binds: binds), logger: logger)
                case .delete(let id):
                    _ = try Self.rows(connection, PostgresQuery(unsafeSQL: "DELETE FROM \(layer.tableName) WHERE id = $1", binds: Self.binds([.text(id)])), logger: logger)
                }
                _ = try Self.rows(connection, "SELECT pg_advisory_xact_lock(\(Self.changeLock))", logger: logger)
                let values: [FieldValue] = [
                    .text(entry.changedAt), .text(entry.author), .text(entry.role), entry.authorGrid.map(FieldValue.text) ?? .null,
                    .text(entry.layer), .text(entry.featureID), .text(entry.operation.rawValue), Self.text(entry.before), Self.text(entry.after),
                    entry.requestKey.map(FieldValue.text) ?? .null,
                ]
                let columns = ChangeLog.table.columns.map(\.name)
                let number = try Self.rows(connection, PostgresQuery(
                    unsafeSQL: "INSERT INTO \(ChangeLog.table.name) (\(columns.joined(separator: ", "))) VALUES (\((1...columns.count).map { "$\($0)" }.joined(separator: ", "))) RETURNING fid",
                    binds: Self.binds(values)), logger: logger).first?.decode(Int64.self) ?? 0
                _ = try Self.rows(connection, "SELECT pg_notify(\(Self.channel), \(String(number)))", logger: logger)
                _ = try Self.rows(connection, "COMMIT", logger: logger)
                return number
            } catch {
                _ = try? Self.rows(connection, "ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func lastChangeNumber() throws -> Int64 {
        try withConnection("reading the change log") { connection in
            try Self.rows(connection, "SELECT coalesce(max(fid), 0)::bigint FROM onemap_changes", logger: logger).first?.decode(Int64.self) ?? 0
        }
    }

    public func changes(after: Int64, limit: Int) throws -> [ChangeLog.Entry] {
        try entries("WHERE fid > \(after) ORDER BY fid LIMIT \(Int64(clamping: limit))")
    }

    public func change(author: String, requestKey key: String) throws -> ChangeLog.Entry? {
        try entries("WHERE author = \(author) AND request_key = \(key) ORDER BY fid LIMIT 1").first
    }

    public func history(layer: String, featureID: String) throws -> [ChangeLog.Entry] {
        try entries("WHERE layer = \(layer) AND feature_id = \(featureID) ORDER BY fid")
    }

    private func entries(_ condition: PostgresQuery) throws -> [ChangeLog.Entry] {
        let query = PostgresQuery(unsafeSQL: "SELECT fid, changed_at, author, role, author_grid, layer, feature_id, operation, before, after, request_key FROM onemap_changes "
            + condition.sql, binds: condition.binds)
        return try withConnection("reading the change log") { connection in
            try Self.rows(connection, query, logger: logger).map { row in
                let (number, changedAt, author, role, grid, layer, id, operation, before, after, key) =
                    try row.decode((Int64, String, String, String, String?, String, String, String, String?, String?, String?).self)
                guard let op = ChangeLog.Operation(rawValue: operation) else {
                    throw PostGISError.failed(location: location, step: "reading the change log", reason: "onemap_changes row \(number): unknown operation '\(operation)'")
                }
                return ChangeLog.Entry(number: number, changedAt: changedAt, author: author, role: role, authorGrid: grid, layer: layer, featureID: id,
                                       operation: op, before: try Self.feature(before), after: try Self.feature(after), requestKey: key)
            }
        }
    }

    // MARK: Notifications

    /// Listens on ``channel`` on a connection of its own and calls `onChange` for each
    /// notification, and once after every (re)connection (changes made while it was away).
    /// A lost connection is opened again after a second, for as long as the store is open.
    public func watchChanges(_ onChange: @escaping @Sendable () -> Void) {
        guard !listener.started.exchange(true, ordering: .relaxed) else { return }
        let eventLoop = group.next()
        let configuration = configuration, logger = logger, id = nextID.add(1, ordering: .relaxed).newValue, listener = listener
        @Sendable func attempt() {
            guard !listener.stopped.load(ordering: .relaxed) else { return }
            PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger).flatMap { connection in
                listener.connection.withLock { $0 = connection }
                connection.addListener(channel: Self.channel) { _, _ in onChange() }
                return connection.query(PostgresQuery(unsafeSQL: "LISTEN \(Self.channel)"), logger: logger).map { _ in
                    onChange()
                    return connection
                }
            }.whenComplete { result in
                switch result {
                case .success(let connection):
                    if listener.stopped.load(ordering: .relaxed) { let closing: EventLoopFuture<Void> = connection.close(); _ = closing }
                    connection.closeFuture.whenComplete { _ in
                        guard !listener.stopped.load(ordering: .relaxed) else { return }
                        onChange()
                        _ = eventLoop.scheduleTask(in: .seconds(1)) { attempt() }
                    }
                case .failure:
                    _ = eventLoop.scheduleTask(in: .seconds(1)) { attempt() }
                }
            }
        }
        eventLoop.execute { attempt() }
    }

    // MARK: Connections

    /// Runs `body` with a connection of the pool (waiting for one when all are busy). A
    /// connection the server closed is dropped and the error is ``StorageError/unavailable(location:reason:)``.
    func withConnection<T>(_ step: String, _ body: (PostgresConnection) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        var connection = idle.withLock { $0.popLast() }
        if let open = connection, open.isClosed { connection = nil }
        if connection == nil {
            do {
                connection = try PostgresConnection.connect(on: group.next(), configuration: configuration,
                                                            id: nextID.add(1, ordering: .relaxed).newValue, logger: logger).wait()
            } catch {
                throw StorageError.unavailable(location: location, reason: PostGISStore.reason(error))
            }
        }
        guard let connection else { throw StorageError.unavailable(location: location, reason: "no connection") }
        do {
            let result = try body(connection)
            idle.withLock { $0.append(connection) }
            return result
        } catch let error as StorageError {
            if !connection.isClosed { idle.withLock { $0.append(connection) } }
            throw error
        } catch let error as PostGISError {
            if !connection.isClosed { idle.withLock { $0.append(connection) } }
            throw error
        } catch {
            guard !connection.isClosed else { throw StorageError.unavailable(location: location, reason: PostGISStore.reason(error)) }
            idle.withLock { $0.append(connection) }
            throw PostGISError.failed(location: location, step: step, reason: PostGISStore.reason(error))
        }
    }

    static func rows(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) throws -> [PostgresRow] {
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
        return try future.wait().rows
    }

    /// A record's columns as binds, in the order geom (hex EWKB), id, typed columns, properties.
    static func binds(_ record: LayerRecord) -> PostgresBindings {
        let hex = Array("0123456789abcdef".utf8)
        var ewkb: [UInt8] = []
        for byte in PostGISStore.extendedWKB(record.geometry) {
            ewkb.append(hex[Int(byte >> 4)])
            ewkb.append(hex[Int(byte & 15)])
        }
        let values: [FieldValue] = [.text(String(decoding: ewkb, as: UTF8.self)), .text(record.id)]
            + record.values.map { value in if case .real(let d) = value, !d.isFinite { .null } else { value } }
            + [record.extra.isEmpty ? .null : .text(JSONWriter.string(.object(record.extra)))]
        return binds(values)
    }

    static func binds(_ values: [FieldValue]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let i): binds.append(i)
            case .real(let d): binds.append(d)
            case .text(let t): binds.append(t)
            }
        }
        return binds
    }

    static func text(_ feature: Feature?) -> FieldValue {
        guard let feature else { return .null }
        var bytes: [UInt8] = []
        GeoJSONWriter.write(feature, into: &bytes)
        return .text(String(decoding: bytes, as: UTF8.self))
    }

    static func feature(_ text: String?) throws -> Feature? {
        guard let text else { return nil }
        return try GeoJSONFeatureReader(bytes: Array(text.utf8)).next()?.feature
    }
}

/// The notification listener's connection, apart from the store (its reconnections must
/// not keep the store alive).
private final class Listener: Sendable {
    let started = Atomic<Bool>(false)
    let stopped = Atomic<Bool>(false)
    let connection = Mutex<PostgresConnection?>(nil)
}

/// Records decoded on the event-loop thread, collected for the caller's.
private final class RecordBatches: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [LayerRecord] = []
    func add(_ record: LayerRecord) { lock.withLock { records.append(record) } }
    func take() -> [LayerRecord] { lock.withLock { defer { records = [] }; return records } }
}
