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
    /// The listener's (the same unless told otherwise).
    let listenConfiguration: PostgresConnection.Configuration
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    private let idle = Mutex<[PostgresConnection]>([])
    private let slots: DispatchSemaphore
    private let nextID = Atomic<Int>(1)
    private let listener = Listener()

    /// What OneMap's own transactions run first: the layers' triggers (schema version 3) then
    /// leave the logging to OneMap, which logs each change once.
    static let ownWrite: PostgresQuery = "SET LOCAL onemap.writer = 'onemap'"

    /// The channel every commit notifies, with its change number as payload.
    public static let channel = "onemap_changes"
    /// The advisory lock commits hold while they draw and commit a change number.
    static let changeLock: Int64 = 0x4F6E_654D_6171

    /// Connects once to check the database is reachable and at this build's schema.
    /// - Parameter listenAt: where the notification listener connects, when not `location`:
    ///   the database itself while the pool goes through pgbouncer in transaction mode (which
    ///   cannot hold a `LISTEN`).
    public init(location: PostGISLocation, poolSize: Int = 4, listenAt: PostGISLocation? = nil, logger: Logger = PostGISStore.quiet) throws {
        guard poolSize >= 1 else { throw PostGISError.badLocation("the pool size must be at least 1, not \(poolSize)") }
        postgis = location
        self.poolSize = poolSize
        self.logger = logger
        configuration = try PostGISStore.configuration(location)
        listenConfiguration = try listenAt.map(PostGISStore.configuration) ?? configuration
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(poolSize, ProcessInfo.processInfo.activeProcessorCount)))
        slots = DispatchSemaphore(value: poolSize)
        do {
            let version = try withConnection("reading the schema version") { connection in
                let present = try Self.rows(connection, PostGISStore.hasMetadata, logger: logger).first?.decode(Bool.self) ?? false
                guard present else { return 0 }
                let text = try Self.rows(connection, PostGISStore.recordedVersion, logger: logger).first?.decode(String?.self)
                return text.flatMap { Int($0) } ?? 0
            }
            try PostGISStore.requireCurrent(version, at: location)
        } catch StorageError.unavailable(_, let reason) {
            // At start nothing is loaded yet: the plain "cannot connect", not a running server's "reads go on".
            close()
            throw PostGISError.unreachable(location: location.description, reason: reason)
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

    /// Each layer's feature count, exact extent, declared geometry type and whether its
    /// geometry has a GiST index (what `onemap info` lists).
    public func summary() throws -> [LayerSummary] {
        try layers().map { layer in
            try withConnection("summarising \(layer)") { connection in
                let t = layer.tableName
                // Exact: each geometry's own box in doubles (ST_Extent's box2d is rounded to floats).
                let row = try Self.rows(connection, PostgresQuery(unsafeSQL: """
                    SELECT count(*), min(ST_XMin(geom)), min(ST_YMin(geom)), max(ST_XMax(geom)), max(ST_YMax(geom)),
                      (SELECT upper(type) FROM geometry_columns WHERE f_table_name = '\(t)' AND f_geometry_column = 'geom' LIMIT 1),
                      (SELECT count(*) FROM pg_indexes WHERE tablename = '\(t)' AND indexdef LIKE '%USING gist (geom)%')
                    FROM \(t)
                    """), logger: logger).first
                guard let row else { return LayerSummary(layer: layer, count: 0, extent: nil, geometryType: "?", hasSpatialIndex: false) }
                let (count, minX, minY, maxX, maxY, type, gist) = try row.decode((Int64, Double?, Double?, Double?, Double?, String?, Int64).self)
                var extent: BoundingBox?
                if let minX, let minY, let maxX, let maxY { extent = BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY) }
                return LayerSummary(layer: layer, count: Int(count), extent: extent, geometryType: type ?? "?", hasSpatialIndex: gist > 0)
            }
        }
    }

    /// The PostgreSQL and PostGIS versions, for `onemap info`.
    public func versions() throws -> (postgres: String, postgis: String) {
        try withConnection("reading the versions") { connection in
            let row = try Self.rows(connection, "SELECT current_setting('server_version'), postgis_lib_version()", logger: logger).first
            return try row?.decode((String, String).self) ?? ("?", "?")
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
                _ = try Self.rows(connection, Self.ownWrite, logger: logger)
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
                let number = try PostGISTableWriter(connection: connection, logger: logger).append(entry)
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

    public func changes(layer: String, since: String, limit: Int) throws -> [ChangeLog.Entry] {
        try entries("WHERE layer = \(layer) AND changed_at > \(since) ORDER BY fid LIMIT \(Int64(clamping: limit))")
    }

    // MARK: OneMap's own tables

    public func rows(of table: AuxiliaryTable, where column: String?, equals value: FieldValue) throws -> [AuxiliaryRow] {
        try withConnection("reading \(table.name)") { connection in
            try PostGISTableWriter(connection: connection, logger: logger).rows(of: table, where: column, equals: value, locking: false)
        }
    }

    /// One transaction, holding the change-log lock from its start: writes of OneMap's own
    /// tables are few (a commander's step, a stored map version) and a number drawn from what
    /// the table holds (the next version) must not be drawn twice.
    public func writeTables<T>(_ tables: [AuxiliaryTable], _ body: (any TableWriting) throws -> T) throws -> T {
        try withConnection("writing \(tables.map(\.name).joined(separator: ", "))") { connection in
            _ = try Self.rows(connection, "BEGIN", logger: logger)
            do {
                _ = try Self.rows(connection, Self.ownWrite, logger: logger)
                _ = try Self.rows(connection, "SELECT pg_advisory_xact_lock(\(Self.changeLock))", logger: logger)
                let result = try body(PostGISTableWriter(connection: connection, logger: logger))
                _ = try Self.rows(connection, "COMMIT", logger: logger)
                return result
            } catch {
                _ = try? Self.rows(connection, "ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func colourCounts() throws -> [(version: Int, createdAt: String, counts: [String: Int])] {
        try withConnection("counting the risk-map versions' colours") { connection in
            var byVersion: [Int64: [String: Int]] = [:]
            for row in try Self.rows(connection, "SELECT version, coalesce(colour, 'none'), count(*) FROM risk_areas GROUP BY 1, 2", logger: logger) {
                let (version, colour, count) = try row.decode((Int64, String, Int64).self)
                byVersion[version, default: [:]][colour] = Int(count)
            }
            return try Self.rows(connection, "SELECT version, created_at FROM risk_versions ORDER BY version", logger: logger).map { row in
                let (version, createdAt) = try row.decode((Int64, String).self)
                return (Int(version), createdAt, byVersion[version] ?? [:])
            }
        }
    }

    // MARK: Photos

    public func photos(of owner: PhotoOwner) throws -> [MediaTables.Photo]? {
        try withConnection("reading photos") { connection in
            guard let fid = try Self.fid(of: owner, connection, logger: logger) else { return nil }
            let m = MediaTables.media, mapping = owner.relation.mapping
            return try Self.rows(connection, PostgresQuery(unsafeSQL: """
                SELECT m.id, m.content_type, m.bytes, m.width, m.height, m.sha256, m.taken_at, m.longitude, m.latitude, m.uploaded_by, m.uploaded_at
                FROM \(mapping) r JOIN \(m) m ON m.id = r.related_id WHERE r.base_id = $1 ORDER BY m.id
                """, binds: Self.binds([.integer(fid)])), logger: logger).map { row in
                let (number, type, bytes, width, height, sha, taken, lon, lat, by, at) =
                    try row.decode((Int64, String, Int64, Int64?, Int64?, String, String?, Double?, Double?, String, String).self)
                return MediaTables.Photo(number: number, contentType: type, bytes: Int(bytes), width: width.map { Int($0) }, height: height.map { Int($0) },
                                         sha256: sha, takenAt: taken, longitude: lon, latitude: lat, uploadedBy: by, uploadedAt: at)
            }
        }
    }

    public func photoData(of owner: PhotoOwner, position: Int) throws -> (data: [UInt8], contentType: String)? {
        guard position >= 1 else { return nil }
        return try withConnection("reading a photo") { connection in
            guard let fid = try Self.fid(of: owner, connection, logger: logger) else { return nil }
            guard let row = try Self.rows(connection, PostgresQuery(unsafeSQL: """
                SELECT m.data, m.content_type FROM \(owner.relation.mapping) r JOIN \(MediaTables.media) m ON m.id = r.related_id
                WHERE r.base_id = $1 ORDER BY m.id LIMIT 1 OFFSET $2
                """, binds: Self.binds([.integer(fid), .integer(Int64(position - 1))])), logger: logger).first else { return nil }
            let (data, type) = try row.decode((ByteBuffer, String).self)
            return (Array(data.readableBytesView), type)
        }
    }

    public func attach(_ data: [UInt8], photo: MediaTables.Photo, to owner: PhotoOwner, limit: Int,
                       logging entry: (_ number: Int64, _ position: Int) -> ChangeLog.Entry) throws -> AttachOutcome {
        try withConnection("storing a photo") { connection in
            _ = try Self.rows(connection, "BEGIN", logger: logger)
            do {
                let writer = PostGISTableWriter(connection: connection, logger: logger)
                _ = try Self.rows(connection, "SELECT pg_advisory_xact_lock(\(Self.changeLock))", logger: logger)
                guard let fid = try Self.fid(of: owner, connection, logger: logger) else {
                    _ = try Self.rows(connection, "ROLLBACK", logger: logger)
                    return .noOwner
                }
                let mapping = owner.relation.mapping
                let count = try Self.rows(connection, PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(mapping) WHERE base_id = $1", binds: Self.binds([.integer(fid)])),
                                          logger: logger).first?.decode(Int64.self) ?? 0
                guard count < limit else {
                    _ = try Self.rows(connection, "ROLLBACK", logger: logger)
                    return .full
                }
                var binds = PostgresBindings(capacity: 11)
                binds.append(ByteBuffer(bytes: data))
                binds.append(photo.contentType)
                binds.append(Int64(photo.bytes))
                for value in [photo.width, photo.height] { if let value { binds.append(Int64(value)) } else { binds.appendNull() } }
                binds.append(photo.sha256)
                if let taken = photo.takenAt { binds.append(taken) } else { binds.appendNull() }
                for value in [photo.longitude, photo.latitude] { if let value { binds.append(value) } else { binds.appendNull() } }
                binds.append(photo.uploadedBy)
                binds.append(photo.uploadedAt)
                let number = try Self.rows(connection, PostgresQuery(unsafeSQL: """
                    INSERT INTO \(MediaTables.media) (data, content_type, bytes, width, height, sha256, taken_at, longitude, latitude, uploaded_by, uploaded_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
                    """, binds: binds), logger: logger).first?.decode(Int64.self) ?? 0
                _ = try Self.rows(connection, PostgresQuery(unsafeSQL: "INSERT INTO \(mapping) (base_id, related_id) VALUES ($1, $2)",
                                                            binds: Self.binds([.integer(fid), .integer(number)])), logger: logger)
                let position = Int(count) + 1
                let change = try writer.append(entry(number, position))
                _ = try Self.rows(connection, "COMMIT", logger: logger)
                return .stored(number: number, position: position, change: change)
            } catch {
                _ = try? Self.rows(connection, "ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The `fid` of a photo's owner row, nil when there is none.
    static func fid(of owner: PhotoOwner, _ connection: PostgresConnection, logger: Logger) throws -> Int64? {
        let query: PostgresQuery = switch owner {
        case .hazard(let id): "SELECT fid FROM hazards WHERE id = \(id)"
        case .incidentReport(let incident, let sequence): "SELECT fid FROM incident_reports WHERE incident_id = \(incident) AND sequence = \(Int64(sequence))"
        }
        return try rows(connection, query, logger: logger).first?.decode(Int64.self)
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
        let configuration = listenConfiguration, logger = logger, id = nextID.add(1, ordering: .relaxed).newValue, listener = listener
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
        } catch where error is PSQLError || error is ChannelError {
            // The database's or the driver's: a lost connection means the store is away.
            guard !connection.isClosed else { throw StorageError.unavailable(location: location, reason: PostGISStore.reason(error)) }
            idle.withLock { $0.append(connection) }
            throw PostGISError.failed(location: location, step: step, reason: PostGISStore.reason(error))
        } catch {
            // The caller's own (a conflict, a rule refused inside the transaction): as it is.
            if !connection.isClosed { idle.withLock { $0.append(connection) } }
            throw error
        }
    }

    static func rows(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) throws -> [PostgresRow] {
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
        return try future.wait().rows
    }

    /// A geometry as PostGIS's hex extended WKB with SRID 4326 (what `$n::geometry` reads).
    static func hexEWKB(_ geometry: Geometry) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var ewkb: [UInt8] = []
        for byte in PostGISStore.extendedWKB(geometry) {
            ewkb.append(hex[Int(byte >> 4)])
            ewkb.append(hex[Int(byte & 15)])
        }
        return String(decoding: ewkb, as: UTF8.self)
    }

    /// A record's columns as binds, in the order geom (hex EWKB), id, typed columns, properties.
    static func binds(_ record: LayerRecord) -> PostgresBindings {
        let values: [FieldValue] = [.text(hexEWKB(record.geometry)), .text(record.id)]
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

/// Rows of OneMap's own tables and change-log rows, written on one connection inside its
/// transaction (``PostGISLiveStore/writeTables(_:_:)``, ``PostGISLiveStore/commit(_:to:replacing:logging:)``).
struct PostGISTableWriter: TableWriting {
    let connection: PostgresConnection
    let logger: Logger

    func insert(into table: AuxiliaryTable, geometry: Geometry?, values: [FieldValue]) throws -> Int64 {
        var names = table.columns.map(\.name), marks = names.indices.map { "$\($0 + 1)" }, all = values
        if table.geometryType != nil {
            guard let geometry else { throw StorageError.sqlite(path: table.name, message: "a row needs a geometry") }
            names.insert("geom", at: 0)
            marks = (0...table.columns.count).map { $0 == 0 ? "$1::geometry" : "$\($0 + 1)" }
            all.insert(.text(PostGISLiveStore.hexEWKB(geometry)), at: 0)
        }
        return try PostGISLiveStore.rows(connection, PostgresQuery(
            unsafeSQL: "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES (\(marks.joined(separator: ", "))) RETURNING fid",
            binds: PostGISLiveStore.binds(all)), logger: logger).first?.decode(Int64.self) ?? 0
    }

    func update(_ table: AuxiliaryTable, where column: String, equals value: FieldValue, geometry: Geometry?, values: [FieldValue]) throws {
        var names = table.columns.map(\.name), all = values
        if table.geometryType != nil, let geometry {
            names.insert("geom", at: 0)
            all.insert(.text(PostGISLiveStore.hexEWKB(geometry)), at: 0)
        }
        let sets = names.enumerated().map { i, name in "\(name) = $\(i + 1)\(name == "geom" ? "::geometry" : "")" }
        all.append(value)
        _ = try PostGISLiveStore.rows(connection, PostgresQuery(
            unsafeSQL: "UPDATE \(table.name) SET \(sets.joined(separator: ", ")) WHERE \(column) = $\(all.count)", binds: PostGISLiveStore.binds(all)),
            logger: logger)
    }

    func delete(from table: AuxiliaryTable, where column: String, equals value: FieldValue) throws {
        _ = try PostGISLiveStore.rows(connection, PostgresQuery(unsafeSQL: "DELETE FROM \(table.name) WHERE \(column) = $1", binds: PostGISLiveStore.binds([value])),
                                      logger: logger)
    }

    func lockRows(of table: AuxiliaryTable, where column: String, equals value: FieldValue) throws -> [AuxiliaryRow] {
        try rows(of: table, where: column, equals: value, locking: true)
    }

    func rows(of table: AuxiliaryTable) throws -> [AuxiliaryRow] { try rows(of: table, where: nil, equals: .null, locking: false) }

    func rows(of table: AuxiliaryTable, where column: String?, equals value: FieldValue, locking: Bool) throws -> [AuxiliaryRow] {
        let geometry = table.geometryType != nil
        let names = (geometry ? ["ST_AsBinary(geom)"] : []) + table.columns.map(\.name)
        var sql = "SELECT \(names.joined(separator: ", ")) FROM \(table.name)"
        var binds: [FieldValue] = []
        if let column {
            sql += " WHERE \(column) = $1"
            binds.append(value)
        }
        sql += " ORDER BY fid" + (locking ? " FOR UPDATE" : "")
        let types = table.columns.map(PostGISSchema.auxiliaryType)
        return try PostGISLiveStore.rows(connection, PostgresQuery(unsafeSQL: sql, binds: PostGISLiveStore.binds(binds)), logger: logger).map { row in
            let cells = row.makeRandomAccess()
            var shape: Geometry?
            if geometry, let wkb = try cells[0].decode(ByteBuffer?.self) { shape = try WKBReader.decode(wkb.readableBytesView) }
            let offset = geometry ? 1 : 0
            let values: [FieldValue] = try types.enumerated().map { i, type in
                let cell = cells[i + offset]
                switch type {
                case "bigint": return try cell.decode(Int64?.self).map(FieldValue.integer) ?? .null
                case "double": return try cell.decode(Double?.self).map(FieldValue.real) ?? .null
                case "bytea": return .null
                default: return try cell.decode(String?.self).map(FieldValue.text) ?? .null
                }
            }
            return AuxiliaryRow(geometry: shape, values: values)
        }
    }

    /// Appends to the change log under the lock that keeps change numbers committing in
    /// order, and notifies the replicas.
    func append(_ entry: ChangeLog.Entry) throws -> Int64 {
        _ = try PostGISLiveStore.rows(connection, Self.changeLock, logger: logger)
        let number = try PostGISLiveStore.rows(connection, Self.insert(entry), logger: logger).first?.decode(Int64.self) ?? 0
        _ = try PostGISLiveStore.rows(connection, Self.notify(number), logger: logger)
        return number
    }

    /// Taken before a change number is drawn: numbers commit in order.
    static let changeLock: PostgresQuery = "SELECT pg_advisory_xact_lock(\(PostGISLiveStore.changeLock))"

    /// The change-log row of `entry`, returning its number.
    static func insert(_ entry: ChangeLog.Entry) -> PostgresQuery {
        let values: [FieldValue] = [
            .text(entry.changedAt), .text(entry.author), .text(entry.role), entry.authorGrid.map(FieldValue.text) ?? .null,
            .text(entry.layer), .text(entry.featureID), .text(entry.operation.rawValue), PostGISLiveStore.text(entry.before), PostGISLiveStore.text(entry.after),
            entry.requestKey.map(FieldValue.text) ?? .null,
        ]
        let columns = ChangeLog.table.columns.map(\.name)
        return PostgresQuery(
            unsafeSQL: "INSERT INTO \(ChangeLog.table.name) (\(columns.joined(separator: ", "))) VALUES (\((1...columns.count).map { "$\($0)" }.joined(separator: ", "))) RETURNING fid",
            binds: PostGISLiveStore.binds(values))
    }

    /// Tells the listening replicas of change `number`.
    static func notify(_ number: Int64) -> PostgresQuery { "SELECT pg_notify(\(PostGISLiveStore.channel), \(String(number)))" }
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
