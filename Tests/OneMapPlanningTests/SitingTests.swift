import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Siting: the covering solver against brute-force enumeration and hand values, and the
/// shelter, depot and fire-station plans on constructed districts.
@Suite struct SitingTests {
    /// A seeded generator, so a failure can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    static func randomProblem(_ rng: inout Seeded, candidates: Int, points: Int, capacitated: Bool) -> CoveringProblem {
        let demand = (0..<points).map { _ in Double(Int.random(in: 1...100, using: &rng)) }
        let covers = (0..<candidates).map { _ in
            (0..<points).filter { _ in Int.random(in: 0..<100, using: &rng) < 12 }.map { Int32($0) }
        }
        let capacity = (0..<candidates).map { _ in capacitated ? Double(Int.random(in: 50...400, using: &rng)) : .infinity }
        return CoveringProblem(demand: demand, covers: covers, capacity: capacity)
    }

    /// The best of every k-subset.
    static func bruteForce(_ p: CoveringProblem, k: Int) -> Double {
        var best = 0.0
        func walk(_ chosen: [Int], _ from: Int) {
            if chosen.count == k { best = max(best, MaximalCovering.value(p, chosen)); return }
            guard from < p.candidateCount else { return }
            for j in from..<p.candidateCount { walk(chosen + [j], j + 1) }
        }
        walk([], 0)
        return best
    }

    @Test func servedDemandIsAMaxFlowOverCapacities() {
        // a = 10 residents (covered by sites 0 and 1), b = 5 (site 0 only); site 0 holds 8,
        // site 1 holds 4: site 0 takes b and 3 of a, site 1 takes 4 of a: 12.
        let p = CoveringProblem(demand: [10, 5], covers: [[0, 1], [0]], capacity: [8, 4])
        let result = MaximalCovering.serve(p, [0, 1])
        #expect(abs(result.total - 12) < 1e-9)
        #expect(abs(result.served[0] - 8) < 1e-9 && abs(result.served[1] - 4) < 1e-9)
        // Without capacities the value is the union's demand.
        let free = CoveringProblem(demand: [10, 5, 7], covers: [[0, 1], [1, 2]], capacity: [.infinity, .infinity])
        #expect(MaximalCovering.value(free, [0, 1]) == 22 && MaximalCovering.value(free, [1]) == 22 - 10)
    }

    @Test func exactSitingEqualsBruteForce() {
        var rng = Seeded(state: 7)
        for trial in 0..<12 {
            let p = Self.randomProblem(&rng, candidates: 12, points: 40, capacitated: trial % 2 == 0)
            for k in [1, 2, 3] {
                let exact = MaximalCovering.exact(p, k: k, budget: 10_000_000)
                #expect(exact != nil)
                let best = Self.bruteForce(p, k: k)
                #expect(abs((exact?.covered ?? -1) - best) < 1e-6, "trial \(trial), k \(k)")
                #expect(exact?.sites.count == k)
            }
        }
    }

    @Test func greedySitingIsWithinItsReportedGap() {
        var rng = Seeded(state: 11)
        var gaps: [Double] = []
        for trial in 0..<8 {
            let p = Self.randomProblem(&rng, candidates: 18, points: 120, capacitated: trial % 2 == 1)
            let k = 3
            let greedy = MaximalCovering.greedy(p, k: k)
            let best = Self.bruteForce(p, k: k)
            // The bound holds, and the answer is within the gap it reports.
            #expect(best <= greedy.upperBound + 1e-6, "trial \(trial)")
            #expect(greedy.covered >= best * (1 - greedy.gap) - 1e-6, "trial \(trial)")
            #expect(greedy.covered <= best + 1e-6)
            gaps.append(greedy.gap)
            // The Lagrangian bound alone is a bound too, however many steps it takes.
            for steps in [1, 5, 300] { #expect(MaximalCovering.lagrangianBound(p, k: k, best: greedy.covered, iterations: steps) >= best - 1e-6) }
            // solve() proves the optimum on instances this small.
            let solved = MaximalCovering.solve(p, k: k, budget: 1_000_000)
            #expect(solved.exact && abs(solved.covered - best) < 1e-6)
        }
        #expect(gaps.allSatisfy { $0 < 0.1 }, "\(gaps)")
    }

    @Test func candidateFilesAreReadInTheirCRSAndBadOnesNamed() throws {
        // A Gauss–Krüger file (EPSG:4547, CM 114° E): its false easting is the meridian.
        let projected = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}},"features":[{"type":"Feature","id":"gk","geometry":{"type":"Point","coordinates":[500000,4385000]},"properties":{"capacity":"800"}}]}"#
        let sites = try CandidateSites.read(geoJSON: Array(projected.utf8))
        #expect(sites.map(\.id) == ["gk"] && sites[0].capacity == 800)
        #expect(abs(sites[0].point.x - 114) < 1e-6 && abs(sites[0].point.y - 39.6) < 0.05)
        let refused: [(String, String)] = [
            (#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[500000,4385000]},"properties":{}}]}"#,
             "candidate #1: coordinate (500000.0, 4385000.0) is outside"),
            (#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"bow","geometry":{"type":"Polygon","coordinates":[[[109.9,39.6],[109.91,39.61],[109.91,39.6],[109.9,39.61],[109.9,39.6]]]},"properties":{}}]}"#,
             "candidate \"bow\": invalid geometry: Self-intersection"),
        ]
        for (text, message) in refused {
            #expect(throws: CandidateSites.ReadError.self) { try CandidateSites.read(geoJSON: Array(text.utf8)) }
            do { _ = try CandidateSites.read(geoJSON: Array(text.utf8)) } catch { #expect("\(error)".contains(message), "\(error)") }
        }
    }

    @Test func screeningKeepsAMajorSourcesOwnImpactDistance() throws {
        // A major hazard source whose impact distance (1,500 m) exceeds the 1,000 m rule: a
        // site 1,200 m away is too close, one 1,600 m away is not; closed hazards keep nobody.
        let hazard = CoverageTests.record(.hazards, "H", .point(Self.at(0, 0)), ["major_hazard_grade": .integer(1), "impact_distance_m": .real(1500)])
        let closed = CoverageTests.record(.hazards, "H-closed", .point(Self.at(5000, 0)), ["impact_distance_m": .real(3000), "status": .text("closed")])
        let snapshot = SpatialIndex(records: [.hazards: [hazard, closed]]).snapshot
        let sites = [CandidateSite(id: "near", point: Self.at(1200, 0)), CandidateSite(id: "far", point: Self.at(-1600, 0)),
                     CandidateSite(id: "by-closed", point: Self.at(5100, 0))]
        let screened = try CandidateSites.screen(sites, snapshot: snapshot, standards: .standard, roads: nil, avoidHazards: true)
        #expect(screened.sites.map(\.id) == ["far", "by-closed"])
        // Kept out by the source's own impact distance, not the 1,000 m rule.
        #expect(screened.excluded == ["within a hazard's safety distance": 1])
    }

    // MARK: - Plans on constructed districts

    static let frame = CoverageTests.frame
    static func at(_ x: Double, _ y: Double) -> Coordinate { CoverageTests.at(x, y) }

    /// A straight east–west road from -500 m to 12.5 km, 30 km/h for cars.
    static let road = CoverageTests.record(.roads, "r", .lineString([at(-500, 0), at(12_500, 0)]), ["road_class": .text("residential")])

    static func grid(_ id: String, x: Double, residents: Int) -> LayerRecord {
        CoverageTests.record(.grids, id, CoverageTests.square(x: x - 100, y: -100, size: 200),
                             ["code": .text(id), "population": .integer(Int64(residents))])
    }

    @Test func shelterSitingRespectsCapacity() throws {
        // Two uncovered clusters: P (1,000 residents) at 0 m and Q (600) at 5 km. The site
        // at P holds only 500, so with one new shelter Q's site serves more.
        let snapshot = SpatialIndex(records: [.grids: [Self.grid("P", x: 0, residents: 1000), Self.grid("Q", x: 5000, residents: 600)]]).snapshot
        let coverage = try ShelterCoverage(snapshot: snapshot, measure: .walking(nil), standards: .standard)
        #expect(abs(coverage.groups.last!.needs[0].residentsUncovered - 1600) < 1e-9)
        let candidates = [CandidateSite(id: "cP", point: Self.at(0, 0), capacity: 500), CandidateSite(id: "cQ", point: Self.at(5000, 0)),
                          CandidateSite(id: "far", point: Self.at(9000, 0))]
        let one = try ShelterSiting.plan(coverage, need: 0, candidates: candidates, k: 1, standards: .standard)
        #expect(one.sites.map(\.candidate.id) == ["cQ"])
        #expect(abs(one.solution.covered - 600) < 1e-9 && one.solution.exact)
        let two = try ShelterSiting.plan(coverage, need: 0, candidates: candidates, k: 2, standards: .standard)
        #expect(Set(two.sites.map(\.candidate.id)) == ["cP", "cQ"])
        #expect(abs(two.solution.covered - 1100) < 1e-9)
        #expect(two.sites.first { $0.candidate.id == "cP" }?.grids == ["P"])
    }

    @Test func depotsGoToTheWeightedMedianAndReportReach() throws {
        // 100 residents at 0 and at 1 km, 1,000 at 10 km; no depot yet. One depot belongs at
        // 10 km (p-median), which puts the 1,000 within 0.1 h (30 km/h: 10 km is 0.33 h).
        let snapshot = SpatialIndex(records: [.grids: [Self.grid("G0", x: 0, residents: 100), Self.grid("G1", x: 1000, residents: 100),
                                                         Self.grid("G10", x: 10_000, residents: 1000)], .roads: [Self.road]]).snapshot
        let graph = RoadGraph(roads: [Self.road], profile: .drive)
        var standards = PlanningStandards.standard
        standards.depotHours = [0.1, 0.5]
        let candidates = [0.0, 1000, 10_000].map { CandidateSite(id: "c\(Int($0))", point: Self.at($0, 50)) }
        let plan = try DepotSiting.plan(snapshot, graph: graph, candidates: candidates, k: 1, standards: standards)
        #expect(plan.exact)
        #expect(plan.depots.map(\.id) == ["c10000"])
        #expect(abs(plan.share(within: 0.1, after: true) - 1000.0 / 1200) < 1e-9)
        #expect(plan.share(within: 0.5, after: true) == 1)
        #expect(plan.share(within: 6, after: false) == 0)
        // G0 is 10 km away at 30 km/h.
        #expect(abs(plan.hoursAfter[0] - 10_000 / (30 / 3.6) / 3600) < 0.002)
        // Brute force over the three choices agrees.
        let totals = candidates.indices.map { j in
            try! DepotSiting.plan(snapshot, graph: graph, candidates: [candidates[j]], k: 1, standards: standards)
        }.map { p in zip(p.demands, p.hoursAfter).reduce(0) { $0 + $1.0.residents * $1.1 } }
        #expect(totals.firstIndex(of: totals.min()!) == 2)
    }

    @Test func fireGapsAreFoundAndClosedByACandidate() throws {
        // A station at 0; 5 minutes at 30 km/h is 2.5 km. The grid at 5 km is outside; a
        // candidate at 5 km closes it, one at 9 km does not.
        let station = CoverageTests.record(.facilities, "F1", .point(Self.at(0, 20)), ["kind": .text("fire_station"), "status": .text("open")])
        let snapshot = SpatialIndex(records: [.grids: [Self.grid("near", x: 1000, residents: 300), Self.grid("far", x: 5000, residents: 700)],
                                              .roads: [Self.road], .facilities: [station]]).snapshot
        let graph = RoadGraph(roads: [Self.road], profile: .drive)
        let candidates = [CandidateSite(id: "c9", point: Self.at(9000, 10)), CandidateSite(id: "c5", point: Self.at(5000, 10))]
        let gaps = try FireGaps.plan(snapshot, graph: graph, candidates: candidates, maxSites: 3, standards: .standard)
        #expect(gaps.stations == 1)
        #expect(abs(gaps.residentsOutside - 700) < 1e-6)
        #expect(gaps.sites.map(\.candidate.id) == ["c5"])
        #expect(abs(gaps.sites[0].residents - 700) < 1e-6 && gaps.sites[0].grids == ["far"])
        let areas = try gaps.uncoveredAreas()
        #expect(areas.count == 1 && areas[0].grid == 0)  // grids sort by id: "far" first
    }
}
