import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Every read route through a real server, against the library's own answers.
@Suite(.timeLimit(.minutes(10))) struct ReadRouteTests {
    /// The batch endpoint answers each point as the single endpoints do, in order.
    @Test func batchQueriesAnswerEachPointAsTheSingleEndpoints() async throws {
        let server = try await LiveServer()
        var random = SystemRandomNumberGenerator()
        let points = (0..<40).map { _ in (Double.random(in: 109.70...109.90, using: &random), Double.random(in: 39.55...39.70, using: &random)) }
        let body = "{\"points\":[" + points.map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]}"
        func ids(_ list: Any?) -> [String] { (list as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
        func distances(_ list: Any?) -> [Double] { (list as? [[String: Any]] ?? []).compactMap { $0["distance_m"] as? Double } }
        for (query, single) in [("k=4&min_room=500", { (p: (Double, Double)) in "/query/nearest-shelter?lon=\(p.0)&lat=\(p.1)&k=4&min_room=500" }),
                                ("k=3&status=any", { p in "/query/nearest-shelter?lon=\(p.0)&lat=\(p.1)&k=3&status=any" }),
                                ("op=within&layer=hazards&radius=1500&level=1,2&limit=6", { p in "/query/within?layer=hazards&lon=\(p.0)&lat=\(p.1)&radius=1500&level=1,2&limit=6" })] {
            let batch = try await server.request("POST", "/query/batch?" + query, headers: ["Content-Type": "application/json"], body: body)
            #expect(batch.status == 200, "\(query): \(batch.text)")
            let results = batch.json["results"] as? [[Any]] ?? []
            #expect(batch.json["numberOfPoints"] as? Int == points.count && results.count == points.count)
            var nonEmpty = 0
            for (i, p) in points.enumerated() where i < results.count {
                let one = try await server.get(single(p)).json["features"] as? [[String: Any]] ?? []
                #expect(ids(results[i]) == one.compactMap { $0["id"] as? String }, "\(query) at \(p)")
                #expect(distances(results[i]) == one.compactMap { ($0["properties"] as? [String: Any])?["distance_m"] as? Double })
                if !one.isEmpty { nonEmpty += 1 }
            }
            #expect(nonEmpty > 10, "\(query)")
        }
        // Refusals name what was wrong.
        let bad = try await server.request("POST", "/query/batch", headers: ["Content-Type": "application/json"], body: #"{"points":[[109.8,39.6],[109.8],[1,2]]}"#)
        #expect(bad.status == 422 && bad.text.contains("points[1]"), "\(bad.text)")
        let none = try await server.request("POST", "/query/batch", headers: ["Content-Type": "application/json"], body: #"{"points":[]}"#)
        #expect(none.status == 422, "\(none.text)")
        let noRadius = try await server.request("POST", "/query/batch?op=within", headers: ["Content-Type": "application/json"], body: #"{"points":[[109.8,39.6]]}"#)
        #expect(noRadius.status == 400 && noRadius.text.contains("radius"), "\(noRadius.text)")
    }

    @Test func ogcAPIFeaturesCore() async throws {
        let server = try await LiveServer()
        let landing = try await server.get("/")
        #expect(landing.status == 200 && landing.headers["content-type"] == "application/json")
        let rels = (landing.json["links"] as? [[String: Any]] ?? []).compactMap { $0["rel"] as? String }
        #expect(Set(["self", "service-desc", "conformance", "data"]).isSubset(of: Set(rels)))
        let conformance = try await server.get("/conformance").json["conformsTo"] as? [String] ?? []
        #expect(conformance.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"))
        let collections = try await server.get("/collections").json["collections"] as? [[String: Any]] ?? []
        #expect(Set(collections.compactMap { $0["id"] as? String }) == Set(Layer.allCases.map(\.tableName) + ["risk_areas"]))
        let hazards = try await server.get("/collections/hazards").json
        let temporal = ((hazards["extent"] as? [String: Any])?["temporal"] as? [String: Any])?["interval"] as? [[String]]
        #expect(temporal?.first?.count == 2)

        // Default page, counts and a next link, followed to the end, equal the index's answer.
        let box = "109.70,39.55,109.90,39.70"
        var seen: [String] = []
        var next: String? = "/collections/hazards/items?bbox=\(box)&limit=50"
        var matched = -1
        while let path = next {
            let page = try await server.get(path)
            #expect(page.status == 200 && page.headers["content-type"] == "application/geo+json")
            matched = page.json["numberMatched"] as? Int ?? -2
            #expect(page.json["numberReturned"] as? Int == page.features.count)
            seen += page.features.compactMap { $0["id"] as? String }
            let link = (page.json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }?["href"] as? String
            next = link.map { String($0.dropFirst(server.base.count)) }
        }
        let want = try server.service.snapshotForTests.features(.hazards, in: BoundingBox(minX: 109.70, minY: 39.55, maxX: 109.90, maxY: 39.70)).map(\.record.id)
        #expect(seen.sorted() == want.sorted() && matched == want.count && want.count > 50)
        #expect(try await server.get("/collections/hazards/items").features.count == 10)

        // Property filters, datetime, one item.
        let red = try await server.get("/collections/hazards/items?level=1&status=registered,rectifying&limit=1000")
        #expect(!red.features.isEmpty)
        #expect(red.features.allSatisfy { ($0["properties"] as? [String: Any])?["level"] as? Int == 1 })
        let all = try server.service.snapshotForTests.allFeatures(.hazards)
        let reportedColumn = Layer.hazards.columns.firstIndex { $0.name == "reported_at" }!
        let times = all.compactMap { r -> String? in if case .text(let t) = r.values[reportedColumn] { t } else { nil } }.sorted()
        let middle = times[times.count / 2]
        let early = try await server.get("/collections/hazards/items?datetime=../\(middle)&limit=10000")
        #expect(early.json["numberMatched"] as? Int == times.filter { TimeIntervalCheck.date($0)! <= TimeIntervalCheck.date(middle)! }.count)
        let one = try await server.get("/collections/hazards/items/\(want[0])")
        #expect(one.status == 200 && one.json["id"] as? String == want[0])
        let capped = try await server.get("/collections/roads/items?limit=20000")
        #expect(capped.status == 200 && capped.features.count == 3045)

        // Refusals.
        for (path, status, words) in [
            ("/collections/hazards/items?limit=0", 400, "limit: 0 is outside"),
            ("/collections/hazards/items?bbox=110,39,109,40", 400, "bbox: min must not exceed max"),
            ("/collections/hazards/items?bbox=1,2,3", 400, "bbox:"),
            ("/collections/hazards/items?colour=red", 400, "colour: unknown parameter"),
            ("/collections/hazards/items?level=9", 400, "level"),
            ("/collections/shelters/items?datetime=2026-01-01T00:00:00Z", 400, "has no time property"),
            ("/collections/hazards/items?datetime=yesterday", 400, "RFC 3339"),
            ("/collections/hazards/items?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400, "only CRS84"),
            ("/collections/hazards/items/nobody", 404, "no feature with id 'nobody'"),
            ("/collections/volcanoes/items", 404, "no collection 'volcanoes'"),
            ("/nothing/here", 404, "no resource at /nothing/here"),
        ] {
            let answer = try await server.get(path)
            #expect(answer.status == status, "\(path): \(answer.status) \(answer.text)")
            #expect(answer.headers["content-type"] == "application/problem+json", "\(path)")
            #expect(answer.json["status"] as? Int == status && (answer.json["detail"] as? String ?? "").contains(words), "\(path): \(answer.text)")
        }
        let api = try await server.get("/api")
        #expect((api.json["openapi"] as? String)?.hasPrefix("3.0") == true)
        #expect((api.json["paths"] as? [String: Any])?["/collections/{layer}/items"] != nil)
    }

    /// Range filters (`capacity>=500`, `level<=2`) on items and queries, and features inside
    /// a posted area, through the real server against the library.
    @Test func rangeFiltersAndAreaQueriesAnswerAsTheLibraryDoes() async throws {
        let server = try await LiveServer()
        let snapshot = server.service.snapshotForTests
        func ids(_ answer: LiveServer.Answer) -> Set<String> { Set(answer.features.compactMap { $0["id"] as? String }) }
        let capacity = Layer.shelters.columnIndex("capacity"), level = Layer.hazards.columnIndex("level")
        let big = Set(try snapshot.allFeatures(.shelters).filter { ($0.values[capacity].number ?? -1) >= 5000 }.map(\.id))
        let shelterCount = try snapshot.allFeatures(.shelters).count
        #expect(!big.isEmpty && big.count < shelterCount)
        #expect(ids(try await server.get("/collections/shelters/items?capacity>=5000&limit=1000")) == big)
        #expect(ids(try await server.get("/collections/shelters/items?capacity%3E%3D5000&limit=1000")) == big, "the = percent-encoded")
        let severe = try snapshot.allFeatures(.hazards).filter { ($0.values[level].number ?? 9) <= 2 }
        let items = try await server.get("/collections/hazards/items?level<=2&limit=10000")
        #expect(items.json["numberMatched"] as? Int == severe.count && ids(items) == Set(severe.map(\.id)))
        let band = try await server.get("/collections/shelters/items?capacity>=1000&capacity<=5000&limit=1000")
        let wantBand = Set(try snapshot.allFeatures(.shelters).filter { (1000...5000).contains($0.values[capacity].number ?? -1) }.map(\.id))
        #expect(ids(band) == wantBand)
        let near = try await server.get("/query/within?layer=shelters&lon=109.781&lat=39.608&radius=20000&capacity>=5000")
        let wantNear = try snapshot.features(.shelters, within: 20000, of: Coordinate(109.781, 39.608), where: [AttributeFilter(column: "capacity", test: .atLeast(5000))])
        #expect(near.features.map { $0["id"] as? String } == wantNear.map(\.record.id))
        for (path, words) in [("/collections/shelters/items?name>=3", "a range filter takes a numeric column"),
                              ("/collections/shelters/items?capacity>=lots", "capacity>=: 'lots' is not a number"),
                              ("/collections/shelters/items?colour>=3", "unknown parameter")] {
            let answer = try await server.get(path)
            #expect(answer.status == 400 && answer.text.contains(words), "\(path): \(answer.text)")
        }

        // Features inside a posted area: a polygon or a centre and radius, the same filters.
        let c = Coordinate(109.781, 39.608), d = 0.02
        let ring = [Coordinate(c.x - d, c.y - d), Coordinate(c.x + d, c.y - d), Coordinate(c.x + d, c.y + d), Coordinate(c.x - d, c.y + d), Coordinate(c.x - d, c.y - d)]
        let polygon = #"{"type": "Polygon", "coordinates": [[\#(ring.map { "[\($0.x), \($0.y)]" }.joined(separator: ","))]]}"#
        let json = ["Content-Type": "application/json"]
        let inside = try await server.request("POST", "/query/inside?layer=hazards&level=1,2", headers: json, body: #"{"zone": \#(polygon)}"#)
        #expect(inside.status == 200, "\(inside.text)")
        let levels = [AttributeFilter(column: "level", test: .oneOf(["1", "2"]))]
        let want = try snapshot.features(.hazards, inside: .polygon([ring]), relation: .intersects, where: HazardStatusChoice.applied(to: levels))
        #expect(!want.isEmpty && ids(inside) == Set(want.map(\.record.id)))
        #expect(inside.features.allSatisfy { ($0["properties"] as? [String: Any])?["status"] as? String != "closed" })
        let all = try await server.request("POST", "/query/inside?layer=hazards&level=1,2&status=any", headers: json, body: #"{"zone": \#(polygon)}"#)
        let wantAll = try snapshot.features(.hazards, inside: .polygon([ring]), relation: .intersects, where: levels)
        #expect(ids(all) == Set(wantAll.map(\.record.id)) && wantAll.count >= want.count)
        let circle = try await server.request("POST", "/query/inside?layer=grids&relation=within", headers: json, body: #"{"centre": [109.781, 39.608], "radius": 3000}"#)
        let wantCircle = try snapshot.features(.grids, inside: DangerZone.circle(centre: c, radius: 3000), relation: .within)
        #expect(circle.status == 200 && ids(circle) == Set(wantCircle.map(\.record.id)), "\(circle.text.prefix(300))")
        for (body, status, words) in [(#"{}"#, 422, "(a GeoJSON polygon) or"), (#"{"aviod": \#(polygon)}"#, 422, "aviod: unknown member"),
                                      (#"{"centre": [109.78, 39.6]}"#, 422, "radius")] {
            let answer = try await server.request("POST", "/query/inside?layer=hazards", headers: json, body: body)
            #expect(answer.status == status && answer.text.contains(words), "\(body): \(answer.text)")
        }
    }

    /// Residents inside a circle or a polygon over HTTP equal the library's count over the
    /// same resident samples, and the evacuation plan of that zone moves exactly them.
    @Test func populationInsideAZoneComesFromTheResidentSamples() async throws {
        let server = try await LiveServer()
        let snapshot = server.service.snapshotForTests
        let standards = try PlanningStandards.load(path: Repository.path("config/planning.json"))
        let samples = try Population.samples(snapshot, standards: standards, walk: RoadGraph(roads: try snapshot.allFeatures(.roads), profile: .walk))
        let centre = Coordinate(109.781, 39.608)
        let zone = DangerZone.circle(centre: centre, radius: 2000)
        let want = try samples.inside(zone)
        #expect(want.grids.count > 1)
        let circle = try await server.get("/query/population?centre=\(centre.x),\(centre.y)&radius=2000")
        #expect(circle.status == 200, "\(circle.text)")
        #expect(circle.json["residents"] as? Double == want.residents.rounded(), "\(circle.json["residents"] ?? "?") vs \(want.residents)")
        let grids = circle.json["grids"] as? [[String: Any]] ?? []
        #expect(grids.compactMap { $0["grid"] as? String } == want.grids.map { samples.grids[$0.grid].code })
        #expect(grids.contains { ($0["share_inside"] as? Double ?? 1) < 0.99 }, "a grid partly inside counts its share")
        let posted = try await server.request("POST", "/query/population", headers: ["Content-Type": "application/json"],
                                              body: #"{"centre": [\#(centre.x), \#(centre.y)], "radius": 2000}"#)
        #expect(posted.json["residents"] as? Double == want.residents.rounded())
        let plan = try await server.request("POST", "/evacuation-plan", headers: ["Content-Type": "application/json"],
                                            body: #"{"centre": [\#(centre.x), \#(centre.y)], "radius": 2000}"#)
        let persons = want.grids.map { $0.residents.rounded() }.filter { $0 >= 1 }.reduce(0, +)
        #expect(plan.json["persons"] as? Double == persons, "the plan moves the residents inside: \(plan.json["persons"] ?? "?") vs \(persons)")
        for (path, status) in [("/query/population?centre=109.78,39.6", 400), ("/query/population?centre=109.78,39.6&radius=0", 400), ("/query/population?lon=109.78&lat=39.6&radius=100", 400)] {
            #expect(try await server.get(path).status == status, "\(path)")
        }
    }

    @Test func queriesAnswerAsTheLibraryDoes() async throws {
        let server = try await LiveServer()
        let snapshot = server.service.snapshotForTests
        let p = Coordinate(109.781, 39.608)
        let near = try await server.get("/query/nearest-shelter?lon=109.781&lat=39.608&k=3&min_room=500")
        let want = try snapshot.nearestShelters(to: p, k: 3, criteria: ShelterCriteria(openOnly: true, minimumRoom: 500))
        #expect(near.features.map { $0["id"] as? String } == want.map { $0.hit.record.id })
        let distances = near.features.compactMap { ($0["properties"] as? [String: Any])?["distance_m"] as? Double }
        #expect(zip(distances, want.map { $0.hit.distance! }).allSatisfy { abs($0 - $1) < 0.001 })

        let within = try await server.get("/query/within?layer=hazards&lon=109.781&lat=39.608&radius=1500&level=1,2")
        let wantWithin = try snapshot.hazardsNear(p, radius: 1500, levels: ["1", "2"])
        #expect(within.features.map { $0["id"] as? String } == wantWithin.map(\.record.id))
        // Hazards near a point are the open ones unless the caller asks for others.
        let levels = [AttributeFilter(column: "level", test: .oneOf(["1", "2"]))]
        let every = try snapshot.features(.hazards, within: 1500, of: p, where: levels)
        let statuses = within.features.compactMap { ($0["properties"] as? [String: Any])?["status"] as? String }
        #expect(statuses.count == within.features.count && !statuses.contains("closed"), "\(statuses)")
        #expect(every.count > wantWithin.count, "the demo has closed hazards here: the test must see them left out")
        let any = try await server.get("/query/within?layer=hazards&lon=109.781&lat=39.608&radius=1500&level=1,2&status=any")
        #expect(any.features.map { $0["id"] as? String } == every.map(\.record.id))
        let closed = try await server.get("/query/within?layer=hazards&lon=109.781&lat=39.608&radius=1500&level=1,2&status=closed")
        #expect(closed.features.count == every.count - wantWithin.count)

        let grid = try await server.get("/query/grid/\(server.workerGrid)")
        #expect(grid.status == 200)
        let properties = grid.json["properties"] as? [String: Any] ?? [:]
        #expect(properties["population"] as? Int != nil && properties["hazard_count"] as? Int != nil)
        #expect(((properties["nearest_shelters"] as? [String: Any])?["features"] as? [Any])?.count == 3)

        for (path, status, words) in [
            ("/query/nearest-shelter?lon=109.78&lat=95", 400, "lat: 95 is outside -90…90"),
            ("/query/nearest-shelter?lon=109.78", 400, "lat: is required"),
            ("/query/nearest-shelter?lon=abc&lat=39", 400, "lon: 'abc' is not a number"),
            ("/query/nearest-shelter?lon=109.78&lat=39.6&k=0", 400, "k: 0 is outside 1…100"),
            ("/query/within?layer=hazards&lon=109.78&lat=39.6&radius=-5", 400, "radius: -5 is outside"),
            ("/query/within?layer=lakes&lon=109.78&lat=39.6&radius=5", 404, "no layer 'lakes'"),
            ("/query/grid/nowhere", 404, "no grid cell has code 'nowhere'"),
        ] {
            let answer = try await server.get(path)
            #expect(answer.status == status && (answer.json["detail"] as? String ?? "").contains(words), "\(path): \(answer.text)")
        }
    }

    /// The one map over HTTP as the CLI has it: a stored version, another unit, a box; a
    /// planner stores the live map as a version (a grid worker may not), and the live map
    /// is diffed against it after an edit.
    @Test func theRiskMapByVersionUnitAndBoxAndStoredAndDiffedLive() async throws {
        let server = try await LiveServer()
        let json = ["Content-Type": "application/json"]
        let worker = try await server.request("POST", "/riskmap/versions", headers: json.merging(["Authorization": "Bearer \(LiveServer.workerToken)"]) { $1 }, body: "{}")
        #expect(worker.status == 403, "\(worker.text)")
        #expect(try await server.request("POST", "/riskmap/versions", headers: json, body: "{}").status == 401)
        let planner = json.merging(["Authorization": "Bearer \(LiveServer.plannerToken)"]) { $1 }
        let stored = try await server.request("POST", "/riskmap/versions", headers: planner, body: #"{"note": "monthly review"}"#)
        #expect(stored.status == 201, "\(stored.text)")
        let number = try #require(stored.json["version"] as? Int)
        #expect((stored.json["note"] as? String)?.contains("规划科") == true && (stored.json["note"] as? String)?.contains("monthly review") == true)
        #expect(try await server.request("POST", "/riskmap/versions", headers: planner, body: #"{"nota": "x"}"#).status == 422)

        let model = server.service.modelForTests
        let version = try await server.get("/riskmap?version=\(number)")
        #expect(version.status == 200 && version.features.count == model.areas.count)
        for feature in version.features {
            #expect((feature["properties"] as? [String: Any])?["risk_level"] as? Int == model.area(id: feature["id"] as? String ?? "")?.assessment.level?.rawValue)
        }
        let box = BoundingBox(minX: 109.75, minY: 39.58, maxX: 109.80, maxY: 39.62)
        let boxed = try await server.get("/riskmap?bbox=109.75,39.58,109.80,39.62")
        let meeting = Set(model.areas.filter { $0.geometry.boundingBox?.intersects(box) == true }.map(\.id))
        #expect(!meeting.isEmpty && meeting.count < model.areas.count && Set(boxed.features.compactMap { $0["id"] as? String }) == meeting)
        #expect(Set(try await server.get("/riskmap?version=\(number)&bbox=109.75,39.58,109.80,39.62").features.compactMap { $0["id"] as? String }) == meeting)
        let subdistricts = try await server.get("/riskmap?unit=subdistrict")
        let wantUnit = try RiskModel.build(server.service.snapshotForTests, rules: server.service.rulesForTests, unit: .admin(level: "subdistrict"))
        #expect(subdistricts.status == 200 && subdistricts.json["unit"] as? String == "subdistrict", "\(subdistricts.text.prefix(200))")
        #expect(subdistricts.features.map { $0["id"] as? String } == wantUnit.areas.map(\.id) && !wantUnit.areas.isEmpty)
        #expect(try await server.get("/riskmap?version=\(number)&unit=subdistrict").status == 400)
        // A level admin_units does not have is the caller's mistake (schemathesis found it a 500).
        let noLevel = try await server.get("/riskmap?bbox=0.0,0.0,0.0,0.0&unit=0")
        #expect(noLevel.status == 400 && noLevel.text.contains("unit: the data has no administrative units of level '0'"), "\(noLevel.text)")

        // An edit after the version: the live map differs from it where a red source closed.
        #expect(try await server.get("/riskmap/diff?from=\(number)").json["numberChanged"] as? Int == 0)
        let red = try #require(model.areas.indices.first { model.assessments[$0].level == .red && model.assessments[$0].reasons.count == 1 })
        let source = model.assessments[red].reasons[0].sourceID
        let closing = try await server.request("PATCH", "/collections/hazards/items/\(source)", headers: planner, body: #"{"status": "closed"}"#)
        #expect(closing.status == 200, "\(closing.text)")
        let diff = try await server.get("/riskmap/diff?from=\(number)&to=live")
        let want = try RiskVersionStore.diff(from: number, toLive: server.service.modelForTests, in: GeoPackage(path: server.dataPath, mode: .readOnly))
        #expect(diff.status == 200 && diff.json["numberChanged"] as? Int == want.count && !want.isEmpty, "\(diff.text.prefix(300))")
        #expect(diff.features.map { $0["id"] as? String } == want.map { $0.area.id })
        #expect(want.contains { $0.area.id == model.areas[red].id })
    }

    @Test func theOneMapItsVersionsAndTiles() async throws {
        let server = try await LiveServer()
        let map = try await server.get("/riskmap")
        #expect(map.features.count == 42)
        let model = server.service.modelForTests
        for feature in map.features {
            let id = feature["id"] as! String
            #expect((feature["properties"] as? [String: Any])?["risk_level"] as? Int == model.area(id: id)?.assessment.level?.rawValue)
        }
        #expect(try await server.get("/riskmap/legend").json["levels"] as? [Any] != nil)
        #expect(try await server.get("/riskmap/stats").status == 404)  // no stored version yet
        _ = try RiskMap.buildVersion(path: server.dataPath, rules: .standard)
        var density = RiskRules.standard
        density.areaRule = .weightedDensity
        _ = try RiskMap.buildVersion(path: server.dataPath, rules: density)
        #expect((try await server.get("/riskmap/versions").json["versions"] as? [Any])?.count == 2)
        let diff = try await server.get("/riskmap/diff?from=1&to=2")
        #expect(diff.status == 200 && diff.json["numberChanged"] as? Int == diff.features.count && !diff.features.isEmpty)
        let toLive = try await server.get("/riskmap/diff?from=1")  // to: the live map by default
        #expect(toLive.status == 200 && toLive.json["to"] as? String == "live", "\(toLive.text.prefix(200))")
        #expect(try await server.get("/riskmap/diff?from=1&to=soon").status == 400)
        #expect(try await server.get("/riskmap/diff?from=1&to=9").status == 404)
        let stats = try await server.get("/riskmap/stats?version=1")
        #expect((stats.json["subdistricts"] as? [Any])?.count == 4)

        // Tiles: a PNG of the right size, its ETag and a 304, @2x, refusals.
        let tile = TileID.covering(BoundingBox(minX: 109.78, minY: 39.6, maxX: 109.78, maxY: 39.6), zoom: 13)[0]
        let png = try await server.get("/tiles/\(tile.z)/\(tile.x)/\(tile.y).png")
        #expect(png.status == 200 && png.headers["content-type"] == "image/png")
        let image = try RasterImage(png: png.body)
        #expect(image.width == 256 && !image.rgba.isEmpty)
        let etag = try #require(png.headers["etag"])
        #expect(png.headers["cache-control"]?.contains("max-age") == true)
        #expect(try await server.get("/tiles/\(tile.z)/\(tile.x)/\(tile.y).png", headers: ["If-None-Match": etag]).status == 304)
        #expect(etag == "\"" + FNV1a.hex(png.body) + "\"")  // made from the bytes sent, once when stored
        #expect(try await server.get("/tiles/\(tile.z)/\(tile.x)/\(tile.y).png", headers: ["If-None-Match": "\"x\", W/" + etag]).status == 304)
        #expect(try await server.get("/tiles/\(tile.z)/\(tile.x)/\(tile.y).png", headers: ["If-None-Match": "\"x\""]).status == 200)
        let head = try await server.request("HEAD", "/tiles/\(tile.z)/\(tile.x)/\(tile.y).png")
        #expect(head.headers["etag"] == etag && head.headers["content-length"] == String(png.body.count))
        let retina = try await server.get("/tiles/\(tile.z)/\(tile.x)/\(tile.y)@2x.png")
        #expect(try RasterImage(png: retina.body).width == 512)
        #expect(try server.service.cacheCountForTests == 2)  // both drawn once, then cached
        for (path, status) in [("/tiles/40/0/0.png", 400), ("/tiles/3/8/0.png", 400), ("/tiles/3/1/a.png", 400), ("/tiles/3/1/+1.png", 400),
                               ("/tiles/3/1/1@3x.png", 400), ("/tiles/3/1/1.jpg", 404)] {
            let answer = try await server.get(path)
            #expect(answer.status == status && answer.headers["content-type"] == "application/problem+json", "\(path)")
        }
        let tilejson = try await server.get("/tiles.json").json
        #expect(tilejson["tilejson"] as? String == "3.0.0" && (tilejson["tiles"] as? [String])?.first?.hasSuffix("/tiles/{z}/{x}/{y}.png") == true)
    }

    /// The tiles draw the data's own roads and boundaries under the risk colours, so the
    /// map reads with no base map; `?layers=risk` leaves them out and is cached apart.
    @Test func tilesDrawTheDatasRoadsUnlessRiskOnlyIsAsked() async throws {
        let server = try await LiveServer()
        let snapshot = server.service.snapshotForTests
        let style = try TileStyle.load(path: Repository.path("config/style.json"))
        let roadClass = Layer.roads.columnIndex("road_class")
        // Midpoints of primary-road segments, drawn at zoom 16 (full width).
        var spots: [Coordinate] = []
        for record in try snapshot.allFeatures(.roads) where record.values[roadClass] == .text("primary") {
            if case .lineString(let line) = record.geometry, line.count >= 2 {
                spots.append(Coordinate((line[0].x + line[1].x) / 2, (line[0].y + line[1].y) / 2))
            }
            if spots.count == 12 { break }
        }
        #expect(spots.count == 12)
        var differ = 0, roadColoured = 0
        var tiles = Set<TileID>()
        for c in spots {
            let tile = TileID.covering(BoundingBox(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y), zoom: 16)[0]
            tiles.insert(tile)
            let b = tile.bounds
            let px = Int((c.x - b.minX) / (b.maxX - b.minX) * 256)
            let py = Int((TileID.mercatorY(c.y) * 65536 - Double(tile.y)) * 256)
            let full = try await server.get("/tiles/16/\(tile.x)/\(tile.y).png")
            let risk = try await server.get("/tiles/16/\(tile.x)/\(tile.y).png?layers=risk")
            #expect(full.status == 200 && risk.status == 200 && full.headers["etag"] != risk.headers["etag"])
            let a = try RasterImage(png: full.body).pixel(px, py), r = try RasterImage(png: risk.body).pixel(px, py)
            if (a.r, a.g, a.b, a.a) != (r.r, r.g, r.b, r.a) { differ += 1 }
            if a.a == 255 && r.a < 255 { roadColoured += 1 }  // an opaque road under a translucent fill
        }
        // A few midpoints may sit under a shelter's or facility's opaque symbol.
        #expect(differ >= 9 && roadColoured >= 9, "\(differ) \(roadColoured) of \(spots.count)")
        // Both variants cached, each in its own file.
        #expect(try server.service.cacheCountForTests == 2 * tiles.count)
        let again = try await server.get("/tiles/16/0/0.png?layers=risk")
        #expect(again.status == 200)
        let bad = try await server.get("/tiles/16/0/0.png?layers=roads")
        #expect(bad.status == 400 && bad.text.contains("layers"), "\(bad.text)")
        // The legend says what the base and the facility symbols are.
        let legend = try await server.get("/riskmap/legend").json
        let base = legend["base"] as? [String: Any] ?? [:]
        #expect((base["roads"] as? [[String: Any]])?.contains { $0["road_class"] as? String == "primary" && $0["colour_hex"] as? String == style.roads.classes["primary"]?.colour.hex } == true)
        #expect((base["boundaries"] as? [[String: Any]])?.contains { $0["level"] as? String == "district" } == true)
        #expect((legend["facilities"] as? [[String: Any]])?.contains { $0["kind"] as? String == "fire_station" && $0["colour_hex"] as? String == "#B71C1C" } == true)
    }

    @Test func operationsAndProtocol() async throws {
        let server = try await LiveServer()
        #expect(try await server.get("/health").json["status"] as? String == "ok")
        _ = try await server.get("/query/nearest-shelter?lon=109.78&lat=39.6")
        _ = try await server.get("/query/nearest-shelter?lon=109.78&lat=99")
        let metrics = try await server.get("/metrics")
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(metrics.text.contains("onemap_http_requests_total{route=\"/query/nearest-shelter\",method=\"GET\",status=\"200\"} 1"))
        #expect(metrics.text.contains("onemap_http_requests_total{route=\"/query/nearest-shelter\",method=\"GET\",status=\"400\"} 1"))
        #expect(metrics.text.contains("onemap_http_request_duration_seconds_bucket{route=\"/query/nearest-shelter\""))
        let cors = try await server.get("/collections", headers: ["Origin": "http://example.org"])
        #expect(cors.headers["access-control-allow-origin"] == "*")
        let wrong = try await server.request("DELETE", "/collections/hazards/items")
        #expect(wrong.status == 405 && wrong.headers["allow"]?.contains("GET") == true && wrong.headers["allow"]?.contains("POST") == true)
        let page = try await server.get("/map")
        #expect(page.status == 200 && page.text.contains("/static/leaflet/leaflet.js") && !page.text.contains("unpkg") && !page.text.contains("cdn"))
        let leaflet = try await server.get("/static/leaflet/leaflet.js")
        #expect(leaflet.status == 200 && leaflet.body.count > 10_000)
        #expect(try await server.get("/static/leaflet/../../../etc/passwd").status == 404)
    }

    /// GDAL as a real client: lists the collections and reads features with a bbox.
    @Test func gdalReadsTheServiceAsOGCAPIFeatures() async throws {
        let server = try await LiveServer()
        let list = try await runProcessAsync("/usr/bin/ogrinfo", ["-ro", "OAPIF:\(server.base)"])
        #expect(list.status == 0, "\(list.stderr)")
        for layer in Layer.allCases { #expect(list.stdout.contains(": \(layer.tableName) ("), "\(list.stdout)") }
        let read = try await runProcessAsync("/usr/bin/ogrinfo", ["-ro", "-q", "OAPIF:\(server.base)", "hazards", "-spat", "109.75", "39.58", "109.80", "39.62"])
        #expect(read.status == 0, "\(read.stderr)")
        let got = read.stdout.components(separatedBy: "OGRFeature(hazards)").count - 1
        let want = try server.service.snapshotForTests.features(.hazards, in: BoundingBox(minX: 109.75, minY: 39.58, maxX: 109.80, maxY: 39.62)).count
        #expect(got == want && want > 0)
    }

    /// The one map as an OGC collection: GDAL's OAPIF driver (what QGIS uses) lists
    /// `risk_areas` and reads every coloured area with its level, as the live map has it.
    @Test func gdalReadsTheRiskAreasAsVectors() async throws {
        let server = try await LiveServer()
        let model = server.service.modelForTests
        let list = try await runProcessAsync("/usr/bin/ogrinfo", ["-ro", "OAPIF:\(server.base)"])
        #expect(list.status == 0 && list.stdout.contains(": risk_areas ("), "\(list.stdout) \(list.stderr)")
        let read = try await runProcessAsync("/usr/bin/ogrinfo", ["-ro", "-q", "OAPIF:\(server.base)", "risk_areas"])
        #expect(read.status == 0, "\(read.stderr)")
        let blocks = read.stdout.components(separatedBy: "OGRFeature(risk_areas)").dropFirst()
        #expect(blocks.count == model.areas.count, "\(blocks.count) of \(model.areas.count)")
        let reds = blocks.filter { $0.contains("risk_level (Integer) = 1") || $0.contains("risk_level (Integer64) = 1") }.count
        #expect(reds == model.assessments.filter { $0.level == .red }.count && reds > 0, "\(blocks.first ?? "")")
        #expect(blocks.allSatisfy { $0.contains("POLYGON") })
        // Paging and filters as every collection has them; one area by id.
        let page = try await server.get("/collections/risk_areas/items?limit=5&risk_level=1")
        #expect(page.features.count == min(5, reds) && page.json["numberMatched"] as? Int == reds)
        #expect(((page.json["links"] as? [[String: Any]]) ?? []).contains { $0["rel"] as? String == "next" } == (reds > 5))
        let first = try #require(model.areas.first)
        let one = try await server.get("/collections/risk_areas/items/\(pathSegment(first.id))")
        #expect(one.status == 200 && one.json["id"] as? String == first.id)
        #expect(try await server.get("/collections/risk_areas/items/nowhere").status == 404)
        #expect(try await server.get("/collections/risk_areas/items?risk_level=7").status == 400)
        #expect(try await server.get("/collections/risk_areas/items?version=9").status == 404)
    }
}

/// An id as one URL path segment.
func pathSegment(_ id: String) -> String {
    id.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? id
}

enum TimeIntervalCheck {
    static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}
