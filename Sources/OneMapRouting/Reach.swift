import OneMapWork
import Foundation
import OneMapGeometry

extension RoadGraph {
    /// Least cost (seconds or metres) from any of `sources` to every node, by Dijkstra,
    /// stopping beyond `limit`. Pieces in `blocked` are never used. Pieces in `escaping`
    /// (the roads inside a danger zone) may be used only on the way out: a search that
    /// starts inside may drive out through them, but nothing re-enters.
    public func costs(from sources: [Snap], by metric: RouteMetric = .time, blocked: Set<Int32> = [],
                      escaping: Set<Int32> = [], limit: Double = .infinity) -> [Double] {
        let n = nodes.count
        // State 0: still inside the danger zone (escaping pieces allowed); 1: out of it.
        var best = [Double](repeating: .infinity, count: 2 * n)
        var heap = NodeHeap()
        func cost(_ piece: Int, _ metres: Double) -> Double { metric == .time ? metres / pieceSpeed[piece] : metres }
        func relax(_ state: Int, _ node: Int, _ c: Double) {
            guard c <= limit, c < best[state * n + node] else { return }
            best[state * n + node] = c
            heap.push(c, state * n + node)
        }
        for snap in sources {
            let p = snap.piece
            // A source beyond the access limit does not reach the network; one within it
            // starts with its leg to the road already spent.
            if blocked.contains(Int32(p)) || !reaches(snap) { continue }
            let state = escaping.contains(Int32(p)) ? 0 : 1
            let length = pieceLength[p], leg = accessCost(snap, metric)
            if pieceDirection[p] >= 0 || snap.along >= length { relax(state, Int(pieceTo[p]), leg + cost(p, length - snap.along)) }
            if pieceDirection[p] <= 0 || snap.along <= 0 { relax(state, Int(pieceFrom[p]), leg + cost(p, snap.along)) }
        }
        // A search for a request over its budget stops (its answer is thrown away).
        let budget = WorkBudget.current
        var pops = 0
        while let (c, key) = heap.pop() {
            pops &+= 1
            if pops & 4095 == 0, budget?.isExhausted == true { break }
            if c > best[key] { continue }
            let state = key / n, node = key % n
            for arc in Int(firstArc[node])..<Int(firstArc[node + 1]) {
                let piece = Int32(arcPiece[arc])
                if blocked.contains(piece) { continue }
                let inside = escaping.contains(piece)
                if inside && state == 1 { continue }
                relax(inside ? 0 : 1, Int(arcTarget[arc]), c + cost(Int(piece), pieceLength[Int(piece)]))
            }
        }
        return (0..<n).map { min(best[$0], best[n + $0]) }
    }

    /// The cost of arriving at a snapped point, given the costs to every node.
    public func cost(to snap: Snap, nodeCosts: [Double], by metric: RouteMetric = .time, blocked: Set<Int32> = []) -> Double {
        let p = snap.piece
        if blocked.contains(Int32(p)) || !reaches(snap) { return .infinity }
        let length = pieceLength[p], leg = accessCost(snap, metric)
        func cost(_ metres: Double) -> Double { leg + (metric == .time ? metres / pieceSpeed[p] : metres) }
        var best = Double.infinity
        if pieceDirection[p] >= 0 || snap.along <= 0 { best = min(best, nodeCosts[Int(pieceFrom[p])] + cost(snap.along)) }
        if pieceDirection[p] <= 0 || snap.along >= length { best = min(best, nodeCosts[Int(pieceTo[p])] + cost(length - snap.along)) }
        return best
    }
}
