import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The `/plan/…` endpoints through a real server, against the library's planner over the
/// same data, and their refusals.
@Suite(.timeLimit(.minutes(10))) struct PlanningRouteTests {
    static func summary(_ answer: LiveServer.Answer, _ key: String) -> [String: Any] { answer.json[key] as? [String: Any] ?? [:] }

    @Test func plansMatchTheLibraryAndReportsAreHTML() async throws {
        let server = try await LiveServer()
        let snapshot = server.service.snapshotForTests
        let planner = try Planner(snapshot: snapshot, standards: try PlanningStandards.load(path: Repository.path("config/planning.json")))

        let coverage = try await server.get("/plan/coverage")
        #expect(coverage.status == 200 && coverage.headers["content-type"] == "application/geo+json", "\(coverage.text.prefix(300))")
        let expected = try planner.coverage()
        #expect(coverage.features.count == expected.features.count)
        let needs = coverage.json["needs"] as? [[String: Any]] ?? []
        #expect(needs.map { $0["need"] as? String } == ["emergency", "fixed"])
        let uncovered = expected.summary.first { $0.key == "needs" }?.value.arrayValue?.first?["residents_uncovered"]?.numberValue
        #expect(needs.first?["residents_uncovered"] as? Double == uncovered)
        #expect(coverage.features.contains { ($0["properties"] as? [String: Any])?["feature_type"] as? String == "uncovered_area" })

        let shelters = try await server.get("/plan/shelters?add=3")
        #expect(shelters.status == 200, "\(shelters.text.prefix(300))")
        let sites = shelters.features.filter { ($0["properties"] as? [String: Any])?["feature_type"] as? String == "new_shelter_site" }
        let library = try planner.shelters(add: 3).features.filter { $0[property: "feature_type"] == .string("new_shelter_site") }
        #expect(sites.count == 3 && sites.map { $0["id"] as? String } == library.map(\.id))
        let siting = Self.summary(shelters, "siting")
        #expect((siting["residents_served"] as? Double ?? 0) > 0 && (siting["upper_bound"] as? Double ?? 0) >= (siting["residents_served"] as? Double ?? 1))

        let depots = try await server.get("/plan/depots?k=1")
        #expect(depots.status == 200, "\(depots.text.prefix(300))")
        let shares = depots.json["share_within"] as? [[String: Any]] ?? []
        #expect(shares.map { $0["hours"] as? Double } == [12], "the shipped file: 12 h (basic living relief); 6 h is a local plan's")
        #expect(depots.features.filter { ($0["properties"] as? [String: Any])?["feature_type"] as? String == "new_depot_site" }.count == 1)

        let fire = try await server.get("/plan/fire?max_sites=2")
        #expect(fire.status == 200, "\(fire.text.prefix(300))")
        let libraryFire = try planner.fire(maxSites: 2)
        #expect(fire.json["residents_outside"] as? Double == libraryFire.summary.first { $0.key == "residents_outside" }?.value.numberValue)

        let audit = try await server.get("/plan/audit")
        let violations = try SafetyAudit().run(snapshot).count
        #expect(audit.status == 200 && audit.json["violations"] as? Int == violations)

        // A box: only the grids meeting it.
        let boxed = try await server.get("/plan/coverage?bbox=109.85,39.60,109.95,39.66")
        #expect(boxed.status == 200, "\(boxed.text.prefix(300))")
        let boxedGrids = boxed.features.filter { ($0["properties"] as? [String: Any])?["feature_type"] as? String == "grid" }
        let allGrids = coverage.features.filter { ($0["properties"] as? [String: Any])?["feature_type"] as? String == "grid" }
        #expect(!boxedGrids.isEmpty && boxedGrids.count < allGrids.count)
        #expect(boxed.json["bbox"] as? [Double] == [109.85, 39.60, 109.95, 39.66])

        // The report page: HTML with the map inline and the grid table.
        let page = try await server.get("/plan/shelters?add=3&format=html")
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("<img class=\"map\"") && page.text.contains("data:image/png;base64,"))
        #expect(page.text.contains("缺少500米内紧急避难场所的网格") && page.text.contains("新增避难场所建议选址"))

        // Candidates posted: the site chosen is one of them.
        let body = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "id": "A", "geometry": {"type": "Point", "coordinates": [109.912, 39.627]}, "properties": {"capacity": 2000}},
              {"type": "Feature", "id": "B", "geometry": {"type": "Point", "coordinates": [109.70, 39.70]}, "properties": {}}]}
            """
        let posted = try await server.request("POST", "/plan/shelters?add=1", body: body)
        #expect(posted.status == 200, "\(posted.text.prefix(300))")
        let chosen = posted.features.first { ($0["properties"] as? [String: Any])?["feature_type"] as? String == "new_shelter_site" }
        #expect(["A", "B"].contains((chosen?["properties"] as? [String: Any])?["candidate"] as? String ?? ""))
    }

    @Test func badPlanRequestsAreRefusedWithProblems() async throws {
        let server = try await LiveServer()
        let cases: [(String, String, String?, [String: String], Int, String)] = [
            ("GET", "/plan/shelters?add=0", nil, [:], 400, "add"),
            ("GET", "/plan/shelters?need=shade", nil, [:], 400, "need: 'shade' is not one of emergency, fixed"),
            ("GET", "/plan/coverage?radius=3", nil, [:], 400, "radius"),
            ("GET", "/plan/depots?k=99", nil, [:], 400, "k"),
            ("GET", "/plan/fire?format=pdf", nil, [:], 400, "format: 'pdf' is not one of geojson, html"),
            ("POST", "/plan/shelters", "{\"type\": \"FeatureCollection\", \"features\": []}", [:], 422, "no candidate sites"),
            ("POST", "/plan/depots", "not json", [:], 422, "GeoJSON FeatureCollection"),
            ("POST", "/plan/shelters", #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"bow","geometry":{"type":"Polygon","coordinates":[[[109.9,39.6],[109.91,39.61],[109.91,39.6],[109.9,39.61],[109.9,39.6]]]},"properties":{}}]}"#, [:], 422, "Self-intersection"),
            ("POST", "/plan/fire", "x", ["Content-Type": "text/plain"], 415, "send GeoJSON"),
            ("POST", "/plan/coverage", nil, [:], 405, "GET"),
            ("GET", "/plan/depots?candidates=planned", nil, [:], 422, "no planned sites for depots"),
            ("GET", "/plan/fire?candidates=mine", nil, [:], 400, "candidates: 'mine' is not one of planned"),
            ("GET", "/plan/coverage?bbox=1,2,3", nil, [:], 400, "bbox"),
            ("GET", "/plan/coverage?bbox=10,10,10.1,10.1", nil, [:], 422, "no grids"),
        ]
        for (method, path, body, headers, status, detail) in cases {
            let answer = try await server.request(method, path, headers: headers, body: body)
            #expect(answer.status == status, "\(method) \(path): \(answer.text)")
            #expect(answer.headers["content-type"] == "application/problem+json", "\(method) \(path)")
            #expect(answer.text.contains(detail), "\(method) \(path): \(answer.text)")
        }
    }
}
