import Foundation
import OneMapGeometry
import Synchronization

/// A contraction hierarchy over a road graph's travel times: nodes are contracted one by
/// one (least important first), adding shortcuts where a shortest path ran through them;
/// a query then searches upward from both ends and meets in the middle, settling a few
/// hundred nodes instead of a large share of the network. Fastest routes only, without
/// areas to avoid (those go to A*).
public struct ContractionHierarchy: Sendable {
    /// An arc of the hierarchy: an original arc of the graph, or a shortcut over `middle`
    /// made of two hierarchy arcs.
    struct Arc: Sendable {
        var from: Int32
        var to: Int32
        var cost: Double
        /// The graph arc for an original; -1 for a shortcut.
        var original: Int32
        var first: Int32
        var second: Int32
    }

    let arcs: [Arc]
    let rank: [Int32]
    /// Upward arcs leaving each node (CSR): forward search.
    let upStart: [Int32]
    let upArc: [Int32]
    /// Upward arcs entering each node from above, reversed (CSR): backward search.
    let downStart: [Int32]
    let downArc: [Int32]
    public var shortcutCount: Int { arcs.count - originalCount }
    /// Bytes the hierarchy's arrays hold (not the search scratch, which grows with use).
    public var heldBytes: Int {
        arcs.count * MemoryLayout<Arc>.stride + (rank.count + upStart.count + upArc.count + downStart.count + downArc.count) * 4
    }
    let originalCount: Int
    /// Search arrays reused across queries (a query touches a few thousand of the
    /// network's nodes; allocating and clearing arrays for all of them would cost more).
    private let scratch = ScratchPool()

    /// Contracts `graph` for travel time.
    public init(_ graph: RoadGraph, progress: ((Int, Int) -> Void)? = nil) {
        let n = graph.nodes.count
        var arcs: [Arc] = []
        var outs = [[Int32]](repeating: [], count: n), ins = [[Int32]](repeating: [], count: n)
        for node in 0..<n {
            for a in Int(graph.firstArc[node])..<Int(graph.firstArc[node + 1]) {
                let piece = Int(graph.arcPiece[a])
                let arc = Arc(from: Int32(node), to: graph.arcTarget[a], cost: graph.pieceLength[piece] / graph.pieceSpeed[piece],
                              original: Int32(a), first: -1, second: -1)
                if arc.from == arc.to { continue }
                outs[node].append(Int32(arcs.count))
                ins[Int(arc.to)].append(Int32(arcs.count))
                arcs.append(arc)
            }
        }
        let originals = arcs.count
        var contracted = [Bool](repeating: false, count: n)
        var deletedNeighbours = [Int32](repeating: 0, count: n)
        var rank = [Int32](repeating: 0, count: n)
        var witness = WitnessSearch(nodes: n)

        // The shortcuts contracting `v` needs now: pairs u → v → w with no other path as short.
        func shortcuts(_ v: Int) -> [(Int32, Int32, Double, Int32, Int32)] {
            var result: [(Int32, Int32, Double, Int32, Int32)] = []
            for i in ins[v] {
                let a = arcs[Int(i)]
                let u = Int(a.from)
                if contracted[u] { continue }
                var most = 0.0
                for o in outs[v] where !contracted[Int(arcs[Int(o)].to)] && Int(arcs[Int(o)].to) != u { most = max(most, a.cost + arcs[Int(o)].cost) }
                if most == 0 { continue }
                witness.run(from: u, skipping: v, limit: most, arcs: arcs, outs: outs, contracted: contracted)
                for o in outs[v] {
                    let b = arcs[Int(o)]
                    let w = Int(b.to)
                    if contracted[w] || w == u { continue }
                    let via = a.cost + b.cost
                    if witness.cost(w) > via + 1e-12 { result.append((Int32(u), Int32(w), via, i, o)) }
                }
            }
            return result
        }
        func priority(_ v: Int) -> Double {
            let live = ins[v].filter { !contracted[Int(arcs[Int($0)].from)] }.count + outs[v].filter { !contracted[Int(arcs[Int($0)].to)] }.count
            return Double(shortcuts(v).count - live) * 2 + Double(deletedNeighbours[v])
        }
        var queue = NodeHeap()
        for v in 0..<n { queue.push(priority(v), v) }
        var order = 0
        while let (p, v) = queue.pop() {
            if contracted[v] { continue }
            // Lazy update: the priority may have grown since it was queued.
            let now = priority(v)
            if now > p + 1e-9, let next = queue.peekPriority, now > next {
                queue.push(now, v)
                continue
            }
            for (u, w, cost, first, second) in shortcuts(v) {
                // Keep only the cheapest shortcut between two nodes.
                if let existing = outs[Int(u)].first(where: { arcs[Int($0)].to == w && arcs[Int($0)].original < 0 }), arcs[Int(existing)].cost <= cost { continue }
                let id = Int32(arcs.count)
                arcs.append(Arc(from: u, to: w, cost: cost, original: -1, first: first, second: second))
                outs[Int(u)].append(id)
                ins[Int(w)].append(id)
            }
            contracted[v] = true
            rank[v] = Int32(order)
            order += 1
            for i in ins[v] { deletedNeighbours[Int(arcs[Int(i)].from)] += 1 }
            for o in outs[v] { deletedNeighbours[Int(arcs[Int(o)].to)] += 1 }
            if order % 20_000 == 0 { progress?(order, n) }
        }
        // Upward arcs in CSR form, each side.
        var up = [[Int32]](repeating: [], count: n), down = [[Int32]](repeating: [], count: n)
        for (i, arc) in arcs.enumerated() {
            if rank[Int(arc.to)] > rank[Int(arc.from)] { up[Int(arc.from)].append(Int32(i)) } else { down[Int(arc.to)].append(Int32(i)) }
        }
        func csr(_ lists: [[Int32]]) -> ([Int32], [Int32]) {
            var start = [Int32](repeating: 0, count: n + 1), flat: [Int32] = []
            flat.reserveCapacity(lists.reduce(0) { $0 + $1.count })
            for v in 0..<n { flat += lists[v]; start[v + 1] = Int32(flat.count) }
            return (start, flat)
        }
        (upStart, upArc) = csr(up)
        (downStart, downArc) = csr(down)
        self.arcs = arcs
        self.rank = rank
        originalCount = originals
    }

    /// Least cost between seeded sources and targets: forward from `sources` (node, cost)
    /// and backward from `targets` (node, cost to the end point). Returns the cost and the
    /// graph arcs of the path (in order), or nil when they do not connect.
    func query(sources: [(Int, Double)], targets: [(Int, Double)]) -> (cost: Double, arcs: [Int], first: Int, last: Int)? {
        let n = rank.count
        var forward = scratch.take(n), backward = scratch.take(n)
        defer {
            forward.reset()
            backward.reset()
            scratch.give(forward)
            scratch.give(backward)
        }
        for (node, cost) in sources { forward.relax(node, cost, arc: -1) }
        for (node, cost) in targets { backward.relax(node, cost, arc: -1) }
        var best = Double.infinity, meeting = -1
        while true {
            let f = forward.heap.peekPriority ?? .infinity, b = backward.heap.peekPriority ?? .infinity
            if min(f, b) >= best { break }
            let isForward = f <= b
            if isForward {
                guard let (cost, node) = forward.heap.pop() else { break }
                if cost > forward.best[node] { continue }
                if backward.best[node] < .infinity, cost + backward.best[node] < best { best = cost + backward.best[node]; meeting = node }
                for k in Int(upStart[node])..<Int(upStart[node + 1]) {
                    let a = arcs[Int(upArc[k])]
                    forward.relax(Int(a.to), cost + a.cost, arc: upArc[k])
                }
            } else {
                guard let (cost, node) = backward.heap.pop() else { break }
                if cost > backward.best[node] { continue }
                if forward.best[node] < .infinity, cost + forward.best[node] < best { best = cost + forward.best[node]; meeting = node }
                for k in Int(downStart[node])..<Int(downStart[node + 1]) {
                    let a = arcs[Int(downArc[k])]
                    backward.relax(Int(a.from), cost + a.cost, arc: downArc[k])
                }
            }
        }
        guard meeting >= 0 else { return nil }
        var path: [Int32] = []
        var node = meeting
        while forward.via[node] >= 0 { let arc = forward.via[node]; path.append(arc); node = Int(arcs[Int(arc)].from) }
        let first = node
        path.reverse()
        node = meeting
        while backward.via[node] >= 0 { let arc = backward.via[node]; path.append(arc); node = Int(arcs[Int(arc)].to) }
        var originals: [Int] = []
        for arc in path { unpack(arc, into: &originals) }
        return (best, originals, first, node)
    }

    private func unpack(_ arc: Int32, into out: inout [Int]) {
        let a = arcs[Int(arc)]
        if a.original >= 0 { out.append(Int(a.original)); return }
        unpack(a.first, into: &out)
        unpack(a.second, into: &out)
    }

    /// One direction of a query, over arrays the size of the network that are cleared
    /// only where the search wrote.
    struct Search {
        var best: [Double]
        var via: [Int32]
        var touched: [Int32] = []
        var heap = NodeHeap()

        init(nodes: Int) {
            best = [Double](repeating: .infinity, count: nodes)
            via = [Int32](repeating: -1, count: nodes)
        }

        mutating func relax(_ node: Int, _ cost: Double, arc: Int32) {
            if cost < best[node] {
                if best[node] == .infinity { touched.append(Int32(node)) }
                best[node] = cost
                via[node] = arc
                heap.push(cost, node)
            }
        }

        mutating func reset() {
            for node in touched { best[Int(node)] = .infinity; via[Int(node)] = -1 }
            touched.removeAll(keepingCapacity: true)
            heap = NodeHeap()
        }
    }
}

/// Query searches kept for reuse, shared by concurrent queries.
final class ScratchPool: Sendable {
    private let free = Mutex<[ContractionHierarchy.Search]>([])

    func take(_ nodes: Int) -> ContractionHierarchy.Search {
        free.withLock { $0.popLast() } ?? ContractionHierarchy.Search(nodes: nodes)
    }

    func give(_ search: ContractionHierarchy.Search) {
        free.withLock { if $0.count < 8 { $0.append(search) } }
    }
}

/// Local Dijkstra for witnesses during contraction, with reusable arrays.
struct WitnessSearch {
    private var cost: [Double]
    private var touched: [Int] = []
    private var heap = NodeHeap()

    init(nodes: Int) { cost = [Double](repeating: .infinity, count: nodes) }

    func cost(_ node: Int) -> Double { cost[node] }

    /// Least costs from `source` without passing `skipped` or contracted nodes, up to `limit`
    /// (and at most a few hundred settled nodes: a missed witness only adds a shortcut).
    mutating func run(from source: Int, skipping skipped: Int, limit: Double, arcs: [ContractionHierarchy.Arc], outs: [[Int32]], contracted: [Bool]) {
        for t in touched { cost[t] = .infinity }
        touched.removeAll(keepingCapacity: true)
        cost[source] = 0
        touched.append(source)
        heap = NodeHeap()
        heap.push(0, source)
        var settled = 0
        while let (c, node) = heap.pop() {
            if c > cost[node] { continue }
            if c > limit || settled > 400 { break }
            settled += 1
            for o in outs[node] {
                let a = arcs[Int(o)]
                let w = Int(a.to)
                if w == skipped || contracted[w] { continue }
                let next = c + a.cost
                if next < cost[w] {
                    if cost[w] == .infinity { touched.append(w) }
                    cost[w] = next
                    heap.push(next, w)
                }
            }
        }
    }
}

extension NodeHeap {
    var peekPriority: Double? { first?.0 }
}
