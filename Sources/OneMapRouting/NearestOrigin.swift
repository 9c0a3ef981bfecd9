import Foundation
import OneMapGeometry

/// Where a search starts: a point snapped to the network, and what it already cost to
/// get there (the walk from a shelter's door to the road, say).
public struct RoadOrigin: Sendable, Equatable {
    public var snap: Snap
    public var offset: Double

    public init(snap: Snap, offset: Double = 0) {
        self.snap = snap
        self.offset = offset
    }
}

/// The least cost from a set of origins to every node, and which origin it comes from:
/// one search answers "how far is the nearest shelter, and which one" for every place.
public struct OriginCosts: Sendable {
    public let metric: RouteMetric
    /// Dense: per node. Sparse (a bounded search from one place): only the nodes reached.
    private let dense: (cost: [Double], origin: [Int32])?
    private let sparse: [Int32: (cost: Double, origin: Int32)]
    /// Origins by the piece they lie on: a target on the same piece may be reached along it
    /// without passing a node.
    let onPiece: [Int: [(origin: Int, along: Double, offset: Double)]]

    init(metric: RouteMetric, dense: (cost: [Double], origin: [Int32])?, sparse: [Int32: (cost: Double, origin: Int32)],
         onPiece: [Int: [(origin: Int, along: Double, offset: Double)]]) {
        self.metric = metric
        self.dense = dense
        self.sparse = sparse
        self.onPiece = onPiece
    }

    /// Least cost to `node` from any origin (infinity where none reaches it within the limit).
    public func cost(_ node: Int) -> Double {
        if let dense { return dense.cost[node] }
        return sparse[Int32(node)]?.cost ?? .infinity
    }

    /// The origin that cost comes from, or -1.
    public func origin(_ node: Int) -> Int {
        if let dense { return Int(dense.origin[node]) }
        return Int(sparse[Int32(node)]?.origin ?? -1)
    }
}

extension RoadGraph {
    /// Multi-origin Dijkstra, labelled by origin, stopping beyond `limit`. `sparse` keeps
    /// only the nodes reached (for many small searches on a large network).
    public func nearestOrigins(_ origins: [RoadOrigin], by metric: RouteMetric = .distance, limit: Double = .infinity,
                               sparse: Bool = false) -> OriginCosts {
        let n = nodes.count
        var best = sparse ? [] : [Double](repeating: .infinity, count: n)
        var label = sparse ? [] : [Int32](repeating: -1, count: n)
        var reached: [Int32: (cost: Double, origin: Int32)] = [:]
        var heap = NodeHeap()
        var onPiece: [Int: [(origin: Int, along: Double, offset: Double)]] = [:]
        func current(_ node: Int) -> Double { sparse ? reached[Int32(node)]?.cost ?? .infinity : best[node] }
        func relax(_ node: Int, _ c: Double, _ o: Int32) {
            guard c <= limit, c < current(node) else { return }
            if sparse { reached[Int32(node)] = (c, o) } else { best[node] = c; label[node] = o }
            heap.push(c, node)
        }
        for (i, o) in origins.enumerated() {
            let p = o.snap.piece
            onPiece[p, default: []].append((i, o.snap.along, o.offset))
            if pieceDirection[p] >= 0 { relax(Int(pieceTo[p]), o.offset + travel(p, pieceLength[p] - o.snap.along, metric), Int32(i)) }
            if pieceDirection[p] <= 0 { relax(Int(pieceFrom[p]), o.offset + travel(p, o.snap.along, metric), Int32(i)) }
        }
        while let (c, node) = heap.pop() {
            if c > current(node) { continue }
            let o = sparse ? reached[Int32(node)]!.origin : label[node]
            for arc in Int(firstArc[node])..<Int(firstArc[node + 1]) {
                let piece = Int(arcPiece[arc])
                relax(Int(arcTarget[arc]), c + travel(piece, pieceLength[piece], metric), o)
            }
        }
        return OriginCosts(metric: metric, dense: sparse ? nil : (best, label), sparse: reached, onPiece: onPiece)
    }

    /// The least cost of arriving at `snap` from the origins, and which origin, or nil
    /// when none reaches it.
    public func arrival(at snap: Snap, from costs: OriginCosts) -> (cost: Double, origin: Int)? {
        let p = snap.piece, metric = costs.metric
        var best = (cost: Double.infinity, origin: -1)
        func consider(_ c: Double, _ o: Int) { if c < best.cost { best = (c, o) } }
        let from = Int(pieceFrom[p]), to = Int(pieceTo[p])
        if pieceDirection[p] >= 0, costs.origin(from) >= 0 { consider(costs.cost(from) + travel(p, snap.along, metric), costs.origin(from)) }
        if pieceDirection[p] <= 0, costs.origin(to) >= 0 { consider(costs.cost(to) + travel(p, pieceLength[p] - snap.along, metric), costs.origin(to)) }
        for o in costs.onPiece[p] ?? [] {
            let ahead = snap.along - o.along
            // Along the piece between the two, where the piece may be travelled that way.
            if (ahead >= 0 && pieceDirection[p] >= 0) || (ahead <= 0 && pieceDirection[p] <= 0) {
                consider(o.offset + travel(p, abs(ahead), metric), o.origin)
            }
        }
        return best.origin >= 0 ? best : nil
    }

    /// The cost of `metres` along `piece`.
    func travel(_ piece: Int, _ metres: Double, _ metric: RouteMetric) -> Double {
        metric == .time ? metres / pieceSpeed[piece] : metres
    }
}
