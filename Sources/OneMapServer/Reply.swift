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
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An HTML page with the headers every page carries: scripts only from this service
    /// (`script-src 'self'`, so injected markup cannot run script), no framing by others,
    /// and no content sniffing.
    static func html(_ bytes: some Collection<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        var response = Self.bytes(bytes, contentType: "text/html; charset=utf-8", status: status)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
        return response
    }

    /// A GeoJSON FeatureCollection with extra top-level members (counts, links).
    static func features(_ features: [Feature], members: [JSONMember] = [], status: HTTPResponse.Status = .ok) -> Response {
        Self.features(count: features.count, members: members, status: status) { GeoJSONWriter.write(features[$0], into: &$1) }
    }

    /// A FeatureCollection of `count` features, each written by `write` straight into the
    /// answer's bytes (no features built first), with extra top-level members.
    static func features(count: Int, members: [JSONMember] = [], status: HTTPResponse.Status = .ok, estimate: Int = 1024,
                         write: (Int, inout [UInt8]) -> Void) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512 + estimate * count)
        bytes.append(contentsOf: #"{"type":"FeatureCollection""#.utf8)
        for member in members {
            bytes.append(UInt8(ascii: ","))
            JSONWriter.writeKey(member.key, into: &bytes)
            JSONWriter.write(member.value, into: &bytes)
        }
        bytes.append(contentsOf: #","features":["#.utf8)
        for i in 0..<count {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            write(i, &bytes)
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
