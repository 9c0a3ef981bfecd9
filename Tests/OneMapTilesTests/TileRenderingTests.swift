import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Tiles decoded with a real PNG decoder and checked pixel by pixel.
@Suite struct TileRenderingTests {
    func renderer(_ hazards: [LayerRecord]) throws -> TileRenderer {
        let snapshot = SpatialIndex(records: [.grids: (0..<3).map(TileScene.cell), .hazards: hazards]).snapshot
        return TileRenderer(style: try TileScene.style, snapshot: snapshot, risk: try RiskModel.build(snapshot, rules: .standard))
    }

    @Test(arguments: [1, 2])
    func aKnownRedCellHasTheRedFillAtItsPixels(scale: Int) throws {
        let renderer = try renderer([TileScene.redSource])
        let style = try TileScene.style
        // Inside G0, away from the hazard's symbol and the outline.
        let inside = try pixel(at: Coordinate(118.9025, 42.2575), zoom: 14, scale: scale, of: renderer)
        #expect(matches(inside, style.riskAreas.fill.red), "\(inside)")
        // G2, reached by nothing, is clear inside.
        let clear = try pixel(at: Coordinate(118.925, 42.2575), zoom: 14, scale: scale, of: renderer)
        #expect(clear.a == 0, "\(clear)")
        // The hazard itself: an opaque red symbol at its pixel (red hazards show from zoom
        // 11; at 14 the cell's label sits on the cell's centre, where this hazard is).
        let symbol = try pixel(at: Coordinate(118.905, 42.255), zoom: 13, scale: scale, of: renderer)
        #expect(matches(symbol, style.hazards.colour.red), "\(symbol)")
        let spot = TileScene.locate(Coordinate(118.905, 42.255), zoom: 14, scale: scale)
        let image = try RasterImage(png: try renderer.render(spot.tile, scale: scale))
        let size = (image.width, image.height)
        #expect(size == (256 * scale, 256 * scale))
        // Below zoom 11 the red hazard is not drawn: its pixel shows the cell's fill.
        let far = try pixel(at: Coordinate(118.905, 42.255), zoom: 10, scale: scale, of: renderer)
        #expect(matches(far, style.riskAreas.fill.red), "\(far)")
    }

    @Test func anOrangeCellAndABlueCellShowTheirColours() throws {
        let renderer = try renderer([TileScene.source("O", Coordinate(118.915, 42.251), level: 2),
                                     TileScene.source("B", Coordinate(118.925, 42.251), level: 4)])
        let style = try TileScene.style
        let orange = try pixel(at: Coordinate(118.915, 42.258), zoom: 13, of: renderer)
        let blue = try pixel(at: Coordinate(118.925, 42.258), zoom: 13, of: renderer)
        #expect(matches(orange, style.riskAreas.fill.orange), "\(orange)")
        #expect(matches(blue, style.riskAreas.fill.blue), "\(blue)")
    }

    @Test func aTileWithNoDataIsFullyTransparent() throws {
        let renderer = try renderer([TileScene.redSource])
        for tile in [try TileID(z: 14, x: 0, y: 0), try TileID(z: 3, x: 1, y: 2), TileScene.locate(Coordinate(118.5, 42.25), zoom: 15).tile] {
            let clear = try RasterImage(png: try renderer.render(tile)).isFullyTransparent
            let clear2x = try RasterImage(png: try renderer.render(tile, scale: 2)).isFullyTransparent
            #expect(clear && clear2x, "\(tile)")
        }
    }

    @Test func tileCoordinatesOutOfRangeAreRefused() throws {
        #expect(throws: TileError.zoomOutOfRange(40)) { try TileID(z: 40, x: 0, y: 0) }
        #expect(throws: TileError.zoomOutOfRange(-1)) { try TileID(z: -1, x: 0, y: 0) }
        #expect(throws: TileError.outOfRange(z: 3, x: 8, y: 0)) { try TileID(z: 3, x: 8, y: 0) }
        #expect(throws: TileError.outOfRange(z: 3, x: 0, y: -1)) { try TileID(z: 3, x: 0, y: -1) }
        #expect(throws: TileError.badScale(3)) { try renderer([]).render(try TileID(z: 1, x: 0, y: 0), scale: 3) }
        #expect(TileError.outOfRange(z: 3, x: 8, y: 0).description.contains("x and y run from 0 to 7"))
    }

    /// Tile bounds agree with the pixel arithmetic above and with tiles covering a box.
    @Test func tileBoundsAndCoveringAgree() throws {
        let tile = try TileID(z: 14, x: 13_595, y: 6_103)
        let b = tile.bounds
        #expect(abs(b.minX - (13_595.0 / 16_384 * 360 - 180)) < 1e-12)
        #expect(TileScene.locate(Coordinate(b.minX + 1e-9, b.maxY - 1e-9), zoom: 14).tile == tile)
        #expect(TileScene.locate(Coordinate(b.maxX - 1e-9, b.minY + 1e-9), zoom: 14).tile == tile)
        #expect(TileID.covering(b, zoom: 14).contains(tile))
        #expect(TileID.covering(BoundingBox(minX: -180, minY: -85, maxX: 180, maxY: 85), zoom: 2).count == 16)
    }

    @Test func theCommittedStyleLoadsAndBadStylesNameTheMember() throws {
        let style = try TileScene.style
        #expect(style.labels.font.contains("CJK"))
        let dir = try TemporaryDirectory()
        let text = try String(contentsOfFile: Repository.path("config/style.json"), encoding: .utf8)
        let badColour = try dir.write("a.json", text.replacingOccurrences(of: "\"red\": \"#E5393573\"", with: "\"red\": \"reddish\""))
        #expect(throws: TileError.style(path: badColour, reason: "'risk_areas.fill.red': 'reddish' is not a colour: write #RRGGBB or #RRGGBBAA")) {
            try TileStyle.load(path: badColour)
        }
        let missing = try dir.write("b.json", text.replacingOccurrences(of: "\"outline_width\": 1.2,", with: ""))
        #expect(throws: TileError.style(path: missing, reason: "missing member 'risk_areas.outline_width'")) { try TileStyle.load(path: missing) }
        // fontconfig resolves the label font to Debian's CJK fonts, not a fallback without Chinese glyphs.
        let match = try runProcess("/usr/bin/fc-match", [style.labels.font])
        #expect(match.stdout.contains("NotoSansCJK"), "\(match.stdout)")
    }

    /// A shelter people cannot be sent to does not look like one they can: open, full and
    /// closed shelters are drawn with the style's symbol for their status.
    @Test func closedAndFullSheltersAreDrawnDistinctly() throws {
        func shelter(_ id: String, _ c: Coordinate, _ status: String?) -> LayerRecord {
            let named: [String: FieldValue] = ["status": status.map { .text($0) } ?? .null, "capacity": .integer(100)]
            return LayerRecord(id: id, geometry: .point(c), values: Layer.shelters.columns.map { named[$0.name] ?? .null }, extra: [])
        }
        let spots = [("open", Coordinate(118.903, 42.252)), ("full", Coordinate(118.913, 42.252)), ("closed", Coordinate(118.923, 42.252))]
        let snapshot = SpatialIndex(records: [.grids: (0..<3).map(TileScene.cell), .hazards: [],
                                              .shelters: spots.map { shelter("S-\($0.0)", $0.1, $0.0) } + [shelter("S-none", Coordinate(118.903, 42.258), nil)]]).snapshot
        let style = try TileScene.style
        let renderer = TileRenderer(style: style, snapshot: snapshot, risk: try RiskModel.build(snapshot, rules: .standard))
        let shipped = try #require(style.shelters.statuses)
        for (status, c) in spots {
            let p = try pixel(at: c, zoom: 13, of: renderer)
            let want = status == "open" ? style.shelters.symbol.fill : try #require(shipped[status]).fill
            #expect(matches(p, want), "\(status): \(p)")
        }
        #expect(!matches(try pixel(at: spots[2].1, zoom: 13, of: renderer), style.shelters.symbol.fill))
        // A shelter without a status is drawn as open (its status is unknown, not closed).
        #expect(matches(try pixel(at: Coordinate(118.903, 42.258), zoom: 13, of: renderer), style.shelters.symbol.fill))
        // A style file from before the statuses entry still draws closed ones grey, not green.
        var older = style
        older.shelters.statuses = nil
        let old = TileRenderer(style: older, snapshot: snapshot, risk: try RiskModel.build(snapshot, rules: .standard))
        #expect(!matches(try pixel(at: spots[2].1, zoom: 13, of: old), style.shelters.symbol.fill))
    }

    /// The legend image: one swatch per level in the tiles' fill over white, red first.
    @Test func theLegendImageShowsEachLevelsColour() throws {
        let model = try RiskModel.build(SpatialIndex(records: [.grids: (0..<3).map(TileScene.cell),
                                                               .hazards: [TileScene.redSource]]).snapshot, rules: .standard)
        let image = try RasterImage(png: try LegendRenderer.render(model.legend, style: try TileScene.style))
        let size = (image.width, image.height)
        #expect(size == (360, 198))
        // Swatch centres: x = 26, y = 34 + 26·row + 12.
        let red = image.pixel(26, 46), orange = image.pixel(26, 72), blue = image.pixel(26, 124), none = image.pixel(26, 150)
        #expect(red.r > 200 && red.g < 190 && red.b < 190, "\(red)")
        #expect(orange.r > 200 && orange.g > 170 && orange.b < 160, "\(orange)")
        #expect(blue.b > 200 && blue.r < 190, "\(blue)")
        #expect(none.r > 240 && none.g > 240 && none.b > 240, "\(none)")
        // The shelter row: open green, full amber, closed grey, at x = 86, 156, 226 (y = 176).
        let open = image.pixel(86, 176), full = image.pixel(156, 176), closed = image.pixel(226, 176)
        #expect(open.g > 100 && open.r < 80 && open.b < 80, "\(open)")
        #expect(full.r > 230 && full.g > 120 && full.g < 170 && full.b < 40, "\(full)")
        #expect(abs(Int(closed.r) - 158) < 8 && abs(Int(closed.g) - 158) < 8 && abs(Int(closed.b) - 158) < 8, "\(closed)")
    }

    /// The base under the one map: the data's own roads by class and administrative
    /// boundaries, drawn under the risk colours, and left out for "risk only".
    @Test func roadsAndBoundariesAreDrawnUnderTheRiskColours() throws {
        func road(_ id: String, _ line: [Coordinate], _ roadClass: String) -> LayerRecord {
            let named: [String: FieldValue] = ["road_class": .text(roadClass)]
            return LayerRecord(id: id, geometry: .lineString(line), values: Layer.roads.columns.map { named[$0.name] ?? .null }, extra: [])
        }
        // South of the cells, an east–west primary road; a north–south one through G0 (red).
        let roads = [road("R1", [Coordinate(118.89, 42.245), Coordinate(118.97, 42.245)], "primary"),
                     road("R2", [Coordinate(118.9025, 42.244), Coordinate(118.9025, 42.2595)], "primary_link")]
        let x0 = 118.95, x1 = 118.96
        let unit = LayerRecord(id: "D1", geometry: .multiPolygon([[[Coordinate(x0, 42.24), Coordinate(x1, 42.24), Coordinate(x1, 42.26), Coordinate(x0, 42.26), Coordinate(x0, 42.24)]]]),
                               values: Layer.adminUnits.columns.map { $0.name == "level" ? .text("district") : .null }, extra: [])
        let snapshot = SpatialIndex(records: [.grids: (0..<3).map(TileScene.cell), .hazards: [TileScene.redSource], .roads: roads, .adminUnits: [unit]]).snapshot
        let style = try TileScene.style
        let renderer = TileRenderer(style: style, snapshot: snapshot, risk: try RiskModel.build(snapshot, rules: .standard))
        let primary = try #require(style.roads.classes["primary"])
        #expect(style.roads.line(for: "primary_link") == primary && style.roads.line(for: nil) == style.roads.other)
        #expect(style.roads.line(for: "motorway") == style.roads.classes["motorway"])

        // On the road away from every cell: the road's own colour, opaque.
        let open = Coordinate(118.94, 42.245)
        let onRoad = try pixel(at: open, zoom: 16, of: renderer)
        #expect(matches(onRoad, primary.colour), "\(onRoad)")
        // Through the red cell: the red fill over the road (the road shows through it).
        let under = Coordinate(118.9025, 42.2575)
        let fill = style.riskAreas.fill.red
        func blend(_ top: Double, _ bottom: Double) -> Double { top * fill.alpha + bottom * (1 - fill.alpha) }
        var want = try TileStyle.Colour(hex: "#000000")
        (want.red, want.green, want.blue, want.alpha) = (blend(fill.red, primary.colour.red), blend(fill.green, primary.colour.green), blend(fill.blue, primary.colour.blue), 1)
        let seen = try pixel(at: under, zoom: 16, of: renderer)
        #expect(matches(seen, want, tolerance: 4), "\(seen) against \(want.hex)")
        // Risk only: no road, the red fill alone; the clear spot stays clear.
        let spot = TileScene.locate(under, zoom: 16)
        let riskOnly = try RasterImage(png: try renderer.render(spot.tile, base: false))
        #expect(riskOnly.pixel(spot.x, spot.y, is: fill), "\(riskOnly.pixel(spot.x, spot.y))")
        let clearSpot = TileScene.locate(open, zoom: 16)
        #expect(try RasterImage(png: try renderer.render(clearSpot.tile, base: false)).pixel(clearSpot.x, clearSpot.y).a == 0)
        // Below the class's first zoom the road is not drawn.
        let roadsOnly = TileRenderer(style: style, snapshot: SpatialIndex(records: [.roads: roads]).snapshot, risk: nil)
        #expect(try RasterImage(png: try roadsOnly.render(TileScene.locate(open, zoom: primary.minZoom - 1).tile)).isFullyTransparent)
        #expect(try !RasterImage(png: try roadsOnly.render(TileScene.locate(open, zoom: primary.minZoom).tile)).isFullyTransparent)

        // The district's western edge, dashed: inked along it with the base, bare without.
        func inked(base: Bool) throws -> Int {
            var count = 0
            var tiles: [TileID: RasterImage] = [:]
            for step in 0..<60 {
                let c = Coordinate(x0, 42.2505 + Double(step) * 0.0001)
                let at = TileScene.locate(c, zoom: 14)
                if tiles[at.tile] == nil { tiles[at.tile] = try RasterImage(png: try renderer.render(at.tile, base: base)) }
                if let image = tiles[at.tile], image.pixel(at.x, at.y).a > 0 { count += 1 }
            }
            return count
        }
        let withBase = try inked(base: true), without = try inked(base: false)
        #expect(withBase >= 30 && without == 0, "\(withBase) \(without)")
    }

    /// Below `generalise_below_zoom` roads are drawn from whole-pixel segments, each once:
    /// the ink lands where the exact drawing puts it (within a pixel, both ways), a road
    /// added later shows at once, and with generalisation off the tile is the exact one.
    @Test func generalisedRoadsInkWhereTheExactOnesDo() throws {
        var random = SeededRandom(seed: 8)
        func road(_ i: Int) -> LayerRecord {
            var c = Coordinate(118.85 + random.uniform(0...0.2), 42.2 + random.uniform(0...0.12))
            var line = [c]
            for _ in 0..<Int(random.uniform(2...12)) {
                c = Coordinate(c.x + random.uniform(-0.004...0.004), c.y + random.uniform(-0.003...0.003))
                line.append(c)
            }
            let cls = ["primary", "secondary", "tertiary", "motorway"][i % 4]
            return LayerRecord(id: "R\(i)", geometry: .lineString(line), values: Layer.roads.columns.map { $0.name == "road_class" ? .text(cls) : .null }, extra: [])
        }
        let roads = (0..<3000).map(road)
        var exactStyle = try TileScene.style
        exactStyle.roads.generaliseBelowZoom = 0
        let style = try TileScene.style
        #expect(style.roads.generalised(at: 11) && !style.roads.generalised(at: 12) && !exactStyle.roads.generalised(at: 8))
        let index = SpatialIndex(records: [.roads: roads])
        let generalised = TileRenderer(style: style, snapshot: index.snapshot, risk: nil)
        let exact = TileRenderer(style: exactStyle, snapshot: index.snapshot, risk: nil)
        func ink(_ image: RasterImage) -> Set<Int> {
            Set((0..<(image.width * image.height)).filter { image.rgba[$0 * 4 + 3] > 96 })
        }
        func near(_ p: Int, _ set: Set<Int>, _ width: Int) -> Bool {
            let x = p % width, y = p / width
            for dy in -1...1 { for dx in -1...1 where set.contains((y + dy) * width + x + dx) { return true } }
            return false
        }
        for zoom in [8, 10, 11] {
            for tile in TileID.covering(BoundingBox(minX: 118.86, minY: 42.21, maxX: 119.04, maxY: 42.31), zoom: zoom) {
                let a = try RasterImage(png: try generalised.render(tile)), b = try RasterImage(png: try exact.render(tile))
                let inkA = ink(a), inkB = ink(b)
                guard !inkB.isEmpty else { continue }
                let covered = inkB.filter { near($0, inkA, a.width) }.count, extra = inkA.filter { !near($0, inkB, b.width) }.count
                #expect(Double(covered) >= 0.97 * Double(inkB.count), "z\(zoom) \(tile): \(covered) of \(inkB.count)")
                #expect(Double(extra) <= 0.03 * Double(inkA.count), "z\(zoom) \(tile): \(extra) of \(inkA.count) inked beyond")
            }
        }
        // Prepared ahead (what a server does at start): every zoom from the first road class's
        // (motorway, 5) below 12, each with its segments; none when generalisation is off.
        let prepared = generalised.prepareGeneralisedRoads()
        #expect(prepared.map(\.zoom) == Array(5...11) && prepared.allSatisfy { $0.segments > 0 })
        #expect(exact.prepareGeneralisedRoads().isEmpty)
        // At and above the zoom, and with generalisation off, the drawing is the exact one.
        let at12 = TileScene.locate(Coordinate(118.95, 42.26), zoom: 12).tile
        #expect(try generalised.render(at12) == (try exact.render(at12)))
        // A road added later is drawn (the generalised roads follow the index's roads).
        let spot = Coordinate(118.5, 42.5)
        let added = LayerRecord(id: "NEW", geometry: .lineString([Coordinate(118.45, 42.5), Coordinate(118.55, 42.5)]),
                                values: Layer.roads.columns.map { $0.name == "road_class" ? .text("motorway") : .null }, extra: [])
        let far = TileScene.locate(spot, zoom: 10)
        #expect(try RasterImage(png: try generalised.render(far.tile)).isFullyTransparent)
        _ = try index.apply(.insert(added), to: .roads)
        let later = generalised.with(snapshot: index.snapshot, risk: nil)
        #expect(try RasterImage(png: try later.render(far.tile)).pixel(far.x, far.y).a > 0)
    }

    /// Below `thin_below_zoom` point symbols are thinned, one per level and cell: what is
    /// drawn is a subset of the full drawing's ink that covers nearly all of it, and from the
    /// zoom on (or with thinning off) the tile is the full one.
    @Test func thinnedHazardSymbolsInkWithinTheFullDrawing() throws {
        var random = SeededRandom(seed: 11)
        let hazards = (0..<4000).map { i in
            let c = Coordinate(118.9 + random.normal() * 0.01, 42.25 + random.normal() * 0.008)
            return TileScene.source("T\(i)", c, level: i % 3 == 0 ? 1 : 2)
        }
        var fullStyle = try TileScene.style
        fullStyle.hazards.thinBelowZoom = 0
        let style = try TileScene.style
        #expect(style.hazards.thinned(at: 12) && !style.hazards.thinned(at: 13) && !fullStyle.hazards.thinned(at: 5))
        let snapshot = SpatialIndex(records: [.hazards: hazards]).snapshot
        let thinned = TileRenderer(style: style, snapshot: snapshot, risk: nil), full = TileRenderer(style: fullStyle, snapshot: snapshot, risk: nil)
        var compared = 0
        for zoom in [11, 12] {
            for tile in TileID.covering(BoundingBox(minX: 118.88, minY: 42.235, maxX: 118.92, maxY: 42.265), zoom: zoom) {
                let a = try RasterImage(png: try thinned.render(tile)), b = try RasterImage(png: try full.render(tile))
                let inkA = (0..<(a.width * a.height)).filter { a.rgba[$0 * 4 + 3] > 200 }
                let inkB = Set((0..<(b.width * b.height)).filter { b.rgba[$0 * 4 + 3] > 200 })
                guard inkB.count > 100 else { continue }
                compared += 1
                #expect(inkA.allSatisfy { b.rgba[$0 * 4 + 3] > 0 }, "z\(zoom) \(tile): ink where the full drawing has none")
                #expect(Double(inkA.count) >= 0.9 * Double(inkB.count), "z\(zoom) \(tile): \(inkA.count) of \(inkB.count)")
            }
        }
        #expect(compared >= 2)
        let at13 = TileScene.locate(Coordinate(118.9, 42.25), zoom: 13).tile
        #expect(try thinned.render(at13) == (try full.render(at13)))
    }

    /// The shipped style spells out the built-in base, and a style file from before it
    /// (no roads, no admin_boundaries) still draws it.
    @Test func theShippedBaseIsTheBuiltInOneAndOlderStylesGetIt() throws {
        let style = try TileScene.style
        let builtInRoads = TileStyle.defaultRoads
        #expect(style.roads == builtInRoads)
        #expect(style.adminBoundaries == TileStyle.defaultAdminBoundaries)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Repository.path("config/style.json")))) as? [String: Any])
        object["roads"] = nil
        object["admin_boundaries"] = nil
        let dir = try TemporaryDirectory()
        let older = try dir.write("older.json", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        let loaded = try TileStyle.load(path: older)
        #expect(loaded.roads == builtInRoads && loaded.adminBoundaries == TileStyle.defaultAdminBoundaries)
        #expect(loaded.digest != style.digest && !style.digest.isEmpty)
    }
}


