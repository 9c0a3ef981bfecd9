import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Open hazards past their rectification deadline are drawn with a ring (decoded pixels),
/// and the live map finds them by the supervision rule, as deadlines pass and as reports
/// change status and due dates (compared with the rule computed here by hand).
@Suite struct OverdueTileTests {
    @Test(arguments: [1, 2])
    func anOverdueHazardHasARingAndAnotherHasNone(scale: Int) throws {
        let snapshot = SpatialIndex(records: [.grids: (0..<3).map(TileScene.cell), .hazards: [TileScene.redSource]]).snapshot
        let style = try TileScene.style
        let plain = TileRenderer(style: style, snapshot: snapshot, risk: try RiskModel.build(snapshot, rules: .standard))
        let ringed = plain.with(overdue: [TileScene.redSource.id])
        let c = Coordinate(118.905, 42.255)
        let spot = TileScene.locate(c, zoom: 13, scale: scale)  // below the zoom of the cells' labels (drawn at the cell's centre)
        let before = try RasterImage(png: try plain.render(spot.tile, scale: scale))
        let after = try RasterImage(png: try ringed.render(spot.tile, scale: scale))
        let h = style.hazards
        // Half-way through the ring's width, east, west, north and south of the symbol.
        let r = Int(((h.radius[.red] + h.overdue.gap + h.overdue.width / 2) * Double(scale)).rounded())
        for (dx, dy) in [(r, 0), (-r, 0), (0, r), (0, -r)] {
            #expect(after.pixel(spot.x + dx, spot.y + dy, is: h.overdue.colour, tolerance: 40), "ring at \(dx),\(dy): \(after.pixel(spot.x + dx, spot.y + dy))")
            #expect(!before.pixel(spot.x + dx, spot.y + dy, is: h.overdue.colour, tolerance: 40), "no ring without a deadline passed")
        }
        // The symbol itself is unchanged.
        #expect(after.pixel(spot.x, spot.y, is: h.colour[.red]) && before.pixel(spot.x, spot.y, is: h.colour[.red]))
    }

    /// The first look at start finds the same hazards as the minute-by-minute one, and drops
    /// every tile the caches hold (drawn before these deadlines passed), keying them anew.
    @Test func theFirstLookAtStartClearsTheCaches() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("start.gpkg")
        let now = Date()
        let old = Timestamps.format(now.addingTimeInterval(-90 * 86_400))
        let hazards = (0..<5).map { i in
            LayerRecord(id: "h\(i)", geometry: .point(Coordinate(118.905, 42.255)),
                        values: Layer.hazards.columns.map { ["status": .text("registered"), "level": .integer(1), "reported_at": .text(old)][$0.name] ?? .null },
                        extra: [])
        }
        try TileScene.store(at: path, hazards: hazards)
        let config = try FieldConfig.load(path: Repository.path("config/field.json"))
        let source = try TileMaps.load(path: path, rules: .standard, style: try TileScene.style, allLayers: true)
        let cache = try MBTilesCache(path: directory.path("c.mbtiles"), mapKey: source.mapKey)
        let tiles = try [TileID(z: 3, x: 6, y: 2), TileID(z: 12, x: 3400, y: 1500)].map { ($0, Data([1, 2, 3])) }
        #expect(try cache.store(tiles))
        let live = LiveOneMap(source, caches: [cache], field: config)
        #expect(try live.startOverdue(now: now) == 5)
        #expect(live.renderer.overdue == Set(hazards.map(\.id)))
        #expect(try cache.count() == 0 && cache.mapKey == live.mapKey && live.mapKey != source.mapKey)
        #expect(try cache.tile(tiles[0].0) == nil && cache.tile(tiles[1].0) == nil)
    }

    @Test func theLiveMapFindsOverdueHazardsByTheRule() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("overdue.gpkg")
        let now = Date()
        func hazard(_ id: String, level: Int?, reportedDaysAgo: Double?, status: String = "registered", owner: String? = nil, due: Date? = nil) -> LayerRecord {
            var named: [String: FieldValue] = ["status": .text(status)]
            if let level { named["level"] = .integer(Int64(level)) }
            if let reportedDaysAgo { named["reported_at"] = .text(Timestamps.format(now.addingTimeInterval(-reportedDaysAgo * 86_400))) }
            if let owner { named["supervision_owner"] = .text(owner) }
            if let due { named["due_date"] = .text(Timestamps.format(due)) }
            return LayerRecord(id: id, geometry: .point(Coordinate(118.905, 42.255)), values: Layer.hazards.columns.map { named[$0.name] ?? .null }, extra: [])
        }
        // Red 7 days, orange 15, yellow 30, blue 60, unlevelled 30 (config/field.json).
        let hazards = [
            hazard("red-8d", level: 1, reportedDaysAgo: 8), hazard("red-6d", level: 1, reportedDaysAgo: 6),
            hazard("blue-59d", level: 4, reportedDaysAgo: 59), hazard("blue-61d", level: 4, reportedDaysAgo: 61),
            hazard("none-31d", level: nil, reportedDaysAgo: 31), hazard("no-date", level: 1, reportedDaysAgo: nil),
            hazard("closed-old", level: 1, reportedDaysAgo: 400, status: "closed"),
            hazard("listed-late", level: 1, reportedDaysAgo: 1, owner: "安监站", due: now.addingTimeInterval(-3600)),
            hazard("listed-on-time", level: 1, reportedDaysAgo: 100, owner: "安监站", due: now.addingTimeInterval(86_400)),
        ]
        try TileScene.store(at: path, hazards: hazards)
        let config = try FieldConfig.load(path: Repository.path("config/field.json"))
        let source = try TileMaps.load(path: path, rules: .standard, style: try TileScene.style, allLayers: true)
        let live = LiveOneMap(source, field: config)
        let changed = try live.refreshOverdue(now: now)
        let expected: Set<String> = ["red-8d", "blue-61d", "none-31d", "listed-late"]
        #expect(live.renderer.overdue == expected)
        #expect(Set(changed.map(\.id)) == expected)
        #expect(try live.refreshOverdue(now: now).isEmpty, "nothing new a second later")
        // A week on, the red one of six days, the blue one of 59 days and the listed one due tomorrow are late too.
        #expect(Set(try live.refreshOverdue(now: now.addingTimeInterval(7 * 86_400)).map(\.id)) == ["red-6d", "blue-59d", "listed-on-time"])
        // Closing a late hazard takes its ring away at once.
        var closed = hazards[0]
        closed.values[Layer.hazards.columnIndex("status")] = .text("closed")
        try live.apply(.update(closed), to: .hazards)
        #expect(!live.renderer.overdue.contains("red-8d"))
        // The same rule as the supervision list.
        let report = try Supervision.report(live.index.snapshot, config: config, now: now.addingTimeInterval(7 * 86_400))
        #expect(Set(report.rows.filter(\.overdue).map(\.id)) == live.renderer.overdue)
    }

    /// The minute's look over every hazard (2.3 s on the generated city's million) does not
    /// hold up a report: a change applied while it runs goes through, and its ring stands.
    @Test(.timeLimit(.minutes(2))) func aReportIsNotHeldUpByTheOverdueLook() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("many.gpkg")
        let old = Timestamps.format(Date().addingTimeInterval(-400 * 86_400))
        let status = Layer.hazards.columnIndex("status"), reported = Layer.hazards.columnIndex("reported_at"), level = Layer.hazards.columnIndex("level")
        func record(_ n: Int) -> LayerRecord {
            var values = Layer.hazards.columns.map { _ in FieldValue.null }
            values[status] = .text("registered")
            values[reported] = .text(old)
            values[level] = .integer(4)
            return LayerRecord(id: "H-\(n)", geometry: .point(Coordinate(118.9 + Double(n % 1000) * 1e-5, 42.25 + Double(n / 1000) * 1e-5)), values: values, extra: [])
        }
        try TileScene.store(at: path, hazards: (0..<300_000).map(record))
        let config = try FieldConfig.load(path: Repository.path("config/field.json"))
        let live = LiveOneMap(try TileMaps.load(path: path, rules: .standard, style: try TileScene.style, allLayers: true), field: config)
        // Closed while the look runs (after it read the hazards, before it applies what it
        // found): the look saw it open and late; the close wins. Under the writers' lock, as the
        // look first ran, this report could not be made at all until the look was over.
        var closed = record(7)
        closed.values[status] = .text("closed")
        var reportMade = false
        let changed = try live.refreshOverdue(afterLook: {
            try live.apply(.update(closed), to: .hazards)
            reportMade = true
        })
        #expect(reportMade)
        #expect(changed.count == 299_999 && !changed.contains { $0.id == "H-7" })
        #expect(!live.renderer.overdue.contains("H-7") && live.renderer.overdue.contains("H-8"))
        #expect(live.renderer.overdue.count == 299_999)
    }
}
