import OneMapGeometry
import OneMapStorage
import Testing

@Suite struct RecordMapperTests {
    @Test func aliasesAndVocabulariesFillTypedColumnsAndTheRestIsKept() throws {
        let mapper = try RecordMapper(layer: .hazards)
        let feature = Feature(id: nil, geometry: .point(Coordinate(109.7, 39.6)), properties: [
            JSONMember("id", .string("H-7")), JSONMember("风险等级", .string("重大")), JSONMember("Impact Distance", .string("300")),
            JSONMember("状态", .string("销号")), JSONMember("owner", .string("某公司")),
        ])
        let record = try mapper.record(for: feature, fallbackID: "unused")
        let columns = Layer.hazards.columns.map(\.name)
        #expect(record.id == "H-7")
        #expect(record.values[columns.firstIndex(of: "level")!] == .integer(1))
        #expect(record.values[columns.firstIndex(of: "impact_distance_m")!] == .real(300))
        #expect(record.values[columns.firstIndex(of: "status")!] == .text("closed"))
        #expect(record.extra == [JSONMember("owner", .string("某公司"))])
    }

    @Test func explicitMappingsOverrideAndUnknownTargetsAreRefused() throws {
        let mapper = try RecordMapper(layer: .shelters, explicit: ["persons_max": "capacity"])
        let record = try mapper.record(for: Feature(id: "S", geometry: .point(Coordinate(0, 0)), properties: [JSONMember("persons_max", .number(1200))]), fallbackID: "")
        #expect(record.values[Layer.shelters.columns.firstIndex { $0.name == "capacity" }!] == .integer(1200))
        #expect(throws: MappingError.unknownColumn("capacityy", layer: .shelters)) { try RecordMapper(layer: .shelters, explicit: ["a": "capacityy"]) }
    }

    @Test func aValueThatDoesNotFitNamesThePropertyAndColumn() throws {
        let mapper = try RecordMapper(layer: .shelters)
        let error = #expect(throws: MappingError.self) {
            try mapper.record(for: Feature(id: "S", geometry: .point(Coordinate(0, 0)), properties: [JSONMember("容量", .string("many"))]), fallbackID: "")
        }
        #expect(error?.description == "property \"容量\" (column capacity): expected a whole number, got \"many\"")
    }

    @Test func geometriesArePromotedOrRefusedByLayer() throws {
        let ring: Ring = [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]
        let grid = try RecordMapper(layer: .grids).record(for: Feature(id: "G", geometry: .polygon([ring])), fallbackID: "")
        #expect(grid.geometry == .multiPolygon([[ring]]))
        #expect(throws: MappingError.self) { try RecordMapper(layer: .roads).record(for: Feature(id: "R", geometry: .point(Coordinate(0, 0))), fallbackID: "") }
    }

    @Test func speedsAndOneWayFlagsInOSMSpellings() throws {
        let mapper = try RecordMapper(layer: .roads)
        let line: Geometry = .lineString([Coordinate(0, 0), Coordinate(1, 1)])
        let r = try mapper.record(for: Feature(id: "R", geometry: line, properties: [JSONMember("maxspeed", .string("30 mph")), JSONMember("oneway", .string("yes")), JSONMember("highway", .string("primary"))]), fallbackID: "")
        #expect(r.values[0...3] == [.null, .text("primary"), .real(30 * 1.609_344), .integer(1)])
    }
}
