import Foundation
import OneMapTestSupport
import Testing

@Suite(.timeLimit(.minutes(10))) struct CLITests {
    let onemap = Repository.onemapExecutable

    @Test func helpListsTheSubcommands() throws {
        let r = try runProcess(onemap, ["--help"])
        #expect(r.status == 0)
        for sub in ["import", "export", "info", "query", "risk", "demo", "schema"] { #expect(r.stdout.contains("  \(sub) "), "\(sub)") }
    }

    @Test func importThenInfoThenExportRoundTrips() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"H-1","geometry":{"type":"Point","coordinates":[109.78,39.61]},"properties":{"风险等级":"较大","kind":"gas_station"}}]}"#)
        let imported = try runProcess(onemap, ["import", src, "--layer", "hazards", "--into", dir.path("d.gpkg"), "--quiet"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("imported 1 features into hazards of \(dir.path("d.gpkg")) from EPSG:4326"))
        let info = try runProcess(onemap, ["info", dir.path("d.gpkg")])
        #expect(info.stdout.contains("hazards  GEOMETRY         1  109.78000, 39.61000, 109.78000, 39.61000    rtree"), "\(info.stdout)")
        let exported = try runProcess(onemap, ["export", "--layer", "hazards", "--from", dir.path("d.gpkg"), "--format", "geojsonseq"])
        #expect(exported.stdout == #"{"type":"Feature","id":"H-1","geometry":{"type":"Point","coordinates":[109.78,39.61]},"properties":{"kind":"gas_station","level":2}}"# + "\n")
    }

    @Test func aBadFileGivesAMessageNamingFileAndLineAndExitCode1() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("bad.csv", "id,lon,lat\nA,109.7,39.6\nB,abc,39.6\n")
        let r = try runProcess(onemap, ["import", src, "--layer", "facilities", "--into", dir.path("d.gpkg"), "--quiet"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Error: \(src): line 3: coordinates \"abc\", \"39.6\" are not numbers"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("d.gpkg")))
    }

    @Test func anUnknownLayerIsAUsageError() throws {
        let r = try runProcess(onemap, ["import", "x.geojson", "--layer", "bridges"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("unknown layer \"bridges\"; choose one of admin_units, grids, hazards, shelters, facilities, roads"))
    }

    @Test func theSchemaDocumentInDocsIsCurrent() throws {
        let r = try runProcess(onemap, ["schema"])
        let committed = try String(contentsOfFile: Repository.path("docs/SCHEMA.md"), encoding: .utf8)
        #expect(r.stdout == committed, "docs/SCHEMA.md is stale: run `onemap schema > docs/SCHEMA.md`")
    }
}
