import Benchmark
import Foundation
import OneMap

// Routing hot paths: one route between random node pairs on the demo district and on a
// generated network of about 1,000,000 pieces; a 10-minute service area; the demo's
// evacuation plan for a 6 km danger zone; 10- and 30-minute walking and driving service
// areas on the real Helsinki OpenStreetMap extract (data/osm, 2,417 ways).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds,
                                           warmupIterations: 5, maxDuration: .seconds(5), maxIterations: 100_000)

    Benchmark("route, demo roads (3,045 roads), random pairs") { benchmark in
        let f = RoutingFixture.demo
        let (a, b) = f.pairs[benchmark.currentIteration % f.pairs.count]
        blackHole(try? f.graph.route(from: a, to: b))
    } setup: { _ = RoutingFixture.demo }

    Benchmark("route, generated network (~1M pieces), random pairs", configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 200)) { benchmark in
        let f = RoutingFixture.lattice
        let (a, b) = f.pairs[benchmark.currentIteration % f.pairs.count]
        blackHole(try? f.graph.route(from: a, to: b))
    } setup: { _ = RoutingFixture.lattice }

    Benchmark("route with contraction hierarchy, demo roads, random pairs") { benchmark in
        let f = RoutingFixture.demo
        let (a, b) = f.pairs[benchmark.currentIteration % f.pairs.count]
        blackHole(try? f.fast.route(from: a, to: b))
    } setup: { _ = RoutingFixture.demo }

    Benchmark("route with contraction hierarchy, generated network (~1M pieces), random pairs") { benchmark in
        let f = RoutingFixture.lattice
        let (a, b) = f.pairs[benchmark.currentIteration % f.pairs.count]
        blackHole(try? f.fast.route(from: a, to: b))
    } setup: { _ = RoutingFixture.lattice }

    Benchmark("service area 10 min, demo", configuration: .init(timeUnits: .milliseconds, maxIterations: 200)) { benchmark in
        let f = RoutingFixture.demo
        let (a, _) = f.pairs[benchmark.currentIteration % f.pairs.count]
        let costs = f.graph.costs(from: [try f.graph.snap(a)], limit: 600)
        blackHole(try f.graph.serviceArea(nodeCosts: costs, limit: 600))
    } setup: { _ = RoutingFixture.demo }

    for (minutes, profile) in [(10.0, "walk"), (30.0, "walk"), (10.0, "drive"), (30.0, "drive")] {
        Benchmark("service area \(Int(minutes)) min \(profile), Helsinki OSM", configuration: .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 50)) { _ in
            let graph = profile == "walk" ? HelsinkiRoads.walk : HelsinkiRoads.drive
            blackHole(try graph.serviceArea(from: HelsinkiRoads.centre, seconds: minutes * 60))
        } setup: { _ = HelsinkiRoads.walk; _ = HelsinkiRoads.drive }
    }

    Benchmark("evacuation plan, demo, 6 km zone", configuration: .init(timeUnits: .milliseconds, maxIterations: 100)) { _ in
        let f = RoutingFixture.demo
        blackHole(try Evacuation.plan(zone: DangerZone.circle(centre: Coordinate(109.78, 39.61), radius: 6000), graph: f.graph, snapshot: f.snapshot!))
    } setup: { _ = RoutingFixture.demo }
}

/// The Helsinki extract's roads as walking and driving graphs; isochrones from the centre
/// (Rautatientori, 24.9384, 60.1699).
enum HelsinkiRoads {
    static let centre = Coordinate(24.9384, 60.1699)
    static let roads: [LayerRecord] = {
        let path = RoutingFixture.repository.appendingPathComponent("data/osm/helsinki-highways.geojson").path
        guard let reader = try? GeoJSONFeatureReader(path: path), let mapper = try? RecordMapper(layer: .roads) else { fatalError("\(path) cannot be read") }
        var records: [LayerRecord] = []
        while let located = try? reader.next() {
            guard let record = try? mapper.record(for: located.feature, fallbackID: "w\(located.index)") else { continue }
            records.append(record)
        }
        return records
    }()
    static let walk = RoadGraph(roads: roads, profile: .walk)
    static let drive = RoadGraph(roads: roads, profile: .drive)
}
