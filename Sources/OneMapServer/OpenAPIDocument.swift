import OneMap

/// The OpenAPI 3.0 description served at `/api`.
enum OpenAPIDocument {
    struct Parameter {
        var name: String
        var location = "query"
        var required = false
        var type = "string"
        var description: String
    }

    struct Operation {
        var path: String
        var method: String
        var summary: String
        var parameters: [Parameter] = []
        var responseType = "application/json"
        var body: String?
        var secured = false
    }

    static let point = [Parameter(name: "lon", required: true, type: "number", description: "Longitude, WGS84 degrees"),
                        Parameter(name: "lat", required: true, type: "number", description: "Latitude, WGS84 degrees")]
    static let layer = Parameter(name: "layer", location: "path", required: true, description: "A layer: \(Layer.allCases.map(\.tableName).joined(separator: ", "))")

    static let planCandidates = Parameter(name: "candidates", description: "planned: the data's own planned sites (default: a lattice of open land)")
    static let planBox = Parameter(name: "bbox", description: "minLon,minLat,maxLon,maxLat: plan only for the grids meeting it, site inside it")
    static let planFormat = Parameter(name: "format", description: "geojson (default) or html (the planner's report page)")

    static let operations: [Operation] = [
        Operation(path: "/", method: "get", summary: "Landing page"),
        Operation(path: "/conformance", method: "get", summary: "OGC API conformance classes"),
        Operation(path: "/api", method: "get", summary: "This document", responseType: "application/vnd.oai.openapi+json;version=3.0"),
        Operation(path: "/collections", method: "get", summary: "The layers"),
        Operation(path: "/collections/{layer}", method: "get", summary: "One layer", parameters: [layer]),
        Operation(path: "/collections/{layer}/items", method: "get", summary: "Features of a layer (property filters: any column, column=v1,v2)", parameters: [
            layer,
            Parameter(name: "bbox", description: "minLon,minLat,maxLon,maxLat"),
            Parameter(name: "limit", type: "integer", description: "1…10,000 (default 10; larger is capped)"),
            Parameter(name: "offset", type: "integer", description: "Features to skip (next links carry it)"),
            Parameter(name: "datetime", description: "RFC 3339 instant or interval a/b, open ends '..' (hazards: reported_at)"),
        ], responseType: "application/geo+json"),
        Operation(path: "/collections/{layer}/items", method: "post", summary: "Register a hazard (GeoJSON Feature; hazards only)",
                  parameters: [layer], responseType: "application/geo+json", body: "application/geo+json", secured: true),
        Operation(path: "/collections/{layer}/items/{id}", method: "get", summary: "One feature",
                  parameters: [layer, Parameter(name: "id", location: "path", required: true, description: "Feature id")], responseType: "application/geo+json"),
        Operation(path: "/collections/{layer}/items/{id}", method: "patch", summary: "Report on a hazard (lifecycle, level, position) or a shelter (capacity, occupancy, status): JSON merge patch of properties or a GeoJSON Feature",
                  parameters: [layer, Parameter(name: "id", location: "path", required: true, description: "Feature id")],
                  responseType: "application/geo+json", body: "application/json", secured: true),
        Operation(path: "/query/nearest-shelter", method: "get", summary: "Nearest shelters with room", parameters: point + [
            Parameter(name: "k", type: "integer", description: "1…100 (default 3)"),
            Parameter(name: "class", description: "Shelter classes, e.g. I,II"),
            Parameter(name: "minCapacity", type: "integer", description: "Free room at least (capacity − occupancy)"),
            Parameter(name: "open", type: "boolean", description: "Open shelters only"),
            Parameter(name: "maxDistance", type: "number", description: "Metres"),
        ], responseType: "application/geo+json"),
        Operation(path: "/query/within", method: "get", summary: "Features within a geodesic radius, nearest first (plus column filters)", parameters: point + [
            Parameter(name: "layer", required: true, description: "A layer"),
            Parameter(name: "radius", required: true, type: "number", description: "Metres, 0…100,000"),
            Parameter(name: "limit", type: "integer", description: "Nearest ones only"),
        ], responseType: "application/geo+json"),
        Operation(path: "/query/grid/{code}", method: "get", summary: "A grid cell with its population, colour, hazards and nearest shelters",
                  parameters: [Parameter(name: "code", location: "path", required: true, description: "Grid code"),
                               Parameter(name: "k", type: "integer", description: "Nearest shelters, 1…50 (default 3)")], responseType: "application/geo+json"),
        Operation(path: "/riskmap", method: "get", summary: "The current one map: areas with level, colour and reasons", responseType: "application/geo+json"),
        Operation(path: "/riskmap/versions", method: "get", summary: "Stored versions"),
        Operation(path: "/riskmap/diff", method: "get", summary: "Areas that changed colour between two versions, and why", parameters: [
            Parameter(name: "from", required: true, type: "integer", description: "Earlier version"),
            Parameter(name: "to", required: true, type: "integer", description: "Later version"),
        ], responseType: "application/geo+json"),
        Operation(path: "/riskmap/stats", method: "get", summary: "Areas and residents per colour and subdistrict",
                  parameters: [Parameter(name: "version", type: "integer", description: "Default: the latest")]),
        Operation(path: "/riskmap/legend", method: "get", summary: "Levels, colours and counts of the current map"),
        Operation(path: "/tiles/{z}/{x}/{y}.png", method: "get", summary: "A 256-px raster tile (use {y}@2x.png for 512 px); ETag, 304 on If-None-Match",
                  parameters: ["z", "x", "y"].map { Parameter(name: $0, location: "path", required: true, type: "integer", description: "XYZ tile coordinate") },
                  responseType: "image/png"),
        Operation(path: "/tiles.json", method: "get", summary: "TileJSON 3.0"),
        Operation(path: "/route", method: "get", summary: "Fastest (or shortest) route by road, as a GeoJSON LineString with seconds and metres", parameters: [
            Parameter(name: "from", required: true, description: "lon,lat"), Parameter(name: "to", required: true, description: "lon,lat"),
            Parameter(name: "by", description: "time (default) or distance"), Parameter(name: "profile", description: "drive (default) or walk"),
            Parameter(name: "avoid", description: "red: avoid the red cells of the one map"),
        ], responseType: "application/geo+json"),
        Operation(path: "/route", method: "post", summary: "A route avoiding polygons: {\"from\": [lon, lat], \"to\": [lon, lat], \"avoid\": GeoJSON, \"by\", \"profile\", \"avoid_red\"}",
                  responseType: "application/geo+json", body: "application/json"),
        Operation(path: "/evacuate", method: "get", summary: "The shelters with room reached soonest by road, leaving a circular danger zone", parameters: point + [
            Parameter(name: "k", type: "integer", description: "1…20 (default 1)"), Parameter(name: "minRoom", type: "integer", description: "Room needed"),
            Parameter(name: "zoneLon", type: "number", description: "Danger zone centre"), Parameter(name: "zoneLat", type: "number", description: "Danger zone centre"),
            Parameter(name: "zoneRadius", type: "number", description: "Danger zone radius, metres"),
        ], responseType: "application/geo+json"),
        Operation(path: "/evacuate", method: "post", summary: "The same with any zone: {\"from\": [lon, lat], \"zone\": GeoJSON, \"k\", \"min_room\"}",
                  responseType: "application/geo+json", body: "application/json"),
        Operation(path: "/evacuation-plan", method: "post", summary: "Evacuation plan of a danger zone ({\"zone\": GeoJSON} or {\"centre\": [lon, lat], \"radius\": m}): per grid its shelter, persons, minutes and route; per shelter its load; who cannot be placed",
                  body: "application/json"),
        Operation(path: "/isochrone", method: "get", summary: "The area reachable within some minutes, as a polygon", parameters: point + [
            Parameter(name: "minutes", type: "number", description: "0.1…600 (default 5)"), Parameter(name: "profile", description: "drive or walk"),
        ], responseType: "application/geo+json"),
        Operation(path: "/coverage/fire", method: "get", summary: "Grids beyond some minutes' drive of every fire station, with residents",
                  parameters: [Parameter(name: "minutes", type: "number", description: "Default 5")], responseType: "application/geo+json"),
        Operation(path: "/plan/audit", method: "get", summary: "Safety-distance audit: protected targets within a major hazard source's safety distance or an open hazard's impact distance",
                  parameters: [Parameter(name: "safetyDistance", type: "number", description: "Metres from major hazard sources (default 1,000)"), planFormat],
                  responseType: "application/geo+json"),
        Operation(path: "/plan/coverage", method: "get", summary: "Shelter coverage per grid and subdistrict by walking distance: nearest shelter of each class, residents within the radius, area per resident, uncovered areas",
                  parameters: [planBox, planFormat], responseType: "application/geo+json"),
        Operation(path: "/plan/shelters", method: "get", summary: "Coverage and K new shelter sites (maximal covering with capacities) from the lattice of open land",
                  parameters: [Parameter(name: "add", type: "integer", description: "New sites, 1…50 (default 3)"),
                               Parameter(name: "need", description: "emergency (default) or fixed"), planCandidates, planBox, planFormat], responseType: "application/geo+json"),
        Operation(path: "/plan/shelters", method: "post", summary: "The same with the candidate sites as a GeoJSON FeatureCollection body (name, capacity, effective_area_m2)",
                  parameters: [Parameter(name: "add", type: "integer", description: "New sites"), planFormat], responseType: "application/geo+json", body: "application/geo+json"),
        Operation(path: "/plan/depots", method: "get", summary: "K new storage depots by p-median on driving time weighted by residents; shares within 6 h and 12 h",
                  parameters: [Parameter(name: "k", type: "integer", description: "New depots, 1…20 (default 1)"), planCandidates, planBox, planFormat], responseType: "application/geo+json"),
        Operation(path: "/plan/depots", method: "post", summary: "The same with the candidate sites as a GeoJSON FeatureCollection body",
                  parameters: [Parameter(name: "k", type: "integer", description: "New depots"), planFormat], responseType: "application/geo+json", body: "application/geo+json"),
        Operation(path: "/plan/fire", method: "get", summary: "Areas beyond 5 minutes' drive of every fire station and candidate sites that close them",
                  parameters: [Parameter(name: "maxSites", type: "integer", description: "Most new stations, 0…50 (default 5)"), planCandidates, planBox, planFormat], responseType: "application/geo+json"),
        Operation(path: "/plan/fire", method: "post", summary: "The same with the candidate sites as a GeoJSON FeatureCollection body",
                  parameters: [Parameter(name: "maxSites", type: "integer", description: "Most new stations"), planFormat], responseType: "application/geo+json", body: "application/geo+json"),
        Operation(path: "/map", method: "get", summary: "The web map", responseType: "text/html"),
        Operation(path: "/health", method: "get", summary: "Liveness and loaded features"),
        Operation(path: "/metrics", method: "get", summary: "Prometheus metrics", responseType: "text/plain"),
    ]

    static func json(base: String) -> JSONValue {
        var paths: [String: [JSONMember]] = [:]
        for op in operations {
            var members = [JSONMember("summary", .string(op.summary)),
                           JSONMember("operationId", .string(op.method + op.path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "").replacingOccurrences(of: ".", with: "_")))]
            if !op.parameters.isEmpty {
                members.append(JSONMember("parameters", .array(op.parameters.map { p in
                    .object([JSONMember("name", .string(p.name)), JSONMember("in", .string(p.location)),
                             JSONMember("required", .bool(p.required || p.location == "path")), JSONMember("description", .string(p.description)),
                             JSONMember("schema", .object([JSONMember("type", .string(p.type))]))])
                })))
            }
            if let body = op.body {
                members.append(JSONMember("requestBody", .object([JSONMember("required", .bool(true)),
                    JSONMember("content", .object([JSONMember(body, .object([JSONMember("schema", .object([JSONMember("type", .string("object"))]))]))]))])))
            }
            if op.secured { members.append(JSONMember("security", .array([.object([JSONMember("bearer", .array([]))])]))) }
            let problem = JSONMember("content", .object([JSONMember("application/problem+json", .object([JSONMember("schema", .object([JSONMember("$ref", .string("#/components/schemas/Problem"))]))]))]))
            members.append(JSONMember("responses", .object([
                JSONMember(op.method == "post" ? "201" : "200", .object([JSONMember("description", .string("Success")),
                    JSONMember("content", .object([JSONMember(op.responseType, .object([JSONMember("schema", .object([JSONMember("type", .string(op.responseType.hasPrefix("image") || op.responseType.hasPrefix("text") ? "string" : "object"))]))]))]))])),
                JSONMember("default", .object([JSONMember("description", .string("A problem (RFC 9457)")), problem])),
            ])))
            paths[op.path, default: []].append(JSONMember(op.method, .object(members)))
        }
        return .object([
            JSONMember("openapi", .string("3.0.3")),
            JSONMember("info", .object([JSONMember("title", .string("OneMap")), JSONMember("version", .string("1")),
                                        JSONMember("description", .string("Emergency-management risk one map: OGC API – Features, spatial queries, the four-colour map, tiles."))])),
            JSONMember("servers", .array([.object([JSONMember("url", .string(base))])])),
            JSONMember("paths", .object(paths.keys.sorted().map { JSONMember($0, .object(paths[$0]!)) })),
            JSONMember("components", .object([
                JSONMember("securitySchemes", .object([JSONMember("bearer", .object([JSONMember("type", .string("http")), JSONMember("scheme", .string("bearer"))]))])),
                JSONMember("schemas", .object([JSONMember("Problem", .object([
                    JSONMember("type", .string("object")),
                    JSONMember("properties", .object(["type", "title", "detail", "instance"].map { JSONMember($0, .object([JSONMember("type", .string("string"))])) }
                        + [JSONMember("status", .object([JSONMember("type", .string("integer"))]))])),
                ]))])),
            ])),
        ])
    }
}
