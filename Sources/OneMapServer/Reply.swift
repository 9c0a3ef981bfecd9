import Foundation
import Hummingbird
import OneMap

/// Building responses: JSON, GeoJSON and bytes with their content types.
enum Reply {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        JSONWriter.write(value, into: &bytes)
        return Self.bytes(bytes, contentType: contentType, status: status)
    }

    static func bytes(_ bytes: some Collection<UInt8>, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A GeoJSON FeatureCollection with extra top-level members (counts, links).
    static func features(_ features: [Feature], members: [JSONMember] = [], status: HTTPResponse.Status = .ok) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512 + 1024 * features.count)
        bytes.append(contentsOf: #"{"type":"FeatureCollection""#.utf8)
        for member in members {
            bytes.append(UInt8(ascii: ","))
            JSONWriter.writeString(member.key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            JSONWriter.write(member.value, into: &bytes)
        }
        bytes.append(contentsOf: #","features":["#.utf8)
        for (i, feature) in features.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            GeoJSONWriter.write(feature, into: &bytes)
        }
        bytes.append(contentsOf: "]}".utf8)
        return Self.bytes(bytes, contentType: "application/geo+json", status: status)
    }

    static func feature(_ feature: Feature, members: [JSONMember] = [], status: HTTPResponse.Status = .ok) -> Response {
        guard case .object(let encoded) = GeoJSONWriter.encode(feature) else { return json(.null) }
        return json(.object(encoded + members), status: status, contentType: "application/geo+json")
    }

    static func link(_ href: String, _ rel: String, _ type: String, title: String? = nil) -> JSONValue {
        var members = [JSONMember("href", .string(href)), JSONMember("rel", .string(rel)), JSONMember("type", .string(type))]
        if let title { members.append(JSONMember("title", .string(title))) }
        return .object(members)
    }
}

/// A request's query parameters, read with clear refusals: a parameter that is not a
/// number, out of range or unknown is a 400 naming it.
struct Params {
    private var values: [String: String] = [:]

    init(_ request: Request) {
        for (key, value) in request.uri.queryParameters {
            values[String(key)] = String(value).removingPercentEncoding ?? String(value)
        }
    }

    var names: Set<String> { Set(values.keys) }

    func string(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

    func require(_ name: String) throws -> String {
        guard let value = string(name) else { throw Problem.badParameter(name, "is required") }
        return value
    }

    func double(_ name: String, in range: ClosedRange<Double>? = nil, default fallback: Double? = nil) throws -> Double? {
        guard let text = string(name) else { return fallback }
        guard let value = Double(text), value.isFinite else { throw Problem.badParameter(name, "'\(text)' is not a number") }
        if let range, !range.contains(value) {
            throw Problem.badParameter(name, "\(text) is outside \(Self.format(range.lowerBound))…\(Self.format(range.upperBound))")
        }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws -> Int? {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text) else { throw Problem.badParameter(name, "'\(text)' is not a whole number") }
        guard range.contains(value) else { throw Problem.badParameter(name, "\(value) is outside \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Problem.badParameter(name, "'\(text)' is not true or false")
        }
    }

    /// `lon` and `lat` in WGS84 degrees.
    func point() throws -> Coordinate {
        _ = try require("lon")
        _ = try require("lat")
        return Coordinate(try double("lon", in: -180...180)!, try double("lat", in: -90...90)!)
    }

    /// `bbox=minLon,minLat,maxLon,maxLat`.
    func box(_ name: String = "bbox") throws -> BoundingBox? {
        guard let text = string(name) else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw Problem.badParameter(name, "'\(text)' is not four numbers minLon,minLat,maxLon,maxLat")
        }
        let box = BoundingBox(minX: parts[0]!, minY: parts[1]!, maxX: parts[2]!, maxY: parts[3]!)
        guard (-180...180).contains(box.minX), (-180...180).contains(box.maxX), (-90...90).contains(box.minY), (-90...90).contains(box.maxY) else {
            throw Problem.badParameter(name, "longitudes run from -180 to 180 and latitudes from -90 to 90")
        }
        guard box.minX <= box.maxX, box.minY <= box.maxY else { throw Problem.badParameter(name, "min must not exceed max") }
        return box
    }

    /// Refuses parameters outside `known` (typos would otherwise be silently ignored).
    func refuseUnknown(_ known: Set<String>) throws {
        if let unknown = names.subtracting(known).sorted().first {
            throw Problem.badParameter(unknown, "unknown parameter; this resource takes \(known.sorted().joined(separator: ", "))")
        }
    }

    private static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
