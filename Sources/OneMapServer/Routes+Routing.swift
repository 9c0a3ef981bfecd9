import Foundation
import Hummingbird
import OneMap

/// Routes on the road network: a route, evacuation to shelters, the evacuation plan of a
/// danger zone, service areas, fire-station coverage.
extension Routes {
    func registerRouting() {
        resource("/route", [
            .get: { request, _ in
                let params = Params(request)
                try params.refuseUnknown(["from", "to", "by", "profile", "avoid"])
                let avoid: [Geometry] = switch params.string("avoid") {
                case nil: []
                case "red": redCells()
                case let other?: throw Problem.badParameter("avoid", "'\(other)' is not offered: use avoid=red (red risk cells) or POST a polygon")
                }
                return try routeAnswer(from: try Self.pair(params.require("from"), "from"), to: try Self.pair(params.require("to"), "to"),
                                       by: params.string("by"), profile: params.string("profile"), avoid: avoid)
            },
            .post: { request, _ in
                let body = try await Self.json(request, maxBytes: service.options.maxBodyBytes)
                var avoid: [Geometry] = try body["avoid"].map { [try DangerZone.polygons(in: $0)] } ?? []
                if body["avoid_red"] == .bool(true) { avoid += redCells() }
                return try routeAnswer(from: try Self.pair(body["from"], "from"), to: try Self.pair(body["to"], "to"),
                                       by: body["by"]?.stringValue, profile: body["profile"]?.stringValue, avoid: avoid)
            },
        ])
        resource("/evacuate", [
            .get: { request, _ in
                let params = Params(request)
                try params.refuseUnknown(["lon", "lat", "k", "minRoom", "zoneLon", "zoneLat", "zoneRadius"])
                var zone: Geometry?
                if params.string("zoneRadius") != nil {
                    let centre = Coordinate(try params.double("zoneLon", in: -180...180) ?? 0, try params.double("zoneLat", in: -90...90) ?? 0)
                    zone = DangerZone.circle(centre: centre, radius: try params.double("zoneRadius", in: 1...100_000)!)
                }
                return try evacuateAnswer(from: try params.point(), zone: zone, k: try params.int("k", in: 1...20, default: 1)!,
                                          minimumRoom: try params.int("minRoom", in: 1...Int.max, default: 1)!)
            },
            .post: { request, _ in
                let body = try await Self.json(request, maxBytes: service.options.maxBodyBytes)
                return try evacuateAnswer(from: try Self.pair(body["from"], "from"), zone: try Self.zone(body, required: false),
                                          k: Int(body["k"]?.numberValue ?? 1), minimumRoom: Int(body["min_room"]?.numberValue ?? 1))
            },
        ])
        resource("/evacuation-plan", [.post: { request, _ in
            let body = try await Self.json(request, maxBytes: service.options.maxBodyBytes)
            let zone = try Self.zone(body, required: true)!
            let graph = try drive()
            let snapshot = service.snapshot
            let (plan, origins, destinations) = try Evacuation.plan(zone: zone, graph: graph, snapshot: snapshot)
            let routes = try Evacuation.routes(of: plan, origins: origins, destinations: destinations, zone: zone, graph: graph)
            return Reply.json(plan.json(origins: origins, destinations: destinations, routes: routes))
        }])
        resource("/isochrone", [.get: { request, _ in
            let params = Params(request)
            try params.refuseUnknown(["lon", "lat", "minutes", "profile"])
            let point = try params.point()
            let minutes = try params.double("minutes", in: 0.1...600, default: 5)!
            let graph = try self.graph(params.string("profile"))
            let costs = graph.costs(from: [try graph.snap(point)], limit: minutes * 60)
            guard let area = try graph.serviceArea(nodeCosts: costs, limit: minutes * 60) else {
                throw Problem.notFound("no road is reachable from that point")
            }
            return Reply.feature(Feature(id: nil, geometry: area, properties: [JSONMember("minutes", .number(minutes)),
                                                                               JSONMember("profile", .string(graph.profile.name))]))
        }])
        resource("/coverage/fire", [.get: { request, _ in
            let params = Params(request)
            try params.refuseUnknown(["minutes"])
            let minutes = try params.double("minutes", in: 0.5...120, default: 5)!
            let result = try FireCoverage.compute(graph: try drive(), snapshot: service.snapshot, minutes: minutes)
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

    /// A lon,lat pair from text ("109.78,39.6") or a JSON array.
    static func pair(_ text: String, _ name: String) throws -> Coordinate {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lon = parts[0], let lat = parts[1] else { throw Problem.badParameter(name, "'\(text)' is not lon,lat") }
        return try checked(Coordinate(lon, lat), name)
    }

    static func pair(_ value: JSONValue?, _ name: String) throws -> Coordinate {
        guard let items = value?.arrayValue, items.count == 2, let lon = items[0].numberValue, let lat = items[1].numberValue else {
            throw Problem(.unprocessableContent, "Invalid request", "\(name) must be [lon, lat]")
        }
        return try checked(Coordinate(lon, lat), name)
    }

    static func checked(_ c: Coordinate, _ name: String) throws -> Coordinate {
        guard (-180...180).contains(c.x), (-90...90).contains(c.y) else {
            throw Problem.badParameter(name, "lon must lie in -180…180 and lat in -90…90")
        }
        return c
    }

    /// The danger zone of a request body: `zone` (GeoJSON) or `centre` + `radius`.
    static func zone(_ body: JSONValue, required: Bool) throws -> Geometry? {
        if let zone = body["zone"] {
            do { return try DangerZone.polygons(in: zone) } catch { throw Problem(.unprocessableContent, "Invalid zone", "\(error)") }
        }
        if let centre = body["centre"] ?? body["center"] {
            guard let radius = body["radius"]?.numberValue, radius > 0, radius <= 100_000 else {
                throw Problem(.unprocessableContent, "Invalid zone", "radius must be metres in 0…100,000")
            }
            return DangerZone.circle(centre: try pair(centre, "centre"), radius: radius)
        }
        if required { throw Problem(.unprocessableContent, "Invalid zone", "give \"zone\" (a GeoJSON polygon) or \"centre\": [lon, lat] and \"radius\"") }
        return nil
    }

    static func json(_ request: Request, maxBytes: Int) async throws -> JSONValue {
        if let type = request.headers[.contentType], !type.contains("json") {
            throw Problem(.unsupportedMediaType, "Unsupported media type", "send JSON, not \(type)")
        }
        var request = request
        let bytes = [UInt8](buffer: try await request.collectBody(upTo: maxBytes))
        do {
            let value = try JSONParser(ByteStream(bytes: bytes)).parseValue()
            guard case .object = value else { throw Problem(.unprocessableContent, "Invalid request", "the body must be a JSON object") }
            return value
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(.badRequest, "Malformed JSON", "\(error)")
        }
    }
}
