import Dispatch
import Foundation
import OneMap
import OneMapTestSupport
import Synchronization
import Testing

/// The field-report rules without HTTP: what the server and the CLI both call.
@Suite struct FieldReportsTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let store: GeoPackage
        let reports: FieldReports
        let gridCode: String
        let spot: Coordinate

        init() throws {
            directory = try TemporaryDirectory()
            let path = directory.path("demo.gpkg")
            _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: path))
            let (rules, _) = try RiskMap.rules(path: Repository.path("config/risk-rules.json"))
            let source = try TileMaps.load(path: path, rules: rules, style: try TileMaps.style(path: Repository.path("config/style.json")), allLayers: true)
            store = try GeoPackage(path: path, mode: .readWrite)
            try store.useWriteAheadLog()
            reports = try FieldReports(store: store, live: LiveOneMap(source))
            let code = Layer.grids.columnIndex("code")
            let grid = try source.index.snapshot.allFeatures(.grids).min { $0.values[code].description < $1.values[code].description }
            gridCode = grid?.values[code].description ?? ""
            spot = try GEOSContext().pointOnSurface(try #require(grid).geometry)
        }

        var worker: Author { Author(name: "张网格员", role: .gridWorker, grid: gridCode) }
        let planner = Author(name: "规划科", role: .planner)

        func hazard(_ id: String, level: Double = 3) -> Feature {
            Feature(id: id, geometry: .point(spot), properties: [JSONMember("kind", .string("gas_station")), JSONMember("level", .number(level))])
        }
    }

    @Test func threeHundredConcurrentPairsOfPatchesLoseNothing() throws {
        let f = try Fixture()
        _ = try f.reports.register(f.hazard("H-pairs"), by: f.worker)
        let lost = Mutex(0)
        for round in 0..<300 {
            let level = Double(1 + round % 2), distance = Double(100 + round)
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let patch = i == 0 ? JSONMember("level", .number(level)) : JSONMember("impact_distance_m", .number(distance))
                _ = try? f.reports.update(.hazards, id: "H-pairs", patch: .init(properties: [patch]), by: f.planner)
            }
            let now = try #require(f.reports.live.index.snapshot.feature(.hazards, id: "H-pairs"))
            if now.values[Layer.hazards.columnIndex("level")] != .integer(Int64(level))
                || now.values[Layer.hazards.columnIndex("impact_distance_m")] != .real(distance) { lost.withLock { $0 += 1 } }
        }
        #expect(lost.withLock { $0 } == 0)
        // 1 create + 600 updates, every one on record, numbered in order.
        let history = try f.reports.history(.hazards, id: "H-pairs")
        #expect(history.count == 601)
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.number < $1.number })
    }

    @Test func theRulesHoldWithoutHTTP() throws {
        let f = try Fixture()
        let accepted = try f.reports.register(f.hazard("H-core"), by: f.worker)
        #expect(accepted.record.values[Layer.hazards.columnIndex("grid_code")] == .text(f.gridCode))
        #expect(throws: ReportError.statusRequired) {
            try f.reports.update(.hazards, id: "H-core", patch: .init(properties: [JSONMember("status", .null)]), by: f.worker)
        }
        #expect(throws: ReportError.serverOwned("reported_by")) {
            try f.reports.update(.hazards, id: "H-core", patch: .init(properties: [JSONMember("reporter", .string("x"))]), by: f.worker)
        }
        #expect(throws: ReportError.levelLowered(from: 3, to: 4)) {
            try f.reports.update(.hazards, id: "H-core", patch: .init(properties: [JSONMember("level", .number(4))]), by: f.worker)
        }
        #expect(throws: ReportError.stale(id: "H-core", expected: "\"0\"", current: accepted.version)) {
            try f.reports.update(.hazards, id: "H-core", patch: .init(properties: [JSONMember("name", .string("x"))]), ifMatch: "\"0\"", by: f.planner)
        }
        // A patch that changes nothing writes nothing.
        let same = try f.reports.update(.hazards, id: "H-core", patch: .init(properties: [JSONMember("level", .number(3))]), by: f.worker)
        #expect(same.change == nil && same.version == accepted.version)
        #expect(try f.reports.history(.hazards, id: "H-core").count == 1)
        // Reading the file anew finds the log (same transaction as the write).
        let again = try GeoPackage(path: f.store.path, mode: .readOnly)
        #expect(try FieldReports.history(in: again, layer: .hazards, id: "H-core").first?.after?.id == "H-core")
        #expect(try again.read { try $0.schemaVersion() } == SchemaVersion.current)
    }

    /// A name the stored properties repeat is one member: null removes every copy, a value
    /// leaves one (the fuzzer's case: a second application removed the second copy).
    @Test func aCommanderReportsSheltersAnywhereButNotHazards() throws {
        let f = try Fixture()
        let commander = Author(name: "王指挥", role: .commander)
        #expect(throws: ReportError.forbidden("王指挥 is a commander and may not register a hazard: hazards are registered and moved by grid workers and planners")) {
            try f.reports.register(f.hazard("H-cmd"), by: commander)
        }
        let shelter = try #require(try f.reports.live.index.snapshot.allFeatures(.shelters).first)
        let done = try f.reports.update(.shelters, id: shelter.id, patch: .init(properties: [JSONMember("occupancy", .number(10))]), by: commander)
        #expect(done.record.values[Layer.shelters.columnIndex("occupancy")] == .integer(10))
        #expect(try f.reports.history(.shelters, id: shelter.id).last?.role == "commander")
    }

    @Test func mergePatchTreatsARepeatedTargetNameAsOne() {
        let target = [JSONMember("a", .number(1)), JSONMember("b", .number(2)), JSONMember("a", .number(3))]
        let removed = FieldReports.mergePatch(target, [JSONMember("a", .null)])
        #expect(removed == [JSONMember("b", .number(2))])
        #expect(FieldReports.mergePatch(removed, [JSONMember("a", .null)]) == removed)
        let set = FieldReports.mergePatch(target, [JSONMember("a", .number(9))])
        #expect(set == [JSONMember("a", .number(9)), JSONMember("b", .number(2))])
    }

    @Test func mergePatchFollowsRFC7396() {
        let target: [JSONMember] = [JSONMember("a", .string("b")), JSONMember("c", .object([JSONMember("d", .string("e")), JSONMember("f", .string("g"))]))]
        let patch: [JSONMember] = [JSONMember("a", .string("z")), JSONMember("c", .object([JSONMember("f", .null)]))]
        #expect(FieldReports.mergePatch(target, patch) == [JSONMember("a", .string("z")), JSONMember("c", .object([JSONMember("d", .string("e"))]))])
    }
}
