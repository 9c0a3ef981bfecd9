import Foundation
import Hummingbird
import OneMap

/// OGC API – Features, Part 1 Core, GeoJSON: landing page, conformance, collections, items.
extension Routes {
    static let maxLimit = 10_000
    /// Far beyond any layer (a city has about a million hazards), small enough that
    /// `offset + limit` cannot overflow.
    static let maxOffset = 1_000_000_000

    static let layerParameter = ParameterSpec.path("layer", .choice(Layer.allCases.map(\.tableName), default: nil), "A layer (collection)")
    static let idParameter = ParameterSpec.path("id", "Feature id (percent-encoded)")
    static let formatJSON = ParameterSpec.choice("f", ["json", "geojson"], "Answer format (JSON is the only one)")

    var featureEndpoints: [Endpoint] {
        [
            Endpoint(method: .get, path: "/", summary: "Landing page", response: .json(Schema.ref("LandingPage"))) { call in
                Reply.json(landing(call.base))
            },
            Endpoint(method: .get, path: "/conformance", summary: "OGC API conformance classes", response: .json(Schema.ref("Conformance"))) { _ in
                Reply.json(.object([JSONMember("conformsTo", .array([
                    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
                ].map { .string($0) }))]))
            },
            Endpoint(method: .get, path: "/collections", summary: "The layers", response: .json(Schema.ref("Collections"))) { call in
                Reply.json(.object([
                    JSONMember("links", .array([Reply.link("\(call.base)/collections", "self", "application/json")])),
                    JSONMember("collections", .array(service.collections.map { collection($0, base: call.base) } + [riskAreasCollection(base: call.base)])),
                ]))
            },
            Endpoint(method: .get, path: "/collections/{layer}", summary: "One layer", parameters: [Self.layerParameter],
                     response: .json(Schema.ref("Collection"))) { call in
                let layer = try pathLayer(call.context)
                guard let info = service.collection(layer) else { throw Problem.notFound("no collection '\(layer)'") }
                return Reply.json(collection(info, base: call.base))
            },
            Endpoint(method: .get, path: "/collections/{layer}/items",
                     summary: "Features of a layer; any column of the layer is also a filter (COLUMN=V1,V2, COLUMN>=N, COLUMN<=N)",
                     parameters: [
                        Self.layerParameter,
                        .box("bbox", "minLon,minLat,maxLon,maxLat (WGS84)"),
                        .int("limit", 1...Int.max, default: 10, "Features in one page; above 10,000 is capped at 10,000"),
                        .int("offset", 0...Self.maxOffset, default: 0, "Features to skip (next links carry it)"),
                        .text("datetime", "RFC 3339 instant or interval a/b, open ends '..' (hazards: reported_at)"),
                        Self.formatJSON,
                        .text("bbox-crs", "Only CRS84 (http://www.opengis.net/def/crs/OGC/1.3/CRS84)"),
                        .text("crs", "Only CRS84"),
                     ],
                     columnFilters: .pathLayer, response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                try items(call, try pathLayer(call.context))
            },
            Endpoint(method: .post, path: "/collections/{layer}/items", summary: "Register a hazard (a GeoJSON Feature; hazards only). Needs a token; a grid worker only inside their grid",
                     parameters: [Self.layerParameter], body: .feature, response: .geoJSON(Schema.ref("Feature"), status: 201), secured: true) { call in
                try await create(call)
            },
            Endpoint(method: .get, path: "/collections/{layer}/items/{id}", summary: "One feature, with its version as ETag",
                     parameters: [Self.layerParameter, Self.idParameter, Self.formatJSON], response: .geoJSON(Schema.ref("Feature"))) { call in
                let layer = try pathLayer(call.context)
                let id = try call.path("id")
                guard let record = service.snapshot.feature(layer, id: id) else {
                    throw Problem.notFound("collection '\(layer)' has no feature with id '\(id)'")
                }
                let base = call.base
                var response = Reply.feature(record.feature(in: layer), members: [JSONMember("links", .array([
                    Reply.link("\(base)/collections/\(layer)/items/\(Self.escapePath(id))", "self", "application/geo+json"),
                    Reply.link("\(base)/collections/\(layer)/items/\(Self.escapePath(id))/history", "version-history", "application/json"),
                    Reply.link("\(base)/collections/\(layer)", "collection", "application/json"),
                ]))])
                // The version a PATCH names in If-Match to apply only to what was read.
                response.headers[.eTag] = "\"\(FieldReports.version(of: record, in: layer))\""
                return response
            },
            Endpoint(method: .patch, path: "/collections/{layer}/items/{id}",
                     summary: "Report on a hazard (lifecycle, level, position) or a shelter (capacity, occupancy, status): a JSON merge patch of properties or a GeoJSON Feature; If-Match applies it only to that version (412 when stale)",
                     parameters: [Self.layerParameter, Self.idParameter], body: .mergePatch, response: .geoJSON(Schema.ref("Feature")), secured: true) { call in
                try await update(call)
            },
            Endpoint(method: .get, path: "/collections/{layer}/items/{id}/history", summary: "Every logged change of a feature, oldest first (who, when, before and after)",
                     parameters: [Self.layerParameter, Self.idParameter], response: .json(Schema.ref("History"))) { call in
                try history(call)
            },
        ]
    }

    /// The loaded layer the path names, or a 404 listing them.
    func pathLayer(_ context: OneMapServer.Context) throws -> Layer {
        let name = context.parameters.get("layer") ?? ""
        guard let layer = Layer(name: name), service.snapshot.loadedLayers.contains(layer) else {
            throw Problem.notFound("no collection '\(name)'; the collections are \(service.snapshot.loadedLayers.map(\.tableName).joined(separator: ", "))")
        }
        return layer
    }

    func landing(_ base: String) -> JSONValue {
        .object([
            JSONMember("title", .string("OneMap: emergency-management risk one map (一张图)")),
            JSONMember("description", .string("Hazards, grid cells, shelters and facilities with the four-colour risk map, as OGC API – Features, with spatial queries, risk map versions and tiles.")),
            JSONMember("links", .array([
                Reply.link("\(base)/", "self", "application/json", title: "This document"),
                Reply.link("\(base)/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", title: "The API definition"),
                Reply.link("\(base)/conformance", "conformance", "application/json", title: "Conformance classes"),
                Reply.link("\(base)/collections", "data", "application/json", title: "The layers"),
                Reply.link("\(base)/riskmap", "riskmap", "application/geo+json", title: "The current one map"),
                Reply.link("\(base)/tiles.json", "tiles", "application/json", title: "Raster tiles (TileJSON)"),
                Reply.link("\(base)/map", "alternate", "text/html", title: "The web map"),
            ])),
        ])
    }

    func collection(_ info: CollectionInfo, base: String) -> JSONValue {
        var extent: [JSONMember] = []
        if let box = info.extent {
            extent.append(JSONMember("spatial", .object([
                JSONMember("bbox", .array([.array([box.minX, box.minY, box.maxX, box.maxY].map { .number($0) })])),
                JSONMember("crs", .string("http://www.opengis.net/def/crs/OGC/1.3/CRS84")),
            ])))
        }
        if let (first, last) = info.interval {
            extent.append(JSONMember("temporal", .object([
                JSONMember("interval", .array([.array([.string(first), .string(last)])])),
                JSONMember("trs", .string("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian")),
            ])))
        }
        let id = info.layer.tableName
        return .object([
            JSONMember("id", .string(id)),
            JSONMember("title", .string(info.layer.title)),
            JSONMember("itemType", .string("feature")),
            JSONMember("extent", .object(extent)),
            JSONMember("crs", .array([.string("http://www.opengis.net/def/crs/OGC/1.3/CRS84")])),
            JSONMember("links", .array([
                Reply.link("\(base)/collections/\(id)", "self", "application/json"),
                Reply.link("\(base)/collections/\(id)/items", "items", "application/geo+json"),
            ])),
        ])
    }

    /// `/collections/{layer}/items`: bbox, limit (1…10,000, larger is capped), offset,
    /// datetime (layers with times), and property filters `column=v1,v2`.
    func items(_ call: Call, _ layer: Layer) throws -> Response {
        let params = call.params
        for name in ["bbox-crs", "crs"] {
            if let crs = try params.maybeString(name), !crs.hasSuffix("CRS84") && !crs.hasSuffix("4326") {
                throw Problem.badParameter(name, "only CRS84 (WGS84 lon/lat) is offered")
            }
        }
        // OGC API – Features: a limit above the server's maximum is capped, not refused.
        let limit = min(Self.maxLimit, try params.int("limit"))
        let offset = try params.int("offset")
        let box = try params.maybeBox()
        let filters = params.filters()
        var interval: TimeInterval?
        if let text = try params.maybeString("datetime") {
            guard let column = CollectionInfo.timeColumn(of: layer) else { throw Problem.badParameter("datetime", "collection '\(layer)' has no time property") }
            interval = try TimeInterval(parsing: text, column: column)
        }
        let snapshot = service.snapshot
        var records: [LayerRecord]
        if let box {
            records = try snapshot.features(layer, in: box, where: filters).map(\.record)
        } else {
            records = try snapshot.allFeatures(layer, where: filters)
        }
        if let interval { records = records.filter(interval.contains) }
        let matched = records.count
        let page = offset < matched ? Array(records[offset..<min(matched, offset + limit)]) : []
        let links = Self.pageLinks(params, base: call.base, collection: layer.tableName, limit: limit, offset: offset, matched: matched)
        return Reply.features(page.map { $0.feature(in: layer) }, members: [
            JSONMember("numberMatched", .number(Double(matched))),
            JSONMember("numberReturned", .number(Double(page.count))),
            JSONMember("timeStamp", .string(Timestamps.now())),
            JSONMember("links", .array(links)),
        ])
    }

    /// A page's links: self, the collection, next and prev, repeating the query.
    static func pageLinks(_ params: Params, base: String, collection: String, limit: Int, offset: Int, matched: Int) -> [JSONValue] {
        func pageLink(_ start: Int, _ rel: String) -> JSONValue {
            var query = params.order.filter { $0 != "offset" && $0 != "limit" }.map { "\($0)=\(Self.escape(params.rawValue($0) ?? ""))" }
            query += ["limit=\(limit)", "offset=\(start)"]
            return Reply.link("\(base)/collections/\(collection)/items?\(query.joined(separator: "&"))", rel, "application/geo+json")
        }
        var links = [pageLink(offset, "self"), Reply.link("\(base)/collections/\(collection)", "collection", "application/json")]
        if offset + limit < matched { links.append(pageLink(offset + limit, "next")) }
        if offset > 0 { links.append(pageLink(max(0, offset - limit), "prev")) }
        return links
    }

    /// An id as one path segment (`/`, `%`, spaces and non-ASCII percent-encoded).
    static func escapePath(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? id
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? text
    }
}

/// A `datetime` parameter: an instant or an interval with open ends (`..`), RFC 3339.
struct TimeInterval {
    var start: Date?
    var end: Date?
    let column: Int

    init(parsing text: String, column name: String) throws {
        column = Layer.hazards.columnIndex(name)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count) else { throw Problem.badParameter("datetime", "'\(text)' is not an instant or an interval a/b") }
        func date(_ s: String) throws -> Date? {
            if s == ".." || s.isEmpty { return nil }
            guard let d = TimeInterval.parse(s) else { throw Problem.badParameter("datetime", "'\(s)' is not an RFC 3339 date-time (2026-05-01T08:00:00Z)") }
            return d
        }
        if parts.count == 1 {
            guard let instant = try date(parts[0]) else { throw Problem.badParameter("datetime", "an instant cannot be open") }
            start = instant
            end = instant
        } else {
            start = try date(parts[0])
            end = try date(parts[1])
            if let s = start, let e = end, s > e { throw Problem.badParameter("datetime", "the interval ends before it starts") }
        }
    }

    static func parse(_ text: String) -> Date? { Timestamps.parse(text) }

    func contains(_ record: LayerRecord) -> Bool {
        guard case .text(let text) = record.value(column), let when = Self.parse(text) else { return false }
        if let start, when < start { return false }
        if let end, when > end { return false }
        return true
    }
}
