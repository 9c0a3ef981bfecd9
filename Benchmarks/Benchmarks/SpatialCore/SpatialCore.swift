import Benchmark
import Foundation
import OneMap

// One query per measured iteration, cycling through the same 10,000 points, so the
// wall-clock percentiles are per-query latencies and throughput is queries per second on
// one core. Loading the fixture happens in `setup`, outside the measurements.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        maxDuration: .seconds(4),
        maxIterations: 3_000_000)
    let setup: @Sendable () async throws -> Void = { _ = Fixture.shared }
    let build = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: 1,
        maxDuration: .seconds(15), maxIterations: 10)

    Benchmark("index build: packed R-tree over 1M hazard boxes", configuration: build) { benchmark in
        blackHole(PackedRTree(boxes: Fixture.shared.hazardBoxes))
    } setup: { try await setup() }

    Benchmark("index build: 1M hazards layer (tree, ECEF, id map)", configuration: build) { benchmark in
        blackHole(SpatialIndex(records: [.hazards: Fixture.shared.hazards]))
    } setup: { try await setup() }

    Benchmark("nearest shelters k=5 of 20k") { benchmark in
        let f = Fixture.shared
        let p = f.points[benchmark.currentIteration % f.points.count]
        blackHole(try f.snapshot.nearestShelters(to: p, k: 5))
    } setup: { try await setup() }

    Benchmark("nearest open shelters k=5 with room ≥ 500") { benchmark in
        let f = Fixture.shared
        let p = f.points[benchmark.currentIteration % f.points.count]
        blackHole(try f.snapshot.nearestShelters(to: p, k: 5, criteria: ShelterCriteria(openOnly: true, minimumRoom: 500)))
    } setup: { try await setup() }

    Benchmark("radius 1 km over 1M hazards (ids + distances, sorted)") { benchmark in
        let f = Fixture.shared
        let p = f.points[benchmark.currentIteration % f.points.count]
        blackHole(try f.snapshot.features(.hazards, within: 1000, of: p))
    } setup: { try await setup() }

    Benchmark("radius 1 km over 1M hazards (count)") { benchmark in
        let f = Fixture.shared
        let p = f.points[benchmark.currentIteration % f.points.count]
        blackHole(try f.snapshot.count(.hazards, within: 1000, of: p))
    } setup: { try await setup() }

    Benchmark("hazards near me: 500 m, levels 1–2, open") { benchmark in
        let f = Fixture.shared
        let p = f.points[benchmark.currentIteration % f.points.count]
        blackHole(try f.snapshot.hazardsNear(p, radius: 500, levels: ["1", "2"], status: .oneOf(["registered", "rectifying"])))
    } setup: { try await setup() }

    Benchmark("bbox 1 km × 1 km over 1M hazards") { benchmark in
        let f = Fixture.shared
        let p = f.points[benchmark.currentIteration % f.points.count]
        blackHole(try f.snapshot.features(.hazards, in: Fixture.box(around: p)))
    } setup: { try await setup() }

    Benchmark("polygon-in-grid: hazards inside a grid cell") { benchmark in
        let f = Fixture.shared
        let code = f.gridCodes[benchmark.currentIteration % f.gridCodes.count]
        blackHole(try f.snapshot.features(.hazards, inGrid: code))
    } setup: { try await setup() }

    // Batches: all 10,000 query points in one call (points/s = 10,000 / the time).
    let batch = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: 2,
        maxDuration: .seconds(5), maxIterations: 200)
    Benchmark("batch: nearest shelters k=5, 10,000 points, every core", configuration: batch) { benchmark in
        blackHole(try Fixture.shared.snapshot.nearestShelters(to: Fixture.shared.points, k: 5))
    } setup: { try await setup() }

    Benchmark("batch: nearest shelters k=5, 10,000 points, one core", configuration: batch) { benchmark in
        blackHole(try Fixture.shared.snapshot.nearestShelters(to: Fixture.shared.points, k: 5, workers: 1))
    } setup: { try await setup() }

    Benchmark("batch: radius 1 km over 1M hazards, 10,000 points, every core", configuration: batch) { benchmark in
        blackHole(try Fixture.shared.snapshot.features(.hazards, within: 1000, of: Fixture.shared.points))
    } setup: { try await setup() }

    // Peers in the same run: linear scans over the same arrays with the same distances.
    Benchmark("brute force: nearest shelters k=5 (scan of 20k)", configuration: .init(maxDuration: .seconds(3))) { benchmark in
        let f = Fixture.shared
        blackHole(LinearScan.nearest(f.shelterScan, f.points[benchmark.currentIteration % f.points.count], k: 5))
    } setup: { try await setup() }

    Benchmark("brute force: radius 1 km (scan of 1M)", configuration: .init(maxDuration: .seconds(3))) { benchmark in
        let f = Fixture.shared
        blackHole(LinearScan.within(f.hazardScan, f.points[benchmark.currentIteration % f.points.count], radius: 1000))
    } setup: { try await setup() }
}
