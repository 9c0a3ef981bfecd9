/// A position in two dimensions: x = longitude (or easting), y = latitude (or northing).
///
/// OneMap stores every geometry in WGS84 (EPSG:4326) with x = longitude and y = latitude
/// in degrees, the order GeoJSON (RFC 7946) uses. Projected inputs carry metres until a
/// ``CoordinateTransform`` brings them to WGS84.
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    /// Longitude in degrees, when the coordinate is in WGS84.
    public var lon: Double { x }
    /// Latitude in degrees, when the coordinate is in WGS84.
    public var lat: Double { y }

    public var isFinite: Bool { x.isFinite && y.isFinite }

    public var description: String { "(\(x), \(y))" }
}
