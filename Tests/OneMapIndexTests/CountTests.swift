import Foundation
import OneMap
import Testing

/// Counts read from stored data (capacity, occupancy, population) cannot trap: a capacity
/// of Int64.max was accepted by the column and `Int(Double(Int64.max))` killed the next
/// nearest-shelter answer.
@Suite struct CountTests {
    @Test func storedCountsBeyondAnyCityAreClampedNotTrapped() throws {
        #expect(FieldValue.integer(Int64.max).count == 1_000_000_000_000)
        #expect(FieldValue.real(9.3e18).count == 1_000_000_000_000)
        #expect(FieldValue.real(-5).count == 0 && FieldValue.integer(-5).count == 0)
        #expect(FieldValue.real(.nan).count == nil && FieldValue.text("9").count == nil && FieldValue.null.count == nil)
        #expect(FieldValue.real(.infinity).count == 1_000_000_000_000)
        #expect(FieldValue.integer(12_000).count == 12_000 && FieldValue.real(12.9).count == 12)
    }

    @Test func aShelterWithAHugeStoredCapacityIsAnsweredNotACrash() throws {
        func shelter(_ id: String, _ values: [String: FieldValue]) -> LayerRecord {
            let named = values.merging(["status": .text("open")]) { a, _ in a }
            return LayerRecord(id: id, geometry: .point(Coordinate(109.78, 39.61)), values: Layer.shelters.columns.map { named[$0.name] ?? .null }, extra: [])
        }
        let snapshot = SpatialIndex(records: [.shelters: [shelter("S-max", ["capacity": .integer(Int64.max), "occupancy": .integer(Int64.max)]),
                                                          shelter("S-real", ["capacity": .real(9.3e18)])]]).snapshot
        let hits = try snapshot.nearestShelters(to: Coordinate(109.78, 39.61), k: 2, criteria: .anyStatus())
        #expect(Set(hits.map(\.hit.record.id)) == ["S-max", "S-real"])
        #expect(hits.allSatisfy { $0.capacity == 1_000_000_000_000 })
        _ = hits.map(\.feature)  // room and area per person are computed here
        // The columns now refuse such values on import and PATCH.
        let capacity = try #require(Layer.shelters.columns.first { $0.name == "capacity" })
        if case .value = capacity.value(parsing: "9223372036854775807") { Issue.record("a capacity of 9.2e18 persons was accepted") }
    }
}
