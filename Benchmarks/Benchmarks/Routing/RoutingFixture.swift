import Foundation
import OneMap

/// Road graphs for the routing benchmarks: the demo district's 3,045 roads, and a
/// generated city of about 1,000,000 road pieces (a 710 × 710 lattice of streets
/// 100 m apart, every tenth one a primary road, one street in seven one-way).
final class RoutingFixture: Sendable {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demoPath = repository.appendingPathComponent("data/generated/kangbashi-bench.gpkg").path

    static let demo = RoutingFixture(demo: ())
    static let lattice = RoutingFixture(latticeSide: 710)

    let graph: RoadGraph
    /// The same graph with its contraction hierarchy.
    let fast: RoadGraph
    let hierarchySeconds: Double
    let snapshot: IndexSnapshot?
    let pairs: [(Coordinate, Coordinate)]

    private init(demo: Void) {
        guard FileManager.default.fileExists(atPath: Self.demoPath) else { fatalError("\(Self.demoPath) is missing; tools/bench-routing.sh makes it") }
        let snapshot = try! SpatialIndex.load(from: GeoPackage(path: Self.demoPath, mode: .readOnly)).snapshot
        self.snapshot = snapshot
        graph = RoadGraph(roads: try! snapshot.allFeatures(.roads), profile: .drive)
        let started = Date()
        fast = graph.withHierarchy()
        hierarchySeconds = Date().timeIntervalSince(started)
        pairs = Self.pairs(graph)
        print(String(format: "fixture demo: %d nodes, %d pieces, %d arcs; hierarchy in %.2f s, %d shortcuts", graph.nodes.count, graph.pieceCount,
                     graph.arcCount, hierarchySeconds, fast.hierarchy!.shortcutCount))
    }

    private init(latticeSide n: Int) {
        let started = Date()
        let origin = Coordinate(118.5, 42.0)
        let dLat = 100 / 111_132.0, dLon = 100 / (111_320.0 * cos(42.0 * .pi / 180))
        let columns = Layer.roads.columns
        func road(_ id: String, _ a: Coordinate, _ b: Coordinate, primary: Bool, oneway: Int) -> LayerRecord {
            LayerRecord(id: id, geometry: .lineString([a, b]), values: columns.map { column in
                switch column.name {
                case "road_class": .text(primary ? "primary" : "residential")
                case "oneway": .integer(Int64(oneway))
                default: .null
                }
            }, extra: [])
        }
        var roads: [LayerRecord] = []
        roads.reserveCapacity(2 * n * n)
        func at(_ i: Int, _ j: Int) -> Coordinate { Coordinate(origin.x + Double(i) * dLon, origin.y + Double(j) * dLat) }
        for j in 0..<n {
            for i in 0..<n {
                // Eastward street from (i, j); northward street from (i, j).
                if i + 1 < n { roads.append(road("e\(i)_\(j)", at(i, j), at(i + 1, j), primary: j % 10 == 0, oneway: j % 7 == 3 ? 1 : 0)) }
                if j + 1 < n { roads.append(road("n\(i)_\(j)", at(i, j), at(i, j + 1), primary: i % 10 == 0, oneway: i % 7 == 3 ? -1 : 0)) }
            }
        }
        graph = RoadGraph(roads: roads, profile: .drive)
        let built = Date().timeIntervalSince(started)
        let contracting = Date()
        fast = graph.withHierarchy()
        hierarchySeconds = Date().timeIntervalSince(contracting)
        snapshot = nil
        pairs = Self.pairs(graph)
        print(String(format: "fixture lattice: %d nodes, %d pieces, %d arcs, built in %.1f s; hierarchy in %.1f s, %d shortcuts", graph.nodes.count,
                     graph.pieceCount, graph.arcCount, built, hierarchySeconds, fast.hierarchy!.shortcutCount))
    }

    static func pairs(_ graph: RoadGraph) -> [(Coordinate, Coordinate)] {
        var random = SeededRandom(seed: 21)
        return (0..<500).map { _ in (random.element(graph.nodes), random.element(graph.nodes)) }
    }
}
