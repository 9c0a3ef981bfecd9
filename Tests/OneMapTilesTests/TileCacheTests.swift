import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The MBTiles cache: seeding, reading back, GDAL opening it, keys, and live changes that
/// drop only the tiles they touch.
@Suite struct TileCacheTests {
    @Test func aSeededCacheServesWhatWasRenderedAndOpensInGDAL() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("scene.gpkg")
        try TileScene.store(at: gpkg, hazards: [TileScene.redSource])
        let source = try TileMaps.load(path: gpkg, rules: .standard, style: try TileScene.style)
        let cache = try MBTilesCache(path: dir.path("cache.mbtiles"), mapKey: source.mapKey)
        let report = try TileSeeder.seed(source.renderer, into: cache, zooms: 10...14, box: source.extent)
        let expected = (10...14).reduce(0) { $0 + TileID.covering(source.extent, zoom: $1).count }
        #expect(report.tiles == expected && report.tiles > 5)
        #expect(try cache.count() == expected)
        for tile in TileID.covering(source.extent, zoom: 14) {
            let cached = try #require(try cache.tile(tile))
            #expect(cached == (try source.renderer.render(tile)), "\(tile)")
        }
        #expect(try cache.tile(try TileID(z: 14, x: 0, y: 0)) == nil)

        let info = try runProcess("/usr/bin/gdalinfo", [dir.path("cache.mbtiles")])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("Driver: MBTiles/MBTiles"), "\(info.stdout)")
        #expect(info.stdout.contains("ZOOM_LEVEL=14"), "\(info.stdout)")
        #expect(info.stdout.contains("EPSG\",3857") || info.stdout.contains("Pseudo-Mercator"), "\(info.stdout)")

        // The same file opened for another map version starts empty.
        #expect(try MBTilesCache(path: dir.path("cache.mbtiles"), mapKey: source.mapKey).count() == expected)
        #expect(try MBTilesCache(path: dir.path("cache.mbtiles"), mapKey: "v99").count() == 0)
        #expect(throws: TileError.self) { try MBTilesCache(path: dir.path("cache.mbtiles"), mapKey: "v99", scale: 2) }
        // Tiles drawn with another style file are dropped too: an edited style is never
        // served from an old cache.
        let styled = dir.path("styled.mbtiles")
        _ = try MBTilesCache(path: styled, mapKey: "v1", style: "aaaa").store([(try TileID(z: 1, x: 0, y: 0), Data([1, 2, 3]))])
        #expect(try MBTilesCache(path: styled, mapKey: "v1", style: "aaaa").count() == 1)
        #expect(try MBTilesCache(path: styled, mapKey: "v1", style: "bbbb").count() == 0)
    }

    /// A server sends a cached tile as it was stored: the same bytes as a fresh render and
    /// the ETag made once from them, whether the tile comes from memory or from the file.
    @Test func aStoredTileIsTheFreshRenderWithItsETag() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("scene.gpkg")
        try TileScene.store(at: gpkg, hazards: [TileScene.redSource])
        let source = try TileMaps.load(path: gpkg, rules: .standard, style: try TileScene.style)
        let tiles = TileID.covering(source.extent, zoom: 14)
        let cache = try MBTilesCache(path: dir.path("c.mbtiles"), mapKey: source.mapKey)
        for tile in tiles { try cache.store([(tile, StoredTile(try source.renderer.render(tile)))], drawnFor: source.mapKey) }
        let reopened = try MBTilesCache(path: dir.path("c.mbtiles"), mapKey: source.mapKey)
        #expect(reopened.heldBytes == 0)
        for tile in tiles {
            let fresh = try source.renderer.render(tile)
            for stored in [try #require(try cache.stored(tile)), try #require(try reopened.stored(tile))] {
                #expect(stored.data == fresh, "\(tile)")
                #expect(stored.etag == "\"" + FNV1a.hex(fresh) + "\"")
            }
        }
        #expect(reopened.heldBytes == tiles.reduce(0) { $0 + ((try? source.renderer.render($1).count) ?? 0) })
        // Memory in front of the file is bounded by bytes: 200 tiles of 1 MB keep at most 64 MB.
        let big = try MBTilesCache(path: dir.path("big.mbtiles"), mapKey: "v1")
        let megabyte = Data(repeating: 7, count: 1 << 20)
        for x in 0..<200 { try big.store([(try TileID(z: 10, x: x, y: 0), megabyte)]) }
        #expect(big.heldBytes <= 64 << 20 && big.heldBytes >= 60 << 20)
        #expect(try big.stored(try TileID(z: 10, x: 0, y: 0))?.data == megabyte)
    }

    /// The server's own caches fill tile by tile, never seeded: their metadata still says
    /// what they hold, so GDAL opens them (before, they said maxzoom 0 and gdalinfo failed).
    @Test func aCacheFilledOnDemandOpensInGDAL() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("scene.gpkg")
        try TileScene.store(at: gpkg, hazards: [TileScene.redSource])
        let source = try TileMaps.load(path: gpkg, rules: .standard, style: try TileScene.style)
        let path = dir.path("served.tiles.mbtiles")
        let cache = try MBTilesCache(path: path, mapKey: source.mapKey, style: source.renderer.style.digest)
        let asked = TileID.covering(source.extent, zoom: 13) + TileID.covering(source.extent, zoom: 11)
        for tile in asked { try cache.store([(tile, try source.renderer.render(tile))], drawnFor: source.mapKey) }
        let info = try runProcess("/usr/bin/gdalinfo", [path])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("ZOOM_LEVEL=13"), "\(info.stdout)")
        var box = BoundingBox.empty
        for tile in asked { box.extend(tile.bounds) }
        let bounds = try runProcess("/usr/bin/sqlite3", [path, "SELECT value FROM metadata WHERE name IN ('minzoom', 'maxzoom', 'bounds') ORDER BY name"])
        #expect(bounds.stdout.split(separator: "\n") == [Substring(String(format: "%.6f,%.6f,%.6f,%.6f", box.minX, box.minY, box.maxX, box.maxY)), "13", "11"], "\(bounds.stdout)")
        // Opened for another map, the cache is emptied and says nothing it no longer holds.
        _ = try MBTilesCache(path: path, mapKey: "v99")
        let emptied = try runProcess("/usr/bin/sqlite3", [path, "SELECT count(*) FROM metadata WHERE name IN ('minzoom', 'maxzoom', 'bounds')"])
        #expect(emptied.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func aStoredVersionKeysTheCache() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("scene.gpkg")
        try TileScene.store(at: gpkg, hazards: [TileScene.redSource])
        #expect(try TileMaps.load(path: gpkg, rules: .standard, style: try TileScene.style).mapKey.hasPrefix("unversioned-"))
        _ = try RiskMap.buildVersion(path: gpkg, rules: .standard)
        #expect(try TileMaps.load(path: gpkg, rules: .standard, style: try TileScene.style).mapKey == "v1")
        var density = RiskRules.standard
        density.areaRule = .weightedDensity
        #expect(try TileMaps.load(path: gpkg, rules: density, style: try TileScene.style).mapKey != "v1")
    }

    /// Closing the red hazard clears G0: its tiles are dropped and re-render clear, while
    /// tiles away from G0 stay cached; the live map equals a full rebuild.
    @Test func aLiveChangeRecoloursItsAreaAndDropsOnlyTheTilesItTouches() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("scene.gpkg")
        let far = TileScene.source("H-far", Coordinate(118.929, 42.251), level: 3)
        try TileScene.store(at: gpkg, hazards: [TileScene.redSource, far])
        let source = try TileMaps.load(path: gpkg, rules: .standard, style: try TileScene.style)
        let cache = try MBTilesCache(path: dir.path("cache.mbtiles"), mapKey: source.mapKey, scale: 2)
        _ = try TileSeeder.seed(source.renderer, into: cache, zooms: 12...16, box: source.extent)
        let live = LiveOneMap(source, caches: [cache])
        let before = try cache.count()

        var closed = TileScene.redSource
        closed.values[Layer.hazards.columns.firstIndex { $0.name == "status" }!] = .text("closed")
        let update = try live.apply(.update(closed))
        #expect(update.recoloured == ["G0"])
        #expect(live.model.area(id: "G0")?.assessment.level == nil)
        #expect(update.tilesDropped > 0 && update.tilesDropped < before)
        #expect(try cache.count() == before - update.tilesDropped)
        #expect(cache.mapKey == update.mapKey && update.mapKey == "\(source.mapKey).r1")

        let spot = TileScene.locate(Coordinate(118.9025, 42.2575), zoom: 16, scale: 2)
        #expect(try cache.tile(spot.tile) == nil)
        let redrawn = try pixel(at: Coordinate(118.9025, 42.2575), zoom: 16, scale: 2, of: live.renderer)
        #expect(redrawn.a == 0, "\(redrawn)")
        // A tile on G2's far hazard, nowhere near G0, is still cached.
        let kept = TileScene.locate(Coordinate(118.929, 42.251), zoom: 16, scale: 2)
        #expect(try cache.tile(kept.tile) != nil)
        // A tile drawn for the old map is not stored over the change.
        #expect(try cache.store([(spot.tile, Data([1]))], drawnFor: source.mapKey) == false)
        #expect(try cache.tile(spot.tile) == nil)

        let rebuilt = try RiskModel.build(live.index.snapshot, rules: .standard)
        #expect(rebuilt.assessments == live.model.assessments)
    }
}

@Suite struct TileCacheLimitTests {
    @Test func theCacheKeepsToItsSizeDroppingTheLeastRecentlyUsed() throws {
        let directory = try TemporaryDirectory()
        let cache = try MBTilesCache(path: directory.path("c.mbtiles"), mapKey: "m", maxTiles: 20)
        let png = Data([0x89, 0x50, 0x4E, 0x47])
        let often = try (0..<5).map { try TileID(z: 10, x: $0, y: 0) }
        for id in often { try cache.store([(id, png)]) }
        for i in 0..<60 {
            try cache.store([(try TileID(z: 12, x: i, y: 1), png)])
            for id in often { _ = try cache.tile(id) }  // used all along
        }
        let count = try cache.count()
        #expect(count <= 20 && count >= 18, "\(count)")
        for id in often { #expect(try cache.tile(id) != nil, "\(id) was used all along and must stay") }
        #expect(try cache.tile(try TileID(z: 12, x: 0, y: 1)) == nil, "the oldest unused tile goes first")
        #expect(try cache.tile(try TileID(z: 12, x: 59, y: 1)) != nil)
    }
}
