import Benchmark
import Foundation
import OneMap

// The one map's hot paths: a full risk build, one hazard's incremental update (map and
// tile caches), tile rendering per zoom, and cached tile reads, on the demo district and
// on the city-sized Chifeng data. Fixtures load in `setup`, outside the measurements.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(4),
        maxIterations: 200_000)
    let slow = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                       warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 8)

    Benchmark("risk build: demo, 500 hazards × 42 grids", configuration: .init(timeUnits: .milliseconds, maxIterations: 200)) { _ in
        let f = RiskFixture.demo
        blackHole(try RiskModel.build(f.source.renderer.snapshot, rules: .standard))
    } setup: { _ = RiskFixture.demo }

    Benchmark("risk build: city, 1M hazards × 744 grids", configuration: slow) { _ in
        let f = RiskFixture.city
        blackHole(try RiskModel.build(f.source.renderer.snapshot, rules: .standard))
    } setup: { _ = RiskFixture.city }

    Benchmark("incremental update: one hazard, demo (map + tile cache)") { benchmark in
        blackHole(try RiskFixture.demo.live.apply(RiskFixture.demo.change(benchmark.currentIteration)))
    } setup: { _ = RiskFixture.demo }

    Benchmark("incremental update: one hazard, city (map + tile cache)") { benchmark in
        blackHole(try RiskFixture.city.live.apply(RiskFixture.city.change(benchmark.currentIteration)))
    } setup: { _ = RiskFixture.city }

    for z in 8...16 {
        Benchmark("tile render z\(z), 256 px, city") { benchmark in
            let f = RiskFixture.city
            let tiles = f.sampleTiles[z]!
            blackHole(try f.source.renderer.render(tiles[benchmark.currentIteration % tiles.count]))
        } setup: { _ = RiskFixture.city }
    }

    Benchmark("tile render z14, 512 px @2x, city") { benchmark in
        let f = RiskFixture.city
        let tiles = f.sampleTiles[14]!
        blackHole(try f.source.renderer.render(tiles[benchmark.currentIteration % tiles.count], scale: 2))
    } setup: { _ = RiskFixture.city }

    Benchmark("tile render z14, 256 px, demo") { benchmark in
        let f = RiskFixture.demo
        let tiles = f.sampleTiles[14]!
        blackHole(try f.source.renderer.render(tiles[benchmark.currentIteration % tiles.count]))
    } setup: { _ = RiskFixture.demo }

    Benchmark("cached tile read (MBTiles), demo") { benchmark in
        let f = RiskFixture.demo
        blackHole(try f.cache.tile(f.cachedTiles[(benchmark.currentIteration * 7) % f.cachedTiles.count]))
    } setup: { _ = RiskFixture.demo }
}
