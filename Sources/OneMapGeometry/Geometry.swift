/// A linear ring: a closed sequence of coordinates whose first and last are equal.
public typealias Ring = [Coordinate]

/// A simple-features geometry in two dimensions (the OGC types GeoJSON and GeoPackage share).
///
/// Polygons hold their exterior ring first, then holes. Coordinates are in whatever CRS
/// the caller is working in; everything OneMap stores is WGS84 lon/lat.
public enum Geometry: Hashable, Sendable {
    case point(Coordinate)
    case lineString([Coordinate])
    case polygon([Ring])
    case multiPoint([Coordinate])
    case multiLineString([[Coordinate]])
    case multiPolygon([[Ring]])
    case geometryCollection([Geometry])

    /// The OGC type name, as GeoJSON, WKT and `gpkg_geometry_columns` spell it (upper case there).
    public var typeName: String {
        switch self {
        case .point: "Point"
        case .lineString: "LineString"
        case .polygon: "Polygon"
        case .multiPoint: "MultiPoint"
        case .multiLineString: "MultiLineString"
        case .multiPolygon: "MultiPolygon"
        case .geometryCollection: "GeometryCollection"
        }
    }

    /// True when the geometry holds no coordinate at all.
    public var isEmpty: Bool {
        var empty = true
        forEachCoordinate { _ in empty = false }
        return empty
    }

    /// How many coordinates the geometry holds (rings count their closing point).
    public var vertexCount: Int {
        var n = 0
        forEachCoordinate { _ in n += 1 }
        return n
    }

    /// Calls `body` with every coordinate, in storage order.
    public func forEachCoordinate(_ body: (Coordinate) -> Void) {
        switch self {
        case .point(let c): body(c)
        case .lineString(let cs), .multiPoint(let cs): cs.forEach(body)
        case .polygon(let rings), .multiLineString(let rings): rings.forEach { $0.forEach(body) }
        case .multiPolygon(let polygons): polygons.forEach { $0.forEach { $0.forEach(body) } }
        case .geometryCollection(let parts): parts.forEach { $0.forEachCoordinate(body) }
        }
    }

    /// A copy with every coordinate passed through `transform`; the first error stops it.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        switch self {
        case .point(let c): return .point(try transform(c))
        case .lineString(let cs): return .lineString(try cs.map(transform))
        case .multiPoint(let cs): return .multiPoint(try cs.map(transform))
        case .polygon(let rings): return .polygon(try rings.map { try $0.map(transform) })
        case .multiLineString(let lines): return .multiLineString(try lines.map { try $0.map(transform) })
        case .multiPolygon(let polygons):
            return .multiPolygon(try polygons.map { try $0.map { try $0.map(transform) } })
        case .geometryCollection(let parts): return .geometryCollection(try parts.map { try $0.mapCoordinates(transform) })
        }
    }

    /// The smallest box holding every coordinate, or nil for an empty geometry.
    public var boundingBox: BoundingBox? {
        var box = BoundingBox.empty
        forEachCoordinate { box.extend($0) }
        return box.isEmpty ? nil : box
    }
}
