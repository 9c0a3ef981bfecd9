import Foundation
import OneMapTestSupport
import Testing

/// `onemap risk map` on the demo: every coloured cell names sources of its own level that
/// the hazards layer really holds at that level, and the summary counts the cells.
@Suite struct RiskCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func theOneMapNamesRealSourcesOfEachCellsLevel() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        let demo = try runProcess(onemap, ["demo", "--out", gpkg])
        #expect(demo.status == 0, "\(demo.stderr)")
        let map = try runProcess(onemap, ["risk", "map", "--data", gpkg, "--rules", Repository.path("config/risk-rules.json")])
        #expect(map.status == 0, "\(map.stderr)")
        let cells = (try JSONSerialization.jsonObject(with: Data(map.stdout.utf8)) as! [String: Any])["features"] as! [[String: Any]]
        #expect(cells.count == 42)

        let exported = try runProcess(onemap, ["export", "--layer", "hazards", "--from", gpkg, "--format", "geojsonseq"])
        var hazardLevel: [String: Int] = [:]
        for line in exported.stdout.split(separator: "\n") {
            let feature = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let properties = feature["properties"] as! [String: Any]
            if properties["status"] as? String != "closed" { hazardLevel[feature["id"] as! String] = properties["level"] as? Int }
        }
        var counts = [0, 0, 0, 0, 0]
        for cell in cells {
            let properties = cell["properties"] as! [String: Any]
            let reasons = properties["reasons"] as! [[String: Any]]
            guard let level = properties["risk_level"] as? Int else {
                #expect(reasons.isEmpty)
                counts[0] += 1
                continue
            }
            counts[level] += 1
            #expect(properties["colour"] as? String == ["red", "orange", "yellow", "blue"][level - 1])
            #expect(!reasons.isEmpty, "\(cell["id"]!) is coloured without a reason")
            for reason in reasons {
                #expect(reason["level"] as? Int == level)
                #expect(hazardLevel[reason["source"] as! String] == level, "\(reason)")
            }
        }
        #expect(counts[1] > 0, "the demo has red cells")
        #expect(map.stderr.contains("grid cells: \(counts[1]) red, \(counts[2]) orange, \(counts[3]) yellow, \(counts[4]) blue, \(counts[0]) reached by no open hazard"), "\(map.stderr)")
    }

    @Test func aBadRulesFileIsAUsageErrorNamingIt() throws {
        let dir = try TemporaryDirectory()
        let rules = try dir.write("rules.json", #"{"lec": {"red_above": "high"}}"#)
        let r = try runProcess(onemap, ["risk", "map", "--data", dir.path("none.gpkg"), "--rules", rules])
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(rules): lec.red_above must be a number"), "\(r.stderr)")
    }
}
