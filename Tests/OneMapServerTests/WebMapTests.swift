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

    /// The click a commander makes on /map, in a real browser: a shelter closed a moment
    /// ago is not offered, every offered one says it is open and how much room it has, the
    /// closed one's marker is drawn in the closed symbol, and the legend says what the
    /// symbols mean.
    @Test func theMapsClickOffersOnlyOpenSheltersAndShowsTheirStatus() async throws {
        let server = try await LiveServer()
        let planner = ["Authorization": "Bearer \(LiveServer.plannerToken)", "Content-Type": "application/json"]
        let p = Coordinate(109.781, 39.608)
        let nearest = try #require(try server.service.snapshotForTests.nearestShelters(to: p, k: 1, criteria: .anyStatus()).first)
        let id = nearest.hit.record.id
        func name(_ hit: ShelterHit) -> String { if case .string(let s)? = hit.feature[property: "name"] { s } else { hit.hit.record.id } }
        let closedName = name(nearest)
        #expect(try await server.request("PATCH", "/collections/shelters/items/\(id)", headers: planner, body: #"{"status": "closed"}"#).status == 200)
        let run = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/Browser/map_click.py"), server.base, "\(p.x)", "\(p.y)"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        let items = result["click_items"] as? [String] ?? []
        let want = try server.service.snapshotForTests.nearestShelters(to: p, k: 3)
        #expect(items.count == want.count && want.count == 3, "\(run.stdout)")
        for (item, hit) in zip(items, want) {
            #expect(item.contains(" · open · room ") && !item.contains(id), "\(item)")
            #expect(item.hasPrefix(name(hit) + " · "), "\(item)")
        }
        #expect(!want.contains { $0.hit.record.id == id }, "the library offers the closed shelter \(id) \(closedName)")
        let hazards = result["hazard_items"] as? [String] ?? ["?"]
        #expect(hazards.allSatisfy { !$0.hasSuffix(" · closed") }, "\(hazards)")
        #expect((result["click_text"] as? String ?? "").contains("open hazards within 500 m"))
        let markers = result["markers"] as? [String: [Any]] ?? [:]
        #expect(markers[id]?.first as? String == "closed" && markers[id]?.last as? String == "#9E9E9E", "\(markers[id] ?? []) \(run.stdout.prefix(3000))")
        let open = markers.values.filter { $0.first as? String == "open" }
        #expect(!open.isEmpty && open.allSatisfy { $0.last as? String == "#2E7D32" }, "\(markers)")
        let legend = result["legend"] as? String ?? ""
        #expect(legend.contains("开放 open") && legend.contains("已满 full") && legend.contains("关闭 closed"), "\(legend)")
        #expect((result["console_errors"] as? [String] ?? ["?"]).isEmpty, "\(run.stdout)")
    }

    /// The map's layer switch in a real browser: the one map over its own roads and
    /// boundaries, or the risk layers alone (tiles asked for with layers=risk, the base's
    /// legend hidden), and a facilities layer drawn in the tiles' colours by kind.
    @Test func theMapSwitchesToRiskOnlyAndShowsFacilities() async throws {
        let server = try await LiveServer()
        let run = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/Browser/map_layers.py"), server.base])
        #expect(run.status == 0, "\(run.stderr)")
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        let bases = result["base_layers"] as? [String] ?? []
        #expect(bases.count == 2 && bases.contains { $0.contains("one map") } && bases.contains { $0.contains("risk only") }, "\(run.stdout)")
        #expect((result["overlays"] as? [String] ?? []).contains { $0.contains("facilities") }, "\(run.stdout)")
        let before = result["tiles_before"] as? [String] ?? [], after = result["tiles_after"] as? [String] ?? []
        #expect(!before.isEmpty && before.allSatisfy { $0.hasPrefix("/tiles/") && !$0.contains("layers=risk") }, "\(before)")
        #expect(!after.isEmpty && after.allSatisfy { $0.hasSuffix(".png?layers=risk") }, "\(after)")
        #expect(result["risk_only_shown"] as? Bool == true)
        #expect(result["legend_base_shown_before"] as? Bool == true && result["legend_base_shown_after"] as? Bool == false, "\(run.stdout)")
        let facilities = result["facilities"] as? [String: [Any]] ?? [:]
        let kind = Layer.facilities.columnIndex("kind")
        let stored = try server.service.snapshotForTests.allFeatures(.facilities)
        #expect(facilities.count == stored.count, "\(facilities.count) of \(stored.count)")
        let style = try TileStyle.load(path: Repository.path("config/style.json")).facilities
        for record in stored {
            let want = (style.kinds[record.values[kind].description] ?? style.other).fill.hex
            #expect(facilities[record.id]?.last as? String == want, "\(record.id): \(facilities[record.id] ?? [])")
        }
        #expect((result["console_errors"] as? [String] ?? ["?"]).isEmpty, "\(run.stdout)")
    }
}

/// The commander's tool on /map in a real browser: a click, a kind, a token, and the zones
/// and figures appear with the briefing's link; a grid worker's token is refused in words.
@Suite(.timeLimit(.minutes(10))) struct IncidentMapTests {
    @Test func aCommanderCreatesAnIncidentOnTheMapAndSeesItsFigures() async throws {
        let server = try await LiveServer()
        let hazard = try #require(server.service.snapshotForTests.feature(.hazards, id: "H-0000283"))
        guard case .point(let p) = hazard.geometry else { Issue.record("H-0000283 is a point"); return }
        let run = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/Browser/map_incident.py"), server.base, LiveServer.commanderToken,
                                                                 "\(p.x)", "\(p.y)", "hazardous_chemical_leak"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        #expect(result["message"] as? String == "", "\(run.stdout)")
        let zones = result["zones"] as? [String] ?? []
        #expect(zones.count == 2 && zones[0].hasPrefix("isolation:") && zones[1].hasPrefix("evacuation:"), "\(run.stdout)")
        let created = try #require(try await server.get("/incidents").features.first)
        let id = try #require(created["id"] as? String)
        #expect(result["briefing"] as? String == "\(server.base)/incidents/\(id)/briefing", "\(run.stdout)")
        #expect(result["drawn"] as? [String] == [id], "\(run.stdout)")
        #expect(result["token_kept"] as? Bool == true)
        #expect((result["console_errors"] as? [String] ?? ["?"]).isEmpty, "\(run.stdout)")
        // The figures on the page are the service's.
        let figures = try await server.get("/incidents/\(id)/briefing?format=json")
        let residents = ((figures.json["zones"] as? [[String: Any]])?.last?["residents"] as? Double) ?? -1
        #expect(zones[1].contains("\(Int(residents.rounded()).formatted(.number.locale(Locale(identifier: "en_US")))) residents"), "\(zones[1]) against \(residents)")
        #expect(try await server.get("/incidents/\(id)/briefing").status == 200)

        let refused = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/Browser/map_incident.py"), server.base, LiveServer.workerToken,
                                                                     "\(p.x)", "\(p.y)", "fire"])
        let answer = (try? JSONSerialization.jsonObject(with: Data(refused.stdout.utf8))) as? [String: Any] ?? [:]
        #expect((answer["message"] as? String ?? "").contains("403: 张网格员 is a grid worker and may not create an incident"), "\(refused.stdout)")
    }
}

/// The grid worker's page in a real (phone-sized) browser, and a commander's /map beside
/// it (issue 17): sign in, the grid, a hazard with a photo, rectifying, closed; two reports
/// made offline sent once each when the connection returns; the map's tile under the new
/// hazard changes through /events without a reload.
@Suite(.timeLimit(.minutes(10))) struct FieldPageTests {
    @Test func aGridWorkerReportsOnlineAndOfflineAndTheMapFollowsLive() async throws {
        let server = try await LiveServer()
        // A point inside the grid away from its label (drawn at the point-on-surface, over symbols).
        let grid = try server.service.snapshotForTests.grid(code: server.workerGrid).geometry
        let anchor = try GEOSContext().pointOnSurface(grid)
        let prepared = try GEOSContext().prepare(grid)
        let spot = try #require(try [(0.0015, 0.0), (-0.0015, 0.0), (0.0, 0.0012), (0.0, -0.0012), (0.001, 0.001)]
            .map { Coordinate(anchor.x + $0.0, anchor.y + $0.1) }.first { try prepared.covers(.point($0)) })
        let before = try server.service.snapshotForTests.count(.hazards)
        let run = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/Browser/field_worker.py"), server.base, LiveServer.workerToken,
                                                                 "\(spot.x)", "\(spot.y)"])
        #expect(run.status == 0, "\(run.stderr.suffix(3000))")
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        #expect((result["who"] as? String ?? "").contains("张网格员") && (result["who"] as? String ?? "").contains(server.workerGrid), "\(run.stdout)")
        #expect(result["grid_drawn"] as? Int == 1 && result["token_kept"] as? Bool == true, "\(run.stdout)")
        #expect((result["grid_info"] as? String ?? "").contains("red") || (result["grid_info"] as? String ?? "").contains("orange")
                || (result["grid_info"] as? String ?? "").contains("yellow") || (result["grid_info"] as? String ?? "").contains("blue"), "\(run.stdout)")

        // The live banner lies over the register button at the bottom of the page, and the tap still reaches the button.
        let bannerTap = result["banner_tap"] as? [String: Any] ?? [:]
        #expect(bannerTap["covered"] as? Bool == true && bannerTap["hit"] as? String == "h-register", "\(bannerTap)")

        // The first hazard: stored once, with its photo (a real JPEG the browser decoded back), closed.
        let id = try #require(result["registered"] as? String, "\(run.stdout)")
        let stored = try await server.get("/collections/hazards/items/\(id)")
        let properties = stored.json["properties"] as? [String: Any] ?? [:]
        #expect(properties["status"] as? String == "closed" && properties["rectification_note"] as? String == "已整改 fixed", "\(stored.text)")
        #expect(properties["level"] as? Int == 1)
        let media = try await server.get("/collections/hazards/items/\(id)/media")
        #expect(media.json["count"] as? Int == 1, "\(media.text)")
        #expect(result["photo_width"] as? Int == 32, "\(run.stdout)")

        // Offline: two reports waited on the phone and were stored once each.
        #expect(result["pending_offline"] as? Int == 2 && result["pending_online"] as? Int == 0, "\(run.stdout)")
        #expect((result["refused"] as? [String] ?? ["?"]).isEmpty, "\(run.stdout)")
        let all = try server.service.snapshotForTests.allFeatures(.hazards)
        let name = Layer.hazards.columnIndex("name")
        for label in ["离线一 offline one", "离线二 offline two", "巡查发现 field check A"] {
            #expect(all.filter { $0.values[name] == .text(label) }.count == 1, "\(label)")
        }
        #expect(all.count == before + 3)

        // The commander's map: the tile under the point was fetched again and changed, no reload.
        let beforeTile = result["tile_before"] as? [String: Any] ?? [:], afterTile = result["tile_after"] as? [String: Any] ?? [:]
        #expect((afterTile["src"] as? String ?? "").contains("v="), "\(run.stdout)")
        #expect(afterTile["rgb"] as? [Int] == [0xC6, 0x28, 0x28], "the red hazard's fill: \(afterTile) (before \(beforeTile))")
        #expect(result["watcher_not_reloaded"] as? Bool == true)
        let banner = result["watcher_banner"] as? String ?? ""
        #expect(banner.contains("巡查发现") || banner.contains(id), "\(run.stdout)")
        #expect((result["console_errors"] as? [String] ?? ["?"]).isEmpty, "\(run.stdout)")
    }
}
