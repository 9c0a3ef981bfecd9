import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Versions stored in a GeoPackage: diff, stats, legend, and GDAL reading the layer.
@Suite struct RiskVersionTests {
    let scene = AreaLevelTests()

    func store(_ path: String, hazards: [LayerRecord]) throws {
        let store = try GeoPackage(path: path, mode: .create)
        try store.write { session in
            for (layer, records) in [(Layer.grids, (0..<3).map(scene.cell)), (.hazards, hazards)] {
                let writer = try session.writer(for: layer, replacing: true)
                for record in records { try writer.insert(record) }
                try writer.finish()
            }
        }
    }

    @Test func aDiffListsExactlyTheCellsThatChangedColourAndWhy() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("map.gpkg")
        let red = scene.source("H-red", .point(Coordinate(118.905, 42.255)), level: 1)
        let gas = scene.source("H-gas", .point(scene.east(of: 118.91, by: 100)), level: 2, impact: 150)  // G1, reaches G0
        let blue = scene.source("H-blue", .point(Coordinate(118.925, 42.255)), level: 4)  // G2
        try store(path, hazards: [red, gas, blue])
        let first = try RiskMap.buildVersion(path: path, rules: .standard, note: "before")
        #expect(first.version.number == 1)

        // The red source is closed and the blue one re-assessed as yellow.
        var closed = red
        closed.values[Layer.hazards.columns.firstIndex { $0.name == "status" }!] = .text("closed")
        let yellow = scene.source("H-blue", .point(Coordinate(118.925, 42.255)), level: 3)
        try store(path, hazards: [closed, gas, yellow])
        let second = try RiskMap.buildVersion(path: path, rules: .standard)
        #expect(second.version.number == 2)
        #expect(second.version.inputs != first.version.inputs)  // the digest of the hazards moved

        let gpkg = try GeoPackage(path: path, mode: .readOnly)
        let changes = try RiskVersionStore.diff(from: 1, to: 2, in: gpkg)
        // Brute force: compare the two models area by area.
        let expected = zip(first.model.assessments, second.model.assessments).filter { $0.level != $1.level }.map(\.0.areaID)
        #expect(changes.map(\.area.id) == expected)
        #expect(changes.map(\.area.id) == ["G0", "G2"])
        let g0 = changes[0]
        #expect(g0.from == .red && g0.to == .orange)
        #expect(g0.removed.map(\.sourceID) == ["H-red"] && g0.added.map(\.sourceID) == ["H-gas"])
        #expect(changes[1].from == .blue && changes[1].to == .yellow)
        #expect(try RiskVersionStore.diff(from: 2, to: 2, in: gpkg).isEmpty)
        #expect(throws: RiskVersionError.unknownVersion(9, path: path, known: [1, 2])) { try RiskVersionStore.diff(from: 1, to: 9, in: gpkg) }

        // Stored areas read back as built.
        let stored = try RiskVersionStore.areas(of: try RiskVersionStore.version(1, in: gpkg), in: gpkg)
        #expect(stored.map(\.level) == first.model.assessments.map(\.level))
        #expect(stored.first?.reasons == first.model.assessments.first?.reasons)
        let versions = try RiskVersionStore.list(in: gpkg)
        #expect(versions.map(\.note) == ["before", nil])
        #expect(versions.allSatisfy { $0.rules.contains("\"area_rule\":\"most_severe\"") })

        // GDAL opens the versions layer and sees both versions' cells.
        let info = try runProcess("/usr/bin/ogrinfo", ["-ro", "-al", "-so", path, "risk_areas"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("Feature Count: 6"))
        #expect(info.stdout.contains("Geometry: Multi Polygon"))
        let sql = try runProcess("/usr/bin/ogrinfo", ["-ro", "-q", path, "-sql", "SELECT area_id, colour FROM risk_areas WHERE version = 2 AND area_id = 'G0'"])
        #expect(sql.stdout.contains("colour (String) = orange"), "\(sql.stdout)")
    }

    @Test func statsAndLegendCountAreasAndResidentsPerColour() throws {
        let model = try RiskModel.build(SpatialIndex(records: [
            .grids: (0..<3).map { i in
                var cell = scene.cell(i)
                cell.values[Layer.grids.columns.firstIndex { $0.name == "population" }!] = .integer(Int64(100 * (i + 1)))
                return cell
            },
            .hazards: [scene.source("R", .point(Coordinate(118.905, 42.255)), level: 1)],
        ]).snapshot, rules: .standard)
        let legend = model.legend
        #expect(legend.entries.map(\.areas) == [1, 0, 0, 0, 2])
        #expect(legend.entries.map(\.residents) == [100, 0, 0, 0, 500])
        #expect(JSONWriter.string(legend.json).contains("\"level_name\":\"重大\""))
    }
}
