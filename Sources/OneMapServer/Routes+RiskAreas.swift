import Foundation
import Hummingbird
import OneMap

/// The one map as an OGC API – Features collection, `risk_areas`: QGIS and GDAL's OAPIF
/// driver read the coloured areas as vectors (level, colour, reasons, residents).
extension Routes {
    static let riskAreasID = "risk_areas"

    var riskAreaEndpoints: [Endpoint] {
        [
            Endpoint(method: .get, path: "/collections/risk_areas", summary: "The one map's coloured areas as a collection",
                     response: .json(Schema.ref("Collection"))) { call in
                Reply.json(riskAreasCollection(base: call.base))
            },
            Endpoint(method: .get, path: "/collections/risk_areas/items",
                     summary: "The one map's coloured areas (the live map, or a stored version), paged like every collection",
                     parameters: [
                        .box("bbox", "minLon,minLat,maxLon,maxLat (WGS84)"),
                        .int("limit", 1...Int.max, default: 10, "Areas in one page; above 10,000 is capped at 10,000"),
                        .int("offset", 0...Self.maxOffset, default: 0, "Areas to skip (next links carry it)"),
                        .int("version", 1...Int.max, "A stored version (default: the live map)"),
                        .list("risk_level", "Levels, e.g. 1,2 (1 red … 4 blue)"),
                        Self.formatJSON,
                        .text("bbox-crs", "Only CRS84"), .text("crs", "Only CRS84"),
                     ], response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let params = call.params
                for name in ["bbox-crs", "crs"] {
                    if let crs = try params.maybeString(name), !crs.hasSuffix("CRS84") && !crs.hasSuffix("4326") {
                        throw Problem.badParameter(name, "only CRS84 (WGS84 lon/lat) is offered")
                    }
                }
                let map = try await riskAreas(version: try params.maybeInt("version"), unit: nil, box: try params.maybeBox())
                var features = map.features
                if let levels = try params.maybeList("risk_level") {
                    let wanted = try Set(levels.map { text -> Int in
                        guard let n = Int(text), (1...4).contains(n) else { throw Problem.badParameter("risk_level", "'\(text)' is not a level 1…4") }
                        return n
                    })
                    features = features.filter { if case .number(let n)? = $0[property: "risk_level"] { wanted.contains(Int(exactly: n) ?? 0) } else { false } }
                }
                let limit = min(Self.maxLimit, try params.int("limit")), offset = try params.int("offset")
                let matched = features.count
                let page = offset < matched ? Array(features[offset..<min(matched, offset + limit)]) : []
                let links = Self.pageLinks(params, base: call.base, collection: Self.riskAreasID, limit: limit, offset: offset, matched: matched)
                return Reply.features(page, members: map.members + [
                    JSONMember("numberMatched", .number(Double(matched))), JSONMember("numberReturned", .number(Double(page.count))),
                    JSONMember("timeStamp", .string(Timestamps.now())), JSONMember("links", .array(links)),
                ])
            },
            Endpoint(method: .get, path: "/collections/risk_areas/items/{id}", summary: "One coloured area",
                     parameters: [Self.idParameter, .int("version", 1...Int.max, "A stored version (default: the live map)"), Self.formatJSON],
                     response: .geoJSON(Schema.ref("Feature"))) { call in
                let id = try call.path("id")
                let map = try await riskAreas(version: try call.params.maybeInt("version"), unit: nil, box: nil)
                guard let feature = map.features.first(where: { $0.id == id }) else {
                    throw Problem.notFound("collection '\(Self.riskAreasID)' has no area with id '\(id)'")
                }
                return Reply.feature(feature, members: [JSONMember("links", .array([
                    Reply.link("\(call.base)/collections/\(Self.riskAreasID)/items/\(Self.escapePath(id))", "self", "application/geo+json"),
                    Reply.link("\(call.base)/collections/\(Self.riskAreasID)", "collection", "application/json"),
                ]))])
            },
        ]
    }

    /// The collection document of `risk_areas`, with the live map's extent.
    func riskAreasCollection(base: String) -> JSONValue {
        var box = BoundingBox.empty
        for area in service.live.model.areas { box.extend(area.box) }
        let id = Self.riskAreasID
        return .object([
            JSONMember("id", .string(id)),
            JSONMember("title", .string("四色安全风险分布图 · risk areas")),
            JSONMember("description", .string("The one map: each \(service.live.model.unit) area with its risk level (1 red … 4 blue), colour, residents and the hazards that set it")),
            JSONMember("itemType", .string("feature")),
            JSONMember("extent", .object(box.isEmpty ? [] : [JSONMember("spatial", .object([
                JSONMember("bbox", .array([.array([box.minX, box.minY, box.maxX, box.maxY].map { .number($0) })])),
                JSONMember("crs", .string("http://www.opengis.net/def/crs/OGC/1.3/CRS84")),
            ]))])),
            JSONMember("crs", .array([.string("http://www.opengis.net/def/crs/OGC/1.3/CRS84")])),
            JSONMember("links", .array([
                Reply.link("\(base)/collections/\(id)", "self", "application/json"),
                Reply.link("\(base)/collections/\(id)/items", "items", "application/geo+json"),
            ])),
        ])
    }
}
