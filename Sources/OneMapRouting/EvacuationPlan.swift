import Foundation
import OneMapGeometry

/// Who goes where when a danger zone is evacuated: every grid's residents to shelters
/// outside the zone, no shelter over its room, least total person-seconds; an exact
/// min-cost flow (the transportation problem).
public struct EvacuationPlan: Sendable {
    public struct Origin: Sendable {
        public var id: String
        public var persons: Int
        public var point: Coordinate
        public init(id: String, persons: Int, point: Coordinate) {
            self.id = id
            self.persons = persons
            self.point = point
        }
    }

    public struct Destination: Sendable {
        public var id: String
        public var room: Int
        public var point: Coordinate
        public init(id: String, room: Int, point: Coordinate) {
            self.id = id
            self.room = room
            self.point = point
        }
    }

    public struct Assignment: Sendable, Equatable {
        public var origin: String
        public var destination: String
        public var persons: Int
        /// Travel time from the origin's point to the destination's, in seconds.
        public var seconds: Double
    }

    public var assignments: [Assignment]
    /// Persons sent to each destination, by id.
    public var loads: [String: Int]
    /// Persons no destination can take (room short, or no road out), by origin id.
    public var unplaced: [String: Int]
    /// Σ persons × seconds over the assignments.
    public var personSeconds: Double

    /// Solves the transportation problem for a cost matrix `seconds[origin][destination]`
    /// (infinity: no route): successive shortest augmenting paths with potentials, which
    /// is optimal for min-cost flow.
    public static func solve(origins: [Origin], destinations: [Destination], seconds: [[Double]]) -> EvacuationPlan {
        let o = origins.count, d = destinations.count
        // Nodes: 0 source, 1…o origins, o+1…o+d destinations, o+d+1 sink.
        let sink = o + d + 1, count = o + d + 2
        struct Edge { var to: Int; var capacity: Int; var cost: Double; var reverse: Int }
        var graph = [[Edge]](repeating: [], count: count)
        func add(_ a: Int, _ b: Int, _ capacity: Int, _ cost: Double) {
            graph[a].append(Edge(to: b, capacity: capacity, cost: cost, reverse: graph[b].count))
            graph[b].append(Edge(to: a, capacity: 0, cost: -cost, reverse: graph[a].count - 1))
        }
        let total = origins.reduce(0) { $0 + $1.persons }
        for (i, origin) in origins.enumerated() { add(0, 1 + i, origin.persons, 0) }
        for (j, destination) in destinations.enumerated() { add(1 + o + j, sink, destination.room, 0) }
        for i in 0..<o {
            for j in 0..<d where seconds[i][j].isFinite { add(1 + i, 1 + o + j, total, seconds[i][j]) }
        }
        var flow = 0
        while true {
            // Bellman–Ford (SPFA) for the cheapest augmenting path: the graph is small.
            var distance = [Double](repeating: .infinity, count: count)
            var previous = [(node: Int, edge: Int)?](repeating: nil, count: count)
            var queued = [Bool](repeating: false, count: count)
            var queue = [0]
            distance[0] = 0
            queued[0] = true
            var head = 0
            while head < queue.count {
                let u = queue[head]
                head += 1
                queued[u] = false
                for (k, e) in graph[u].enumerated() where e.capacity > 0 && distance[u] + e.cost < distance[e.to] - 1e-9 {
                    distance[e.to] = distance[u] + e.cost
                    previous[e.to] = (u, k)
                    if !queued[e.to] { queued[e.to] = true; queue.append(e.to) }
                }
            }
            guard distance[sink].isFinite else { break }
            var push = Int.max
            var v = sink
            while let (u, k) = previous[v] { push = min(push, graph[u][k].capacity); v = u }
            v = sink
            while let (u, k) = previous[v] {
                graph[u][k].capacity -= push
                graph[v][graph[u][k].reverse].capacity += push
                v = u
            }
            flow += push
        }
        var assignments: [Assignment] = []
        var loads: [String: Int] = [:], unplaced: [String: Int] = [:]
        var personSeconds = 0.0
        for i in 0..<o {
            var sent = 0
            for e in graph[1 + i] where e.to > o && e.to <= o + d {
                let j = e.to - 1 - o
                let persons = graph[e.to][e.reverse].capacity  // flow on the edge
                guard persons > 0 else { continue }
                assignments.append(Assignment(origin: origins[i].id, destination: destinations[j].id, persons: persons, seconds: seconds[i][j]))
                loads[destinations[j].id, default: 0] += persons
                personSeconds += Double(persons) * seconds[i][j]
                sent += persons
            }
            if sent < origins[i].persons { unplaced[origins[i].id] = origins[i].persons - sent }
        }
        _ = flow
        return EvacuationPlan(assignments: assignments, loads: loads, unplaced: unplaced, personSeconds: personSeconds)
    }
}
