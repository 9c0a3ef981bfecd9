import Foundation
import OneMap
import OneMapPostGIS
import OneMapTestSupport
import Testing

/// `onemap import … --into postgres://…` leaves the database holding what the same imports
/// leave in a GeoPackage: the same records, derived grid codes included, in the same order.
@Suite struct PostGISImportTests {
    @Test func importsIntoPostGISEqualImportsIntoAGeoPackage() async throws {
        let folder = try TemporaryDirectory()
        let demo = folder.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: demo))
        let grids = try SpatialIndex.load(from: GeoPackage(path: demo, mode: .readOnly), layers: [.grids]).snapshot.allFeatures(.grids)
        let inside = try #require(grids.first?.geometry.boundingBox)
        let (x, y) = ((inside.minX + inside.maxX) / 2, (inside.minY + inside.maxY) / 2)
        // Three new hazards without a grid code (derived from the grids), one of them outside every grid.
        let newHazards = try folder.write("new.geojson", """
            {"type": "FeatureCollection", "features": [
             {"type": "Feature", "geometry": {"type": "Point", "coordinates": [\(x), \(y)]}, "properties": {"id": "N-1", "name": "新\\t隐患", "kind": "gas_station", "level": "重大"}},
             {"type": "Feature", "geometry": {"type": "Point", "coordinates": [\(x + 0.0001), \(y)]}, "properties": {"id": "N-2", "kind": "mine", "level": 2, "extra": {"a": [1, 2]}}},
             {"type": "Feature", "geometry": {"type": "Point", "coordinates": [100.0, 30.0]}, "properties": {"id": "N-3", "level": "低"}}]}
            """)
        // Later the grids are replaced by one cell around the first new hazard: codes are rechecked.
        let d = 0.001
        let oneGrid = try folder.write("grid.geojson", """
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "G-ONLY", "code": "999", "name": "唯一网格"},
             "geometry": {"type": "Polygon", "coordinates": [[[\(x - d), \(y - d)], [\(x + d), \(y - d)], [\(x + d), \(y + d)], [\(x - d), \(y + d)], [\(x - d), \(y - d)]]]}}]}
            """)
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase("import")
        let url = cluster.url(database)
        let onemap = Repository.onemapExecutable
        // Before db init the import is refused and says what to do.
        let early = try runProcess(onemap, ["import", newHazards, "--layer", "hazards", "--into", url, "--quiet"])
        #expect(early.status != 0 && early.stderr.contains("onemap db init"), "\(early.stderr)")
        #expect(try runProcess(onemap, ["db", "init", url]).status == 0)

        let file = folder.path("same.gpkg")
        let steps: [[String]] = [
            [demo, "--layer", "grids", "--source-layer", "grids"],
            [demo, "--layer", "hazards", "--source-layer", "hazards"],
            [newHazards, "--layer", "hazards"],
            [demo, "--layer", "shelters", "--source-layer", "shelters"],
            [oneGrid, "--layer", "grids", "--replace"],
        ]
        for step in steps {
            for target in [file, url] {
                let done = try runProcess(onemap, ["import"] + step + ["--into", target, "--quiet"])
                #expect(done.status == 0, "\(step) into \(target): \(done.stderr)")
            }
        }
        let location = try PostGISLocation(url)
        let store = try await PostGISStore.connect(location)
        let gpkg = try GeoPackage(path: file, mode: .readOnly)
        for layer in [Layer.grids, .hazards, .shelters] {
            let expected = try gpkg.read { session in
                var list: [LayerRecord] = []
                try session.forEachRecord(in: layer) { list.append($0) }
                return list
            }
            let found = try await store.records(in: layer)
            #expect(found.count == expected.count && found == expected, "\(layer): \(found.count) against \(expected.count)")
        }
        let code = Layer.hazards.columnIndex("grid_code")
        let hazards = try await store.records(in: .hazards)
        let codes = Dictionary(uniqueKeysWithValues: hazards.map { ($0.id, $0.value(code).string) })
        #expect(codes["N-1"] == "999" && codes["N-3"] == .some(nil), "\(String(describing: codes["N-1"])) \(String(describing: codes["N-3"]))")
        #expect(hazards.filter { $0.value(code).string == "999" }.count < hazards.count / 2)
        await store.close()

        // Exported from either store, each layer is the same bytes (GeoJSON), and the same
        // features through GDAL (a GeoPackage file).
        for layer in ["grids", "hazards", "shelters"] {
            let fromFile = try runProcess(onemap, ["export", "--layer", layer, "--from", file, "--format", "geojsonseq"])
            let fromDatabase = try runProcess(onemap, ["export", "--layer", layer, "--from", url, "--format", "geojsonseq"])
            #expect(fromFile.status == 0 && fromDatabase.status == 0, "\(fromDatabase.stderr)")
            #expect(!fromDatabase.stdout.isEmpty && fromDatabase.stdout == fromFile.stdout, "\(layer)")
        }
        let out = folder.path("hazards-out.gpkg")
        let written = try runProcess(onemap, ["export", "--layer", "hazards", "--from", url, "-o", out])
        #expect(written.status == 0, "\(written.stderr)")
        let info = try runProcess("ogrinfo", ["-ro", "-so", out, "hazards"])
        #expect(info.stdout.contains("Feature Count: \(hazards.count)"), "\(info.stdout)")
        // Before a version is stored there is no risk map to export; after, both stores give the same one.
        let none = try runProcess(onemap, ["export", "--layer", "risk_areas", "--from", url])
        #expect(none.status != 0 && none.stderr.contains("no risk map versions"), "\(none.stderr)")
        for target in [file, url] { #expect(try runProcess(onemap, ["risk", "build", "--data", target]).status == 0) }
        let riskFromFile = try runProcess(onemap, ["export", "--layer", "risk_areas", "--from", file, "--format", "geojsonseq"])
        let riskFromDatabase = try runProcess(onemap, ["export", "--layer", "risk_areas", "--from", url, "--format", "geojsonseq"])
        #expect(riskFromDatabase.status == 0 && !riskFromDatabase.stdout.isEmpty && riskFromDatabase.stdout == riskFromFile.stdout, "\(riskFromDatabase.stderr)")
    }

    /// An import streamed into COPY (records copied while the source is still read) that
    /// meets a bad feature near the end leaves the layer as it was and names the feature; with
    /// --skip-invalid the rest arrive and the bad one is in the rejects file; an id the
    /// database already holds fails the whole copy.
    @Test func aStreamedImportFailingLateLeavesTheLayerAsItWas() async throws {
        let folder = try TemporaryDirectory()
        let count = 10_000
        var lines: [String] = []
        for i in 0..<count {
            let geometry = #"{"type": "Point", "coordinates": [\#(i == count - 2 ? 500 : 109.7 + Double(i) * 1e-5), 39.6]}"#
            lines.append(#"{"type": "Feature", "geometry": \#(geometry), "properties": {"id": "B-\#(i)", "kind": "mine", "level": 3}}"#)
        }
        let source = try folder.write("late.geojsonl", lines.joined(separator: "\n") + "\n")
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase("late")
        let url = cluster.url(database)
        let onemap = Repository.onemapExecutable
        #expect(try runProcess(onemap, ["db", "init", url]).status == 0)
        let failed = try runProcess(onemap, ["import", source, "--layer", "hazards", "--into", url, "--quiet"], directory: folder.url.path)
        #expect(failed.status != 0 && failed.stderr.contains("late.geojsonl") && failed.stderr.contains("9999"), "\(failed.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM hazards", database: database) == "0", "nothing of the failed import is kept")

        let skipped = try runProcess(onemap, ["import", source, "--layer", "hazards", "--into", url, "--skip-invalid", "--quiet"], directory: folder.url.path)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(try cluster.psql("SELECT count(*), count(DISTINCT id) FROM hazards", database: database) == "\(count - 1)|\(count - 1)")
        let rejects = try String(contentsOfFile: folder.path("\(database).late.rejects.geojsonl"), encoding: .utf8)
        #expect(rejects.contains("B-\(count - 2)") && rejects.split(separator: "\n").count == 1, "\(rejects)")

        let again = try runProcess(onemap, ["import", source, "--layer", "hazards", "--into", url, "--skip-invalid", "--quiet"], directory: folder.url.path)
        #expect(again.status != 0 && again.stderr.contains("B-0"), "an id the layer has: \(again.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM hazards", database: database) == "\(count - 1)")
    }
}
