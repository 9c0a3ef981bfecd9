import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// Fire-station gaps (建标152-2017: an engine reaches the edge of its district within
/// 5 minutes): the residents and areas beyond that driving time from every station, and
/// the candidate sites that would bring the most of them within it.
public struct FireGaps: Sendable {
    public struct Site: Sendable {
        public var candidate: CandidateSite
        /// Residents it would newly bring within the limit.
        public var residents: Double
        public var grids: [String]
    }

    public var minutes: Double
    public var stations: Int
    public var samples: ResidentSamples
    /// Per sample: minutes from the nearest station (infinity: no road reaches it).
    public var sampleMinutes: [Double]
    public var sites: [Site]
    public var solution: CoveringSolution
    public var candidates: Int

    public func isCovered(_ sample: Int) -> Bool { sampleMinutes[sample] <= minutes }

    public var residentsOutside: Double {
        samples.samples.indices.filter { !isCovered($0) }.reduce(0) { $0 + samples.samples[$1].residents }
    }

    /// Residents of a grid within the limit.
    public func residentsCovered(grid g: Int) -> Double {
        samples.grids[g].samples.filter(isCovered).reduce(0) { $0 + samples.samples[$1].residents }
    }

    /// The parts of grids beyond the limit, with their residents.
    public func uncoveredAreas() throws -> [(grid: Int, geometry: Geometry, residents: Double)] {
        try samples.areaAndResidents(of: samples.samples.indices.filter { !isCovered($0) })
    }

    /// Where residents are and how many minutes each resident sample lies from the nearest
    /// fire station in service, by driving time: the one computation behind every
    /// fire-coverage figure (`/coverage/fire`, `/plan/fire`, the CLI), so they agree.
    public struct Reach: Sendable {
        public var samples: ResidentSamples
        public var stations: Int
        /// Per sample: minutes from the nearest station (infinity: no road reaches it).
        public var minutes: [Double]
        /// Per grid of `samples`: minutes to its representative point.
        public var gridMinutes: [Double]
        /// The samples as places of the driving measure (snapped once).
        public var places: [TravelMeasure.Place]

        /// Residents of samples beyond `limit` minutes.
        public func residentsOutside(_ limit: Double) -> Double {
            samples.samples.indices.filter { minutes[$0] > limit }.reduce(0) { $0 + samples.samples[$1].residents }
        }

        /// Residents of grid `g`'s samples beyond `limit` minutes.
        public func residentsOutside(grid g: Int, _ limit: Double) -> Double {
            samples.grids[g].samples.filter { minutes[$0] > limit }.reduce(0) { $0 + samples.samples[$1].residents }
        }
    }

    /// The reach of the stations over the planner's resident samples (`settlement`: the
    /// roads residents live near, the walking graph; default the driving one).
    public static func reach(_ snapshot: IndexSnapshot, graph: RoadGraph, settlement: RoadGraph? = nil,
                             standards: PlanningStandards, within area: BoundingBox? = nil) throws -> Reach {
        let context = GEOSContext()
        let stations = try snapshot.facilitiesInService(kind: "fire_station")
        let samples = try ResidentSamples(grids: try PlanArea.grids(snapshot, within: area),
                                          spacing: standards.sampleSpacing, maxPerGrid: standards.maxSamplesPerGrid,
                                          roads: settlement ?? graph, settledWithin: standards.settlementRoadDistance)
        let measure = TravelMeasure.driving(graph)
        let origins = try measure.places(stations.map { try context.pointOnSurface($0.geometry) })
        let places = try measure.places(samples.samples.map(\.coordinate))
        let minutes = try measure.nearest(of: origins, to: places).map { ($0?.cost ?? .infinity) / 60 }
        let gridMinutes = try measure.nearest(of: origins, to: try measure.places(samples.grids.map(\.centre))).map { ($0?.cost ?? .infinity) / 60 }
        return Reach(samples: samples, stations: stations.count, minutes: minutes, gridMinutes: gridMinutes, places: places)
    }

    /// Measures the gaps and sites up to `maxSites` of `candidates` to close them.
    /// `settlement`: the roads near which residents live (the walking graph; default the driving one).
    /// `area`: only the grids meeting it (stations anywhere still count).
    public static func plan(_ snapshot: IndexSnapshot, graph: RoadGraph, settlement: RoadGraph? = nil, candidates: [CandidateSite], maxSites: Int,
                            standards: PlanningStandards, within area: BoundingBox? = nil) throws -> FireGaps {
        let reach = try Self.reach(snapshot, graph: graph, settlement: settlement, standards: standards, within: area)
        let samples = reach.samples, minutes = reach.minutes
        let measure = TravelMeasure.driving(graph)
        let places = reach.places
        let limit = standards.fireMinutes * 60
        let outside = samples.samples.indices.filter { minutes[$0] > standards.fireMinutes && samples.samples[$0].residents > 0 }
        let targets = TargetBuckets(outside.map { places[$0] }, cell: 1000)
        let candidatePlaces = try measure.places(candidates.map(\.point))
        let covers: [[Int32]] = try candidatePlaces.parallelMap { place in
            measure.reach(from: place, limit: limit, targets: targets).map { Int32($0.target) }.sorted()
        }
        let demand = outside.map { samples.samples[$0].residents }
        let problem = CoveringProblem(demand: demand, covers: covers, capacity: covers.map { _ in .infinity })
        // As many sites as it takes to close every gap a candidate can close, up to the limit.
        let reachable = Set(covers.joined()).reduce(0) { $0 + demand[Int($1)] }
        var solution = MaximalCovering.greedy(problem, k: 0)
        for k in 1...max(1, maxSites) where maxSites > 0 {
            solution = MaximalCovering.greedy(problem, k: k, lagrangian: false)
            if solution.covered >= reachable - 1e-6 { break }
        }
        // Prove the last answer optimal where branch and bound can within its budget.
        if !solution.sites.isEmpty { solution = MaximalCovering.solve(problem, k: solution.sites.count) }
        let sites = zip(solution.sites, solution.served).filter { $0.1 > 0 }.map { j, served in
            Site(candidate: candidates[j], residents: served,
                 grids: Set(covers[j].map { samples.grids[samples.samples[outside[Int($0)]].grid].code }).sorted())
        }
        return FireGaps(minutes: standards.fireMinutes, stations: reach.stations, samples: samples, sampleMinutes: minutes,
                        sites: sites, solution: solution, candidates: candidates.count)
    }
}
