import Foundation
import OneMapGeometry
import OneMapIndex

/// Where a point meets the network: the nearest point of the nearest piece (a projection
/// onto the segment, not the nearest vertex).
public struct Snap: Sendable, Equatable {
    public var piece: Int
    /// Metres along the piece's shape from its first node.
    public var along: Double
    /// The point on the road.
    public var point: Coordinate
    /// Geodesic metres from the given point to the road.
    public var distance: Double
    /// Index of the shape segment the point lies on.
    var segment: Int
}

extension RoadGraph {
    /// The nearest point of the network to `c`.
    public func snap(_ c: Coordinate) throws -> Snap {
        guard let hit = try pieceIndex.nearest(.roads, to: c, k: 1).first, let piece = Int(hit.record.id) else {
            throw RoutingError.noRoads(profile.name)
        }
        let shape = pieceShapes[piece]
        // Project in a local east/north frame in metres around `c`: exact enough over a
        // segment (tens to hundreds of metres); the distance is then measured geodesically.
        let frame = LocalFrame(centre: c)
        var best = (segment: 0, t: 0.0, squared: Double.infinity)
        for i in 1..<shape.count {
            let p = frame.toMetres(shape[i - 1]), q = frame.toMetres(shape[i])
            let dx = q.x - p.x, dy = q.y - p.y
            let lengthSquared = dx * dx + dy * dy
            let t = lengthSquared > 0 ? min(1, max(0, -(p.x * dx + p.y * dy) / lengthSquared)) : 0
            let px = p.x + t * dx, py = p.y + t * dy
            let squared = px * px + py * py
            if squared < best.squared { best = (i - 1, t, squared) }
        }
        let a = shape[best.segment], b = shape[best.segment + 1]
        let point = best.t <= 0 ? a : best.t >= 1 ? b : Coordinate(a.x + best.t * (b.x - a.x), a.y + best.t * (b.y - a.y))
        var along = 0.0
        for j in 0..<best.segment { along += Geodesic.wgs84.distance(shape[j], shape[j + 1]) }
        along += Geodesic.wgs84.distance(a, point)
        return Snap(piece: piece, along: min(along, pieceLength[piece]), point: point,
                    distance: Geodesic.wgs84.distance(c, point), segment: best.segment)
    }
}

extension RoadGraph {
    /// Where `c` meets the network, refused when it lies farther from it than the
    /// profile's access limit. `role` names the point in the refusal (`from`, `to`, `the point`).
    public func reach(_ c: Coordinate, _ role: String) throws -> Snap {
        let snap = try snap(c)
        guard reaches(snap) else {
            throw RoutingError.tooFarFromRoads(role: role, point: c, metres: snap.distance, limit: profile.access.maxDistance, profile: profile.name)
        }
        return snap
    }

    /// Whether a snapped point lies within the access limit (beyond it, it is not reached).
    public func reaches(_ snap: Snap) -> Bool { snap.distance <= profile.access.maxDistance }

    /// The cost of the leg between a point and its snap (seconds or metres).
    public func accessCost(_ snap: Snap, _ metric: RouteMetric = .time) -> Double {
        profile.access.cost(snap.distance, metric)
    }
}

/// Why a route could not be found.
public enum RoutingError: Error, Equatable, CustomStringConvertible {
    case noRoads(String)
    /// The walk from a point to the roads alone takes longer than the time asked for.
    case legLongerThanLimit(metres: Double, seconds: Double, limit: Double)
    /// A point farther from the roads than the access limit.
    case tooFarFromRoads(role: String, point: Coordinate, metres: Double, limit: Double, profile: String)
    case noRoute(from: Coordinate, to: Coordinate, reason: String)
    case badBarrier(String)

    public var description: String {
        switch self {
        case .noRoads(let profile): "the data has no roads the \(profile) profile may use"
        case .legLongerThanLimit(let metres, let seconds, let limit):
            String(format: "the point lies %.0f m from the nearest road: reaching it off-road takes %.1f min, more than the %.1f min asked for, so no road is reached",
                   metres, seconds / 60, limit / 60)
        case .tooFarFromRoads(let role, let c, let metres, let limit, let profile):
            String(format: "%@ (%.6f,%.6f) lies %.0f m from the nearest road the %@ profile may use; the limit is %.0f m (road_access_max_distance_m in config/planning.json)",
                   role, c.x, c.y, metres, profile, limit)
        case .noRoute(let a, let b, let reason):
            String(format: "no route from %.6f,%.6f to %.6f,%.6f: %@", a.x, a.y, b.x, b.y, reason)
        case .badBarrier(let reason): "cannot use the area to avoid: \(reason)"
        }
    }
}
