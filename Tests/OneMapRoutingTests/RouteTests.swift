import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Routes on real OpenStreetMap roads (data/osm, ODbL), against a plain Dijkstra over
/// the raw vertices, built here independently of the router's noded graph.
@Suite struct RouteTests {
    static func roads(_ name: String) throws -> [LayerRecord] {
        let reader = try GeoJSONFeatureReader(path: Repository.path("data/osm/\(name)-highways.geojson"))
        let mapper = try RecordMapper(layer: .roads)
        var records: [LayerRecord] = []
        while let located = try reader.next() {
            records.append(try mapper.record(for: located.feature, fallbackID: "w\(located.index)"))
        }
        return records
    }

    /// Textbook Dijkstra over every vertex of every usable way.
    struct Reference {
        struct Key: Hashable { let x: Double, y: Double }
        var edges: [Key: [(Key, Double, Double)]] = [:]  // to, seconds, metres

        init(_ roads: [LayerRecord], _ profile: RoadProfile) {
            for road in roads {
                guard let kmh = profile.speed(road), case .lineString(let cs) = road.geometry else { continue }
                let direction = profile.direction(road)
                for (a, b) in zip(cs, cs.dropFirst()) where a != b {
                    let metres = Geodesic.wgs84.distance(a, b), seconds = metres / (kmh / 3.6)
                    if direction >= 0 { edges[Key(x: a.x, y: a.y), default: []].append((Key(x: b.x, y: b.y), seconds, metres)) }
                    if direction <= 0 { edges[Key(x: b.x, y: b.y), default: []].append((Key(x: a.x, y: a.y), seconds, metres)) }
                }
            }
        }

        /// Least seconds (or metres) from a to b, nil when unreachable.
        func cost(_ a: Coordinate, _ b: Coordinate, byTime: Bool) -> Double? {
            var best: [Key: Double] = [Key(x: a.x, y: a.y): 0]
            var done = Set<Key>()
            var queue: [(Double, Key)] = [(0, Key(x: a.x, y: a.y))]
            while !queue.isEmpty {
                let i = queue.indices.min { queue[$0].0 < queue[$1].0 }!
                let (d, k) = queue.remove(at: i)
                if done.contains(k) { continue }
                done.insert(k)
                if k == Key(x: b.x, y: b.y) { return d }
                for (to, seconds, metres) in edges[k] ?? [] {
                    let c = d + (byTime ? seconds : metres)
                    if c < best[to] ?? .infinity { best[to] = c; queue.append((c, to)) }
                }
            }
            return nil
        }
    }

    /// Kotka's drivable network is in pieces (most of its extract is cycleways and
    /// one-way ramps), so many of its pairs have no route: both answers are checked.
    @Test(arguments: [("kotka", 60), ("helsinki", 200)])
    func routeCostsEqualPlainDijkstra(city: String, minimumRouted: Int) throws {
        let roads = try Self.roads(city)
        let graph = RoadGraph(roads: roads, profile: .drive)
        let hierarchy = graph.withHierarchy()
        let reference = Reference(roads, .drive)
        var random = SeededRandom(seed: 6)
        var compared = 0, unreachable = 0
        for i in 0..<300 {
            let a = random.element(graph.nodes), b = random.element(graph.nodes)
            let byTime = i % 3 != 0
            let want = reference.cost(a, b, byTime: byTime)
            do {
                let route = try graph.route(from: a, to: b, by: byTime ? .time : .distance)
                let got = byTime ? route.seconds : route.metres
                if byTime {
                    // The contraction hierarchy finds the same times (and real paths).
                    let fast = try hierarchy.route(from: a, to: b)
                    #expect(abs(fast.seconds - route.seconds) <= 1e-6 * max(1, route.seconds), "CH \(city) \(a)→\(b): \(fast.seconds) vs \(route.seconds)")
                    #expect(fast.path.first == a && fast.path.last == b)
                    let fastLength = zip(fast.path, fast.path.dropFirst()).reduce(0) { $0 + Geodesic.wgs84.distance($1.0, $1.1) }
                    #expect(abs(fastLength - fast.metres) < 0.01)
                }
                #expect(want != nil, "\(city) \(a)→\(b): routed but the reference finds no way")
                if let want { #expect(abs(got - want) <= 1e-6 * max(1, want), "\(city) \(a)→\(b): \(got) vs \(want)") }
                // The path runs from a to b along the network, and its length is the route's.
                #expect(route.path.first == a && route.path.last == b)
                let length = zip(route.path, route.path.dropFirst()).reduce(0) { $0 + Geodesic.wgs84.distance($1.0, $1.1) }
                #expect(abs(length - route.metres) < 0.01)
                compared += 1
            } catch RoutingError.noRoute {
                #expect(want == nil, "\(city) \(a)→\(b): no route, but the reference found \(want ?? 0)")
                if byTime { #expect(throws: RoutingError.self) { try hierarchy.route(from: a, to: b) } }
                unreachable += 1
            }
        }
        #expect(compared >= minimumRouted, "\(compared) compared, \(unreachable) unreachable")
    }

    @Test func oneWayStreetsAreRespected() throws {
        let roads = try Self.roads("kotka")
        let oneway = Layer.roads.columns.firstIndex { $0.name == "oneway" }!
        let graph = RoadGraph(roads: roads, profile: .drive)
        let reference = Reference(roads, .drive)
        var checked = 0
        for road in roads where road.values[oneway] == .integer(1) {
            guard case .lineString(let cs) = road.geometry, cs.count >= 2, RoadProfile.drive.speed(road) != nil else { continue }
            let forward = cs[0], back = cs[cs.count - 1]
            guard let wanted = reference.cost(back, forward, byTime: true) else { continue }
            let along = zip(cs, cs.dropFirst()).reduce(0) { $0 + Geodesic.wgs84.distance($1.0, $1.1) } / ((RoadProfile.drive.speed(road)!) / 3.6)
            let route = try graph.route(from: back, to: forward)
            #expect(abs(route.seconds - wanted) < 1e-6 * max(1, wanted))
            #expect(route.seconds > along + 1e-6, "against the one-way it must go round: \(route.seconds) s vs \(along) s along it")
            // Walking ignores one-way streets.
            let walk = RoadGraph(roads: roads, profile: .walk)
            #expect(try walk.route(from: back, to: forward, by: .distance).metres <= along * 5 / 3.6 * 1000)
            checked += 1
            if checked == 5 { break }
        }
        #expect(checked >= 3)
    }

    /// The search to a point over reversed arcs (nearest by time, `direction=to`) on real
    /// one-way streets equals a route from each place, and differs from the search from the
    /// point where one-way streets make the trips differ.
    @Test func theSearchToAPointTakesOneWayStreetsTheRightWayRound() throws {
        let graph = RoadGraph(roads: try Self.roads("helsinki"), profile: .drive)
        var random = SeededRandom(seed: 12)
        let here = random.element(graph.nodes)
        let toHere = graph.costs(to: try graph.snap(here)), fromHere = graph.costs(from: [try graph.snap(here)])
        var checked = 0, asymmetric = 0
        while checked < 30 {
            let node = random.int(0...(graph.nodes.count - 1))
            guard toHere[node].isFinite, let route = try? graph.route(from: graph.nodes[node], to: here) else { continue }
            checked += 1
            #expect(abs(route.seconds - toHere[node]) < 1e-6, "node \(node)")
            if abs(toHere[node] - fromHere[node]) > 1 { asymmetric += 1 }
        }
        #expect(asymmetric > 0, "Helsinki's one-way streets should make some trips differ by direction")
    }

    /// The service area built piece by piece (buffers merged by one cascaded union) is the
    /// area the whole network buffered at once gives, at a fraction of its cost.
    @Test func aServiceAreaBuiltPieceByPieceEqualsTheWholeNetworkBuffered() throws {
        let graph = RoadGraph(roads: try Self.roads("helsinki"), profile: .walk)
        let here = Coordinate(24.9384, 60.1699)
        let costs = graph.costs(from: [try graph.snap(here)], limit: 240)
        let area = try #require(try graph.serviceArea(nodeCosts: costs, limit: 240))
        let shapes = graph.reachableShapes(nodeCosts: costs, limit: 240)
        var box = BoundingBox.empty
        for shape in shapes { for c in shape { box.extend(c) } }
        let frame = LocalFrame(centre: box.center)
        let context = GEOSContext()
        let whole = try context.buffer(.multiLineString(shapes.map { $0.map(frame.toMetres) }), distance: 50, quadrantSegments: 4)
        let mine = area.mapCoordinates(frame.toMetres)
        let a = try context.area(whole), b = try context.area(mine), shared = try context.area(try context.intersection(whole, mine))
        let difference = a + b - 2 * shared  // the symmetric difference's area
        #expect(shapes.count > 50 && difference < 1e-4 * a, "\(difference) m² of \(a)")
    }

    @Test func aBarrierIsAvoidedAndOneThatCutsTheNetworkIsAClearAnswer() throws {
        let graph = RoadGraph(roads: try Self.roads("helsinki"), profile: .drive)
        var random = SeededRandom(seed: 9)
        var tried = 0
        while tried < 20 {
            let a = random.element(graph.nodes), b = random.element(graph.nodes)
            guard let route = try? graph.route(from: a, to: b), route.path.count > 8 else { continue }
            tried += 1
            // A small square around the middle of the route.
            let m = route.path[route.path.count / 2]
            let d = 0.0004
            let square: Geometry = .polygon([[Coordinate(m.x - d, m.y - d), Coordinate(m.x + d, m.y - d), Coordinate(m.x + d, m.y + d),
                                              Coordinate(m.x - d, m.y + d), Coordinate(m.x - d, m.y - d)]])
            let blocked = try graph.pieces(meeting: [square])
            #expect(!blocked.isEmpty)
            do {
                let around = try graph.route(from: a, to: b, blocked: blocked)
                #expect(around.seconds >= route.seconds - 1e-9)
                #expect(!around.pieces.contains { blocked.contains(Int32($0)) })
                let prepared = try GEOSContext().prepare(square)
                #expect(try !prepared.intersects(.lineString(around.path)), "the route crosses the barrier")
            } catch RoutingError.noRoute {
                // Acceptable only if the square really separates them: a or b is walled in.
            }
        }
        // A ring around the start cuts it off: no route, said plainly.
        let start = graph.nodes[0]
        let far = graph.nodes.max { Geodesic.wgs84.distance(start, $0) < Geodesic.wgs84.distance(start, $1) }!
        let outer = 0.01, inner = 0.0015
        func square(_ r: Double) -> [Coordinate] {
            [Coordinate(start.x - r, start.y - r), Coordinate(start.x + r, start.y - r), Coordinate(start.x + r, start.y + r),
             Coordinate(start.x - r, start.y + r), Coordinate(start.x - r, start.y - r)]
        }
        let moat: Geometry = .polygon([square(outer), square(inner).reversed()])
        let snapped = try graph.snap(start)
        #expect(snapped.distance < 1e-6)
        #expect(throws: RoutingError.self) { try graph.route(from: start, to: far, blocked: try graph.pieces(meeting: [moat])) }
        do {
            _ = try graph.route(from: start, to: far, blocked: try graph.pieces(meeting: [moat]))
        } catch let error as RoutingError {
            #expect(error.description.contains("the areas to avoid cut every way") || error.description.contains("inside an area to avoid"), "\(error)")
        }
    }

    @Test func pointsSnapOntoTheSegmentNotTheNearestVertex() throws {
        // One straight road 1 km long; a point 50 m off its middle snaps to the middle.
        let a = Coordinate(24.90, 60.17)
        let b = Geodesic.wgs84.destination(from: a, bearing: 90, distance: 1000)
        let road = LayerRecord(id: "r", geometry: .lineString([a, b]),
                               values: Layer.roads.columns.map { $0.name == "road_class" ? .text("residential") : .null }, extra: [])
        let graph = RoadGraph(roads: [road], profile: .drive)
        let middle = Geodesic.wgs84.destination(from: a, bearing: 90, distance: 500)
        let off = Geodesic.wgs84.destination(from: middle, bearing: 0, distance: 50)
        let snap = try graph.snap(off)
        #expect(abs(snap.distance - 50) < 0.5)
        #expect(abs(snap.along - 500) < 0.5)
        // The 50 m to the road are walked (5 km/h) and counted: 500 m driven at 30 km/h
        // plus 50 m on foot, and the line starts where the point is.
        let route = try graph.route(from: off, to: b)
        #expect(abs(route.metres - 550) < 0.5)
        #expect(abs(route.seconds - (500 / (30 / 3.6) + 50 / (5 / 3.6))) < 0.1)
        #expect(abs(route.accessSeconds.start - 36) < 0.1 && route.accessSeconds.end == 0)
        #expect(route.path.first == off && route.path.last == b)
        // Beyond the access limit (1,000 m by default) the point is refused, naming the distance.
        let far = Geodesic.wgs84.destination(from: middle, bearing: 0, distance: 1500)
        #expect(throws: RoutingError.tooFarFromRoads(role: "from", point: far, metres: try graph.snap(far).distance, limit: 1000, profile: "drive")) {
            try graph.route(from: far, to: b)
        }
        // A profile with a longer limit and another off-road speed (config/planning.json) takes it.
        let lenient = RoadGraph(roads: [road], profile: RoadProfile.drive.with(access: RoadAccess(maxDistance: 2000, speed: 10)))
        #expect(abs(try lenient.route(from: far, to: b).seconds - (500 / (30 / 3.6) + 1500 / (10 / 3.6))) < 0.5)
    }
}
