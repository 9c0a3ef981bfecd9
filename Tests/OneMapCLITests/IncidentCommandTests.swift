import Foundation
import OneMapTestSupport
import Testing

/// `onemap incident` on the demo: create, report, update, list, show and the briefing, each
/// through the real binary; refusals name the option and leave standard output empty.
@Suite(.timeLimit(.minutes(10))) struct IncidentCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func aCommanderWorksAnIncidentFromTheCommandLine() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--boundary", Repository.path("data/kangbashi_150603.gcj02.geojson"), "--crs", "gcj02", "--out", gpkg]).status == 0)
        let created = try runProcess(onemap, ["incident", "create", "--data", gpkg, "--kind", "hazardous_chemical_leak", "--hazard", "H-0000283",
                                              "--id", "INC-T", "--as", "值班指挥"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains(#""id":"INC-T""#) && created.stdout.contains(#""created_by":"值班指挥""#))
        #expect(created.stderr.contains("zone evacuation (radius, 12.57 km²): 5,539 residents in 3 grids"), "\(created.stderr)")
        #expect(created.stderr.contains("fire stations: 康城一级消防救援站 8.7 min, 乌兰小型消防救援站 10.5 min, 康宁小型消防救援站 16.4 min"), "\(created.stderr)")

        let early = try runProcess(onemap, ["incident", "report", "INC-T", "--data", gpkg, "--type", "verified"])
        #expect(early.status != 0 && early.stderr.contains("the first report of an incident is the initial report (初报), not verified (核报)") && early.stdout.isEmpty, "\(early.stderr)")
        let report = try runProcess(onemap, ["incident", "report", "INC-T", "--data", gpkg, "--type", "initial", "--injured", "3", "--trend", "spreading"])
        #expect(report.status == 0 && report.stderr.contains("report 1 (initial 初报) of INC-T"), "\(report.stderr)")
        #expect(try runProcess(onemap, ["incident", "update", "INC-T", "--data", gpkg, "--status", "responding"]).status == 0)
        let list = try runProcess(onemap, ["incident", "list", "--data", gpkg])
        #expect(list.stdout.hasPrefix("INC-T\tresponding\thazardous_chemical_leak\t1 reports\t"), "\(list.stdout)")
        let shown = try runProcess(onemap, ["incident", "show", "INC-T", "--data", gpkg, "--figures"])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect((figures["zones"] as? [[String: Any]])?.count == 2)
        let page = dir.path("briefing.html")
        let briefing = try runProcess(onemap, ["incident", "briefing", "INC-T", "--data", gpkg, "-o", page])
        #expect(briefing.status == 0 && briefing.stderr.contains("wrote \(page)"), "\(briefing.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("Incident briefing 事件简报") && html.contains("data:image/png;base64,") && html.contains("初报"))

        for (arguments, words) in [
            (["create", "--kind", "volcano", "--hazard", "H-0000283"], "kind: 'volcano' is not a kind of incident"),
            (["create", "--kind", "fire", "--at", "109.78,95"], "--at takes lon,lat in WGS84 degrees"),
            (["create", "--kind", "fire", "--hazard", "H-0000283", "--area", "plume", "--wind-from", "90"], "--area plume needs --wind-from, --wind-speed and --stability"),
            (["create", "--kind", "fire", "--hazard", "H-0000283", "--area", "radii", "--radii", "800,200"], "radii_m: zones go innermost first"),
            (["report", "INC-none", "--type", "initial"], "no incident with id 'INC-none'"),
            (["report", "INC-T", "--type", "first"], "--type takes initial, follow_up, verified or final"),
            (["update", "INC-T", "--status", "reported"], "cannot go back to 'reported'"),
            (["create", "--kind", "fire", "--hazard", "H-0000283", "--role", "grid_worker"], "is a grid worker and may not create an incident"),
        ] {
            let r = try runProcess(onemap, ["incident"] + arguments + ["--data", gpkg])
            #expect(r.status != 0 && r.stderr.contains(words), "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(arguments)")
        }
    }
}
