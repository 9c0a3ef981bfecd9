import Foundation
import Hummingbird
import OneMap

/// Routes on the road network: a route, evacuation to shelters, the evacuation plan of a
/// danger zone, service areas, fire-station coverage.
extension Routes {
    func registerRouting() {
        resource("/route", [
            .get: { request, _ in
                let params = try Params(request)
                try params.refuseUnknown(["from", "to", "by", "profile", "avoid"])
                let avoid: [Geometry] = switch params.string("avoid") {
                case nil: []
                case "red": redCells()
                case let other?: throw Problem.badParameter("avoid", "'\(other)' is not offered: use avoid=red (red risk cells) or POST a polygon")
                }
                return try routeAnswer(from: try Self.pair(params.require("from"), "from"), to: try Self.pair(params.require("to"), "to"),
                                       by: try params.choice("by", ["time", "distance"]), profile: try params.choice("profile", ["drive", "walk"]), avoid: avoid)
            },
            .post: { request, _ in
                let body = try await JSONBody.read(request, maxBytes: service.options.maxBodyBytes)
                try body.refuseUnknown(["from", "to", "avoid", "avoid_red", "by", "profile"])
                var avoid: [Geometry] = try body["avoid"].map { [try Self.area($0, "avoid")] } ?? []
                if try body.bool("avoid_red") == true { avoid += redCells() }
                return try routeAnswer(from: try body.requireCoordinate("from"), to: try body.requireCoordinate("to"),
                                       by: try body.string("by"), profile: try body.string("profile"), avoid: avoid)
            },
        ])
        resource("/evacuate", [
            .get: { request, _ in
                let params = try Params(request)
                try params.refuseUnknown(["lon", "lat", "k", "minRoom", "zoneLon", "zoneLat", "zoneRadius"])
                var zone: Geometry?
                if let radius = try params.double("zoneRadius", in: 1...100_000) {
                    let centre = Coordinate(try params.requireDouble("zoneLon", in: -180...180), try params.requireDouble("zoneLat", in: -90...90))
                    zone = DangerZone.circle(centre: centre, radius: radius)
                } else if let given = ["zoneLon", "zoneLat"].first(where: { params.string($0) != nil }) {
                    throw Problem.badParameter(given, "a danger zone needs zoneLon, zoneLat and zoneRadius together")
                }
                return try evacuateAnswer(from: try params.point(), zone: zone, k: try params.int("k", in: 1...20, default: 1),
                                          minimumRoom: try params.int("minRoom", in: 1...Self.maxPersons, default: 1))
            },
            .post: { request, _ in
                let body = try await JSONBody.read(request, maxBytes: service.options.maxBodyBytes)
                try body.refuseUnknown(["from", "zone", "centre", "center", "radius", "k", "min_room"])
                return try evacuateAnswer(from: try body.requireCoordinate("from"), zone: try Self.zone(body, required: false),
                                          k: try body.int("k", in: 1...20, default: 1), minimumRoom: try body.int("min_room", in: 1...Self.maxPersons, default: 1))
            },
        ])
        resource("/evacuation-plan", [.post: { request, _ in
            let body = try await JSONBody.read(request, maxBytes: service.options.maxBodyBytes)
            try body.refuseUnknown(["zone", "centre", "center", "radius"])
            guard let zone = try Self.zone(body, required: true) else { throw Problem(.unprocessableContent, "Invalid zone", "a zone is required") }
            let graph = try drive()
            let snapshot = service.snapshot
            return try await service.heavy.run {
                let (plan, origins, destinations) = try Evacuation.plan(zone: zone, graph: graph, snapshot: snapshot)
                let routes = try Evacuation.routes(of: plan, origins: origins, destinations: destinations, zone: zone, graph: graph)
                return Reply.json(plan.json(origins: origins, destinations: destinations, routes: routes))
            }
        }])
        resource("/isochrone", [.get: { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["lon", "lat", "minutes", "profile"])
            let point = try params.point()
            let minutes = try params.double("minutes", in: 0.1...600, default: 5)
            let graph = try self.graph(try params.choice("profile", ["drive", "walk"]))
            return try await service.heavy.run {
                let costs = graph.costs(from: [try graph.snap(point)], limit: minutes * 60)
                try WorkBudget.checkCurrent()
                guard let area = try graph.serviceArea(nodeCosts: costs, limit: minutes * 60) else {
                    throw Problem.notFound("no road is reachable from that point")
                }
                return Reply.feature(Feature(id: nil, geometry: area, properties: [JSONMember("minutes", .number(minutes)),
                                                                                   JSONMember("profile", .string(graph.profile.name))]))
            }
        }])
        resource("/coverage/fire", [.get: { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["minutes"])
            let minutes = try params.double("minutes", in: 0.5...120, default: 5)
            let graph = try drive(), snapshot = service.snapshot
            let result = try await service.heavy.run {
                let result = try FireCoverage.compute(graph: graph, snapshot: snapshot, minutes: minutes)
                try WorkBudget.checkCurrent()
                return result
            }
            let features = result.cells.map(\.feature)
            return Reply.features(features, members: [
                JSONMember("minutes", .number(minutes)), JSONMember("fire_stations", .number(Double(result.stations))),
                JSONMember("grids_outside", .number(Double(result.cells.filter { !$0.covered }.count))),
                JSONMember("residents_outside", .number(Double(result.residentsOutside))),
            ])
        }])
    }

    private func drive() throws -> RoadGraph { try graph(nil) }

    private func graph(_ profile: String?) throws -> RoadGraph {
        let name = profile ?? "drive"
        guard let graph = try service.roadGraph(name) else { throw Problem.badParameter("profile", "'\(name)' is not offered: drive or walk") }
        guard graph.pieceCount > 0 else { throw Problem.notFound("the data has no roads the \(name) profile may use") }
        return graph
    }

    private func redCells() -> [Geometry] {
        let model = service.live.model
        return model.areas.indices.filter { model.assessments[$0].level == .red }.map { model.areas[$0].geometry }
    }

    private func routeAnswer(from: Coordinate, to: Coordinate, by: String?, profile: String?, avoid: [Geometry]) throws -> Response {
        guard let metric = RouteMetric(rawValue: by ?? "time") else { throw Problem.badParameter("by", "'\(by ?? "")' is not time or distance") }
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

    /// A lon,lat pair from text ("109.78,39.6").
    static func pair(_ text: String, _ name: String) throws -> Coordinate {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lon = parts[0], let lat = parts[1], lon.isFinite, lat.isFinite else {
            throw Problem.badParameter(name, "'\(text)' is not lon,lat")
        }
        guard (-180...180).contains(lon), (-90...90).contains(lat) else {
            throw Problem.badParameter(name, "lon must lie in -180…180 and lat in -90…90")
        }
        return Coordinate(lon, lat)
    }

    /// A GeoJSON area of a body member (`zone`, `avoid`): 422 naming the member when unusable.
    static func area(_ value: JSONValue, _ name: String) throws -> Geometry {
        do { return try DangerZone.polygons(in: value) } catch { throw Problem(.unprocessableContent, "Invalid \(name)", "\(name): \(error)") }
    }

    /// The danger zone of a request body: `zone` (GeoJSON) or `centre` + `radius`.
    static func zone(_ body: JSONBody, required: Bool) throws -> Geometry? {
        if let zone = body["zone"] { return try area(zone, "zone") }
        let centreName = body["centre"] != nil ? "centre" : "center"
        if let centre = try body.coordinate(centreName) {
            guard let radius = try body.double("radius", in: 1...100_000) else {
                throw Problem(.unprocessableContent, "Invalid zone", "radius: metres in 1…100,000 are required with \(centreName)")
            }
            return DangerZone.circle(centre: centre, radius: radius)
        }
        if body["radius"] != nil { throw Problem(.unprocessableContent, "Invalid zone", "radius: needs \"centre\": [lon, lat]") }
        if required { throw Problem(.unprocessableContent, "Invalid zone", "give \"zone\" (a GeoJSON polygon) or \"centre\": [lon, lat] and \"radius\"") }
        return nil
    }
}
