import Foundation
import Hummingbird
import OneMap

/// Reports from the field over HTTP: authenticate, decode, call ``FieldReports``, encode.
/// Every rule (where a grid worker may write, the lifecycle, server-owned fields, the
/// change log, concurrency) lives in the core.
extension Routes {
    func create(_ call: Call) async throws -> Response {
        let layer = try pathLayer(call.context)
        guard layer == FieldReports.creatable else { throw ReportError.notCreatable(layer) }
        let author = try call.writer
        let feature = try await Self.feature(from: call.request, maxBytes: service.options.maxBodyBytes)
        let accepted = try service.reports.register(feature, by: author, requestKey: call.requestKey)
        Self.logWrite(call.context, author, layer, accepted)
        var response = Self.featureReply(accepted, layer: layer, status: .created)
        response.headers[.location] = "\(call.base)/collections/\(layer)/items/\(Self.escapePath(accepted.record.id))"
        return response
    }

    func update(_ call: Call) async throws -> Response {
        let layer = try pathLayer(call.context)
        guard FieldReports.reportable.contains(layer) else { throw ReportError.readOnly(layer) }
        let author = try call.writer
        let id = try call.path("id")
        let patch = try await Self.patch(from: call.request, maxBytes: service.options.maxBodyBytes)
        let accepted = try service.reports.update(layer, id: id, patch: patch, ifMatch: call.request.headers[.ifMatch], by: author, requestKey: call.requestKey)
        Self.logWrite(call.context, author, layer, accepted)
        return Self.featureReply(accepted, layer: layer)
    }

    /// `/collections/{layer}/items/{id}/history`: every logged change, oldest first.
    func history(_ call: Call) throws -> Response {
        let layer = try pathLayer(call.context)
        let id = try call.path("id")
        let entries = try service.reports.history(layer, id: id)
        guard !entries.isEmpty || service.snapshot.feature(layer, id: id) != nil else { throw ReportError.unknownFeature(layer, id: id) }
        return Reply.json(.object([
            JSONMember("layer", .string(layer.tableName)),
            JSONMember("id", .string(id)),
            JSONMember("changes", .array(entries.map(\.json))),
        ]))
    }

    /// Every accepted write in the log with its caller, beside its row in the change log.
    static func logWrite(_ context: OneMapServer.Context, _ author: Author, _ layer: Layer, _ accepted: FieldReports.Accepted) {
        context.logger.info("report accepted", metadata: [
            "author": "\(author.name)", "role": "\(author.role.rawValue)", "layer": "\(layer)", "id": "\(accepted.record.id)",
            "change": "\(accepted.change.map(String.init) ?? "none")", "version": "\(accepted.version)", "replayed": "\(accepted.replayed)",
        ])
    }

    static func featureReply(_ accepted: FieldReports.Accepted, layer: Layer, status: HTTPResponse.Status = .ok) -> Response {
        var response = Reply.feature(accepted.feature, status: status)
        response.headers[.eTag] = "\"\(accepted.version)\""
        if accepted.replayed { Call.markReplayed(&response) }
        return response
    }

    /// The members a GeoJSON Feature has; anything else is refused, not dropped.
    static let featureMembers: Set<String> = ["type", "id", "geometry", "properties", "bbox"]

    /// A body that is a GeoJSON Feature: its members and its properties, neither with a
    /// repeated name, nothing but Feature members.
    static func checkFeatureMembers(_ members: [JSONMember], _ value: JSONValue, what: String) throws {
        try JSONBody.refuseRepeated(members)
        if let unknown = members.map(\.key).first(where: { !featureMembers.contains($0) }) {
            throw Problem(.unprocessableContent, what, "\(unknown): unknown member of a Feature; put properties under \"properties\"")
        }
        try JSONBody.refuseRepeated(value["properties"]?.objectValue ?? [])
    }

    /// The body of a POST: one GeoJSON Feature.
    static func feature(from request: Request, maxBytes: Int) async throws -> Feature {
        let value = try await JSONBody.readValue(request, maxBytes: maxBytes, what: "GeoJSON: a Feature (application/geo+json or application/json)")
        guard case .object(let members) = value, value["type"]?.stringValue == "Feature" else {
            throw Problem(.unprocessableContent, "Invalid feature", "the body must be a GeoJSON Feature (\"type\": \"Feature\")")
        }
        try checkFeatureMembers(members, value, what: "Invalid feature")
        do {
            return try GeoJSONFeatureReader.feature(from: value)
        } catch let error as GeoJSONFeatureReader.ReadError {
            throw Problem(.unprocessableContent, "Invalid feature", error.message)
        }
    }

    /// The body of a PATCH: a JSON merge patch of the properties, or a GeoJSON Feature
    /// whose properties are the merge patch and whose geometry (if any) replaces the old.
    static func patch(from request: Request, maxBytes: Int) async throws -> FieldReports.Patch {
        let value = try await JSONBody.readValue(request, maxBytes: maxBytes, what: "a JSON merge patch or a GeoJSON Feature")
        guard case .object(let members) = value else {
            throw Problem(.unprocessableContent, "Invalid patch", "send a JSON object of properties or a GeoJSON Feature")
        }
        guard value["type"]?.stringValue == "Feature" else {
            try JSONBody.refuseRepeated(members)
            return FieldReports.Patch(properties: members)
        }
        try checkFeatureMembers(members, value, what: "Invalid patch")
        let properties = value["properties"]?.objectValue ?? []
        guard let geometry = value["geometry"], geometry != .null else { return FieldReports.Patch(properties: properties) }
        do {
            return FieldReports.Patch(properties: properties, geometry: try GeoJSONGeometry.decode(geometry).0)
        } catch {
            throw Problem(.unprocessableContent, "Invalid geometry", "geometry: \(error)")
        }
    }
}
