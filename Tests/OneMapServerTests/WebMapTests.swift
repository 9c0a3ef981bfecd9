import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The web map in a real browser (headless Chromium through Selenium): data is shown as
/// text, never run as markup, and pages carry a Content-Security-Policy.
@Suite(.timeLimit(.minutes(10))) struct WebMapTests {
    @Test func pagesCarryTheSecurityHeaders() async throws {
        let server = try await LiveServer()
        let page = try await server.get("/map")
        #expect(page.status == 200)
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(page.headers["x-content-type-options"] == "nosniff")
        #expect(!page.text.contains("<script>"), "no inline script: CSP would block it")
        let script = try await server.get("/static/onemap/map.js")
        #expect(script.status == 200 && script.headers["content-type"] == "text/javascript; charset=utf-8")
        #expect(!script.text.contains("innerHTML"), "the page builds nothing from HTML strings")
        #expect(try await server.get("/static/onemap/../../etc/passwd").status == 404)
    }

    @Test func aHazardNamedWithMarkupShowsAsTextAndRunsNothing() async throws {
        let server = try await LiveServer()
        let spot = try GEOSContext().pointOnSurface(try server.service.snapshotForTests.grid(code: server.workerGrid).geometry)
        let name = #"<img src=x onerror="window.__xss=true"><script>window.__xss=true</script>"#
        let escaped = name.replacingOccurrences(of: "\"", with: "\\\"")
        let body = #"{"type": "Feature", "id": "H-xss", "geometry": {"type": "Point", "coordinates": [\#(spot.x), \#(spot.y)]}, "properties": {"name": "\#(escaped)", "kind": "gas_station", "level": 1}}"#
        let created = try await server.request("POST", "/collections/hazards/items", headers: ["Authorization": "Bearer \(LiveServer.workerToken)"], body: body)
        #expect(created.status == 201, "\(created.text)")
        let run = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/Browser/map_xss.py"), server.base, "\(spot.x)", "\(spot.y)", name])
        #expect(run.status == 0, "\(run.stderr)")
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        #expect((result["click_text"] as? String ?? "").contains(name), "the click's list of hazards within 500 m: \(run.stdout)")
        #expect((result["popup_text"] as? String ?? "").components(separatedBy: name).count >= 3, "the hazard's own popup too: \(run.stdout)")
        #expect(result["injected_images"] as? Int == 0, "\(run.stdout)")
        #expect(result["script_ran"] as? Bool == false, "\(run.stdout)")
        #expect((result["console_errors"] as? [String] ?? ["?"]).isEmpty, "\(run.stdout)")
    }
}
