import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Below `risk_areas.merge_below_zoom` each level's areas are drawn as their union,
/// clipped to the tile: every pixel well inside a coloured cell must still show that
/// cell's level, pixels outside every cell none, and from the zoom on the tiles are the
/// unmerged ones byte for byte.
@Suite struct MergedAreaTests {
    static let side = 24
    static let size = 0.01

    /// A 24 × 24 block of 0.01° cells; the one at (5, 5) has a hole.
    static func cells() -> [LayerRecord] {
        (0..<(side * side)).map { i in
            let x0 = 118.8 + Double(i % side) * size, y0 = 42.2 + Double(i / side) * size
            var rings = [[Coordinate(x0, y0), Coordinate(x0 + size, y0), Coordinate(x0 + size, y0 + size), Coordinate(x0, y0 + size), Coordinate(x0, y0)]]
            if i == 5 * side + 5 {
                let a = 0.003, b = 0.007
                rings.append([Coordinate(x0 + a, y0 + a), Coordinate(x0 + a, y0 + b), Coordinate(x0 + b, y0 + b), Coordinate(x0 + b, y0 + a), Coordinate(x0 + a, y0 + a)])
            }
            let named: [String: FieldValue] = ["code": .text("C\(i)")]
            return LayerRecord(id: "G\(i)", geometry: .multiPolygon([rings]), values: Layer.grids.columns.map { named[$0.name] ?? .null }, extra: [])
        }
    }

    static func scene() throws -> (IndexSnapshot, RiskModel) {
        var random = SeededRandom(seed: 77)
        let hazards = (0..<60).map { i in
            TileScene.source("S\(i)", Coordinate(118.8 + random.uniform(0...0.24), 42.2 + random.uniform(0...0.24)), level: 1 + i % 4)
        }
        let snapshot = SpatialIndex(records: [.grids: cells(), .hazards: hazards]).snapshot
        return (snapshot, try RiskModel.build(snapshot, rules: .standard))
    }

    /// The shipped style with transparent outlines (fills alone are compared), merging
    /// below `zoom`.
    static func style(mergingBelow zoom: Int) throws -> TileStyle {
        var style = try TileScene.style
        style.riskAreas.mergeBelowZoom = zoom
        (style.riskAreas.outline.red.alpha, style.riskAreas.outline.orange.alpha) = (0, 0)
        (style.riskAreas.outline.yellow.alpha, style.riskAreas.outline.blue.alpha) = (0, 0)
        style.riskAreas.uncolouredOutline = nil
        (style.hazards.minZoom.red, style.hazards.minZoom.orange, style.hazards.minZoom.yellow, style.hazards.minZoom.blue) = (30, 30, 30, 30)
        return style
    }

    @Test(arguments: [1, 2])
    func mergedTilesShowEachCellsLevel(scale: Int) throws {
        let (snapshot, risk) = try Self.scene()
        let style = try Self.style(mergingBelow: 20)
        let renderer = TileRenderer(style: style, snapshot: snapshot, risk: risk)
        let levels = Set(risk.assessments.compactMap(\.level))
        #expect(levels.count >= 3, "the scene should colour cells of several levels: \(levels)")
        let slotOfID = Dictionary(uniqueKeysWithValues: risk.areas.enumerated().map { ($1.id, $0) })
        var checked = 0, outside = 0
        for zoom in [9, 11, 12] {
            for tile in TileID.covering(BoundingBox(minX: 118.79, minY: 42.19, maxX: 119.05, maxY: 42.45), zoom: zoom) {
                let image = try RasterImage(png: try renderer.render(tile, scale: scale))
                let n = Double(1 << zoom), px = Double(256 * scale)
                for y in stride(from: 1, to: image.height - 1, by: 3) {
                    for x in stride(from: 1, to: image.width - 1, by: 3) {
                        // The lon/lat of the pixel's centre and of its 3 × 3 neighbourhood's corners.
                        func lonLat(_ dx: Double, _ dy: Double) -> Coordinate {
                            let fx = (Double(tile.x) + (Double(x) + 0.5 + dx) / px) / n, fy = (Double(tile.y) + (Double(y) + 0.5 + dy) / px) / n
                            return Coordinate(fx * 360 - 180, atan(sinh(.pi * (1 - 2 * fy))) * 180 / .pi)
                        }
                        let corners = [lonLat(-1.5, -1.5), lonLat(1.5, -1.5), lonLat(-1.5, 1.5), lonLat(1.5, 1.5), lonLat(0, 0)]
                        let found = corners.map { c -> RiskLevel?? in
                            guard c.x > 118.8, c.x < 119.04, c.y > 42.2, c.y < 42.44 else { return .some(nil) }
                            let col = Int((c.x - 118.8) / Self.size), row = Int((c.y - 42.2) / Self.size)
                            let i = row * Self.side + col
                            if i == 5 * Self.side + 5 {
                                let ix = c.x - 118.8 - Double(col) * Self.size, iy = c.y - 42.2 - Double(row) * Self.size
                                if ix > 0.003 && ix < 0.007 && iy > 0.003 && iy < 0.007 { return .some(nil) }
                            }
                            guard let slot = slotOfID["G\(i)"] else { return nil }
                            return .some(risk.assessments[slot].level)
                        }
                        // Only pixels whose neighbourhood lies in one level (or none) are decided.
                        guard let first = found.first, let level = first, found.allSatisfy({ $0 == first }) else { continue }
                        let p = image.pixel(x, y)
                        if let level {
                            #expect(image.pixel(x, y, is: style.riskAreas.fill[level]), "z\(zoom) \(tile) (\(x), \(y)) \(level): \(p)")
                            checked += 1
                        } else {
                            #expect(p.a == 0, "z\(zoom) \(tile) (\(x), \(y)) outside: \(p)")
                            outside += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 1_000 && outside > 100, "\(checked) coloured and \(outside) clear pixels checked")
    }

    @Test func fromTheMergeZoomOnTilesAreTheUnmergedOnes() throws {
        let (snapshot, risk) = try Self.scene()
        var merging = try TileScene.style
        merging.riskAreas.mergeBelowZoom = 11
        var never = merging
        never.riskAreas.mergeBelowZoom = 0
        #expect(merging.riskAreas.merged(at: 10) && !merging.riskAreas.merged(at: 11) && !never.riskAreas.merged(at: 1))
        let shipped = try TileScene.style
        #expect(shipped.riskAreas.merged(at: 9) && !shipped.riskAreas.merged(at: 10))
        let a = TileRenderer(style: merging, snapshot: snapshot, risk: risk), b = TileRenderer(style: never, snapshot: snapshot, risk: risk)
        for zoom in [11, 12] {
            let tile = TileScene.locate(Coordinate(118.86, 42.26), zoom: zoom).tile
            let merged = try a.render(tile), unmerged = try b.render(tile)
            #expect(merged == unmerged)
        }
    }

    /// Clipping a ring to the tile leaves every visible pixel as it was: one area far
    /// larger than the tile, with a hole, merged (clipped) and not, on tiles across its
    /// edge and hole.
    @Test func clippedRingsFillTheSamePixels() throws {
        let outer = [Coordinate(118.0, 41.5), Coordinate(120.0, 41.5), Coordinate(120.0, 43.0), Coordinate(118.0, 43.0), Coordinate(118.0, 41.5)]
        let hole = [Coordinate(118.9, 42.2), Coordinate(118.9, 42.3), Coordinate(119.0, 42.3), Coordinate(119.0, 42.2), Coordinate(118.9, 42.2)]
        let named: [String: FieldValue] = ["code": .text("BIG")]
        let cell = LayerRecord(id: "G-big", geometry: .multiPolygon([[outer, hole]]), values: Layer.grids.columns.map { named[$0.name] ?? .null }, extra: [])
        let snapshot = SpatialIndex(records: [.grids: [cell], .hazards: [TileScene.source("R", Coordinate(118.5, 42.0), level: 1)]]).snapshot
        let risk = try RiskModel.build(snapshot, rules: .standard)
        #expect(risk.assessments.first?.level != nil)
        let merged = TileRenderer(style: try Self.style(mergingBelow: 20), snapshot: snapshot, risk: risk)
        let plain = TileRenderer(style: try Self.style(mergingBelow: 0), snapshot: snapshot, risk: risk)
        var compared = 0
        for (c, zoom) in [(Coordinate(118.9, 42.25), 12), (Coordinate(119.0, 42.3), 13), (Coordinate(118.0, 42.0), 10), (Coordinate(120.0, 43.0), 9)] {
            for scale in [1, 2] {
                let tile = TileScene.locate(c, zoom: zoom, scale: scale).tile
                let a = try RasterImage(png: try merged.render(tile, scale: scale)), b = try RasterImage(png: try plain.render(tile, scale: scale))
                let worst = zip(a.rgba, b.rgba).map { abs(Int($0) - Int($1)) }.max() ?? 0
                #expect(worst <= 1, "z\(zoom) \(tile) @\(scale)x: a channel differs by \(worst)")
                let clear = stride(from: 3, to: a.rgba.count, by: 4).filter { a.rgba[$0] == 0 }.count
                #expect(clear > 0 && clear < a.width * a.height, "z\(zoom) \(tile): the tile should hold both the area and its outside or hole")
                compared += 1
            }
        }
        #expect(compared == 8)
    }

    /// A cell GEOS cannot union (a self-crossing "bow tie" beside a good cell): the merged
    /// drawing falls back to drawing the areas one by one, as above the merge zoom.
    @Test func areasGEOSCannotMergeAreDrawnOneByOne() throws {
        let named: [String: FieldValue] = ["code": .text("BOW")]
        let bow = [Coordinate(118.8, 42.2), Coordinate(118.9, 42.3), Coordinate(118.9, 42.2), Coordinate(118.8, 42.3), Coordinate(118.8, 42.2)]
        let cells = [LayerRecord(id: "G-bow", geometry: .multiPolygon([[bow]]), values: Layer.grids.columns.map { named[$0.name] ?? .null }, extra: [])]
            + Self.cells().prefix(3)
        let snapshot = SpatialIndex(records: [.grids: cells, .hazards: [TileScene.source("R", Coordinate(118.805, 42.205), level: 1),
                                                                                 TileScene.source("R2", Coordinate(118.88, 42.27), level: 1)]]).snapshot
        let risk = try RiskModel.build(snapshot, rules: .standard)
        #expect(risk.assessments.filter { $0.level != nil }.count >= 2, "\(risk.assessments.map(\.level))")
        let merged = TileRenderer(style: try Self.style(mergingBelow: 20), snapshot: snapshot, risk: risk)
        let plain = TileRenderer(style: try Self.style(mergingBelow: 0), snapshot: snapshot, risk: risk)
        let tile = TileScene.locate(Coordinate(118.85, 42.25), zoom: 10).tile
        let drawn = try merged.render(tile)
        #expect(drawn == (try plain.render(tile)))
        let image = try RasterImage(png: drawn)
        #expect(stride(from: 3, to: image.rgba.count, by: 4).contains { image.rgba[$0] > 0 }, "the areas are drawn")
    }
}
