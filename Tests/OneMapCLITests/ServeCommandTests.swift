import Foundation
import OneMapTestSupport
import Testing

/// `onemap serve` as users run it: JSON log lines, a free port when asked for port 0, and
/// a clean exit on SIGTERM.
@Suite(.timeLimit(.minutes(10))) struct ServeCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func servesLogsInJSONAndStopsGracefullyOnSIGTERM() async throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let (process, url, lines) = try start(["serve", "--data", gpkg, "--port", "0"], in: Repository.root)
        let base = try #require(url, "no 'serving' line in \(lines)")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "every log line is JSON: \(lines)")
        let health = try await runProcessAsync("/usr/bin/curl", ["-s", base + "health"])
        #expect(health.stdout.contains("\"status\":\"ok\""))
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// Starts `onemap ARGUMENTS` (a serve command) in `directory` until it says where it
    /// serves: the process, that URL and its log lines so far.
    func start(_ arguments: [String], in directory: URL) throws -> (Process, String?, [String]) {
        let server = try ServeProcess(Array(arguments.dropFirst()), in: directory)
        return (server.process, server.url, server.log)
    }

    /// A binary that runs from any folder: no config/ there, the compiled-in style, rules and
    /// planning standards; a file with roads alone serves routes, and what needs another
    /// layer is a 404 naming it (before: "tiles/style.json: not found", then "has no layer grids").
    @Test func servesARoadsOnlyFileFromAnyFolder() async throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("roads.gpkg")
        #expect(try runProcess(onemap, ["import", Repository.path("data/osm/kotka-highways.geojson"), "--layer", "roads", "--into", gpkg, "--quiet"]).status == 0)
        let (process, url, lines) = try start(["serve", "--data", gpkg, "--port", "0"], in: dir.url)
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let base = try #require(url, "no 'serving' line in \(lines)")
        #expect(lines.contains { $0.contains("built-in risk-rules.json") })
        let route = try await runProcessAsync("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", base + "route?from=26.935,60.525&to=26.96,60.535&profile=walk"])
        #expect(route.stdout.hasSuffix("\n200") && route.stdout.contains("\"LineString\""), "\(route.stdout)")
        for (path, layer) in [("riskmap", "grids"), ("query/nearest-shelter?lon=26.94&lat=60.53", "shelters"), ("coverage/fire", "grids")] {
            let r = try await runProcessAsync("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", base + path])
            #expect(r.stdout.hasSuffix("\n404") && r.stdout.contains("layer '\(layer)'"), "\(path): \(r.stdout)")
        }
        let tile = try await runProcessAsync("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{content_type}", base + "tiles/14/9418/4748.png"])
        #expect(tile.stdout == "200 image/png")
        // Behind a reverse proxy that ended TLS, links say https (docs/DEPLOY.md).
        let proxied = try await runProcessAsync("/usr/bin/curl", ["-s", "-H", "X-Forwarded-Proto: https", base + "collections"])
        #expect(proxied.stdout.contains("\"href\":\"https://127.0.0.1:"))
        let direct = try await runProcessAsync("/usr/bin/curl", ["-s", base + "collections"])
        #expect(direct.stdout.contains("\"href\":\"http://127.0.0.1:"))
    }

    @Test func configDumpWritesTheCompiledInDefaultsByteForByte() throws {
        let dir = try TemporaryDirectory()
        let r = try runProcess(onemap, ["config", "dump", "--out", dir.path("cfg")], directory: dir.url.path)
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["style.json", "risk-rules.json", "planning.json", "osm-profile.json"] {
            #expect(fileBytes(dir.path("cfg/" + name)) == fileBytes(Repository.path("config/" + name)), "\(name)")
        }
        let again = try runProcess(onemap, ["config", "dump", "--out", dir.path("cfg")], directory: dir.url.path)
        #expect(again.status != 0 && again.stderr.contains("give --force"))
        let whereFrom = try runProcess(onemap, ["config", "where"], directory: dir.url.path).stdout
        #expect(whereFrom.contains("style.json (how tiles and report maps look): built-in style.json"))
        let here = try runProcess(onemap, ["config", "where"], directory: Repository.root.path).stdout
        #expect(here.contains("style.json (how tiles and report maps look): config/style.json"))
    }

    /// Edits other programs commit to the served file appear without a restart: a hazard
    /// ogr2ogr appends (and the map re-colours its grid), a shelter's capacity QGIS changes,
    /// a hazard sqlite-through-GDAL deletes. Each within a few seconds (the server looks
    /// every half second).
    @Test func editsCommittedElsewhereAppearWhileServing() async throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg, "--quiet"], directory: Repository.root.path).status == 0)
        // A blue (low) grid, and a point inside it for a new red hazard.
        let (process, url, lines) = try start(["serve", "--data", gpkg, "--port", "0"], in: dir.url)
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let base = try #require(url, "no 'serving' line in \(lines)")
        func get(_ path: String) async throws -> (Int, String) {
            let r = try await runProcessAsync("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", base + path])
            let status = Int(r.stdout.split(separator: "\n").last ?? "") ?? 0
            return (status, String(r.stdout.dropLast(4)))
        }
        func eventually(_ what: String, _ check: () async throws -> Bool) async throws {
            let deadline = Date().addingTimeInterval(60)  // a cap for a loaded machine, not a timing check
            while Date() < deadline {
                if try await check() { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("not within 60 s: \(what)")
        }
        let map = try await get("riskmap")
        let areas = try #require(try JSONSerialization.jsonObject(with: Data(map.1.utf8)) as? [String: Any])["features"] as? [[String: Any]]
        let calm = try #require(areas?.first { ($0["properties"] as? [String: Any])?["risk_level"] as? Int != 1 })
        let gridID = try #require(calm["id"] as? String)
        let grid = try await get("collections/grids/items/\(gridID)")
        let cell = try #require(try JSONSerialization.jsonObject(with: Data(grid.1.utf8)) as? [String: Any])
        // The cell's interior: the representative point GDAL computes.
        let inside = try runProcess("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql",
                                               "SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM grids WHERE id = '\(gridID)'", gpkg]).stdout
        let numbers = inside.split(separator: "\n").compactMap { $0.split(separator: "=").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        #expect(numbers.count == 2, "\(inside) \(cell.keys)")
        let src = try dir.write("h.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(numbers[0]),\#(numbers[1])]},"properties":{"id":"H-EXT-1","name":"外部新增","level":1,"impact_distance_m":50,"status":"registered"}}]}"#)
        let appended = try await runProcessAsync("ogr2ogr", ["-update", "-append", "-nln", "hazards", gpkg, src])
        #expect(appended.status == 0, "\(appended.stderr)")
        try await eventually("the appended hazard is served") { try await get("collections/hazards/items/H-EXT-1").0 == 200 }
        try await eventually("its grid turns red") {
            let area = try await get("collections/risk_areas/items/\(gridID)")
            return area.1.contains("\"risk_level\":1")
        }
        // QGIS saves a shelter's new capacity.
        let shelters = try await get("collections/shelters/items?limit=1")
        let shelter = try #require(((try JSONSerialization.jsonObject(with: Data(shelters.1.utf8)) as? [String: Any])?["features"] as? [[String: Any]])?.first?["id"] as? String)
        let edit = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/QGIS/edit_feature.py"), gpkg, "shelters", shelter, "capacity", "4321"])
        #expect(edit.stdout.contains("committed"), "\(edit.stderr)")
        try await eventually("QGIS's edit is served") { try await get("collections/shelters/items/\(shelter)").1.contains("\"capacity\":4321") }
        // A delete through GDAL's SQL.
        let deleted = try await runProcessAsync("ogrinfo", [gpkg, "-q", "-sql", "DELETE FROM hazards WHERE id = 'H-EXT-1'"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        try await eventually("the deleted hazard is gone") { try await get("collections/hazards/items/H-EXT-1").0 == 404 }
    }
}
