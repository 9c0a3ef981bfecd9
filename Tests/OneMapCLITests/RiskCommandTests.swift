import Foundation
import OneMapTestSupport
import Testing

/// `onemap risk map` on the demo: every coloured cell names sources of its own level that
/// the hazards layer really holds at that level, and the summary counts the cells.
@Suite(.timeLimit(.minutes(10))) struct RiskCommandTests {
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
        #expect(map.stderr.contains("grids: \(counts[1]) red, \(counts[2]) orange, \(counts[3]) yellow, \(counts[4]) blue, \(counts[0]) reached by no open hazard"), "\(map.stderr)")
    }

    @Test func aBadRulesFileIsAUsageErrorNamingIt() throws {
        let dir = try TemporaryDirectory()
        let rules = try dir.write("rules.json", #"{"lec": {"red_above": "high"}}"#)
        let r = try runProcess(onemap, ["risk", "map", "--data", dir.path("none.gpkg"), "--rules", rules])
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(rules): lec.red_above must be a number"), "\(r.stderr)")
    }

    /// Versions on the demo: build, list, stats that add up to the demo's residents, a
    /// legend that agrees with the map, and a diff naming the cells a change recoloured.
    @Test func versionsStatsLegendAndDiffOnTheDemo() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let build = try runProcess(onemap, ["risk", "build", "--data", gpkg, "--note", "first"])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stdout.hasPrefix("version 1 of \(gpkg)"))
        // Colour the same demo by the density rule: a second version with other colours.
        let rules = try dir.write("density.json", #"{"area_rule": "weighted_density"}"#)
        #expect(try runProcess(onemap, ["risk", "build", "--data", gpkg, "--rules", rules]).status == 0)
        let versions = try runProcess(onemap, ["risk", "versions", "--data", gpkg])
        #expect(versions.stdout.split(separator: "\n").count == 2)
        #expect(versions.stdout.contains("weighted_density"))

        let stats = try runProcess(onemap, ["risk", "stats", "--data", gpkg, "--version", "1", "--format", "json"])
        let table = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any]
        let rows = table["subdistricts"] as! [[String: Any]]
        #expect(rows.count == 4)
        let residents = rows.reduce(0) { sum, row in
            sum + ["red", "orange", "yellow", "blue", "none"].reduce(0) { $0 + (((row[$1] as! [String: Any])["residents"] as! Int)) }
        }
        #expect(residents == 120_000)

        let legendRun = try runProcess(onemap, ["risk", "legend", "--data", gpkg, "--version", "1", "--png", dir.path("legend.png")],
                                       directory: Repository.root.path)
        #expect(legendRun.status == 0, "\(legendRun.stderr)")
        #expect(fileBytes(dir.path("legend.png"))?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        let legend = try JSONSerialization.jsonObject(with: Data(legendRun.stdout.utf8)) as! [String: Any]
        let levels = legend["levels"] as! [[String: Any]]
        #expect(levels.map { $0["colour"] as? String } == ["red", "orange", "yellow", "blue", nil])
        let reds = levels[0]["areas"] as! Int, oranges = levels[1]["areas"] as! Int
        #expect(build.stdout.contains("grids: \(reds) red, \(oranges) orange"))

        let diff = try runProcess(onemap, ["risk", "diff", "--data", gpkg, "1", "2", "--format", "geojson"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let changed = (try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as! [String: Any])["features"] as! [[String: Any]]
        let one = try runProcess(onemap, ["risk", "map", "--data", gpkg, "--version", "1"])
        let two = try runProcess(onemap, ["risk", "map", "--data", gpkg, "--version", "2"])
        func levelByID(_ text: String) throws -> [String: Int] {
            let features = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any])["features"] as! [[String: Any]]
            return Dictionary(uniqueKeysWithValues: features.map { ($0["id"] as! String, ($0["properties"] as! [String: Any])["risk_level"] as? Int ?? 0) })
        }
        let a = try levelByID(one.stdout), b = try levelByID(two.stdout)
        let changedIDs = Set(changed.map { $0["id"] as! String })
        let recoloured = Set(a.keys.filter { a[$0] != b[$0] })
        #expect(changedIDs == recoloured)
        #expect(!changed.isEmpty, "the density rule recolours some demo cells")
        let none = try runProcess(onemap, ["risk", "diff", "--data", gpkg, "1", "1"])
        #expect(none.stdout.contains("0 areas changed colour from version 1 to 1"))
        let missing = try runProcess(onemap, ["risk", "diff", "--data", gpkg, "1", "7"])
        #expect(missing.status != 0 && missing.stderr.contains("has no risk map version 7; it has 1, 2"), "\(missing.stderr)")
    }

    /// The stored risk map exported without -o is GeoJSON on standard output (before, it was
    /// staged beside /dev/stdout and renamed onto it: nothing came out, and run as root the
    /// device link was replaced by a file); an output that is a link or a device is refused,
    /// not replaced.
    @Test func theRiskMapGoesToStandardOutputAndALinkIsNotReplaced() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg, "--quiet"]).status == 0)
        #expect(try runProcess(onemap, ["risk", "build", "--data", gpkg]).status == 0)
        let streamed = try runProcess(onemap, ["export", "--layer", "risk_areas", "--from", gpkg, "--format", "geojsonseq"])
        #expect(streamed.status == 0 && streamed.stdout.split(separator: "\n").count == 42, "\(streamed.stderr)")
        let target = try dir.write("target.txt", "kept")
        let link = dir.path("link.geojson")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let refused = try runProcess(onemap, ["export", "--layer", "hazards", "--from", gpkg, "-o", link])
        #expect(refused.status != 0 && refused.stderr.contains("not a plain file"), "\(refused.stderr)")
        let kept = try String(contentsOfFile: target, encoding: .utf8)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == target && kept == "kept")
    }
}
