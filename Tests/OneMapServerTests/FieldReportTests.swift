import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The field-report rules through a real server: no acknowledged edit is lost under
/// concurrency, grid workers write only wholly inside their grid, the lifecycle and
/// server-owned fields cannot be bypassed, versions guard stale edits, every edit is on
/// record, and every accepted id can be read back.
@Suite(.serialized, .timeLimit(.minutes(10))) struct FieldReportTests {
    static let shared = LazyServer()

    var planner: [String: String] { ["Authorization": "Bearer \(LiveServer.plannerToken)", "Content-Type": "application/json"] }
    var worker: [String: String] { ["Authorization": "Bearer \(LiveServer.workerToken)", "Content-Type": "application/json"] }

    func grid(_ server: LiveServer, _ code: String) throws -> Geometry { try server.service.snapshotForTests.grid(code: code).geometry }
    func inside(_ server: LiveServer, _ code: String) throws -> Coordinate { try GEOSContext().pointOnSurface(try grid(server, code)) }

    /// A grid that touches the worker's grid, and a point inside it.
    func neighbour(_ server: LiveServer) throws -> (String, Coordinate) {
        let own = try GEOSContext().prepare(try grid(server, server.workerGrid))
        for code in server.gridCodes.dropFirst() where try own.intersects(try grid(server, code)) { return (code, try inside(server, code)) }
        throw TestFailure("no neighbour of \(server.workerGrid)")
    }

    func point(_ c: Coordinate) -> String { #"{"type": "Point", "coordinates": [\#(c.x), \#(c.y)]}"# }

    func create(_ server: LiveServer, id: String, at c: Coordinate, level: Int = 2, headers: [String: String]? = nil, extra: String = "") async throws -> LiveServer.Answer {
        try await server.request("POST", "/collections/hazards/items", headers: headers ?? worker,
                                 body: #"{"type": "Feature", "id": "\#(id)", "geometry": \#(point(c)), "properties": {"name": "测试", "kind": "gas_station", "level": \#(level), "impact_distance_m": 50\#(extra)}}"#)
    }

    func patch(_ server: LiveServer, _ id: String, _ body: String, headers: [String: String]? = nil) async throws -> LiveServer.Answer {
        try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: headers ?? worker, body: body)
    }

    func properties(_ answer: LiveServer.Answer) -> [String: Any] { answer.json["properties"] as? [String: Any] ?? [:] }

    @Test func concurrentPatchesOfDifferentPropertiesKeepBoth() async throws {
        let server = try await Self.shared.get()
        let spot = try inside(server, server.workerGrid)
        #expect(try await create(server, id: "H-race", at: spot, level: 3).status == 201)
        var lost = 0
        for round in 0..<60 {
            let level = 1 + round % 2
            let distance = Double(100 + round)
            async let a = patch(server, "H-race", #"{"level": \#(level)}"#, headers: planner)
            async let b = patch(server, "H-race", #"{"impact_distance_m": \#(distance)}"#, headers: planner)
            let (ra, rb) = try await (a, b)
            #expect(ra.status == 200 && rb.status == 200, "\(ra.text) \(rb.text)")
            let now = properties(try await server.get("/collections/hazards/items/H-race"))
            if now["level"] as? Int != level || now["impact_distance_m"] as? Double != distance { lost += 1 }
        }
        #expect(lost == 0, "\(lost) of 60 rounds lost an acknowledged change")
        // A worker's acknowledged close is not reverted by a simultaneous edit.
        var reverted = 0
        for round in 0..<20 {
            let id = "H-close-\(round)"
            #expect(try await create(server, id: id, at: spot).status == 201)
            #expect(try await patch(server, id, #"{"status": "rectifying"}"#).status == 200)
            async let close = patch(server, id, #"{"status": "closed"}"#)
            async let other = patch(server, id, #"{"name": "改名 \#(round)"}"#, headers: planner)
            let (rc, ro) = try await (close, other)
            #expect(rc.status == 200 && ro.status == 200, "\(rc.text) \(ro.text)")
            if properties(try await server.get("/collections/hazards/items/\(id)"))["status"] as? String != "closed" { reverted += 1 }
        }
        #expect(reverted == 0)
    }

    @Test func aGridWorkerWritesOnlyWhollyInsideTheirGrid() async throws {
        let server = try await Self.shared.get()
        let spot = try inside(server, server.workerGrid)
        let (code, there) = try neighbour(server)
        let straddling = [
            #"{"type": "LineString", "coordinates": [[\#(spot.x), \#(spot.y)], [\#(there.x), \#(there.y)]]}"#,
            #"{"type": "MultiPoint", "coordinates": [[\#(spot.x), \#(spot.y)], [\#(there.x), \#(there.y)]]}"#,
        ]
        for (i, geometry) in straddling.enumerated() {
            let answer = try await server.request("POST", "/collections/hazards/items", headers: worker,
                                                  body: #"{"type": "Feature", "id": "H-straddle-\#(i)", "geometry": \#(geometry), "properties": {"level": 1}}"#)
            #expect(answer.status == 403, "\(answer.text)")
            #expect((answer.json["detail"] as? String ?? "").contains("the whole geometry must lie in grid \(server.workerGrid)"), "\(answer.text)")
            // The neighbour's colour is untouched: nothing was written.
            #expect(try await server.get("/collections/hazards/items/H-straddle-\(i)").status == 404)
        }
        // Moving one's own hazard so that it reaches the neighbour is refused too.
        #expect(try await create(server, id: "H-own", at: spot).status == 201)
        let moved = try await patch(server, "H-own", #"{"type": "Feature", "geometry": \#(straddling[0]), "properties": {}}"#)
        #expect(moved.status == 403, "\(moved.text)")
        // A planner may write anywhere, and grid_code follows the representative point.
        let planned = try await create(server, id: "H-planner", at: there, headers: planner)
        #expect(planned.status == 201 && properties(planned)["grid_code"] as? String == code, "\(planned.text)")
        // And a worker cannot edit a hazard that lies in another grid.
        #expect(try await patch(server, "H-planner", #"{"name": "x"}"#).status == 403)
    }

    @Test func theLifecycleAndServerOwnedFieldsCannotBeBypassed() async throws {
        let server = try await Self.shared.get()
        let spot = try inside(server, server.workerGrid)
        #expect(try await create(server, id: "H-life", at: spot).status == 201)
        for (body, words) in [
            (#"{"status": null}"#, "status: cannot be removed"),
            (#"{"status": "closed"}"#, "'registered' cannot become 'closed'"),
            (#"{"reported_by": "someone else"}"#, "reported_by: set by the service"),
            (#"{"reported_by": null}"#, "reported_by: set by the service"),
            (#"{"上报人": "冒名"}"#, "reported_by: set by the service"),
            (#"{"reported_at": null}"#, "reported_at: set by the service"),
            (#"{"grid_code": "X"}"#, "grid_code: set by the service"),
            (#"{"changed_by": "x"}"#, "changed_by: set by the service"),
            (#"{"closed_at": "2020-01-01T00:00:00Z"}"#, "closed_at: set by the service"),
            (#"{"level": 4}"#, "level: a grid worker cannot lower"),
            (#"{"level": null}"#, "level: a grid worker cannot lower"),
        ] {
            let answer = try await patch(server, "H-life", body)
            #expect(answer.status == 422, "\(body): \(answer.text)")
            #expect((answer.json["detail"] as? String ?? "").contains(words), "\(body): \(answer.text)")
        }
        for extra in [#", "reported_by": "x""#, #", "grid_code": "x""#, #", "status": "closed""#, #", "changed_at": "x""#] {
            #expect(try await create(server, id: "H-owned", at: spot, extra: extra).status == 422, "\(extra)")
        }
        #expect(try await patch(server, "H-life", #"{"level": 1}"#).status == 200)  // raising is fine
        #expect(try await patch(server, "H-life", #"{"status": "rectifying"}"#).status == 200)
        let closed = try await patch(server, "H-life", #"{"status": "closed"}"#)
        #expect(closed.status == 200 && properties(closed)["closed_by"] as? String == "张网格员" && properties(closed)["closed_at"] != nil)
        // The old bypass: null, then a step back.
        #expect(try await patch(server, "H-life", #"{"status": null}"#).status == 422)
        #expect(try await patch(server, "H-life", #"{"status": "rectifying"}"#).status == 422)
        #expect(properties(try await server.get("/collections/hazards/items/H-life"))["status"] as? String == "closed")
        // A planner reopens and lowers.
        let reopened = try await patch(server, "H-life", #"{"status": "rectifying", "level": 4}"#, headers: planner)
        #expect(reopened.status == 200 && properties(reopened)["closed_by"] == nil && properties(reopened)["reported_by"] as? String == "张网格员", "\(reopened.text)")
    }

    @Test func ifMatchRefusesAStaleEdit() async throws {
        let server = try await Self.shared.get()
        #expect(try await create(server, id: "H-etag", at: try inside(server, server.workerGrid)).status == 201)
        let read = try await server.get("/collections/hazards/items/H-etag")
        let etag = try #require(read.headers["etag"])
        var headers = planner
        headers["If-Match"] = etag
        let first = try await patch(server, "H-etag", #"{"name": "一"}"#, headers: headers)
        #expect(first.status == 200 && first.headers["etag"] != etag)
        let second = try await patch(server, "H-etag", #"{"name": "二"}"#, headers: headers)
        #expect(second.status == 412 && (second.json["detail"] as? String ?? "").contains("has changed"), "\(second.text)")
        #expect(properties(try await server.get("/collections/hazards/items/H-etag"))["name"] as? String == "一")
        headers["If-Match"] = first.headers["etag"]
        #expect(try await patch(server, "H-etag", #"{"name": "二"}"#, headers: headers).status == 200)
        #expect(try await server.get("/collections/hazards/items/H-etag").headers["etag"] != first.headers["etag"])
    }

    @Test func everyAcceptedIdCanBeReadAndEditedAndOthersAreRefused() async throws {
        let server = try await Self.shared.get()
        let spot = try inside(server, server.workerGrid)
        for bad in ["", "a/b", "a b", String(repeating: "x", count: 129), "<script>"] {
            let answer = try await create(server, id: bad, at: spot)
            #expect(answer.status == 422, "'\(bad)': \(answer.text)")
        }
        for good in ["隐患-康巴什-01", "H:2026.12~a_b"] {
            let created = try await create(server, id: good, at: spot)
            #expect(created.status == 201, "\(good): \(created.text)")
            let location = try #require(created.headers["location"])
            let path = String(location.dropFirst(server.base.count))
            #expect(try await server.get(path).json["id"] as? String == good, "\(path)")
            #expect(try await server.request("PATCH", path, headers: worker, body: #"{"name": "改"}"#).status == 200, "\(path)")
        }
    }

    @Test func everyEditIsOnRecordOverHTTPAndInTheCLI() async throws {
        let server = try await Self.shared.get()
        #expect(try await create(server, id: "H-story", at: try inside(server, server.workerGrid)).status == 201)
        #expect(try await patch(server, "H-story", #"{"status": "rectifying"}"#).status == 200)
        #expect(try await patch(server, "H-story", #"{"level": 4}"#, headers: planner).status == 200)
        let history = try await server.get("/collections/hazards/items/H-story/history")
        let changes = history.json["changes"] as? [[String: Any]] ?? []
        #expect(changes.map { $0["operation"] as? String } == ["create", "update", "update"], "\(history.text)")
        #expect(changes.map { $0["author"] as? String } == ["张网格员", "张网格员", "规划科"])
        let numbers = changes.compactMap { $0["change"] as? Int }
        #expect(numbers == numbers.sorted() && Set(numbers).count == 3)
        let lastBefore = (changes.last?["before"] as? [String: Any])?["properties"] as? [String: Any]
        let lastAfter = (changes.last?["after"] as? [String: Any])?["properties"] as? [String: Any]
        #expect(lastBefore?["level"] as? Int == 2 && lastAfter?["level"] as? Int == 4)
        #expect(changes.first?["before"] is NSNull)
        #expect(try await server.get("/collections/hazards/items/nobody/history").status == 404)
        // The CLI reads the same log from the file.
        let cli = try await runProcessAsync(Repository.onemapExecutable, ["history", "--data", server.dataPath, "H-story"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let lines = cli.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[2].contains("level: 2 → 4") && lines[2].contains("规划科 (planner)"), "\(cli.stdout)")
        let none = try await runProcessAsync(Repository.onemapExecutable, ["history", "--data", server.dataPath, "H-never"])
        #expect(none.status != 0 && none.stderr.contains("no change of hazards 'H-never' is on record"), "\(none.stderr)")
        // And the table is a GeoPackage attributes table GDAL lists.
        let ogr = try await runProcessAsync("ogrinfo", ["-ro", "-q", server.dataPath, "onemap_changes", "-where", "feature_id = 'H-story'"])
        #expect(ogr.stdout.components(separatedBy: "OGRFeature(onemap_changes)").count - 1 == 3, "\(ogr.stdout) \(ogr.stderr)")
    }

    @Test func geometriesOverTheVertexLimitAre422() async throws {
        let server = try await Self.shared.get()
        let spot = try inside(server, server.workerGrid)
        let ring = (0...10_001).map { i -> String in
            let a = Double(i) / 10_001 * 2 * Double.pi
            return "[\(spot.x + 0.0005 * cos(a)), \(spot.y + 0.0005 * sin(a))]"
        }
        let body = #"{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [\#(ring.joined(separator: ","))]}, "properties": {"level": 3}}"#
        let answer = try await server.request("POST", "/collections/hazards/items", headers: planner, body: body)
        #expect(answer.status == 422 && (answer.json["detail"] as? String ?? "").contains("10002 vertices; reports take at most 10000"), "\(answer.status) \(answer.text.prefix(300))")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
