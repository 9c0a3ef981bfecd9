import Foundation
import OneMapWork

extension RoadGraph {
    /// The cost from every node to `target` (seconds or metres, its leg off the road
    /// included): one Dijkstra over the arcs reversed, so a search answers "how long from
    /// each of many places to here" (fire stations to an incident) with one-way streets
    /// taken the right way round. A target beyond the access limit is reached from nowhere.
    public func costs(to target: Snap, by metric: RouteMetric = .time, limit: Double = .infinity) -> [Double] {
        let n = nodes.count
        var best = [Double](repeating: .infinity, count: n)
        guard reaches(target) else { return best }
        // Incoming arcs by node, in compressed rows: (from node, piece).
        var firstIn = [Int32](repeating: 0, count: n + 1)
        for arc in arcTarget.indices { firstIn[Int(arcTarget[arc]) + 1] += 1 }
        for i in 0..<n { firstIn[i + 1] += firstIn[i] }
        var fill = firstIn
        var inFrom = [Int32](repeating: 0, count: arcTarget.count), inPiece = [Int32](repeating: 0, count: arcTarget.count)
        for u in 0..<n {
            for arc in Int(firstArc[u])..<Int(firstArc[u + 1]) {
                let v = Int(arcTarget[arc]), slot = Int(fill[v])
                inFrom[slot] = Int32(u)
                inPiece[slot] = arcPiece[arc]
                fill[v] += 1
            }
        }
        func cost(_ piece: Int, _ metres: Double) -> Double { metric == .time ? metres / pieceSpeed[piece] : metres }
        var heap = NodeHeap()
        func relax(_ node: Int, _ c: Double) {
            guard c <= limit, c < best[node] else { return }
            best[node] = c
            heap.push(c, node)
        }
        let t = target.piece, length = pieceLength[t], leg = accessCost(target, metric)
        // From either end of the target's piece along it to the target, where the direction allows.
        if pieceDirection[t] >= 0 || target.along <= 0 { relax(Int(pieceFrom[t]), leg + cost(t, target.along)) }
        if pieceDirection[t] <= 0 || target.along >= length { relax(Int(pieceTo[t]), leg + cost(t, length - target.along)) }
        let budget = WorkBudget.current
        var pops = 0
        while let (c, node) = heap.pop() {
            pops &+= 1
            if pops & 4095 == 0, budget?.isExhausted == true { break }
            if c > best[node] { continue }
            for slot in Int(firstIn[node])..<Int(firstIn[node + 1]) {
                let piece = Int(inPiece[slot])
                relax(Int(inFrom[slot]), c + cost(piece, pieceLength[piece]))
            }
        }
        return best
    }

    /// The cost from `source` to the target of `nodeCostsTo` (from ``costs(to:by:limit:)``):
    /// along the source's piece to either end, then on; its leg to the road included.
    public func cost(from source: Snap, nodeCostsTo: [Double], by metric: RouteMetric = .time) -> Double {
        guard reaches(source) else { return .infinity }
        let p = source.piece, length = pieceLength[p], leg = accessCost(source, metric)
        func cost(_ metres: Double) -> Double { metric == .time ? metres / pieceSpeed[p] : metres }
        var best = Double.infinity
        if pieceDirection[p] >= 0 || source.along >= length { best = min(best, leg + cost(length - source.along) + nodeCostsTo[Int(pieceTo[p])]) }
        if pieceDirection[p] <= 0 || source.along <= 0 { best = min(best, leg + cost(source.along) + nodeCostsTo[Int(pieceFrom[p])]) }
        return best
    }
}
