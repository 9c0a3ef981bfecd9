import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Shelter coverage on constructed data, against values worked out by hand.
///
/// Grid A is a 400 m square at the origin with 1,600 residents; at a 100 m spacing it has
/// 16 samples of 100 residents at 50, 150, 250 and 350 m east and north. Grid B is the same
/// square 2 km east with 400 residents (16 samples of 25). Shelter S1 (emergency, 1,200 m²)
/// stands at A's south-west corner; S2 (fixed, 4,200 m²) 1.2 km east.
@Suite struct CoverageTests {
    static let frame = LocalFrame(centre: Coordinate(109.78, 39.60))
    static func at(_ x: Double, _ y: Double) -> Coordinate { frame.toDegrees(Coordinate(x, y)) }

    static func record(_ layer: Layer, _ id: String, _ geometry: Geometry, _ named: [String: FieldValue]) -> LayerRecord {
        LayerRecord(id: id, geometry: geometry, values: layer.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    static func square(x: Double, y: Double, size: Double) -> Geometry {
        .multiPolygon([[[at(x, y), at(x + size, y), at(x + size, y + size), at(x, y + size), at(x, y)]]])
    }

    static func grid(_ id: String, x: Double, residents: Int, subdistrict: String) -> LayerRecord {
        record(.grids, id, square(x: x, y: 0, size: 400),
               ["code": .text(id), "population": .integer(Int64(residents)), "subdistrict": .text(subdistrict)])
    }

    static func shelter(_ id: String, _ c: Coordinate, kind: String, area: Double) -> LayerRecord {
        record(.shelters, id, .point(c), ["shelter_kind": .text(kind), "effective_area_m2": .real(area), "capacity": .integer(5000),
                                          "status": .text("open")])
    }

    static var snapshot: IndexSnapshot {
        SpatialIndex(records: [
            .grids: [grid("A", x: 0, residents: 1600, subdistrict: "X"), grid("B", x: 2000, residents: 400, subdistrict: "Y")],
            .shelters: [shelter("S1", at(0, 0), kind: "emergency", area: 1200), shelter("S2", at(1200, 200), kind: "fixed", area: 4200),
                        record(.shelters, "S-closed", .point(at(2200, 200)), ["shelter_kind": .text("emergency"), "status": .text("closed")])],
        ]).snapshot
    }

    /// Emergency radius 300 m (configuration), so that grid A is split.
    static var standards: PlanningStandards {
        var s = PlanningStandards.standard
        s.needs[0].radius = 300
        return s
    }

    @Test func straightLineCoverageMatchesHandValues() throws {
        let coverage = try ShelterCoverage(snapshot: Self.snapshot, measure: .walking(nil), standards: Self.standards)
        #expect(coverage.samples.samples.count == 32)
        let a = coverage.grid(0), b = coverage.grid(1)
        // Within 300 m of the corner: (50,50) (150,50) (250,50) (50,150) (150,150) (250,150)
        // (50,250) (150,250): 8 of 16 samples, 800 residents. S1 takes them: 1.5 m² each,
        // 0.75 m² per resident of A, below the 1 m² standard.
        #expect(abs(a[0].residentsCovered - 800) < 1e-9)
        #expect(abs(a[0].areaPerResident - 0.75) < 1e-9)
        #expect(!a[0].meetsArea)
        #expect(b[0].residentsCovered == 0 && !b[0].meetsRadius)
        // The closed shelter is not counted; B's nearest serving shelter is the fixed one (~0.85 km).
        #expect(b[0].nearestShelter?.id == "S2")
        // Fixed need: 3 km, S2 takes all 2,000: 2.1 m² each.
        #expect(abs(a[1].residentsCovered - 1600) < 1e-9 && abs(b[1].residentsCovered - 400) < 1e-9)
        #expect(abs(a[1].areaPerResident - 2.1) < 1e-9 && a[1].meetsArea)
        // Groups: X, Y, then the district.
        let groups = coverage.groups
        #expect(groups.map(\.name) == ["X", "Y", ""])
        let district = groups[2].needs[0]
        #expect(abs(district.residentsCovered - 800) < 1e-9 && abs(district.residentsUncovered - 1200) < 1e-9)
        #expect(abs(district.areaPerResident - 0.6) < 1e-9 && district.gridsBeyondRadius == 1)
        // Uncovered: half of A (eight 100 m squares, 80,000 m²) and all of B.
        let areas = try coverage.uncoveredAreas(need: 0)
        #expect(areas.map(\.grid) == [0, 1])
        #expect(abs(areas[0].residents - 800) < 1e-9 && abs(areas[1].residents - 400) < 1e-9)
        let local = areas[0].geometry.mapCoordinates(Self.frame.toMetres)
        #expect(abs(try GEOSContext().area(local) - 80_000) < 400)
        #expect(areas[1].geometry == Self.grid("B", x: 2000, residents: 400, subdistrict: "Y").geometry)
    }

    @Test func walkingOnRoadsIsLongerThanTheStraightLine() throws {
        // One road along A's south edge; S1 stands 20 m south of it. A sample at (x, y)
        // walks y to the road, x along it and 20 m to the door: x + y + 20 ≤ 310 holds for
        // (50,50), (150,50) and (50,150) only.
        let road = Self.record(.roads, "r1", .lineString([Self.at(-100, 0), Self.at(2500, 0)]), ["road_class": .text("residential")])
        var records: [Layer: [LayerRecord]] = [:]
        records[.grids] = try Self.snapshot.allFeatures(.grids)
        records[.shelters] = [Self.shelter("S1", Self.at(0, -20), kind: "emergency", area: 1200)]
        let snapshot = SpatialIndex(records: records).snapshot
        var standards = Self.standards
        standards.needs[0].radius = 310
        // Both road ends count for every sample: residents spread evenly.
        standards.settlementRoadDistance = 100_000
        let graph = RoadGraph(roads: [road], profile: .walk)
        let walking = try ShelterCoverage(snapshot: snapshot, measure: .walking(graph), standards: standards)
        #expect(abs(walking.grid(0)[0].residentsCovered - 300) < 1e-9)
        let cost = try #require(walking.needs[0].sampleCost.first)  // sample (50, 50)
        #expect(abs(cost - 120) < 1)
        let straight = try ShelterCoverage(snapshot: snapshot, measure: .walking(nil), standards: standards)
        #expect(abs(straight.grid(0)[0].residentsCovered - 800) < 1e-9)
    }

    @Test func residentsFollowRoadJunctions() throws {
        // A road from (50, 50) north to (50, 1000): junctions (graph nodes) at its ends. Within
        // 120 m of (50, 50) lie the samples (50,50), (150,50) and (50,150); the far end is
        // beyond every sample. So those three hold a third of A's 1,600 each, the rest none.
        let road = Self.record(.roads, "r", .lineString([Self.at(50, 50), Self.at(50, 1000)]), ["road_class": .text("residential")])
        let graph = RoadGraph(roads: [road], profile: .walk)
        let samples = try ResidentSamples(grids: [Self.grid("A", x: 0, residents: 1600, subdistrict: "X")], spacing: 100, maxPerGrid: 400,
                                          roads: graph, settledWithin: 120)
        let held = samples.samples.filter { $0.residents > 0 }
        #expect(held.count == 3)
        #expect(held.allSatisfy { abs($0.residents - 1600.0 / 3) < 1e-9 })
        let local = held.map { Self.frame.toMetres($0.coordinate) }
        #expect(local.map { Int($0.x.rounded()) } == [50, 150, 50] && local.map { Int($0.y.rounded()) } == [50, 50, 150])
        // With no junction near any sample (a road along A's west edge, ends at 0 and 1 km
        // north; every sample is 70 m or more from them), the grid spreads evenly.
        let edge = Self.record(.roads, "e", .lineString([Self.at(0, 0), Self.at(0, 1000)]), ["road_class": .text("residential")])
        let far = try ResidentSamples(grids: [Self.grid("A", x: 0, residents: 1600, subdistrict: "X")], spacing: 100, maxPerGrid: 400,
                                      roads: RoadGraph(roads: [edge], profile: .walk), settledWithin: 60)
        #expect(far.samples.allSatisfy { $0.residents == 100 })
    }

    @Test func planningFileChangesTheStandardsAndNamesItsMistakes() throws {
        let dir = try TemporaryDirectory()
        let good = dir.path("planning.json")
        try #"{"shelter_needs": {"emergency": {"radius_m": 400, "area_per_person_m2": 1.5}}, "fire_minutes": 4, "depot_hours": [12, 6]}"#
            .write(toFile: good, atomically: true, encoding: .utf8)
        let s = try PlanningStandards.load(path: good)
        #expect(s.need("emergency")?.radius == 400 && s.need("emergency")?.areaPerPerson == 1.5)
        #expect(s.need("emergency")?.servedBy == ["emergency", "fixed", "central"])
        #expect(s.fireMinutes == 4 && s.depotHours == [6, 12])
        let bad = dir.path("bad.json")
        try #"{"shelter_needs": {"emergency": {"radius": 400}}}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: PlanningStandardsError.self) { try PlanningStandards.load(path: bad) }
        do { _ = try PlanningStandards.load(path: bad) } catch { #expect(error.description.contains("shelter_needs.emergency has an unknown member 'radius'")) }
        try #"{"fire_minutes": -1}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        do { _ = try PlanningStandards.load(path: bad) } catch { #expect(error.description.contains("fire_minutes must be a number")) }
    }
}

/// The planner's report: its map is drawn by the tile renderer with the findings on top,
/// and its tables carry the figures.
@Suite struct ReportTests {
    @Test func theReportMapShowsUncoveredAreasAndTheTablesNameTheGrids() throws {
        let planner = Planner(snapshot: CoverageTests.snapshot, standards: CoverageTests.standards, walk: nil, drive: nil)
        let report = try planner.shelters(add: 1, candidates: [CandidateSite(id: "cB", point: CoverageTests.at(2200, 200))])
        let style = try TileStyle.load(path: Repository.path("config/style.json"))
        let renderer = TileRenderer(style: style, snapshot: CoverageTests.snapshot, risk: nil)
        let html = try report.html(renderer: renderer)
        // The grids lacking an emergency shelter within 300 m: A's centre is 283 m from S1, B's is not.
        let lacking = try #require(report.tables.first { $0.title.hasPrefix("Grids without") })
        #expect(lacking.rows.map { $0[0] } == ["B"])
        let sites = try #require(report.tables.first { $0.title.hasPrefix("New emergency") })
        #expect(sites.rows.count == 1 && sites.rows[0][1] == "cB" && sites.rows[0][5] == "400")
        // The map: a PNG whose pixels include the uncovered fill over the report background.
        let marker = "data:image/png;base64,"
        let start = try #require(html.range(of: marker)).upperBound
        let end = try #require(html[start...].firstIndex(of: "\""))
        let image = try RasterImage(png: try #require(Data(base64Encoded: String(html[start..<end]))))
        // Drawn at 2× and shown at half its pixels.
        #expect(image.width <= 2000 && image.height <= 1520 && image.width > 400)
        #expect(html.contains("<img class=\"map\" width=\"\(image.width / 2)\""))
        var purple = 0, blue = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x, y)
                if abs(Int(p.r) - 203) <= 3 && abs(Int(p.g) - 160) <= 3 && abs(Int(p.b) - 211) <= 3 { purple += 1 }
                if p.r == 0x15 && p.g == 0x65 && p.b == 0xC0 { blue += 1 }
            }
        }
        #expect(purple > 400, "uncovered areas drawn")
        #expect(blue > 80, "the new site's marker drawn")
        #expect(html.contains("falls short 未达标") && html.contains("GB 50413-2007"))
    }

    @Test func plannedSitesOfTheDataAreCandidates() throws {
        // A planned shelter near grid B: it is a candidate (and not yet a shelter in service).
        var records: [Layer: [LayerRecord]] = [:]
        records[.grids] = try CoverageTests.snapshot.allFeatures(.grids)
        records[.shelters] = try CoverageTests.snapshot.allFeatures(.shelters) + [
            CoverageTests.record(.shelters, "S-planned", .point(CoverageTests.at(2200, 200)),
                                 ["name": .text("规划中的避难场所"), "shelter_kind": .text("emergency"), "capacity": .integer(900), "status": .text("planned")]),
        ]
        let snapshot = SpatialIndex(records: records).snapshot
        let planner = Planner(snapshot: snapshot, standards: CoverageTests.standards, walk: nil, drive: nil)
        let planned = try planner.plannedSites(for: .shelters)
        #expect(planned.map(\.id) == ["S-planned"] && planned[0].capacity == 900 && planned[0].name == "规划中的避难场所")
        #expect(try planner.plannedSites(for: .depots).isEmpty)
        let report = try planner.shelters(add: 1, candidates: planned)
        let sites = try #require(report.tables.first { $0.title.hasPrefix("New emergency") })
        // Within 300 m of (2200, 200): all of B's 400 residents, within the 900 it holds.
        #expect(sites.rows.map { $0[1] } == ["规划中的避难场所"] && sites.rows[0][5] == "400")
        let coverage = try ShelterCoverage(snapshot: snapshot, measure: .walking(nil), standards: CoverageTests.standards)
        #expect(!coverage.needs[0].shelters.contains { $0.id == "S-planned" })
    }

    @Test func anAreaLimitsTheGridsAndTheSites() throws {
        // A box around grid A only: B's residents leave the figures, S2 (outside the box
        // but near) still serves, and lattice sites fall inside the box.
        var planner = Planner(snapshot: CoverageTests.snapshot, standards: CoverageTests.standards, walk: nil, drive: nil)
        let a = CoverageTests.at(-50, -50), b = CoverageTests.at(600, 600)
        let box = BoundingBox(minX: a.x, minY: a.y, maxX: b.x, maxY: b.y)
        planner.area = box
        let coverage = try planner.coverage()
        let grids = coverage.features.filter { $0[property: "feature_type"] == .string("grid") }
        #expect(grids.map(\.id) == ["A"])
        #expect(coverage.summary.first { $0.key == "residents" }?.value == .number(1600))
        #expect(coverage.parameters.contains { $0.0 == "Area" })
        let siting = try planner.shelters(add: 1)
        let sites = siting.features.filter { $0[property: "feature_type"] == .string("new_shelter_site") }
        #expect(sites.count == 1)
        for site in sites { if case .point(let c) = site.geometry { #expect(box.contains(c)) } else { Issue.record("not a point") } }
        // A box with no grid is a clear error.
        let far = CoverageTests.at(9000, 9000)
        planner.area = BoundingBox(minX: far.x, minY: far.y, maxX: far.x + 0.001, maxY: far.y + 0.001)
        #expect(throws: Planner.PlanError.noGrids) { try planner.coverage() }
    }

    /// A grid half inside a zone contributes half its samples' residents (it counted all
    /// or none by its centre): grid A (16 samples of 100) cut at 200 m east holds 800 on
    /// either side; a zone over 3 of its 4 columns holds 1,200; B, outside, holds none.
    @Test func aGridHalfInsideAZoneContributesHalfItsResidents() throws {
        let samples = try ResidentSamples(grids: try CoverageTests.snapshot.allFeatures(.grids), spacing: 100, maxPerGrid: 400)
        func zone(_ x0: Double, _ x1: Double) -> Geometry {
            .polygon([[CoverageTests.at(x0, -100), CoverageTests.at(x1, -100), CoverageTests.at(x1, 500), CoverageTests.at(x0, 500), CoverageTests.at(x0, -100)]])
        }
        let west = try samples.inside(zone(-100, 200))
        #expect(west.grids.map { samples.grids[$0.grid].code } == ["A"] && abs(west.residents - 800) < 1e-6, "\(west.residents)")
        #expect(abs(try samples.inside(zone(-100, 300)).residents - 1200) < 1e-6)
        #expect(abs(try samples.inside(zone(200, 2500)).residents - (800 + 400)) < 1e-6)
        let json = try Population.json(inside: zone(-100, 200), samples: samples)
        guard case .object(let members) = json, case .array(let grids)? = members.first(where: { $0.key == "grids" })?.value,
              case .object(let a)? = grids.first else { Issue.record("\(json)"); return }
        #expect(a.first { $0.key == "share_inside" }?.value == .number(0.5) && a.first { $0.key == "residents_inside" }?.value == .number(800))
        // Evacuation plans count the same people: half of A leaves, from inside the zone.
        // Two roads meeting at 400 m east: the first, through the zone, is driven out of it.
        let roads = [[CoverageTests.at(-500, 250), CoverageTests.at(400, 250)], [CoverageTests.at(400, 250), CoverageTests.at(3000, 250)]].enumerated().map {
            CoverageTests.record(.roads, "r\($0.offset)", .lineString($0.element), ["road_class": .text("residential")])
        }
        let (plan, origins, _) = try Evacuation.plan(zone: zone(-100, 200), graph: RoadGraph(roads: roads, profile: .drive),
                                                     snapshot: CoverageTests.snapshot, samples: samples)
        #expect(origins.map(\.id) == ["A"] && origins.first?.persons == 800)
        #expect(plan.assignments.reduce(0) { $0 + $1.persons } == 800, "\(plan.assignments)")
        #expect(try GEOSContext().prepare(zone(-100, 200)).intersects(.point(origins[0].point)))
    }

    /// Every standard and target a report checks against is cited from the planning file:
    /// the shipped one cites the national standards and no local plan; a user's file cites
    /// their own plan and adds its targets.
    @Test func reportsCiteThePlanningFilesSources() throws {
        let shipped = try PlanningStandards.load(path: Repository.path("config/planning.json"))
        let report = try Planner(snapshot: CoverageTests.snapshot, standards: shipped, walk: nil, drive: nil).coverage()
        let cited = report.checks.map(\.source).joined(separator: " | ")
        for plan in ["Dushanzi", "Kangbashi", "Chifeng", "Ulanqab"] { #expect(!cited.contains(plan), "\(plan) cited: \(cited)") }
        #expect(cited.contains("GB 50413-2007") && cited.contains("GB 21734-2008"), "\(cited)")
        #expect(report.checks.first { $0.figure == "Shelters in service" }?.passes == nil)

        let dir = try TemporaryDirectory()
        let own = dir.path("planning.json")
        try #"""
        {"sources": {"shelter_needs": "Our county plan §4.2: every resident within 500 m"},
         "local_targets": [{"check": "shelters_in_service", "at_least": 50, "source": "Our county plan §4.3: 50 shelters"},
                           {"check": "depot_hours", "hours": 6, "source": "Our county plan §7: depots within 6 h"}]}
        """#.write(toFile: own, atomically: true, encoding: .utf8)
        let mine = try PlanningStandards.load(path: own)
        #expect(mine.depotHours == [6, 12] && mine.depotSource(hours: 6) == "Our county plan §7: depots within 6 h")
        #expect(mine.depotSource(hours: 12) == PlanningStandards.nationalSources["depot_hours"])
        let ours = try Planner(snapshot: CoverageTests.snapshot, standards: mine, walk: nil, drive: nil).coverage()
        let radius = try #require(ours.checks.first { $0.figure.hasPrefix("Residents within 500 m") })
        #expect(radius.source == "Our county plan §4.2: every resident within 500 m")
        let count = try #require(ours.checks.first { $0.figure == "Shelters in service" })
        #expect(count.standard == "≥ 50" && count.source == "Our county plan §4.3: 50 shelters" && count.passes == false)
        // Mistakes name the member.
        for (text, words) in [(#"{"sources": {"fire": "x"}}"#, "sources has an unknown member 'fire'"),
                              (#"{"local_targets": [{"check": "parks", "source": "x"}]}"#, "local_targets[0].check must be"),
                              (#"{"local_targets": [{"check": "depot_hours", "hours": 6}]}"#, "local_targets[0].source must name")] {
            let bad = dir.path("bad.json")
            try text.write(toFile: bad, atomically: true, encoding: .utf8)
            do { _ = try PlanningStandards.load(path: bad); Issue.record("\(text) was accepted") } catch { #expect(error.description.contains(words), "\(error)") }
        }
    }

    @Test func theShippedPlanningFileHoldsTheDefaults() throws {
        #expect(try PlanningStandards.load(path: Repository.path("config/planning.json")) == .standard)
    }

    /// A plan measures travel as a route does: a place beyond the access limit (1,000 m
    /// from any road by default) is not reached, on foot or by car; before, plans reached
    /// it from any distance. Within the limit, the walk counts and the drive starts at
    /// the road (the fire standard's measure).
    @Test func placesBeyondTheAccessLimitAreNotReachedByPlans() throws {
        let a = Coordinate(24.90, 60.17)
        let b = Geodesic.wgs84.destination(from: a, bearing: 90, distance: 1000)
        let road = LayerRecord(id: "r", geometry: .lineString([a, b]),
                               values: Layer.roads.columns.map { $0.name == "road_class" ? .text("residential") : .null }, extra: [])
        let middle = Geodesic.wgs84.destination(from: a, bearing: 90, distance: 500)
        let near = Geodesic.wgs84.destination(from: middle, bearing: 0, distance: 300)
        let far = Geodesic.wgs84.destination(from: middle, bearing: 0, distance: 1500)
        for (profile, metric) in [(RoadProfile.drive, RouteMetric.time), (.walk, .distance)] {
            let graph = RoadGraph(roads: [road], profile: profile)
            let measure = metric == .time ? TravelMeasure.driving(graph) : TravelMeasure.walking(graph)
            let found = try measure.nearest(of: [try measure.place(a)], to: try measure.places([near, far]))
            let reached = try #require(found[0])
            let want = metric == .time ? 500 / (30 / 3.6) : 500 + 300
            #expect(abs(reached.cost - want) < 1, "\(profile.name): \(reached.cost)")
            #expect(found[1] == nil, "\(profile.name): a place 1,500 m from the road is reached: \(String(describing: found[1]))")
            let within = measure.reach(from: try measure.place(a), limit: 3600, targets: TargetBuckets(try measure.places([near, far]), cell: 500))
            #expect(within.map(\.target) == [0], "\(profile.name): \(within)")
        }
    }
}
