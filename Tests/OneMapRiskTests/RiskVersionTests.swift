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

    /// The hazards' digest (what ties a stored version to the hazards it was built from) is
    /// hashed in runs on every core: it must stay the single-loop sum it always was, in any order.
    @Test func theHazardDigestIsTheSumOfEachHazardsHashInAnyOrder() {
        var random = SeededRandom(seed: 31)
        // Numbers are hashed as their decimal text without making it: whole reals below 10¹⁵
        // by their digits, the rest as Swift prints them.
        let reals: [Double] = [0, -0.0, 1, -1, 40, 3, 0.5, -2.25, 999_999_999_999_999, -999_999_999_999_999, 1e15, 1e16, 123_456.0,
                               4_503_599_627_370_496, .infinity, -.infinity, .nan, 1e-5, Double.leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let integers: [Int64] = [0, 1, -1, 9, 10, 99, 100, -100, 1_000_000_007, .max, .min, .min + 1]
        let hazards = (0..<40_000).map { i in
            let named: [String: FieldValue] = ["name": .text("第\(i)号隐患点"), "level": .integer(Int64(1 + i % 4)),
                                               "lec_l": i % 3 == 0 ? .real(random.uniform(0...10)) : .null, "status": .text("registered"),
                                               "impact_distance_m": .real(reals[i % reals.count]), "matrix_l": .integer(integers[i % integers.count])]
            return LayerRecord(id: "H-\(i)", geometry: .point(Coordinate(118 + random.uniform(0...1), 42 + random.uniform(0...1))),
                               values: Layer.hazards.columns.map { named[$0.name] ?? .null }, extra: [])
        }
        var total: UInt64 = 0
        for record in hazards {
            var hash = FNV1a()
            hash.mix(record.id.utf8)
            record.geometry.forEachCoordinate { c in
                hash.mix(c.x.bitPattern)
                hash.mix(c.y.bitPattern)
            }
            for value in record.values {
                hash.mix(value.description.utf8)
                hash.mix(UInt8(0))
            }
            total &+= hash.value
        }
        let digest = RiskVersionStore.inputsDigest(hazards)
        #expect(digest == String(total, radix: 16))
        #expect(RiskVersionStore.inputsDigest(hazards.shuffled(using: &random)) == digest)
        #expect(RiskVersionStore.inputsDigest(Array(hazards.dropLast())) != digest)
        #expect(RiskVersionStore.inputsDigest([]) == "0")
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
