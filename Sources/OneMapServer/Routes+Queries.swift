import Foundation
import Hummingbird
import OneMap

/// Spatial queries: nearest shelters, features within a radius, everything about a grid.
extension Routes {
    func registerQueries() {
        resource("/query/nearest-shelter", [.get: { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["lon", "lat", "k", "class", "minCapacity", "open", "maxDistance"])
            let point = try params.point()
            let k = try params.int("k", in: 1...100, default: 3)
            let criteria = ShelterCriteria(classes: try params.list("class") ?? [],
                                           openOnly: try params.bool("open") ?? false,
                                           minimumRoom: try params.int("minCapacity", in: 0...Int.max))
            let maxDistance = try params.double("maxDistance", in: 0...20_000_000, default: .infinity)
            let hits = try service.snapshot.nearestShelters(to: point, k: k, criteria: criteria, maxDistance: maxDistance)
            return Reply.features(hits.map(\.feature), members: [JSONMember("numberReturned", .number(Double(hits.count)))])
        }])

        resource("/query/within", [.get: { request, _ in
            let params = try Params(request)
            guard let name = params.string("layer") else { throw Problem.badParameter("layer", "is required") }
            guard let layer = Layer(name: name), service.snapshot.loadedLayers.contains(layer) else {
                throw Problem.notFound("no layer '\(name)'; the layers are \(service.snapshot.loadedLayers.map(\.tableName).joined(separator: ", "))")
            }
            try params.refuseUnknown(Set(["layer", "lon", "lat", "radius", "limit"]).union(layer.columns.map(\.name)))
            let point = try params.point()
            let radius = try params.requireDouble("radius", in: 0...100_000)
            let limit = try params.int("limit", in: 1...Self.maxLimit)
            let filters = try params.filters(layer)
            let hits = try service.snapshot.features(layer, within: radius, of: point, where: filters, limit: limit)
            return Reply.features(hits.map { $0.feature(in: layer) }, members: [JSONMember("numberReturned", .number(Double(hits.count)))])
        }])

        resource("/query/grid/:code", [.get: { request, context in
            let params = try Params(request)
            try params.refuseUnknown(["k"])
            let k = try params.int("k", in: 1...50, default: 3)
            let code = try Params.path("code", context)
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
        }])
    }
}
