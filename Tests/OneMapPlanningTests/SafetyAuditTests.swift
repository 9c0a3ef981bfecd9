import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The safety-distance audit on constructed data: planted violations are found with
/// their distances, and nothing else is.
@Suite struct SafetyAuditTests {
    static let origin = Coordinate(109.78, 39.60)

    func at(_ metres: Double, bearing: Double = 90) -> Coordinate {
        Geodesic.wgs84.destination(from: Self.origin, bearing: bearing, distance: metres)
    }

    func record(_ layer: Layer, _ id: String, _ geometry: Geometry, _ named: [String: FieldValue]) -> LayerRecord {
        LayerRecord(id: id, geometry: geometry, values: layer.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    @Test func plantedViolationsAreFoundAndNoFalseOnes() throws {
        // A major hazard source (grade 2, no impact distance) at the origin.
        let major = record(.hazards, "H-major", .point(Self.origin), ["kind": .text("hazardous_chemical"), "major_hazard_grade": .integer(2), "level": .integer(1)])
        // A gas station 3 km east with a 150 m impact distance, and a closed one beside it.
        let gas = record(.hazards, "H-gas", .point(at(3000)), ["kind": .text("gas_station"), "impact_distance_m": .real(150), "level": .integer(2)])
        let closed = record(.hazards, "H-closed", .point(at(3010)), ["kind": .text("gas_station"), "impact_distance_m": .real(500), "status": .text("closed")])
        // A school 900 m north of the major source (too close), another 1,100 m south (fine).
        let near = record(.facilities, "F-school-near", .point(at(900, bearing: 0)), ["kind": .text("school")])
        let far = record(.facilities, "F-school-far", .point(at(1100, bearing: 180)), ["kind": .text("school")])
        // A depot 200 m away is not a protected target.
        let depot = record(.facilities, "F-depot", .point(at(200, bearing: 0)), ["kind": .text("depot")])
        // A square shelter whose west edge is 100 m east of the gas station (inside 150 m),
        // and a point shelter 200 m west of it (outside).
        let w = at(3100), e = Geodesic.wgs84.destination(from: w, bearing: 90, distance: 300)
        let square: Geometry = .polygon([[Coordinate(w.x, w.y - 0.001), Coordinate(e.x, w.y - 0.001), Coordinate(e.x, w.y + 0.001),
                                          Coordinate(w.x, w.y + 0.001), Coordinate(w.x, w.y - 0.001)]])
        let shelterNear = record(.shelters, "S-square", square, [:])
        let shelterFar = record(.shelters, "S-west", .point(at(2800)), [:])
        let snapshot = SpatialIndex(records: [.hazards: [major, gas, closed], .facilities: [near, far, depot],
                                              .shelters: [shelterNear, shelterFar]]).snapshot
        let violations = try SafetyAudit().run(snapshot)
        #expect(violations.map(\.targetID) == ["S-square", "F-school-near"])
        let school = try #require(violations.first { $0.targetID == "F-school-near" })
        #expect(school.hazardID == "H-major" && school.rule == "major_hazard_safety_distance" && school.required == 1000)
        #expect(abs(school.distance - 900) < 0.01)
        let shelter = try #require(violations.first { $0.targetID == "S-square" })
        #expect(shelter.hazardID == "H-gas" && shelter.rule == "impact_distance" && shelter.required == 150)
        #expect(abs(shelter.distance - 100) < 0.5)
        // A stricter safety distance catches the far school too.
        #expect(try SafetyAudit(safetyDistance: 1200).run(snapshot).contains { $0.targetID == "F-school-far" })
    }

    @Test func theDemoAuditAgreesWithABruteForceScan() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: path))
        let snapshot = try SpatialIndex.load(from: GeoPackage(path: path, mode: .readOnly)).snapshot
        let found = Set(try SafetyAudit().run(snapshot).map { "\($0.targetID)|\($0.hazardID)" })
        // Brute force: every target against every open hazard, exact distances.
        let hazards = try snapshot.allFeatures(.hazards)
        let kind = Layer.facilities.columns.firstIndex { $0.name == "kind" }!
        let status = Layer.hazards.columns.firstIndex { $0.name == "status" }!
        let grade = Layer.hazards.columns.firstIndex { $0.name == "major_hazard_grade" }!
        let impact = Layer.hazards.columns.firstIndex { $0.name == "impact_distance_m" }!
        let targets = try snapshot.allFeatures(.shelters) + snapshot.allFeatures(.facilities).filter { ["school", "hospital", "key_target"].contains($0.values[kind].description) }
        var want = Set<String>()
        let context = GEOSContext()
        for target in targets {
            for hazard in hazards where hazard.values[status] != .text("closed") {
                let limit = max(hazard.values[grade] != .null ? 1000 : 0, hazard.values[impact].number ?? 0)
                guard limit > 0 else { continue }
                let d = try context.prepare(target.geometry).intersects(hazard.geometry) ? 0 : ShapeGap.between(hazard.geometry, target.geometry)
                if d <= limit { want.insert("\(target.id)|\(hazard.id)") }
            }
        }
        #expect(found == want)
        #expect(!want.isEmpty)
    }
}
