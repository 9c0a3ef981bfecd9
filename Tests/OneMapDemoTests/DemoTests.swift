import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The Kangbashi demo, built once for the suite (it takes well under a second).
final class KangbashiDemo: @unchecked Sendable {
    static let shared = try! KangbashiDemo()
    let dir: TemporaryDirectory
    let path: String
    let counts: [Layer: Int]

    init() throws {
        dir = try TemporaryDirectory("demo")
        path = dir.path("kangbashi.gpkg")
        counts = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: path))
    }

    func records(_ layer: Layer) throws -> [LayerRecord] {
        var out: [LayerRecord] = []
        try GeoPackage(path: path, mode: .readOnly).read { try $0.forEachRecord(in: layer) { out.append($0) } }
        return out
    }

    func value(_ r: LayerRecord, _ layer: Layer, _ column: String) -> FieldValue {
        r.values[layer.columns.firstIndex { $0.name == column }!]
    }
}

@Suite struct DemoTests {
    let demo = KangbashiDemo.shared

    @Test func theDistrictHasItsSubdistrictsCommunitiesAndGrids() throws {
        let units = try demo.records(.adminUnits)
        let levels = units.map { demo.value($0, .adminUnits, "level") }
        #expect(levels.filter { $0 == .text("district") }.count == 1)
        #expect(levels.filter { $0 == .text("subdistrict") }.count == 4)
        #expect(levels.filter { $0 == .text("community") }.count == 19)
        let names = Set(units.map { demo.value($0, .adminUnits, "name") })
        for s in ["哈巴格希街道", "青春山街道", "滨河街道", "康新街道", "康巴什区"] { #expect(names.contains(.text(s))) }
        let grids = try demo.records(.grids)
        #expect((19...57).contains(grids.count))
        let population = grids.reduce(0) { sum, g in if case .integer(let p) = demo.value(g, .grids, "population") { sum + Int(p) } else { sum } }
        #expect(population == 120_000)
        #expect(grids.allSatisfy { if case .text(let w) = demo.value($0, .grids, "grid_worker") { !w.isEmpty } else { false } })
    }

    @Test func everythingLiesInsideTheRealBoundary() throws {
        let district = try demo.records(.adminUnits).first { demo.value($0, .adminUnits, "level") == .text("district") }!
        let geos = GEOSContext()
        // A hair of tolerance: clipped blocks share the boundary's own edges.
        let boundary = try geos.prepare(try geos.buffer(district.geometry, distance: 1e-7))
        for layer in [Layer.grids, .hazards, .shelters, .facilities, .roads] {
            for r in try demo.records(layer) { #expect(try boundary.contains(r.geometry), "\(layer) \(r.id)") }
        }
    }

    @Test func hazardsShelterClassesAndRoadsHaveThePlannedProfile() throws {
        let hazards = try demo.records(.hazards)
        #expect(hazards.count == 500)
        let kinds = Set(hazards.map { demo.value($0, .hazards, "kind") })
        for k in ["gas_station", "hazardous_chemical", "pipeline", "construction_site", "crowded_place", "waterlogging", "geological", "forest_fire"] {
            #expect(kinds.contains(.text(k)), "\(k)")
        }
        #expect(hazards.contains { if case .lineString = $0.geometry { true } else { false } })
        #expect(hazards.contains { if case .polygon = $0.geometry { true } else { false } })
        // A level computed from LEC factors agrees with DOMAIN.md's thresholds.
        for h in hazards {
            guard case .real(let l) = demo.value(h, .hazards, "lec_l"), case .real(let e) = demo.value(h, .hazards, "lec_e"),
                case .real(let c) = demo.value(h, .hazards, "lec_c") else { continue }
            let d = l * e * c
            let expected: Int64 = d > 320 ? 1 : d >= 160 ? 2 : d >= 70 ? 3 : 4
            #expect(demo.value(h, .hazards, "level") == .integer(expected))
        }
        let classes = try demo.records(.shelters).map { demo.value($0, .shelters, "shelter_class") }
        #expect(classes.filter { $0 == .text("I") }.count == 1)
        #expect(classes.filter { $0 == .text("II") }.count == 2)
        #expect(classes.filter { $0 == .text("III") }.count == 5)
        let facilityKinds = Set(try demo.records(.facilities).map { demo.value($0, .facilities, "kind") })
        #expect(facilityKinds.isSuperset(of: ["fire_station", "depot", "hospital", "school", "rescue_team"].map { FieldValue.text($0) }))
    }

    @Test func theRoadNetworkIsOneConnectedGraphOfThousandsOfSegments() throws {
        let roads = try demo.records(.roads)
        #expect((2000...10_000).contains(roads.count))
        var parent: [Coordinate: Coordinate] = [:]
        func find(_ c: Coordinate) -> Coordinate {
            var r = c
            while let p = parent[r], p != r { r = p }
            return r
        }
        for r in roads {
            guard case .lineString(let cs) = r.geometry else { Issue.record("road \(r.id) is \(r.geometry.typeName)"); continue }
            for c in [cs.first!, cs.last!] where parent[c] == nil { parent[c] = c }
            parent[find(cs.first!)] = find(cs.last!)
        }
        #expect(Set(parent.keys.map(find)).count == 1)
        #expect(Set(roads.map { demo.value($0, .roads, "road_class") }).count == 4)
    }

    @Test func theSameSeedGivesTheSameDeployment() throws {
        let dir = try TemporaryDirectory()
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: dir.path("again.gpkg")))
        for layer in Layer.allCases {
            var again: [LayerRecord] = []
            try GeoPackage(path: dir.path("again.gpkg"), mode: .readOnly).read { try $0.forEachRecord(in: layer) { again.append($0) } }
            #expect(again == (try demo.records(layer)), "\(layer)")
        }
    }

    @Test func gdalOgrinfoListsTheSixLayersWithCountsExtentsAndSpatialIndex() throws {
        let listing = try runProcess("ogrinfo", ["-so", "-ro", demo.path])
        #expect(listing.status == 0, "\(listing.stderr)")
        for layer in Layer.allCases { #expect(listing.stdout.contains(": \(layer.tableName)"), "\(layer)") }
        for layer in Layer.allCases {
            let info = try runProcess("ogrinfo", ["-so", "-ro", demo.path, layer.tableName])
            #expect(info.stdout.contains("Feature Count: \(demo.counts[layer]!)"), "\(layer): \(info.stdout.prefix(300))")
            #expect(info.stdout.contains("Extent: (109."), "\(layer)")
            let index = try runProcess("ogrinfo", ["-ro", demo.path, "-sql", "SELECT HasSpatialIndex('\(layer.tableName)', 'geom') AS has_index"])
            #expect(index.stdout.contains("HasSpatialIndex (Integer) = 1"), "\(layer): \(index.stdout)")
        }
    }
}
