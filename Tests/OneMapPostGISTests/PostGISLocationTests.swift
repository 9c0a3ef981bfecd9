import Foundation
import OneMapPostGIS
import Testing

/// `postgres://` URLs read as libpq reads them, passwords found where libpq finds them and
/// never shown.
@Suite struct PostGISLocationTests {
    let none: [String: String] = [:]

    @Test func urlsReadAsLibpqReadsThem() throws {
        let tcp = try PostGISLocation("postgres://alice@db.example:5433/city", environment: none, home: "/nonexistent")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 5433) && tcp.user == "alice" && tcp.database == "city" && tcp.tls == .prefer)
        #expect(tcp.password == nil)
        let socket = try PostGISLocation("postgresql:///city?host=/run/pg&port=6000&user=bob", environment: none, home: "/nonexistent")
        #expect(socket.endpoint == .socket(folder: "/run/pg", port: 6000) && socket.user == "bob" && socket.tls == .disable)
        let encoded = try PostGISLocation("postgres://carol@%2Fvar%2Frun%2Fpostgresql/onemap", environment: none, home: "/nonexistent")
        #expect(encoded.endpoint == .socket(folder: "/var/run/postgresql", port: 5432) && encoded.database == "onemap")
        let defaults = try PostGISLocation("postgres://", environment: ["USER": "dave", "PGPORT": "5999"], home: "/nonexistent")
        #expect(defaults.endpoint == .socket(folder: "/var/run/postgresql", port: 5999) && defaults.user == "dave" && defaults.database == "dave")
        let fromEnvironment = try PostGISLocation("postgres://", environment: ["PGHOST": "10.1.2.3", "PGUSER": "eve", "PGDATABASE": "m", "PGSSLMODE": "require"],
                                                  home: "/nonexistent")
        #expect(fromEnvironment.endpoint == .tcp(host: "10.1.2.3", port: 5432) && fromEnvironment.user == "eve" && fromEnvironment.database == "m")
        #expect(fromEnvironment.tls == .require)
        let v6 = try PostGISLocation("postgres://u@[::1]:5432/d", environment: none, home: "/nonexistent")
        #expect(v6.endpoint == .tcp(host: "::1", port: 5432) && v6.description == "postgres://u@[::1]:5432/d")
    }

    @Test func badURLsAreRefusedByName() {
        for (text, says) in [("/data/city.gpkg", "not a postgres:// URL"), ("postgres://u@h:0/d", "port"), ("postgres://u@h:70000/d", "port"),
                             ("postgres://u@h/d?sslmode=verify-full", "sslmode"), ("postgres://u@h/d?colour=red", "unknown parameter 'colour'"),
                             ("postgres://u@h/a/b", "not one name")] {
            #expect {
                try PostGISLocation(text, environment: [:], home: "/nonexistent")
            } throws: { error in
                "\(error)".contains(says)
            }
        }
    }

    @Test func thePasswordComesFromTheURLTheEnvironmentOrThePassFileAndIsNeverShown() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(".pgpass").path
        try """
        # comments and short lines are skipped
        nonsense
        db.example:5433:other:alice:wrong
        db.example:5433:city:alice:s3cr\\:et
        *:*:*:bob:anything
        localhost:6000:*:carol:by-socket
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try PostGISLocation("postgres://alice@db.example:5433/city", environment: [:], home: folder.path)
        #expect(fromFile.password == "s3cr:et")
        #expect(try PostGISLocation("postgres://bob@x/y", environment: ["PGPASSFILE": file], home: "/nonexistent").password == "anything")
        #expect(try PostGISLocation("postgres:///m?host=/run/pg&port=6000&user=carol", environment: [:], home: folder.path).password == "by-socket")
        #expect(try PostGISLocation("postgres://zed@db.example/city", environment: [:], home: folder.path).password == nil)
        let environment = try PostGISLocation("postgres://alice@db.example:5433/city", environment: ["PGPASSWORD": "from-env"], home: folder.path)
        #expect(environment.password == "from-env")
        let inline = try PostGISLocation("postgres://alice:hunter2@db.example:5433/city", environment: ["PGPASSWORD": "from-env"], home: folder.path)
        #expect(inline.password == "hunter2")
        #expect(!inline.description.contains("hunter2") && !"\(inline)".contains("hunter2"))
        #expect {
            try PostGISLocation("postgres://alice:hunter2@db.example:99999/city", environment: [:], home: "/nonexistent")
        } throws: { error in
            !"\(error)".contains("hunter2")
        }
    }
}
