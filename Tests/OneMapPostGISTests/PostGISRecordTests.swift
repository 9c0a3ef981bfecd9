import Foundation
import OneMap
import OneMapPostGIS
import OneMapTestSupport
import Testing

/// Features copied into PostGIS and read back are the same records: every geometry type
/// bit for bit, every value type, text that COPY must escape, properties as written.
@Suite struct PostGISRecordTests {
    static func store(_ cluster: PostgresCluster, _ label: String) async throws -> (PostGISStore, String) {
        let database = try cluster.createDatabase(label)
        let location = try PostGISLocation(cluster.url(database))
        try await PostGISStore.initialize(location)
        return (try await PostGISStore.connect(location), database)
    }

    @Test func edgeRecordsComeBackEqual() async throws {
        let cluster = try PostgresCluster.shared()
        let (store, database) = try await Self.store(cluster, "edges")
        defer { Task { await store.close() } }
        let ring = [Coordinate(109.1, 39.1), Coordinate(109.2, 39.1), Coordinate(109.2, 39.2), Coordinate(109.1, 39.1)]
        let hole = [Coordinate(109.12, 39.12), Coordinate(109.15, 39.12), Coordinate(109.15, 39.15), Coordinate(109.12, 39.12)]
        let geometries: [Geometry] = [
            .point(Coordinate(109.780_123_456_789_01, 39.608_765_432_109_87)), .point(Coordinate(-179.999_999_999, -89.999_999_999)),
            .lineString([Coordinate(0.1, 0.2), Coordinate(1e-9, -0.0), Coordinate(179.9, 89.9)]), .polygon([ring, hole]),
            .multiPolygon([[ring], [hole.reversed()]]), .multiLineString([[Coordinate(1, 2), Coordinate(3, 4)], [Coordinate(5, 6), Coordinate(7, 8)]]),
            .multiPoint([Coordinate(1, 1), Coordinate(2, 2)]),
        ]
        let texts = ["第296社区在建工地1号", "tab\there", "line\nbreak\r\n", #"back\slash \N not null"#, "", "'quotes' \"and\" ; DROP TABLE hazards;--"]
        let hazards = (0..<300).map { i -> LayerRecord in
            let named: [String: FieldValue] = [
                "name": .text(texts[i % texts.count]), "level": i % 5 == 0 ? .null : .integer(Int64(1 + i % 4)),
                "impact_distance_m": .real([0, -0.0, 40, 0.1, 99_999.999_999_9, 1e-300][i % 6]),
                "major_hazard_grade": i % 7 == 0 ? .integer(.max) : .null, "status": .text("registered"),
                "reported_at": .text("2026-02-16T18:28:15+08:00"),
            ]
            let extra: [JSONMember] = i % 3 == 0 ? [] : [JSONMember("来源", .string("巡查\t\\")), JSONMember("n", .number(Double(i))),
                                                         JSONMember("nested", .object([JSONMember("a", .array([.bool(true), .null]))]))]
            return LayerRecord(id: "H-\(i)", geometry: geometries[i % geometries.count], values: Layer.hazards.columns.map { named[$0.name] ?? .null }, extra: extra)
        }
        #expect(try await store.copy(hazards, into: .hazards) == 300)
        let back = try await store.records(in: .hazards)
        #expect(back.count == hazards.count)
        for (a, b) in zip(back, hazards) {
            #expect(a == b, "\(b.id)")
            #expect(a.geometry == b.geometry && a.extra == b.extra, "\(b.id)")
        }
        // PostGIS itself sees the same points (its own parse of what was sent).
        #expect(try cluster.psql("SELECT ST_X(geom) || ' ' || ST_Y(geom) FROM hazards WHERE id = 'H-0'", database: database) == "109.78012345678901 39.60876543210987")
        #expect(try cluster.psql("SELECT ST_SRID(geom) FROM hazards GROUP BY 1", database: database) == "4326")
        // Replacing: the layer holds the new records only; a refused record leaves it as it was.
        #expect(try await store.copy(Array(hazards.prefix(10)), into: .hazards, replacing: true) == 10)
        await #expect {
            try await store.copy([hazards[20], hazards[20]], into: .hazards, replacing: true)
        } throws: { error in
            "\(error)".contains("duplicate key") && "\(error)".contains("H-20")
        }
        #expect(try await store.records(in: .hazards).map(\.id) == hazards.prefix(10).map(\.id))
    }

    /// The demo's six layers, copied from its GeoPackage, read back equal to what the
    /// GeoPackage gives, and GDAL counts them.
    @Test func theDemoRoundTrips() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: path))
        let source = try GeoPackage(path: path, mode: .readOnly)
        let cluster = try PostgresCluster.shared()
        let (store, database) = try await Self.store(cluster, "demo")
        defer { Task { await store.close() } }
        for layer in try source.read({ try $0.layers() }) {
            let records = try source.read { session in
                var list: [LayerRecord] = []
                try session.forEachRecord(in: layer) { list.append($0) }
                return list
            }
            #expect(try await store.copy(records, into: layer) == records.count)
            #expect(try await store.records(in: layer) == records, "\(layer)")
            let counted = try runProcess("ogrinfo", ["-ro", "-so", cluster.gdalName(database), layer.tableName])
            #expect(counted.stdout.contains("Feature Count: \(records.count)"), "\(layer): \(counted.stdout)\(counted.stderr)")
        }
    }
}
