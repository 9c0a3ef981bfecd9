import Foundation
import OneMapTestSupport
import Testing

/// `/api`, the router and `/metrics` come from one declaration per endpoint: the document
/// validates, every route in it answers under its own template in the metrics, and a
/// schemathesis pass over it finds no 5xx and no answer outside the document.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ApiDocumentTests {
    static let venv = Repository.path(".build-tools/venv/bin")

    static func requireTools() throws {
        guard FileManager.default.isExecutableFile(atPath: venv + "/schemathesis") else {
            Issue.record("schemathesis and openapi-spec-validator are missing: run tools/python-tools.sh (tools/test.sh does)")
            throw CancellationError()
        }
    }

    @Test func theDocumentValidatesAndEveryRouteIsLabelledByItsTemplate() async throws {
        try Self.requireTools()
        let server = try await LiveServer()
        let api = try await server.get("/api")
        let file = try server.directory.write("api.json", api.text)
        let validation = try runProcess(Self.venv + "/openapi-spec-validator", [file])
        #expect(validation.status == 0, "\(validation.stdout) \(validation.stderr)")
        let paths = try #require(api.json["paths"] as? [String: [String: Any]])
        // Every endpoint of the service, with its ranges, enums and bodies.
        for path in ["/plan/coverage", "/plan/shelters", "/plan/depots", "/plan/fire", "/collections/{layer}/items/{id}/history",
                     "/tiles/{z}/{x}/{y}.png", "/evacuation-plan", "/route", "/metrics", "/api"] {
            #expect(paths[path] != nil, "\(path) is not in /api")
        }
        let nearest = try #require(paths["/query/nearest-shelter"]?["get"] as? [String: Any])
        let k = try #require((nearest["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "k" }?["schema"] as? [String: Any])
        #expect(k["minimum"] as? Int == 1 && k["maximum"] as? Int == 100 && k["default"] as? Int == 3)
        let shelters = try #require(paths["/plan/shelters"]?["get"] as? [String: Any])
        let names = (shelters["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(names) == ["add", "need", "format", "candidates", "bbox"])
        let evacuate = try #require(paths["/evacuate"]?["post"] as? [String: Any])
        let body = try #require(((evacuate["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])
        #expect(((body["schema"] as? [String: Any])?["additionalProperties"] as? Bool) == false)

        // Call every GET route once, then find each under its template in /metrics.
        let hazard = try #require(try await server.get("/collections/hazards/items?limit=1").features.first?["id"] as? String)
        var templates: [String] = []
        // The live feed stays open: a real SSE client hears its first event and hangs up.
        let live = SSEListener(url: server.base + "/events", seconds: 5)
        _ = try await live.events(until: { $0.contains { $0.name == "hello" } })
        live.stop()
        templates.append("/events")
        for (template, operations) in paths.sorted(by: { $0.key < $1.key }) where operations["get"] != nil && template != "/events" {
            let concrete = template.replacingOccurrences(of: "{layer}", with: "hazards").replacingOccurrences(of: "{id}", with: hazard)
                .replacingOccurrences(of: "{code}", with: server.workerGrid).replacingOccurrences(of: "{z}/{x}/{y}", with: "12/3300/1550")
                .replacingOccurrences(of: "/static/onemap/{file}", with: "/static/onemap/map.js")
                .replacingOccurrences(of: "/static/leaflet/{file}", with: "/static/leaflet/leaflet.js")
            let query = template == "/riskmap/diff" ? "?from=1&to=1" : template.hasPrefix("/query/nearest") || template == "/evacuate" || template == "/isochrone"
                ? "?lon=109.78&lat=39.6" : template == "/query/within" ? "?layer=hazards&lon=109.78&lat=39.6&radius=500"
                : template == "/route" ? "?from=109.78,39.6&to=109.79,39.61" : ""
            let answer = try await server.get(concrete + query)
            #expect(answer.status != 405 && !(answer.status == 404 && answer.text.contains("no resource at")), "\(template): \(answer.status) \(answer.text.prefix(200))")
            templates.append(template)
        }
        _ = try await server.get("/no/such/route")
        let metrics = try await server.get("/metrics").text
        for template in templates {
            #expect(metrics.contains("route=\"\(template)\",method=\"GET\""), "\(template) is not labelled in /metrics")
        }
        // Ids and tile numbers make no series of their own; unknown paths are one series.
        let labels = Set(metrics.split(separator: "\n").compactMap { line -> String? in
            guard let start = line.range(of: "route=\"")?.upperBound, let end = line[start...].firstIndex(of: "\"") else { return nil }
            return String(line[start..<end])
        })
        #expect(labels.isSubset(of: Set(paths.keys).union(["(unmatched)"])), "\(labels.subtracting(paths.keys))")
        #expect(labels.contains("(unmatched)"))
    }

    /// A small bounded schemathesis pass (tools/api-fuzz.sh has the long one).
    @Test func aSchemathesisPassFindsNoServerErrorAndNothingUndocumented() async throws {
        try Self.requireTools()
        // This pass asks whether answers are right, not whether they are quick: on a machine
        // busy with other work a plan can outlast the 60-s budget, and its honest 503 is
        // a 5xx to schemathesis (seen once, /plan/fire under a parallel build). The budget
        // and its 503 have their own tests (BoundedWorkTests).
        let server = try await LiveServer { $0.heavyBudget = .seconds(900) }
        let run = try await runProcessAsync(Repository.path("tools/api-fuzz.sh"), [server.base, "2", LiveServer.plannerToken, "coverage,fuzzing"])
        #expect(run.status == 0, "\(run.stdout.suffix(6000))\n\(run.stderr.suffix(2000))")
        #expect(run.stdout.contains("passed"), "\(run.stdout.suffix(2000))")
    }
}
