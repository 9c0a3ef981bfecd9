import Foundation
import Hummingbird
import OneMap

/// Planner analytics over HTTP: the same runs as `onemap plan …`. GET plans with the
/// lattice of open land as candidates (or `candidates=planned`: the data's planned sites);
/// POST takes the candidates as a GeoJSON FeatureCollection body. `format=html` answers the planner's report page instead of GeoJSON.
extension Routes {
    static let planFormat = ParameterSpec.choice("format", ["geojson", "html"], default: "geojson", "GeoJSON, or the planner's report page")
    static let planBox = ParameterSpec.box("bbox", "minLon,minLat,maxLon,maxLat: plan only for the grids meeting it, site inside it")
    static let planCandidates = ParameterSpec.choice("candidates", ["planned"], "planned: the data's own planned sites (default: a lattice of open land)")

    /// GeoJSON by default, the report page with `format=html`.
    static let planResponse = ResponseSpec(contentType: "application/geo+json", schema: Schema.ref("FeatureCollection"), alternatives: ["text/html"])

    var planningEndpoints: [Endpoint] {
        let shelters: [ParameterSpec] = [.int("add", 1...50, default: 3, "New sites"),
                                         .choice("need", ["emergency", "fixed"], default: "emergency", "Which standard the sites serve"), Self.planFormat]
        let depots: [ParameterSpec] = [.int("k", 1...20, default: 1, "New depots"), Self.planFormat]
        let fire: [ParameterSpec] = [.int("max_sites", 0...50, default: 5, "Most new stations"), Self.planFormat]
        return [
            Endpoint(method: .get, path: "/plan/audit",
                     summary: "Safety-distance audit: protected targets within a major hazard source's safety distance or an open hazard's impact distance",
                     parameters: [.number("safety_distance", 1...100_000, default: 1000, "Metres from major hazard sources"), Self.planFormat, Self.planBox],
                     response: Self.planResponse) { call in
                let distance = try call.params.double("safety_distance")
                return try await plan(call) { try $0.audit(safetyDistance: distance) }
            },
            Endpoint(method: .get, path: "/plan/coverage",
                     summary: "Shelter coverage per grid and subdistrict by walking distance: nearest shelter of each class, residents within the radius, area per resident, uncovered areas",
                     parameters: [Self.planFormat, Self.planBox], response: Self.planResponse) { call in
                try await plan(call) { try $0.coverage() }
            },
        ] + Self.siting("/plan/shelters", "Coverage and new shelter sites (maximal covering with capacities) from the lattice of open land",
                        bodyNote: " (name, capacity, effective_area_m2)", shelters) { try await planShelters($0) }
          + Self.siting("/plan/depots", "New storage depots by p-median on driving time weighted by residents; shares within 6 h and 12 h",
                        depots) { try await planDepots($0) }
          + Self.siting("/plan/fire", "Areas beyond 5 minutes' drive of every fire station and candidate sites that close them",
                        fire) { try await planFire($0) }
    }

    /// A siting plan's two endpoints: GET over the lattice (or `candidates=planned`), POST
    /// with the candidate sites as a GeoJSON FeatureCollection body.
    private static func siting(_ path: String, _ summary: String, bodyNote: String = "", _ parameters: [ParameterSpec],
                               _ handler: @escaping @Sendable (Call) async throws -> Response) -> [Endpoint] {
        [Endpoint(method: .get, path: path, summary: summary, parameters: parameters + [planCandidates, planBox], response: planResponse, handler: handler),
         Endpoint(method: .post, path: path, summary: "The same, with the candidate sites as a GeoJSON FeatureCollection body" + bodyNote,
                  parameters: parameters + [planBox], body: .candidates, response: planResponse, handler: handler)]
    }

    private func planShelters(_ call: Call) async throws -> Response {
        let k = try call.params.int("add"), need = try call.params.string("need")
        let given = try await candidates(call, .shelters)
        return try await plan(call) { try $0.shelters(add: k, need: need, candidates: given) }
    }

    private func planDepots(_ call: Call) async throws -> Response {
        let k = try call.params.int("k")
        let given = try await candidates(call, .depots)
        return try await plan(call) { try $0.depots(k: k, candidates: given) }
    }

    private func planFire(_ call: Call) async throws -> Response {
        let k = try call.params.int("max_sites")
        let given = try await candidates(call, .fire)
        return try await plan(call) { try $0.fire(maxSites: k, candidates: given) }
    }

    /// Runs `body` on a planner over the live data as heavy work (off the request threads,
    /// within the limit and the budget: plans take seconds on a city), and answers GeoJSON
    /// or the HTML report.
    private func plan(_ call: Call, _ body: @escaping @Sendable (Planner) throws -> PlanReport) async throws -> Response {
        let format = try call.params.string("format")
        var planner = Planner(snapshot: service.snapshot, standards: service.planning, walk: try service.roadGraph("walk"),
                              drive: try service.roadGraph("drive"))
        planner.area = try call.params.maybeBox()
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
    private func candidates(_ call: Call, _ kind: Planner.Kind) async throws -> [CandidateSite]? {
        let request = call.request
        if call.endpoint.queryParameter("candidates") != nil, try call.params.maybeString("candidates") == "planned" {
            let planner = Planner(snapshot: service.snapshot, standards: service.planning, walk: nil, drive: nil)
            let sites = try planner.plannedSites(for: kind)
            guard !sites.isEmpty else { throw Problem(.unprocessableContent, "Cannot plan", "the data has no planned sites for \(kind.rawValue)") }
            return sites
        }
        guard case .candidates? = call.endpoint.body else { return nil }
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
