import Foundation
import Hummingbird
import OneMap

/// Planner analytics over HTTP: the same runs as `onemap plan …`. GET plans with the
/// lattice of open land as candidates (or `candidates=planned`: the data's planned sites);
/// POST takes the candidates as a GeoJSON FeatureCollection body. `format=html` answers the planner's report page instead of GeoJSON.
extension Routes {
    func registerPlanning() {
        resource("/plan/coverage", [.get: { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["format", "bbox"])
            return try await plan(params) { try $0.coverage() }
        }])
        resource("/plan/audit", [.get: { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["safetyDistance", "format", "bbox"])
            let distance = try params.double("safetyDistance", in: 1...100_000, default: 1000)
            return try await plan(params) { try $0.audit(safetyDistance: distance) }
        }])
        let shelters: Handler = { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["add", "need", "format", "candidates", "bbox"])
            let k = try params.int("add", in: 1...50, default: 3)
            let need = try params.choice("need", ["emergency", "fixed"], default: "emergency")
            let given = try await candidates(request, params, .shelters)
            return try await plan(params) { try $0.shelters(add: k, need: need, candidates: given) }
        }
        resource("/plan/shelters", [.get: shelters, .post: shelters])
        let depots: Handler = { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["k", "format", "candidates", "bbox"])
            let k = try params.int("k", in: 1...20, default: 1)
            let given = try await candidates(request, params, .depots)
            return try await plan(params) { try $0.depots(k: k, candidates: given) }
        }
        resource("/plan/depots", [.get: depots, .post: depots])
        let fire: Handler = { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["maxSites", "format", "candidates", "bbox"])
            let k = try params.int("maxSites", in: 0...50, default: 5)
            let given = try await candidates(request, params, .fire)
            return try await plan(params) { try $0.fire(maxSites: k, candidates: given) }
        }
        resource("/plan/fire", [.get: fire, .post: fire])
    }

    /// Runs `body` on a planner over the live data as heavy work (off the request threads,
    /// within the limit and the budget: plans take seconds on a city), and answers GeoJSON
    /// or the HTML report.
    private func plan(_ params: Params, _ body: @escaping @Sendable (Planner) throws -> PlanReport) async throws -> Response {
        let format = try params.choice("format", ["geojson", "html"], default: "geojson")
        var planner = Planner(snapshot: service.snapshot, standards: service.planning, walk: try service.roadGraph("walk"),
                              drive: try service.roadGraph("drive"))
        planner.area = try params.box("bbox")
        let ready = planner
        let renderer = format == "html" ? service.live.renderer : nil
        return try await service.heavy.run {
            let report = try body(ready)
            if let renderer { return Reply.html(Array(try report.html(renderer: renderer).utf8)) }
            return Reply.bytes(report.geoJSON, contentType: "application/geo+json")
        }
    }

    /// Candidate sites from a POST body (a GeoJSON FeatureCollection of points), or with
    /// `candidates=planned` the data's own planned sites; nil (the lattice) otherwise.
    private func candidates(_ request: Request, _ params: Params, _ kind: Planner.Kind) async throws -> [CandidateSite]? {
        if let source = params.string("candidates") {
            guard source == "planned", request.method == .get else {
                throw Problem(.badRequest, "Bad request", "candidates takes planned (the data's planned sites); POST a GeoJSON body for others")
            }
            let planner = Planner(snapshot: service.snapshot, standards: service.planning, walk: nil, drive: nil)
            let sites = try planner.plannedSites(for: kind)
            guard !sites.isEmpty else { throw Problem(.unprocessableContent, "Cannot plan", "the data has no planned sites for \(kind.rawValue)") }
            return sites
        }
        guard request.method == .post else { return nil }
        try JSONBody.requireJSON(request, what: "GeoJSON")
        let bytes = try await JSONBody.bodyBytes(request, maxBytes: service.options.maxBodyBytes)
        let sites: [CandidateSite]
        do {
            sites = try CandidateSites.read(geoJSON: bytes)
        } catch {
            throw Problem(.unprocessableContent, "Invalid candidates", "the body must be a GeoJSON FeatureCollection of candidate sites: \(error)")
        }
        guard !sites.isEmpty else { throw Problem(.unprocessableContent, "Invalid candidates", "the body holds no candidate sites") }
        return sites
    }
}
