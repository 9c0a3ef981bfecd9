import Foundation
import OneMap
import OneMapServer
import OneMapTestSupport
import Testing

/// In the field and live over real HTTP (issue 17): idempotent reports, a replayed step,
/// photos by the Related Tables Extension (GDAL sees the relation), supervision and its
/// overdue rule against brute force, and the live feed (/events) with resume and bounds.
@Suite(.timeLimit(.minutes(10))) struct FieldLiveTests {
    func inside(_ server: LiveServer, _ code: String) throws -> Coordinate {
        try GEOSContext().pointOnSurface(try server.service.snapshotForTests.grid(code: code).geometry)
    }

    func hazardBody(_ c: Coordinate, name: String) -> String {
        #"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [\#(c.x), \#(c.y)]}, "properties": {"name": "\#(name)", "kind": "other", "level": 3}}"#
    }

    var worker: [String: String] { ["Authorization": "Bearer \(LiveServer.workerToken)"] }
    var planner: [String: String] { ["Authorization": "Bearer \(LiveServer.plannerToken)"] }

    func changeLogRows(_ server: LiveServer, author: String) throws -> Int {
        try GeoPackage(path: server.dataPath, mode: .readOnly).read { session in
            try session.changes(after: 0, limit: 100_000).filter { $0.author == author }.count
        }
    }

    /// `/collections/hazards` tells the extent of the hazards there are now: a report from
    /// outside the old box, made today, widens the box and ends the time interval (they were
    /// fixed at start).
    @Test func aCollectionsExtentFollowsTheReports() async throws {
        let server = try await LiveServer()
        func extent() async throws -> (box: [Double], interval: [String]) {
            let json = try await server.get("/collections/hazards").json
            let extent = json["extent"] as? [String: Any]
            let box = ((extent?["spatial"] as? [String: Any])?["bbox"] as? [[Double]])?.first ?? []
            let interval = ((extent?["temporal"] as? [String: Any])?["interval"] as? [[String]])?.first ?? []
            return (box, interval)
        }
        let before = try await extent()
        #expect(before.box.count == 4 && before.interval.count == 2)
        let spot = Coordinate(before.box[2] + 0.05, before.box[3] + 0.05)
        let made = try await server.request("POST", "/collections/hazards/items", headers: planner, body: hazardBody(spot, name: "界外 outside"))
        #expect(made.status == 201, "\(made.text)")
        let id = try #require(made.json["id"] as? String)
        let reported = try await server.get("/collections/hazards/items/\(id)").json
        let at = try #require((reported["properties"] as? [String: Any])?["reported_at"] as? String)
        let after = try await extent()
        #expect(after.box[0] == before.box[0] && after.box[1] == before.box[1] && after.box[2] == spot.x && after.box[3] == spot.y, "\(after.box)")
        #expect(after.interval == [before.interval[0], at], "\(after.interval) \(at)")
        // Every hazard lies in the box the collection gives (brute force over the index).
        for hazard in try server.service.snapshotForTests.allFeatures(.hazards) {
            guard let b = hazard.geometry.boundingBox else { continue }
            #expect(b.minX >= after.box[0] && b.minY >= after.box[1] && b.maxX <= after.box[2] && b.maxY <= after.box[3], "\(hazard.id)")
        }
    }

    @Test func theSameReportSentTwiceWithOneKeyStoresOneHazard() async throws {
        let server = try await LiveServer()
        let spot = try inside(server, server.workerGrid)
        let before = try server.service.snapshotForTests.count(.hazards)
        var headers = worker
        headers["Idempotency-Key"] = "0b6c3f1e-2d7a-4a55-9d1e-6f0a0c1d2e3f"
        let first = try await server.request("POST", "/collections/hazards/items", headers: headers, body: hazardBody(spot, name: "一次 once"))
        let again = try await server.request("POST", "/collections/hazards/items", headers: headers, body: hazardBody(spot, name: "一次 once"))
        #expect(first.status == 201 && again.status == 201, "\(first.text) \(again.text)")
        #expect(first.json["id"] as? String == again.json["id"] as? String)
        #expect(again.headers["idempotent-replayed"] == "true" && first.headers["idempotent-replayed"] == nil)
        #expect(try server.service.snapshotForTests.count(.hazards) == before + 1)
        let stored = try GeoPackage(path: server.dataPath, mode: .readOnly).read { try $0.count(.hazards) }
        #expect(stored == before + 1, "one row in the file")
        #expect(try changeLogRows(server, author: "张网格员") == 1, "one change-log row")
        // Without a key, the same body is a second report (two hazards): the key is what makes it one.
        let unkeyed = try await server.request("POST", "/collections/hazards/items", headers: worker, body: hazardBody(spot, name: "一次 once"))
        #expect(unkeyed.status == 201 && unkeyed.json["id"] as? String != first.json["id"] as? String)
        // The key used again for another request is refused, not answered with the first hazard.
        let id = try #require(unkeyed.json["id"] as? String)
        var reused = headers
        reused["Content-Type"] = "application/json"
        let misuse = try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: reused, body: #"{"status": "rectifying"}"#)
        #expect(misuse.status == 422 && misuse.text.contains("Idempotency-Key"), "\(misuse.text)")
        // Another worker's same key is theirs: keys are per author.
        var other = ["Authorization": "Bearer \(LiveServer.otherWorkerToken)", "Idempotency-Key": headers["Idempotency-Key"] ?? ""]
        other["Content-Type"] = "application/geo+json"
        let theirs = try await server.request("POST", "/collections/hazards/items", headers: other, body: hazardBody(try inside(server, server.gridCodes[1]), name: "他人 theirs"))
        #expect(theirs.status == 201 && theirs.headers["idempotent-replayed"] == nil, "\(theirs.text)")
        let bad = try await server.request("POST", "/collections/hazards/items", headers: worker.merging(["Idempotency-Key": "has space"]) { $1 },
                                           body: hazardBody(spot, name: "x"))
        #expect(bad.status == 400 && bad.text.contains("Idempotency-Key"), "\(bad.text)")
    }

    @Test func aReplayedStepIsAnsweredAndAStaleOneGets412WithTheCurrentVersion() async throws {
        let server = try await LiveServer()
        let made = try await server.request("POST", "/collections/hazards/items", headers: worker, body: hazardBody(try inside(server, server.workerGrid), name: "步骤 step"))
        let id = try #require(made.json["id"] as? String)
        let version = try #require(made.headers["etag"])
        var step = worker
        step["If-Match"] = version
        step["Idempotency-Key"] = "step-1"
        step["Content-Type"] = "application/json"
        let first = try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: step, body: #"{"status": "rectifying"}"#)
        #expect(first.status == 200, "\(first.text)")
        // The phone never heard the answer and sends the step again: the version it names is
        // stale now (because of this very step), yet the answer is the step's, not a 412.
        let replay = try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: step, body: #"{"status": "rectifying"}"#)
        #expect(replay.status == 200 && replay.headers["idempotent-replayed"] == "true", "\(replay.text)")
        #expect(replay.headers["etag"] == first.headers["etag"])
        // A different step queued against the old version: 412, with the current version.
        step["Idempotency-Key"] = "step-2"
        let stale = try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: step, body: #"{"status": "closed"}"#)
        let current = try await server.get("/collections/hazards/items/\(id)")
        #expect(stale.status == 412, "\(stale.text)")
        #expect(stale.headers["etag"] == current.headers["etag"])
        #expect("\"\(stale.json["current_version"] as? String ?? "")\"" == current.headers["etag"], "\(stale.text)")
        #expect((current.json["properties"] as? [String: Any])?["status"] as? String == "rectifying")
    }

    @Test func photosAreCheckedStrippedStoredAndRelated() async throws {
        let server = try await LiveServer()
        let made = try await server.request("POST", "/collections/hazards/items", headers: worker, body: hazardBody(try inside(server, server.workerGrid), name: "照片 photo"))
        let id = try #require(made.json["id"] as? String)
        let path = "/collections/hazards/items/\(id)/media"
        // A JPEG with EXIF (GPS and time) and a comment: place and time kept, bytes stripped.
        let jpeg = TestImages.jpegWithExif(latitude: (39, 36, 30), longitude: (109, 46, 51.6), taken: "2026:11:30 08:15:42", comment: "secret comment")
        var headers = worker
        headers["Content-Type"] = "image/jpeg"
        headers["Idempotency-Key"] = "photo-1"
        let stored = try await server.upload(path, jpeg.bytes, headers: headers)
        #expect(stored.status == 201, "\(stored.text)")
        #expect(stored.json["taken_at"] as? String == "2026-11-30T08:15:42")
        #expect(abs((stored.json["latitude"] as? Double ?? 0) - (39 + 36.0 / 60 + 30.0 / 3600)) < 1e-9)
        #expect(abs((stored.json["longitude"] as? Double ?? 0) - (109 + 46.0 / 60 + 51.6 / 3600)) < 1e-9)
        #expect(stored.json["width"] as? Int == 3 && stored.json["height"] as? Int == 2)
        let again = try await server.upload(path, jpeg.bytes, headers: headers)
        #expect(again.status == 201 && again.headers["idempotent-replayed"] == "true" && again.json["position"] as? Int == 1)
        let png = TestImages.png(width: 5, height: 4, text: "secret text")
        headers["Content-Type"] = "image/png"
        headers["Idempotency-Key"] = "photo-2"
        #expect(try await server.upload(path, png.bytes, headers: headers).status == 201)
        let list = try await server.get(path)
        #expect(list.json["count"] as? Int == 2, "\(list.text)")
        let first = try await server.get(path + "/1")
        #expect(first.headers["content-type"] == "image/jpeg" && [UInt8](first.body) == jpeg.stripped, "EXIF and the comment are not stored")
        let second = try await server.get(path + "/2")
        #expect(second.headers["content-type"] == "image/png" && [UInt8](second.body) == png.stripped)
        #expect(try await server.get(path + "/3").status == 404)

        // Refusals in words: damaged, not an image, too large, not the worker's to touch.
        headers["Idempotency-Key"] = nil
        let cut = try await server.upload(path, Array(png.bytes.dropLast(20)), headers: headers)
        #expect(cut.status == 422 && (cut.json["detail"] as? String ?? "").contains("damaged or cut short"), "\(cut.text)")
        let gif = try await server.upload(path, Array("GIF89a....".utf8), headers: headers)
        #expect(gif.status == 422 && (gif.json["detail"] as? String ?? "").contains("JPEG or PNG"), "\(gif.text)")
        let huge = try await server.upload(path, [0xFF, 0xD8, 0xFF] + Array(repeating: 0x20, count: 10 * 1024 * 1024), headers: headers)
        #expect(huge.status == 413 && (huge.json["detail"] as? String ?? "").contains("at most 10.0 MB"), "\(huge.text)")
        let stranger = try await server.upload(path, png.bytes, headers: ["Authorization": "Bearer \(LiveServer.otherWorkerToken)", "Content-Type": "image/png"])
        #expect(stranger.status == 403, "\(stranger.text)")
        #expect(try await server.upload(path, png.bytes, headers: ["Content-Type": "image/png"]).status == 401)

        // In the change log, and GDAL sees the media table and the relation.
        let attached = try GeoPackage(path: server.dataPath, mode: .readOnly).read { try $0.history(layer: "hazards", featureID: id) }.filter { $0.operation == .attach }
        #expect(attached.count == 2)
        let ogrinfo = try runProcess("/usr/bin/ogrinfo", ["-ro", "-q", server.dataPath])
        #expect(ogrinfo.stdout.contains("onemap_media") && ogrinfo.stdout.contains("hazards_media"), "\(ogrinfo.stdout)")
        let script = """
            from osgeo import gdal
            ds = gdal.OpenEx('\(server.dataPath)', gdal.OF_VECTOR)
            for name in ds.GetRelationshipNames() or []:
                r = ds.GetRelationship(name)
                print(name, r.GetLeftTableName(), r.GetRightTableName(), r.GetMappingTableName(), r.GetRelatedTableType())
            sql = ds.ExecuteSQL("SELECT count(*) FROM hazards_media m JOIN hazards h ON h.fid = m.base_id WHERE h.id = '\(id)'")
            print('photos', sql.GetNextFeature().GetField(0))
            ds.ReleaseResultSet(sql)
            """
        let gdal = try runProcess("/usr/bin/python3", ["-c", script])
        #expect(gdal.stdout.contains("hazards_onemap_media_media hazards onemap_media hazards_media media"), "\(gdal.stdout) \(gdal.stderr)")
        #expect(gdal.stdout.contains("photos 2"), "\(gdal.stdout) \(gdal.stderr)")
    }

    @Test func supervisionListsWhatTheRuleSaysAndOnlySupervisorsList() async throws {
        let server = try await LiveServer()
        let spot = try inside(server, server.workerGrid)
        let made = try await server.request("POST", "/collections/hazards/items", headers: worker, body: hazardBody(spot, name: "督办 supervised"))
        let id = try #require(made.json["id"] as? String)
        var patch = worker
        patch["Content-Type"] = "application/json"
        let refused = try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: patch, body: #"{"supervision_owner": "安监站"}"#)
        #expect(refused.status == 403 && refused.text.contains("planners and admins"), "\(refused.text)")
        patch["Authorization"] = "Bearer \(LiveServer.plannerToken)"
        let listed = try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: patch,
                                              body: #"{"supervision_owner": "安监站 safety office", "due_date": "2026-01-01T00:00:00Z"}"#)
        #expect(listed.status == 200, "\(listed.text)")

        let answer = try await server.get("/supervision")
        let rows = answer.json["hazards"] as? [[String: Any]] ?? []
        // Brute force: every open hazard, its due date by the rule, overdue against now.
        let config = try FieldConfig.load(path: Repository.path("config/field.json"))
        let now = Date()
        var expected: [String: Bool] = [:]
        var dues: [String: String] = [:]
        let columns = Layer.hazards
        for record in try server.service.snapshotForTests.allFeatures(.hazards) where record.values[columns.columnIndex("status")].description != "closed" {
            func text(_ c: String) -> String? { let v = record.values[columns.columnIndex(c)]; return v == .null ? nil : v.description }
            var due: Date?
            if text("supervision_owner") != nil, let d = text("due_date").flatMap(Timestamps.parse) { due = d }
            else if let r = text("reported_at").flatMap(Timestamps.parse) {
                let days = text("level").flatMap { Int($0) }.flatMap { ["1": "red", "2": "orange", "3": "yellow", "4": "blue"]["\($0)"] }.flatMap { config.deadlinesDays[$0] } ?? config.unlevelledDeadlineDays
                due = r.addingTimeInterval(Double(days) * 86_400)
            }
            expected[record.id] = due.map { $0 < now } ?? false
            dues[record.id] = "\(due.map { "\($0)" } ?? "none") \(text("level") ?? "-") \(text("reported_at") ?? "-")"
        }
        #expect(rows.count == expected.count)
        for row in rows {
            let rid = row["id"] as? String ?? ""
            #expect(row["overdue"] as? Bool == expected[rid], "\(rid) \(dues[rid] ?? "")")
        }
        let mine = try #require(rows.first { $0["id"] as? String == id })
        #expect(mine["overdue"] as? Bool == true && mine["due_from"] as? String == "listed" && mine["supervision_owner"] as? String == "安监站 safety office")
        // Overdue first.
        let flags = rows.map { $0["overdue"] as? Bool ?? false }
        #expect(flags == flags.sorted { $0 && !$1 })
        let onlyLate = try await server.get("/supervision?overdue=true&grid=\(server.workerGrid)")
        let late = onlyLate.json["hazards"] as? [[String: Any]] ?? []
        #expect(late.allSatisfy { $0["overdue"] as? Bool == true && $0["grid_code"] as? String == server.workerGrid } && late.contains { $0["id"] as? String == id })
        // The counts are of the rows listed, not of every open hazard.
        let groups = onlyLate.json["by_grid"] as? [[String: Any]] ?? []
        #expect(groups.count == 1 && groups.first?["key"] as? String == server.workerGrid && groups.first?["open"] as? Int == late.count, "\(groups)")
        #expect(onlyLate.json["open"] as? Int == late.count && onlyLate.json["overdue"] as? Int == late.count)
        let csv = try await server.get("/supervision.csv")
        #expect(csv.status == 200 && csv.text.hasPrefix("\u{FEFF}id,name,kind,level,status") && csv.text.contains(id))
        #expect(csv.text.split(separator: "\r\n").count == expected.count + 1)
        #expect(try await server.get("/supervision?overdue=maybe").status == 400)
    }

    @Test func theLiveFeedDeliversResumesAndIsBounded() async throws {
        let server = try await LiveServer()
        let spot = try inside(server, server.workerGrid)
        // A subscriber (curl, a real SSE client) hears a hazard registered after it connects.
        let listener = SSEListener(url: server.base + "/events", seconds: 180)
        try await listener.waitFor { server.service.feedSubscribersForTests >= 1 }
        let made = try await server.request("POST", "/collections/hazards/items", headers: worker, body: hazardBody(spot, name: "实时 live"))
        let id = try #require(made.json["id"] as? String)
        let events = try await listener.events(until: { $0.contains { $0.name == "change" && $0.data.contains(id) } })
        let change = try #require(events.first { $0.name == "change" })
        let data = try #require(try JSONSerialization.jsonObject(with: Data(change.data.utf8)) as? [String: Any])
        #expect(data["layer"] as? String == "hazards" && data["operation"] as? String == "create" && data["id"] as? String == id)
        let number = try #require(Int(change.id))
        // The tiles it names cover the hazard at every zoom.
        let ranges = ((data["tiles"] as? [String: Any])?["ranges"] as? [[String: Any]]) ?? []
        #expect(ranges.count == TileID.maxZoom + 1)
        for r in ranges {
            let z = r["z"] as? Int ?? -1, xs = r["x"] as? [Int] ?? [], ys = r["y"] as? [Int] ?? []
            let tile = TileID.tileRange(BoundingBox(minX: spot.x, minY: spot.y, maxX: spot.x, maxY: spot.y), zoom: z)
            #expect(xs.count == 2 && xs[0] <= tile.x.lowerBound && xs[1] >= tile.x.upperBound && ys[0] <= tile.y.lowerBound && ys[1] >= tile.y.upperBound, "z\(z)")
        }
        listener.stop()

        // Two more changes while nobody listens; a client back with Last-Event-ID hears both, in order.
        var step = worker
        step["Content-Type"] = "application/json"
        #expect(try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: step, body: #"{"status": "rectifying"}"#).status == 200)
        #expect(try await server.request("PATCH", "/collections/hazards/items/\(id)", headers: step, body: #"{"status": "closed"}"#).status == 200)
        let back = SSEListener(url: server.base + "/events", seconds: 180, lastEventID: number)
        let heard = try await back.events(until: { $0.filter { $0.name == "change" }.count >= 2 })
        let missed = heard.filter { $0.name == "change" }
        back.stop()
        // The greeting carries no id: had it one (the newest number), a browser cut off before
        // the missed changes arrived would come back after them and never hear them.
        #expect(heard.first?.name == "hello" && heard.first?.id == "", "\(heard.first.map { "\($0)" } ?? "none")")
        #expect(missed.map(\.id) == ["\(number + 1)", "\(number + 2)"], "\(missed.map(\.id))")
        #expect(missed.last?.data.contains("\"closed\"") == true)
        #expect(try await server.get("/events", headers: ["Last-Event-ID": "yesterday"]).status == 400)
        // A HEAD answers the stream's headers and takes no place among the listeners (it
        // once subscribed and never left).
        // (The two listeners stopped above still count until the feed next writes to them.)
        let listening = server.service.feedSubscribersForTests
        let head = try await server.request("HEAD", "/events")
        #expect(head.status == 200 && (head.headers["content-type"] ?? "").hasPrefix("text/event-stream"), "\(head.headers)")
        #expect(server.service.feedSubscribersForTests == listening)
    }

    @Test func subscribersAreBoundedAndASlowOneIsDropped() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("feed.gpkg")
        let store = try GeoPackage(path: path, mode: .create)
        var limits = ChangeFeed.Limits()
        limits.maxSubscribers = 2
        limits.queue = 8
        let feed = try ChangeFeed(store: store, limits: limits)
        let a = try feed.subscribe(after: nil), b = try feed.subscribe(after: nil)
        #expect(throws: ChangeFeed.FeedError.full(2)) { _ = try feed.subscribe(after: nil) }
        // Twenty changes that nobody reads: both queues (8) overflow, both are dropped.
        for n in 0..<20 {
            _ = try store.write { try $0.append(ChangeLog.Entry(changedAt: "2026-12-03T00:00:00Z", author: "t", role: "admin", authorGrid: nil, layer: "hazards",
                                                                featureID: "H-\(n)", operation: .create, before: nil, after: nil)) }
            feed.publish()
        }
        #expect(feed.subscriberCount == 0 && feed.droppedCount == 2)
        // What a dropped stream held is what it got before the drop: bounded, then the end.
        var heard = 0
        for await _ in a.stream { heard += 1 }
        #expect(heard == 8)
        feed.unsubscribe(b.id)
        // Room again; a resume from 0 past the queue's reach is told to reload.
        let c = try feed.subscribe(after: 0)
        var names: [String] = []
        for await event in c.stream {
            names.append(event.name)
            if names.count == 2 { break }
        }
        #expect(names == ["hello", "reset"])
    }
}

/// A Server-Sent Events client: curl -N in the background, its output parsed into events.
final class SSEListener: @unchecked Sendable {
    struct Event: Equatable { var id: String; var name: String; var data: String }
    private let process = Process()
    private let output = Pipe()
    private let lock = NSLock()
    private var buffer = Data()

    init(url: String, seconds: Int, lastEventID: Int? = nil) {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "-N", "--max-time", "\(seconds)", url]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        process.arguments = arguments
        process.standardOutput = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.buffer.append(chunk) }
        }
        try? process.run()
    }

    func stop() {
        if process.isRunning { process.terminate() }
        output.fileHandleForReading.readabilityHandler = nil
    }

    deinit { stop() }

    var parsed: [Event] {
        let text = lock.withLock { String(decoding: buffer, as: UTF8.self) }
        return text.components(separatedBy: "\n\n").compactMap { block in
            var id = "", name = "message", data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            return data.isEmpty ? nil : Event(id: id, name: name, data: data)
        }
    }

    /// Waits (at most two minutes: the whole suite runs at once on two cores) for `condition`.
    func waitFor(_ condition: () throws -> Bool) async throws {
        for _ in 0..<2400 where try !condition() { try await Task.sleep(for: .milliseconds(50)) }
    }

    func events(until done: ([Event]) -> Bool) async throws -> [Event] {
        for _ in 0..<2400 {
            let now = parsed
            if done(now) { return now }
            try await Task.sleep(for: .milliseconds(50))
        }
        return parsed
    }
}
