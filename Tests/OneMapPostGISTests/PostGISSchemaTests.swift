import Foundation
import OneMapPostGIS
import OneMapStorage
import OneMapTestSupport
import Testing

/// `db init` on a real PostgreSQL 15 + PostGIS 3 (the test run's private cluster): the
/// schema a PostGIS user and GDAL expect, made once, migrated by version, refused when newer.
@Suite struct PostGISSchemaTests {
    static func initialize(_ url: String) async throws -> (from: Int, to: Int) {
        try await PostGISStore.initialize(PostGISLocation(url))
    }

    @Test func initMakesTheLayersAndTheChangeLogOnceAndGDALReadsThem() async throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase("init")
        let first = try await Self.initialize(cluster.url(database))
        #expect(first.from == 0 && first.to == PostGISSchema.current)
        // Again, over TCP this time: nothing to do.
        let again = try await Self.initialize(cluster.tcpURL(database))
        #expect(again.from == PostGISSchema.current && again.to == PostGISSchema.current)
        #expect(try cluster.psql("SELECT value FROM onemap_metadata WHERE key = 'schema_version'", database: database) == String(PostGISSchema.current))

        // Every layer: a geometry column in WGS84 of the layer's type, a GiST index, the id unique.
        let columns = try cluster.psql("SELECT f_table_name || ' ' || type || ' ' || srid FROM geometry_columns ORDER BY 1", database: database)
        let expected = Layer.allCases.map { layer -> String in
            let type = switch layer.geometryRule {
            case .any: "GEOMETRY"
            case .point: "POINT"
            case .lineString: "LINESTRING"
            case .multiPolygon: "MULTIPOLYGON"
            }
            return "\(layer.tableName) \(type) 4326"
        }
        // OneMap's own tables with a place (version 2): any geometry in WGS84.
        let own = (IncidentTables.all + PostGISSchema.riskTables).filter { $0.geometryType != nil }.map { "\($0.name) GEOMETRY 4326" }
        let allExpected = (expected + own).sorted()
        #expect(columns.split(separator: "\n").map(String.init) == allExpected)
        for layer in Layer.allCases {
            let gist = try cluster.psql("SELECT count(*) FROM pg_indexes WHERE tablename = '\(layer.tableName)' AND indexdef LIKE '%USING gist (geom)%'", database: database)
            #expect(gist == "1", "\(layer)")
            let typed = try cluster.psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '\(layer.tableName)'",
                                         database: database)
            #expect(typed == (["fid", "geom", "id"] + layer.columns.map(\.name) + ["properties"]).joined(separator: ","), "\(layer)")
        }
        #expect(try cluster.psql("SELECT obj_description('hazards'::regclass)", database: database) == Layer.hazards.title)
        let log = try cluster.psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'onemap_changes'",
                                   database: database)
        #expect(log == (["fid"] + ChangeLog.table.columns.map(\.name)).joined(separator: ","))
        for table in IncidentTables.all + PostGISSchema.riskTables {
            let columns = try cluster.psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '\(table.name)'",
                                           database: database)
            #expect(columns == (["fid"] + (table.geometryType == nil ? [] : ["geom"]) + table.columns.map(\.name)).joined(separator: ","), "\(table.name)")
        }
        let media = try cluster.psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '\(MediaTables.media)'",
                                     database: database)
        #expect(media == MediaTables.columns.map(\.name).joined(separator: ","))

        // GDAL's PostgreSQL driver lists the six layers and OneMap's tables with a place, with their geometry types.
        let info = try runProcess("ogrinfo", ["-ro", "-q", cluster.gdalName(database)])
        #expect(info.status == 0, "\(info.stderr)")
        // Lines "N: name (type)", no type for a layer of any geometry.
        let listed = Dictionary(uniqueKeysWithValues: info.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let rest = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let open = rest.firstIndex(of: "(") else { return (rest, "") }
            return (rest[..<open].trimmingCharacters(in: .whitespaces), String(rest[rest.index(after: open)...].dropLast()))
        })
        #expect(listed == ["admin_units": "Multi Polygon", "grids": "Multi Polygon", "hazards": "", "shelters": "",
                           "facilities": "Point", "roads": "Line String", "incidents": "", "incident_zones": "", "risk_areas": ""], "\(info.stdout)")
    }

    /// A database an older build made (version 1: the layers and the change log) migrates
    /// forward with its features kept, and gains what the versions since bring.
    @Test func aVersionOneDatabaseMigratesForwardKeepingItsFeatures() async throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase("old")
        for statement in PostGISSchema.migrations[0] { try cluster.psql(statement, database: database) }
        try cluster.psql("INSERT INTO onemap_metadata (key, value) VALUES ('schema_version', '1')", database: database)
        try cluster.psql("INSERT INTO hazards (geom, id, kind, level, status) VALUES (ST_SetSRID(ST_MakePoint(109.9, 39.6), 4326), 'OLD-1', 'mine', 2, 'registered')",
                         database: database)
        let migrated = try await Self.initialize(cluster.url(database))
        #expect(migrated.from == 1 && migrated.to == PostGISSchema.current)
        #expect(try cluster.psql("SELECT id || ' ' || level FROM hazards", database: database) == "OLD-1 2")
        #expect(try cluster.psql("SELECT count(*) FROM pg_tables WHERE tablename IN ('incidents', 'incident_zones', 'incident_reports', 'risk_versions', 'risk_areas', 'onemap_media', 'hazards_media', 'incident_reports_media')",
                                 database: database) == "8")
        // Version 3's trigger logs an edit made outside OneMap.
        try cluster.psql("UPDATE hazards SET level = 1 WHERE id = 'OLD-1'", database: database)
        #expect(try cluster.psql("SELECT operation || ' ' || feature_id || ' ' || role FROM onemap_changes", database: database) == "update OLD-1 database")
    }

    @Test func aNewerSchemaIsRefusedAndTwoInitsAtOnceMigrateOnce() async throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase("race")
        let url = cluster.url(database)
        async let a = Self.initialize(url)
        async let b = Self.initialize(url)
        let (x, y) = try await (a, b)
        // One made the schema, the other found it made (the advisory lock serialises them).
        #expect([x.from, y.from].sorted() == [0, PostGISSchema.current])
        try cluster.psql("UPDATE onemap_metadata SET value = '99' WHERE key = 'schema_version'", database: database)
        await #expect {
            try await Self.initialize(url)
        } throws: { error in
            "\(error)".contains("schema version 99, newer than this build's \(PostGISSchema.current)")
        }
    }

    @Test func anUnreachableDatabaseIsNamedWithoutItsPassword() async throws {
        let cluster = try PostgresCluster.shared()
        await #expect {
            try await Self.initialize("postgres://onemap:topsecret@127.0.0.1:\(cluster.port)/no_such_database?sslmode=disable")
        } throws: { error in
            let text = "\(error)"
            return text.contains("no_such_database") && text.contains("does not exist") && !text.contains("topsecret")
        }
    }
}

/// `onemap db init` as a user runs it: the password from PGPASSWORD is used and never printed.
@Suite struct DatabaseCommandTests {
    /// A replica that cannot reach its database at start says it cannot connect (before, the
    /// running server's "reads go on from memory" when nothing was loaded), and never shows the password.
    @Test func serveWithoutItsDatabaseSaysItCannotConnect() throws {
        let refused = try runProcess(Repository.onemapExecutable, ["serve", "--data", "postgres://onemap:sekrit@127.0.0.1:1/none?sslmode=disable", "--port", "0"])
        #expect(refused.status != 0 && refused.stderr.contains("cannot connect to postgres://onemap@127.0.0.1:1/none"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("reads go on") && !(refused.stderr + refused.stdout).contains("sekrit"))
    }

    @Test func dbInitCreatesThenFindsNothingToDo() throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase("cli")
        let onemap = Repository.onemapExecutable
        let first = try runProcess("/usr/bin/env", ["PGPASSWORD=not-needed-here", onemap, "db", "init", cluster.url(database)])
        #expect(first.status == 0 && first.stdout.contains("schema version \(PostGISSchema.current) created"), "\(first.stdout)\(first.stderr)")
        let again = try runProcess(onemap, ["db", "init", cluster.url(database)])
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM hazards", database: database) == "0")
        let wrong = try runProcess(onemap, ["db", "init", "postgres://onemap:sekrit@127.0.0.1:\(cluster.port)/missing_db?sslmode=disable"])
        #expect(wrong.status != 0 && wrong.stderr.contains("missing_db") && !(wrong.stderr + wrong.stdout).contains("sekrit"), "\(wrong.stderr)")
        let bad = try runProcess(onemap, ["db", "init", "city.gpkg"])
        #expect(bad.status != 0 && bad.stderr.contains("not a postgres:// URL"), "\(bad.stderr)")
    }
}
