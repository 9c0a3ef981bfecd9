import Foundation

/// A maximal covering location problem with capacities: choose `k` of the candidate
/// sites to serve as much demand as possible, where a site serves only demand it covers
/// (within the service radius) and no more than its capacity.
///
/// The demand a set of sites serves is a max flow (demand → covering site → capacity), a
/// submodular function of the set. That gives greedy its (1 − 1/e) guarantee and, more
/// usefully, a bound on the optimum from any set S: OPT ≤ f(S) + the k largest marginal
/// gains at S. Every solution reports that bound, so a planner sees how far from the best
/// possible a greedy answer can be.
public struct CoveringProblem: Sendable {
    /// Residents at each demand point.
    public var demand: [Double]
    /// For each candidate, the demand points it covers.
    public var covers: [[Int32]]
    /// For each candidate, the most it may serve (infinity: no limit).
    public var capacity: [Double]

    public init(demand: [Double], covers: [[Int32]], capacity: [Double]) {
        precondition(covers.count == capacity.count, "one capacity per candidate")
        self.demand = demand
        self.covers = covers
        self.capacity = capacity
    }

    public var candidateCount: Int { covers.count }
}

public struct CoveringSolution: Sendable, Equatable {
    /// Chosen candidates, ascending.
    public var sites: [Int]
    /// Demand served by the chosen sites.
    public var covered: Double
    /// Demand each chosen site serves in one best assignment, in the order of `sites`.
    public var served: [Double]
    /// No choice of k sites serves more than this.
    public var upperBound: Double
    /// Whether `covered` is proven optimal (branch and bound finished).
    public var exact: Bool
    /// Times the served demand of a set was computed.
    public var evaluations: Int
    /// How far below the bound the answer may be: (bound − covered) / bound.
    public var gap: Double { upperBound > 0 ? max(0, (upperBound - covered) / upperBound) : 0 }
}

public enum MaximalCovering {
    /// The demand `sites` serve together, and how much each serves.
    public static func serve(_ p: CoveringProblem, _ sites: [Int]) -> (total: Double, served: [Double]) {
        Evaluator(p).serve(sites)
    }

    public static func value(_ p: CoveringProblem, _ sites: [Int]) -> Double { serve(p, sites).total }

    /// Evaluates many sets of one problem, reusing its scratch arrays (a set's demand
    /// points are marked in place, not collected in a dictionary).
    final class Evaluator {
        let p: CoveringProblem
        /// Per demand point: its index among the points of the set being evaluated, or -1.
        private var slot: [Int32]
        private(set) var count = 0

        init(_ p: CoveringProblem) {
            self.p = p
            slot = [Int32](repeating: -1, count: p.demand.count)
        }

        /// Demand-point entries read so far: the work budget of branch and bound.
        private(set) var work = 0

        func value(_ sites: [Int]) -> Double { count += 1; return serve(sites).total }

        func serve(_ sites: [Int]) -> (total: Double, served: [Double]) {
            var points: [Int32] = []
            var first: [Int32] = []  // per point: the first site covering it
            var unbound = true
            for (j, s) in sites.enumerated() {
                var reach = 0.0
                work += p.covers[s].count
                for d in p.covers[s] {
                    reach += p.demand[Int(d)]
                    if slot[Int(d)] < 0 {
                        slot[Int(d)] = Int32(points.count)
                        points.append(d)
                        first.append(Int32(j))
                    }
                }
                if reach > p.capacity[s] { unbound = false }
            }
            defer { for d in points { slot[Int(d)] = -1 } }
            if unbound {
                // Without binding capacities every covered point is served: a plain union.
                var served = [Double](repeating: 0, count: sites.count)
                for (i, d) in points.enumerated() { served[Int(first[i])] += p.demand[Int(d)] }
                return (served.reduce(0, +), served)
            }
            // Max flow: source → demand points → sites → sink.
            var net = FlowNetwork(nodes: 2 + points.count + sites.count)
            let source = 0, sink = 1
            for (i, d) in points.enumerated() { net.add(source, 2 + i, p.demand[Int(d)]) }
            var siteEdges: [Int] = []
            for (j, s) in sites.enumerated() {
                for d in p.covers[s] { net.add(2 + Int(slot[Int(d)]), 2 + points.count + j, .infinity) }
                siteEdges.append(net.add(2 + points.count + j, sink, p.capacity[s]))
            }
            let total = net.maxFlow(source, sink)
            return (total, siteEdges.map { net.flow($0) })
        }
    }

    /// Exact when the greedy answer meets its bound or branch and bound finishes within
    /// `budget` (demand-point entries read: a fixed amount of work, whatever the problem's
    /// shape), else greedy with local search and its bound.
    public static func solve(_ p: CoveringProblem, k: Int, budget: Int = 10_000_000) -> CoveringSolution {
        let heuristic = greedy(p, k: k)
        if heuristic.gap == 0 { return heuristic }
        return exact(p, k: k, start: heuristic, budget: budget) ?? heuristic
    }

    /// Lazy greedy (marginal gains only shrink as sites are added, so a stale gain is an
    /// upper bound and most need no recomputing), then swaps of a chosen site for one of
    /// the `pool` best unchosen ones while that serves more.
    public static func greedy(_ p: CoveringProblem, k: Int, pool: Int = 40, lagrangian: Bool = true) -> CoveringSolution {
        let n = p.candidateCount
        let k = min(k, n)
        let evaluator = Evaluator(p)
        func eval(_ s: [Int]) -> Double { evaluator.value(s) }
        let single = (0..<n).map { j in min(p.capacity[j], p.covers[j].reduce(0) { $0 + p.demand[Int($1)] }) }
        var bound = single
        var stamp = [Int](repeating: 0, count: n)
        var chosen: [Int] = [], isChosen = [Bool](repeating: false, count: n)
        var f = 0.0
        var upper = Double.infinity
        func boundAtCurrent() -> Double {
            f + bound.enumerated().filter { !isChosen[$0.offset] }.map(\.element).sorted(by: >).prefix(k).reduce(0, +)
        }
        for round in 1...max(1, k) where k > 0 {
            upper = min(upper, boundAtCurrent())
            while true {
                var best = -1
                for j in 0..<n where !isChosen[j] && (best < 0 || bound[j] > bound[best]) { best = j }
                guard best >= 0 else { break }
                if stamp[best] == round || round == 1 && stamp[best] == 0 && chosen.isEmpty {
                    chosen.append(best)
                    isChosen[best] = true
                    f += bound[best]
                    break
                }
                bound[best] = max(0, eval(chosen + [best]) - f)
                stamp[best] = round
            }
        }
        // The bound at the final set, with the gains that decide it brought up to date.
        if k > 0 {
            while true {
                let top = (0..<n).filter { !isChosen[$0] }.sorted { bound[$0] > bound[$1] }.prefix(k)
                let stale = top.filter { stamp[$0] != k + 1 }
                if stale.isEmpty { break }
                for j in stale { bound[j] = max(0, eval(chosen + [j]) - f); stamp[j] = k + 1 }
            }
            upper = min(upper, boundAtCurrent())
        }
        // Local search: swap a chosen site for a promising other one while it serves more.
        let candidates = (0..<n).sorted { single[$0] > single[$1] }.prefix(pool)
        var improved = true
        var passes = 0
        while improved && passes < 10 && k > 0 {
            improved = false
            passes += 1
            search: for i in chosen.indices {
                for j in candidates where !isChosen[j] {
                    var trial = chosen
                    trial[i] = j
                    let v = eval(trial)
                    if v > f + 1e-9 * max(1, f) {
                        isChosen[chosen[i]] = false
                        isChosen[j] = true
                        chosen = trial
                        f = v
                        improved = true
                        break search
                    }
                }
            }
        }
        let sorted = chosen.sorted()
        let result = evaluator.serve(sorted)
        let evaluations = evaluator.count
        if lagrangian && k > 0 && upper > result.total + 1e-9 * max(1, result.total) {
            upper = min(upper, lagrangianBound(p, k: k, best: result.total))
        }
        return CoveringSolution(sites: sorted, covered: result.total, served: result.served, upperBound: max(upper, result.total),
                                exact: upper <= result.total + 1e-9 * max(1, result.total), evaluations: evaluations)
    }

    /// An upper bound from the Lagrangian relaxation of "each resident is served at most
    /// once", with a price λᵢ per demand point: any λ ≥ 0 gives
    /// Σλᵢ + the k largest site values, where a site's value is the best it can serve at
    /// prices (wᵢ − λᵢ) within its capacity (a fractional knapsack). Subgradient steps lower
    /// it towards the LP optimum, usually far below the greedy bound.
    public static func lagrangianBound(_ p: CoveringProblem, k: Int, best: Double, iterations: Int = 300) -> Double {
        let n = p.candidateCount, m = p.demand.count
        guard k > 0, n > 0 else { return 0 }
        var lambda = [Double](repeating: 0, count: m)
        var bound = Double.infinity
        var step = 2.0
        var sinceImproved = 0
        var served = [Double](repeating: 0, count: m)
        // A site's best value at prices λ, and (when asked) the share of each point it takes:
        // all it covers at positive price without a capacity, else the best value per
        // resident first until it is full (a fractional knapsack).
        func site(_ j: Int, takes: inout [(Int32, Double)]?) -> Double {
            if !p.capacity[j].isFinite {
                var value = 0.0
                for i in p.covers[j] where p.demand[Int(i)] > lambda[Int(i)] {
                    value += p.demand[Int(i)] - lambda[Int(i)]
                    takes?.append((i, 1))
                }
                return value
            }
            let items = p.covers[j].filter { p.demand[Int($0)] > lambda[Int($0)] }
                .sorted { lambda[Int($0)] / p.demand[Int($0)] < lambda[Int($1)] / p.demand[Int($1)] }
            var room = p.capacity[j], value = 0.0
            for i in items where room > 0 {
                let w = p.demand[Int(i)]
                let share = min(1, room / w)
                value += share * (w - lambda[Int(i)])
                room -= share * w
                takes?.append((i, share))
            }
            return value
        }
        var none: [(Int32, Double)]? = nil
        for _ in 0..<iterations {
            var values = [Double](repeating: 0, count: n)
            for j in 0..<n { values[j] = site(j, takes: &none) }
            let top = (0..<n).sorted { values[$0] > values[$1] }.prefix(k).filter { values[$0] > 0 }
            let value = lambda.reduce(0, +) + top.reduce(0) { $0 + values[$1] }
            if !bound.isFinite || value < bound - 1e-9 * max(1, bound) { bound = value; sinceImproved = 0 } else { sinceImproved += 1 }
            if bound <= best * (1 + 1e-9) { break }
            if sinceImproved >= 20 { step /= 2; sinceImproved = 0; if step < 1e-4 { break } }
            // Subgradient: 1 − (share of point i the chosen sites take).
            for i in 0..<m { served[i] = 0 }
            for j in top {
                var takes: [(Int32, Double)]? = []
                _ = site(j, takes: &takes)
                for (i, share) in takes! { served[Int(i)] += share }
            }
            // Projected: a price at its floor (0) or ceiling (wᵢ) that the step would push
            // further does not count towards the step length.
            var norm = 0.0
            for i in 0..<m {
                var g = 1 - served[i]
                if (lambda[i] <= 0 && g > 0) || (lambda[i] >= p.demand[i] && g < 0) { g = 0 }
                served[i] = g
                norm += g * g
            }
            guard norm > 0 else { break }
            let t = step * max(value - best, 1e-9 * max(1, value)) / norm
            for i in 0..<m { lambda[i] = min(p.demand[i], max(0, lambda[i] - t * served[i])) }
        }
        return bound
    }

    /// Branch and bound over candidates in order of what each serves alone; a branch is cut
    /// when what it has plus its best possible gains cannot beat the best found. Nil when
    /// the search reads more than `budget` demand-point entries.
    public static func exact(_ p: CoveringProblem, k: Int, start: CoveringSolution? = nil, budget: Int = 10_000_000) -> CoveringSolution? {
        let n = p.candidateCount
        let k = min(k, n)
        let single = (0..<n).map { j in min(p.capacity[j], p.covers[j].reduce(0) { $0 + p.demand[Int($1)] }) }
        let order = (0..<n).sorted { (single[$0], -$0) > (single[$1], -$1) }
        let evaluator = Evaluator(p)
        var best = start.map { ($0.covered, $0.sites) } ?? (0.0, Array(order.prefix(k)))
        if start == nil { best.0 = evaluator.value(best.1) }
        var evaluations = start?.evaluations ?? 0
        var overBudget = false
        let tolerance = 1e-9 * max(1, single.reduce(0, +))

        func branch(_ chosen: [Int], _ f: Double, _ from: Int) {
            if overBudget { return }
            if f > best.0 + tolerance { best = (f, chosen) }
            let room = k - chosen.count
            guard room > 0, from < n else { return }
            // Cheap bound first: alone, each candidate serves at least its gain.
            if f + order[from...].prefix(room).reduce(0, { $0 + single[$1] }) <= best.0 + tolerance { return }
            var gains: [Double] = []
            for j in order[from...] {
                evaluations += 1
                gains.append(max(0, evaluator.value(chosen + [j]) - f))
            }
            if evaluator.work > budget { overBudget = true; return }
            for (offset, j) in order[from...].enumerated() {
                let rest = gains[offset...].sorted(by: >).prefix(room).reduce(0, +)
                if f + rest <= best.0 + tolerance { break }
                branch(chosen + [j], f + gains[offset], from + offset + 1)
            }
        }
        branch([], 0, 0)
        if overBudget { return nil }
        let sites = best.1.sorted()
        let result = evaluator.serve(sites)
        return CoveringSolution(sites: sites, covered: result.total, served: result.served, upperBound: result.total,
                                exact: true, evaluations: evaluations)
    }
}

/// Dinic's max flow on real capacities: small networks, built fresh for each evaluation.
struct FlowNetwork {
    private var head: [Int]
    private var next: [Int] = []
    private var to: [Int] = []
    private var capacity: [Double] = []

    init(nodes: Int) { head = [Int](repeating: -1, count: nodes) }

    /// Adds an edge and returns its number (for ``flow(_:)``).
    @discardableResult
    mutating func add(_ u: Int, _ v: Int, _ c: Double) -> Int {
        let e = to.count
        to.append(v); capacity.append(c); next.append(head[u]); head[u] = e
        to.append(u); capacity.append(0); next.append(head[v]); head[v] = e + 1
        return e
    }

    /// Flow on an edge: what its reverse edge can give back (also right for unlimited edges).
    func flow(_ edge: Int) -> Double { capacity[edge ^ 1] }

    mutating func maxFlow(_ s: Int, _ t: Int) -> Double {
        let eps = 1e-12
        var total = 0.0
        var level = [Int](repeating: -1, count: head.count)
        var cursor = head
        func bfs() -> Bool {
            for i in level.indices { level[i] = -1 }
            level[s] = 0
            var queue = [s], i = 0
            while i < queue.count {
                let u = queue[i]; i += 1
                var e = head[u]
                while e >= 0 {
                    if capacity[e] > eps && level[to[e]] < 0 { level[to[e]] = level[u] + 1; queue.append(to[e]) }
                    e = next[e]
                }
            }
            return level[t] >= 0
        }
        func push(_ u: Int, _ limit: Double) -> Double {
            if u == t { return limit }
            while cursor[u] >= 0 {
                let e = cursor[u]
                let v = to[e]
                if capacity[e] > eps && level[v] == level[u] + 1 {
                    let pushed = push(v, min(limit, capacity[e]))
                    if pushed > eps {
                        capacity[e] -= pushed
                        capacity[e ^ 1] += pushed
                        return pushed
                    }
                }
                cursor[u] = next[e]
            }
            return 0
        }
        while bfs() {
            cursor = head
            while true {
                let pushed = push(s, .infinity)
                if pushed <= eps { break }
                total += pushed
            }
        }
        return total
    }
}
