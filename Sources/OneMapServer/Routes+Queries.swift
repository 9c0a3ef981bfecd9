import Foundation
import Hummingbird
import OneMap

/// Spatial queries: nearest shelters, features within a radius, everything about a grid.
extension Routes {
    var queryEndpoints: [Endpoint] {
        [
            Endpoint(method: .get, path: "/query/nearest-shelter",
                     summary: "Nearest shelters that are open and have room (status=any: every shelter), by true WGS84 distance, with status and room",
                     parameters: Self.point + [
                        .int("k", 1...100, default: 3, "Shelters to answer"),
                        .list("class", "Shelter classes, e.g. I,II"),
                        .int("minCapacity", 0...Int.max, "Free room at least (capacity − occupancy); default 1 unless status=any"),
                        .choice("status", ["open", "any"], default: "open", "open: open shelters with room (the default); any: every shelter, whatever its status and room"),
                        .number("maxDistance", 0...20_000_000, "Metres"),
                     ], response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let params = call.params
                let point = try params.point()
                let classes = try params.maybeList("class") ?? [], room = try params.maybeInt("minCapacity")
                let criteria = try params.string("status") == "any" ? ShelterCriteria.anyStatus(classes: classes, minimumRoom: room)
                    : ShelterCriteria(classes: classes, minimumRoom: room ?? 1)
                let hits = try service.snapshot.nearestShelters(to: point, k: try params.int("k"), criteria: criteria,
                                                                maxDistance: try params.maybeDouble("maxDistance") ?? .infinity)
                return Reply.features(hits.map(\.feature), members: [JSONMember("numberReturned", .number(Double(hits.count)))])
            },
            Endpoint(method: .get, path: "/query/within",
                     summary: "Features within a geodesic radius, nearest first; any column of the layer is also a filter. Hazards: open ones (not closed) unless status is given (status=any: all)",
                     parameters: Self.point + [
                        .choice("layer", Layer.allCases.map(\.tableName), required: true, "A layer"),
                        .number("radius", 0...100_000, required: true, "Metres"),
                        .int("limit", 1...Self.maxLimit, "Nearest ones only"),
                     ], columnFilters: .queryLayer, response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let params = call.params
                let name = try params.string("layer")
                guard let layer = Layer(name: name), service.snapshot.loadedLayers.contains(layer) else {
                    throw Problem.notFound("no layer '\(name)'; the layers are \(service.snapshot.loadedLayers.map(\.tableName).joined(separator: ", "))")
                }
                let radius = try params.double("radius"), point = try params.point(), limit = try params.maybeInt("limit")
                var filters = params.filters()
                let hits: [Hit]
                if layer == .hazards {
                    let status = filters.firstIndex { $0.column == "status" }.map { filters.remove(at: $0) }
                    let statuses: [String]? = if case .oneOf(let values)? = status?.test { values } else { nil }
                    hits = try service.snapshot.hazardsNear(point, radius: radius, status: HazardStatusChoice(statuses), where: filters, limit: limit)
                } else {
                    hits = try service.snapshot.features(layer, within: radius, of: point, where: filters, limit: limit)
                }
                return Reply.features(hits.map { $0.feature(in: layer) }, members: [JSONMember("numberReturned", .number(Double(hits.count)))])
            },
            Endpoint(method: .get, path: "/query/grid/{code}", summary: "A grid cell with its population, colour, reasons, hazards and nearest shelters",
                     parameters: [.path("code", "Grid code"), .int("k", 1...50, default: 3, "Nearest shelters")],
                     response: .geoJSON(Schema.ref("Feature"))) { call in
                let k = try call.params.int("k")
                let code = try call.path("code")

                let snapshot = service.snapshot
                let grid = try snapshot.grid(code: code)
                let hazards = try snapshot.features(.hazards, inGrid: code, relation: .intersects)
                let centre = try GEOSContext().pointOnSurface(grid.geometry)
                let shelters = try snapshot.nearestShelters(to: centre, k: k)
                var properties = grid.feature(in: .grids).properties
                if let area = service.live.model.area(id: grid.id) {
                    properties += [JSONMember("risk_level", area.assessment.level.map { .number(Double($0.rawValue)) } ?? .null),
                                   JSONMember("colour", area.assessment.level.map { .string($0.description) } ?? .null),
                                   JSONMember("reasons", RiskModel.reasonsJSON(area.assessment.reasons))]
                }
                properties += [
                    JSONMember("hazard_count", .number(Double(hazards.count))),
                    JSONMember("hazards", .object([JSONMember("type", .string("FeatureCollection")),
                                                   JSONMember("features", .array(hazards.map { GeoJSONWriter.encode($0.feature(in: .hazards)) }))])),
                    JSONMember("nearest_shelters", .object([JSONMember("type", .string("FeatureCollection")),
                                                            JSONMember("features", .array(shelters.map { GeoJSONWriter.encode($0.feature) }))])),
                    JSONMember("shelters_measured_from", .array([.number(centre.x), .number(centre.y)])),
                ]
                return Reply.feature(Feature(id: grid.id, geometry: grid.geometry, properties: properties))
            },
        ]
    }

    /// `lon` and `lat`, both required.
    static let point: [ParameterSpec] = [.number("lon", -180...180, required: true, "Longitude, WGS84 degrees"),
                                         .number("lat", -90...90, required: true, "Latitude, WGS84 degrees")]
}
