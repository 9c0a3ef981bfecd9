import Foundation
import Hummingbird
import NIOCore
import OneMap
import OneMapWeb

/// In the field and live: photos, supervision, the live feed, who a token is, and the grid
/// worker's and the dashboard's pages. Handlers decode and call the core.
extension Routes {
    /// A photo's place and a report's sequence number: 1 for the first.
    static let numberRange = 1...1_000_000
    static let positionParameter = ParameterSpec.path("n", .integer(numberRange, default: nil), "The photo's place in the list, 1 for the first")
    static let sequenceParameter = ParameterSpec.path("sequence", .integer(numberRange, default: nil), "The report's sequence number, 1 for the first")

    var fieldEndpoints: [Endpoint] {
        let listSpec = ResponseSpec.json(Schema.anyObject)
        let photoFile = ResponseSpec.files(["image/jpeg", "image/png"])
        return [
            Endpoint(method: .post, path: "/collections/{layer}/items/{id}/media",
                     summary: "Add a photo to a hazard (JPEG or PNG body, checked by its bytes; EXIF place and time kept, the rest of the metadata stripped; 413 over the size limit). Needs a token; a grid worker only in their grid. Idempotency-Key makes a retry store it once",
                     parameters: [Self.layerParameter, Self.idParameter], body: .image, response: .json(Schema.anyObject, status: 201), secured: true) { call in
                let layer = try pathLayer(call.context)
                guard layer == .hazards else { throw Problem.notFound("photos are taken of hazards; '\(layer)' takes none") }
                return try await attach(call, to: .hazard(try call.path("id")), link: "\(call.base)/collections/hazards/items/\(Self.escapePath(try call.path("id")))/media")
            },
            Endpoint(method: .get, path: "/collections/{layer}/items/{id}/media", summary: "A hazard's photos, in the order they were added",
                     parameters: [Self.layerParameter, Self.idParameter], response: listSpec) { call in
                let layer = try pathLayer(call.context)
                guard layer == .hazards else { throw Problem.notFound("photos are taken of hazards; '\(layer)' takes none") }
                let id = try call.path("id")
                return try photoList(.hazard(id), link: "\(call.base)/collections/hazards/items/\(Self.escapePath(id))/media")
            },
            Endpoint(method: .get, path: "/collections/{layer}/items/{id}/media/{n}", summary: "One photo of a hazard (its bytes)",
                     parameters: [Self.layerParameter, Self.idParameter, Self.positionParameter], response: photoFile) { call in
                let layer = try pathLayer(call.context)
                guard layer == .hazards else { throw Problem.notFound("photos are taken of hazards; '\(layer)' takes none") }
                return try photoBytes(.hazard(try call.path("id")), call)
            },
            Endpoint(method: .post, path: "/incidents/{id}/reports/{sequence}/media",
                     summary: "Add a photo to an incident report (JPEG or PNG). Needs a commander's, planner's or admin's token",
                     parameters: [Self.idParameter, Self.sequenceParameter], body: .image, response: .json(Schema.anyObject, status: 201), secured: true) { call in
                let (id, sequence) = (try call.path("id"), try reportSequence(call))
                return try await attach(call, to: .incidentReport(incident: id, sequence: sequence),
                                        link: "\(call.base)/incidents/\(Self.escapePath(id))/reports/\(sequence)/media")
            },
            Endpoint(method: .get, path: "/incidents/{id}/reports/{sequence}/media", summary: "An incident report's photos",
                     parameters: [Self.idParameter, Self.sequenceParameter], response: listSpec) { call in
                let (id, sequence) = (try call.path("id"), try reportSequence(call))
                return try photoList(.incidentReport(incident: id, sequence: sequence), link: "\(call.base)/incidents/\(Self.escapePath(id))/reports/\(sequence)/media")
            },
            Endpoint(method: .get, path: "/incidents/{id}/reports/{sequence}/media/{n}", summary: "One photo of an incident report (its bytes)",
                     parameters: [Self.idParameter, Self.sequenceParameter, Self.positionParameter], response: photoFile) { call in
                try photoBytes(.incidentReport(incident: try call.path("id"), sequence: try reportSequence(call)), call)
            },
            Endpoint(method: .get, path: "/supervision",
                     summary: "Open hazards under supervision (挂牌督办): age, due date (listed owner's, else the level's deadline), overdue flag, by grid, community and subdistrict",
                     parameters: Self.supervisionParameters, response: .json(Schema.anyObject)) { call in
                Reply.json(try await supervision(call).json)
            },
            Endpoint(method: .get, path: "/supervision.csv", summary: "The supervision list as CSV (UTF-8 with BOM), overdue first",
                     parameters: Self.supervisionParameters, response: .text("text/csv")) { call in
                var response = Reply.bytes(Array(try await supervision(call).csv.utf8), contentType: "text/csv; charset=utf-8")
                response.headers[.contentDisposition] = "attachment; filename=\"supervision.csv\""
                return response
            },
            Endpoint(method: .get, path: "/events",
                     summary: "The live one map: a Server-Sent Events stream of every change (the feature, the areas recoloured, the tile ranges to draw again, incidents); Last-Event-ID resumes from a change number",
                     parameters: [.int("after", 0...Int.max, "Resume after this change number (what Last-Event-ID says; the header wins)")],
                     response: .text("text/event-stream")) { call in
                try events(call)
            },
            Endpoint(method: .get, path: "/me", summary: "Who the token is: name, role, and a grid worker's grid with its colour and reasons",
                     response: .json(Schema.anyObject), secured: true) { call in
                Reply.json(try me(try call.writer, base: call.base))
            },
            Endpoint(method: .get, path: "/dashboard.json",
                     summary: "The dashboard's figures: areas per colour over time, hazards per status per day, open hazards by kind and age, overdue, shelters' room now",
                     response: .json(Schema.anyObject)) { _ in
                // Every hazard is read (seconds on a city): bounded like the other heavy work.
                let service = service
                return Reply.json(try await service.heavy.run(waiting: Self.incidentWait) {
                    try Dashboard.summary(snapshot: service.snapshot, model: service.live.model, store: service.store,
                                          config: service.field, mapKey: service.live.mapKey, overdue: service.live.renderer.overdue)
                })
            },
            Endpoint(method: .get, path: "/field", summary: "The grid worker's page (works offline: reports wait on the device)", response: .text("text/html")) { _ in
                Reply.html(WebAssets.fieldPage.bytes)
            },
            Endpoint(method: .get, path: "/dashboard", summary: "The dashboard page", response: .text("text/html")) { _ in
                Reply.html(WebAssets.dashboardPage.bytes)
            },
        ]
    }

    static let supervisionParameters: [ParameterSpec] = [
        .bool("overdue", "Only overdue hazards (true) or only those on time (false)"),
        .text("grid", "Only this grid code"),
        .text("community", "Only this community"),
        .text("subdistrict", "Only this subdistrict"),
        .bool("listed", "Only hazards listed for supervision with an owner (true), or not listed (false)"),
    ]

    func reportSequence(_ call: Call) throws -> Int {
        try Params.integer("sequence", try call.path("sequence"), Self.numberRange)
    }

    /// Every open hazard is read (seconds on a city): bounded like the other heavy work.
    func supervision(_ call: Call) async throws -> Supervision.Report {
        let p = call.params
        let (overdue, listed) = (try p.maybeBool("overdue"), try p.maybeBool("listed"))
        let (grid, community, subdistrict) = (try p.maybeString("grid"), try p.maybeString("community"), try p.maybeString("subdistrict"))
        let service = service
        return try await service.heavy.run(waiting: Self.incidentWait) {
            try Supervision.report(service.snapshot, config: service.field) { row in
                (overdue.map { row.overdue == $0 } ?? true) && (listed.map { (row.owner != nil) == $0 } ?? true)
                    && (grid.map { row.gridCode == $0 } ?? true) && (community.map { row.community == $0 } ?? true)
                    && (subdistrict.map { row.subdistrict == $0 } ?? true)
            }
        }
    }

    /// Reads an image body (at most the configured size: 413 in words beyond) and stores it.
    func attach(_ call: Call, to target: FieldReports.PhotoTarget, link: String) async throws -> Response {
        let author = try call.writer
        let limits = FieldReports.PhotoLimits(service.field)
        let tooLarge = { (n: Int?) in
            Problem(.contentTooLarge, "Photo too large",
                    FieldReports.PhotoError.tooLarge(n, limit: limits.maxBytes).description)
        }
        if let declared = call.request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxBytes { throw tooLarge(declared) }
        let bytes: [UInt8]
        do {
            bytes = try await JSONBody.bodyBytes(call.request, maxBytes: limits.maxBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge(nil)
        }
        let accepted = try service.reports.attachPhoto(bytes, to: target, by: author, limits: limits, requestKey: call.requestKey)
        call.context.logger.info("photo accepted", metadata: [
            "author": "\(author.name)", "target": "\(target)", "bytes": "\(accepted.photo.bytes)", "change": "\(accepted.change)", "replayed": "\(accepted.replayed)",
        ])
        var response = Reply.json(Self.photoJSON(accepted.photo, position: accepted.position, link: link), status: .created)
        response.headers[.location] = "\(link)/\(accepted.position)"
        if accepted.replayed { Call.markReplayed(&response) }
        return response
    }

    func photoList(_ target: FieldReports.PhotoTarget, link: String) throws -> Response {
        let photos = try service.reports.photos(of: target)
        return Reply.json(.object([
            JSONMember("count", .number(Double(photos.count))),
            JSONMember("photos", .array(photos.enumerated().map { Self.photoJSON($1, position: $0 + 1, link: link) })),
        ]))
    }

    func photoBytes(_ target: FieldReports.PhotoTarget, _ call: Call) throws -> Response {
        let n = try Params.integer("n", try call.path("n"), Self.numberRange)
        let (data, type) = try service.reports.photo(n, of: target)
        var response = Reply.bytes(data, contentType: type)
        // Photos never change once stored.
        response.headers[.cacheControl] = "private, max-age=86400, immutable"
        return response
    }

    static func photoJSON(_ photo: MediaTables.Photo, position: Int, link: String) -> JSONValue {
        .object(FieldReports.describe(photo, position: position) + [JSONMember("href", .string("\(link)/\(position)"))])
    }

    /// Who the token is; a grid worker also gets their grid with its colour and reasons.
    func me(_ author: Author, base: String) throws -> JSONValue {
        var members = [JSONMember("name", .string(author.name)), JSONMember("role", .string(author.role.rawValue)),
                       JSONMember("grid_code", author.grid.map(JSONValue.string) ?? .null)]
        if let code = author.grid, service.snapshot.loadedLayers.contains(.grids), let grid = try? service.snapshot.grid(code: code) {
            var feature = grid.feature(in: .grids)
            if let (_, assessment) = service.live.model.area(id: grid.id) {
                feature.properties.append(JSONMember("risk_level", assessment.level.map { .string($0.description) } ?? .null))
                feature.properties.append(JSONMember("risk_colour", assessment.level.map { .string($0.hexColour) } ?? .null))
                // Each reason with its hazard's name, as the worker knows it.
                let name = Layer.hazards.columnIndex("name")
                let reasons: [JSONValue] = assessment.reasons.map { reason in
                    let hazard = service.snapshot.feature(.hazards, id: reason.sourceID)
                    return .object([
                        JSONMember("source", .string(reason.sourceID)),
                        JSONMember("name", hazard?.value(name).string.map(JSONValue.string) ?? .null),
                        JSONMember("level", .string(reason.level.description)),
                        JSONMember("distance_m", .number(reason.distance.rounded())),
                    ])
                }
                feature.properties.append(JSONMember("reasons", .array(reasons)))
            }
            members.append(JSONMember("grid", GeoJSONWriter.encode(feature)))
        }
        return .object(members)
    }

    /// `/events`: the feed as Server-Sent Events, with a comment line every 15 seconds so
    /// proxies and the idle timeout keep the connection.
    func events(_ call: Call) throws -> Response {
        let header = call.request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
        var after: Int64?
        if let header {
            guard let n = Int64(header.trimmingCharacters(in: .whitespaces)), n >= 0 else {
                throw Problem.badParameter("Last-Event-ID", "'\(header.prefix(40))' is not a change number")
            }
            after = n
        } else if let n = try call.params.maybeInt("after") {
            after = Int64(n)
        }
        let feed = service.feed
        let resume = after
        // Full now: a 503 the client can read (the subscription itself starts with the body,
        // so a HEAD or a client that never reads the body holds no place in the feed).
        guard feed.subscriberCount < feed.limits.maxSubscribers else {
            var problem = Problem(.serviceUnavailable, "Too many listeners", ChangeFeed.FeedError.full(feed.limits.maxSubscribers).description)
            problem.retryAfter = 30
            throw problem
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            guard let subscription = try? feed.subscribe(after: resume) else {
                // Filled up between the check and now: say so in the stream and end it.
                try await writer.write(ByteBuffer(string: "retry: 30000\nevent: full\ndata: {}\n\n"))
                try await writer.finish(nil)
                return
            }
            defer { feed.unsubscribe(subscription.id) }
            try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
            for await event in subscription.stream {
                try await writer.write(ByteBuffer(string: event.frame))
            }
            try await writer.finish(nil)
        })
    }
}
