import Foundation
import OneMap

/// What the risk and tile benchmarks work on: the demo district and the city-sized
/// Chifeng data, each loaded once with its one map, a renderer over the committed style,
/// a seeded tile cache, and tiles sampled where the hazards are (a typical tile).
final class RiskFixture: Sendable {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let cityPath = ProcessInfo.processInfo.environment["ONEMAP_BENCH_DATA"]
        ?? repository.appendingPathComponent("data/generated/chifeng.gpkg").path
    static let demoPath = repository.appendingPathComponent("data/generated/kangbashi-bench.gpkg").path

    static let city = RiskFixture(path: cityPath, seedZooms: 10...11)
    static let demo = RiskFixture(path: demoPath, seedZooms: 10...15)

    let source: TileMaps.Source
    let live: LiveOneMap
    let cache: MBTilesCache
    let hazards: [LayerRecord]
    /// Per zoom 8…16, 400 tiles centred on randomly chosen hazards (zooms 8 and 9 drawn
    /// last, so the other zooms' tiles are those of earlier runs).
    let sampleTiles: [Int: [TileID]]
    let cachedTiles: [TileID]
    let loadSeconds: Double

    private init(path: String, seedZooms: ClosedRange<Int>) {
        guard FileManager.default.fileExists(atPath: path) else {
            fatalError("\(path) is missing; tools/bench-risk-tiles.sh makes it")
        }
        let started = Date()
        let style = try! TileStyle.load(path: Self.repository.appendingPathComponent("config/style.json").path)
        let source = try! TileMaps.load(path: path, rules: .standard, style: style)
        self.source = source
        loadSeconds = Date().timeIntervalSince(started)
        let hazards = try! source.renderer.snapshot.allFeatures(.hazards)
        self.hazards = hazards
        var random = SeededRandom(seed: 14)
        var samples: [Int: [TileID]] = [:]
        for z in Array(10...16) + [8, 9] {
            samples[z] = (0..<400).map { _ in
                let c = random.element(hazards).geometry.boundingBox!.center
                return TileID.covering(BoundingBox(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y), zoom: z)[0]
            }
        }
        sampleTiles = samples
        let cachePath = NSTemporaryDirectory() + "onemap-bench-\(UUID().uuidString).mbtiles"
        let cache = try! MBTilesCache(path: cachePath, mapKey: source.mapKey)
        self.cache = cache
        let seeded = try! TileSeeder.seed(source.renderer, into: cache, zooms: seedZooms, box: source.extent)
        cachedTiles = seedZooms.flatMap { TileID.covering(source.extent, zoom: $0) }
        live = LiveOneMap(source, caches: [cache])
        print(String(format: "fixture %@: loaded and coloured in %.2f s; seeded %d tiles at zooms %d–%d in %.1f s",
                     (path as NSString).lastPathComponent, loadSeconds, seeded.tiles, seedZooms.lowerBound, seedZooms.upperBound, seeded.seconds))
    }

    /// The `i`-th hazard changed as grid workers change them: re-levelled, moved about
    /// 100 m, or closed, in turn (a closed one is reopened on its next turn).
    func change(_ i: Int) -> FeatureChange {
        let snapshot = live.index.snapshot
        var record = snapshot.feature(.hazards, id: hazards[(i / 3 * 7919) % hazards.count].id)!
        let level = Layer.hazards.columns.firstIndex { $0.name == "level" }!
        let status = Layer.hazards.columns.firstIndex { $0.name == "status" }!
        switch i % 3 {
        case 0: record.values[level] = .integer(Int64(1 + (Int(record.values[level].number ?? 1) % 4)))
        case 1:
            if case .point(let c) = record.geometry { record.geometry = .point(Coordinate(c.x + 0.0012, c.y)) }
        default:
            record.values[status] = record.values[status] == .text("closed") ? .text("registered") : .text("closed")
        }
        return .update(record)
    }
}
