import Foundation
import Hummingbird
import OneMap
import Logging

/// The commander's incidents over HTTP: authenticate, decode, call ``Incidents`` or
/// ``IncidentAnalyst``, encode. Roles, the lifecycle and the report chain live in the core.
extension Routes {
    /// The members that say how the affected area is made (on create and on PATCH).
    static let areaMembers: [MemberSpec] = [
        .choice("area", ["kind", "radii", "hazard", "polygon", "isochrone", "plume"],
                "How the affected area is made: kind (config/incidents.json's zones for the kind, the default), radii (radii_m), hazard (the source hazard's impact distance), polygon (zones), isochrone (minutes by road), plume (a toxic release's threat zones)"),
        .numbers("radii_m", 1...100_000, maxCount: 5, "area=radii: zone radii in metres, innermost first"),
        .area("zones", "area=polygon: a Polygon or MultiPolygon, or a FeatureCollection of them, innermost first"),
        .numbers("minutes", 0.5...240, maxCount: 5, "area=isochrone: minutes by road from the incident, innermost first"),
        .number("wind_from_deg", 0...360, "area=plume: where the wind comes from, degrees clockwise from north"),
        .number("wind_speed_ms", 0.5...50, "area=plume: wind speed at 10 m, m/s"),
        .choice("stability", GaussianPlume.Stability.allCases.map(\.rawValue), "area=plume: Pasquill stability class, A (very unstable) … F (stable)"),
        .choice("surface", GaussianPlume.Surface.allCases.map(\.rawValue), "area=plume: open country (rural) or towns (urban); default from config"),
        .number("release_rate_g_s", 0.001...10_000_000, "area=plume: release rate, g/s; default from config"),
        .number("release_height_m", 0...500, "area=plume: release height, m; default from config"),
        .numbers("thresholds_mg_m3", 0.000001...1_000_000, maxCount: 3, "area=plume: red, orange, yellow concentrations in mg/m³, most severe first; default from config (chlorine AEGL-3/2/1)"),
    ]

    static let incidentID = ParameterSpec.path("id", "The incident's id")
    /// A commander's request waits this long for a slot behind tiles being drawn (the map
    /// page asks for a screenful at once) rather than being refused at once.
    static let incidentWait: Duration = .seconds(15)

    var incidentEndpoints: [Endpoint] {
        let kinds = service.incidentConfig.kindNames
        let reportMembers: [MemberSpec] = [
            MemberSpec(name: "report_type", kind: .choice(ReportKind.allCases.map(\.rawValue), default: nil), required: true,
                       description: "initial (初报), follow_up (续报), verified (核报) or final (终报), in that order"),
            .int("dead", 0...100_000_000, "Dead"), .int("injured", 0...100_000_000, "Injured"), .int("missing", 0...100_000_000, "Missing"),
            .int("trapped", 0...100_000_000, "Trapped"), .int("affected_people", 0...100_000_000, "People affected"),
            .text("measures", maxLength: 4000, "Measures taken"), .text("trend", maxLength: 200, "Trend: spreading, stable, under_control, …"),
            .text("text", maxLength: 4000, "Free text"),
        ]
        return [
            Endpoint(method: .get, path: "/incident-kinds", summary: "The kinds of incident (config/incidents.json) with their default zones and the teams they call",
                     response: .json(Schema.anyObject)) { _ in
                let config = service.incidentConfig
                return Reply.json(.object([JSONMember("kinds", .array(config.kindNames.compactMap { name in
                    config.kinds[name].map { kind in
                        .object([JSONMember("kind", .string(name)), JSONMember("label", .string(kind.label)),
                                 JSONMember("zones", .array(kind.zones.map { .object([JSONMember("name", .string($0.name)), JSONMember("radius_m", .number($0.radiusM))]) })),
                                 JSONMember("team_specialisms", .array(kind.teamSpecialisms.map(JSONValue.string))),
                                 JSONMember("plume", .bool(kind.plume ?? false))])
                    }
                }))]))
            },
            Endpoint(method: .get, path: "/incidents", summary: "Incidents, newest first, each with its place, kind, status and briefing link",
                     parameters: [.choice("status", IncidentStatus.allCases.map(\.rawValue), "Only incidents with this status")],
                     response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
                let status = try call.params.maybeString("status").flatMap(IncidentStatus.init(rawValue:))
                return Reply.features(service.incidents.list(status: status).map { $0.feature(base: call.base) })
            },
            Endpoint(method: .post, path: "/incidents",
                     summary: "Create an incident and its affected area. Needs a commander's, planner's or admin's token",
                     body: .object([
                        .text("id", maxLength: 128, "Id (default INC-YYYYMMDD-NNNN)"),
                        MemberSpec(name: "kind", kind: .choice(kinds, default: nil), required: true, description: "Kind of incident (config/incidents.json)"),
                        .text("title", maxLength: 500, "Title (default: the kind and the hazard's name)"),
                        .geometry("location", "The incident's place: a GeoJSON Point, LineString or Polygon (default: the hazard's geometry)"),
                        .text("hazard", maxLength: 128, "The hazard it started from (its id)"),
                        .text("started_at", maxLength: 64, "When it started, ISO 8601 (default: now)"),
                     ] + Self.areaMembers),
                     response: .json(Schema.anyObject, status: 201), secured: true) { call in
                let author = try call.writer
                let body = try await call.body(maxBytes: service.options.maxBodyBytes)
                let creation = Incidents.Creation(id: try body.maybeString("id"), kind: try body.maybeString("kind") ?? "", title: try body.maybeString("title"),
                                                  location: try body.geometry("location"), hazardID: try body.maybeString("hazard"),
                                                  startedAt: try body.maybeString("started_at"), area: try Self.areaRequest(body) ?? .kind)
                let accepted = try await service.heavy.run(waiting: Self.incidentWait) { try service.incidents.create(creation, by: author) }
                Self.logIncident(call.context, author, accepted, "incident created")
                return Self.created(accepted, call)
            },
            Endpoint(method: .get, path: "/incidents/{id}", summary: "One incident: its place, zones (with how each was made) and report chain",
                     parameters: [Self.incidentID], response: .json(Schema.anyObject)) { call in
                Reply.json(try service.incidents.incident(try call.path("id")).json(base: call.base))
            },
            Endpoint(method: .patch, path: "/incidents/{id}",
                     summary: "Change an incident's title, status (reported → responding → contained → closed) or affected area. Needs a commander's, planner's or admin's token",
                     parameters: [Self.incidentID],
                     body: .object([.text("title", maxLength: 500, "Title"),
                                    .choice("status", IncidentStatus.allCases.map(\.rawValue), "Status; forward only (an admin may reopen)")] + Self.areaMembers),
                     response: .json(Schema.anyObject), secured: true) { call in
                let author = try call.writer
                let id = try call.path("id")
                let body = try await call.body(maxBytes: service.options.maxBodyBytes)
                let change = Incidents.Change(title: try body.maybeString("title"), status: try body.maybeString("status").flatMap(IncidentStatus.init(rawValue:)),
                                              area: try Self.areaRequest(body))
                let accepted = try await service.heavy.run(waiting: Self.incidentWait) { try service.incidents.update(id, change, by: author) }
                Self.logIncident(call.context, author, accepted, "incident changed")
                return Reply.json(accepted.incident.json(base: call.base))
            },
            Endpoint(method: .post, path: "/incidents/{id}/reports",
                     summary: "Append a report to the chain (初报 → 续报 → 核报 → 终报); the final report closes the incident. Needs a commander's, planner's or admin's token",
                     parameters: [Self.incidentID], body: .object(reportMembers), response: .json(Schema.anyObject, status: 201), secured: true) { call in
                let author = try call.writer
                let id = try call.path("id")
                let body = try await call.body(maxBytes: service.options.maxBodyBytes)
                guard let kind = try body.maybeString("report_type").flatMap(ReportKind.init(rawValue:)) else {
                    throw Problem(.unprocessableContent, "Invalid request", "report_type: is required")
                }
                let input = Incidents.ReportInput(
                    kind: kind,
                    casualties: Casualties(dead: try body.maybeInt("dead"), injured: try body.maybeInt("injured"), missing: try body.maybeInt("missing"),
                                           trapped: try body.maybeInt("trapped")),
                    affectedPeople: try body.maybeInt("affected_people"), measures: try body.maybeString("measures"), trend: try body.maybeString("trend"),
                    text: try body.maybeString("text"))
                let accepted = try service.incidents.report(id, input, by: author)
                Self.logIncident(call.context, author, accepted, "incident report")
                return Self.created(accepted, call)
            },
            Endpoint(method: .get, path: "/incidents/{id}/history", summary: "Every logged change of an incident and its reports, oldest first",
                     parameters: [Self.incidentID], response: .json(Schema.anyObject)) { call in
                let id = try call.path("id")
                return Reply.json(.object([JSONMember("id", .string(id)), JSONMember("changes", .array(try service.incidents.history(id).map(\.json)))]))
            },
            Endpoint(method: .get, path: "/incidents/{id}/briefing",
                     summary: "The briefing: zones, residents, key targets, hazards and shelters inside, what can reach it, the evacuation plan, relief and whom to tell — a printable page, or JSON",
                     parameters: [Self.incidentID, .choice("format", ["html", "json"], default: "html", "The printable page or its figures as JSON")],
                     response: ResponseSpec(contentType: "text/html", schema: .object([JSONMember("type", .string("string"))]), alternatives: ["application/json"])) { call in
                let format = try call.params.string("format")
                let figures = try await figures(call)
                if format == "json" { return Reply.json(IncidentBriefing.json(figures, config: service.incidentConfig, base: call.base)) }
                let renderer = service.live.renderer
                return try await service.heavy.run(waiting: Self.incidentWait) {
                    Reply.html(Array(try IncidentBriefing.report(figures, config: service.incidentConfig).html(renderer: renderer).utf8))
                }
            },
            Endpoint(method: .get, path: "/incidents/{id}/notify", summary: "Whom to tell: grid workers of the affected grids, key targets and the resources reached, with contacts",
                     parameters: [Self.incidentID], response: .json(Schema.anyObject)) { call in
                let figures = try await figures(call)
                return Reply.json(IncidentBriefing.contacts(figures.contacts))
            },
            Endpoint(method: .get, path: "/incidents/{id}/notify.csv", summary: "The notification list as CSV (UTF-8 with BOM), for the call centre",
                     parameters: [Self.incidentID], response: .text("text/csv")) { call in
                let figures = try await figures(call)
                var response = Reply.bytes(Array(IncidentAnalysis.csv(figures.contacts).utf8), contentType: "text/csv; charset=utf-8")
                response.headers[.contentDisposition] = "attachment; filename=\"\(figures.incident.id)-notify.csv\""
                return response
            },
        ]
    }

    /// The incident's figures now, computed as heavy work (recomputed only where the map changed).
    private func figures(_ call: Call) async throws -> IncidentFigures {
        let incident = try service.incidents.incident(try call.path("id"))
        return try await service.heavy.run(waiting: Self.incidentWait) { try service.analyst.figures(of: incident) }
    }

    /// The affected area a body asks for, or nil when it names none.
    static func areaRequest(_ body: JSONBody) throws -> AreaRequest? {
        let method = try body.maybeString("area")
        func refuse(_ member: String, _ detail: String) -> Problem { Problem(.unprocessableContent, "Invalid request", "\(member): \(detail)") }
        let plumeMembers = ["wind_from_deg", "wind_speed_ms", "stability", "surface", "release_rate_g_s", "release_height_m", "thresholds_mg_m3"]
        let given: [(String, String)] = [("radii_m", "radii"), ("zones", "polygon"), ("minutes", "isochrone")] + plumeMembers.map { ($0, "plume") }
        for (member, wants) in given where body[member] != nil && method != wants {
            throw refuse(member, "belongs to area=\(wants)\(method.map { ", not area=\($0)" } ?? "; give \"area\": \"\(wants)\"")")
        }
        switch method {
        case nil: return nil
        case "kind": return .kind
        case "hazard": return .hazard
        case "radii":
            guard let radii = try body.numbers("radii_m") else { throw refuse("radii_m", "is required with area=radii (metres, innermost first)") }
            return .radii(radii)
        case "polygon":
            guard let value = body["zones"] else { throw refuse("zones", "is required with area=polygon") }
            if value["type"]?.stringValue == "FeatureCollection" {
                let features = value["features"]?.arrayValue ?? []
                guard !features.isEmpty else { throw refuse("zones", "the FeatureCollection is empty") }
                return .polygons(try features.map { try area($0, "zones") })
            }
            return .polygons([try area(value, "zones")])
        case "isochrone":
            guard let minutes = try body.numbers("minutes") else { throw refuse("minutes", "is required with area=isochrone") }
            return .isochrone(minutes: minutes)
        case "plume":
            guard let from = try body.maybeDouble("wind_from_deg") else { throw refuse("wind_from_deg", "is required with area=plume") }
            guard let speed = try body.maybeDouble("wind_speed_ms") else { throw refuse("wind_speed_ms", "is required with area=plume") }
            guard let stability = try body.maybeString("stability").flatMap(GaussianPlume.Stability.init(rawValue:)) else {
                throw refuse("stability", "is required with area=plume (A … F)")
            }
            return .plume(PlumeRequest(windFromDegrees: from, windSpeedMS: speed, stability: stability,
                                       surface: try body.maybeString("surface").flatMap(GaussianPlume.Surface.init(rawValue:)),
                                       releaseRateGS: try body.maybeDouble("release_rate_g_s"), releaseHeightM: try body.maybeDouble("release_height_m"),
                                       thresholdsMgM3: try body.numbers("thresholds_mg_m3")))
        case let other?: throw refuse("area", "'\(other)' is not a way to make an area")
        }
    }

    /// 201 with the incident and its address.
    static func created(_ accepted: Incidents.Accepted, _ call: Call) -> Response {
        var response = Reply.json(accepted.incident.json(base: call.base), status: .created)
        response.headers[.location] = "\(call.base)/incidents/\(escapePath(accepted.incident.id))"
        return response
    }

    static func logIncident(_ context: OneMapServer.Context, _ author: Author, _ accepted: Incidents.Accepted, _ message: Logger.Message) {
        context.logger.info(message, metadata: [
            "author": "\(author.name)", "role": "\(author.role.rawValue)", "incident": "\(accepted.incident.id)",
            "status": "\(accepted.incident.status.rawValue)", "change": "\(accepted.change)",
        ])
    }
}
