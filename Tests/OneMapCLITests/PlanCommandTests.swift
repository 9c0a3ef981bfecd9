import Foundation
import OneMapTestSupport
import Testing

/// `onemap plan …` on the demo: GeoJSON that parses, a report page that is written, and
/// bad arguments refused with their reasons.
@Suite(.timeLimit(.minutes(10))) struct PlanCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func plansRunOnTheDemoAndWriteTheirReports() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let coverage = try runProcess(onemap, ["plan", "coverage", "--data", gpkg, "--format", "geojson", "--quiet"])
        #expect(coverage.status == 0, "\(coverage.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(coverage.stdout.utf8)) as? [String: Any]
        #expect(json?["plan"] as? String == "coverage" && (json?["residents"] as? Int) == 120_000)
        // GDAL reads the answer as a layer with every feature.
        let file = try dir.write("coverage.geojson", coverage.stdout)
        let ogr = try runProcess("/usr/bin/ogrinfo", ["-ro", "-so", "-al", file])
        let count = (json?["features"] as? [Any])?.count ?? -1
        #expect(ogr.status == 0 && ogr.stdout.contains("Feature Count: \(count)"), "\(ogr.stdout) \(ogr.stderr)")
        let report = dir.path("shelters.html")
        let shelters = try runProcess(onemap, ["plan", "shelters", "--data", gpkg, "--add", "3", "--report", report,
                                               "--rules", Repository.path("config/risk-rules.json"), "--style", Repository.path("config/style.json")])
        #expect(shelters.status == 0, "\(shelters.stderr)")
        #expect(shelters.stdout.contains("New emergency shelter sites") && shelters.stderr.contains("report written to"))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("data:image/png;base64,") && html.contains("缺少500米内紧急避难场所的网格"))
        let planned = try runProcess(onemap, ["plan", "fire", "--data", gpkg, "--candidates", "planned", "--quiet"])
        #expect(planned.status != 0 && planned.stderr.contains("no fire stations with status planned") && planned.stdout.isEmpty, "\(planned.stderr)")
        for command in [["depots", "--k", "1"], ["fire", "--max-sites", "2"], ["audit"]] {
            let run = try runProcess(onemap, ["plan"] + command + ["--data", gpkg, "--quiet"])
            #expect(run.status == 0 && run.stdout.contains("Standards"), "\(command): \(run.stderr)")
        }
    }

    @Test func badPlanArgumentsAreRefused() throws {
        let dir = try TemporaryDirectory()
        let bad = try dir.write("planning.json", #"{"fire_minute": 5}"#)
        let cases: [([String], String)] = [
            (["shelters", "--add", "0"], "--add takes 1 to 50"),
            (["shelters", "--need", "shade", "--data", Repository.path("data/none.gpkg")], "none.gpkg"),
            (["shelters", "--candidates", dir.path("missing.geojson")], "missing.geojson"),
            (["coverage", "--planning", bad], "planning.json: unknown member 'fire_minute'"),
            (["depots", "--k", "0"], "--k takes 1 to 20"),
            (["coverage", "--format", "json"], "--format takes text or geojson"),
            (["coverage", "--bbox", "1,2,3"], "--bbox takes four numbers"),
        ]
        for (arguments, message) in cases {
            let run = try runProcess(onemap, ["plan"] + arguments)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(arguments)")
        }
    }
}
