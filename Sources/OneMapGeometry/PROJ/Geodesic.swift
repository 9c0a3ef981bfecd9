import CPROJ

/// Geodesics on the WGS84 ellipsoid (Karney's algorithms, as shipped in PROJ).
/// Distances in metres, azimuths in degrees clockwise from north in [-180, 180].
public struct Geodesic: @unchecked Sendable {
    // geod_geodesic holds only constants after geod_init; reading it from many threads is safe.
    private var g = geod_geodesic()

    /// The WGS84 ellipsoid: a = 6378137 m, f = 1/298.257223563.
    public static let wgs84 = Geodesic(equatorialRadius: 6_378_137, flattening: 1 / 298.257_223_563)

    public init(equatorialRadius: Double, flattening: Double) {
        geod_init(&g, equatorialRadius, flattening)
    }

    /// The shortest path between two lon/lat points.
    public struct Inverse: Sendable, Equatable {
        /// Distance in metres.
        public var distance: Double
        /// Azimuth at the start in degrees clockwise from north.
        public var initialBearing: Double
        /// Azimuth at the end in degrees clockwise from north.
        public var finalBearing: Double
    }

    public func inverse(from a: Coordinate, to b: Coordinate) -> Inverse {
        var s12 = 0.0, azi1 = 0.0, azi2 = 0.0
        var copy = g
        geod_inverse(&copy, a.lat, a.lon, b.lat, b.lon, &s12, &azi1, &azi2)
        return Inverse(distance: s12, initialBearing: azi1, finalBearing: azi2)
    }

    /// Distance in metres between two lon/lat points.
    public func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        inverse(from: a, to: b).distance
    }

    /// The point reached from `start` after `distance` metres along `bearing` degrees.
    public func destination(from start: Coordinate, bearing: Double, distance: Double) -> Coordinate {
        var lat = 0.0, lon = 0.0, azi = 0.0
        var copy = g
        geod_direct(&copy, start.lat, start.lon, bearing, distance, &lat, &lon, &azi)
        return Coordinate(lon, lat)
    }

    /// Area in square metres of a polygon's rings (exterior minus holes) on the ellipsoid;
    /// the sum of the parts for a MultiPolygon, zero for points and lines.
    public func area(of geometry: Geometry) -> Double {
        switch geometry {
        case .polygon(let rings):
            guard let shell = rings.first else { return 0 }
            return rings.dropFirst().reduce(abs(ringArea(shell))) { $0 - abs(ringArea($1)) }
        case .multiPolygon(let polygons): return polygons.reduce(0) { $0 + area(of: .polygon($1)) }
        case .geometryCollection(let parts): return parts.reduce(0) { $0 + area(of: $1) }
        default: return 0
        }
    }

    private func ringArea(_ ring: Ring) -> Double {
        var lats = ring.map(\.lat)
        var lons = ring.map(\.lon)
        var area = 0.0, perimeter = 0.0
        var copy = g
        // geod_polygonarea wants open rings: the closing vertex would count twice.
        let n = ring.count > 1 && ring.first == ring.last ? ring.count - 1 : ring.count
        geod_polygonarea(&copy, &lats, &lons, Int32(n), &area, &perimeter)
        return area
    }
}
