import Foundation
import OneMap
import Testing

/// Area levels on constructed data: a 3 × 1 row of grid cells 0.01° square (about 830 m
/// east–west, 1,110 m north–south at 42° N) and sources placed by geodesic distances.
@Suite struct AreaLevelTests {
    static let origin = Coordinate(118.90, 42.25)

    func cell(_ i: Int) -> LayerRecord {
        let x0 = Self.origin.x + Double(i) * 0.01, y0 = Self.origin.y
        let ring = [Coordinate(x0, y0), Coordinate(x0 + 0.01, y0), Coordinate(x0 + 0.01, y0 + 0.01),
                    Coordinate(x0, y0 + 0.01), Coordinate(x0, y0)]
        return LayerRecord(id: "G\(i)", geometry: .multiPolygon([[ring]]),
                           values: Layer.grids.columns.map { $0.name == "code" ? .text("C\(i)") : .null }, extra: [])
    }

    func source(_ id: String, _ geometry: Geometry, level: Int, impact: Double = 0, status: String = "registered") -> LayerRecord {
        let named: [String: FieldValue] = ["level": .integer(Int64(level)), "impact_distance_m": .real(impact), "status": .text(status)]
        return LayerRecord(id: id, geometry: geometry, values: Layer.hazards.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    func assess(_ sources: [LayerRecord]) throws -> [String: AreaAssessment] {
        let index = SpatialIndex(records: [.grids: (0..<3).map(cell), .hazards: sources])
        let areas = try RiskRules.standard.assessAreas(index.snapshot)
        return Dictionary(uniqueKeysWithValues: areas.map { ($0.areaID, $0) })
    }

    /// A point `metres` east of cell 0's east edge (inside cell 1), at mid-height.
    func east(of edgeX: Double, by metres: Double) -> Coordinate {
        Geodesic.wgs84.destination(from: Coordinate(edgeX, Self.origin.y + 0.005), bearing: 90, distance: metres)
    }

    @Test func aCellWithOneRedSourceIsRedAndNamesIt() throws {
        let areas = try assess([source("H-red", .point(Coordinate(118.905, 42.255)), level: 1)])
        #expect(areas["G0"]?.level == .red)
        #expect(areas["G0"]?.reasons == [AreaReason(sourceID: "H-red", level: .red, distance: 0)])
        #expect(areas["G1"]?.level == nil && areas["G2"]?.level == nil)
    }

    @Test func anImpactDistanceCrossingIntoTheNeighbourColoursItToo() throws {
        // 100 m east of the G0/G1 edge, inside G1, with a 150 m impact distance: reaches G0
        // (100 m away) but not G2 (about 730 m away).
        let p = east(of: 118.91, by: 100)
        let areas = try assess([source("H-gas", .point(p), level: 2, impact: 150)])
        #expect(areas["G1"]?.level == .orange)
        #expect(areas["G0"]?.level == .orange)
        let reason = try #require(areas["G0"]?.reasons.first)
        #expect(abs(reason.distance - 100) < 0.01)
        #expect(areas["G2"]?.level == nil)
        // 99 m of impact falls a metre short of G0.
        #expect(try assess([source("H-gas", .point(p), level: 2, impact: 99)])["G0"]?.level == nil)
    }

    @Test func aLineSourceReachesByItsNearestPoint() throws {
        // A pipeline inside G2 running north–south 300 m east of the G1/G2 edge, impact 320 m.
        let a = east(of: 118.92, by: 300), b = Coordinate(a.x, a.y + 0.004)
        let areas = try assess([source("P-1", .lineString([a, b]), level: 3, impact: 320)])
        #expect(areas["G2"]?.level == .yellow)
        #expect(areas["G1"]?.level == .yellow)
        #expect(abs((areas["G1"]?.reasons.first?.distance ?? 0) - 300) < 0.5)
        #expect(areas["G0"]?.level == nil)
    }

    @Test func theMostSevereSourceWinsAndClosedOnesDoNotCount() throws {
        let areas = try assess([
            source("H-blue", .point(Coordinate(118.902, 42.252)), level: 4),
            source("H-red-closed", .point(Coordinate(118.903, 42.253)), level: 1, status: "closed"),
            source("H-orange", .point(Coordinate(118.904, 42.254)), level: 2),
            source("H-orange-2", .point(Coordinate(118.906, 42.256)), level: 2),
        ])
        #expect(areas["G0"]?.level == .orange)
        #expect(Set(areas["G0"]?.reasons.map(\.sourceID) ?? []) == ["H-orange", "H-orange-2"])
    }
}
