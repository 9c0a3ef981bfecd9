import Foundation
import OneMapGeometry

public enum ShapeGap {
    /// The least geodesic distance between two shapes that do not meet: it lies at a
    /// vertex of one of them, measured exactly to the other. Vertices of `b` outside
    /// `near` are skipped (pass the box within which a distance matters, or nil).
    public static func between(_ a: Geometry, _ b: Geometry, near: BoundingBox? = nil) -> Double {
        var best = Double.infinity
        a.forEachCoordinate { best = min(best, GeodesicObserver($0).measure(b).distance) }
        b.forEachCoordinate { c in
            if near?.contains(c) ?? true { best = min(best, GeodesicObserver(c).measure(a).distance) }
        }
        return best
    }
}

extension BoundingBox {
    /// This lon/lat box grown by at least `metres` on every side (a degree of latitude is
    /// never under 110.5 km; a degree of longitude is that times the cosine of the box's
    /// highest latitude).
    public func widened(byMetres metres: Double) -> BoundingBox {
        let dLat = metres / 110_000
        let highest = min(89.9, max(abs(minY), abs(maxY)) + dLat)
        let dLon = metres / (110_000 * cos(highest * .pi / 180))
        return BoundingBox(minX: Swift.max(-180, minX - dLon), minY: Swift.max(-90, minY - dLat),
                           maxX: Swift.min(180, maxX + dLon), maxY: Swift.min(90, maxY + dLat))
    }
}
