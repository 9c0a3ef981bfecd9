import Foundation
import OneMapGeometry
import OneMapRouting

/// Where `k` new shelters would bring the most uncovered residents within the service
/// radius of a need, no site over its capacity: a maximal covering location problem over
/// the residents coverage left out.
public struct ShelterSiting: Sendable {
    public struct Site: Sendable {
        public var candidate: CandidateSite
        public var capacity: Double
        /// Residents it would newly serve.
        public var residents: Double
        /// Codes of the grids those residents live in.
        public var grids: [String]
    }

    public var need: PlanningStandards.ShelterNeed
    public var sites: [Site]
    public var solution: CoveringSolution
    /// Residents beyond the radius before the new sites.
    public var uncoveredBefore: Double
    /// Of those, how many any candidate could reach at all.
    public var reachable: Double
    public var candidates: Int
    public var demandPoints: Int
    /// The covering problem solved (for peers and benchmarks).
    public var problem: CoveringProblem

    /// Sites `k` of `candidates` for the need at index `n` of `coverage`.
    public static func plan(_ coverage: ShelterCoverage, need n: Int, candidates: [CandidateSite], k: Int,
                            standards: PlanningStandards) throws -> ShelterSiting {
        let need = coverage.needs[n]
        let samples = coverage.samples.samples
        let demandIndex = samples.indices.filter { !need.isCovered($0) && samples[$0].residents > 0 }
        let measure = coverage.measure
        let targets = TargetBuckets(demandIndex.map { coverage.samplePlaces[$0] }, cell: max(50, need.need.radius))
        let places = try measure.places(candidates.map(\.point))
        let covers: [[Int32]] = try places.parallelMap { place in
            measure.reach(from: place, limit: need.need.radius, targets: targets).map { Int32($0.target) }.sorted()
        }
        let capacity = candidates.map { c -> Double in
            var room = c.capacity ?? standards.newShelterCapacity
            if let area = c.area, need.need.areaPerPerson > 0 { room = min(room, area / need.need.areaPerPerson) }
            return room
        }
        let demand = demandIndex.map { samples[$0].residents }
        let problem = CoveringProblem(demand: demand, covers: covers, capacity: capacity)
        let solution = MaximalCovering.solve(problem, k: k)
        let reachableSet = Set(covers.joined())
        let sites = zip(solution.sites, solution.served).map { j, served in
            let grids = Set(covers[j].map { coverage.samples.grids[samples[demandIndex[Int($0)]].grid].code })
            return Site(candidate: candidates[j], capacity: capacity[j], residents: served, grids: grids.sorted())
        }
        return ShelterSiting(need: need.need, sites: sites, solution: solution, uncoveredBefore: demand.reduce(0, +),
                             reachable: reachableSet.reduce(0) { $0 + demand[Int($1)] }, candidates: candidates.count,
                             demandPoints: demand.count, problem: problem)
    }
}
