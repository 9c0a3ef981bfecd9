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
                        .int("min_room", 0...Int.max, "Free room at least (capacity − occupancy); default 1 unless status=any"),
                        .choice("status", ["open", "any"], default: "open", "open: open shelters with room (the default); any: every shelter, whatever its status and room"),
                        .number("max_distance", 0...20_000_000, "Metres"),
                     ], response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let params = call.params
                let point = try params.point()
                let classes = try params.maybeList("class") ?? [], room = try params.maybeInt("min_room")
                let criteria = try params.string("status") == "any" ? ShelterCriteria.anyStatus(classes: classes, minimumRoom: room)
                    : ShelterCriteria(classes: classes, minimumRoom: room ?? 1)
                let hits = try service.snapshot.nearestShelters(to: point, k: try params.int("k"), criteria: criteria,
                                                                maxDistance: try params.maybeDouble("max_distance") ?? .infinity)
                return Reply.features(count: hits.count, members: [JSONMember("numberReturned", .number(Double(hits.count)))]) { hits[$0].write(into: &$1) }
            },
            Endpoint(method: .get, path: "/query/within",
                     summary: "Features within a geodesic radius, nearest first; any column of the layer is also a filter. Hazards: open ones (not closed) unless status is given (status=any: all)",
                     parameters: Self.point + [
                        .choice("layer", Layer.allCases.map(\.tableName), required: true, "A layer"),
                        .number("radius", 0...100_000, required: true, "Metres"),
                        .int("limit", 1...Self.maxLimit, "Nearest ones only"),
                     ], columnFilters: .queryLayer, response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let params = call.params
                let layer = try loadedLayer(try params.string("layer"))
                let filters = layer == .hazards ? HazardStatusChoice.applied(to: params.filters()) : params.filters()
                let hits = try service.snapshot.features(layer, within: try params.double("radius"), of: try params.point(),
                                                         where: filters, limit: try params.maybeInt("limit"))
                return Reply.features(count: hits.count, members: [JSONMember("numberReturned", .number(Double(hits.count)))]) { hits[$0].write(in: layer, into: &$1) }
            },
            Endpoint(method: .post, path: "/query/batch",
                     summary: "Many points at once, on every core: for each point of the body, the k nearest features of a layer (op=nearest; shelters: open with room unless status=any) or those within a radius (op=within), as id, distance and bearing — the same answers as one query per point, in the points' order",
                     parameters: [
                        .choice("op", ["nearest", "within"], default: "nearest", "nearest: the k nearest of each point; within: those within radius of each point, nearest first"),
                        .choice("layer", Layer.allCases.map(\.tableName), default: Layer.shelters.tableName, "A layer"),
                        .int("k", 1...100, default: 3, "op=nearest: features per point"),
                        .number("radius", 0...100_000, "op=within: metres (required there)"),
                        .int("limit", 1...Self.maxLimit, "op=within: nearest ones only, per point"),
                        .number("max_distance", 0...20_000_000, "op=nearest: metres"),
                        .list("class", "Shelters: classes, e.g. I,II"),
                        .int("min_room", 0...Int.max, "Shelters: free room at least (default 1 unless status=any)"),
                     ], columnFilters: .queryLayer,
                     body: .object([.coordinates("points", maxCount: Self.maxBatchPoints, required: true, "The points, [[lon, lat], …], WGS84 degrees")]),
                     response: .json(Schema.anyObject)) { call in
                let params = call.params
                let layer = try loadedLayer(try params.string("layer"))
                let body = try await call.body(maxBytes: Self.maxBatchBodyBytes)
                guard let points = try body.coordinates("points") else { throw Problem.badParameter("points", "is required: [[lon, lat], …]") }
                let snapshot = service.snapshot
                let filters = layer == .hazards ? HazardStatusChoice.applied(to: params.filters()) : params.filters()
                let within = try params.string("op") == "within"
                // Work on both cores: a heavy-work slot, like any CPU-bound request.
                return try await service.heavy.run {
                    if within {
                        guard let radius = try params.maybeDouble("radius") else { throw Problem.badParameter("radius", "is required with op=within") }
                        let answers = try snapshot.features(layer, within: radius, of: points, where: filters, limit: try params.maybeInt("limit"))
                        return Self.batchAnswer(points.count, answers) { hit, out, first in _ = (hit, out, first) }
                    }
                    let k = try params.int("k"), maxDistance = try params.maybeDouble("max_distance") ?? .infinity
                    if layer == .shelters {
                        // Shelters: open ones with room unless a status is asked for (status=any: all).
                        var filters = params.filters()
                        let asked = filters.first { $0.column == "status" }
                        if case .oneOf(["any"])? = asked?.test { filters.removeAll { $0.column == "status" } }
                        let classes = try params.maybeList("class") ?? [], room = try params.maybeInt("min_room")
                        let criteria = asked == nil ? ShelterCriteria(classes: classes, minimumRoom: room ?? 1, filters: filters)
                            : ShelterCriteria.anyStatus(classes: classes, minimumRoom: room, filters: filters)
                        let answers = try snapshot.nearestShelters(to: points, k: k, criteria: criteria, maxDistance: maxDistance)
                        return Self.batchAnswer(points.count, answers.map { $0.map(\.hit) }) { hit, out, first in
                            if let room = ShelterHit.of(hit).room { Hit.member("room_persons", Double(room), into: &out, first: &first) }
                        }
                    }
                    let answers = try snapshot.nearest(layer, to: points, k: k, maxDistance: maxDistance, where: filters)
                    return Self.batchAnswer(points.count, answers) { hit, out, first in _ = (hit, out, first) }
                }
            },
            Endpoint(method: .post, path: "/query/inside",
                     summary: "Features of a layer within or meeting an area (body: a GeoJSON polygon as zone, or centre and radius); any column of the layer is also a filter (COLUMN=V1,V2, COLUMN>=N, COLUMN<=N). Hazards: open ones unless status is given (status=any: all)",
                     parameters: [
                        .choice("layer", Layer.allCases.map(\.tableName), required: true, "A layer"),
                        .choice("relation", SpatialRelation.allCases.map(\.rawValue), default: SpatialRelation.intersects.rawValue,
                                "within: wholly inside; intersects: sharing a point with the area"),
                        .int("limit", 1...Self.maxLimit, default: Self.maxLimit, "Most features answered"),
                     ], columnFilters: .queryLayer, body: .object(Self.zoneMembers),
                     response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let params = call.params
                let layer = try loadedLayer(try params.string("layer"))
                let body = try await call.body(maxBytes: service.options.maxBodyBytes)
                guard let area = try Self.zone(body, required: true) else { throw Problem(.unprocessableContent, "Invalid zone", "a zone is required") }
                let filters = layer == .hazards ? HazardStatusChoice.applied(to: params.filters()) : params.filters()
                guard let relation = SpatialRelation(rawValue: try params.string("relation")) else { throw Problem.badParameter("relation", "is not within or intersects") }
                let hits = try service.snapshot.features(layer, inside: area, relation: relation, where: filters)
                let limit = try params.int("limit")
                return Reply.features(hits.prefix(limit).map { $0.feature(in: layer) }, members: [
                    JSONMember("numberMatched", .number(Double(hits.count))), JSONMember("numberReturned", .number(Double(min(limit, hits.count)))),
                ])
            },
            Endpoint(method: .get, path: "/query/nearest-by-time",
                     summary: "The k features of a layer soonest reached by road, to the point (direction=to: fire stations, rescue teams driving to an incident) or from it (from: shelters, hospitals), each with its route's seconds and metres; one search ranks them all. Safe defaults: shelters open with room, facilities in service, hazards open, unless status is given (status=any: all); any column is also a filter (kind=fire_station)",
                     parameters: Self.point + [
                        .choice("layer", Layer.allCases.map(\.tableName), required: true, "A layer"),
                        .int("k", 1...50, default: 3, "Features to answer"),
                        .choice("direction", NearestByTime.Direction.allCases.map(\.rawValue), default: "to", "to: from each feature to the point; from: from the point to each"),
                        .choice("profile", ["drive", "walk"], default: "drive", "Road profile"),
                        .number("max_minutes", 0.1...600, default: 120, "Features farther than this are not answered"),
                     ], columnFilters: .queryLayer, response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let params = call.params
                let layer = try loadedLayer(try params.string("layer"))
                guard let direction = NearestByTime.Direction(rawValue: try params.string("direction")) else { throw Problem.badParameter("direction", "is not to or from") }
                let profile = try params.string("profile")
                guard let graph = try service.roadGraph(profile), graph.pieceCount > 0 else { throw Problem.notFound("the data has no roads the \(profile) profile may use") }
                let point = try params.point(), k = try params.int("k"), limit = try params.double("max_minutes") * 60
                let candidates = try NearestByTime.candidates(service.snapshot, layer: layer, where: params.filters())
                return try await service.heavy.run {
                    let found = try NearestByTime.find(point, direction: direction, candidates: candidates, k: k, graph: graph, limit: limit)
                    return Reply.features(found.map { $0.feature(layer: layer, direction: direction) }, members: [
                        JSONMember("numberReturned", .number(Double(found.count))), JSONMember("candidates", .number(Double(candidates.count))),
                    ])
                }
            },
            Endpoint(method: .get, path: "/query/population",
                     summary: "Residents inside a circle, grid by grid with each grid's share, from the planner's resident samples (a grid partly inside counts the residents inside)",
                     parameters: [.pair("centre", required: true, "Centre of the circle, lon,lat"),
                                  .number("radius", 1...100_000, required: true, "Radius, metres")],
                     response: .json(Schema.anyObject)) { call in
                guard let zone = try Self.zone(call.params) else { throw Problem.badParameter("centre", "is required") }
                return try await populationAnswer(zone)
            },
            Endpoint(method: .post, path: "/query/population",
                     summary: "The same for any area: a GeoJSON polygon as zone, or centre and radius",
                     body: .object(Self.zoneMembers), response: .json(Schema.anyObject)) { call in
                let body = try await call.body(maxBytes: service.options.maxBodyBytes)
                guard let zone = try Self.zone(body, required: true) else { throw Problem(.unprocessableContent, "Invalid zone", "a zone is required") }
                return try await populationAnswer(zone)
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

    /// Residents inside `zone` from the resident samples (built on first use: heavy work).
    private func populationAnswer(_ zone: Geometry) async throws -> Response {
        guard service.snapshot.loadedLayers.contains(.grids) else { throw Problem.notFound("the data has no grids layer: no residents to count") }
        return try await service.heavy.run {
            let samples = try service.residentSamples()
            try WorkBudget.checkCurrent()
            return Reply.json(try Population.json(inside: zone, samples: samples))
        }
    }

    /// The loaded layer named `name` (404 naming the layers there are).
    private func loadedLayer(_ name: String) throws -> Layer {
        guard let layer = Layer(name: name), service.snapshot.loadedLayers.contains(layer) else {
            throw Problem.notFound("no layer '\(name)'; the layers are \(service.snapshot.loadedLayers.map(\.tableName).joined(separator: ", "))")
        }
        return layer
    }

    /// `lon` and `lat`, both required.
    /// Most points one batch request takes, and the body that many may need.
    static let maxBatchPoints = 10_000
    static let maxBatchBodyBytes = 64 * maxBatchPoints

    /// A batch's answer: `{"numberOfPoints":N,"results":[[{"id":…,"distance_m":…,"bearing_deg":…,…},…],…]}`,
    /// one list per point in the body's order, written straight into the bytes.
    static func batchAnswer(_ count: Int, _ answers: [[Hit]], more: (Hit, inout [UInt8], inout Bool) -> Void) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + answers.reduce(0) { $0 + 80 * $1.count + 3 })
        bytes.append(contentsOf: #"{"numberOfPoints":"#.utf8)
        JSONWriter.writeInteger(Int64(count), into: &bytes)
        bytes.append(contentsOf: #","results":["#.utf8)
        for (i, hits) in answers.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            for (j, hit) in hits.enumerated() {
                if j > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: #"{"id":"#.utf8)
                JSONWriter.writeString(hit.record.id, into: &bytes)
                var first = false
                if let distance = hit.distance { Hit.member("distance_m", (distance * 1000).rounded() / 1000, into: &bytes, first: &first) }
                if let bearing = hit.bearing { Hit.member("bearing_deg", (bearing * 100).rounded() / 100, into: &bytes, first: &first) }
                more(hit, &bytes, &first)
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(contentsOf: "]}".utf8)
        return Reply.bytes(bytes, contentType: "application/json")
    }

    static let point: [ParameterSpec] = [.number("lon", -180...180, required: true, "Longitude, WGS84 degrees"),
                                         .number("lat", -90...90, required: true, "Latitude, WGS84 degrees")]
}
