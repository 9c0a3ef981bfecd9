import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapPlanning
import OneMapStorage

extension Planner {
    /// `k` new storage depots by p-median on driving time weighted by residents.
    public func depots(k: Int, candidates given: [CandidateSite]? = nil, maxCandidates: Int = 120) throws -> PlanReport {
        try requireGrids()
        guard let drive else { throw PlanError.noDriveRoads("depot siting") }
        let started = Self.now()
        stage("depots: screening candidate sites")
        let screened = try candidates(given, spacing: standards.candidateSpacing, maxCount: maxCandidates, roads: drive, avoidHazards: true)
        stage("depots: driving times from \(screened.sites.count) candidates to every grid, then choosing \(k)")
        let plan = try DepotSiting.plan(snapshot, graph: drive, candidates: screened.sites, k: k, standards: standards, within: area)
        var report = PlanReport(kind: "depots", title: "Storage depot siting 应急物资储备库选址", parameters: [
            ("Travel", "driving time on roads (drive profile), from the depot to each grid's representative point"),
            ("Depots in service", "\(plan.depots.filter(\.existing).count) (kept)"),
            ("New depots asked for", "\(k)"),
            ("Candidates", given == nil ? "lattice of open land every \(Figures.number(screened.spacing ?? 0, 0)) m, each point moved onto its nearest road, \(screened.sites.count) kept" : "\(given!.count) given, \(screened.sites.count) kept"),
            ("Method", plan.exact ? "p-median, exact (every combination, \(plan.evaluations))" : "p-median, greedy addition + Teitz–Bart swaps (\(plan.evaluations) evaluations)"),
        ])
        for hours in plan.targets {
            let after = plan.share(within: hours, after: true)
            report.checks.append(PlanReport.Check(
                figure: "Residents within \(Figures.number(hours, hours.rounded() == hours ? 0 : 1)) h of a depot (before → after)",
                value: "\(Figures.percent(plan.share(within: hours, after: false))) → \(Figures.percent(after))", standard: "100%",
                source: standards.depotSource(hours: hours), passes: after >= 0.99995))
        }
        report.checks.append(PlanReport.Check(figure: "Mean driving time to the nearest depot (before → after)",
                                              value: "\(Figures.number(plan.meanHours(after: false) * 60, 1)) → \(Figures.number(plan.meanHours(after: true) * 60, 1)) min",
                                              standard: "as low as possible", source: "p-median objective", passes: nil))
        report.tables.append(PlanReport.Table(
            title: "Depots 储备库", note: "Residents: those for whom the depot is the nearest by driving time.",
            header: ["#", "Depot", "Name", "Status", "Longitude", "Latitude", "Residents served"],
            rows: plan.depots.enumerated().map { i, d in
                [String(i + 1), d.id, d.name, d.existing ? "in service" : "proposed 建议新增", String(format: "%.6f", d.point.x), String(format: "%.6f", d.point.y),
                 Figures.count(d.residents)]
            }))
        let order = plan.demands.indices.sorted { (plan.hoursAfter[$0], plan.demands[$0].grid) > (plan.hoursAfter[$1], plan.demands[$1].grid) }
        let limit = plan.targets.first ?? 6
        report.tables.append(PlanReport.Table(
            title: "Grids by driving time to the nearest depot 网格到最近储备库的时间", header: ["Grid", "Name", "Residents", "Before", "After"],
            rows: order.map { i in
                [plan.demands[i].grid, plan.demands[i].name, Figures.count(plan.demands[i].residents),
                 Self.minutes(plan.hoursBefore[i]), Self.minutes(plan.hoursAfter[i])]
            }, flagged: Set(order.indices.filter { plan.hoursAfter[order[$0]] > limit })))
        var number = 0
        for d in plan.depots {
            if !d.existing { number += 1 }
            report.overlays.append(MapOverlay(geometry: .point(d.point), marker: d.existing ? PlanColours.existingSite : PlanColours.newSite,
                                              label: d.existing ? nil : String(number)))
            report.features.append(Feature(id: d.id, geometry: .point(d.point), properties: [
                JSONMember("feature_type", .string(d.existing ? "depot" : "new_depot_site")), JSONMember("name", .string(d.name)),
                JSONMember("residents_served", Figures.rounded(d.residents)),
            ]))
        }
        for (i, demand) in plan.demands.enumerated() {
            report.features.append(Feature(id: "grid-\(demand.grid)", geometry: .point(demand.point), properties: [
                JSONMember("feature_type", .string("grid_point")), JSONMember("grid", .string(demand.grid)),
                JSONMember("residents", .number(demand.residents)), JSONMember("hours_before", Figures.rounded(plan.hoursBefore[i], 1000)),
                JSONMember("hours_after", Figures.rounded(plan.hoursAfter[i], 1000)),
            ]))
        }
        report.legend = [PlanReport.Key(colour: "#1565C0", text: "numbered: proposed depots"), PlanReport.Key(colour: "#6D4C41", text: "depots in service")]
        report.mapBox = gridExtent
        report.summary = [
            JSONMember("k", .number(Double(k))), JSONMember("exact", .bool(plan.exact)), JSONMember("candidates", .number(Double(plan.candidates))),
            JSONMember("mean_hours_before", Figures.rounded(plan.meanHours(after: false), 1000)),
            JSONMember("mean_hours_after", Figures.rounded(plan.meanHours(after: true), 1000)),
            JSONMember("share_within", .array(plan.targets.map { h in
                .object([JSONMember("hours", .number(h)), JSONMember("before", Figures.rounded(plan.share(within: h, after: false), 10_000)),
                         JSONMember("after", Figures.rounded(plan.share(within: h, after: true), 10_000))])
            })),
        ]
        finish(&report, started)
        return report
    }

    static func minutes(_ hours: Double) -> String { hours.isFinite ? String(format: "%.1f min", hours * 60) : "unreachable" }

    /// Areas beyond the fire-response time, and up to `maxSites` candidate stations that
    /// close the most of them.
    public func fire(maxSites: Int = 5, candidates given: [CandidateSite]? = nil) throws -> PlanReport {
        try requireGrids()
        guard let drive else { throw PlanError.noDriveRoads("fire-station gaps") }
        let started = Self.now()
        stage("fire: screening candidate sites")
        let screened = try candidates(given, spacing: max(standards.candidateSpacing, 500), maxCount: standards.maxCandidates / 2, roads: drive, avoidHazards: false)
        stage("fire: driving times from the stations and from \(screened.sites.count) candidates")
        let gaps = try FireGaps.plan(snapshot, graph: drive, settlement: walk, candidates: screened.sites, maxSites: maxSites, standards: standards, within: area)
        let limit = Figures.number(gaps.minutes, gaps.minutes.rounded() == gaps.minutes ? 0 : 1)
        var report = PlanReport(kind: "fire", title: "Fire-station gaps 消防站5分钟覆盖缺口", parameters: [
            ("Travel", "driving time on roads (drive profile) from every fire station in service (\(gaps.stations))"),
            ("Response limit", "\(limit) min to reach the area (\(standards.source("fire_minutes")))"),
            ("Residents placed", "over each grid's sample points in proportion to the road junctions within \(Int(standards.settlementRoadDistance)) m, \(gaps.samples.samples.count) sample points"),
            ("Candidates", given == nil ? "lattice every \(Figures.number(screened.spacing ?? 0, 0)) m, each moved onto its nearest road, \(screened.sites.count) kept" : "\(given!.count) given, \(screened.sites.count) kept"),
            ("Most new stations", "\(maxSites)"),
        ])
        let total = Double(gaps.samples.totalResidents)
        let outside = gaps.residentsOutside
        let closed = gaps.sites.reduce(0) { $0 + $1.residents }
        report.checks = [
            PlanReport.Check(figure: "Residents within \(limit) min of a fire station", value: Figures.percent(total > 0 ? (total - outside) / total : 1),
                             standard: "100%", source: standards.source("fire_minutes"), passes: outside < 0.5),
            PlanReport.Check(figure: "… with the \(gaps.sites.count) proposed stations", value: Figures.percent(total > 0 ? (total - outside + closed) / total : 1),
                             standard: "100%", source: standards.source("fire_minutes"), passes: outside - closed < 0.5),
        ]
        report.tables.append(PlanReport.Table(
            title: "Proposed fire-station sites 建议新增消防站", note: gaps.solution.sites.isEmpty ? nil : gaps.solution.exact
                ? "The fewest sites (up to \(maxSites)) that bring the most residents within \(limit) min; proven optimal for \(gaps.solution.sites.count) sites."
                : "Greedy with local search; no choice of \(gaps.solution.sites.count) sites brings more than \(Figures.count(gaps.solution.upperBound)) residents within the limit (gap \(Figures.percent(gaps.solution.gap))).",
            header: ["#", "Site", "Longitude", "Latitude", "Residents brought within \(limit) min", "Grids"],
            rows: gaps.sites.enumerated().map { i, s in
                [String(i + 1), s.candidate.name ?? s.candidate.id, String(format: "%.6f", s.candidate.point.x), String(format: "%.6f", s.candidate.point.y),
                 Figures.count(s.residents), s.grids.joined(separator: ", ")]
            }))
        var rows: [[String]] = [], flagged: Set<Int> = []
        for (g, grid) in gaps.samples.grids.enumerated() {
            let covered = gaps.residentsCovered(grid: g)
            let worst = grid.samples.filter { gaps.samples.samples[$0].residents > 0 }.map { gaps.sampleMinutes[$0] }.max() ?? .infinity
            if covered + 0.5 < Double(grid.residents) { flagged.insert(g) }
            rows.append([grid.code, grid.name, Figures.count(Double(grid.residents)), Self.minutes(worst / 60),
                         Figures.percent(grid.residents > 0 ? covered / Double(grid.residents) : 1)])
        }
        report.tables.append(PlanReport.Table(title: "Grids 网格", header: ["Grid", "Name", "Residents", "Farthest home", "Residents within \(limit) min"],
                                              rows: rows, flagged: flagged))
        for area in try gaps.uncoveredAreas() {
            let grid = gaps.samples.grids[area.grid]
            report.overlays.append(MapOverlay(geometry: area.geometry, fill: PlanColours.uncovered, outline: PlanColours.uncoveredOutline, width: 1))
            report.features.append(Feature(id: "beyond-\(grid.code)", geometry: area.geometry, properties: [
                JSONMember("feature_type", .string("beyond_fire_response")), JSONMember("grid", .string(grid.code)),
                JSONMember("minutes", .number(gaps.minutes)), JSONMember("residents", Figures.rounded(area.residents)),
            ]))
        }
        for (i, s) in gaps.sites.enumerated() {
            report.overlays.append(MapOverlay(geometry: .point(s.candidate.point), marker: PlanColours.newSite, label: String(i + 1)))
            report.features.append(Feature(id: "new-fire-\(i + 1)", geometry: .point(s.candidate.point), properties: [
                JSONMember("feature_type", .string("new_fire_station_site")), JSONMember("candidate", .string(s.candidate.id)),
                JSONMember("residents_closed", Figures.rounded(s.residents)), JSONMember("grids", .array(s.grids.map { .string($0) })),
            ]))
        }
        report.legend = [PlanReport.Key(colour: "#8E24AA66", text: "beyond \(limit) min of a fire station"),
                         PlanReport.Key(colour: "#1565C0", text: "numbered: proposed stations")]
        report.mapBox = gridExtent
        report.summary = [JSONMember("minutes", .number(gaps.minutes)), JSONMember("stations", .number(Double(gaps.stations))),
                          JSONMember("residents", .number(total)), JSONMember("residents_outside", Figures.rounded(outside)),
                          JSONMember("residents_closed_by_sites", Figures.rounded(closed))]
        finish(&report, started)
        return report
    }

    /// The safety-distance audit as a report.
    public func audit(safetyDistance: Double) throws -> PlanReport {
        let started = Self.now()
        let violations = try SafetyAudit(safetyDistance: safetyDistance).run(snapshot)
        var report = PlanReport(kind: "audit", title: "Safety-distance audit 安全距离核查", parameters: [
            ("Protected targets", "shelters, schools, hospitals, key targets"),
            ("Major hazard sources", "kept \(Figures.count(safetyDistance)) m away (hazards with a major_hazard_grade)"),
            ("Other open hazards", "kept their impact distance away"),
        ])
        report.checks = [PlanReport.Check(figure: "Protected targets too close to a hazard", value: "\(Set(violations.map(\.targetID)).count)",
                                          standard: "0", source: standards.source("major_hazard_distance_m"), passes: violations.isEmpty)]
        report.tables = [PlanReport.Table(title: "Violations 违规清单", header: ["Target", "Kind", "Hazard", "Distance", "Required", "Rule"],
                                          rows: violations.map { v in
                                              [v.targetID, v.targetKind, v.hazardID, Figures.metres(v.distance), Figures.metres(v.required),
                                               v.rule == "impact_distance" ? "impact distance" : "major hazard safety distance"]
                                          }, flagged: Set(violations.indices))]
        for v in violations {
            guard let record = snapshot.feature(v.targetLayer, id: v.targetID) else { continue }
            var feature = record.feature(in: v.targetLayer)
            feature.properties += [JSONMember("target_kind", .string(v.targetKind)), JSONMember("hazard", .string(v.hazardID)),
                                   JSONMember("distance_m", Figures.rounded(v.distance)), JSONMember("required_m", .number(v.required)),
                                   JSONMember("rule", .string(v.rule))]
            report.features.append(feature)
            report.overlays.append(MapOverlay(geometry: .point(Self.anchor(record.geometry)), marker: PlanColours.violation, label: "!"))
        }
        report.legend = [PlanReport.Key(colour: "#D50000", text: "protected target too close to a hazard")]
        report.mapBox = gridExtent
        report.summary = [JSONMember("safety_distance_m", .number(safetyDistance)), JSONMember("violations", .number(Double(violations.count)))]
        finish(&report, started)
        return report
    }

    static func anchor(_ g: Geometry) -> Coordinate {
        if case .point(let c) = g { return c }
        return (try? GEOSContext().pointOnSurface(g)) ?? g.boundingBox?.center ?? Coordinate(0, 0)
    }
}
