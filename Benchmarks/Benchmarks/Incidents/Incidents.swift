import Benchmark
import Foundation
import OneMap

// The commander's hot paths on the demo district and the generated city: creating an
// incident (a leak at a level-1 hazardous-chemical firm, the kind's 500 m and 2,000 m zones)
// with its full analysis (residents, key targets, hazards and shelters inside, what can
// reach it, the evacuation plan, relief, whom to tell), and the live recompute of an open
// incident's figures after one hazard inside it changes.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 1,
                                           maxDuration: .seconds(20), maxIterations: 50)

    Benchmark("create + full analysis, demo (leak at H-0000283, 500/2000 m)") { benchmark in
        let fixture = IncidentFixture.demo
        for _ in benchmark.scaledIterations { blackHole(try fixture.createAndAnalyse()) }
    } setup: { _ = IncidentFixture.demo }

    Benchmark("recompute after one hazard change, demo") { benchmark in
        let fixture = IncidentFixture.demo
        for _ in benchmark.scaledIterations {
            benchmark.stopMeasurement()
            try fixture.changeOneHazard()
            benchmark.startMeasurement()
            blackHole(try fixture.recompute())
        }
    } setup: { _ = IncidentFixture.demo }

    Benchmark("create + full analysis, city (leak at a level-1 firm, 500/2000 m)") { benchmark in
        let fixture = IncidentFixture.city
        for _ in benchmark.scaledIterations { blackHole(try fixture.createAndAnalyse()) }
    } setup: { _ = IncidentFixture.city }

    Benchmark("recompute after one hazard change, city") { benchmark in
        let fixture = IncidentFixture.city
        for _ in benchmark.scaledIterations {
            benchmark.stopMeasurement()
            try fixture.changeOneHazard()
            benchmark.startMeasurement()
            blackHole(try fixture.recompute())
        }
    } setup: { _ = IncidentFixture.city }
}
