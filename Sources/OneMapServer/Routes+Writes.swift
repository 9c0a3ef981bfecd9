import Foundation
import Hummingbird
import OneMap

/// Reports from the field: a grid worker registers a hazard and moves it through its
/// lifecycle; shelters report capacity, occupancy and status. Each write is committed to
/// the GeoPackage before the answer, then applied to the live map (queries, /riskmap and
/// tiles see it at once).
extension Routes {
    /// Where a hazard may go next: registered → rectifying → closed (排查→登记→治理→销号).
    static let lifecycle: [String: Set<String>] = [
        "registered": ["registered", "rectifying", "closed"],
        "rectifying": ["rectifying", "closed"],
        "closed": ["closed"],
    ]

    /// Shelter properties a report may change.
    static let shelterReportable: Set<String> = ["capacity", "occupancy", "status", "effective_area_m2", "exits"]

    func create(_ request: Request, _ context: OneMapServer.Context) async throws -> Response {
        let layer = try info(context).layer
        guard layer == .hazards else {
            var problem = Problem(.methodNotAllowed, "Method not allowed", "only hazards take new features over HTTP; \(layer) is read-only here")
            problem.allow = [.get]
            throw problem
        }
        let holder = try service.tokens.writer(of: request)
        let feature = try await Self.feature(from: request, maxBytes: service.options.maxBodyBytes)
        let mapper = try RecordMapper(layer: .hazards)
        var record = try mapper.record(for: feature, fallbackID: "H-\(UUID().uuidString.prefix(13).lowercased())")
        try Self.checkShape(record.geometry)
        let grid = try gridCode(containing: record.geometry)
        try permit(holder, grid: grid, what: "register a hazard")
        let now = Timestamps.now()
        Self.fill(&record, ["status": .text("registered"), "reported_by": .text(holder.name), "reported_at": .text(now)]
                  .merging(grid.map { ["grid_code": .text($0)] } ?? [:]) { a, _ in a })
        try Self.checkLifecycle(from: nil, to: record)
        try commit(.insert(record), layer: .hazards) { session in
            let writer = try session.writer(for: .hazards, replacing: false)
            try writer.insert(record)
            try writer.finish()
        }
        let base = Self.base(request)
        var response = Reply.feature(record.feature(in: .hazards), status: .created)
        response.headers[.location] = "\(base)/collections/hazards/items/\(record.id)"
        return response
    }

    func update(_ request: Request, _ context: OneMapServer.Context) async throws -> Response {
        let layer = try info(context).layer
        guard layer == .hazards || layer == .shelters else {
            var problem = Problem(.methodNotAllowed, "Method not allowed", "\(layer) is read-only here; hazards and shelters take reports")
            problem.allow = [.get]
            throw problem
        }
        let holder = try service.tokens.writer(of: request)
        let id = context.parameters.get("id") ?? ""
        guard let current = service.snapshot.feature(layer, id: id) else { throw Problem.notFound("collection '\(layer)' has no feature with id '\(id)'") }
        let patch = try await Self.feature(from: request, maxBytes: service.options.maxBodyBytes, patch: true)
        if layer == .shelters {
            if let refused = patch.properties.map(\.key).first(where: { !Self.shelterReportable.contains($0) }) {
                throw Problem(.unprocessableContent, "Invalid report", "a shelter report may change \(Self.shelterReportable.sorted().joined(separator: ", ")), not '\(refused)'")
            }
            if patch.geometry != .geometryCollection([]) {
                throw Problem(.unprocessableContent, "Invalid report", "a shelter report cannot move the shelter")
            }
        }
        // A JSON merge patch on the properties: a member set to null removes it.
        var properties = current.feature(in: layer).properties
        for member in patch.properties {
            properties.removeAll { $0.key == member.key }
            if member.value != .null { properties.append(member) }
        }
        let geometry = patch.geometry == .geometryCollection([]) ? current.geometry : patch.geometry
        var record = try RecordMapper(layer: layer).record(for: Feature(id: id, geometry: geometry, properties: properties), fallbackID: id)
        record.id = id
        try Self.checkShape(record.geometry)
        let before = try gridCode(containing: current.geometry), after = try gridCode(containing: record.geometry)
        try permit(holder, grid: before, what: "change this \(layer == .hazards ? "hazard" : "shelter")")
        try permit(holder, grid: after, what: "move it there")
        if layer == .hazards {
            try Self.checkLifecycle(from: current, to: record, reopening: holder.role != .gridWorker)
            if let after, record.values[Self.column("grid_code")] != .text(after) { record.values[Self.column("grid_code")] = .text(after) }
        }
        try commit(.update(record), layer: layer) { session in try session.update(record, in: layer) }
        return Reply.feature(record.feature(in: layer))
    }

    /// Commits to the GeoPackage, then applies to the live map, one write at a time.
    private func commit(_ change: FeatureChange, layer: Layer, _ write: (WriteSession) throws -> Void) throws {
        try service.writes.withLock { _ in
            // Checked against the index first, so a refused change never reaches the file.
            if case .insert(let record) = change, service.snapshot.feature(layer, id: record.id) != nil {
                throw Problem(.conflict, "Conflict", "collection '\(layer)' already has a feature with id '\(record.id)'")
            }
            try service.store.write(write)
            if layer == .hazards {
                _ = try service.live.apply(change)
            } else {
                try service.live.index.apply(change, to: layer)
            }
        }
    }

    /// The code of the grid cell holding the geometry's representative point, if any.
    private func gridCode(containing geometry: Geometry) throws -> String? {
        let snapshot = service.snapshot
        guard snapshot.loadedLayers.contains(.grids) else { return nil }
        let point = try GEOSContext().pointOnSurface(geometry)
        let box = BoundingBox(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y)
        let code = Layer.grids.columnIndex("code")
        for hit in try snapshot.features(.grids, in: box) {
            if try GEOSContext().prepare(hit.record.geometry).intersects(point), case .text(let c) = hit.record.values[code] { return c }
        }
        return nil
    }

    /// A grid worker writes only inside their own grid; planners and admins anywhere.
    private func permit(_ holder: TokenBook.Holder, grid: String?, what: String) throws {
        guard holder.role == .gridWorker else { return }
        guard let grid, grid == holder.grid else {
            throw Problem(.forbidden, "Forbidden", "\(holder.name) works grid \(holder.grid ?? "?") and may not \(what) \(grid.map { "in grid \($0)" } ?? "outside every grid")")
        }
    }

    private static func checkLifecycle(from old: LayerRecord?, to new: LayerRecord, reopening: Bool = false) throws {
        let column = Self.column("status")
        guard case .text(let to) = new.values[column] else { return }
        let from: String = if let old, case .text(let s) = old.values[column] { s } else { "registered" }
        guard Self.lifecycle[from]?.contains(to) ?? true || reopening else {
            throw Problem(.unprocessableContent, "Invalid lifecycle step",
                          "a hazard goes registered → rectifying → closed; '\(from)' cannot become '\(to)' (a planner or admin may reopen it)")
        }
    }

    private static func checkShape(_ geometry: Geometry) throws {
        guard let box = geometry.boundingBox else { throw Problem(.unprocessableContent, "Invalid geometry", "the geometry is empty") }
        guard box.minX >= -180, box.maxX <= 180, box.minY >= -90, box.maxY <= 90 else {
            throw Problem(.unprocessableContent, "Invalid geometry", "coordinates lie outside lon −180…180, lat −90…90 (WGS84 lon/lat expected)")
        }
        let context = GEOSContext()
        guard try context.isValid(geometry) else {
            throw Problem(.unprocessableContent, "Invalid geometry", try context.validityReason(geometry))
        }
    }

    private static func fill(_ record: inout LayerRecord, _ defaults: [String: FieldValue]) {
        for (name, value) in defaults where record.values[column(name)] == .null { record.values[column(name)] = value }
    }

    static func column(_ name: String) -> Int { Layer.hazards.columnIndex(name) }

    /// The request body as a GeoJSON Feature (with `patch`, a bare properties object is
    /// taken as the properties, and a missing geometry is an empty collection).
    static func feature(from request: Request, maxBytes: Int, patch: Bool = false) async throws -> Feature {
        if let type = request.headers[.contentType], !type.lowercased().contains("json") {
            throw Problem(.unsupportedMediaType, "Unsupported media type", "send GeoJSON (application/geo+json or application/json), not \(type)")
        }
        let bytes = try await JSONBody.bodyBytes(request, maxBytes: maxBytes)
        guard !bytes.isEmpty else { throw Problem(.badRequest, "Empty body", "the request needs a GeoJSON Feature") }
        let value: JSONValue
        do { value = try JSONParser(ByteStream(bytes: bytes)).parseDocument() } catch { throw Problem(.badRequest, "Malformed JSON", "\(error)") }
        if patch, value["type"]?.stringValue != "Feature" {
            guard case .object(let members) = value else { throw Problem(.unprocessableContent, "Invalid patch", "send a JSON object of properties or a GeoJSON Feature") }
            return Feature(id: nil, geometry: .geometryCollection([]), properties: members)
        }
        guard value["type"]?.stringValue == "Feature" else {
            throw Problem(.unprocessableContent, "Invalid feature", "the body must be a GeoJSON Feature (\"type\": \"Feature\")")
        }
        if patch, value["geometry"] == nil || value["geometry"] == .null {
            return Feature(id: nil, geometry: .geometryCollection([]), properties: value["properties"]?.objectValue ?? [])
        }
        do {
            guard let located = try GeoJSONFeatureReader(bytes: bytes).next() else { throw Problem(.unprocessableContent, "Invalid feature", "no feature in the body") }
            return located.feature
        } catch let error as GeoJSONFeatureReader.ReadError {
            throw Problem(.unprocessableContent, "Invalid feature", error.message)
        }
    }
}
