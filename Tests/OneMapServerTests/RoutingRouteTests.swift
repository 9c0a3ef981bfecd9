import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The routing endpoints through a real server, against the library.
@Suite(.timeLimit(.minutes(10))) struct RoutingRouteTests {
    /// A point far from every road is refused with the distance named (it answered
    /// "22.4 min" from 127 km away), and within the limit the leg to the road is counted
    /// in the time, the length and the line.
    @Test func pointsFarFromTheRoadsAreRefusedAndTheLegToTheRoadIsCounted() async throws {
        let server = try await LiveServer()
        let graph = RoadGraph(roads: try server.service.snapshotForTests.allFeatures(.roads), profile: .drive)
        for (method, path, body) in [
            ("GET", "/evacuate?lon=111.5&lat=39.6&k=1", nil),
            ("POST", "/evacuate", #"{"from": [111.5, 39.6]}"#),
            ("GET", "/route?from=111.5,39.6&to=109.90,39.66", nil),
            ("GET", "/route?from=109.90,39.66&to=111.5,39.6", nil),
            ("GET", "/isochrone?lon=111.5&lat=39.6&minutes=10", nil),
        ] as [(String, String, String?)] {
            let answer = try await server.request(method, path, headers: ["Content-Type": "application/json"], body: body)
            #expect(answer.status == 422, "\(method) \(path): \(answer.text)")
            #expect(answer.text.contains("m from the nearest road the drive profile may use; the limit is 1000 m"), "\(answer.text)")
            #expect(answer.text.contains("127"), "the distance is named (about 127 km): \(answer.text)")
        }
        // A point a few hundred metres off the roads.
        var spot: (Coordinate, Snap)?
        search: for i in 0..<60 {
            for j in 0..<60 {
                let p = Coordinate(109.70 + Double(i) * 0.004, 39.55 + Double(j) * 0.003)
                let snap = try graph.snap(p)
                if (250...900).contains(snap.distance) { spot = (p, snap); break search }
            }
        }
        let (p, snap) = try #require(spot)
        let b = Coordinate(109.90, 39.66)
        let onRoad = try graph.route(from: snap.point, to: b)
        let answer = try await server.get("/route?from=\(p.x),\(p.y)&to=\(b.x),\(b.y)")
        #expect(answer.status == 200, "\(answer.text)")
        let properties = answer.json["properties"] as? [String: Any] ?? [:]
        let legSeconds = snap.distance / (5 / 3.6)
        #expect(abs((properties["seconds"] as? Double ?? 0) - (onRoad.seconds + legSeconds)) < 0.2, "\(properties) vs \(onRoad.seconds) + \(legSeconds)")
        #expect(abs((properties["metres"] as? Double ?? 0) - (onRoad.metres + snap.distance)) < 1.5)
        let leg = properties["leg_to_road"] as? [String: Any] ?? [:]
        #expect(abs((leg["metres"] as? Double ?? 0) - snap.distance) < 0.1 && abs((leg["seconds"] as? Double ?? 0) - legSeconds) < 0.1, "\(leg)")
        let line = (answer.json["geometry"] as? [String: Any])?["coordinates"] as? [[Double]] ?? []
        #expect(line.first == [p.x, p.y], "the line starts where the person stands")
        // Evacuation from there: the leg is in the minutes too.
        let evacuate = try await server.get("/evacuate?lon=\(p.x)&lat=\(p.y)&k=1")
        let first = evacuate.features.first?["properties"] as? [String: Any] ?? [:]
        #expect(((first["leg_to_road"] as? [String: Any])?["seconds"] as? Double ?? 0) > 100, "\(evacuate.text)")
        #expect((first["seconds"] as? Double ?? 0) > legSeconds)
    }

    /// The k fire stations soonest at a point, by one search, equal k separate routes
    /// ranked by hand; the same from the point to shelters with room.
    @Test func nearestByTimeEqualsRankingEveryRoute() async throws {
        let server = try await LiveServer()
        let snapshot = server.service.snapshotForTests
        let graph = RoadGraph(roads: try snapshot.allFeatures(.roads), profile: .drive)
        let context = GEOSContext()
        for (n, node) in [37, 811, 1999].enumerated() where node < graph.nodes.count {
            let p = graph.nodes[node]
            let stations = try NearestByTime.candidates(snapshot, layer: .facilities, where: [AttributeFilter(column: "kind", test: .oneOf(["fire_station"]))])
            #expect(stations.count >= 3)
            let byHand = try stations.compactMap { s -> (String, Double)? in
                guard let route = try? graph.route(from: try context.pointOnSurface(s.geometry), to: p) else { return nil }
                return (s.id, route.seconds)
            }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            let answer = try await server.get("/query/nearest-by-time?lon=\(p.x)&lat=\(p.y)&layer=facilities&kind=fire_station&k=3")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.features.map { $0["id"] as? String } == byHand.prefix(3).map(\.0), "node \(node)")
            let seconds = answer.features.compactMap { ($0["properties"] as? [String: Any])?["seconds"] as? Double }
            #expect(zip(seconds, byHand.prefix(3).map(\.1)).allSatisfy { abs($0 - $1) < 0.1 }, "\(seconds) vs \(byHand.prefix(3))")
            if n == 0 {
                // From the point to shelters: open ones with room only, ranked as routes are.
                let shelters = try NearestByTime.candidates(snapshot, layer: .shelters, where: [])
                let wanted = try shelters.compactMap { s -> (String, Double)? in
                    guard let route = try? graph.route(from: p, to: try context.pointOnSurface(s.geometry)) else { return nil }
                    return (s.id, route.seconds)
                }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
                let out = try await server.get("/query/nearest-by-time?lon=\(p.x)&lat=\(p.y)&layer=shelters&direction=from&k=2")
                #expect(out.features.map { $0["id"] as? String } == wanted.prefix(2).map(\.0))
                #expect(out.features.allSatisfy { ($0["properties"] as? [String: Any])?["status"] as? String == "open" })
            }
        }
        #expect(try await server.get("/query/nearest-by-time?lon=111.5&lat=39.6&layer=facilities").status == 422)
        #expect(try await server.get("/query/nearest-by-time?lon=109.78&lat=39.6&layer=facilities&direction=sideways").status == 400)
    }

    @Test func routesEvacuationPlansServiceAreasAndCoverage() async throws {
        let server = try await LiveServer()
        let snapshot = server.service.snapshotForTests
        let graph = RoadGraph(roads: try snapshot.allFeatures(.roads), profile: .drive)
        let a = Coordinate(109.78, 39.60), b = Coordinate(109.90, 39.66)
        let route = try await server.get("/route?from=109.78,39.60&to=109.90,39.66")
        #expect(route.status == 200, "\(route.text)")
        let seconds = (route.json["properties"] as? [String: Any])?["seconds"] as? Double ?? -1
        #expect(abs(seconds - (try graph.route(from: a, to: b).seconds)) < 0.06)
        #expect((route.json["geometry"] as? [String: Any])?["type"] as? String == "LineString")
        let shortest = try await server.get("/route?from=109.78,39.60&to=109.90,39.66&by=distance")
        #expect(((shortest.json["properties"] as? [String: Any])?["metres"] as? Double ?? 0) <= ((route.json["properties"] as? [String: Any])?["metres"] as? Double ?? 0) + 1)
        // Most demo cells are red, so avoiding them usually leaves no way: either answer is
        // well-formed, and a route that comes back crosses no red cell.
        let avoidRed = try await server.get("/route?from=109.78,39.60&to=109.90,39.66&avoid=red")
        #expect(avoidRed.status == 200 || (avoidRed.status == 404 && avoidRed.headers["content-type"] == "application/problem+json"), "\(avoidRed.text)")

        // A polygon to avoid, posted: the route does not cross it.
        let centre = Coordinate(109.84, 39.63)
        let square = [[centre.x - 0.004, centre.y - 0.004], [centre.x + 0.004, centre.y - 0.004], [centre.x + 0.004, centre.y + 0.004],
                      [centre.x - 0.004, centre.y + 0.004], [centre.x - 0.004, centre.y - 0.004]]
        let body = #"{"from": [109.78, 39.60], "to": [109.90, 39.66], "zone": {"type": "Polygon", "coordinates": [[\#(square.map { "[\($0[0]), \($0[1])]" }.joined(separator: ","))]]}}"#
        let around = try await server.request("POST", "/route", headers: ["Content-Type": "application/json"], body: body)
        #expect(around.status == 200, "\(around.text)")
        let path = ((around.json["geometry"] as? [String: Any])?["coordinates"] as? [[Double]] ?? []).map { Coordinate($0[0], $0[1]) }
        let ring = square.map { Coordinate($0[0], $0[1]) }
        #expect(try !GEOSContext().prepare(.polygon([ring])).intersects(.lineString(path)))

        // One vocabulary: the circle a danger zone is given as in /evacuation-plan is the
        // zone /route goes around, posted ([lon, lat]) or in GET (lon,lat), with one answer;
        // before, POST /route took only "avoid" and GET /route no zone at all.
        let direct = try graph.route(from: Coordinate(109.78, 39.60), to: Coordinate(109.90, 39.66))
        let onDirect = try #require(direct.path.dropFirst(direct.path.count / 2).first)
        let circle = DangerZone.circle(centre: onDirect, radius: 300)
        let posted = try await server.request("POST", "/route", headers: ["Content-Type": "application/json"],
                                              body: #"{"from": [109.78, 39.60], "to": [109.90, 39.66], "centre": [\#(onDirect.x), \#(onDirect.y)], "radius": 300}"#)
        let got = try await server.get("/route?from=109.78,39.60&to=109.90,39.66&centre=\(onDirect.x),\(onDirect.y)&radius=300")
        #expect(posted.status == 200 && got.status == 200, "\(posted.text) \(got.text)")
        for answer in [posted, got] {
            let line = ((answer.json["geometry"] as? [String: Any])?["coordinates"] as? [[Double]] ?? []).map { Coordinate($0[0], $0[1]) }
            let crosses = try GEOSContext().prepare(circle).intersects(.lineString(line))
            #expect(line.count > 1 && !crosses, "the route crosses the zone")
        }
        #expect(posted.json["properties"] as? [String: Any] != nil && NSDictionary(dictionary: posted.json["properties"] as? [String: Any] ?? [:]).isEqual(to: got.json["properties"] as? [String: Any] ?? ["x": 1]))
        for (body, words) in [(#"{"from": [109.78, 39.60], "to": [109.90, 39.66], "avoid": {"type": "Polygon", "coordinates": []}}"#, "avoid: "),
                              (#"{"from": [109.78, 39.60], "to": [109.90, 39.66], "center": [109.8, 39.6], "radius": 300}"#, "center: renamed: write centre"),
                              (#"{"from": [109.78, 39.60], "to": [109.90, 39.66], "centre": [109.8, 39.6]}"#, "radius: metres in 1…100,000 are required with centre"),
                              (#"{"from": [109.78, 39.60], "to": [109.90, 39.66], "zone": \#(body.split(separator: "\"zone\": ")[1].dropLast()), "centre": [109.8, 39.6], "radius": 9}"#, "not both")] {
            let refused = try await server.request("POST", "/route", headers: ["Content-Type": "application/json"], body: body)
            #expect(refused.status == 422 && refused.text.contains(words), "\(body): \(refused.text)")
        }

        let evacuate = try await server.get("/evacuate?lon=109.781&lat=39.608&k=2&min_room=500&centre=109.781,39.608&radius=800")
        #expect(evacuate.status == 200 && evacuate.features.count == 2, "\(evacuate.text)")
        let plan = try await server.request("POST", "/evacuation-plan", headers: ["Content-Type": "application/json"],
                                            body: #"{"centre": [109.78, 39.61], "radius": 6000}"#)
        #expect(plan.status == 200, "\(plan.text)")
        #expect(plan.json["persons"] as? Int == plan.json["placed"] as? Int && (plan.json["persons"] as? Int ?? 0) > 0)
        for shelter in plan.json["shelters"] as? [[String: Any]] ?? [] { #expect((shelter["load"] as? Int ?? 0) <= (shelter["room"] as? Int ?? 0)) }

        // This point lies several hundred metres from a road: 5 minutes do not even reach it.
        let unreached = try await server.get("/isochrone?lon=109.781&lat=39.608&minutes=5")
        #expect(unreached.status == 404 && unreached.text.contains("more than the 5.0 min asked for"), "\(unreached.text)")
        let isochrone = try await server.get("/isochrone?lon=109.781&lat=39.608&minutes=15")
        #expect(isochrone.status == 200 && ["Polygon", "MultiPolygon"].contains((isochrone.json["geometry"] as? [String: Any])?["type"] as? String ?? ""), "\(isochrone.text)")
        let coverage = try await server.get("/coverage/fire?minutes=5")
        #expect(coverage.features.count == 42 && coverage.json["fire_stations"] as? Int == 4)
        let standards = try PlanningStandards.load(path: Repository.path("config/planning.json"))
        let walk = RoadGraph(roads: try snapshot.allFeatures(.roads), profile: .walk)
        let want = try FireCoverage.compute(graph: graph, settlement: walk, snapshot: snapshot, minutes: 5, standards: standards).residentsOutside
        #expect(coverage.json["residents_outside"] as? Int == want)
        // One question, one answer: the planner's fire report gives the same residents beyond 5 minutes.
        let firePlan = try await server.get("/plan/fire?max_sites=1")
        #expect((firePlan.json["residents_outside"] as? Double).map { Int($0.rounded()) } == want, "\(firePlan.json["residents_outside"] ?? "?") vs \(want)")

        for (method, path, body, status) in [
            ("GET", "/route?from=109.78&to=109.9,39.66", nil, 400),
            ("GET", "/route?from=109.78,95&to=109.9,39.66", nil, 400),
            ("GET", "/route?from=109.78,39.6&to=109.9,39.66&by=beauty", nil, 400),
            ("GET", "/route?from=109.78,39.6&to=109.9,39.66&profile=boat", nil, 400),
            ("POST", "/evacuation-plan", #"{"radius": 5}"#, 422),
            ("POST", "/evacuation-plan", #"{"zone": {"type": "Point", "coordinates": [1, 2]}}"#, 422),
            ("POST", "/route", #"{"from": [109.78, 39.6]"#, 400),
            ("GET", "/isochrone?lon=109.78&lat=39.6&minutes=0", nil, 400),
            ("GET", "/evacuation-plan", nil, 405),
        ] as [(String, String, String?, Int)] {
            let answer = try await server.request(method, path, headers: ["Content-Type": "application/json"], body: body)
            #expect(answer.status == status && answer.headers["content-type"] == "application/problem+json", "\(method) \(path): \(answer.status) \(answer.text)")
        }
        // A ring of danger around the start cuts it off: a clear 404, not a hang.
        let start = graph.nodes[0]
        func box(_ r: Double) -> String {
            [[start.x - r, start.y - r], [start.x + r, start.y - r], [start.x + r, start.y + r], [start.x - r, start.y + r], [start.x - r, start.y - r]]
                .map { "[\($0[0]), \($0[1])]" }.joined(separator: ",")
        }
        let moat = #"{"from": [\#(start.x), \#(start.y)], "to": [109.90, 39.66], "zone": {"type": "Polygon", "coordinates": [[\#(box(0.02))], [\#(box(0.003))]]}}"#
        let cut = try await server.request("POST", "/route", headers: ["Content-Type": "application/json"], body: moat)
        #expect(cut.status == 404 && (cut.json["detail"] as? String ?? "").contains("no route"), "\(cut.text)")
    }

    @Test func theSafetyAuditOverHTTP() async throws {
        let server = try await LiveServer()
        let audit = try await server.get("/plan/audit")
        #expect(audit.status == 200)
        let want = try SafetyAudit().run(server.service.snapshotForTests)
        #expect(audit.json["violations"] as? Int == want.count && audit.features.count == want.count)
        #expect(audit.features.map { $0["id"] as? String } == want.map(\.targetID))
        #expect(try await server.get("/plan/audit?safety_distance=-1").status == 400)
    }
}
