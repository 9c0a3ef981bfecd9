import Foundation
import OneMapGeometry

/// A flat metric frame around a centre (equirectangular), for laying features out in
/// metres. Good to a fraction of a percent over a district or city; measurements that
/// matter use geodesics, never this frame.
struct LocalFrame {
    let origin: Coordinate
    let metresPerDegreeX: Double
    let metresPerDegreeY: Double

    init(origin: Coordinate) {
        self.origin = origin
        metresPerDegreeY = 110_574
        metresPerDegreeX = 111_320 * cos(origin.lat * .pi / 180)
    }

    /// Metres east and north of the origin → lon/lat.
    func lonLat(_ x: Double, _ y: Double) -> Coordinate {
        Coordinate(origin.lon + x / metresPerDegreeX, origin.lat + y / metresPerDegreeY)
    }

    /// lon/lat → metres east and north of the origin.
    func metres(_ c: Coordinate) -> (x: Double, y: Double) {
        ((c.lon - origin.lon) * metresPerDegreeX, (c.lat - origin.lat) * metresPerDegreeY)
    }
}
