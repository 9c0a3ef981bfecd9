import Foundation
import OneMapGeometry

/// Danger zones and other areas to avoid: a polygon from a GeoJSON file or object, or a
/// circle (a geodesic radius around a point).
public enum DangerZone {
    /// A polygon of 72 vertices each `radius` metres (geodesic) from `centre`.
    public static func circle(centre: Coordinate, radius: Double) -> Geometry {
        var ring = (0..<72).map { Geodesic.wgs84.destination(from: centre, bearing: Double($0) * 5, distance: radius) }
        ring.append(ring[0])
        return .polygon([ring])
    }

    /// The union of the polygons in a GeoJSON value (a geometry, a Feature or a FeatureCollection).
    public static func polygons(in value: JSONValue) throws -> Geometry {
        var parts: [[Ring]] = []
        func take(_ geometry: Geometry) throws {
            switch geometry {
            case .polygon(let rings): parts.append(rings)
            case .multiPolygon(let polygons): parts += polygons
            default: throw GeometryError.invalidStructure(reason: "an area to avoid must be a Polygon or MultiPolygon, not a \(geometry.typeName)")
            }
        }
        switch value["type"]?.stringValue {
        case "FeatureCollection":
            for feature in value["features"]?.arrayValue ?? [] { if let g = feature["geometry"] { try take(try GeoJSONGeometry.decode(g).0) } }
        case "Feature":
            guard let g = value["geometry"] else { throw GeometryError.invalidStructure(reason: "the Feature has no geometry") }
            try take(try GeoJSONGeometry.decode(g).0)
        default:
            try take(try GeoJSONGeometry.decode(value).0)
        }
        guard !parts.isEmpty else { throw GeometryError.invalidStructure(reason: "no polygon to avoid") }
        let context = GEOSContext()
        let geometry: Geometry = parts.count == 1 ? .polygon(parts[0]) : .multiPolygon(parts)
        guard try context.isValid(geometry) else {
            throw GeometryError.invalidStructure(reason: "the area is not a valid polygon: \(try context.validityReason(geometry))")
        }
        return geometry
    }

    /// The polygons in a GeoJSON file; errors name the file.
    public static func read(path: String) throws -> Geometry {
        let value = try readJSON(path: path)
        do {
            return try polygons(in: value)
        } catch {
            throw AreaFileError(path: path, reason: "\(error)")
        }
    }
}

extension DangerZone {
    /// The zones in a GeoJSON file, innermost first: each feature of a FeatureCollection is
    /// one zone; any other polygon value is one zone. Errors name the file.
    public static func readZones(path: String) throws -> [Geometry] {
        let value = try readJSON(path: path)
        do {
            if value["type"]?.stringValue == "FeatureCollection" {
                let features = value["features"]?.arrayValue ?? []
                guard !features.isEmpty else { throw GeometryError.invalidStructure(reason: "the FeatureCollection is empty") }
                return try features.map { try polygons(in: $0) }
            }
            return [try polygons(in: value)]
        } catch {
            throw AreaFileError(path: path, reason: "\(error)")
        }
    }

    /// The one geometry in a GeoJSON file (a geometry, or a Feature's). Errors name the file.
    public static func readGeometry(path: String) throws -> Geometry {
        let value = try readJSON(path: path)
        do {
            let geometry = value["type"]?.stringValue == "Feature" ? value["geometry"] ?? .null : value
            return try GeoJSONGeometry.decode(geometry).0
        } catch {
            throw AreaFileError(path: path, reason: "\(error)")
        }
    }

    static func readJSON(path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError.cannotOpen(path: path, reason: "no such file") }
        do {
            return try JSONParser(ByteStream(bytes: [UInt8](data))).parseValue()
        } catch {
            throw AreaFileError(path: path, reason: "\(error)")
        }
    }
}

/// An area file (a danger zone, polygons to avoid) that could not be used, naming it.
public struct AreaFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
