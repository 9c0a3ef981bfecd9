import OneMapGeometry
import OneMapStorage
import OneMapWork

/// Many points asked at once (a planner's thousands of residential blocks, an incident's
/// affected buildings): the same answers as one query per point, in the points' order,
/// computed on every core. Each point's answer is exactly the single query's (the batch
/// tests compare them one by one); only the work is shared out.
extension IndexSnapshot {
    /// Most points one batch takes.
    public static let maxBatchPoints = 100_000

    /// ``nearestShelters(to:k:criteria:maxDistance:)`` for each of `points`.
    public func nearestShelters(to points: [Coordinate], k: Int, criteria: ShelterCriteria = ShelterCriteria(),
                                maxDistance: Double = .infinity, workers: Int? = nil) throws -> [[ShelterHit]] {
        try Self.checkBatch(points)
        try QueryCheck.count(k)
        if maxDistance != .infinity { try QueryCheck.radius(maxDistance, name: "max_distance") }
        let state = try state(.shelters)
        let predicate = try criteria.predicate()
        return try points.parallelMap(workers: workers) { point in
            state.nearest(to: GeodesicObserver(point), k: k, maxDistance: maxDistance, where: predicate).map { ref, m in
                ShelterHit(hit: Hit(state, ref, distance: m.distance, bearing: m.bearing))
            }
        }
    }

    /// ``nearest(_:to:k:maxDistance:where:)`` for each of `points`.
    public func nearest(_ layer: Layer, to points: [Coordinate], k: Int, maxDistance: Double = .infinity,
                        where filters: [AttributeFilter] = [], workers: Int? = nil) throws -> [[Hit]] {
        try Self.checkBatch(points)
        try QueryCheck.count(k)
        if maxDistance != .infinity { try QueryCheck.radius(maxDistance, name: "max_distance") }
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        return try points.parallelMap(workers: workers) { point in
            state.nearest(to: GeodesicObserver(point), k: k, maxDistance: maxDistance, where: predicate).map { ref, m in
                Hit(state, ref, distance: m.distance, bearing: m.bearing)
            }
        }
    }

    /// ``features(_:within:of:where:limit:)`` for each of `points`.
    public func features(_ layer: Layer, within radius: Double, of points: [Coordinate],
                         where filters: [AttributeFilter] = [], limit: Int? = nil, workers: Int? = nil) throws -> [[Hit]] {
        try Self.checkBatch(points)
        try QueryCheck.radius(radius)
        if let limit, limit < 1 { throw QueryError.badParameter(name: "limit", reason: "\(limit) is below 1") }
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        return try points.parallelMap(workers: workers) { point in
            Self.within(state, radius, GeodesicObserver(point), predicate, limit)
        }
    }

    /// Every point must be a WGS84 position; the error names the first that is not.
    static func checkBatch(_ points: [Coordinate]) throws(QueryError) {
        guard (1...maxBatchPoints).contains(points.count) else {
            throw .badParameter(name: "points", reason: "give 1…\(maxBatchPoints) points, not \(points.count)")
        }
        for (i, p) in points.enumerated() {
            do { try QueryCheck.point(p) } catch {
                throw .badParameter(name: "points[\(i)]", reason: error.description)
            }
        }
    }

    /// The radius query of one point on a layer's state (what ``features(_:within:of:where:limit:)`` does).
    static func within(_ state: LayerState, _ radius: Double, _ observer: GeodesicObserver,
                       _ predicate: RecordPredicate, _ limit: Int?) -> [Hit] {
        var found: [(FeatureRef, Double, Double)] = []
        state.forEach(within: radius, of: observer, where: predicate) { found.append(($0, $1, $2)) }
        found.sort { a, b in a.1 != b.1 ? a.1 < b.1 : state.record(a.0).id < state.record(b.0).id }
        if let limit, found.count > limit { found.removeLast(found.count - limit) }
        return found.map { ref, distance, bearing in
            Hit(state, ref, distance: distance, bearing: bearing.isNaN ? state.measure(ref, from: observer).bearing : bearing)
        }
    }
}
