import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// Storage depots (物资储备库) by p-median: the `k` new sites that, with the depots already
/// in service, minimise residents × driving time to their nearest depot; then the share of
/// residents reached within each delivery target (6 h, 12 h).
///
/// Solved exactly by enumeration when the choices are few enough, else by greedy addition
/// and vertex substitution (Teitz–Bart) until no swap lowers the total.
public struct DepotSiting: Sendable {
    public struct Demand: Sendable {
        public var grid: String
        public var name: String
        public var residents: Double
        public var point: Coordinate
    }

    public struct Depot: Sendable {
        public var id: String
        public var name: String
        public var point: Coordinate
        /// Whether it exists already (else it is a chosen candidate).
        public var existing: Bool
        /// Residents whose nearest depot it is.
        public var residents: Double
    }

    public var demands: [Demand]
    public var depots: [Depot]
    /// Per demand: hours to the nearest depot before and after (infinity: unreachable).
    public var hoursBefore: [Double]
    public var hoursAfter: [Double]
    public var targets: [Double]
    public var exact: Bool
    public var candidates: Int
    /// Combinations examined or swaps tried.
    public var evaluations: Int

    /// Residents × hours, averaged over residents (unreachable residents left out).
    public func meanHours(after: Bool) -> Double {
        let hours = after ? hoursAfter : hoursBefore
        let (sum, weight) = zip(demands, hours).filter { $0.1.isFinite }.reduce((0.0, 0.0)) { ($0.0 + $1.0.residents * $1.1, $0.1 + $1.0.residents) }
        return weight > 0 ? sum / weight : .infinity
    }

    /// Share of residents within `limit` hours of a depot.
    public func share(within limit: Double, after: Bool) -> Double {
        let hours = after ? hoursAfter : hoursBefore
        let total = demands.reduce(0) { $0 + $1.residents }
        return total > 0 ? zip(demands, hours).filter { $0.1 <= limit }.reduce(0) { $0 + $1.0.residents } / total : 1
    }

    /// Chooses `k` of `candidates` given the road graph for driving.
    /// `area`: only the grids meeting it are served (depots anywhere still count).
    public static func plan(_ snapshot: IndexSnapshot, graph: RoadGraph, candidates: [CandidateSite], k: Int,
                            standards: PlanningStandards, within area: BoundingBox? = nil,
                            enumerationLimit: Int = 50_000) throws -> DepotSiting {
        let measure = TravelMeasure.driving(graph)
        let samples = try ResidentSamples(grids: try PlanArea.grids(snapshot, within: area),
                                          spacing: .infinity, maxPerGrid: 1)
        let demands = samples.grids.map { Demand(grid: $0.code, name: $0.name, residents: Double($0.residents), point: $0.centre) }
        let demandPlaces = try measure.places(demands.map(\.point))
        let existing = try Self.existingDepots(snapshot)
        let sources = existing.map { ($0.id, $0.name, $0.point, true) } + candidates.map { ($0.id, $0.name ?? $0.id, $0.point, false) }
        let sourcePlaces = try measure.places(sources.map(\.2))
        // Hours from every depot and candidate to every grid: one search each, on all cores.
        let hours: [[Double]] = try sourcePlaces.parallelMap { place in
            let costs = graph.nearestOrigins([RoadOrigin(snap: try place.snapOrThrow(), offset: 0)], by: .time)
            return demandPlaces.map { d in (graph.arrival(at: d.snap!, from: costs)?.cost ?? .infinity) / 3600 }
        }
        let weights = demands.map(\.residents)
        // An unreachable grid counts as two days away, so totals stay comparable.
        let penalty = 48.0
        func cost(_ chosen: [Int]) -> Double {
            var total = 0.0
            for i in demands.indices {
                var best = Double.infinity
                for j in chosen { best = min(best, hours[j][i]) }
                total += weights[i] * min(best, penalty)
            }
            return total
        }
        let fixed = Array(0..<existing.count)
        let pool = Array(existing.count..<sources.count)
        let k = min(k, pool.count)
        var evaluations = 0
        var chosen: [Int] = []
        var exact = false
        if binomial(pool.count, k) <= Double(enumerationLimit) {
            var best = (Double.infinity, [Int]())
            forEachCombination(of: pool, k) { combo in
                evaluations += 1
                let c = cost(fixed + combo)
                if c < best.0 - 1e-9 { best = (c, combo) }
            }
            chosen = best.1
            exact = true
        } else {
            for _ in 0..<k {
                let next = pool.filter { !chosen.contains($0) }.min { cost(fixed + chosen + [$0]) < cost(fixed + chosen + [$1]) }!
                evaluations += pool.count
                chosen.append(next)
            }
            var current = cost(fixed + chosen)
            var improved = true
            while improved {
                improved = false
                for i in chosen.indices {
                    for j in pool where !chosen.contains(j) {
                        var trial = chosen
                        trial[i] = j
                        evaluations += 1
                        let c = cost(fixed + trial)
                        if c < current - 1e-9 { chosen = trial; current = c; improved = true }
                    }
                }
            }
        }
        let all = fixed + chosen.sorted()
        func nearest(_ set: [Int], _ i: Int) -> (Int, Double) {
            set.map { ($0, hours[$0][i]) }.min { $0.1 < $1.1 } ?? (-1, .infinity)
        }
        var assigned = [Double](repeating: 0, count: sources.count)
        for i in demands.indices { let (j, h) = nearest(all, i); if j >= 0 && h.isFinite { assigned[j] += weights[i] } }
        let depots = all.map { j in
            Depot(id: sources[j].0, name: sources[j].1, point: sources[j].2, existing: sources[j].3, residents: assigned[j])
        }
        return DepotSiting(demands: demands, depots: depots,
                           hoursBefore: demands.indices.map { nearest(fixed, $0).1 },
                           hoursAfter: demands.indices.map { nearest(all, $0).1 },
                           targets: standards.depotHours, exact: exact, candidates: candidates.count, evaluations: evaluations)
    }

    /// Depots in service (kind `depot`, not closed or planned).
    static func existingDepots(_ snapshot: IndexSnapshot) throws -> [(id: String, name: String, point: Coordinate)] {
        let name = Layer.facilities.columnIndex("name")
        return try snapshot.facilitiesInService(kind: "depot").compactMap { r in
            guard case .point(let c) = r.geometry else { return nil }
            return (r.id, r.value(name).string ?? r.id, c)
        }
    }
}

/// n choose k as a real number (large values are only compared with a limit).
func binomial(_ n: Int, _ k: Int) -> Double {
    guard k >= 0, k <= n else { return 0 }
    var r = 1.0
    for i in 0..<k { r = r * Double(n - i) / Double(i + 1) }
    return r
}

/// Calls `body` with every k-element subset of `items`, in lexicographic order.
func forEachCombination(of items: [Int], _ k: Int, _ body: ([Int]) -> Void) {
    guard k <= items.count else { return }
    var index = Array(0..<k)
    while true {
        body(index.map { items[$0] })
        var i = k - 1
        while i >= 0 && index[i] == items.count - k + i { i -= 1 }
        if i < 0 { return }
        index[i] += 1
        for j in (i + 1)..<k { index[j] = index[j - 1] + 1 }
    }
}

extension TravelMeasure.Place {
    func snapOrThrow() throws -> Snap {
        guard let snap else { throw RoutingError.noRoads("drive") }
        return snap
    }
}
