import ArgumentParser
import Foundation
import Hummingbird
import Logging
import OneMap
import OneMapServer

/// `onemap serve`: the HTTP service over a GeoPackage.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a GeoPackage over HTTP: OGC API Features, queries, the one map, tiles, field reports and the web map at /map.")

    @Option(help: "The GeoPackage to serve (loaded into memory; writes are committed to it).")
    var data = "onemap.gpkg"
    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "The port (0: any free port, printed at start).")
    var port = 8080
    @Option(help: "Bearer tokens and roles, as JSON (without it, the service is read-only).")
    var tokens: String?
    @Option(help: "The risk rules (default: config/risk-rules.json when present, else the standard rules).")
    var rules: String?
    @Option(help: "Planning standards for /plan/… (default: config/planning.json when present, else GB 50413 values).")
    var planning: String?
    @Option(help: "The tile style (default: tiles/style.json, or ONEMAP_STYLE).")
    var style: String?
    @Option(help: "Where the tile caches go (default: beside the GeoPackage).")
    var cacheDirectory: String?
    @Option(help: "trace, debug (logs every request), info, notice, warning, error.")
    var logLevel = "info"

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
        options.stylePath = style
        options.cacheDirectory = cacheDirectory
        let service: OneMapService
        do {
            service = try OneMapService(options: options, logger: logger)
        } catch let error as ServiceError {
            throw ValidationError(error.description)
        }
        let announcer = logger
        let app = OneMapServer.application(service, logger: logger) { port in
            announcer.notice("serving", metadata: ["url": "http://\(host):\(port)/", "map": "http://\(host):\(port)/map"])
        }
        try runUntilDone { try await app.runService() }
    }
}

/// Runs async work to its end from a synchronous command (the root command is
/// synchronous so that every other subcommand stays plain).
private func runUntilDone(_ work: @escaping @Sendable () async throws -> Void) throws {
    let outcome = OutcomeBox()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { try await work() } catch { outcome.set(error) }
        done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
}

private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    var error: (any Error)? { lock.withLock { stored } }
    func set(_ error: any Error) { lock.withLock { stored = error } }
}
