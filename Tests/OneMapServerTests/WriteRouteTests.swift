import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Reports from the field through a real server: tokens and roles, the lifecycle, and a
/// write's effect on the file, the queries, the one map and the tiles.
@Suite(.timeLimit(.minutes(10))) struct WriteRouteTests {
    func inside(_ server: LiveServer, grid code: String) throws -> Coordinate {
        try GEOSContext().pointOnSurface(try server.service.snapshotForTests.grid(code: code).geometry)
    }

    func hazard(_ c: Coordinate, id: String? = nil, level: Int = 1, impact: Double = 120, extra: String = "") -> String {
        #"{"type": "Feature", \#(id.map { #""id": "\#($0)", "# } ?? "")"geometry": {"type": "Point", "coordinates": [\#(c.x), \#(c.y)]}, "properties": {"name": "新登记隐患", "kind": "gas_station", "level": \#(level), "impact_distance_m": \#(impact)\#(extra)}}"#
    }

    /// The one map's feature for the grid with `code`.
    func mapCell(_ server: LiveServer, _ code: String) async throws -> [String: Any] {
        let id = try server.service.snapshotForTests.grid(code: code).id
        let cell = try await server.get("/riskmap").features.first { $0["id"] as? String == id }
        return cell?["properties"] as? [String: Any] ?? [:]
    }

    @Test func aGridWorkerRegistersAHazardAndEverythingSeesIt() async throws {
        let server = try await LiveServer()
        let spot = try inside(server, grid: server.workerGrid)
        let worker = ["Authorization": "Bearer \(LiveServer.workerToken)"]
        let tile = TileID.covering(BoundingBox(minX: spot.x, minY: spot.y, maxX: spot.x, maxY: spot.y), zoom: 15)[0]
        let before = try await server.get("/tiles/15/\(tile.x)/\(tile.y).png")

        #expect(try await server.request("POST", "/collections/hazards/items", body: hazard(spot)).status == 401)
        #expect(try await server.request("POST", "/collections/hazards/items", headers: ["Authorization": "Bearer not-a-token-at-all-xx"], body: hazard(spot)).status == 401)
        let other = try await server.request("POST", "/collections/hazards/items", headers: ["Authorization": "Bearer \(LiveServer.otherWorkerToken)"], body: hazard(spot))
        #expect(other.status == 403 && (other.json["detail"] as? String ?? "").contains("may not register a hazard in grid \(server.workerGrid)"), "\(other.text)")

        let created = try await server.request("POST", "/collections/hazards/items", headers: worker, body: hazard(spot, id: "H-field-1"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.headers["location"] == "\(server.base)/collections/hazards/items/H-field-1")
        let properties = created.json["properties"] as? [String: Any] ?? [:]
        #expect(properties["status"] as? String == "registered" && properties["reported_by"] as? String == "张网格员")
        #expect(properties["grid_code"] as? String == server.workerGrid && properties["reported_at"] != nil)

        // Committed to the GeoPackage before the 201.
        var stored: LayerRecord?
        try GeoPackage(path: server.dataPath, mode: .readOnly).read { session in
            try session.forEachRecord(in: .hazards) { if $0.id == "H-field-1" { stored = $0 } }
        }
        #expect(stored != nil)
        // Visible in queries, in the one map, and in a re-drawn tile.
        #expect(try await server.get("/collections/hazards/items/H-field-1").status == 200)
        let near = try await server.get("/query/within?layer=hazards&lon=\(spot.x)&lat=\(spot.y)&radius=1")
        #expect(near.features.first?["id"] as? String == "H-field-1")
        let cellProperties = try await mapCell(server, server.workerGrid)
        #expect(cellProperties["colour"] as? String == "red")
        #expect((cellProperties["reasons"] as? [[String: Any]] ?? []).contains { $0["source"] as? String == "H-field-1" })
        let after = try await server.get("/tiles/15/\(tile.x)/\(tile.y).png")
        #expect(after.status == 200 && after.body != before.body)
        #expect(after.headers["etag"] != before.headers["etag"])
        let dup = try await server.request("POST", "/collections/hazards/items", headers: worker, body: hazard(spot, id: "H-field-1"))
        #expect(dup.status == 409)

        // The lifecycle: registered → rectifying → closed; only a planner reopens.
        let patch = { (body: String, token: String) async throws -> LiveServer.Answer in
            try await server.request("PATCH", "/collections/hazards/items/H-field-1", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: body)
        }
        #expect(try await patch(#"{"status": "rectifying"}"#, LiveServer.workerToken).status == 200)
        #expect(try await patch(#"{"status": "closed"}"#, LiveServer.workerToken).status == 200)
        let reopen = try await patch(#"{"status": "registered"}"#, LiveServer.workerToken)
        #expect(reopen.status == 422 && (reopen.json["detail"] as? String ?? "").contains("'closed' cannot become 'registered'"), "\(reopen.text)")
        // Closed, it no longer colours its cell.
        let closedCell = try await mapCell(server, server.workerGrid)
        #expect(!((closedCell["reasons"] as? [[String: Any]]) ?? []).contains { $0["source"] as? String == "H-field-1" })
        #expect(try await patch(#"{"status": "registered"}"#, LiveServer.plannerToken).status == 200)
        // Moving it out of the worker's grid is refused.
        let elsewhere = try inside(server, grid: server.gridCodes[5])
        let moved = try await patch(#"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [\#(elsewhere.x), \#(elsewhere.y)]}, "properties": {}}"#, LiveServer.workerToken)
        #expect(moved.status == 403, "\(moved.text)")
        #expect(try await server.request("PATCH", "/collections/hazards/items/nobody", headers: worker, body: "{}").status == 404)
    }

    @Test func badReportsGetTheRightProblem() async throws {
        let server = try await LiveServer(maxBodyBytes: 4096)
        let spot = try inside(server, grid: server.workerGrid)
        let planner = ["Authorization": "Bearer \(LiveServer.plannerToken)"]
        let bowtie = #"{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[\#(spot.x), \#(spot.y)], [\#(spot.x + 0.001), \#(spot.y + 0.001)], [\#(spot.x + 0.001), \#(spot.y)], [\#(spot.x), \#(spot.y + 0.001)], [\#(spot.x), \#(spot.y)]]]}, "properties": {"level": 2}}"#
        let big = hazard(spot, extra: #", "note": "\#(String(repeating: "x", count: 5000))""#)
        for (body, type, status, words) in [
            (bowtie, "application/geo+json", 422, "Self-intersection"),
            (hazard(spot, level: 9), "application/geo+json", 422, "level"),
            (hazard(spot, impact: -5), "application/geo+json", 422, "impact_distance_m"),
            (#"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [200, 40]}, "properties": {"level": 1}}"#, "application/geo+json", 422, "outside lon"),
            (#"{"type": "FeatureCollection", "features": []}"#, "application/geo+json", 422, "must be a GeoJSON Feature"),
            (#"{"type": "Feature", "geometry": "#, "application/geo+json", 400, ""),
            (hazard(spot), "text/plain", 415, "send GeoJSON"),
            (big, "application/geo+json", 413, "larger than the service accepts"),
        ] {
            let answer = try await server.request("POST", "/collections/hazards/items", headers: planner.merging(["Content-Type": type]) { $1 }, body: body)
            #expect(answer.status == status, "\(status) wanted: \(answer.status) \(answer.text)")
            #expect(answer.headers["content-type"] == "application/problem+json")
            if !words.isEmpty { #expect((answer.json["detail"] as? String ?? "").contains(words), "\(answer.text)") }
        }
        let shelter = try await server.request("POST", "/collections/shelters/items", headers: planner, body: hazard(spot))
        #expect(shelter.status == 405 && shelter.headers["allow"] == "GET")
        // The server is still serving.
        #expect(try await server.get("/health").status == 200)
    }

    @Test func sheltersReportCapacityAndStatus() async throws {
        let server = try await LiveServer()
        let planner = ["Authorization": "Bearer \(LiveServer.plannerToken)", "Content-Type": "application/json"]
        let p = "lon=109.781&lat=39.608"
        let first = try #require(try await server.get("/query/nearest-shelter?\(p)&k=1").features.first)
        let id = try #require(first["id"] as? String)
        let capacity = try #require((first["properties"] as? [String: Any])?["capacity"] as? Int)
        let full = try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"occupancy": \#(capacity), "status": "full"}"#)
        #expect(full.status == 200, "\(full.text)")
        let next = try await server.get("/query/nearest-shelter?\(p)&k=1")
        #expect(next.features.first?["id"] as? String != id)
        let renamed = try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"name": "x"}"#)
        #expect(renamed.status == 422)
        var stored: LayerRecord?
        try GeoPackage(path: server.dataPath, mode: .readOnly).read { session in
            try session.forEachRecord(in: .shelters) { if $0.id == id { stored = $0 } }
        }
        let status = Layer.shelters.columns.firstIndex { $0.name == "status" }!
        #expect(stored?.values[status] == .text("full"))
    }

    /// Nearest shelters offer only open ones with room unless asked for all (issue 14):
    /// a closed shelter near the point was offered first. Occupancy reaching capacity makes
    /// a shelter full; above capacity is refused.
    @Test func onlyOpenSheltersWithRoomAreOfferedAndOccupancySettlesTheStatus() async throws {
        let server = try await LiveServer()
        let planner = ["Authorization": "Bearer \(LiveServer.plannerToken)", "Content-Type": "application/json"]
        let p = "lon=109.781&lat=39.608"
        func first(_ query: String) async throws -> [String: Any]? { try await server.get("/query/nearest-shelter?\(p)&\(query)").features.first }
        let nearest = try #require(try await first("k=1&status=any"))
        let id = try #require(nearest["id"] as? String)
        let capacity = try #require((nearest["properties"] as? [String: Any])?["capacity"] as? Int)
        #expect(try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"status": "closed"}"#).status == 200)
        #expect(try await first("k=1")?["id"] as? String != id, "a closed shelter is offered by default")
        #expect(try await first("k=1&status=any")?["id"] as? String == id)
        // Every default answer is open with room, as the library's default criteria say.
        let offered = try await server.get("/query/nearest-shelter?\(p)&k=10").features
        let want = try server.service.snapshotForTests.nearestShelters(to: Coordinate(109.781, 39.608), k: 10)
        #expect(offered.map { $0["id"] as? String } == want.map { $0.hit.record.id })
        for feature in offered {
            let properties = feature["properties"] as? [String: Any] ?? [:]
            #expect(properties["status"] as? String == "open" && (properties["room_persons"] as? Int ?? 0) > 0, "\(properties)")
        }
        // Occupancy: at capacity the shelter is full, above it the report is refused, below it open again.
        #expect(try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"status": "open"}"#).status == 200)
        let atCapacity = try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"occupancy": \#(capacity)}"#)
        #expect((atCapacity.json["properties"] as? [String: Any])?["status"] as? String == "full", "\(atCapacity.text)")
        let over = try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"occupancy": \#(capacity + 1000)}"#)
        #expect(over.status == 422 && over.text.contains("above the capacity"), "\(over.text)")
        let eased = try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"occupancy": \#(capacity - 1)}"#)
        #expect((eased.json["properties"] as? [String: Any])?["status"] as? String == "open", "\(eased.text)")
    }
}
