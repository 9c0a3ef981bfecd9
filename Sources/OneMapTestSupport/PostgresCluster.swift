import Foundation
import Synchronization

/// A private, throwaway PostgreSQL 15 cluster for the PostGIS tests: `initdb` in a temporary
/// folder, `pg_ctl start` listening on a Unix socket in that folder and on a free loopback
/// port, trust authentication for its one superuser `onemap`. The test command
/// (`tools/test.sh`) starts one and names it in `ONEMAP_TEST_POSTGRES` (its socket folder
/// and port, `FOLDER:PORT`); without that, the first test that asks starts one for the
/// test process and stops it when the process exits. Each test makes its own database.
public final class PostgresCluster: Sendable {
    public let socketFolder: String
    public let port: Int
    public let user = "onemap"
    /// Where the server's programs are (initdb, pg_ctl, psql's siblings).
    public static let binaries = "/usr/lib/postgresql/15/bin"

    init(socketFolder: String, port: Int) {
        self.socketFolder = socketFolder
        self.port = port
    }

    private static let started = Mutex<Result<PostgresCluster, ClusterError>?>(nil)

    /// The cluster of this test run, started on first use.
    public static func shared() throws -> PostgresCluster {
        try started.withLock { started in
            if let started { return try started.get() }
            let result: Result<PostgresCluster, ClusterError>
            if let named = ProcessInfo.processInfo.environment["ONEMAP_TEST_POSTGRES"], let colon = named.lastIndex(of: ":"),
               let port = Int(named[named.index(after: colon)...]) {
                result = .success(PostgresCluster(socketFolder: String(named[..<colon]), port: port))
            } else {
                result = Result { () throws(ClusterError) in try start() }
            }
            started = result
            return try result.get()
        }
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public var description: String
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/postgres-cluster.sh").path

    /// A cluster of the caller's own (one a test may stop and start), stopped at exit if
    /// not before (``stop()``).
    public static func startPrivate() throws -> PostgresCluster { try start() }

    /// Stops the server at once, as a crash would (its files stay): connections drop.
    public func pause() throws { try control("pause") }
    /// Starts it again, on the same port.
    public func resume() throws { try control("resume") }
    /// Stops it and removes its files.
    public func stop() throws { try control("stop") }

    private func control(_ command: String) throws {
        let result = try runProcess("/bin/bash", [Self.script, command, socketFolder])
        guard result.status == 0 else { throw ClusterError(description: "tools/postgres-cluster.sh \(command): \(result.stderr)") }
    }

    /// Runs `tools/postgres-cluster.sh start` beside the sources and stops it at exit.
    static func start() throws(ClusterError) -> PostgresCluster {
        let script = Self.script
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onemap-pg-\(UUID().uuidString)").path
        let result: ProcessResult
        do { result = try runProcess("/bin/bash", [script, "start", folder]) } catch { throw ClusterError(description: "\(error)") }
        guard result.status == 0, let named = result.stdout.split(separator: "\n").last, let colon = named.lastIndex(of: ":"),
              let port = Int(named[named.index(after: colon)...]) else {
            throw ClusterError(description: "tools/postgres-cluster.sh start failed: \(result.stderr)\(result.stdout)")
        }
        stopAtExit(script: script, folder: folder)
        return PostgresCluster(socketFolder: String(named[..<colon]), port: port)
    }

    /// A `postgres://` URL of `database` over the socket.
    public func url(_ database: String) -> String {
        "postgres:///\(database)?host=\(socketFolder)&port=\(port)&user=\(user)"
    }

    /// The same database over TCP on loopback.
    public func tcpURL(_ database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// GDAL's name of `database` (`PG:…`).
    public func gdalName(_ database: String) -> String {
        "PG:host=\(socketFolder) port=\(port) user=\(user) dbname=\(database)"
    }

    /// A new empty database with a fresh name.
    public func createDatabase(_ label: String = "t") throws -> String {
        let name = "\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try psql("CREATE DATABASE \(name)", database: "postgres")
        return name
    }

    /// Runs `sql` with psql and returns its unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String, database: String) throws -> String {
        let result = try runProcess("psql", ["-h", socketFolder, "-p", String(port), "-U", user, "-d", database,
                                             "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
        guard result.status == 0 else { throw ClusterError(description: "psql: \(sql): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The script and folders of the clusters this process started, for `atexit`.
private let startedClusters = Mutex<(script: String, folders: [String])>(("", []))

private func stopAtExit(script: String, folder: String) {
    let first = startedClusters.withLock { started in
        started.script = script
        started.folders.append(folder)
        return started.folders.count == 1
    }
    guard first else { return }
    atexit {
        let (script, folders) = startedClusters.withLock { $0 }
        for folder in folders where FileManager.default.fileExists(atPath: folder) {
            _ = try? runProcess("/bin/bash", [script, "stop", folder])
        }
    }
}
