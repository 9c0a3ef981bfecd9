import Dispatch
import Foundation
import OneMapGeometry
import Synchronization

/// Renders a pyramid of tiles into a cache on every core.
public enum TileSeeder {
    public struct Report: Sendable, Equatable {
        public var tiles = 0
        /// Tiles with nothing on them (stored as one shared transparent PNG).
        public var blank = 0
        public var bytes = 0
        public var seconds = 0.0
    }

    /// Renders every tile of `zooms` covering `box` and stores it in `cache`. `progress`
    /// hears (tiles done, tiles in all) from the workers.
    public static func seed(_ renderer: TileRenderer, into cache: MBTilesCache, zooms: ClosedRange<Int>, box: BoundingBox, base: Bool = true,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Report {
        guard zooms.lowerBound >= 0, zooms.upperBound <= TileID.maxZoom else {
            throw TileError.zoomOutOfRange(zooms.lowerBound < 0 ? zooms.lowerBound : zooms.upperBound)
        }
        let started = Date()
        let tiles = zooms.flatMap { TileID.covering(box, zoom: $0) }
        let blankPNG = try Canvas(pixels: 256 * cache.scale, scale: 1).png()
        let next = Atomic<Int>(0), done = Atomic<Int>(0)
        let totals = Mutex(Report())
        let failure = Mutex<(any Error)?>(nil)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, tiles.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var batch: [(TileID, Data)] = []
            var local = Report()
            func flush() throws {
                try cache.store(batch)
                batch.removeAll(keepingCapacity: true)
            }
            do {
                while failure.withLock({ $0 == nil }) {
                    let start = next.add(16, ordering: .relaxed).oldValue
                    guard start < tiles.count else { break }
                    for tile in tiles[start..<min(tiles.count, start + 16)] {
                        let canvas = try renderer.draw(tile, scale: cache.scale, base: base)
                        let png = canvas.isBlank ? blankPNG : try canvas.png()
                        if png == blankPNG { local.blank += 1 }
                        local.tiles += 1
                        local.bytes += png.count
                        batch.append((tile, png))
                    }
                    if batch.count >= 128 { try flush() }
                    let finished = done.add(min(16, tiles.count - start), ordering: .relaxed).newValue
                    progress?(finished, tiles.count)
                }
                try flush()
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
            totals.withLock {
                $0.tiles += local.tiles
                $0.blank += local.blank
                $0.bytes += local.bytes
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        try cache.describe(bounds: box, zooms: zooms)
        var report = totals.withLock { $0 }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
