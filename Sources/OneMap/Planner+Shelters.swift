import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapPlanning
import OneMapStorage

extension Planner {
    /// Shelter coverage per grid and subdistrict, for every need in the standards.
    public func coverage() throws -> PlanReport {
        try requireGrids()
        stage("coverage: placing residents and measuring \(walking.description) to shelters")
        let started = Self.now()
        let coverage = try ShelterCoverage(snapshot: snapshot, measure: walking, standards: standards, within: area)
        var report = PlanReport(kind: "coverage", title: "Shelter coverage 应急避难场所覆盖分析", parameters: coverageParameters(coverage))
        try addCoverage(coverage, to: &report)
        finish(&report, started)
        return report
    }

    /// Coverage, then `k` new shelter sites for `need` chosen from `given` candidates (or
    /// the lattice of open land) to bring the most uncovered residents within its radius.
    public func shelters(add k: Int, need name: String = "emergency", candidates given: [CandidateSite]? = nil) throws -> PlanReport {
        try requireGrids()
        let n = try needIndex(name)
        let need = standards.needs[n]
        let started = Self.now()
        stage("coverage: placing residents and measuring \(walking.description) to shelters")
        let coverage = try ShelterCoverage(snapshot: snapshot, measure: walking, standards: standards, within: area)
        stage("siting: screening candidate sites (roads, hazard safety distances)")
        let screened = try candidates(given, spacing: standards.candidateSpacing, maxCount: standards.maxCandidates, roads: walk, avoidHazards: true)
        stage("siting: what each of \(screened.sites.count) candidates reaches within \(Int(need.radius)) m, then choosing \(k)")
        let siting = try ShelterSiting.plan(coverage, need: n, candidates: screened.sites, k: k, standards: standards)
        var report = PlanReport(kind: "shelters", title: "Shelter siting 应急避难场所选址", parameters: coverageParameters(coverage))
        report.parameters += [
            ("New sites asked for", "\(k) \(need.name) shelters"),
            ("Candidates", given == nil ? "lattice of open land every \(Figures.number(screened.spacing ?? 0, 0)) m inside the district boundary\(area == nil ? "" : " and the area"), each point moved onto its nearest road" : "\(given!.count) given"),
            ("Candidates kept", "\(screened.sites.count)" + (screened.excluded.isEmpty ? "" : " (left out: " + screened.excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: "; ") + ")")),
            ("New site capacity", "the candidate's, else \(Figures.count(standards.newShelterCapacity)) persons; never more than its area ÷ \(Figures.number(need.areaPerPerson, 1)) m²"),
        ]
        try addCoverage(coverage, to: &report, highlight: n)
        let after = siting.uncoveredBefore - siting.solution.covered
        let total = Double(coverage.samples.totalResidents)
        report.checks.insert(PlanReport.Check(
            figure: "Residents within \(Int(need.radius)) m after the \(siting.sites.count) new sites",
            value: Figures.percent(total > 0 ? (total - after) / total : 1), standard: "100%",
            source: standards.source("shelter_needs"), passes: after < 0.5), at: min(report.checks.count, 1))
        report.tables.insert(PlanReport.Table(
            title: "New \(need.name) shelter sites 新增避难场所建议选址",
            note: "Chosen to serve the most residents now beyond \(Int(need.radius)) m (\(coverage.measure.description)), each within its capacity. "
                + (siting.solution.exact ? "Proven optimal (branch and bound, or a Lagrangian bound equal to the answer)." :
                    "Greedy with local search: no choice of \(k) serves more than \(Figures.count(siting.solution.upperBound)), so this answer is within \(Figures.percent(siting.solution.gap)) of the best."),
            header: ["#", "Site", "Longitude", "Latitude", "Capacity", "Residents newly served", "Grids served"],
            rows: siting.sites.enumerated().map { i, s in
                [String(i + 1), s.candidate.name ?? s.candidate.id, String(format: "%.6f", s.candidate.point.x), String(format: "%.6f", s.candidate.point.y),
                 Figures.count(s.capacity), Figures.count(s.residents), s.grids.joined(separator: ", ")]
            }), at: 0)
        report.tables.insert(PlanReport.Table(
            title: "Siting summary 选址汇总", header: ["Figure", "Value"],
            rows: [["Residents beyond \(Int(need.radius)) m before", Figures.count(siting.uncoveredBefore)],
                   ["Of those, within reach of some candidate", Figures.count(siting.reachable)],
                   ["Newly served by the chosen sites", Figures.count(siting.solution.covered)],
                   ["Residents still beyond \(Int(need.radius)) m", Figures.count(after)],
                   ["Best possible with \(k) sites (upper bound)", Figures.count(siting.solution.upperBound)],
                   ["Optimality gap", siting.solution.exact ? "0 (exact)" : Figures.percent(siting.solution.gap)],
                   ["Candidates · demand points · evaluations", "\(siting.candidates) · \(siting.demandPoints) · \(siting.solution.evaluations)"]]), at: 1)
        for (i, site) in siting.sites.enumerated() {
            report.overlays.append(MapOverlay(geometry: .point(site.candidate.point), marker: PlanColours.newSite, label: String(i + 1)))
            report.features.append(Feature(id: "new-\(i + 1)", geometry: .point(site.candidate.point), properties: [
                JSONMember("feature_type", .string("new_shelter_site")), JSONMember("rank", .number(Double(i + 1))),
                JSONMember("candidate", .string(site.candidate.id)), JSONMember("need", .string(need.name)),
                JSONMember("capacity", .number(site.capacity)), JSONMember("residents_served", Figures.rounded(site.residents)),
                JSONMember("grids", .array(site.grids.map { .string($0) })),
            ]))
        }
        report.legend.append(PlanReport.Key(colour: "#1565C0", text: "numbered: proposed new \(need.name) shelters 建议新增"))
        report.summary.append(JSONMember("siting", .object([
            JSONMember("need", .string(need.name)), JSONMember("k", .number(Double(k))),
            JSONMember("candidates", .number(Double(siting.candidates))), JSONMember("uncovered_before", Figures.rounded(siting.uncoveredBefore)),
            JSONMember("residents_served", Figures.rounded(siting.solution.covered)), JSONMember("upper_bound", Figures.rounded(siting.solution.upperBound)),
            JSONMember("gap", Figures.rounded(siting.solution.gap, 10_000)), JSONMember("exact", .bool(siting.solution.exact)),
        ])))
        finish(&report, started)
        return report
    }

    func coverageParameters(_ coverage: ShelterCoverage) -> [(String, String)] {
        [("Distances", coverage.measure.description + (coverage.measure.onRoads ? " (walking profile; the walk to the nearest road counts)" : " (the data has no walkable roads)")),
         ("Grids · residents", "\(coverage.samples.grids.count) · \(Figures.count(Double(coverage.samples.totalResidents)))"),
         ("Residents placed", "over each grid's sample points in proportion to the road junctions within \(Int(standards.settlementRoadDistance)) m" + (coverage.measure.onRoads ? "" : " (no roads: evenly)") + ", \(coverage.samples.samples.count) sample points (\(Figures.number(standards.sampleSpacing, 0)) m lattice, at most \(standards.maxSamplesPerGrid) per grid)"),
         ("Needs", coverage.needs.map { "\($0.need.name): \(Int($0.need.radius)) m, ≥ \(Figures.number($0.need.areaPerPerson, 1)) m²/person, served by \($0.need.servedBy.sorted().joined(separator: "/")) (\($0.shelters.count) in service)" }.joined(separator: "; "))]
    }

    /// Coverage checks, tables, features and map for the report; `highlight` is the need
    /// whose uncovered areas are drawn (the first by default).
    func addCoverage(_ coverage: ShelterCoverage, to report: inout PlanReport, highlight: Int = 0) throws {
        let names = try subdistrictNames()
        let groups = coverage.groups
        let district = groups.last!
        for (n, need) in coverage.needs.enumerated() {
            let g = district.needs[n]
            let r = Int(need.need.radius)
            report.checks += [
                PlanReport.Check(figure: "Residents within \(r) m of \(Self.article(need.need.name)) \(need.need.name) shelter", value: Figures.percent(g.coveredShare),
                                 standard: "100%", source: standards.source("shelter_needs"),
                                 passes: g.residentsUncovered < 0.5),
                PlanReport.Check(figure: "Grids whose centre has no \(need.need.name) shelter within \(r) m", value: "\(g.gridsBeyondRadius)",
                                 standard: "0", source: standards.source("shelter_needs"), passes: g.gridsBeyondRadius == 0),
                PlanReport.Check(figure: "Effective \(need.need.name) shelter area per resident", value: Figures.number(g.areaPerResident) + " m²",
                                 standard: "≥ \(Figures.number(need.need.areaPerPerson, 1)) m²", source: standards.source("shelter_needs"),
                                 passes: g.meetsArea),
            ]
        }
        let inService = Set(coverage.needs.flatMap { $0.shelters.map(\.id) }).count
        if let target = standards.sheltersInServiceTarget {
            report.checks.append(PlanReport.Check(figure: "Shelters in service", value: "\(inService)", standard: "≥ \(target.atLeast)",
                                                  source: target.source, passes: inService >= target.atLeast))
        } else {
            report.checks.append(PlanReport.Check(figure: "Shelters in service", value: "\(inService)", standard: "—",
                                                  source: "no local target (local_targets in config/planning.json)", passes: nil))
        }
        let cramped = try sheltersBelowEarthquakeArea()
        report.checks.append(PlanReport.Check(
            figure: "Shelters in service with less than \(Figures.number(standards.earthquakeAreaPerPerson, 1)) m² per person at capacity",
            value: cramped.known == 0 ? "no shelter states its effective area" : "\(cramped.below.count) of \(cramped.known)" + (cramped.below.isEmpty ? "" : " (\(cramped.below.prefix(5).joined(separator: ", "))\(cramped.below.count > 5 ? ", …" : ""))"),
            standard: "0", source: standards.source("earthquake_area_per_person_m2"), passes: cramped.known == 0 ? nil : cramped.below.isEmpty))
        let first = coverage.needs[0]
        let lacking = coverage.samples.grids.indices.filter { !coverage.grid($0)[0].meetsRadius }
        report.tables.append(PlanReport.Table(
            title: "Grids without \(Self.article(first.need.name)) \(first.need.name) shelter within \(Int(first.need.radius)) m 缺少\(Int(first.need.radius))米内\(first.need.name == "emergency" ? "紧急" : "")避难场所的网格",
            note: "Measured from each grid's representative point, by \(coverage.measure.description).",
            header: ["Grid", "Name", "Subdistrict", "Residents", "Nearest shelter", "Distance", "Residents within \(Int(first.need.radius)) m"],
            rows: lacking.map { g in
                let grid = coverage.samples.grids[g], row = coverage.grid(g)[0]
                return [grid.code, grid.name, names[grid.subdistrict] ?? grid.subdistrict, Figures.count(Double(grid.residents)),
                        row.nearestShelter.map { "\($0.name) (\($0.id))" } ?? "none reachable", Figures.metres(row.cost),
                        Figures.percent(grid.residents > 0 ? row.residentsCovered / Double(grid.residents) : 1)]
            }, flagged: Set(lacking.indices)))
        let needHeaders = coverage.needs.flatMap { ["\($0.need.name) within \(Int($0.need.radius)) m", "uncovered", "m²/resident"] }
        report.tables.append(PlanReport.Table(
            title: "Coverage by subdistrict 街道汇总", header: ["Subdistrict", "Grids", "Residents"] + needHeaders,
            rows: groups.map { group in
                [group.name.isEmpty ? "All 合计" : names[group.name] ?? group.name, "\(group.grids.count)", Figures.count(Double(group.residents))]
                    + group.needs.flatMap { [Figures.percent($0.coveredShare), Figures.count($0.residentsUncovered), Figures.number($0.areaPerResident)] }
            }, flagged: Set(groups.indices.filter { groups[$0].needs.contains { $0.residentsUncovered >= 0.5 || !$0.meetsArea } })))
        var gridRows: [[String]] = [], flagged: Set<Int> = []
        for g in coverage.samples.grids.indices {
            let grid = coverage.samples.grids[g], rows = coverage.grid(g)
            if rows.contains(where: { !$0.meetsRadius || !$0.meetsArea }) { flagged.insert(g) }
            gridRows.append([grid.code, grid.name, Figures.count(Double(grid.residents))] + rows.flatMap { r in
                [r.nearestShelter?.id ?? "—", Figures.metres(r.cost),
                 Figures.percent(grid.residents > 0 ? r.residentsCovered / Double(grid.residents) : 1), Figures.number(r.areaPerResident)]
            })
        }
        report.tables.append(PlanReport.Table(
            title: "Coverage by grid 网格明细", note: "Distance from the grid's representative point; share of its residents within the radius; shelter area per resident.",
            header: ["Grid", "Name", "Residents"] + coverage.needs.flatMap { ["\($0.need.name): nearest", "distance", "within \(Int($0.need.radius)) m", "m²/resident"] },
            rows: gridRows, flagged: flagged))
        var shelterRows: [[String]] = []
        let all = Dictionary(coverage.needs.flatMap { $0.shelters.map { ($0.id, $0) } }, uniquingKeysWith: { a, _ in a })
        for id in all.keys.sorted() {
            let s = all[id]!
            shelterRows.append([s.id, s.name, s.kind, Figures.count(s.area), Figures.count(s.capacity)] + coverage.needs.flatMap { n in
                guard let i = n.shelters.firstIndex(where: { $0.id == id }) else { return ["—", "—"] }
                return [Figures.count(n.load[i]), Figures.number(n.areaPerPerson[i])]
            })
        }
        report.tables.append(PlanReport.Table(
            title: "Shelters 避难场所", note: "Residents each shelter takes: those within the radius for whom it is the nearest.",
            header: ["Shelter", "Name", "Kind", "Effective area m²", "Capacity"] + coverage.needs.flatMap { ["\($0.need.name): residents", "m²/person"] },
            rows: shelterRows))
        // Features: the grids with their figures, then the uncovered areas.
        for g in coverage.samples.grids.indices {
            let grid = coverage.samples.grids[g], rows = coverage.grid(g)
            var properties = [JSONMember("feature_type", .string("grid")), JSONMember("code", .string(grid.code)),
                              JSONMember("name", .string(grid.name)), JSONMember("subdistrict", .string(grid.subdistrict)),
                              JSONMember("residents", .number(Double(grid.residents)))]
            for (n, r) in rows.enumerated() {
                let p = coverage.needs[n].need.name
                properties += [JSONMember("\(p)_nearest_shelter", r.nearestShelter.map { .string($0.id) } ?? .null),
                               JSONMember("\(p)_distance_m", r.cost.map { Figures.rounded($0) } ?? .null),
                               JSONMember("\(p)_within_radius", .bool(r.meetsRadius)),
                               JSONMember("\(p)_residents_covered", Figures.rounded(r.residentsCovered)),
                               JSONMember("\(p)_area_per_resident_m2", Figures.rounded(r.areaPerResident, 100)),
                               JSONMember("\(p)_meets_area", .bool(r.meetsArea))]
            }
            report.features.append(Feature(id: grid.record.id, geometry: grid.record.geometry, properties: properties))
        }
        for (n, need) in coverage.needs.enumerated() {
            for area in try coverage.uncoveredAreas(need: n) {
                let grid = coverage.samples.grids[area.grid]
                report.features.append(Feature(id: "uncovered-\(need.need.name)-\(grid.code)", geometry: area.geometry, properties: [
                    JSONMember("feature_type", .string("uncovered_area")), JSONMember("need", .string(need.need.name)),
                    JSONMember("radius_m", .number(need.need.radius)), JSONMember("grid", .string(grid.code)),
                    JSONMember("residents", Figures.rounded(area.residents)),
                ]))
                if n == highlight {
                    report.overlays.append(MapOverlay(geometry: area.geometry, fill: PlanColours.uncovered, outline: PlanColours.uncoveredOutline, width: 1))
                }
            }
        }
        let h = coverage.needs[highlight].need
        report.legend.append(PlanReport.Key(colour: "#8E24AA66", text: "residents beyond \(Int(h.radius)) m of \(Self.article(h.name)) \(h.name) shelter 未覆盖区域"))
        report.legend.append(PlanReport.Key(colour: "#FFFFFF", text: "grid colours: the four-colour risk map; green symbols: shelters"))
        report.mapBox = gridExtent
        report.summary += [
            JSONMember("measure", .string(coverage.measure.description)),
            JSONMember("residents", .number(Double(coverage.samples.totalResidents))),
            JSONMember("needs", .array(coverage.needs.enumerated().map { n, need in
                let g = district.needs[n]
                return .object([JSONMember("need", .string(need.need.name)), JSONMember("radius_m", .number(need.need.radius)),
                                JSONMember("area_per_person_m2", .number(need.need.areaPerPerson)),
                                JSONMember("shelters", .number(Double(need.shelters.count))),
                                JSONMember("residents_covered", Figures.rounded(g.residentsCovered)),
                                JSONMember("residents_uncovered", Figures.rounded(g.residentsUncovered)),
                                JSONMember("covered_share", Figures.rounded(g.coveredShare, 10_000)),
                                JSONMember("grids_beyond_radius", .number(Double(g.gridsBeyondRadius))),
                                JSONMember("area_per_resident_m2", Figures.rounded(g.areaPerResident, 100)),
                                JSONMember("meets_area", .bool(g.meetsArea))])
            })),
            JSONMember("subdistricts", .array(groups.dropLast().map { group in
                .object([JSONMember("subdistrict", .string(group.name)), JSONMember("name", .string(names[group.name] ?? group.name)),
                         JSONMember("grids", .number(Double(group.grids.count))), JSONMember("residents", .number(Double(group.residents)))]
                        + group.needs.enumerated().flatMap { n, g in
                            let p = coverage.needs[n].need.name
                            return [JSONMember("\(p)_residents_uncovered", Figures.rounded(g.residentsUncovered)),
                                    JSONMember("\(p)_covered_share", Figures.rounded(g.coveredShare, 10_000)),
                                    JSONMember("\(p)_area_per_resident_m2", Figures.rounded(g.areaPerResident, 100))]
                        })
            })),
        ]
    }

    static func article(_ word: String) -> String { "aeiou".contains(word.first ?? "x") ? "an" : "a" }

    /// The shelters in service that state their effective area and capacity, and those
    /// of them with less area per person at capacity than the earthquake standard asks.
    func sheltersBelowEarthquakeArea() throws -> (known: Int, below: [String]) {
        guard snapshot.loadedLayers.contains(.shelters) else { return (0, []) }
        let status = Layer.shelters.columnIndex("status"), area = Layer.shelters.columnIndex("effective_area_m2")
        let capacity = Layer.shelters.columnIndex("capacity")
        var known = 0, below: [String] = []
        for shelter in try snapshot.allFeatures(.shelters) where IndexSnapshot.isInService(shelter.value(status)) {
            guard let m2 = shelter.value(area).number, let persons = shelter.value(capacity).count, persons > 0 else { continue }
            known += 1
            if m2 / Double(persons) < standards.earthquakeAreaPerPerson { below.append(shelter.id) }
        }
        return (known, below.sorted())
    }

    /// Subdistrict names by code, from `admin_units` (grids may name their subdistrict by code).
    func subdistrictNames() throws -> [String: String] {
        guard snapshot.loadedLayers.contains(.adminUnits) else { return [:] }
        let code = Layer.adminUnits.columnIndex("code")
        let name = Layer.adminUnits.columnIndex("name")
        var names: [String: String] = [:]
        for unit in try snapshot.allFeatures(.adminUnits) {
            if case .text(let c) = unit.value(code), case .text(let n) = unit.value(name) { names[c] = n }
        }
        return names
    }
}
