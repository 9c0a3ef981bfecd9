import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// An incident's figures on the demo district, each against an independent computation:
/// residents by resident samples inside a circle (geodesic), key targets by geodesic brute
/// force, the resources' ranking against one route per facility; and the rules of who may
/// create and report, and the live recompute when a hazard closes.
@Suite struct IncidentFiguresTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let path: String
        let desk: IncidentDesk
        let commander = Author(name: "王指挥", role: .commander)

        init() throws {
            directory = try TemporaryDirectory()
            path = directory.path("demo.gpkg")
            _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: path))
            desk = try IncidentDesk(path: path, incidentsPath: Repository.path("config/incidents.json"))
        }

        /// The README's leak: H-0000283, the kind's zones (isolation 500 m, evacuation 2,000 m).
        func leak() throws -> Incident {
            try desk.incidents.create(.init(kind: "hazardous_chemical_leak", hazardID: "H-0000283"), by: commander).incident
        }
    }

    @Test func residentsInsideTheCircleAreTheSamplesWithinTheRadius() throws {
        let f = try Fixture()
        let incident = try f.leak()
        let figures = try f.desk.analyst.figures(of: incident)
        guard case .point(let centre) = incident.location else { Issue.record("the hazard is a point"); return }
        let samples = try #require(try ResidentSamplesProbe.samples(f.path))
        for (zone, radius) in zip(figures.zones, [500.0, 2000.0]) {
            // The circle is a 72-gon: samples between its chords and the arc are either way.
            var sure = 0.0, edge = 0.0
            for s in samples.samples {
                let d = Geodesic.wgs84.distance(centre, s.coordinate)
                if d <= radius * cos(Double.pi / 72) - 0.01 { sure += s.residents } else if d <= radius + 0.01 { edge += s.residents }
            }
            #expect(zone.residents.total >= sure - 0.5 && zone.residents.total <= sure + edge + 0.5, "\(zone.name): \(zone.residents.total) against \(sure) + \(edge)")
            #expect(abs(zone.residents.grids.reduce(0) { $0 + $1.residentsInside } - zone.residents.total) < 1e-6)
            #expect(zone.residents.grids.allSatisfy { $0.contact?.hasPrefix("0477-6") == true && $0.gridWorker != nil })
        }
        #expect(Int(figures.zones[1].residents.total.rounded()) == 5539, "the README's figure")
    }

    @Test func keyTargetsAreThoseAGeodesicBruteForceFinds() throws {
        let f = try Fixture()
        let incident = try f.leak()
        let figures = try f.desk.analyst.figures(of: incident)
        guard case .point(let centre) = incident.location else { return }
        let outer = figures.zones[1]
        let margin = f.desk.analyst.config.keyTargets.marginM
        let listed = Dictionary(uniqueKeysWithValues: (outer.targetsInside + outer.targetsNear).map { ($0.id, $0) })
        let snapshot = f.desk.live.index.snapshot
        var checked = 0
        for (layer, kinds) in [(Layer.facilities, Set(f.desk.analyst.config.keyTargets.facilityKinds)), (.hazards, Set(f.desk.analyst.config.keyTargets.hazardKinds))] {
            let kind = layer.columnIndex("kind"), status = layer.columnIndex("status")
            for r in try snapshot.allFeatures(layer) {
                guard case .text(let k) = r.values[kind], kinds.contains(k), case .point(let c) = r.geometry else { continue }
                if layer == .hazards, r.values[status] == .text("closed") { continue }
                let d = Geodesic.wgs84.distance(centre, c)
                // The 72-gon lies up to r(1 − cos 2.5°) = 1.9 m inside the circle.
                if d < 2000 * cos(Double.pi / 72) - 0.01 {
                    #expect(listed[r.id]?.distance == 0, "\(r.id) at \(d) m is inside")
                    checked += 1
                } else if d > 2000 + margin + 0.01 {
                    #expect(listed[r.id] == nil, "\(r.id) at \(d) m is beyond the margin")
                } else if d > 2000 + 0.01, d < 2000 + margin - 2 {
                    let found = try #require(listed[r.id], "\(r.id) at \(d) m is within the margin")
                    #expect(abs(found.distance - (d - 2000)) < 2.5)
                    checked += 1
                }
            }
        }
        #expect(checked >= 3)
        #expect(outer.targetsInside.contains { $0.kind == "school" && $0.capacity != nil && $0.contact != nil })
    }

    @Test func resourcesRankAsOneRoutePerFacilityRanksThem() throws {
        let f = try Fixture()
        let incident = try f.leak()
        let figures = try f.desk.analyst.figures(of: incident)
        let graph = try #require(f.desk.drive)
        let point = try GEOSContext().pointOnSurface(incident.location)
        let kind = Layer.facilities.columnIndex("kind")
        for (name, listed) in [("fire_station", figures.reach.fireStations), ("hospital", figures.reach.hospitals), ("depot", figures.reach.depots)] {
            let stations = try f.desk.live.index.snapshot.allFeatures(.facilities).filter { $0.values[kind] == .text(name) }
            let timed = try stations.map { s -> (String, Double) in
                (s.id, try graph.route(from: try GEOSContext().pointOnSurface(s.geometry), to: point).seconds / 60)
            }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            #expect(listed.map { $0.record.id } == timed.prefix(listed.count).map(\.0), "\(name) ranking")
            for (resource, (_, minutes)) in zip(listed, timed) { #expect(abs(resource.minutes - minutes) < 0.05) }
        }
        #expect(figures.reach.fireStations.map { String(format: "%.1f", $0.minutes) } == ["8.7", "10.5", "16.4"], "the README's figures")
        #expect(figures.reach.fireStations.first?.meetsTarget == false, "8.7 min is over the 5-minute standard")
        // A leak calls a hazmat team first.
        #expect(figures.reach.teams.first?.specialism == "hazmat")
        #expect(figures.reach.teamShare == Double(figures.reach.teamsWithinTarget) / Double(figures.reach.teamsInService))
    }

    @Test func theEvacuationPlacesTheOuterZonesResidentsOutsideItAndReliefFollows() throws {
        let f = try Fixture()
        let figures = try f.desk.analyst.figures(of: try f.leak())
        let plan = figures.evacuation.plan
        let persons = figures.evacuation.origins.reduce(0) { $0 + $1.persons }
        #expect(plan.assignments.reduce(0) { $0 + $1.persons } + plan.unplaced.values.reduce(0, +) == persons)
        let outer = try #require(figures.incident.area.outer?.geometry)
        let prepared = try GEOSContext().prepare(outer)
        for d in figures.evacuation.destinations { #expect(try !prepared.intersects(d.record.geometry), "shelter \(d.record.id) lies outside the zone") }
        for s in figures.evacuation.nearestOpen { #expect(try !prepared.intersects(s.shelter.geometry)) }
        #expect(figures.zones[1].shelters.allSatisfy { s in try! prepared.intersects(f.desk.live.index.snapshot.feature(.shelters, id: s.id)!.geometry) })
        let water = try #require(figures.relief.items.first { $0.item == "drinking water" })
        #expect(water.amount == (figures.relief.persons * 3 * 3).rounded(.up))
        // Whom to tell: every grid worker of the outer zone's grids, with the contact.
        let workers = figures.contacts.filter { $0.group == "grid_worker" }
        #expect(Set(workers.map(\.reference)) == Set(figures.zones[1].residents.grids.map(\.code)))
        let csv = IncidentAnalysis.csv(figures.contacts)
        #expect(csv.hasPrefix("\u{FEFF}group,name,reference,contact,reason\r\n"))
        #expect(csv.components(separatedBy: "\r\n").count == figures.contacts.count + 2)
    }

    @Test func aGridWorkerCannotCreateAnIncidentACommanderCanAndTheChainKeepsItsOrder() throws {
        let f = try Fixture()
        let worker = Author(name: "李网格", role: .gridWorker, grid: "150603001001001")
        #expect(throws: IncidentError.forbidden("李网格 is a grid worker and may not create an incident; commanders, planners and admins may")) {
            try f.desk.incidents.create(.init(kind: "fire", hazardID: "H-0000283"), by: worker)
        }
        let incident = try f.leak()
        #expect(throws: IncidentError.self) { try f.desk.incidents.report(incident.id, .init(kind: .initial), by: worker) }
        #expect(throws: IncidentError.lifecycle("report_type: the first report of an incident is the initial report (初报), not follow_up (续报)")) {
            try f.desk.incidents.report(incident.id, .init(kind: .followUp), by: f.commander)
        }
        _ = try f.desk.incidents.report(incident.id, .init(kind: .initial, casualties: Casualties(injured: 3), trend: "spreading"), by: f.commander)
        _ = try f.desk.incidents.report(incident.id, .init(kind: .followUp, casualties: Casualties(injured: 5)), by: Author(name: "规划科", role: .planner))
        #expect(throws: IncidentError.self) { try f.desk.incidents.report(incident.id, .init(kind: .final), by: f.commander) }
        _ = try f.desk.incidents.update(incident.id, .init(status: .responding), by: f.commander)
        #expect(throws: IncidentError.self) { try f.desk.incidents.update(incident.id, .init(status: .reported), by: f.commander) }
        _ = try f.desk.incidents.report(incident.id, .init(kind: .verified, casualties: Casualties(dead: 0, injured: 5, missing: 0, trapped: 0)), by: f.commander)
        let closed = try f.desk.incidents.report(incident.id, .init(kind: .final, affectedPeople: 5539), by: f.commander).incident
        #expect(closed.status == .closed)
        #expect(closed.reports.map(\.kind) == [.initial, .followUp, .verified, .final])
        #expect(closed.reports.map(\.author) == ["王指挥", "规划科", "王指挥", "王指挥"])
        #expect(throws: IncidentError.self) { try f.desk.incidents.report(incident.id, .init(kind: .followUp), by: f.commander) }
        // On record: reopened from the file, the chain and every change are there.
        let stored = try #require(try Incidents.stored(in: GeoPackage(path: f.path, mode: .readOnly)).first)
        #expect(stored == closed)
        let history = try f.desk.incidents.history(incident.id)
        #expect(history.count == 1 + 1 + 4 * 2, "create, status, four reports (each a report row and an incident row)")
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.number < $1.number })
    }

    @Test func aHazardClosedWhileTheIncidentIsOpenLeavesItsFigures() throws {
        let f = try Fixture()
        let incident = try f.leak()
        let before = try f.desk.analyst.figures(of: incident)
        let hazard = try #require(before.zones[1].hazards.first)
        let reports = try FieldReports(store: f.desk.store, live: f.desk.live)
        let planner = Author(name: "规划科", role: .planner)
        _ = try reports.update(.hazards, id: hazard.id, patch: .init(properties: [JSONMember("status", .string("closed"))]), by: planner)
        let after = try f.desk.analyst.figures(of: incident)
        #expect(!after.zones[1].hazards.contains { $0.id == hazard.id })
        #expect(after.zones[1].hazards.count == before.zones[1].hazards.count - 1)
        #expect(Set(after.recomputed) == ["targets", "hazards"], "only what reads hazards is computed again")
        #expect(after.change > before.change)
        // Unchanged map: nothing is computed again.
        #expect(try f.desk.analyst.figures(of: incident).recomputed.isEmpty)
    }

    @Test func aGridWhosePopulationChangesChangesTheResidentsInside() throws {
        let f = try Fixture()
        let incident = try f.leak()
        let before = try f.desk.analyst.figures(of: incident)
        let share = try #require(before.zones[1].residents.grids.first)
        var grid = try #require(try f.desk.live.index.snapshot.allFeatures(.grids).first { $0.values[Layer.grids.columnIndex("code")] == .text(share.code) })
        grid.values[Layer.grids.columnIndex("population")] = .integer(Int64(share.residents * 2))
        try f.desk.live.apply(.update(grid), to: .grids)
        let after = try f.desk.analyst.figures(of: incident)
        #expect(after.recomputed.contains("residents") && after.recomputed.contains("evacuation"))
        let now = try #require(after.zones[1].residents.grids.first { $0.code == share.code })
        #expect(now.residents == share.residents * 2)
        #expect(abs(now.residentsInside - 2 * share.residentsInside) < 1, "the grid's samples carry twice the residents")
        #expect(abs(after.zones[1].residents.total - (before.zones[1].residents.total + share.residentsInside)) < 1)
    }

    @Test func thePlumeZonesAreStoredWithTheirInputsAndLimits() throws {
        let f = try Fixture()
        let plume = PlumeRequest(windFromDegrees: 270, windSpeedMS: 2, stability: .F)
        let incident = try f.desk.incidents.create(.init(kind: "hazardous_chemical_leak", hazardID: "H-0000283", area: .plume(plume)), by: f.commander).incident
        #expect(incident.area.zones.map(\.name) == ["red", "orange", "yellow"])
        #expect(incident.area.isEstimate)
        #expect(incident.area.limits.contains { $0.hasPrefix("Shifting wind") })
        #expect(incident.area.inputs["stability"] == .string("F"))
        let figures = try f.desk.analyst.figures(of: incident)
        let json = IncidentBriefing.json(figures, config: f.desk.analyst.config)
        #expect(json["estimate"] == .bool(true))
        #expect((json["limits"]?.arrayValue?.count ?? 0) >= 3)
        // GDAL reads the zones table as a layer of three features.
        let info = try runProcess("/usr/bin/ogrinfo", ["-ro", "-so", f.path, "incident_zones"])
        #expect(info.stdout.contains("Feature Count: 3"), "\(info.stdout)\(info.stderr)")
    }
}

/// The planner's resident samples of a GeoPackage, built as the analyst builds them.
enum ResidentSamplesProbe {
    static func samples(_ path: String) throws -> ResidentSamples? {
        let snapshot = try SpatialIndex.load(from: GeoPackage(path: path, mode: .readOnly)).snapshot
        let standards = try Planner.standards(path: Repository.path("config/planning.json"))
        let walk = RoadGraph(roads: try snapshot.allFeatures(.roads), profile: RoadProfile.walk.with(access: standards.roadAccess))
        return try Population.samples(snapshot, standards: standards, walk: walk)
    }
}
