import Foundation
import OneMap
import OneMapPostGIS
import OneMapTestSupport
import Testing

/// Several `onemap serve --data postgres://…` processes over one database, as deployed:
/// a write on any is visible on all, a replica killed with SIGKILL catches up when it comes
/// back, and a database stopped mid-stream loses no acknowledged write.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ReplicaTests {
    let onemap = Repository.onemapExecutable

    /// The demo district in a fresh database of `cluster`, and a planner's token.
    func deployment(_ cluster: PostgresCluster, _ dir: TemporaryDirectory, label: String) async throws -> (url: String, token: String) {
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg, "--quiet"]).status == 0)
        let url = cluster.url(try cluster.createDatabase(label))
        try await DemoDatabase.copy(gpkg, into: url)
        let made = try runProcess(onemap, ["tokens", "add", "--file", dir.path("tokens.json"), "--name", "planner", "--role", "planner"])
        let token = try #require(made.stdout.split(separator: "\n").last.map(String.init), "\(made.stderr)")
        return (url, token)
    }

    func replica(_ url: String, _ dir: TemporaryDirectory, _ name: String) throws -> ServeProcess {
        try ServeProcess(["--data", url, "--port", "0", "--tokens", dir.path("tokens.json"), "--cache-directory", dir.path(name),
                          "--log-level", "notice", "--pool-size", "3"])
    }

    func register(_ id: String, at point: (Double, Double), on replica: ServeProcess, token: String, key: String? = nil) async throws -> HTTPExchange {
        var headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/geo+json"]
        if let key { headers["Idempotency-Key"] = key }
        let body = #"{"type":"Feature","id":"\#(id)","geometry":{"type":"Point","coordinates":[\#(point.0),\#(point.1)]},"properties":{"kind":"fire","level":2,"name":"\#(id)"}}"#
        return try await HTTPExchange.send("POST", replica.url + "collections/hazards/items", headers: headers, body: body)
    }

    func patch(_ id: String, _ json: String, on replica: ServeProcess, token: String) async throws -> HTTPExchange {
        try await HTTPExchange.send("PATCH", replica.url + "collections/hazards/items/\(id)",
                                    headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/merge-patch+json"], body: json)
    }

    func health(_ replica: ServeProcess) async throws -> [String: Any] {
        try await HTTPExchange.send("GET", replica.url + "health").json
    }

    /// Waits (up to `seconds`) until `replica` has applied change `number`; returns whether it did.
    func waitUntil(_ replica: ServeProcess, applied number: Int, seconds: Double = 15) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let change = try await health(replica)["change"] as? Int, change >= number { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// A feature as a replica serves it, without its links (they name the replica): nil for a 404.
    func feature(_ id: String, on replica: ServeProcess, layer: String = "hazards") async throws -> [String: Any]? {
        let answer = try await HTTPExchange.send("GET", replica.url + "collections/\(layer)/items/\(id)")
        guard answer.status == 200 else { return nil }
        var json = answer.json
        json["links"] = nil
        return json
    }

    /// The path of the XYZ tile holding `point` at `zoom`.
    static func tilePath(_ point: (Double, Double), zoom: Int) -> String {
        let n = Double(1 << zoom), latitude = point.1 * .pi / 180
        let x = Int((point.0 + 180) / 360 * n), y = Int((1 - log(tan(latitude) + 1 / cos(latitude)) / .pi) / 2 * n)
        return "tiles/\(zoom)/\(x)/\(y).png"
    }

        func same(_ a: [String: Any]?, _ b: [String: Any]?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return NSDictionary(dictionary: a).isEqual(to: b)
    }

    @Test func threeReplicasSeeEachOthersWritesAndAKilledOneCatchesUp() async throws {
        let cluster = try PostgresCluster.shared()
        let dir = try TemporaryDirectory()
        let (url, token) = try await deployment(cluster, dir, label: "replicas")
        let database = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
        let a = try replica(url, dir, "a"), b = try replica(url, dir, "b")
        var c = try replica(url, dir, "c")
        defer { for replica in [a, b, c] { replica.stop() } }
        let place = (109.9419, 39.6482)

        // B draws (and caches) the tile where the new hazards will be.
        let tile = Self.tilePath(place, zoom: 15)
        let before = try await HTTPExchange.send("GET", b.url + tile)
        let again = try await HTTPExchange.send("GET", b.url + tile)
        #expect(before.status == 200 && again.headers["etag"] == before.headers["etag"], "cached: the same tile again")

        // Writes on A: each is readable on A as soon as it is acknowledged (read your writes)
        // and reaches B and C.
        for i in 0..<10 {
            let made = try await register("R-\(i)", at: (place.0 + Double(i) * 1e-4, place.1), on: a, token: token)
            #expect(made.status == 201, "\(made.body)")
            #expect(try await feature("R-\(i)", on: a) != nil, "A answers its own write at once")
        }
        #expect(try await patch("R-0", #"{"status":"rectifying"}"#, on: a, token: token).status == 200)
        let afterA = try #require(try await health(a)["change"] as? Int)
        #expect(afterA == 11)
        for other in [b, c] { #expect(try await waitUntil(other, applied: afterA), "\(other.url) reached change \(afterA)") }
        for i in 0..<10 {
            let onA = try await feature("R-\(i)", on: a)
            #expect(onA != nil)
            let onB = try await feature("R-\(i)", on: b), onC = try await feature("R-\(i)", on: c)
            #expect(same(onA, onB) && same(onA, onC), "R-\(i) is the same on all three")
        }

        // B's cached tile was dropped by the feed: drawn again, with the new hazards on it.
        let after = try await HTTPExchange.send("GET", b.url + tile)
        #expect(after.status == 200 && after.headers["etag"] != before.headers["etag"] && after.body != before.body, "B's tile shows A's writes")

        // The same feature patched on two replicas at once: neither change is lost.
        async let first = patch("R-1", #"{"name":"renamed on A"}"#, on: a, token: token)
        async let second = patch("R-1", #"{"level":1}"#, on: b, token: token)
        let (one, two) = try await (first, second)
        #expect(one.status == 200 && two.status == 200, "\(one.body) \(two.body)")
        let merged = try #require(try await health(b)["store_change"] as? Int)
        for replica in [a, b, c] {
            #expect(try await waitUntil(replica, applied: merged))
            let properties = try await feature("R-1", on: replica)?["properties"] as? [String: Any]
            #expect(properties?["name"] as? String == "renamed on A" && properties?["level"] as? Int == 1, "\(replica.url): \(String(describing: properties))")
        }

        // An incident opened on A is on B; a status set on B is on A and C.
        let auth = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        let opened = try await HTTPExchange.send("POST", a.url + "incidents", headers: auth,
                                                 body: #"{"id": "INC-R-1", "kind": "hazardous_chemical_leak", "hazard": "H-0000001"}"#)
        #expect(opened.status == 201, "\(opened.body)")
        let afterIncident = try #require(try await health(a)["store_change"] as? Int)
        #expect(try await waitUntil(b, applied: afterIncident))
        #expect(try await HTTPExchange.send("GET", b.url + "incidents/INC-R-1").status == 200, "the incident opened on A is on B")
        let stepped = try await HTTPExchange.send("PATCH", b.url + "incidents/INC-R-1", headers: auth, body: #"{"status": "responding"}"#)
        #expect(stepped.status == 200, "\(stepped.body)")
        let afterStep = try #require(try await health(b)["store_change"] as? Int)
        for replica in [a, c] {
            #expect(try await waitUntil(replica, applied: afterStep))
            let properties = try await HTTPExchange.send("GET", replica.url + "incidents/INC-R-1").json["properties"] as? [String: Any]
            #expect(properties?["status"] as? String == "responding", "\(replica.url) has B's step")
        }

        // C dies without a word; B takes writes meanwhile; C comes back caught up.
        c.kill9()
        for i in 10..<20 {
            #expect(try await register("R-\(i)", at: (place.0 + Double(i) * 1e-4, place.1), on: b, token: token).status == 201)
        }
        #expect(try await patch("R-2", #"{"status":"rectifying"}"#, on: b, token: token).status == 200)
        c = try replica(url, dir, "c")
        let newest = try #require(try await health(b)["store_change"] as? Int)
        let back = try await health(c)
        #expect(back["change"] as? Int == newest && back["lag"] as? Int == 0, "C caught up at start: \(back)")
        for i in [2, 10, 15, 19] {
            let onB = try await feature("R-\(i)", on: b), onC = try await feature("R-\(i)", on: c)
            #expect(onB != nil && same(onB, onC), "R-\(i) on C as on B")
        }
        let stored = try Int(cluster.psql("SELECT count(*) FROM hazards", database: database))
        for replica in [a, b, c] {
            #expect(try await waitUntil(replica, applied: newest))
            let features = try await health(replica)["features"] as? [String: Any]
            #expect(features?["hazards"] as? Int == stored, "\(replica.url) holds the database's \(stored ?? -1) hazards")
        }
        // Every write is in the change log once, numbered without gaps.
        #expect(try cluster.psql("SELECT count(*), min(fid), max(fid) FROM onemap_changes", database: database) == "\(newest)|1|\(newest)")
    }

    @Test func aDatabaseStoppedMidStreamLosesNoAcknowledgedWrite() async throws {
        let cluster = try PostgresCluster.startPrivate()
        defer { try? cluster.stop() }
        let dir = try TemporaryDirectory()
        let (url, token) = try await deployment(cluster, dir, label: "outage")
        let database = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
        let a = try replica(url, dir, "a"), b = try replica(url, dir, "b")
        defer { for replica in [a, b] { replica.stop() } }
        let place = (109.9419, 39.6482)

        var acknowledged: Set<String> = [], refused: [String] = [], statuses: [Int: Int] = [:]
        var retryAfter = true
        for i in 0..<60 {
            if i == 20 { try cluster.pause() }
            if i == 40 { try cluster.resume() }
            let id = "S-\(i)"
            let answer = try await register(id, at: (place.0 + Double(i) * 1e-4, place.1 + 1e-4), on: i % 2 == 0 ? a : b, token: token, key: "k-\(i)")
            statuses[answer.status, default: 0] += 1
            switch answer.status {
            case 201: acknowledged.insert(id)
            case 503:
                refused.append(id)
                retryAfter = retryAfter && answer.headers["retry-after"] != nil
            default: Issue.record("\(id): \(answer.status) \(answer.body)")
            }
            // While the database is down, reads go on from memory.
            if (20..<40).contains(i) {
                #expect(try await feature("H-0000001", on: a) != nil)
                #expect(try await health(a)["store"] as? String == "unavailable")
            }
        }
        #expect(refused.count >= 19, "writes while the database was down were refused: \(statuses)")
        #expect(retryAfter, "each 503 says when to retry")
        // The refused ones, sent again with their keys, are each stored once.
        for id in refused {
            let i = Int(id.dropFirst(2)) ?? 0
            let again = try await register(id, at: (place.0 + Double(i) * 1e-4, place.1 + 1e-4), on: a, token: token, key: "k-\(i)")
            #expect(again.status == 201 || again.status == 200, "\(id): \(again.status) \(again.body)")
            acknowledged.insert(id)
        }
        let stored = Set(try cluster.psql("SELECT id FROM hazards WHERE id LIKE 'S-%'", database: database).split(separator: "\n").map(String.init))
        #expect(acknowledged.isSubset(of: stored), "acknowledged but not stored: \(acknowledged.subtracting(stored).sorted())")
        #expect(stored.count == 60)
        #expect(try cluster.psql("SELECT count(*), count(DISTINCT feature_id) FROM onemap_changes WHERE feature_id LIKE 'S-%'", database: database) == "60|60")
        let newest = try Int(cluster.psql("SELECT max(fid) FROM onemap_changes", database: database)) ?? -1
        for replica in [a, b] {
            #expect(try await waitUntil(replica, applied: newest), "\(replica.url) caught up after the outage")
            #expect(try await health(replica)["lag"] as? Int == 0)
            for id in ["S-0", "S-25", "S-59"] { #expect(try await feature(id, on: replica) != nil, "\(id) on \(replica.url)") }
        }
    }

    /// A replica may read the map at start from a standby (here a copy of the database made
    /// before the writes: a standby that lags) and catch up from the primary by number.
    @Test func aReplicaLoadsFromAStandbyAndCatchesUpFromThePrimary() async throws {
        let cluster = try PostgresCluster.shared()
        let dir = try TemporaryDirectory()
        let (url, token) = try await deployment(cluster, dir, label: "standby")
        let database = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
        let standby = database + "_standby"
        try cluster.psql("CREATE DATABASE \(standby) TEMPLATE \(database)", database: "postgres")
        let a = try replica(url, dir, "a")
        defer { a.stop() }
        for i in 0..<5 {
            #expect(try await register("L-\(i)", at: (109.9419 + Double(i) * 1e-4, 39.6482), on: a, token: token).status == 201)
        }
        // Its listener told to connect elsewhere (as to the database past pgbouncer): over TCP,
        // while its pool uses the socket.
        let c = try ServeProcess(["--data", url, "--load-from", cluster.url(standby), "--listen-at", cluster.tcpURL(database), "--port", "0",
                                  "--cache-directory", dir.path("c"), "--log-level", "notice"])
        defer { c.stop() }
        let health = try await health(c)
        #expect(health["change"] as? Int == 5 && health["lag"] as? Int == 0, "\(health)")
        for i in 0..<5 { #expect(try await feature("L-\(i)", on: c) != nil, "L-\(i), written after the standby's copy, is on C") }
        #expect(try cluster.psql("SELECT count(*) FROM hazards WHERE id LIKE 'L-%'", database: standby) == "0", "the standby had none of them")
        var listening = ""
        for _ in 0..<50 where listening != "1" {
            listening = try cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND query LIKE 'LISTEN%' AND client_addr IS NOT NULL",
                                         database: "postgres")
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(listening == "1", "C's listener came over TCP (--listen-at), A's over the socket")
    }

    /// Edits other programs make in the database (QGIS, psql) and imports into it while
    /// replicas run reach every replica: the layers' triggers log each row, an import logs a
    /// reload; OneMap's own writes are logged once.
    @Test func editsFromElsewhereAndImportsReachRunningReplicas() async throws {
        let cluster = try PostgresCluster.shared()
        let dir = try TemporaryDirectory()
        let (url, token) = try await deployment(cluster, dir, label: "elsewhere")
        let database = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
        let a = try replica(url, dir, "a")
        defer { a.stop() }
        // One of OneMap's own writes: one row in the log, not two.
        #expect(try await register("OWN-1", at: (109.9419, 39.6482), on: a, token: token).status == 201)
        #expect(try cluster.psql("SELECT count(*) FROM onemap_changes", database: database) == "1")

        // QGIS itself saves a shelter's capacity in the database.
        let shelter = "S-00001"
        let edit = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/QGIS/edit_feature.py"), cluster.gdalName(database), "shelters", shelter, "capacity", "4321"])
        #expect(edit.stdout.contains("committed"), "\(edit.stderr)")
        let afterQGIS = try #require(Int(try cluster.psql("SELECT max(fid) FROM onemap_changes", database: database)))
        let logged = try cluster.psql("SELECT operation || ':' || feature_id FROM onemap_changes WHERE fid = 2", database: database)
        #expect(afterQGIS == 2 && logged == "update:\(shelter)")
        #expect(try await waitUntil(a, applied: afterQGIS))
        let saved = try await feature(shelter, on: a, layer: "shelters")?["properties"] as? [String: Any]
        #expect(saved?["capacity"] as? Int == 4321, "QGIS's edit is served: \(String(describing: saved))")

        // As QGIS would: an update, a delete, an insert, an id changed.
        try cluster.psql("UPDATE hazards SET name = '改名 by psql' WHERE id = 'H-0000001'", database: database)
        try cluster.psql("DELETE FROM hazards WHERE id = 'H-0000002'", database: database)
        try cluster.psql("INSERT INTO hazards (geom, id, kind, level, status) VALUES (ST_SetSRID(ST_MakePoint(109.95, 39.65), 4326), 'PSQL-1', 'mine', 2, 'registered')",
                         database: database)
        try cluster.psql("UPDATE hazards SET id = 'H-RENAMED' WHERE id = 'H-0000003'", database: database)
        let newest = try #require(Int(try cluster.psql("SELECT max(fid) FROM onemap_changes", database: database)))
        #expect(newest == 7, "one row each, two for the id changed")
        #expect(try cluster.psql("SELECT string_agg(operation || ':' || feature_id || ':' || role, ',' ORDER BY fid) FROM onemap_changes WHERE fid > 2", database: database)
                == "update:H-0000001:database,delete:H-0000002:database,create:PSQL-1:database,delete:H-0000003:database,create:H-RENAMED:database")
        #expect(try await waitUntil(a, applied: newest))
        let renamed = try await feature("H-0000001", on: a)?["properties"] as? [String: Any]
        #expect(renamed?["name"] as? String == "改名 by psql")
        #expect(try await feature("H-0000002", on: a) == nil)
        #expect(try await feature("PSQL-1", on: a) != nil)
        let old = try await feature("H-0000003", on: a), new = try await feature("H-RENAMED", on: a)
        #expect(old == nil && new != nil)
        // The history of a feature edited elsewhere names the database user.
        let history = try await HTTPExchange.send("GET", a.url + "collections/hazards/items/H-0000001/history").json
        #expect((history["changes"] as? [[String: Any]])?.last?["role"] as? String == "database", "\(history)")

        // An import into the database while the replica runs: one reload row; the replica reads the layer again.
        let extra = try dir.write("more.geojson", """
            {"type": "FeatureCollection", "features": [
             {"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.951, 39.651]}, "properties": {"id": "IMP-1", "kind": "mine", "level": 3}},
             {"type": "Feature", "geometry": {"type": "Point", "coordinates": [109.952, 39.652]}, "properties": {"id": "IMP-2", "kind": "mine", "level": 3}}]}
            """)
        #expect(try runProcess(onemap, ["import", extra, "--layer", "hazards", "--into", url, "--quiet"], directory: dir.url.path).status == 0)
        #expect(try cluster.psql("SELECT operation || ':' || feature_id FROM onemap_changes ORDER BY fid DESC LIMIT 1", database: database) == "reload:*")
        let afterImport = try #require(Int(try cluster.psql("SELECT max(fid) FROM onemap_changes", database: database)))
        #expect(try await waitUntil(a, applied: afterImport))
        let first = try await feature("IMP-1", on: a), second = try await feature("IMP-2", on: a)
        #expect(first != nil && second != nil)
        let stored = try cluster.psql("SELECT count(*) FROM hazards", database: database)
        #expect("\((try await health(a)["features"] as? [String: Any])?["hazards"] as? Int ?? -1)" == stored)
    }
}
