/// Converts between ``Geometry`` and GeoJSON geometry objects (RFC 7946 §3.1).
public enum GeoJSONGeometry {
    /// Options for reading geometries that a strict reader would refuse.
    public struct Leniency: Sendable {
        /// Close polygon rings whose last position differs from the first, instead of
        /// refusing them (the importer's `--fix`).
        public var closeRings: Bool
        public init(closeRings: Bool = false) { self.closeRings = closeRings }
        public static let strict = Leniency()
    }

    /// Reads a GeoJSON geometry object.
    /// - Returns: the geometry, and how many polygon rings had to be closed (always 0 when strict).
    public static func decode(_ value: JSONValue, leniency: Leniency = .strict) throws -> (Geometry, closedRings: Int) {
        var closed = 0
        let g = try decode(value, leniency, &closed, depth: 0)
        return (g, closed)
    }

    private static func decode(_ value: JSONValue, _ leniency: Leniency, _ closed: inout Int, depth: Int) throws -> Geometry {
        guard case .object = value else { throw GeometryError.invalidStructure(reason: "a geometry must be an object, got \(value.kindName)") }
        guard let type = value["type"]?.stringValue else { throw GeometryError.invalidStructure(reason: "a geometry needs a \"type\" string") }
        if type == "GeometryCollection" {
            guard depth < 16 else { throw GeometryError.invalidStructure(reason: "GeometryCollections nested too deep") }
            guard let parts = value["geometries"]?.arrayValue else {
                throw GeometryError.invalidStructure(reason: "a GeometryCollection needs a \"geometries\" array")
            }
            return .geometryCollection(try parts.map { try decode($0, leniency, &closed, depth: depth + 1) })
        }
        guard let coordinates = value["coordinates"] else {
            throw GeometryError.invalidStructure(reason: "a \(type) needs \"coordinates\"")
        }
        switch type {
        case "Point": return .point(try position(coordinates))
        case "MultiPoint": return .multiPoint(try array(coordinates, "MultiPoint").map(position))
        case "LineString": return .lineString(try line(coordinates, "LineString"))
        case "MultiLineString":
            return .multiLineString(try array(coordinates, "MultiLineString").enumerated().map { try line($1, "line \($0) of the MultiLineString") })
        case "Polygon": return .polygon(try polygon(coordinates, "Polygon", leniency, &closed))
        case "MultiPolygon":
            return .multiPolygon(try array(coordinates, "MultiPolygon").enumerated().map { try polygon($1, "polygon \($0) of the MultiPolygon", leniency, &closed) })
        default:
            throw GeometryError.invalidStructure(reason: "unknown geometry type \"\(type)\"")
        }
    }

    private static func array(_ v: JSONValue, _ what: String) throws -> [JSONValue] {
        guard let a = v.arrayValue else { throw GeometryError.invalidStructure(reason: "the coordinates of a \(what) must be an array, got \(v.kindName)") }
        return a
    }

    private static func position(_ v: JSONValue) throws -> Coordinate {
        guard let a = v.arrayValue, a.count >= 2, let x = a[0].numberValue, let y = a[1].numberValue else {
            throw GeometryError.invalidStructure(reason: "a position must be an array of two or three numbers, got \(JSONWriter.string(v).prefix(60))")
        }
        return Coordinate(x, y)
    }

    private static func line(_ v: JSONValue, _ what: String) throws -> [Coordinate] {
        let cs = try array(v, what).map(position)
        guard cs.count >= 2 else { throw GeometryError.invalidStructure(reason: "a \(what) needs at least 2 positions, got \(cs.count)") }
        return cs
    }

    private static func polygon(_ v: JSONValue, _ what: String, _ leniency: Leniency, _ closed: inout Int) throws -> [Ring] {
        let rings = try array(v, what)
        guard !rings.isEmpty else { throw GeometryError.invalidStructure(reason: "a \(what) needs at least one ring") }
        return try rings.enumerated().map { index, ringValue in
            var ring = try array(ringValue, what).map(position)
            if let first = ring.first, let last = ring.last, first != last {
                guard leniency.closeRings else {
                    throw GeometryError.invalidStructure(
                        reason: "ring \(index) of the \(what) is not closed: it starts at \(first) and ends at \(last) (--fix closes it)")
                }
                ring.append(first)
                closed += 1
            }
            // Under --fix a degenerate ring passes here; the import drops it (FeaturePipeline).
            guard ring.count >= 4 || leniency.closeRings else {
                throw GeometryError.invalidStructure(reason: "ring \(index) of the \(what) has \(ring.count) positions; a closed ring needs at least 4 (--fix drops it)")
            }
            return ring
        }
    }

    /// Writes a geometry as a GeoJSON geometry object.
    public static func encode(_ geometry: Geometry) -> JSONValue {
        func pos(_ c: Coordinate) -> JSONValue { .array([.number(c.x), .number(c.y)]) }
        func line(_ cs: [Coordinate]) -> JSONValue { .array(cs.map(pos)) }
        func poly(_ rings: [Ring]) -> JSONValue { .array(rings.map(line)) }
        let coordinates: JSONValue
        switch geometry {
        case .point(let c): coordinates = pos(c)
        case .lineString(let cs), .multiPoint(let cs): coordinates = line(cs)
        case .polygon(let rings), .multiLineString(let rings): coordinates = poly(rings)
        case .multiPolygon(let ps): coordinates = .array(ps.map(poly))
        case .geometryCollection(let parts):
            return .object([JSONMember("type", .string("GeometryCollection")), JSONMember("geometries", .array(parts.map(encode)))])
        }
        return .object([JSONMember("type", .string(geometry.typeName)), JSONMember("coordinates", coordinates)])
    }
}
