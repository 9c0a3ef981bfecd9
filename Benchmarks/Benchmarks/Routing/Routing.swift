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

    // A commander's "which three fire stations get there first": one search over the
    // reversed arcs ranks every station (then three routes are drawn), against the peer
    // a user without it has: a route from every station, sorted (k separate routes).
    for (name, which) in [("demo", 0), ("generated network (~1M pieces), 20 stations", 1), ("generated city (chifeng, --scale 20)", 2)] {
        let onLattice = which > 0
        @Sendable func fixture() -> NearestFixture { which == 2 ? NearestFixture.city : which == 1 ? NearestFixture.lattice : NearestFixture.demo }
        Benchmark("nearest by time, k=3 fire stations, \(name)", configuration: .init(timeUnits: onLattice ? .milliseconds : .microseconds, maxDuration: .seconds(10), maxIterations: 300)) { benchmark in
            let f = fixture()
            let point = f.points[benchmark.currentIteration % f.points.count]
            blackHole(try? NearestByTime.find(point, direction: .to, candidates: f.stations, k: 3, graph: f.graph))
        } setup: { _ = fixture() }
        Benchmark("peer: a route from each fire station, best 3, \(name)", configuration: .init(timeUnits: onLattice ? .milliseconds : .microseconds, maxDuration: .seconds(which == 2 ? 60 : 10), maxIterations: 300)) { benchmark in
            let f = fixture()
            let point = f.points[benchmark.currentIteration % f.points.count]
            let routes = f.places.compactMap { try? f.graph.route(from: $0, to: point) }
            blackHole(routes.sorted { $0.seconds < $1.seconds }.prefix(3))
        } setup: { _ = fixture() }
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

/// Fire stations and incident points for the nearest-by-time benchmarks: the demo's own
/// stations, and 20 stations at random junctions of the generated network.
final class NearestFixture: Sendable {
    static let demo = NearestFixture(RoutingFixture.demo, stations: nil)
    static let lattice = NearestFixture(RoutingFixture.lattice, stations: 20)
    /// The generated city of the planning benchmarks (tools/bench-planning.sh makes it):
    /// its roads and its own fire stations.
    static let city: NearestFixture = {
        let path = RoutingFixture.repository.appendingPathComponent("data/generated/chifeng.gpkg").path
        guard FileManager.default.fileExists(atPath: path) else { fatalError("\(path) is missing; tools/bench-planning.sh makes it") }
        let snapshot = try! SpatialIndex.load(from: GeoPackage(path: path, mode: .readOnly), layers: [.roads, .facilities]).snapshot
        let graph = RoadGraph(roads: try! snapshot.allFeatures(.roads), profile: .drive)
        let stations = try! NearestByTime.candidates(snapshot, layer: .facilities, where: [AttributeFilter(column: "kind", test: .oneOf(["fire_station"]))])
        print("fixture city: \(graph.nodes.count) nodes, \(graph.pieceCount) pieces")
        return NearestFixture(graph: graph, stations: stations, points: RoutingFixture.pairs(graph).map(\.0))
    }()

    let graph: RoadGraph
    let stations: [LayerRecord]
    let places: [Coordinate]
    let points: [Coordinate]

    private init(graph: RoadGraph, stations: [LayerRecord], points: [Coordinate]) {
        self.graph = graph
        self.stations = stations
        places = stations.map { if case .point(let c) = $0.geometry { c } else { Coordinate(0, 0) } }
        self.points = points
        print("fixture nearest: \(stations.count) stations, \(points.count) incident points")
    }

    private init(_ routing: RoutingFixture, stations count: Int?) {
        graph = routing.graph
        if let snapshot = routing.snapshot, count == nil {
            stations = try! NearestByTime.candidates(snapshot, layer: .facilities, where: [AttributeFilter(column: "kind", test: .oneOf(["fire_station"]))])
        } else {
            var random = SeededRandom(seed: 7)
            stations = (0..<(count ?? 20)).map { i in
                LayerRecord(id: "F-\(i)", geometry: .point(random.element(routing.graph.nodes)),
                            values: Layer.facilities.columns.map { $0.name == "kind" ? .text("fire_station") : .null }, extra: [])
            }
        }
        places = stations.map { if case .point(let c) = $0.geometry { c } else { Coordinate(0, 0) } }
        points = routing.pairs.map(\.0)
        print("fixture nearest: \(stations.count) stations, \(points.count) incident points")
    }
}
