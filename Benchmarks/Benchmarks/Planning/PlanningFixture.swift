import Foundation
import OneMap

/// The planner over the demo district (data/generated/kangbashi-bench.gpkg: 42 grids,
/// 120,000 residents, 8 shelters, 3,045 roads) and the generated city
/// (data/generated/chifeng.gpkg: 744 grids, 20,000 shelters, 545,935 roads), each loaded
/// once with the layers and road graphs planning uses. The demo's shelter-siting problem is
/// written to data/generated/mclp-demo.json for the ILP peer (tools/bench_planning_peer.py).
final class PlanningFixture: Sendable {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let demo = PlanningFixture(path: "data/generated/kangbashi-bench.gpkg", name: "demo", maxCandidates: 3000)
    /// Over 90,000 km² the default 3,000-point lattice is 5 km apart: the city plans with 8,000.
    static let city = PlanningFixture(path: "data/generated/chifeng.gpkg", name: "city", maxCandidates: 8000)

    let planner: Planner
    let coverage: ShelterCoverage
    /// The lattice candidates, screened.
    let candidates: [CandidateSite]
    let siting: ShelterSiting

    private init(path: String, name: String, maxCandidates: Int) {
        let full = Self.repository.appendingPathComponent(path).path
        guard FileManager.default.fileExists(atPath: full) else { fatalError("\(full) is missing; tools/bench-planning.sh makes it") }
        let started = Date()
        let store = try! GeoPackage(path: full, mode: .readOnly)
        let snapshot = try! SpatialIndex.load(from: store, layers: [.adminUnits, .grids, .shelters, .facilities, .roads, .hazards]).snapshot
        var standards = PlanningStandards.standard
        standards.maxCandidates = maxCandidates
        planner = try! Planner(snapshot: snapshot, standards: standards)
        coverage = try! ShelterCoverage(snapshot: snapshot, measure: .walking(planner.walk), standards: standards)
        candidates = try! CandidateSites.lattice(snapshot, spacing: 250, maxCount: maxCandidates, standards: standards, roads: planner.walk,
                                                 avoidHazards: true).sites
        siting = try! ShelterSiting.plan(coverage, need: 0, candidates: candidates, k: 3, standards: standards)
        let p = siting.problem
        print(String(format: "fixture %@: %d samples, %d candidates, %d demand points; loaded in %.1f s; k=3 covers %.0f (bound %.0f, exact %@)",
                     name, coverage.samples.samples.count, candidates.count, p.demand.count, Date().timeIntervalSince(started),
                     siting.solution.covered, siting.solution.upperBound, siting.solution.exact ? "yes" : "no"))
        let json: [String: Any] = ["demand": p.demand, "covers": p.covers.map { $0.map(Int.init) },
                                   "capacity": p.capacity.map { $0.isFinite ? $0 : -1 }, "k": 3, "onemap_covered": siting.solution.covered]
        try! JSONSerialization.data(withJSONObject: json).write(to: Self.repository.appendingPathComponent("data/generated/mclp-\(name).json"))
    }
}
