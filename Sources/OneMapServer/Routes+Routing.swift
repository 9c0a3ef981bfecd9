import Foundation
import Hummingbird
import OneMap

/// Routes on the road network: a route, evacuation to shelters, the evacuation plan of a
/// danger zone, service areas, fire-station coverage.
extension Routes {
    static let zoneMembers: [MemberSpec] = [
        .area("zone", "The danger zone: a GeoJSON Polygon or MultiPolygon (or a Feature or FeatureCollection of them)"),
        .coordinate("centre", "Centre of a circular danger zone, [lon, lat] (with radius)"),
        .number("radius", 1...100_000, "Radius of the circular danger zone, metres"),
    ]

    /// The same zone in GET parameters: `centre=lon,lat&radius=METRES`.
    static let zoneParameters: [ParameterSpec] = [
        .pair("centre", "Centre of a circular danger zone, lon,lat (with radius)"),
        .number("radius", 1...100_000, "Radius of the circular danger zone, metres (with centre)"),
    ]

    static let avoidChoice = "red: also avoid the red cells of the one map"

    var routingEndpoints: [Endpoint] {
        [
        Endpoint(method: .get, path: "/route", summary: "Fastest (or shortest) route by road, as a GeoJSON LineString with seconds and metres",
                 parameters: [.pair("from", required: true, "Start, lon,lat"), .pair("to", required: true, "End, lon,lat"),
                              .choice("by", ["time", "distance"], default: "time", "Fastest or shortest"),
                              .choice("profile", ["drive", "walk"], default: "drive", "Road profile"),
                              .choice("avoid", ["red"], Self.avoidChoice)] + Self.zoneParameters,
                 response: .geoJSON(Schema.ref("Feature"))) { call in
            let params = call.params
            var avoid: [Geometry] = try params.maybeString("avoid") == "red" ? redCells() : []
            if let zone = try Self.zone(params) { avoid.append(zone) }
            return try routeAnswer(from: try params.pair("from"), to: try params.pair("to"), by: try params.string("by"),
                                   profile: try params.string("profile"), avoid: avoid)
        },
        Endpoint(method: .post, path: "/route", summary: "A route around a danger zone (any polygon, or centre and radius)",
                 body: .object([
                    .coordinate("from", required: true, "Start, [lon, lat]"), .coordinate("to", required: true, "End, [lon, lat]"),
                 ] + Self.zoneMembers + [
                    .choice("avoid", ["red"], Self.avoidChoice),
                    .choice("by", ["time", "distance"], default: "time", "Fastest or shortest"),
                    .choice("profile", ["drive", "walk"], default: "drive", "Road profile"),
                 ]), response: .geoJSON(Schema.ref("Feature"))) { call in
            let body = try await call.body(maxBytes: service.options.maxBodyBytes)
            var avoid: [Geometry] = try Self.zone(body, required: false).map { [$0] } ?? []
            if try body.maybeString("avoid") == "red" { avoid += redCells() }
            return try routeAnswer(from: try body.requireCoordinate("from"), to: try body.requireCoordinate("to"),
                                   by: try body.maybeString("by") ?? "time", profile: try body.maybeString("profile") ?? "drive", avoid: avoid)
        },
        Endpoint(method: .get, path: "/evacuate", summary: "The shelters with room reached soonest by road, leaving a circular danger zone",
                 parameters: Self.point + [
                    .int("k", 1...20, default: 1, "Shelters to answer"), .int("min_room", 1...Self.maxPersons, default: 1, "Room needed (persons)"),
                 ] + Self.zoneParameters, response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
            let params = call.params
            return try evacuateAnswer(from: try params.point(), zone: try Self.zone(params), k: try params.int("k"), minimumRoom: try params.int("min_room"))
        },
        Endpoint(method: .post, path: "/evacuate", summary: "The same with any danger zone",
                 body: .object([.coordinate("from", required: true, "Start, [lon, lat]")] + Self.zoneMembers + [
                    .int("k", 1...20, default: 1, "Shelters to answer"), .int("min_room", 1...Self.maxPersons, default: 1, "Room needed (persons)"),
                 ]), response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
            let body = try await call.body(maxBytes: service.options.maxBodyBytes)
            return try evacuateAnswer(from: try body.requireCoordinate("from"), zone: try Self.zone(body, required: false),
                                      k: try body.int("k"), minimumRoom: try body.int("min_room"))
        },
        Endpoint(method: .post, path: "/evacuation-plan",
                 summary: "Evacuation plan of a danger zone: per grid its shelter, persons, minutes and route; per shelter its load; who cannot be placed",
                 body: .object(Self.zoneMembers), response: .json(Schema.anyObject)) { call in
            let body = try await call.body(maxBytes: service.options.maxBodyBytes)
            guard let zone = try Self.zone(body, required: true) else { throw Problem(.unprocessableContent, "Invalid zone", "a zone is required") }
            let graph = try drive()
            let snapshot = service.snapshot
            return try await service.heavy.run {
                // Residents where they are: the planner's samples, so a grid partly inside sends those inside.
                let samples = try service.residentSamples()
                let (plan, origins, destinations) = try Evacuation.plan(zone: zone, graph: graph, snapshot: snapshot, samples: samples)
                let routes = try Evacuation.routes(of: plan, origins: origins, destinations: destinations, zone: zone, graph: graph)
                return Reply.json(plan.json(origins: origins, destinations: destinations, routes: routes))
            }
        },
        Endpoint(method: .get, path: "/isochrone", summary: "The area reachable within some minutes, as a polygon",
                 parameters: Self.point + [.number("minutes", 0.1...600, default: 5, "Minutes"),
                                           .choice("profile", ["drive", "walk"], default: "drive", "Road profile")],
                 response: .geoJSON(Schema.ref("Feature"))) { call in
            let params = call.params
            let point = try params.point()
            let minutes = try params.double("minutes")
            let graph = try self.graph(try params.string("profile"))
            return try await service.heavy.run {
                let area = try graph.serviceArea(from: point, seconds: minutes * 60)
                return Reply.feature(Feature(id: nil, geometry: area, properties: [JSONMember("minutes", .number(minutes)),
                                                                                   JSONMember("profile", .string(graph.profile.name))]))
            }
        },
        Endpoint(method: .get, path: "/coverage/fire", summary: "Grids beyond some minutes' drive of every fire station, with residents",
                 parameters: [.number("minutes", 0.5...120, default: 5, "Minutes' drive")], response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
            let minutes = try call.params.double("minutes")
            let graph = try drive(), walk = try service.roadGraph("walk"), snapshot = service.snapshot, standards = service.planning
            // Residents beyond reach of the fire stations: nothing to say without either layer.
            for layer in [Layer.grids, .facilities] where !snapshot.loadedLayers.contains(layer) { throw QueryError.layerNotLoaded(layer) }
            let result = try await service.heavy.run {
                // The planner's resident samples: the same figure /plan/fire gives.
                let result = try FireCoverage.compute(graph: graph, settlement: walk, snapshot: snapshot, minutes: minutes, standards: standards)
                try WorkBudget.checkCurrent()
                return result
            }
            let features = result.cells.map(\.feature)
            return Reply.features(features, members: [
                JSONMember("minutes", .number(minutes)), JSONMember("fire_stations", .number(Double(result.stations))),
                JSONMember("grids_outside", .number(Double(result.cells.filter { !$0.covered }.count))),
                JSONMember("residents_outside", .number(Double(result.residentsOutside))),
                JSONMember("residents_from", .string("resident samples: each grid's residents on a lattice by road-junction density, as the planner places them")),
            ])
        },
        ]
    }

    private func drive() throws -> RoadGraph { try graph(nil) }

    private func graph(_ profile: String?) throws -> RoadGraph {
        let name = profile ?? "drive"
        guard let graph = try service.roadGraph(name) else { throw Problem.badParameter("profile", "'\(name)' is not offered: drive or walk") }
        guard graph.pieceCount > 0 else { throw Problem.notFound("the data has no roads the \(name) profile may use") }
        return graph
    }

    private func redCells() -> [Geometry] {
        service.live.model.redAreas
    }

    private func routeAnswer(from: Coordinate, to: Coordinate, by: String, profile: String, avoid: [Geometry]) throws -> Response {
        guard let metric = RouteMetric(rawValue: by) else { throw Problem.badParameter("by", "'\(by)' is not time or distance") }
        let graph = try graph(profile)
        let blocked = try graph.pieces(meeting: avoid)
        let route = try graph.route(from: from, to: to, by: metric, blocked: blocked)
        return Reply.feature(route.feature(extra: [JSONMember("profile", .string(graph.profile.name)), JSONMember("by", .string(metric.rawValue))]))
    }

    private func evacuateAnswer(from: Coordinate, zone: Geometry?, k: Int, minimumRoom: Int) throws -> Response {
        guard (1...20).contains(k) else { throw Problem.badParameter("k", "\(k) is outside 1…20") }
        let reached = try Evacuation.best(from: from, graph: try drive(), snapshot: service.snapshot, zone: zone, minimumRoom: minimumRoom, k: k)
        guard !reached.isEmpty else { throw Problem.notFound("no open shelter with room for \(minimumRoom) can be reached by road") }
        return Reply.features(reached.map(\.feature))
    }

    /// Persons in one request (room needed): far beyond any shelter, small enough for sums.
    static let maxPersons = 10_000_000

    /// A GeoJSON area of a body member (`zone`, `avoid`): 422 naming the member when unusable.
    static func area(_ value: JSONValue, _ name: String) throws -> Geometry {
        do { return try DangerZone.polygons(in: value) } catch { throw Problem(.unprocessableContent, "Invalid \(name)", "\(name): \(error)") }
    }

    /// The danger zone of GET parameters: `centre=lon,lat` and `radius`, both or neither.
    static func zone(_ params: Params) throws -> Geometry? {
        switch (try params.maybePair("centre"), try params.maybeDouble("radius")) {
        case (let centre?, let radius?): return DangerZone.circle(centre: centre, radius: radius)
        case (nil, nil): return nil
        case (_?, nil): throw Problem.badParameter("radius", "metres in 1…100,000 are required with centre")
        case (nil, _?): throw Problem.badParameter("centre", "lon,lat is required with radius")
        }
    }

    /// The danger zone of a request body: `zone` (GeoJSON) or `centre` + `radius`, not both.
    static func zone(_ body: JSONBody, required: Bool) throws -> Geometry? {
        if let zone = body["zone"] {
            if body["centre"] != nil || body["radius"] != nil {
                throw Problem(.unprocessableContent, "Invalid zone", "zone: give zone (a GeoJSON polygon) or centre and radius, not both")
            }
            return try area(zone, "zone")
        }
        if let centre = try body.coordinate("centre") {
            guard let radius = try body.maybeDouble("radius") else {
                throw Problem(.unprocessableContent, "Invalid zone", "radius: metres in 1…100,000 are required with centre")
            }
            return DangerZone.circle(centre: centre, radius: radius)
        }
        if body["radius"] != nil { throw Problem(.unprocessableContent, "Invalid zone", "radius: needs \"centre\": [lon, lat]") }
        if required { throw Problem(.unprocessableContent, "Invalid zone", "give \"zone\" (a GeoJSON polygon) or \"centre\": [lon, lat] and \"radius\"") }
        return nil
    }
}
