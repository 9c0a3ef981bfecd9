import Foundation
import OneMapWork
import OneMapGeometry

extension RoadGraph {
    /// The stretches of road reachable within `limit` given the costs to every node: whole
    /// pieces whose far end is in reach, and the reachable part of the others.
    public func reachableShapes(nodeCosts: [Double], limit: Double, by metric: RouteMetric = .time) -> [[Coordinate]] {
        var shapes: [[Coordinate]] = []
        for p in 0..<pieceCount {
            let a = nodeCosts[Int(pieceFrom[p])], b = nodeCosts[Int(pieceTo[p])]
            let perMetre = metric == .time ? 1 / pieceSpeed[p] : 1
            let length = pieceLength[p]
            // How far along the piece each end can get, in metres, where it may travel that way.
            let fromA = pieceDirection[p] >= 0 && a <= limit ? (limit - a) / perMetre : (a <= limit ? 0 : -1)
            let fromB = pieceDirection[p] <= 0 && b <= limit ? (limit - b) / perMetre : (b <= limit ? 0 : -1)
            if fromA >= length || fromB >= length || (fromA >= 0 && fromB >= 0 && fromA + fromB >= length) {
                shapes.append(pieceShapes[p])
                continue
            }
            if fromA > 0 { shapes.append(cut(p, fromStart: true, metres: fromA)) }
            if fromB > 0 { shapes.append(cut(p, fromStart: false, metres: fromB)) }
        }
        return shapes
    }

    /// The first `metres` of a piece from its start (or from its end).
    func cut(_ piece: Int, fromStart: Bool, metres: Double) -> [Coordinate] {
        let shape = fromStart ? pieceShapes[piece] : pieceShapes[piece].reversed()
        var out = [shape[0]]
        var left = metres
        for i in 1..<shape.count {
            let step = Geodesic.wgs84.distance(shape[i - 1], shape[i])
            if step >= left {
                let t = step > 0 ? left / step : 0
                out.append(Coordinate(shape[i - 1].x + t * (shape[i].x - shape[i - 1].x), shape[i - 1].y + t * (shape[i].y - shape[i - 1].y)))
                return out
            }
            out.append(shape[i])
            left -= step
        }
        return out
    }

    /// The area served within `limit`: the reachable roads buffered by `width` metres on
    /// each side and merged (GEOS, in a local east/north frame in metres, so the width
    /// is true in every direction), as a (multi)polygon in lon/lat.
    public func serviceArea(nodeCosts: [Double], limit: Double, by metric: RouteMetric = .time, width: Double = 50) throws -> Geometry? {
        let shapes = reachableShapes(nodeCosts: nodeCosts, limit: limit, by: metric)
        guard !shapes.isEmpty else { return nil }
        var box = BoundingBox.empty
        for shape in shapes { for c in shape { box.extend(c) } }
        let frame = LocalFrame(centre: box.center)
        // Each piece buffered on its own, then one cascaded union (GEOS's unary union,
        // OverlayNG over an STR tree). Buffering the whole MultiLineString at once went
        // through GEOS's older buffer builder, which nodes every offset curve against every
        // other: 10.4 s and 888 MB for a 10-minute walk on Helsinki's 2,616 reached
        // pieces, against 0.38 s and 53 MB this way (BENCHMARKS.md).
        let context = GEOSContext()
        let budget = WorkBudget.current
        var parts: [Geometry] = []
        parts.reserveCapacity(shapes.count)
        for (i, shape) in shapes.enumerated() {
            if i & 1023 == 1023 { try budget?.checkpoint() }
            parts.append(try context.buffer(.lineString(shape.map(frame.toMetres)), distance: width, quadrantSegments: 4))
        }
        let result = try context.union(parts)
        return result.mapCoordinates(frame.toDegrees)
    }

    /// The area reachable from `point` within `seconds`: refused beyond the access limit
    /// (422), and answered "none" with the reason when the walk to the road alone takes
    /// longer than the time given.
    public func serviceArea(from point: Coordinate, seconds limit: Double) throws -> Geometry {
        let start = try reach(point, "the point")
        let leg = accessCost(start)
        guard leg < limit else { throw RoutingError.legLongerThanLimit(metres: start.distance, seconds: leg, limit: limit) }
        let costs = self.costs(from: [start], limit: limit)
        try WorkBudget.checkCurrent()
        guard let area = try serviceArea(nodeCosts: costs, limit: limit) else {
            throw RoutingError.legLongerThanLimit(metres: start.distance, seconds: leg, limit: limit)
        }
        return area
    }
}
