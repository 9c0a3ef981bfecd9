import Foundation

/// An equirectangular east/north frame in metres around a centre: for buffers and
/// areas over a city, where its scale error (under 0.1% across 20 km) does not matter.
public struct LocalFrame: Sendable {
    public let centre: Coordinate
    let metresPerDegreeX: Double
    static let metresPerDegree = 111_319.49

    public init(centre: Coordinate) {
        self.centre = centre
        metresPerDegreeX = Self.metresPerDegree * cos(centre.y * .pi / 180)
    }

    public func toMetres(_ c: Coordinate) -> Coordinate {
        Coordinate((c.x - centre.x) * metresPerDegreeX, (c.y - centre.y) * Self.metresPerDegree)
    }

    public func toDegrees(_ c: Coordinate) -> Coordinate {
        Coordinate(centre.x + c.x / metresPerDegreeX, centre.y + c.y / Self.metresPerDegree)
    }
}
