import Foundation
import Logging
import OneMapStorage
import PostgresNIO

/// A OneMap database in PostgreSQL with PostGIS, over one connection.
public final class PostGISStore: Sendable {
    public let location: PostGISLocation
    let connection: PostgresConnection
    let logger: Logger

    private init(location: PostGISLocation, connection: PostgresConnection, logger: Logger) {
        self.location = location
        self.connection = connection
        self.logger = logger
    }

    /// Connects to `location` (its password is sent to the server, never logged).
    public static func connect(_ location: PostGISLocation, logger: Logger = quiet) async throws(PostGISError) -> PostGISStore {
        let configuration = try configuration(location)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostGISStore(location: location, connection: connection, logger: logger)
        } catch {
            throw .unreachable(location: location.description, reason: Self.reason(error))
        }
    }

    /// How PostgresNIO reaches `location`: TCP (with TLS as its `sslmode` says) or a socket.
    static func configuration(_ location: PostGISLocation) throws(PostGISError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        do {
            switch location.endpoint {
            case .tcp(let host, let port):
                var client = TLSConfiguration.makeClientConfiguration()
                // As libpq's prefer and require: encrypted, the server's certificate not checked.
                client.certificateVerification = .none
                let tls: PostgresConnection.Configuration.TLS = switch location.tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: client))
                case .require: .require(try NIOSSLContext(configuration: client))
                }
                configuration = .init(host: host, port: port, username: location.user, password: location.password,
                                      database: location.database, tls: tls)
            case .socket(let folder, let port):
                configuration = .init(unixSocketPath: (folder as NSString).appendingPathComponent(".s.PGSQL.\(port)"),
                                      username: location.user, password: location.password, database: location.database)
            }
        } catch {
            throw .unreachable(location: location.description, reason: "TLS could not be set up: \(error)")
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    public func close() async {
        try? await connection.close()
    }

    /// The schema version the database is at: 0 when it has no OneMap schema.
    public func schemaVersion() async throws(PostGISError) -> Int {
        try await run("reading the schema version") {
            try await Self.schemaVersion(on: self.connection, logger: self.logger)
        }
    }

    /// Refuses a database that is not at this build's schema, saying what to run.
    public func requireCurrentSchema() async throws(PostGISError) {
        try Self.requireCurrent(try await schemaVersion(), at: location)
    }

    /// Refuses schema `version` of the database at `location` unless it is this build's.
    static func requireCurrent(_ version: Int, at location: PostGISLocation) throws(PostGISError) {
        guard version != PostGISSchema.current else { return }
        throw .unusable(location: location.description, reason: version == 0
            ? "it has no OneMap schema yet: run onemap db init \(location) first"
            : "it is at OneMap schema version \(version), this build's is \(PostGISSchema.current): run onemap db init \(location)")
    }

    /// Whether the database has OneMap's metadata table, and the schema version it records.
    static let hasMetadata: PostgresQuery = "SELECT to_regclass('onemap_metadata') IS NOT NULL"
    static let recordedVersion: PostgresQuery = "SELECT value FROM onemap_metadata WHERE key = 'schema_version'"

    /// Brings the database to ``PostGISSchema/current``: PostGIS enabled, then every
    /// migration not yet applied, in one transaction under an advisory lock (two `db init`
    /// at once apply each migration once). Returns the versions before and after.
    @discardableResult
    public func initialize() async throws(PostGISError) -> (from: Int, to: Int) {
        let available = try await run("looking for PostGIS") {
            try await self.connection.query("SELECT count(*)::bigint FROM pg_available_extensions WHERE name = 'postgis'", logger: self.logger)
                .collect().first?.decode(Int64.self) ?? 0
        }
        guard available > 0 else {
            throw .unusable(location: location.description,
                            reason: "the server has no PostGIS extension to enable (Debian: apt-get install postgresql-15-postgis-3)")
        }
        return try await run("migrating the schema") {
            try await self.connection.withTransaction(logger: self.logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
                let from = try await Self.schemaVersion(on: connection, logger: self.logger)
                guard from <= PostGISSchema.current else {
                    throw PostGISError.unusable(location: self.location.description,
                                                reason: "it holds OneMap schema version \(from), newer than this build's \(PostGISSchema.current): use a newer onemap")
                }
                for version in (from + 1)..<(PostGISSchema.current + 1) {
                    for statement in PostGISSchema.migrations[version - 1] {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                }
                if from < PostGISSchema.current {
                    try await connection.query(
                        "INSERT INTO onemap_metadata (key, value) VALUES ('schema_version', \(String(PostGISSchema.current))) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        logger: self.logger)
                }
                return (from, PostGISSchema.current)
            }
        }
    }

    /// Connects to `location`, runs `body` with the store and closes the connection,
    /// whether `body` returns or throws.
    public static func using<T: Sendable>(_ location: PostGISLocation, logger: Logger = quiet,
                                          _ body: (PostGISStore) async throws -> T) async throws -> T {
        let store = try await connect(location, logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Connects to `location`, brings it to the current schema and closes the connection
    /// (what `onemap db init` does).
    @discardableResult
    public static func initialize(_ location: PostGISLocation, logger: Logger = quiet) async throws -> (from: Int, to: Int) {
        try await using(location, logger: logger) { try await $0.initialize() }
    }

    /// A logger of the driver's errors only (the command line's default).
    public static let quiet: Logger = {
        var logger = Logger(label: "onemap.postgis")
        logger.logLevel = .error
        return logger
    }()

    /// The advisory lock key migrations hold ("OneMap" in ASCII).
    static let migrationLock: Int64 = 0x4F6E_654D_6170

    static func schemaVersion(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let present = try await connection.query(hasMetadata, logger: logger).collect().first?.decode(Bool.self) ?? false
        guard present else { return 0 }
        let text = try await connection.query(recordedVersion, logger: logger).collect().first?.decode(String.self)
        return text.flatMap { Int($0) } ?? 0
    }

    /// Runs `body`, naming `step` and the location in any error.
    func run<T>(_ step: String, _ body: () async throws -> T) async throws(PostGISError) -> T {
        do {
            return try await body()
        } catch let error as PostGISError {
            throw error
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? PostGISError { throw inner }
            throw .failed(location: location.description, step: step, reason: Self.reason(error))
        } catch {
            throw .failed(location: location.description, step: step, reason: Self.reason(error))
        }
    }

    /// What the server said (its message, detail and hint), or the client's error code:
    /// PostgresNIO's own description hides both.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.rollbackError, error.commitError].compactMap { $0 }.first.map(reason) ?? "\(error)"
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            return [message, info[.detail].map { "(\($0))" }, info[.hint].map { "hint: \($0)" }, info[.sqlState].map { "[SQLSTATE \($0)]" }]
                .compactMap { $0 }.joined(separator: " ")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
