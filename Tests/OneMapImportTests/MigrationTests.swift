import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Files from earlier versions keep working: a file in the wave-1 schema (the committed DDL,
/// Tests/Fixtures/wave1-schema.sql), with features GDAL added, opens migrated and intact.
@Suite struct MigrationTests {
    func wave1(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.path("wave1.gpkg")
        let ddl = try String(contentsOfFile: Repository.path("Tests/Fixtures/wave1-schema.sql"), encoding: .utf8)
        let made = try runProcess("sqlite3", [path], stdin: ddl)
        #expect(made.status == 0, "\(made.stderr)")
        let layers: [(String, String)] = [
            ("grids", #"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[109.70,39.60],[109.71,39.60],[109.71,39.61],[109.70,39.61],[109.70,39.60]]]]},"properties":{"id":"G-1","name":"甲网格","population":1200}}"#),
            ("hazards", #"{"type":"Feature","geometry":{"type":"Point","coordinates":[109.705,39.605]},"properties":{"id":"H-1","name":"加油站","level":2,"status":"registered"}}"#),
            ("shelters", #"{"type":"Feature","geometry":{"type":"Point","coordinates":[109.706,39.606]},"properties":{"id":"S-1","name":"广场","capacity":500}}"#),
        ]
        for (layer, feature) in layers {
            let src = try dir.write("\(layer).geojson", #"{"type":"FeatureCollection","features":[\#(feature)]}"#)
            let r = try runProcess("ogr2ogr", ["-update", "-append", "-nln", layer, path, src])
            #expect(r.status == 0, "\(layer): \(r.stderr)")
        }
        return path
    }

    func sql(_ path: String, _ query: String) throws -> String {
        try runProcess("sqlite3", [path, query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aWave1FileOpensMigratedAndIntact() throws {
        let dir = try TemporaryDirectory()
        let path = try wave1(dir)
        #expect(try sql(path, "SELECT count(*) FROM sqlite_master WHERE name = 'onemap_metadata'") == "0")
        #expect(try GeoPackage(path: path, mode: .readOnly).read { try $0.schemaVersion() } == 1)

        let store = try GeoPackage(path: path, mode: .readWrite)
        #expect(try store.read { try $0.schemaVersion() } == SchemaVersion.current)
        // Version 2's change log arrived, registered so GDAL lists it; version 3's derived fields are filled.
        #expect(try sql(path, "SELECT data_type FROM gpkg_contents WHERE table_name = 'onemap_changes'") == "attributes")
        // Version 4's edit journal, with its triggers on the layers GDAL wrote.
        #expect(try sql(path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'onemap_edits_%'") == "\(4 * 6)")
        #expect(try sql(path, "SELECT id, code, population FROM grids") == "G-1|G-1|1200")
        #expect(try sql(path, "SELECT id, name, level, status, grid_code FROM hazards") == "H-1|加油站|2|registered|G-1")
        #expect(try sql(path, "SELECT id, capacity, status FROM shelters") == "S-1|500|open")
        // Intact for GDAL: the R-tree finds the hazard, the file validates as a GeoPackage.
        let found = try runProcess("ogrinfo", ["-ro", "-q", path, "hazards", "-spat", "109.70", "39.60", "109.71", "39.61"]).stdout
        #expect(found.contains("OGRFeature(hazards):1"))
        // And OneMap writes to it as to a file it made itself.
        let more = try dir.write("more.geojson", #"{"type":"Feature","id":"H-2","geometry":{"type":"Point","coordinates":[109.701,39.601]},"properties":{"level":"red"}}"#)
        _ = try Importer.run(more, into: path, options: ImportOptions(layer: .hazards))
        #expect(try sql(path, "SELECT grid_code FROM hazards WHERE id = 'H-2'") == "G-1")
    }

    @Test func aFileFromANewerOneMapIsRefusedForWritingWithTheReason() throws {
        let dir = try TemporaryDirectory()
        let path = try wave1(dir)
        _ = try GeoPackage(path: path, mode: .readWrite)  // now current
        #expect(try runProcess("sqlite3", [path, "UPDATE onemap_metadata SET value = '99' WHERE key = 'schema_version'"]).status == 0)
        #expect { try GeoPackage(path: path, mode: .readWrite) } throws: { "\($0)".contains("schema version 99, newer than this OneMap's \(SchemaVersion.current)") }
        // Still readable, for a look.
        #expect(try GeoPackage(path: path, mode: .readOnly).read { try $0.count(.hazards) } == 1)
    }
}
