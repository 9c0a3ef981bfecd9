import ArgumentParser
import Foundation
import Logging
import OneMapPostGIS

/// `onemap db`: a PostgreSQL database with PostGIS as OneMap's store.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "A PostgreSQL + PostGIS database as OneMap's store: make or migrate its schema.",
        subcommands: [Initialize.self])

    struct Initialize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Enable PostGIS and create OneMap's tables (the six layers with their edit triggers, the change log, incidents, risk-map versions, photos), or migrate them to this build's schema version. Safe to run again.")

        @Argument(help: "postgres://user@host:port/database, or postgres:///database?host=/socket/folder (password: PGPASSWORD or ~/.pgpass)")
        var url: String

        func run() throws {
            let location: PostGISLocation
            do { location = try PostGISLocation(url) } catch { throw ValidationError(error.description) }
            var quiet = Logger(label: "onemap.db")
            quiet.logLevel = .error
            let logger = quiet
            let (from, to) = try runAsync { try await PostGISStore.initialize(location, logger: logger) }
            if from == to {
                print("\(location): already at OneMap schema version \(to); nothing to do")
            } else if from == 0 {
                print("\(location): PostGIS enabled, OneMap schema version \(to) created (the six layers, the change log, incidents, risk-map versions, photos)")
            } else {
                print("\(location): OneMap schema migrated from version \(from) to \(to)")
            }
        }
    }
}
