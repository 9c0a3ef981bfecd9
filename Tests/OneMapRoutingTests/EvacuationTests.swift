import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Evacuation plans, best shelters, service areas and fire coverage, against independent
/// answers: brute-force enumeration for the plan, one route at a time for the rest.
@Suite struct EvacuationTests {
    /// Brute force for small transportation problems: the most persons placed, then the
    /// least person-seconds, over every integer allocation.
    static func bruteForce(_ supply: [Int], _ room: [Int], _ cost: [[Double]]) -> (placed: Int, cost: Double) {
        var best = (placed: -1, cost: Double.infinity)
        var left = room
        func go(_ i: Int, _ j: Int, _ remaining: Int, _ placed: Int, _ total: Double) {
            if i == supply.count {
                if placed > best.placed || (placed == best.placed && total < best.cost - 1e-9) { best = (placed, total) }
                return
            }
            if j == room.count { go(i + 1, 0, i + 1 < supply.count ? supply[i + 1] : 0, placed, total); return }
            let most = cost[i][j].isFinite ? min(remaining, left[j]) : 0
            for x in 0...most {
                left[j] -= x
                go(i, j + 1, remaining - x, placed + x, total + Double(x) * (x > 0 ? cost[i][j] : 0))
                left[j] += x
            }
        }
        go(0, 0, supply.first ?? 0, 0, 0)
        return best
    }

    @Test func thePlanIsOptimalOnSmallInstances() {
        var random = SeededRandom(seed: 66)
        for round in 0..<300 {
            let o = random.int(1...3), d = random.int(1...3)
            let supply = (0..<o).map { _ in random.int(0...5) }
            let room = (0..<d).map { _ in random.int(0...5) }
            let cost = (0..<o).map { _ in (0..<d).map { _ in random.unit() < 0.15 ? Double.infinity : Double(random.int(1...20)) + random.unit() } }
            let plan = EvacuationPlan.solve(
                origins: supply.enumerated().map { .init(id: "g\($0.offset)", persons: $0.element, point: Coordinate(0, 0)) },
                destinations: room.enumerated().map { .init(id: "s\($0.offset)", room: $0.element, point: Coordinate(0, 0)) },
                seconds: cost)
            let want = Self.bruteForce(supply, room, cost)
            let placed = plan.assignments.reduce(0) { $0 + $1.persons }
            #expect(placed == want.placed, "round \(round)")
            #expect(abs(plan.personSeconds - want.cost) < 1e-6, "round \(round): \(plan.personSeconds) vs \(want.cost)")
            for (j, r) in room.enumerated() { #expect((plan.loads["s\(j)"] ?? 0) <= r) }
            #expect(placed + plan.unplaced.values.reduce(0, +) == supply.reduce(0, +))
        }
    }

    func demo() throws -> (String, IndexSnapshot, RoadGraph) {
        let dir = try TemporaryDirectory()
        let path = dir.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: path))
        let snapshot = try SpatialIndex.load(from: GeoPackage(path: path, mode: .readOnly)).snapshot
        return (path, snapshot, RoadGraph(roads: try snapshot.allFeatures(.roads), profile: .drive))
    }

    @Test func theDemoPlanPlacesEveryoneWithinCapacity() throws {
        let (_, snapshot, graph) = try demo()
        let zone = DangerZone.circle(centre: Coordinate(109.78, 39.61), radius: 6000)
        let (plan, origins, destinations) = try Evacuation.plan(zone: zone, graph: graph, snapshot: snapshot)
        #expect(origins.count >= 5)
        let persons = origins.reduce(0) { $0 + $1.persons }
        let room = destinations.reduce(0) { $0 + $1.room }
        #expect(room >= persons)
        #expect(plan.unplaced.isEmpty && plan.assignments.reduce(0) { $0 + $1.persons } == persons)
        for d in destinations { #expect((plan.loads[d.record.id] ?? 0) <= d.room) }
        // No shelter inside the zone is used.
        let prepared = try GEOSContext().prepare(zone)
        for d in destinations { #expect(try !prepared.intersects(d.record.geometry)) }
        // Each assignment's time is what a route from the grid to the shelter takes.
        let escaping = try graph.pieces(meeting: [zone])
        for a in plan.assignments.prefix(5) {
            let from = origins.first { $0.id == a.origin }!.point, to = destinations.first { $0.record.id == a.destination }!.point
            #expect(abs(try graph.route(from: from, to: to, escaping: escaping).seconds - a.seconds) < 1e-6)
        }
    }

    @Test func theBestShelterIsTheSoonestByRoad() throws {
        let (_, snapshot, graph) = try demo()
        let here = Coordinate(109.781, 39.608)
        let zone = DangerZone.circle(centre: here, radius: 800)
        let best = try Evacuation.best(from: here, graph: graph, snapshot: snapshot, zone: zone, minimumRoom: 500, k: 3)
        #expect(best.count == 3)
        let escaping = try graph.pieces(meeting: [zone])
        let candidates = try Evacuation.candidates(snapshot, outside: zone, minimumRoom: 500)
        let times = try candidates.map { try graph.route(from: here, to: $0.point, escaping: escaping).seconds }.sorted()
        #expect(zip(best.map(\.route.seconds), times).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(best.allSatisfy { $0.room >= 500 })
    }

    @Test func serviceAreasAndFireCoverageAgreeWithRoutes() throws {
        let (_, snapshot, graph) = try demo()
        let here = Coordinate(109.781, 39.608)
        let costs = graph.costs(from: [try graph.snap(here)])
        var random = SeededRandom(seed: 3)
        for _ in 0..<40 {
            let node = random.int(0...(graph.nodes.count - 1))
            guard costs[node].isFinite else { continue }
            #expect(abs(try graph.route(from: here, to: graph.nodes[node]).seconds - costs[node]) < 1e-6)
        }
        // The reverse search: the cost from every node to the point equals a route from it.
        let toHere = graph.costs(to: try graph.snap(here))
        var checked = 0
        for _ in 0..<40 {
            let node = random.int(0...(graph.nodes.count - 1))
            guard toHere[node].isFinite else { continue }
            checked += 1
            #expect(abs(try graph.route(from: graph.nodes[node], to: here).seconds - toHere[node]) < 1e-6)
        }
        #expect(checked > 20)
        // The point lies several hundred metres from the road: its walk (over 5 minutes) is in every cost.
        let leg = graph.accessCost(try graph.snap(here))
        #expect(leg > 300 && costs.filter(\.isFinite).allSatisfy { $0 >= leg })
        let area = try #require(try graph.serviceArea(nodeCosts: costs, limit: 900))
        #expect(try graph.serviceArea(from: here, seconds: 900) == area)
        #expect(throws: RoutingError.self) { try graph.serviceArea(from: here, seconds: leg - 1) }
        let prepared = try GEOSContext().prepare(area)
        for (node, c) in costs.enumerated() where c <= 900 { #expect(try prepared.intersects(graph.nodes[node])) }
        for (node, c) in costs.enumerated() where c > 1020 && c.isFinite { #expect(try !prepared.contains(graph.nodes[node])) }

        let coverage = try FireCoverage.compute(graph: graph, snapshot: snapshot, minutes: 5)
        #expect(coverage.stations == 4)
        let kind = Layer.facilities.columns.firstIndex { $0.name == "kind" }!
        let stations = try snapshot.allFeatures(.facilities).filter { $0.values[kind] == .text("fire_station") }
        let context = GEOSContext()
        // A cell's minutes run from road point to road point (a fire engine's), one route each.
        for cell in coverage.cells.prefix(12) {
            let target = try graph.snap(try context.pointOnSurface(cell.grid.geometry)).point
            let minutes = try stations.map { try graph.route(from: try graph.snap(try context.pointOnSurface($0.geometry)).point, to: target).seconds / 60 }.min()!
            #expect(abs((cell.minutes ?? .infinity) - minutes) < 1e-3, "\(cell.grid.id)")
        }
        // Residents beyond the limit come from the samples: whole cells out of reach count
        // whole, partly reached ones their samples beyond, and the total is their sum.
        let sum = coverage.cells.reduce(0) { $0 + $1.residentsOutside }
        #expect(coverage.residentsOutside == Int(sum.rounded()))
        for cell in coverage.cells { #expect(cell.residentsOutside <= Double(cell.residents) + 1e-6) }
        #expect(coverage.cells.contains { $0.residentsOutside > 0.5 && $0.residentsOutside < Double($0.residents) - 0.5 },
                "the demo should have a cell partly within 5 minutes")
    }
}
