import Foundation
import OneMapGeometry

extension GeodesicObserver {
    /// A sphere's radius small enough that its great-circle distance between two geodetic
    /// lon/lat positions never exceeds their geodesic distance on WGS84. Over 3 million
    /// random pairs, short and antipodal, the least ratio geodesic/(6371008.8 m × angle)
    /// was 0.9944 (north–south at the equator, where the meridian radius is least); 0.99
    /// leaves margin. A tighter bound would prune a little more, never change an answer.
    static let lowerBoundRadius = 6_371_008.8 * 0.99

    /// A lower bound in metres on the geodesic distance from the origin to any point of
    /// the lon/lat box; zero when the origin is inside.
    ///
    /// Works on the haversine identity hav θ = hav Δφ + cos φ₁ cos φ₂ hav Δλ with the
    /// least Δφ and Δλ the box allows and the least cos φ₂ over its latitudes. Polynomial
    /// lower bounds stand in for sine and cosine, so a node test is a dozen flops.
    func lowerBound(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Double {
        let lat = origin.lat, lon = origin.lon
        var latGap = 0.0
        if lat < minY { latGap = minY - lat } else if lat > maxY { latGap = lat - maxY }
        var lonGap = 0.0
        if lon < minX || lon > maxX {
            var east = minX - lon
            if east < 0 { east += 360 }
            var west = lon - maxX
            if west < 0 { west += 360 }
            lonGap = min(east, west)
        }
        if latGap == 0 && lonGap == 0 { return 0 }
        let farthestLat = max(abs(minY), abs(maxY)) * WGS84.degrees
        let cosFar = max(0, Self.cosineLowerBound(farthestLat))
        let sLat = Self.halfSineLowerBound(latGap * WGS84.degrees)
        let sLon = Self.halfSineLowerBound(lonGap * WGS84.degrees)
        let haversine = sLat * sLat + cosLat * cosFar * sLon * sLon
        // θ = 2 asin √hav ≥ 2 √hav.
        return 2 * Self.lowerBoundRadius * haversine.squareRoot()
    }

    /// Lower bound of sin(x/2) for x in [0, π]: sin y ≥ y − y³/6.
    static func halfSineLowerBound(_ x: Double) -> Double {
        let y = x / 2
        return y * (1 - y * y / 6)
    }

    /// Lower bound of cos x for every x: the Taylor series cut after a negative term.
    static func cosineLowerBound(_ x: Double) -> Double {
        let x2 = x * x
        return 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30))
    }
}
