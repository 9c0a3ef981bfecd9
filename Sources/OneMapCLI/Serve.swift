import ArgumentParser
import Foundation
import Hummingbird
import Logging
import OneMap
import OneMapPostGIS
import OneMapServer

/// `onemap serve`: the HTTP service over a GeoPackage or a PostGIS database.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a GeoPackage or a PostGIS database over HTTP: OGC API Features, queries, the one map, tiles, field reports and the web map at /map.",
        discussion: """
            --data postgres://user@host:port/database serves a database made with onemap db init: start as many \
            replicas over one database as the load needs; each applies the others' writes within a second (at once \
            on notification). The password comes from PGPASSWORD or ~/.pgpass, never from the command line's log.
            """)

    @Option(help: "The GeoPackage to serve, or a postgres:// URL (loaded into memory; writes are committed to it).")
    var data = "onemap.gpkg"
    @Option(help: "Connections to a postgres:// database this replica holds at most (one more listens for the others' writes).")
    var poolSize = 4
    @Option(help: "With a postgres:// --data: read the map at start from this database instead (a streaming standby of it), then catch up from --data.")
    var loadFrom: String?
    @Option(help: "With a postgres:// --data through pgbouncer in transaction mode: the database itself, for the connection that listens for the other replicas' writes.")
    var listenAt: String?
    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "The port (0: any free port, printed at start).")
    var port = 8080
    @Option(help: "Bearer tokens and roles, as JSON (without it, the service is read-only).")
    var tokens: String?
    @Option(help: "The risk rules (default: ONEMAP_RULES, else config/risk-rules.json here, else the built-in DOMAIN.md rules).")
    var rules: String?
    @Option(help: "Planning standards for /plan/… (default: ONEMAP_PLANNING, else config/planning.json here, else the built-in GB 50413 values).")
    var planning: String?
    @Option(help: "Incident kinds, zones, targets and relief kits for /incidents (default: ONEMAP_INCIDENTS, else config/incidents.json here, else built in).")
    var incidents: String?
    @Option(help: "Rectification deadlines, supervision, photo and live-feed limits (default: ONEMAP_FIELD, else config/field.json here, else built in).")
    var field: String?
    @Option(help: "The tile style (default: ONEMAP_STYLE, else config/style.json here, else the built-in style).")
    var style: String?
    @Option(help: "Where the tile caches go (default: beside the GeoPackage).")
    var cacheDirectory: String?
    @Option(help: "trace, debug (logs every request), info, notice, warning, error.")
    var logLevel = "info"
    @Option(help: "CPU-heavy requests at once (plans, evacuation plans, service areas, tiles drawn on demand); more answer 503 (default: the core count).")
    var maxHeavy = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seconds one heavy request may take before it answers 503 and stops.")
    var budget = 60
    @Option(help: "Seconds before an idle connection (or one that never finishes its headers) is closed.")
    var idleTimeout = 30
    @Option(help: "Most vertices in one reported geometry (422 above).")
    var maxVertices = 10_000
    @Option(help: "Most tiles each on-demand tile cache keeps (least recently used dropped beyond it).")
    var maxCachedTiles = 100_000
    @Option(help: "Failed authentications one client address may make in a minute; past them it gets 429 with Retry-After.")
    var maxAuthFailures = 10

    func validate() throws {
        guard (1...256).contains(maxHeavy) else { throw ValidationError("--max-heavy takes 1…256, not \(maxHeavy)") }
        guard (1...3600).contains(budget) else { throw ValidationError("--budget takes 1…3600 seconds, not \(budget)") }
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout takes 1…3600 seconds, not \(idleTimeout)") }
        guard (4...10_000_000).contains(maxVertices) else { throw ValidationError("--max-vertices takes 4…10,000,000, not \(maxVertices)") }
        guard (1...1_000_000).contains(maxAuthFailures) else { throw ValidationError("--max-auth-failures takes 1…1,000,000, not \(maxAuthFailures)") }
        if loadFrom != nil, !Stores.isDatabase(data) { throw ValidationError("--load-from needs a postgres:// --data (a standby of that database)") }
        if let listenAt, !Stores.isDatabase(data) || !Stores.isDatabase(listenAt) { throw ValidationError("--listen-at takes a postgres:// URL and needs a postgres:// --data") }
        guard (1...1000).contains(poolSize) else { throw ValidationError("--pool-size takes 1…1000, not \(poolSize)") }
        guard (16...100_000_000).contains(maxCachedTiles) else { throw ValidationError("--max-cached-tiles takes 16…100,000,000, not \(maxCachedTiles)") }
    }

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: '\(logLevel)' is not a level") }
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        var logger = Logger(label: "onemap")
        logger.logLevel = level
        var options = ServiceOptions(dataPath: data)
        options.host = host
        options.port = port
        options.tokensPath = tokens
        options.rulesPath = rules
        options.planningPath = planning
        options.incidentsPath = incidents
        options.fieldPath = field
        options.stylePath = style
        options.cacheDirectory = cacheDirectory
        options.poolSize = poolSize
        options.loadFrom = loadFrom
        options.listenAt = listenAt
        options.maxHeavyRequests = maxHeavy
        options.heavyBudget = .seconds(budget)
        options.idleTimeout = .seconds(idleTimeout)
        options.maxVertices = maxVertices
        options.maxCachedTiles = maxCachedTiles
        options.authFailures = FailedAuthentications.Limit(failures: maxAuthFailures, window: .seconds(60))
        let service: OneMapService
        do {
            service = try OneMapService(options: options, logger: logger)
        } catch let error as ServiceError {
            throw ValidationError(error.description)
        } catch let error as TokenFileError {
            throw ValidationError(error.description)
        } catch let error as FieldConfig.Failure {
            throw ValidationError(error.description)
        } catch let error as PostGISError {
            throw ValidationError(error.description)
        } catch let error as StorageError where Stores.isDatabase(data) {
            throw ValidationError(error.description)
        }
        // `kill -HUP` reads the tokens file again (added and revoked tokens, no restart).
        let hangup = OneMapServer.reloadTokensOnHangup(service, logger: logger)
        defer { hangup.cancel() }
        // Edits other programs commit to the file (the CLI, QGIS, ogr2ogr) appear within a second.
        let watcher = OneMapServer.watchEditsFromElsewhere(service, logger: logger)
        defer { watcher.cancel() }
        let announcer = logger
        let app = OneMapServer.application(service, logger: logger) { port in
            announcer.notice("serving", metadata: ["url": "http://\(host):\(port)/", "map": "http://\(host):\(port)/map"])
        }
        try runUntilDone { try await app.runService() }
    }
}

/// Runs async work to its end from a synchronous command (the root command is
/// synchronous so that every other subcommand stays plain).
func runUntilDone(_ work: @escaping @Sendable () async throws -> Void) throws {
    _ = try runAsync(work)
}

/// Runs async `work` from a synchronous command and returns what it returns.
func runAsync<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = OutcomeBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { outcome.set(.success(try await work())) } catch { outcome.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    guard let result = outcome.result else { throw CancellationError() }
    return try result.get()
}

private final class OutcomeBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<T, any Error>?
    var result: Result<T, any Error>? { lock.withLock { stored } }
    func set(_ result: Result<T, any Error>) { lock.withLock { stored = result } }
}
