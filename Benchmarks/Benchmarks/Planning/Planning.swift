import Benchmark
import Foundation
import OneMap

// Planning hot paths on the demo district and the generated city: shelter coverage (resident
// samples, walking distances on roads, the tables), siting of 3 shelters from the lattice
// of open land (maximal covering with capacities), the covering solver alone, 2 depots by
// p-median, and fire-station gaps with up to 5 new stations.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 1,
                                           maxDuration: .seconds(20), maxIterations: 20)
    let once = Benchmark.Configuration(metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 2)

    Benchmark("coverage, demo (walking on roads, 2 needs, report)") { _ in
        blackHole(try PlanningFixture.demo.planner.coverage())
    } setup: { _ = PlanningFixture.demo }

    Benchmark("shelter siting k=3, demo (coverage + lattice + solve)") { _ in
        blackHole(try PlanningFixture.demo.planner.shelters(add: 3))
    } setup: { _ = PlanningFixture.demo }

    Benchmark("covering solver alone, demo problem, k=3") { _ in
        blackHole(MaximalCovering.solve(PlanningFixture.demo.siting.problem, k: 3))
    } setup: { _ = PlanningFixture.demo }

    Benchmark("covering solver alone, demo problem, k=10") { _ in
        blackHole(MaximalCovering.solve(PlanningFixture.demo.siting.problem, k: 10))
    } setup: { _ = PlanningFixture.demo }

    Benchmark("depots k=2 (p-median), demo") { _ in
        blackHole(try PlanningFixture.demo.planner.depots(k: 2))
    } setup: { _ = PlanningFixture.demo }

    Benchmark("fire gaps + up to 5 stations, demo") { _ in
        blackHole(try PlanningFixture.demo.planner.fire(maxSites: 5))
    } setup: { _ = PlanningFixture.demo }

    Benchmark("coverage, city (744 grids, 20,000 shelters, 545,935 roads)", configuration: once) { _ in
        blackHole(try PlanningFixture.city.planner.coverage())
    } setup: { _ = PlanningFixture.city }

    Benchmark("shelter siting k=3, city", configuration: once) { _ in
        blackHole(try PlanningFixture.city.planner.shelters(add: 3))
    } setup: { _ = PlanningFixture.city }

    Benchmark("covering solver alone, city problem, k=3", configuration: once) { _ in
        blackHole(MaximalCovering.solve(PlanningFixture.city.siting.problem, k: 3))
    } setup: { _ = PlanningFixture.city }

    Benchmark("fire gaps + up to 5 stations, city", configuration: once) { _ in
        blackHole(try PlanningFixture.city.planner.fire(maxSites: 5))
    } setup: { _ = PlanningFixture.city }

    Benchmark("depots k=2 (p-median), city", configuration: once) { _ in
        blackHole(try PlanningFixture.city.planner.depots(k: 2))
    } setup: { _ = PlanningFixture.city }
}
