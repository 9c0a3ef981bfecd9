import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage

/// What a route minimises.
public enum RouteMetric: String, Sendable, CaseIterable {
    /// Travel time at each road's speed (the fastest route).
    case time
    /// Length (the shortest route).
    case distance
}

/// A route along the network.
public struct Route: Sendable {
    public var seconds: Double
    public var metres: Double
    /// From the snapped start to the snapped end, along the roads.
    public var path: [Coordinate]
    public var start: Snap
    public var end: Snap
    /// The pieces travelled, in order.
    public var pieces: [Int]
    /// Seconds of the legs between the given points and the roads (in `seconds` too; the
    /// legs' metres are `start.distance` and `end.distance`, in `metres` too).
    public var accessSeconds: (start: Double, end: Double) = (0, 0)

    /// The route with its legs off the network: from the given start to its snap and from
    /// the end's snap to the given end, at the access speed, in the path, time and length.
    func withAccess(from a: Coordinate, to b: Coordinate, _ access: RoadAccess) -> Route {
        var route = self
        route.accessSeconds = (access.cost(start.distance, .time), access.cost(end.distance, .time))
        route.seconds += route.accessSeconds.start + route.accessSeconds.end
        route.metres += start.distance + end.distance
        if start.distance > 0 { route.path.insert(a, at: 0) }
        if end.distance > 0 { route.path.append(b) }
        return route
    }
}

extension RoadGraph {
    /// The pieces that meet any of `areas` (polygons to avoid: a danger zone, red cells).
    public func pieces(meeting areas: [Geometry]) throws -> Set<Int32> {
        var blocked = Set<Int32>()
        let context = GEOSContext()
        for area in areas {
            guard let box = area.boundingBox else { continue }
            guard try context.isValid(area) else { throw RoutingError.badBarrier(try context.validityReason(area)) }
            let prepared = try context.prepare(area)
            for hit in try pieceIndex.features(.roads, in: box) where try prepared.intersects(hit.record.geometry) {
                blocked.insert(Int32(hit.record.id)!)
            }
        }
        return blocked
    }

    /// The fastest (or shortest) route between two points, each snapped to the nearest
    /// road, never using a piece in `blocked`. A* over the node graph, with the straight
    /// line at the profile's top speed as the bound.
    public func route(from a: Coordinate, to b: Coordinate, by metric: RouteMetric = .time, blocked: Set<Int32> = [],
                      escaping: Set<Int32> = []) throws -> Route {
        let start = try reach(a, "from"), end = try reach(b, "to")
        if blocked.contains(Int32(start.piece)) || blocked.contains(Int32(end.piece)) {
            throw RoutingError.noRoute(from: a, to: b, reason: "the \(blocked.contains(Int32(start.piece)) ? "start" : "end") lies on a road inside an area to avoid")
        }
        func cost(_ piece: Int, metres: Double) -> Double { metric == .time ? metres / pieceSpeed[piece] : metres }
        // Search states are (node, inside): `inside` while the route is still on the
        // escaping pieces it started on (a danger zone it may drive out of, never into).
        let n = nodes.count
        var best = [Double](repeating: .infinity, count: 2 * n)
        var via = [Int32](repeating: -1, count: 2 * n)  // arc that reached the state; -2: a start seed
        var fromKey = [Int32](repeating: -1, count: 2 * n)  // the state that arc left
        var heap = NodeHeap()
        let s = start.piece, sl = pieceLength[s]
        let startState = escaping.contains(Int32(s)) ? 0 : 1
        // Seeds: from the start point along its piece to either end, where the direction allows.
        var seeds: [Int] = []
        func seed(_ node: Int, _ c: Double) {
            let key = startState * n + node
            if c < best[key] { best[key] = c; via[key] = -2; seeds.append(key) }
        }
        if pieceDirection[s] >= 0 || start.along >= sl { seed(Int(pieceTo[s]), cost(s, metres: sl - start.along)) }
        if pieceDirection[s] <= 0 || start.along <= 0 { seed(Int(pieceFrom[s]), cost(s, metres: start.along)) }
        // Targets: the end point is reached from either end of its piece.
        let t = end.piece, tl = pieceLength[t]
        var exits: [(node: Int, extra: Double)] = []
        if pieceDirection[t] >= 0 || end.along <= 0 { exits.append((Int(pieceFrom[t]), cost(t, metres: end.along))) }
        if pieceDirection[t] <= 0 || end.along >= tl { exits.append((Int(pieceTo[t]), cost(t, metres: tl - end.along))) }
        // Both on one piece, in an allowed direction: straight along it (a candidate only).
        var direct = Double.infinity
        if s == t {
            if end.along >= start.along, pieceDirection[s] >= 0 { direct = cost(s, metres: end.along - start.along) }
            if end.along <= start.along, pieceDirection[s] <= 0 { direct = cost(s, metres: start.along - end.along) }
        }
        var arcs: [Int] = []
        var arrived = Double.infinity, entryNode = -1, exitNode = -1
        if let hierarchy, metric == .time, blocked.isEmpty, escaping.isEmpty {
            let sources = seeds.map { ($0 % n, best[$0]) }
            if let found = hierarchy.query(sources: sources, targets: exits.map { ($0.node, $0.extra) }) {
                (arrived, arcs, entryNode, exitNode) = (found.cost, found.arcs, found.first, found.last)
            }
        } else {
            let bound = metric == .time ? profile.maxSpeed / 3.6 : 1
            let goal = end.point
            func h(_ node: Int) -> Double { Self.lowerBoundMetres(nodes[node], goal) / bound }
            for key in seeds { heap.push(best[key] + h(key % n), key) }
            var exitKey = -1
            let endInside = escaping.contains(Int32(t))
            while let (priority, key) = heap.pop() {
                if priority >= min(arrived, direct) { break }
                let node = key % n, state = key / n
                let g = best[key]
                if priority > g + h(node) + 1e-9 { continue }
                // Ending inside the zone is allowed only for a route that never left it.
                for exit in exits where exit.node == node && g + exit.extra < arrived && (!endInside || state == 0) {
                    arrived = g + exit.extra
                    exitKey = key
                }
                for arc in Int(firstArc[node])..<Int(firstArc[node + 1]) {
                    let piece = Int(arcPiece[arc])
                    if blocked.contains(Int32(piece)) { continue }
                    let inside = escaping.contains(Int32(piece))
                    if inside && state == 1 { continue }
                    let next = (inside ? 0 : 1) * n + Int(arcTarget[arc])
                    let candidate = g + cost(piece, metres: pieceLength[piece])
                    if candidate < best[next] {
                        best[next] = candidate
                        via[next] = Int32(arc)
                        fromKey[next] = Int32(key)
                        heap.push(candidate + h(next % n), next)
                    }
                }
            }
            if exitKey >= 0 {
                // Walk back from the exit state to a seed.
                var key = exitKey
                while via[key] >= 0 {
                    arcs.append(Int(via[key]))
                    key = Int(fromKey[key])
                }
                arcs.reverse()
                exitNode = exitKey % n
                entryNode = key % n
            }
        }
        if direct.isFinite && direct <= arrived {
            let shape = partial(s, from: start, to: end)
            return Route(seconds: seconds(s, metres: abs(end.along - start.along)), metres: abs(end.along - start.along),
                         path: shape, start: start, end: end, pieces: [s]).withAccess(from: a, to: b, profile.access)
        }
        guard exitNode >= 0 else {
            throw RoutingError.noRoute(from: a, to: b, reason: blocked.isEmpty && escaping.isEmpty ? "the roads do not connect them" : "the areas to avoid cut every way")
        }
        var path: [Coordinate] = []
        var seconds = 0.0, metres = 0.0
        // The start point to the entry node along the start piece.
        let startToEntry = Int32(entryNode) == pieceTo[s] ? sl - start.along : start.along
        path += partial(s, from: start, toNode: entryNode)
        seconds += self.seconds(s, metres: startToEntry)
        metres += startToEntry
        var pieces = [s]
        for arc in arcs {
            let piece = Int(arcPiece[arc])
            let shape = arcForward[arc] ? pieceShapes[piece] : pieceShapes[piece].reversed()
            path += shape.dropFirst()
            seconds += self.seconds(piece, metres: pieceLength[piece])
            metres += pieceLength[piece]
            pieces.append(piece)
        }
        let exitToEnd = Int32(exitNode) == pieceFrom[t] ? end.along : tl - end.along
        path += partial(t, fromNode: exitNode, to: end).dropFirst()
        seconds += self.seconds(t, metres: exitToEnd)
        metres += exitToEnd
        pieces.append(t)
        return Route(seconds: seconds, metres: metres, path: path, start: start, end: end, pieces: pieces).withAccess(from: a, to: b, profile.access)
    }

    func seconds(_ piece: Int, metres: Double) -> Double { metres / pieceSpeed[piece] }

    /// A lower bound on the geodesic distance in metres: the great-circle distance on a
    /// sphere of the Earth's smallest radius of curvature, less a margin.
    static func lowerBoundMetres(_ a: Coordinate, _ b: Coordinate) -> Double {
        let la1 = a.y * .pi / 180, la2 = b.y * .pi / 180, dla = la2 - la1, dlo = (b.x - a.x) * .pi / 180
        let s = sin(dla / 2) * sin(dla / 2) + cos(la1) * cos(la2) * sin(dlo / 2) * sin(dlo / 2)
        return 0.99 * 2 * 6_335_439 * asin(min(1, sqrt(s)))
    }

    /// The shape of a piece from a snapped point to one of its end nodes.
    func partial(_ piece: Int, from snap: Snap, toNode node: Int) -> [Coordinate] {
        let shape = pieceShapes[piece]
        if Int32(node) == pieceTo[piece] {
            return [snap.point] + shape[(snap.segment + 1)...]
        }
        return [snap.point] + shape[...snap.segment].reversed()
    }

    /// The shape of a piece from one of its end nodes to a snapped point.
    func partial(_ piece: Int, fromNode node: Int, to snap: Snap) -> [Coordinate] {
        Array(partial(piece, from: snap, toNode: node).reversed())
    }

    /// The shape between two snapped points on one piece.
    func partial(_ piece: Int, from a: Snap, to b: Snap) -> [Coordinate] {
        let shape = pieceShapes[piece]
        if a.segment == b.segment { return [a.point, b.point] }
        if a.segment < b.segment { return [a.point] + shape[(a.segment + 1)...b.segment] + [b.point] }
        return [a.point] + shape[(b.segment + 1)...a.segment].reversed() + [b.point]
    }
}

/// A binary min-heap of (priority, node).
struct NodeHeap {
    private var items: [(Double, Int)] = []

    var first: (Double, Int)? { items.first }

    mutating func push(_ priority: Double, _ node: Int) {
        items.append((priority, node))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent].0 <= items[i].0 { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].0 < items[m].0 { m = l }
                if r < items.count && items[r].0 < items[m].0 { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
