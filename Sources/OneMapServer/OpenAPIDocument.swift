import OneMap

/// The OpenAPI 3.0 description served at `/api`, derived from the endpoint declarations
/// (``Endpoint``): every route with its parameters, ranges, enums, defaults, bodies and answers.
enum OpenAPIDocument {
    static func json(_ endpoints: [Endpoint], base: String) -> JSONValue {
        var paths: [String: [JSONMember]] = [:]
        var order: [String] = []
        for endpoint in endpoints {
            if paths[endpoint.path] == nil { order.append(endpoint.path) }
            paths[endpoint.path, default: []].append(JSONMember(endpoint.method.rawValue.lowercased(), operation(endpoint)))
        }
        return object([
            ("openapi", .string("3.0.3")),
            ("info", object([("title", .string("OneMap")), ("version", .string("1")),
                             ("description", .string("Emergency-management risk one map: OGC API – Features, spatial queries, the four-colour map, tiles, field reports, routing and planning. " + Vocabulary.summary))])),
            ("servers", .array([object([("url", .string(base))])])),
            ("paths", .object(order.map { JSONMember($0, .object(paths[$0] ?? [])) })),
            ("components", object([
                ("securitySchemes", object([("bearer", object([("type", .string("http")), ("scheme", .string("bearer"))]))])),
                ("schemas", .object(Schema.components.map { JSONMember($0.0, $0.1) })),
            ])),
        ])
    }

    static func operation(_ endpoint: Endpoint) -> JSONValue {
        var members: [(String, JSONValue)] = [("summary", .string(endpoint.summary)), ("operationId", .string(endpoint.operationID))]
        if !endpoint.parameters.isEmpty { members.append(("parameters", .array(endpoint.parameters.map(parameter)))) }
        if let body = endpoint.body {
            let isImage = if case .image = body { true } else { false }
            members.append(("requestBody", object([
                ("required", .bool(true)),
                ("content", object(isImage
                    ? ["image/jpeg", "image/png"].map { ($0, object([("schema", bodySchema(body))])) }
                    : [(body.contentType, object([("schema", bodySchema(body))]))])),
            ])))
        }
        if endpoint.secured { members.append(("security", .array([object([("bearer", .array([]))])]))) }
        let response = endpoint.response
        var content: [(String, JSONValue)] = [(response.contentType, object([("schema", response.schema)]))]
        for type in response.alternatives { content.append((type, object([("schema", object([("type", .string("string"))]))]))) }
        var responses: [(String, JSONValue)] = [(String(response.status), object([("description", .string("Success")), ("content", object(content))]))]
        if response.notModified { responses.append(("304", object([("description", .string("Not modified: the If-None-Match ETag is current"))]))) }
        responses.append(("default", object([
            ("description", .string("A problem (RFC 9457): 400 bad parameter, 401/403 authorization, 404, 405, 412 stale If-Match, 413, 415, 422 invalid body, 429, 503 busy")),
            ("content", object([("application/problem+json", object([("schema", Schema.ref("Problem"))]))])),
        ])))
        members.append(("responses", object(responses)))
        return object(members)
    }

    static func parameter(_ spec: ParameterSpec) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(spec.name)), ("in", .string(spec.location.rawValue)),
            ("required", .bool(spec.required || spec.location == .path)), ("description", .string(spec.description)),
            ("schema", parameterSchema(spec.kind)),
        ]
        switch spec.kind {
        case .list, .box, .pair: members += [("style", .string("form")), ("explode", .bool(false))]
        default: break
        }
        return object(members)
    }

    static func parameterSchema(_ kind: ParameterSpec.Kind) -> JSONValue {
        switch kind {
        case .integer(let range, let d): Schema.integer(range, default: d)
        case .number(let range, let d): Schema.number(range, default: d)
        case .boolean(let d): object([("type", .string("boolean"))] + (d.map { [("default", .bool($0))] } ?? []))
        case .text: object([("type", .string("string")), ("minLength", .number(1))])
        case .choice(let choices, let d): Schema.choice(choices, default: d)
        case .list: object([("type", .string("array")), ("minItems", .number(1)),
                            ("items", object([("type", .string("string")), ("minLength", .number(1))]))])
        case .box: object([("type", .string("array")), ("minItems", .number(4)), ("maxItems", .number(4)), ("items", object([("type", .string("number"))]))])
        case .pair: Schema.coordinate
        }
    }

    static func bodySchema(_ body: BodySpec) -> JSONValue {
        switch body {
        case .object(let members):
            var schema: [(String, JSONValue)] = [
                ("type", .string("object")), ("additionalProperties", .bool(false)),
                ("properties", .object(members.map { JSONMember($0.name, memberSchema($0)) })),
            ]
            let required = members.filter(\.required).map(\.name)
            if !required.isEmpty { schema.append(("required", .array(required.map { .string($0) }))) }
            return object(schema)
        case .feature: return Schema.ref("Feature")
        case .mergePatch: return object([("type", .string("object")), ("description", .string("RFC 7396 merge patch of the properties, or a GeoJSON Feature"))])
        case .candidates: return Schema.ref("FeatureCollection")
        case .image: return object([("type", .string("string")), ("format", .string("binary"))])
        }
    }

    static func memberSchema(_ member: MemberSpec) -> JSONValue {
        let schema: JSONValue = switch member.kind {
        case .integer(let range, let d): Schema.integer(range, default: d)
        case .number(let range, let d): Schema.number(range, default: d)
        case .boolean: Schema.type("boolean")
        case .choice(let choices, let d): Schema.choice(choices, default: d)
        case .coordinate: Schema.coordinate
        case .area: Schema.type("object")
        case .geometry: Schema.ref("Geometry")
        case .numbers(let range, let maxCount):
            .object([JSONMember("type", .string("array")), JSONMember("minItems", .number(1)), JSONMember("maxItems", .number(Double(maxCount))),
                     JSONMember("items", Schema.number(range, default: nil))])
        case .coordinates(let maxCount):
            .object([JSONMember("type", .string("array")), JSONMember("minItems", .number(1)), JSONMember("maxItems", .number(Double(maxCount))),
                     JSONMember("items", Schema.coordinate)])
        case .text(let maxLength): .object([JSONMember("type", .string("string")), JSONMember("maxLength", .number(Double(maxLength)))])
        }
        return .object((schema.objectValue ?? []) + [JSONMember("description", .string(member.description))])
    }

    static func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(members.map { JSONMember($0.0, $0.1) }) }
}

/// JSON schemas of the answers (OpenAPI 3.0's subset), shared as components.
enum Schema {
    static func ref(_ name: String) -> JSONValue { .object([JSONMember("$ref", .string("#/components/schemas/\(name)"))]) }

    static func integer(_ range: ClosedRange<Int>, default value: Int?) -> JSONValue {
        var members = [JSONMember("type", .string("integer")), JSONMember("minimum", .number(Double(range.lowerBound)))]
        // Past 2^53 a JSON number is not exact: Int.max stays unsaid.
        if range.upperBound < 1 << 53 { members.append(JSONMember("maximum", .number(Double(range.upperBound)))) }
        if let value { members.append(JSONMember("default", .number(Double(value)))) }
        return .object(members)
    }

    static func number(_ range: ClosedRange<Double>, default value: Double?) -> JSONValue {
        var members = [JSONMember("type", .string("number")), JSONMember("minimum", .number(range.lowerBound)), JSONMember("maximum", .number(range.upperBound))]
        if let value, value.isFinite { members.append(JSONMember("default", .number(value))) }
        return .object(members)
    }

    static func choice(_ choices: [String], default value: String?) -> JSONValue {
        var members = [JSONMember("type", .string("string")), JSONMember("enum", .array(choices.map { .string($0) }))]
        if let value { members.append(JSONMember("default", .string(value))) }
        return .object(members)
    }

    /// `[lon, lat]` in WGS84 degrees (in a query: `lon,lat`); the parameter or member says which point.
    static let coordinate: JSONValue = .object([
        JSONMember("type", .string("array")), JSONMember("minItems", .number(2)), JSONMember("maxItems", .number(2)),
        JSONMember("items", .object([JSONMember("type", .string("number"))])),
    ])

    static func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
        var members = [JSONMember("type", .string("object")), JSONMember("properties", .object(properties.map { JSONMember($0.0, $0.1) }))]
        if !required.isEmpty { members.append(JSONMember("required", .array(required.map { .string($0) }))) }
        return .object(members)
    }

    static func type(_ name: String) -> JSONValue { .object([JSONMember("type", .string(name))]) }
    static func array(_ items: JSONValue) -> JSONValue { .object([JSONMember("type", .string("array")), JSONMember("items", items)]) }
    static func constant(_ value: String) -> JSONValue { .object([JSONMember("type", .string("string")), JSONMember("enum", .array([.string(value)]))]) }
    static let anyObject = type("object")
    static let links = array(ref("Link"))

    static let components: [(String, JSONValue)] = [
        ("Problem", object([("type", type("string")), ("title", type("string")), ("status", type("integer")),
                            ("detail", type("string")), ("instance", type("string"))], required: ["title", "status", "detail"])),
        ("Link", object([("href", type("string")), ("rel", type("string")), ("type", type("string")), ("title", type("string"))], required: ["href", "rel"])),
        ("Geometry", object([("type", choice(["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"], default: nil)),
                             ("coordinates", array(.object([]))), ("geometries", array(ref("Geometry")))], required: ["type"])),
        ("Feature", object([
            ("type", constant("Feature")),
            ("id", .object([JSONMember("description", .string("string or number"))])),
            ("geometry", .object([JSONMember("allOf", .array([ref("Geometry")])), JSONMember("nullable", .bool(true))])),
            ("properties", .object([JSONMember("type", .string("object")), JSONMember("nullable", .bool(true))])),
            ("bbox", array(type("number"))),
            ("links", links),
        ], required: ["type", "geometry", "properties"])),
        ("FeatureCollection", object([
            ("type", constant("FeatureCollection")), ("features", array(ref("Feature"))),
            ("numberMatched", type("integer")), ("numberReturned", type("integer")), ("timeStamp", type("string")), ("links", links),
        ], required: ["type", "features"])),
        ("LandingPage", object([("title", type("string")), ("description", type("string")), ("links", links)], required: ["links"])),
        ("Conformance", object([("conformsTo", array(type("string")))], required: ["conformsTo"])),
        ("Collection", object([("id", type("string")), ("title", type("string")), ("itemType", type("string")), ("extent", anyObject),
                               ("crs", array(type("string"))), ("links", links)], required: ["id", "links"])),
        ("Collections", object([("links", links), ("collections", array(ref("Collection")))], required: ["links", "collections"])),
        ("History", object([("layer", type("string")), ("id", type("string")), ("changes", array(object([
            ("change", type("integer")), ("changed_at", type("string")), ("author", type("string")), ("role", type("string")),
            ("operation", type("string")), ("before", .object([JSONMember("allOf", .array([ref("Feature")])), JSONMember("nullable", .bool(true))])),
            ("after", .object([JSONMember("allOf", .array([ref("Feature")])), JSONMember("nullable", .bool(true))])),
        ], required: ["change", "changed_at", "author", "operation"])))], required: ["layer", "id", "changes"])),
        ("RiskVersions", object([("versions", array(object([("version", type("integer")), ("created_at", type("string"))], required: ["version"])))], required: ["versions"])),
        ("TileJSON", object([("tilejson", type("string")), ("tiles", array(type("string"))), ("minzoom", type("integer")), ("maxzoom", type("integer")),
                             ("bounds", array(type("number"))), ("center", array(type("number")))], required: ["tilejson", "tiles"])),
        ("Health", object([("status", type("string")), ("map", type("string")), ("features", anyObject), ("store", type("string")),
                             ("change", type("integer")), ("store_change", type("integer")), ("lag", type("integer"))], required: ["status"])),
    ]
}
