import Foundation
import OneMapGeometry
import OneMapIncidents
import OneMapStorage
import OneMapTiles

/// The commander's briefing: the figures of an incident as JSON for machines and as one
/// printable HTML page (the map drawn by OneMap's renderer, inline) for people.
public enum IncidentBriefing {
    /// The standards the figures are checked against.
    public static func checks(_ f: IncidentFigures, config: IncidentConfig) -> [PlanReport.Check] {
        let t = config.targets
        var checks: [PlanReport.Check] = []
        if let first = f.reach.fireStations.first {
            checks.append(PlanReport.Check(figure: "First fire engine on scene 首车到场", value: minutes(first.minutes) + " (\(first.name))",
                                           standard: "≤ \(Figures.number(t.firstFireEngineMinutes, 0)) min", source: "Dushanzi plan; 建标152-2017",
                                           passes: first.minutes <= t.firstFireEngineMinutes))
        }
        if let share = f.reach.teamShare {
            checks.append(PlanReport.Check(figure: "Rescue teams on scene within \(Figures.number(t.teamMinutes / 60, 0)) h 救援队伍到场",
                                           value: "\(f.reach.teamsWithinTarget) of \(f.reach.teamsInService) (\(Figures.percent(share)))",
                                           standard: "≥ \(Figures.percent(t.teamShare))", source: "Kangbashi plan", passes: share >= t.teamShare))
        }
        if let specialist = f.reach.teams.first, let kind = config.kinds[f.incident.kind], !kind.teamSpecialisms.isEmpty {
            let matches = specialist.specialism.map(kind.teamSpecialisms.contains) ?? false
            checks.append(PlanReport.Check(figure: "Specialist team (\(kind.teamSpecialisms.joined(separator: ", "))) 专业队伍",
                                           value: matches ? "\(specialist.name), \(minutes(specialist.minutes))" : "none in service",
                                           standard: "≤ \(Figures.number(t.teamMinutes, 0)) min", source: "Kangbashi plan",
                                           passes: matches && specialist.minutes <= t.teamMinutes))
        }
        let persons = f.evacuation.plan.assignments.reduce(0) { $0 + $1.persons }
        let unplaced = f.evacuation.plan.unplaced.values.reduce(0, +)
        if !f.evacuation.origins.isEmpty {
            checks.append(PlanReport.Check(figure: "Residents of the outer zone placed in shelters 安置", value: "\(Figures.count(Double(persons))) placed, \(Figures.count(Double(unplaced))) not",
                                           standard: "everyone placed", source: "GB 50413-2007 (shelter capacity)", passes: unplaced == 0))
        }
        if let outer = f.zones.last {
            checks.append(PlanReport.Check(figure: "Shelters inside the zone (not to be used) 区内避难场所", value: "\(outer.shelters.count)",
                                           standard: "none used", source: "GB 50413-2007 (siting away from hazards)", passes: nil))
        }
        return checks
    }

    /// The figures in a few lines, for a terminal.
    public static func summary(_ f: IncidentFigures) -> String {
        var lines = ["\(f.incident.id) \(f.incident.kind) (\(f.incident.status.rawValue)): \(f.incident.title)"]
        for z in f.zones {
            lines.append(String(format: "  zone %@ (%@, %.2f km²): %@ residents in %d grids; %d key targets inside, %d within the margin; %d open hazards; %d shelters inside",
                                z.name, z.method, z.areaM2 / 1e6, Figures.count(z.residents.total), z.residents.grids.count, z.targetsInside.count,
                                z.targetsNear.count, z.hazards.count, z.shelters.count))
        }
        let fire = f.reach.fireStations.map { "\($0.name) \(minutes($0.minutes))" }.joined(separator: ", ")
        lines.append("  fire stations: \(fire.isEmpty ? "none reached" : fire)")
        let teams = f.reach.teams.prefix(3).map { "\($0.name) \(minutes($0.minutes))" }.joined(separator: ", ")
        lines.append("  rescue teams: \(teams.isEmpty ? "none reached" : teams); \(f.reach.teamsWithinTarget) of \(f.reach.teamsInService) within the target")
        let placed = f.evacuation.plan.assignments.reduce(0) { $0 + $1.persons }
        lines.append("  evacuation: \(Figures.count(Double(placed))) placed in \(f.evacuation.plan.loads.count) shelters, \(Figures.count(Double(f.evacuation.plan.unplaced.values.reduce(0, +)))) unplaced")
        lines.append("  relief (\(Figures.number(f.relief.days, 0)) days): " + f.relief.items.map { "\(Figures.count($0.amount)) \($0.unit) \($0.item)" }.joined(separator: ", "))
        lines.append("  notify: \(f.contacts.count) contacts; computed \(f.computedAt) at change \(f.change) in \(String(format: "%.2f", f.seconds)) s")
        if f.incident.area.isEstimate { lines.append("  an estimate: " + (f.incident.area.limits.first ?? "")) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func minutes(_ m: Double) -> String { m.isFinite ? String(format: "%.1f min", m) : "unreachable" }

    // MARK: JSON

    public static func json(_ f: IncidentFigures, config: IncidentConfig, base: String = "") -> JSONValue {
        func num(_ x: Double, _ digits: Double = 10) -> JSONValue { Figures.rounded(x, digits) }
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func target(_ t: IncidentAnalysis.Target) -> JSONValue {
            .object([JSONMember("layer", .string(t.layer.tableName)), JSONMember("id", .string(t.id)), JSONMember("name", .string(t.name)),
                     JSONMember("kind", .string(t.kind)), JSONMember("capacity", t.capacity.map { .number($0) } ?? .null),
                     JSONMember("distance_m", num(t.distance, 1)), JSONMember("contact", opt(t.contact))])
        }
        func resource(_ r: IncidentAnalysis.Resource) -> JSONValue {
            var members = [JSONMember("id", .string(r.record.id)), JSONMember("name", .string(r.name)), JSONMember("kind", .string(r.kind)),
                           JSONMember("specialism", opt(r.specialism)), JSONMember("headcount", r.headcount.map { .number(Double($0)) } ?? .null),
                           JSONMember("minutes", num(r.minutes)), JSONMember("metres", num(r.metres, 1)),
                           JSONMember("meets_target", r.meetsTarget.map(JSONValue.bool) ?? .null), JSONMember("contact", opt(r.contact))]
            if let route = r.route { members.append(JSONMember("route", GeoJSONGeometry.encode(.lineString(route.path)))) }
            return .object(members)
        }
        let zones: [JSONValue] = f.zones.map { z in
            var levels: [Int: Int] = [:]
            for h in z.hazards { levels[h.level ?? 0, default: 0] += 1 }
            return .object([
                JSONMember("zone", .string(z.name)), JSONMember("method", .string(z.method)), JSONMember("area_m2", num(z.areaM2, 1)),
                JSONMember("residents", num(z.residents.total, 1)),
                JSONMember("grids", .array(z.residents.grids.map { g in
                    .object([JSONMember("grid", .string(g.code)), JSONMember("name", .string(g.name)), JSONMember("subdistrict", .string(g.subdistrict)),
                             JSONMember("residents_inside", num(g.residentsInside, 1)), JSONMember("residents", .number(Double(g.residents))),
                             JSONMember("share_inside", num(g.share, 1000)), JSONMember("grid_worker", opt(g.gridWorker)), JSONMember("contact", opt(g.contact))])
                })),
                JSONMember("key_targets_inside", .array(z.targetsInside.map(target))),
                JSONMember("key_targets_within_margin", .array(z.targetsNear.map(target))),
                JSONMember("key_target_margin_m", .number(config.keyTargets.marginM)),
                JSONMember("hazards_inside_by_level", .object(levels.keys.sorted().map { JSONMember($0 == 0 ? "none" : String($0), .number(Double(levels[$0] ?? 0))) })),
                JSONMember("hazards_inside", .array(z.hazards.map { h in
                    .object([JSONMember("id", .string(h.id)), JSONMember("name", .string(h.name)), JSONMember("kind", .string(h.kind)),
                             JSONMember("level", h.level.map { .number(Double($0)) } ?? .null), JSONMember("status", .string(h.status))])
                })),
                JSONMember("shelters_inside", .array(z.shelters.map { s in
                    .object([JSONMember("id", .string(s.id)), JSONMember("name", .string(s.name)),
                             JSONMember("capacity", s.capacity.map { .number(Double($0)) } ?? .null), JSONMember("status", .string(s.status))])
                })),
            ])
        }
        let r = f.reach
        let reach: JSONValue = .object([
            JSONMember("fire_stations", .array(r.fireStations.map(resource))), JSONMember("rescue_teams", .array(r.teams.map(resource))),
            JSONMember("depots", .array(r.depots.map(resource))), JSONMember("hospitals", .array(r.hospitals.map(resource))),
            JSONMember("teams_in_service", .number(Double(r.teamsInService))), JSONMember("teams_within_target", .number(Double(r.teamsWithinTarget))),
            JSONMember("team_share_within_target", r.teamShare.map { num($0, 1000) } ?? .null),
            JSONMember("targets", .object([JSONMember("first_fire_engine_minutes", .number(config.targets.firstFireEngineMinutes)),
                                          JSONMember("team_minutes", .number(config.targets.teamMinutes)), JSONMember("team_share", .number(config.targets.teamShare)),
                                          JSONMember("source", .string(config.targets.source))])),
            JSONMember("problem", opt(r.problem)),
        ])
        var evacuation = f.evacuation.plan.json(origins: f.evacuation.origins, destinations: f.evacuation.destinations, routes: f.evacuation.routes).objectValue ?? []
        evacuation.append(JSONMember("nearest_open_shelters_outside", .array(f.evacuation.nearestOpen.map { GeoJSONWriter.encode($0.feature) })))
        evacuation.append(JSONMember("problem", opt(f.evacuation.problem)))
        let relief: JSONValue = .object([
            JSONMember("persons", num(f.relief.persons, 1)), JSONMember("days", .number(f.relief.days)), JSONMember("source", .string(f.relief.source)),
            JSONMember("items", .array(f.relief.items.map { .object([JSONMember("item", .string($0.item)), JSONMember("unit", .string($0.unit)), JSONMember("amount", .number($0.amount))]) })),
        ])
        return .object([
            JSONMember("incident", f.incident.json(base: base)),
            JSONMember("computed_at", .string(f.computedAt)), JSONMember("change", .number(Double(f.change))), JSONMember("map", .string(f.mapKey)),
            JSONMember("seconds", num(f.seconds, 1000)), JSONMember("recomputed", .array(f.recomputed.map(JSONValue.string))),
            JSONMember("estimate", .bool(f.incident.area.isEstimate)), JSONMember("limits", .array(f.incident.area.limits.map(JSONValue.string))),
            JSONMember("zones", .array(zones)), JSONMember("reach", reach), JSONMember("evacuation", .object(evacuation)),
            JSONMember("relief", relief),
            JSONMember("notify", contacts(f.contacts)),
            JSONMember("checks", .array(checks(f, config: config).map { c in
                .object([JSONMember("figure", .string(c.figure)), JSONMember("value", .string(c.value)), JSONMember("standard", .string(c.standard)),
                         JSONMember("source", .string(c.source)), JSONMember("passes", c.passes.map(JSONValue.bool) ?? .null)])
            })),
        ])
    }

    /// The notification list as JSON (what `/incidents/{id}/notify` answers).
    public static func contacts(_ list: [IncidentAnalysis.Contact]) -> JSONValue {
        .array(list.map { c in
            .object([JSONMember("group", .string(c.group)), JSONMember("name", .string(c.name)), JSONMember("reference", .string(c.reference)),
                     JSONMember("contact", c.contact.map(JSONValue.string) ?? .null), JSONMember("reason", .string(c.reason))])
        })
    }

    // MARK: HTML

    static let zoneColours = ["#D32F2F", "#F57C00", "#FBC02D", "#7B1FA2", "#1976D2"]

    /// The briefing as a ``PlanReport`` (the page is its ``PlanReport/html(renderer:generated:)``).
    public static func report(_ f: IncidentFigures, config: IncidentConfig) -> PlanReport {
        let i = f.incident
        var report = PlanReport(kind: "incident", title: "Incident briefing 事件简报 — \(i.title)", parameters: [
            ("Incident 事件", "\(i.id) · \(config.kinds[i.kind]?.label ?? i.kind)"),
            ("Status 状态", i.status.rawValue), ("Started 发生时间", i.startedAt),
            ("Source hazard 源危险源", i.hazardID ?? "—"),
            ("Affected area 影响范围", "\(i.area.method): " + readable(i.area.inputs)),
            ("Computed 计算时间", "\(f.computedAt), change \(f.change) of the change log, map \(f.mapKey)"),
        ])
        report.label = "OneMap commander's briefing"
        report.seconds = f.seconds
        report.checks = checks(f, config: config)
        if i.area.isEstimate {
            report.tables.append(PlanReport.Table(title: "An estimate, and its limits 估算及其局限", note: "The zones come from a model; read them with these limits.",
                                                  header: ["Limit"], rows: i.area.limits.map { [$0] }, flagged: Set(i.area.limits.indices)))
        }
        if let latest = i.reports.last {
            report.tables.append(PlanReport.Table(title: "Latest report 最新报告 (\(latest.kind.chinese))", header: ["Field", "Value"], rows: reportRows(latest)))
        }
        report.tables.append(PlanReport.Table(title: "Report chain 报告链 (初报 → 续报 → 核报 → 终报)", header: ["#", "Type", "Time", "Author", "Dead", "Injured", "Missing", "Trapped", "Affected", "Trend"],
                                              rows: i.reports.map { r in
            let c = r.casualties
            return [String(r.sequence), "\(r.kind.rawValue) \(r.kind.chinese)", r.reportedAt, "\(r.author) (\(r.role))", n(c.dead), n(c.injured), n(c.missing), n(c.trapped), n(r.affectedPeople), r.trend ?? "—"]
        }))
        report.tables.append(PlanReport.Table(title: "Zones 分区 (each zone's figures include the zones inside it)",
                                              header: ["Zone", "Method", "Area km²", "Residents", "Grids", "Key targets inside", "within margin", "Hazards inside", "Shelters inside"],
                                              rows: f.zones.map { z in
            [z.name, z.method, Figures.number(z.areaM2 / 1e6, 2), Figures.count(z.residents.total), String(z.residents.grids.count), String(z.targetsInside.count),
             String(z.targetsNear.count), String(z.hazards.count), String(z.shelters.count)]
        }))
        if let outer = f.zones.last {
            report.tables.append(PlanReport.Table(title: "Residents by grid 分网格人口 (\(outer.name))", note: "From the resident samples inside the zone; share = the grid's residents inside.",
                                                  header: ["Grid", "Name", "Subdistrict", "Inside", "Of", "Share", "Grid worker", "Contact"],
                                                  rows: outer.residents.grids.map { g in
                [g.code, g.name, g.subdistrict, Figures.count(g.residentsInside), Figures.count(Double(g.residents)), Figures.percent(g.share), g.gridWorker ?? "—", g.contact ?? "—"]
            }))
            report.tables.append(PlanReport.Table(title: "Key protected targets 重点防护目标", note: "Inside the \(outer.name) zone, and within \(Figures.metres(config.keyTargets.marginM)) of it.",
                                                  header: ["Id", "Name", "Kind", "Capacity", "Distance", "Contact"],
                                                  rows: (outer.targetsInside + outer.targetsNear).map { t in
                [t.id, t.name, t.kind, t.capacity.map(Figures.count) ?? "—", t.distance == 0 ? "inside" : Figures.metres(t.distance), t.contact ?? "—"]
            }, flagged: Set(outer.targetsInside.indices)))
            report.tables.append(PlanReport.Table(title: "Hazards inside (secondary risks) 区内危险源", header: ["Id", "Name", "Kind", "Level", "Status"],
                                                  rows: outer.hazards.map { [$0.id, $0.name, $0.kind, $0.level.map(String.init) ?? "—", $0.status] },
                                                  flagged: Set(outer.hazards.indices.filter { (outer.hazards[$0].level ?? 9) <= 2 })))
            report.tables.append(PlanReport.Table(title: "Shelters inside the zone — not to be used 区内避难场所(停用)", header: ["Id", "Name", "Capacity", "Status"],
                                                  rows: outer.shelters.map { [$0.id, $0.name, $0.capacity.map { Figures.count(Double($0)) } ?? "—", $0.status] }))
        }
        let resourceHeader = ["Id", "Name", "Kind", "Specialism", "Headcount", "Minutes", "Metres", "Meets target"]
        for (title, list) in [("Fire stations 消防站", f.reach.fireStations), ("Rescue teams 救援队伍", f.reach.teams), ("Hospitals 医院", f.reach.hospitals), ("Depots 物资储备库", f.reach.depots)] {
            report.tables.append(PlanReport.Table(title: "What can reach it: \(title)", note: f.reach.problem, header: resourceHeader, rows: list.map { r in
                [r.record.id, r.name, r.kind, r.specialism ?? "—", r.headcount.map { String($0) } ?? "—", Figures.number(r.minutes, 1), Figures.metres(r.metres),
                 r.meetsTarget.map { $0 ? "yes" : "no" } ?? "—"]
            }, flagged: Set(list.indices.filter { list[$0].meetsTarget == false })))
        }
        report.tables.append(PlanReport.Table(title: "Nearest open shelters outside, with room 区外最近可用避难场所", note: f.evacuation.problem,
                                              header: ["Shelter", "Name", "Room", "Minutes", "Metres"], rows: f.evacuation.nearestOpen.map { r in
            [r.shelter.id, IncidentAnalysis.text(r.shelter.value(Layer.shelters.columnIndex("name"))) ?? "—", Figures.count(Double(r.room)),
             Figures.number(r.route.seconds / 60, 1), Figures.metres(r.route.metres)]
        }))
        let plan = f.evacuation.plan
        report.tables.append(PlanReport.Table(title: "Evacuation plan 疏散方案", note: "Exact min-cost flow: residents inside the outer zone to open shelters outside it with room, on roads that leave the zone and never re-enter it.",
                                              header: ["Grid", "Shelter", "Persons", "Minutes", "Metres"], rows: plan.assignments.map { a in
            [a.origin, a.destination, Figures.count(Double(a.persons)), Figures.number(a.seconds / 60, 1), Figures.metres(f.evacuation.routes["\(a.origin)→\(a.destination)"]?.metres)]
        }))
        if !plan.unplaced.isEmpty {
            report.tables.append(PlanReport.Table(title: "Who cannot be placed 无法安置", header: ["Grid", "Persons"],
                                                  rows: plan.unplaced.keys.sorted().map { [$0, Figures.count(Double(plan.unplaced[$0] ?? 0))] }, flagged: Set(0..<plan.unplaced.count)))
        }
        report.tables.append(PlanReport.Table(title: "Relief need 救助需求", note: "\(Figures.count(f.relief.persons)) persons × \(Figures.number(f.relief.days, 0)) days. \(f.relief.source)",
                                              header: ["Item", "Unit", "Amount"], rows: f.relief.items.map { [$0.item, $0.unit, Figures.count($0.amount)] }))
        report.tables.append(PlanReport.Table(title: "Who to tell 通知名单", note: "Also as CSV: /incidents/\(i.id)/notify.csv", header: ["Group", "Name", "Reference", "Contact", "Reason"],
                                              rows: f.contacts.map { [$0.group, $0.name, $0.reference, $0.contact ?? "—", $0.reason] }))
        // The map: zones, the incident, targets, shelters, resources and routes over the base.
        // The map shows the affected area (and a margin): resources farther away are in the tables.
        var box = BoundingBox.empty
        for (n, zone) in i.area.zones.enumerated().reversed() {
            let colour = colour(i.area.method == "plume" ? zone.name : zoneColours[min(n, zoneColours.count - 1)])
            // A white halo under the zone's line: it must read over any of the four risk colours.
            report.overlays.append(MapOverlay(geometry: zone.geometry, fill: colour.map { with($0, alpha: 0.30) }, outline: Self.colour("#FFFFFF"), width: 6))
            report.overlays.append(MapOverlay(geometry: zone.geometry, outline: colour, width: 3))
            if let b = zone.geometry.boundingBox { box.extend(b) }
            report.legend.append(PlanReport.Key(colour: hex(colour), text: "zone: \(zone.name)"))
        }
        let zoneBox = box
        for route in f.evacuation.routes.values { report.overlays.append(MapOverlay(geometry: .lineString(route.path), outline: colour("#2E7D32"), width: 2)) }
        for r in f.reach.fireStations.prefix(3) + f.reach.teams.prefix(3) {
            if let route = r.route { report.overlays.append(MapOverlay(geometry: .lineString(route.path), outline: colour("#1565C0"), width: 2.5)) }
        }
        for (k, r) in (f.reach.fireStations + f.reach.teams + f.reach.hospitals + f.reach.depots).enumerated() where r.route != nil {
            if case .point(let c) = r.record.geometry {
                report.overlays.append(MapOverlay(geometry: .point(c), marker: colour("#1565C0"), label: String(k + 1)))
            }
        }
        if let outer = f.zones.last {
            for t in outer.targetsInside + outer.targetsNear {
                report.overlays.append(MapOverlay(geometry: t.geometry.pointGeometry, marker: colour("#6A1B9A"), label: "T"))
            }
        }
        for s in f.evacuation.nearestOpen { report.overlays.append(MapOverlay(geometry: s.shelter.geometry.pointGeometry, marker: colour("#2E7D32"), label: "S")) }
        if let c = try? GEOSContext().pointOnSurface(i.location) {
            report.overlays.append(MapOverlay(geometry: i.location, outline: colour("#000000"), width: 3))
            report.overlays.append(MapOverlay(geometry: .point(c), marker: colour("#000000"), label: "!"))
            box.extend(BoundingBox(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y))
        }
        report.legend += [PlanReport.Key(colour: "#000000", text: "incident"), PlanReport.Key(colour: "#1565C0", text: "resources and their routes"),
                          PlanReport.Key(colour: "#2E7D32", text: "open shelters and evacuation routes"), PlanReport.Key(colour: "#6A1B9A", text: "key targets")]
        if !zoneBox.isEmpty {
            // A margin of a third of the area's size (at least 500 m) around the zones.
            let span = Geodesic.wgs84.distance(Coordinate(zoneBox.minX, zoneBox.minY), Coordinate(zoneBox.maxX, zoneBox.maxY))
            box = zoneBox.widened(byMetres: max(500, span / 3))
        }
        report.mapBox = box.isEmpty ? nil : box.widened(byMetres: 300)
        return report
    }

    /// A method's inputs as `name = value` pairs (the limits are a table of their own).
    static func readable(_ inputs: JSONValue) -> String {
        guard let members = inputs.objectValue else { return JSONWriter.string(inputs) }
        return members.filter { $0.key != "limits" }.map { member in
            let value: String = switch member.value {
            case .string(let text): text
            case .number(let n): n.rounded() == n && abs(n) < 1e15 ? String(format: "%.0f", n) : String(n)
            case .array(let items): items.map { $0.stringValue ?? JSONWriter.string($0) }.joined(separator: ", ")
            default: JSONWriter.string(member.value)
            }
            return "\(member.key) = \(value)"
        }.joined(separator: "; ")
    }

    static func reportRows(_ r: IncidentReport) -> [[String]] {
        let c = r.casualties
        return [["Type", "\(r.kind.rawValue) \(r.kind.chinese) (#\(r.sequence))"], ["Time", r.reportedAt], ["Author", "\(r.author) (\(r.role))"],
                ["Dead / injured / missing / trapped", "\(n(c.dead)) / \(n(c.injured)) / \(n(c.missing)) / \(n(c.trapped))"],
                ["People affected", n(r.affectedPeople)], ["Measures taken", r.measures ?? "—"], ["Trend", r.trend ?? "—"], ["Text", r.text ?? "—"]]
    }

    static func n(_ value: Int?) -> String { value.map { Figures.count(Double($0)) } ?? "—" }

    static func colour(_ name: String) -> TileStyle.Colour? {
        let named = ["red": "#D32F2F", "orange": "#F57C00", "yellow": "#FBC02D"]
        return try? TileStyle.Colour(hex: named[name] ?? name)
    }

    static func with(_ colour: TileStyle.Colour, alpha: Double) -> TileStyle.Colour {
        var c = colour
        c.alpha = alpha
        return c
    }

    static func hex(_ colour: TileStyle.Colour?) -> String {
        colour?.hex ?? "#888888"
    }
}

extension Geometry {
    /// A point for a marker: the geometry itself when a point, else its representative point.
    var pointGeometry: Geometry {
        if case .point = self { return self }
        return (try? GEOSContext().pointOnSurface(self)).map { .point($0) } ?? self
    }
}
