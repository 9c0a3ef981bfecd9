import Foundation
import OneMapTestSupport
import Testing

/// `onemap query …` on a small imported store, its distances checked against PROJ's own
/// `geod` program.
@Suite(.timeLimit(.minutes(10))) struct QueryCommandTests {
    let onemap = Repository.onemapExecutable

    func store() throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let hazards = try dir.write("h.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","id":"H-1","geometry":{"type":"Point","coordinates":[109.781,39.611]},"properties":{"level":1,"kind":"gas_station","status":"registered"}},
            {"type":"Feature","id":"H-2","geometry":{"type":"Point","coordinates":[109.79,39.62]},"properties":{"level":3,"kind":"pipeline","status":"closed"}},
            {"type":"Feature","id":"H-3","geometry":{"type":"Point","coordinates":[109.9,39.7]},"properties":{"level":2,"kind":"gas_station","status":"rectifying"}}]}
            """)
        let shelters = try dir.write("s.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","id":"S-1","geometry":{"type":"Point","coordinates":[109.782,39.612]},"properties":{"shelter_class":"III","capacity":100,"occupancy":90,"effective_area_m2":150,"status":"open"}},
            {"type":"Feature","id":"S-2","geometry":{"type":"Point","coordinates":[109.80,39.63]},"properties":{"shelter_class":"II","capacity":2000,"occupancy":0,"effective_area_m2":5000,"status":"open"}}]}
            """)
        let gpkg = dir.path("q.gpkg")
        for (file, layer) in [(hazards, "hazards"), (shelters, "shelters")] {
            let r = try runProcess(onemap, ["import", file, "--layer", layer, "--into", gpkg, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        return (dir, gpkg)
    }

    func features(_ stdout: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as! [String: Any]
        #expect(object["type"] as? String == "FeatureCollection")
        return object["features"] as! [[String: Any]]
    }

    /// Distance in metres from PROJ's `geod -I` (lat lon order on its input).
    func geod(_ a: (Double, Double), _ b: (Double, Double)) throws -> Double {
        let r = try runProcess("/usr/bin/geod", ["+ellps=WGS84", "-I", "-f", "%.6f"], stdin: "\(a.1) \(a.0) \(b.1) \(b.0)\n")
        return Double(r.stdout.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).last!)!
    }

    @Test func nearestShelterSkipsShelterWithoutRoomAndMeasuresLikeGeod() throws {
        let (dir, gpkg) = try store()
        defer { withExtendedLifetime(dir) {} }
        let r = try runProcess(onemap, ["query", "nearest-shelter", "--data", gpkg, "--lon", "109.78", "--lat", "39.61",
                                        "--k", "2", "--min-room", "50"])
        #expect(r.status == 0, "\(r.stderr)")
        let found = try features(r.stdout)
        #expect(found.map { $0["id"] as! String } == ["S-2"])
        let properties = found[0]["properties"] as! [String: Any]
        #expect(abs((properties["distance_m"] as! Double) - (try geod((109.78, 39.61), (109.80, 39.63)))) < 1e-3)
        #expect(properties["room_persons"] as? Double == 2000)
        #expect(properties["area_per_person_m2"] as? Double == 2.5)
        // The flag's earlier name is refused with the new one (tools/run-demo.sh still used
        // it, and a fresh clone's demo stopped there).
        let renamed = try runProcess(onemap, ["query", "nearest-shelter", "--data", gpkg, "--lon", "109.78", "--lat", "39.61", "--min-capacity", "50"])
        #expect(renamed.status != 0 && renamed.stderr.contains("--min-capacity was renamed --min-room"), "\(renamed.stderr)")
        // The demo script's own query runs.
        let script = try String(contentsOfFile: Repository.path("tools/run-demo.sh"), encoding: .utf8)
        #expect(!script.contains("--min-capacity") && script.contains("--min-room 500"))
    }

    @Test func hazardsNearAndWithinSortByDistanceAndFilter() throws {
        let (dir, gpkg) = try store()
        defer { withExtendedLifetime(dir) {} }
        let near = try runProcess(onemap, ["query", "hazards-near", "--data", gpkg, "--lon", "109.78", "--lat", "39.61",
                                           "--radius", "2000", "--status", "registered,rectifying"])
        #expect(try features(near.stdout).map { $0["id"] as! String } == ["H-1"])
        // Without --status a grid worker sees the hazards still there: H-2 is closed.
        let open = try runProcess(onemap, ["query", "hazards-near", "--data", gpkg, "--lon", "109.78", "--lat", "39.61", "--radius", "20000"])
        #expect(try features(open.stdout).map { $0["id"] as! String } == ["H-1", "H-3"])
        let any = try runProcess(onemap, ["query", "hazards-near", "--data", gpkg, "--lon", "109.78", "--lat", "39.61", "--radius", "20000", "--status", "any"])
        #expect(try features(any.stdout).map { $0["id"] as! String } == ["H-1", "H-2", "H-3"])
        let within = try runProcess(onemap, ["query", "within", "--data", gpkg, "--layer", "hazards", "--lon", "109.78",
                                             "--lat", "39.61", "--radius", "20000"])
        let all = try features(within.stdout)
        #expect(all.map { $0["id"] as! String } == ["H-1", "H-2", "H-3"])
        let d3 = (all[2]["properties"] as! [String: Any])["distance_m"] as! Double
        #expect(abs(d3 - (try geod((109.78, 39.61), (109.9, 39.7)))) < 1e-3)
        let filtered = try runProcess(onemap, ["query", "nearest", "--data", gpkg, "--layer", "hazards", "--lon", "109.78",
                                               "--lat", "39.61", "--k", "1", "--where", "level=orange"])
        #expect(try features(filtered.stdout).map { $0["id"] as! String } == ["H-3"])
        let box = try runProcess(onemap, ["query", "bbox", "--data", gpkg, "--layer", "hazards", "--bbox", "109.78,39.6,109.8,39.63"])
        #expect(Set(try features(box.stdout).map { $0["id"] as! String }) == ["H-1", "H-2"])
        let inside = try runProcess(onemap, ["query", "inside", "--data", gpkg, "--layer", "hazards",
                                             "--wkt", "POLYGON((109.7 39.6, 109.85 39.6, 109.85 39.65, 109.7 39.6))"])
        #expect(Set(try features(inside.stdout).map { $0["id"] as! String }) == ["H-1", "H-2"])
    }

    @Test func badParametersGiveAClearErrorAndExitCode1() throws {
        let (dir, gpkg) = try store()
        defer { withExtendedLifetime(dir) {} }
        let cases: [([String], String)] = [
            (["within", "--layer", "hazards", "--lon", "109.78", "--lat", "95", "--radius", "10"], "lat: 95.0 is outside −90…90"),
            (["within", "--layer", "hazards", "--lon", "109.78", "--lat", "39", "--radius=-5"], "radius: -5.0 is not a distance in metres ≥ 0"),
            (["nearest", "--layer", "hazards", "--lon", "109.78", "--lat", "39", "--k", "0"], "k: 0 is outside 1…10000"),
            (["bbox", "--layer", "hazards", "--bbox", "110,39,109,40"], "bbox: min must not exceed max"),
            (["nearest", "--layer", "hazards", "--lon", "109.78", "--lat", "39", "--where", "colour=red"], "layer 'hazards' has no column 'colour'"),
            (["nearest", "--layer", "hazards", "--lon", "109.78", "--lat", "39", "--where", "level=purple"], "'purple' does not fit column 'level'"),
            (["grid", "--layer", "hazards", "--code", "X"], "has no 'grids' layer"),
            (["inside", "--layer", "hazards", "--wkt", "POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))"], "area: invalid polygon"),
            (["inside", "--layer", "hazards", "--wkt", "POLYGON((0 0, 1 1"], "--wkt: cannot read the polygon"),
            (["inside", "--layer", "hazards", "--area", try dir.write("bad.geojson", #"{"type":"Polygon","coordinates":[[[0,0],[1,1]"#)],
             "bad.geojson: line 1, feature #1: malformed JSON"),
            (["grid", "--layer", "hazards", "--code", "X", "--relation", "near"], "--relation takes within or intersects"),
        ]
        for (arguments, message) in cases {
            let r = try runProcess(onemap, ["query"] + arguments + ["--data", gpkg])
            #expect(r.status != 0 && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}
