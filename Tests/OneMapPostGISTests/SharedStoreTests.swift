import Foundation
import OneMap
import OneMapPostGIS
import OneMapTestSupport
import Testing

/// The storage boundary: the GeoPackage and PostGIS stores answer the same calls the same
/// way, and field reports over a shared PostGIS store lose no writer's change.
@Suite(.serialized) struct SharedStoreTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case geoPackage, postGIS
        var testDescription: String { rawValue }
    }

    /// The demo district in a GeoPackage, and the same in a fresh PostGIS database.
    struct Deployment {
        let directory: TemporaryDirectory
        let path: String
        let url: String
        let rules: RiskRules
        let style: TileStyle

        init(_ label: String) async throws {
            directory = try TemporaryDirectory()
            path = directory.path("demo.gpkg")
            _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: path))
            rules = try RiskMap.rules(path: Repository.path("config/risk-rules.json")).0
            style = try TileMaps.style(path: Repository.path("config/style.json"))
            let cluster = try PostgresCluster.shared()
            url = cluster.url(try cluster.createDatabase(label))
            try await DemoDatabase.copy(path, into: url)
        }

        func store(_ backend: Backend) throws -> any LayerStore {
            try Stores.open(backend == .geoPackage ? path : url, poolSize: 2)
        }

        /// Field reports over a store of `backend`, with a live map loaded from it.
        func reports(_ backend: Backend) throws -> FieldReports {
            let store = try store(backend)
            let through = try store.lastChangeNumber()
            let source = try TileMaps.load(store: store, rules: rules, style: style, allLayers: true)
            return try FieldReports(store: store, live: LiveOneMap(source), appliedThrough: through)
        }
    }

    static let planner = Author(name: "规划科", role: .planner)

    @Test(arguments: Backend.allCases) func bothStoresAnswerTheStorageCallsAlike(_ backend: Backend) async throws {
        let deployment = try await Deployment("calls")
        let store = try deployment.store(backend)
        #expect(Set(try store.layers()) == Set(Layer.allCases))
        var hazards: [LayerRecord] = []
        try store.forEachRecord(in: .hazards) { hazards.append($0) }
        var expected: [LayerRecord] = []
        try GeoPackage(path: deployment.path, mode: .readOnly).forEachRecord(in: .hazards) { expected.append($0) }
        #expect(hazards == expected, "the layer reads back as the GeoPackage holds it, in feature-id order")

        var record = try #require(hazards.first)
        let before = record
        record.values[Layer.hazards.columnIndex("name")] = .text("改名 'quoted' \\ tab\t")
        func entry(_ id: String, _ operation: ChangeLog.Operation, key: String? = nil) -> ChangeLog.Entry {
            ChangeLog.Entry(changedAt: "2026-12-04T03:00:00Z", author: "规划科", role: "planner", authorGrid: nil, layer: "hazards", featureID: id,
                            operation: operation, before: nil, after: record.feature(in: .hazards), requestKey: key)
        }
        #expect(try store.lastChangeNumber() == 0)
        let one = try store.commit(.update(record), to: .hazards, replacing: before, logging: entry(record.id, .update, key: "k1"))
        #expect(one == 1)
        #expect(try store.records(in: .hazards, ids: [record.id, "none"]) == [record])
        var added = record
        added.id = "NEW-1"
        let two = try store.commit(.insert(added), to: .hazards, replacing: nil, logging: entry("NEW-1", .create))
        #expect(two == 2)
        #expect(throws: StorageError.duplicateID("NEW-1", layer: .hazards)) {
            try store.commit(.insert(added), to: .hazards, replacing: nil, logging: entry("NEW-1", .create))
        }
        #expect(try store.lastChangeNumber() == 2, "a refused write logs nothing")
        let three = try store.commit(.delete(id: "NEW-1"), to: .hazards, replacing: added, logging: entry("NEW-1", .delete))
        #expect(three == 3)
        #expect(try store.records(in: .hazards, ids: ["NEW-1"]).isEmpty)
        #expect(try store.changes(after: 1, limit: 10).map(\.number) == [2, 3])
        #expect(try store.changes(after: 0, limit: 1).first?.after == record.feature(in: .hazards))
        #expect(try store.change(author: "规划科", requestKey: "k1")?.number == 1)
        #expect(try store.change(author: "someone else", requestKey: "k1") == nil)
        #expect(try store.history(layer: "hazards", featureID: "NEW-1").map(\.operation) == [.create, .delete])
        // A rule the caller applies inside the transaction refuses with its own error, and nothing is written.
        #expect(throws: IncidentError.invalid("refused inside")) {
            try store.writeTables(IncidentTables.all) { session in
                try session.insert(into: IncidentTables.reports, geometry: nil, values: IncidentTables.reports.columns.map { $0.sql.hasPrefix("INTEGER") ? .integer(0) : .text("0") })
                throw IncidentError.invalid("refused inside")
            }
        }
        #expect(try store.rows(of: IncidentTables.reports).isEmpty && store.lastChangeNumber() == 3)
        if backend == .postGIS {
            // A writer that read the feature before the change above is refused, and nothing is stored.
            #expect(throws: StorageError.conflict(.hazards, id: record.id)) {
                try store.commit(.update(before), to: .hazards, replacing: before, logging: entry(record.id, .update))
            }
            #expect(try store.lastChangeNumber() == 3)
            #expect(try store.records(in: .hazards, ids: [record.id]) == [record])
        }
    }

    /// Two replicas over one database patch one feature, the second from a stale map: its
    /// write is refused by the store, it applies the first's change and merges into it.
    /// Without the check in the commit, the second replica's write replaced the first's name.
    @Test func aReplicaWritingFromAStaleMapMergesIntoTheOthersChange() async throws {
        let deployment = try await Deployment("stale")
        let first = try deployment.reports(.postGIS), second = try deployment.reports(.postGIS)
        let id = "H-0000001"
        let renamed = try first.update(.hazards, id: id, patch: .init(properties: [JSONMember("name", .string("renamed by the first"))]), by: Self.planner)
        #expect(renamed.change == 1)
        #expect(second.live.index.snapshot.feature(.hazards, id: id)?.value(Layer.hazards.columnIndex("name")) != .text("renamed by the first"),
                "the second has not applied it yet")
        let raised = try second.update(.hazards, id: id, patch: .init(properties: [JSONMember("level", .number(1))]), by: Self.planner)
        #expect(raised.change == 2)
        let properties = Dictionary(raised.feature.properties.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(properties["name"] == .string("renamed by the first") && properties["level"] == .number(1))
        #expect(second.appliedChange == 2)
        let stored = try #require(try deployment.store(.postGIS).records(in: .hazards, ids: [id]).first)
        #expect(stored == raised.record)
        // The first catches up to the same feature.
        #expect(try first.applyChangesFromElsewhere() == 1)
        #expect(first.live.index.snapshot.feature(.hazards, id: id) == stored)
    }

    /// The field-report rules answer alike over both stores: register, step the lifecycle,
    /// a step sent again with its key, history.
    @Test(arguments: Backend.allCases) func fieldReportsAnswerAlikeOverBothStores(_ backend: Backend) async throws {
        let deployment = try await Deployment("reports")
        let reports = try deployment.reports(backend)
        let spot = try #require(reports.live.index.snapshot.feature(.hazards, id: "H-0000001")?.geometry)
        let made = try reports.register(Feature(id: "R-1", geometry: spot, properties: [JSONMember("kind", .string("gas_station")), JSONMember("level", .number(3))]),
                                        by: Self.planner, requestKey: "reg-1")
        #expect(made.change == 1)
        let again = try reports.register(Feature(id: "R-1", geometry: spot, properties: [JSONMember("kind", .string("gas_station")), JSONMember("level", .number(3))]),
                                         by: Self.planner, requestKey: "reg-1")
        #expect(again.replayed && again.change == 1)
        let step = try reports.update(.hazards, id: "R-1", patch: .init(properties: [JSONMember("status", .string("rectifying"))]), by: Self.planner)
        #expect(step.change == 2)
        #expect(throws: ReportError.duplicateID(.hazards, id: "R-1")) {
            try reports.register(Feature(id: "R-1", geometry: spot, properties: [JSONMember("kind", .string("gas_station"))]), by: Self.planner)
        }
        #expect(try reports.history(.hazards, id: "R-1").map(\.operation) == [.create, .update])
        let stored = try #require(try reports.store.records(in: .hazards, ids: ["R-1"]).first)
        #expect(stored == step.record && reports.live.index.snapshot.feature(.hazards, id: "R-1") == stored)
    }

    /// Tiles drawn from the database (what `onemap tiles seed --data postgres://…` exports for
    /// a CDN) are the GeoPackage's, pixel for pixel, under the same map key.
    @Test func tilesFromTheDatabaseAreTheGeoPackagesTiles() async throws {
        let deployment = try await Deployment("tiles")
        let fromFile = try TileMaps.load(path: deployment.path, rules: deployment.rules, style: deployment.style)
        let fromDatabase = try TileMaps.load(path: deployment.url, rules: deployment.rules, style: deployment.style)
        #expect(fromFile.mapKey == fromDatabase.mapKey)
        #expect(fromFile.extent == fromDatabase.extent)
        let centre = Coordinate((fromFile.extent.minX + fromFile.extent.maxX) / 2, (fromFile.extent.minY + fromFile.extent.maxY) / 2)
        for zoom in [10, 13, 15] {
            let tile = try #require(TileID.covering(BoundingBox(minX: centre.x, minY: centre.y, maxX: centre.x, maxY: centre.y), zoom: zoom).first)
            let a = try fromFile.renderer.render(tile, scale: 1, base: true), b = try fromDatabase.renderer.render(tile, scale: 1, base: true)
            #expect(a == b, "tile \(tile)")
        }
    }

    static let commander = Author(name: "指挥长", role: .commander)

    /// The commander's incidents answer alike over both stores: create from a hazard,
    /// change the status, append reports, history; read back from the store as written.
    @Test(arguments: Backend.allCases) func incidentsAnswerAlikeOverBothStores(_ backend: Backend) async throws {
        let deployment = try await Deployment("incidents")
        let store = try deployment.store(backend)
        let source = try TileMaps.load(store: store, rules: deployment.rules, style: deployment.style, allLayers: true)
        let config = try Incidents.config(path: Repository.path("config/incidents.json"))
        let desk = try Incidents(store: store, live: LiveOneMap(source), config: config) { nil }
        let made = try desk.create(.init(id: "INC-T-1", kind: "hazardous_chemical_leak", hazardID: "H-0000001"), by: Self.commander)
        #expect(made.change == 1 && made.incident.area.zones.count >= 2)
        let moved = try desk.update("INC-T-1", .init(status: .responding), by: Self.commander)
        #expect(moved.change == 2)
        let first = try desk.report("INC-T-1", .init(kind: .initial, casualties: Casualties(dead: 0, injured: 3), text: "泄漏'quoted'"), by: Self.commander)
        #expect(first.change == 4, "the report's row and the incident's: two changes")
        #expect(try desk.history("INC-T-1").map(\.operation) == [.create, .update, .create, .update])
        // Read again from the store, the incident is what the desk holds.
        let again = try Incidents(store: try deployment.store(backend), live: LiveOneMap(source), config: config) { nil }
        #expect(try again.incident("INC-T-1") == desk.incident("INC-T-1"))
        #expect(try Incidents.stored(in: store).map(\.id) == ["INC-T-1"])
    }

    /// Risk-map versions answer alike: stored from the live map, listed, read back, compared.
    @Test(arguments: Backend.allCases) func riskVersionsAnswerAlikeOverBothStores(_ backend: Backend) async throws {
        let deployment = try await Deployment("versions")
        let store = try deployment.store(backend)
        let source = try TileMaps.load(store: store, rules: deployment.rules, style: deployment.style, allLayers: true)
        let live = LiveOneMap(source)
        let hazards = try live.index.snapshot.allFeatures(.hazards)
        let one = try RiskMap.storeLive(live.model, hazards: hazards, in: store, by: Self.planner, note: "first")
        let two = try RiskMap.storeLive(live.model, hazards: hazards, in: store, by: Self.planner, note: "second")
        #expect(one.number == 1 && two.number == 2)
        #expect(try RiskVersionStore.list(in: store).map(\.number) == [1, 2])
        let areas = try RiskVersionStore.areas(of: one, in: store)
        #expect(areas.count == live.model.areas.count)
        #expect(areas.map(\.level) == live.model.storedAreas.sorted { $0.id < $1.id }.map(\.level))
        #expect(try RiskVersionStore.diff(from: 1, to: 2, in: store).isEmpty)
        let counts = try store.colourCounts()
        #expect(counts.map(\.version) == [1, 2] && counts[0].counts.values.reduce(0, +) == live.model.areas.count)
        // The map key of a store with a version built from the same hazards and rules is that version.
        #expect(try TileMaps.load(store: store, rules: deployment.rules, style: deployment.style, allLayers: true).mapKey == "v2")
    }

    /// Photos answer alike over both stores: stored stripped, listed in order, read back byte
    /// for byte, a key sent again answered from the first, the per-feature limit, unknown owners.
    @Test(arguments: Backend.allCases) func photosAnswerAlikeOverBothStores(_ backend: Backend) async throws {
        let deployment = try await Deployment("photos")
        let reports = try deployment.reports(backend)
        var limits = FieldReports.PhotoLimits()
        limits.maxPerFeature = 2
        let first = TestImages.png(width: 5, height: 4, text: "secret"), second = TestImages.png(width: 3, height: 2, text: "other")
        let one = try reports.attachPhoto(first.bytes, to: .hazard("H-0000001"), by: Self.planner, limits: limits, requestKey: "p-1")
        #expect(one.position == 1 && one.photo.bytes == first.stripped.count)
        let again = try reports.attachPhoto(first.bytes, to: .hazard("H-0000001"), by: Self.planner, limits: limits, requestKey: "p-1")
        #expect(again.replayed && again.change == one.change && again.position == 1)
        let two = try reports.attachPhoto(second.bytes, to: .hazard("H-0000001"), by: Self.planner, limits: limits)
        #expect(two.position == 2 && two.change == one.change + 1)
        #expect(throws: FieldReports.PhotoError.tooMany(2)) {
            try reports.attachPhoto(second.bytes, to: .hazard("H-0000001"), by: Self.planner, limits: limits)
        }
        #expect(throws: ReportError.unknownFeature(.hazards, id: "NONE")) {
            try reports.attachPhoto(second.bytes, to: .hazard("NONE"), by: Self.planner, limits: limits)
        }
        #expect(try reports.photos(of: .hazard("H-0000001")).map(\.sha256) == [one.photo.sha256, two.photo.sha256])
        let stored = try reports.photo(1, of: .hazard("H-0000001"))
        #expect(stored.data == first.stripped && stored.contentType == "image/png")
        #expect(throws: FieldReports.PhotoError.unknownPhoto("hazard 'H-0000001'", position: 3)) { try reports.photo(3, of: .hazard("H-0000001")) }
        #expect(try reports.store.changes(after: 0, limit: 10).map(\.operation) == [.attach, .attach])
    }

    /// The command line over either store: `--data postgres://…` answers as the GeoPackage does.
    @Test func commandsAnswerAlikeOverBothStores() async throws {
        let deployment = try await Deployment("commands")
        let onemap = Repository.onemapExecutable
        let commands: [[String]] = [
            ["query", "nearest-shelter", "--lon", "109.7810", "--lat", "39.6080", "--k", "3"],
            ["query", "within", "--layer", "hazards", "--lon", "109.7810", "--lat", "39.6080", "--radius", "800"],
            ["query", "bbox", "--layer", "roads", "--bbox", "109.77,39.60,109.79,39.62"],
            ["supervision", "--format", "csv"],
        ]
        for command in commands {
            let file = try runProcess(onemap, command + ["--data", deployment.path])
            let database = try runProcess(onemap, command + ["--data", deployment.url])
            #expect(file.status == 0 && database.status == 0, "\(command): \(database.stderr)")
            #expect(!file.stdout.isEmpty && database.stdout == file.stdout, "\(command)")
        }
        // The layers listed alike: counts, types and exact extents (the index is each store's own).
        let fileInfo = try runProcess(onemap, ["info", deployment.path]), databaseInfo = try runProcess(onemap, ["info", deployment.url])
        let rows = { (text: String) in text.split(separator: "\n").dropFirst().map { $0.replacingOccurrences(of: "rtree", with: "gist") } }
        #expect(databaseInfo.status == 0 && rows(fileInfo.stdout).count == 7 && rows(databaseInfo.stdout) == rows(fileInfo.stdout), "\(databaseInfo.stdout)\(databaseInfo.stderr)")
        #expect(databaseInfo.stdout.contains("OneMap schema version \(PostGISSchema.current)"))
        // A version stored in either: the same statistics.
        for data in [deployment.path, deployment.url] {
            #expect(try runProcess(onemap, ["risk", "build", "--data", data, "--note", "both"]).status == 0)
        }
        let fileStats = try runProcess(onemap, ["risk", "stats", "--data", deployment.path])
        let databaseStats = try runProcess(onemap, ["risk", "stats", "--data", deployment.url])
        // The first line names the version and when it was built.
        let table = { (text: String) in text.split(separator: "\n").dropFirst().joined(separator: "\n") }
        #expect(!table(fileStats.stdout).isEmpty && table(databaseStats.stdout) == table(fileStats.stdout), "\(databaseStats.stdout)\n\(fileStats.stdout)")
    }
}
