import Foundation
import OneMapGeometry

/// The WGS84 ellipsoid's constants, as the geodesy here uses them.
enum WGS84 {
    static let a = 6_378_137.0
    static let f = 1 / 298.257_223_563
    static let e2 = f * (2 - f)
    static let degrees = Double.pi / 180
}

/// A point on the WGS84 ellipsoid as Earth-centred Cartesian coordinates (ECEF, metres).
///
/// Stored beside every indexed point so a query measures a candidate with a few
/// multiplications and one square root instead of a trigonometric geodesic solution.
public struct EarthPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(_ c: Coordinate) {
        let phi = c.lat * WGS84.degrees, lambda = c.lon * WGS84.degrees
        let sinPhi = sin(phi), cosPhi = cos(phi)
        let n = WGS84.a / (1 - WGS84.e2 * sinPhi * sinPhi).squareRoot()
        x = n * cosPhi * cos(lambda)
        y = n * cosPhi * sin(lambda)
        z = n * (1 - WGS84.e2) * sinPhi
    }
}

extension EarthPoint {
    /// Straight-line distance through the Earth in metres: never more than the geodesic
    /// distance, so a cheap test that a point is out of reach.
    public func chordDistance(to other: EarthPoint) -> Double {
        let dx = x - other.x, dy = y - other.y, dz = z - other.z
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }
}

extension GeodesicObserver {
    /// The origin's ECEF form.
    public var earthPoint: EarthPoint { point }
}
