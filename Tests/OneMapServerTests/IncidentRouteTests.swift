import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The commander's incidents through a real server: roles, the report chain, the briefing
/// page and its figures, the notification list, and refusals naming the member.
@Suite(.timeLimit(.minutes(10))) struct IncidentRouteTests {
    let commander = ["Authorization": "Bearer \(LiveServer.commanderToken)", "Content-Type": "application/json"]
    let worker = ["Authorization": "Bearer \(LiveServer.workerToken)", "Content-Type": "application/json"]
    let leak = #"{"kind": "hazardous_chemical_leak", "hazard": "H-0000283"}"#

    @Test func oneCallCreatesTheLeakAndOneFetchesItsBriefing() async throws {
        let server = try await LiveServer()
        #expect(try await server.request("POST", "/incidents", headers: ["Content-Type": "application/json"], body: leak).status == 401)
        let refused = try await server.request("POST", "/incidents", headers: worker, body: leak)
        #expect(refused.status == 403 && (refused.json["detail"] as? String ?? "").contains("grid worker and may not create an incident"), "\(refused.text)")
        let created = try await server.request("POST", "/incidents", headers: commander, body: leak)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        #expect(created.headers["location"] == "\(server.base)/incidents/\(id)")
        let properties = created.json["properties"] as? [String: Any] ?? [:]
        #expect(properties["status"] as? String == "reported" && properties["created_by"] as? String == "王指挥")
        #expect(properties["zones"] as? [String] == ["isolation", "evacuation"])

        let briefing = try await server.get("/incidents/\(id)/briefing?format=json")
        #expect(briefing.status == 200)
        let zones = briefing.json["zones"] as? [[String: Any]] ?? []
        #expect((zones.last?["residents"] as? Double).map { Int($0.rounded()) } == 5539)
        let reach = briefing.json["reach"] as? [String: Any] ?? [:]
        let fire = (reach["fire_stations"] as? [[String: Any]] ?? []).compactMap { $0["minutes"] as? Double }
        #expect(fire == [8.7, 10.5, 16.4])
        #expect((briefing.json["change"] as? Double ?? 0) >= 1)
        let page = try await server.get("/incidents/\(id)/briefing")
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("Incident briefing 事件简报") && page.text.contains("data:image/png;base64,"))
        #expect(page.text.contains("First fire engine on scene") && page.text.contains("falls short"))

        let notify = try await server.get("/incidents/\(id)/notify")
        let contacts = (try? JSONSerialization.jsonObject(with: notify.body)) as? [[String: Any]] ?? []
        #expect(contacts.count == (briefing.json["notify"] as? [Any])?.count && !contacts.isEmpty)
        #expect(contacts.first?["group"] as? String == "grid_worker" && (contacts.first?["contact"] as? String)?.hasPrefix("0477-6") == true)
        let csv = try await server.get("/incidents/\(id)/notify.csv")
        #expect(csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text.hasPrefix("\u{FEFF}group,name,reference,contact,reason"))
        #expect(csv.text.contains("grid_worker,") && csv.text.contains("0477-6"))
        let list = try await server.get("/incidents")
        #expect(list.features.map { $0["id"] as? String } == [id])
    }

    /// A browser sends Origin with every POST: a refusal must keep its status and words
    /// (behind the CORS middleware it came out as a 500).
    @Test func aRefusalToABrowserKeepsItsStatus() async throws {
        let server = try await LiveServer()
        var headers = worker
        headers["Origin"] = server.base
        let refused = try await server.request("POST", "/incidents", headers: headers, body: leak)
        #expect(refused.status == 403 && (refused.json["detail"] as? String ?? "").contains("grid worker and may not create an incident"), "\(refused.text)")
        let missing = try await server.request("GET", "/collections/hazards/items/H-none", headers: ["Origin": "http://elsewhere.example"])
        #expect(missing.status == 404 && missing.headers["access-control-allow-origin"] == "*", "\(missing.status) \(missing.headers)")
    }

    @Test func theReportChainIsKeptInOrderAndTheFinalReportClosesIt() async throws {
        let server = try await LiveServer()
        let id = try #require(try await server.request("POST", "/incidents", headers: commander, body: leak).json["id"] as? String)
        let outOfOrder = try await server.request("POST", "/incidents/\(id)/reports", headers: commander, body: #"{"report_type": "final"}"#)
        #expect(outOfOrder.status == 409 && (outOfOrder.json["detail"] as? String ?? "").contains("initial report (初报)"), "\(outOfOrder.text)")
        #expect(try await server.request("POST", "/incidents/\(id)/reports", headers: worker, body: #"{"report_type": "initial"}"#).status == 403)
        let initial = try await server.request("POST", "/incidents/\(id)/reports", headers: commander,
                                               body: #"{"report_type": "initial", "injured": 3, "trapped": 1, "trend": "spreading", "measures": "500 m isolated"}"#)
        #expect(initial.status == 201, "\(initial.text)")
        let bad = try await server.request("POST", "/incidents/\(id)/reports", headers: commander, body: #"{"report_type": "follow_up", "dead": -1}"#)
        #expect(bad.status == 422 && (bad.json["detail"] as? String ?? "").hasPrefix("dead:"), "\(bad.text)")
        let responding = try await server.request("PATCH", "/incidents/\(id)", headers: commander, body: #"{"status": "responding"}"#)
        #expect((responding.json["properties"] as? [String: Any])?["status"] as? String == "responding")
        #expect(try await server.request("PATCH", "/incidents/\(id)", headers: commander, body: #"{"status": "reported"}"#).status == 409)
        for type in ["follow_up", "verified", "final"] {
            #expect(try await server.request("POST", "/incidents/\(id)/reports", headers: commander, body: #"{"report_type": "\#(type)"}"#).status == 201)
        }
        let done = try await server.get("/incidents/\(id)")
        #expect((done.json["properties"] as? [String: Any])?["status"] as? String == "closed")
        let chain = (done.json["report_chain"] as? [[String: Any]] ?? []).compactMap { $0["report_type"] as? String }
        #expect(chain == ["initial", "follow_up", "verified", "final"])
        let history = try await server.get("/incidents/\(id)/history")
        let changes: [Any] = history.json["changes"] as? [Any] ?? []
        #expect(changes.count == 10, "create, status, four reports (each a report row and an incident row)")
    }

    @Test func areasAreMadeAsAskedAndBadOnesAreRefusedNamingTheMember() async throws {
        let server = try await LiveServer()
        let plume = try await server.request("POST", "/incidents", headers: commander, body: #"""
            {"kind": "hazardous_chemical_leak", "hazard": "H-0000283", "area": "plume", "wind_from_deg": 270, "wind_speed_ms": 2, "stability": "F"}
            """#)
        #expect(plume.status == 201, "\(plume.text)")
        let zones = (plume.json["zones"] as? [String: Any])?["features"] as? [[String: Any]] ?? []
        #expect(zones.compactMap { $0["id"] as? String } == ["red", "orange", "yellow"])
        let id = try #require(plume.json["id"] as? String)
        let figures = try await server.get("/incidents/\(id)/briefing?format=json")
        #expect(figures.json["estimate"] as? Bool == true && ((figures.json["limits"] as? [String]) ?? []).contains { $0.hasPrefix("Shifting wind") })

        let radii = try await server.request("POST", "/incidents", headers: commander,
                                             body: #"{"kind": "fire", "location": {"type": "Point", "coordinates": [109.78, 39.61]}, "area": "radii", "radii_m": [200, 800]}"#)
        #expect(radii.status == 201, "\(radii.text)")
        let isochrone = try await server.request("POST", "/incidents", headers: commander,
                                                 body: #"{"kind": "flood", "hazard": "H-0000283", "area": "isochrone", "minutes": [3, 6]}"#)
        #expect(isochrone.status == 201, "\(isochrone.text)")

        for (body, member) in [
            (#"{"kind": "volcano", "hazard": "H-0000283"}"#, "kind:"),
            (#"{"kind": "fire", "hazard": "H-0000283", "radii_m": [100]}"#, "radii_m:"),
            (#"{"kind": "fire", "hazard": "H-0000283", "area": "radii", "radii_m": [800, 200]}"#, "radii_m:"),
            (#"{"kind": "fire", "hazard": "H-0000283", "area": "plume", "wind_from_deg": 90, "wind_speed_ms": 2}"#, "stability:"),
            (#"{"kind": "fire", "location": {"type": "Point", "coordinates": [400, 39]}}"#, "location:"),
            (#"{"kind": "fire"}"#, "location:"),
            (#"{"kind": "flood", "location": {"type": "Point", "coordinates": [109.78, 39.61]}, "area": "isochrone", "minutes": [3]}"#, "minutes:"),
            (#"{"kind": "fire", "hazard": "H-none"}"#, "hazard:"),
            (#"{"kind": "fire", "hazard": "H-0000283", "title": ""}"#, "title:"),
            (#"{"kind": "fire", "hazard": "H-0000283", "started_at": "yesterday"}"#, "started_at:"),
        ] {
            let answer = try await server.request("POST", "/incidents", headers: commander, body: body)
            #expect(answer.status == 422 && (answer.json["detail"] as? String ?? "").hasPrefix(member), "\(body): \(answer.status) \(answer.text)")
        }
        #expect(try await server.get("/incidents/INC-none").status == 404)
        #expect(try await server.get("/incidents/INC-none/briefing").status == 404)
    }

    /// An incident the command line opens in the served file reaches the running server
    /// through the change log it follows (before, the server saw it only after a restart).
    @Test func anIncidentOpenedByTheCommandLineReachesTheRunningServer() async throws {
        let server = try await LiveServer()
        #expect(try await server.get("/incidents/INC-CLI-1").status == 404)
        let made = try runProcess(Repository.onemapExecutable, ["incident", "create", "--data", server.dataPath, "--kind", "hazardous_chemical_leak",
                                                                "--hazard", "H-0000283", "--id", "INC-CLI-1", "--as", "值班员"])
        #expect(made.status == 0, "\(made.stderr)")
        let deadline = Date().addingTimeInterval(10)
        var status = 0
        while Date() < deadline {
            status = try await server.get("/incidents/INC-CLI-1").status
            if status == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status == 200, "the server follows the file's change log")
    }
}
