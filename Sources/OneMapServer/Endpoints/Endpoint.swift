import Foundation
import Hummingbird
import OneMap

/// One HTTP endpoint, declared once: its method and path, its parameters with their types,
/// ranges, enums and defaults, its request body, its answer, whether it needs a token, and
/// its handler. Everything else is derived from the list of these (``Routes/endpoints``):
/// router registration (with HEAD and the 405s), the refusal of unknown parameters and
/// body members, the checks of every value, `/api` (OpenAPI 3.0) and the `/metrics` route
/// label. So none of them can drift from another.
struct Endpoint: Sendable {
    var method: HTTPRequest.Method
    /// The OpenAPI path template (`/collections/{layer}/items/{id}`). Hummingbird reads the
    /// same `{name}` captures, so it is also the router path unless `routerPath` says otherwise.
    var path: String
    var summary: String
    var parameters: [ParameterSpec] = []
    /// Where the layer whose columns are also filters (`level=1,2`) is named, if anywhere.
    var columnFilters: ColumnFilters = .none
    var body: BodySpec?
    var response: ResponseSpec
    /// Writes need a bearer token (documented as the `bearer` scheme).
    var secured = false
    /// The router's form of the path where it differs (the catch-all of Leaflet's files).
    var routerPath: String?
    var handler: @Sendable (Call) async throws -> Response

    enum ColumnFilters: Sendable {
        case none
        /// The `{layer}` path parameter.
        case pathLayer
        /// The `layer` query parameter.
        case queryLayer
    }

    var routed: String { routerPath ?? path }

    /// The `operationId`: method and path in one identifier.
    var operationID: String {
        method.rawValue.lowercased() + path.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// Query parameters this endpoint takes, with the columns of `layer` when it filters on them.
    func queryParameter(_ name: String) -> ParameterSpec? {
        parameters.first { $0.name == name && $0.location == .query }
    }
}

/// A query or path parameter: its name, type, range or choices, default, and meaning.
struct ParameterSpec: Sendable {
    enum Location: String, Sendable { case query, path }

    enum Kind: Sendable {
        /// A whole number in a range.
        case integer(ClosedRange<Int>, default: Int?)
        /// A finite number in a range.
        case number(ClosedRange<Double>, default: Double?)
        case boolean(default: Bool?)
        /// Any non-empty text.
        case text
        /// One of the names.
        case choice([String], default: String?)
        /// Comma-separated items, none empty.
        case list
        /// `minLon,minLat,maxLon,maxLat` in WGS84 degrees.
        case box
        /// `lon,lat` in WGS84 degrees.
        case pair
    }

    var name: String
    var kind: Kind
    var required = false
    var location = Location.query
    var description: String

    static func int(_ name: String, _ range: ClosedRange<Int>, default value: Int? = nil, required: Bool = false, _ description: String) -> Self {
        Self(name: name, kind: .integer(range, default: value), required: required, description: description)
    }

    static func number(_ name: String, _ range: ClosedRange<Double>, default value: Double? = nil, required: Bool = false, _ description: String) -> Self {
        Self(name: name, kind: .number(range, default: value), required: required, description: description)
    }

    static func bool(_ name: String, default value: Bool? = nil, _ description: String) -> Self {
        Self(name: name, kind: .boolean(default: value), description: description)
    }

    static func text(_ name: String, required: Bool = false, _ description: String) -> Self {
        Self(name: name, kind: .text, required: required, description: description)
    }

    static func choice(_ name: String, _ choices: [String], default value: String? = nil, required: Bool = false, _ description: String) -> Self {
        Self(name: name, kind: .choice(choices, default: value), required: required, description: description)
    }

    static func list(_ name: String, _ description: String) -> Self { Self(name: name, kind: .list, description: description) }

    static func box(_ name: String = "bbox", _ description: String) -> Self { Self(name: name, kind: .box, description: description) }

    static func pair(_ name: String, required: Bool = false, _ description: String) -> Self {
        Self(name: name, kind: .pair, required: required, description: description)
    }

    /// A path segment: decoded and handed to the handler, which answers 404 for what it
    /// does not know (OGC API: an unknown collection or feature is not found, not a bad request).
    static func path(_ name: String, _ kind: Kind, _ description: String) -> Self {
        Self(name: name, kind: kind, required: true, location: .path, description: description)
    }

    static func path(_ name: String, _ description: String) -> Self { path(name, .text, description) }
}

/// What a request body must be.
enum BodySpec: Sendable {
    /// A JSON object with these members only (unknown and repeated members refused).
    case object([MemberSpec])
    /// A GeoJSON Feature (the new hazard).
    case feature
    /// A JSON merge patch (RFC 7396) of the properties, or a GeoJSON Feature whose
    /// properties are the patch and whose geometry replaces the old.
    case mergePatch
    /// A GeoJSON FeatureCollection of candidate sites (points).
    case candidates
    /// A photo: JPEG or PNG bytes (checked by their bytes, not by the declared type).
    case image

    var contentType: String {
        switch self {
        case .object, .mergePatch: "application/json"
        case .feature, .candidates: "application/geo+json"
        case .image: "image/jpeg"
        }
    }
}

/// A member of a JSON object body.
struct MemberSpec: Sendable {
    enum Kind: Sendable {
        case integer(ClosedRange<Int>, default: Int?)
        case number(ClosedRange<Double>, default: Double?)
        case boolean(default: Bool?)
        case choice([String], default: String?)
        /// `[lon, lat]` in WGS84 degrees.
        case coordinate
        /// A GeoJSON Polygon or MultiPolygon, or a Feature or FeatureCollection of them.
        case area
        /// Free text of at most this many characters.
        case text(maxLength: Int)
        /// A GeoJSON geometry of any type (WGS84 lon/lat).
        case geometry
        /// An array of 1…`maxCount` finite numbers in a range.
        case numbers(ClosedRange<Double>, maxCount: Int)
        /// An array of 1…`maxCount` `[lon, lat]` positions in WGS84 degrees.
        case coordinates(maxCount: Int)
    }

    var name: String
    var kind: Kind
    var required = false
    var description: String

    static func int(_ name: String, _ range: ClosedRange<Int>, default value: Int? = nil, _ description: String) -> Self {
        Self(name: name, kind: .integer(range, default: value), description: description)
    }

    static func number(_ name: String, _ range: ClosedRange<Double>, _ description: String) -> Self {
        Self(name: name, kind: .number(range, default: nil), description: description)
    }

    static func text(_ name: String, maxLength: Int = 1000, _ description: String) -> Self {
        Self(name: name, kind: .text(maxLength: maxLength), description: description)
    }

    static func bool(_ name: String, _ description: String) -> Self { Self(name: name, kind: .boolean(default: nil), description: description) }

    static func choice(_ name: String, _ choices: [String], default value: String? = nil, _ description: String) -> Self {
        Self(name: name, kind: .choice(choices, default: value), description: description)
    }

    static func coordinate(_ name: String, required: Bool = false, _ description: String) -> Self {
        Self(name: name, kind: .coordinate, required: required, description: description)
    }

    static func area(_ name: String, _ description: String) -> Self { Self(name: name, kind: .area, description: description) }

    static func geometry(_ name: String, _ description: String) -> Self { Self(name: name, kind: .geometry, description: description) }

    static func numbers(_ name: String, _ range: ClosedRange<Double>, maxCount: Int, _ description: String) -> Self {
        Self(name: name, kind: .numbers(range, maxCount: maxCount), description: description)
    }

    static func coordinates(_ name: String, maxCount: Int, required: Bool = false, _ description: String) -> Self {
        Self(name: name, kind: .coordinates(maxCount: maxCount), required: required, description: description)
    }
}

/// A successful answer: status, content type and the schema of its body.
struct ResponseSpec: Sendable {
    var status = 200
    var contentType: String
    /// A JSON schema (OpenAPI 3.0 subset), often a `$ref` to a component.
    var schema: JSONValue
    /// Other successful statuses the endpoint may answer (304 on a matching ETag).
    var notModified = false
    /// Other content types of the same answer (`format=html`: the report page).
    var alternatives: [String] = []

    static func json(_ schema: JSONValue, status: Int = 200) -> Self { Self(status: status, contentType: "application/json", schema: schema) }
    static func geoJSON(_ schema: JSONValue, status: Int = 200) -> Self { Self(status: status, contentType: "application/geo+json", schema: schema) }
    static func text(_ contentType: String) -> Self { Self(contentType: contentType, schema: .object([JSONMember("type", .string("string"))])) }
    /// Files of several types.
    static func files(_ types: [String]) -> Self {
        Self(contentType: types[0], schema: .object([JSONMember("type", .string("string"))]), alternatives: Array(types.dropFirst()))
    }
}

/// One request as a handler sees it: checked parameters, the path's segments decoded, the
/// body read against the declaration.
struct Call: Sendable {
    let request: Request
    let context: OneMapServer.Context
    let endpoint: Endpoint
    let params: Params
    /// The token's holder on a secured endpoint (authenticated before anything else).
    let author: Author?

    /// The writer of a secured endpoint.
    var writer: Author {
        get throws {
            guard let author else { throw EndpointError.undeclared("a token", endpoint.path) }
            return author
        }
    }

    /// The scheme and authority the client used, for absolute links.
    var base: String { Routes.base(request) }

    /// On an answer to a request sent again with the same key: nothing new was stored.
    static let replayedHeader = HTTPFields.Element.Name("Idempotent-Replayed")

    /// Marks `response` as the answer to a request sent again (nothing new stored).
    static func markReplayed(_ response: inout Response) {
        if let name = replayedHeader { response.headers[name] = "true" }
    }

    /// The client's `Idempotency-Key` (a device's own id for a report it may send again).
    var requestKey: String? { request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value }

    /// A path parameter, percent-decoded (every id that was accepted must be readable).
    func path(_ name: String) throws -> String {
        guard endpoint.parameters.contains(where: { $0.name == name && $0.location == .path }) else {
            throw EndpointError.undeclared(name, endpoint.path)
        }
        return try Params.path(name, context)
    }

    /// The JSON object body, checked against the declared members.
    func body(maxBytes: Int) async throws -> JSONBody {
        guard case .object(let members) = endpoint.body else { throw EndpointError.undeclared("body", endpoint.path) }
        return try await JSONBody.read(request, maxBytes: maxBytes, members: members)
    }
}

/// A handler asked for something its declaration does not have: a defect of ours, a
/// logged 500 (never a crash), caught by the tests that call every endpoint.
enum EndpointError: Error, CustomStringConvertible {
    case undeclared(String, String)

    var description: String {
        switch self {
        case .undeclared(let name, let path): "\(path) reads '\(name)', which its declaration does not have"
        }
    }
}
