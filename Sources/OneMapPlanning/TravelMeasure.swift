import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// How far apart places are for a plan: walking metres or driving seconds on the roads of
/// a profile, or straight-line metres where the data has no roads.
///
/// On foot the walk from a place to its nearest road counts too (a shelter's door may be
/// 80 m from the street). By car, times run from road point to road point, as the fire
/// standard measures them (建标152-2017: engines reach the edge of the district by road;
/// counting the last leg at walking pace would put the demo's cover at 36.7 % instead of
/// 65.3 %). Either way a place farther from the roads than the access limit (1,000 m by
/// default, `road_access` in config/planning.json) is not reached, as a route to it is
/// refused.
public struct TravelMeasure: Sendable {
    public let graph: RoadGraph?
    public let metric: RouteMetric

    /// Walking metres on `graph`, or straight lines when it is nil.
    public static func walking(_ graph: RoadGraph?) -> TravelMeasure { TravelMeasure(graph: graph, metric: .distance) }
    /// Driving seconds on `graph`.
    public static func driving(_ graph: RoadGraph) -> TravelMeasure { TravelMeasure(graph: graph, metric: .time) }

    public var onRoads: Bool { graph != nil }
    /// "walking distance on roads", "straight-line distance" or "driving time on roads".
    public var description: String {
        graph == nil ? "straight-line distance" : metric == .time ? "driving time on roads" : "walking distance on roads"
    }

    /// A place where a search starts or ends, snapped once.
    public struct Place: Sendable {
        public var coordinate: Coordinate
        var snap: Snap?
        var leg: Double
    }

    public func place(_ c: Coordinate) throws -> Place {
        guard let graph else { return Place(coordinate: c, snap: nil, leg: 0) }
        let snap = try graph.snap(c)
        // Infinite beyond the limit: such an origin reaches nothing, such a target is not reached.
        return Place(coordinate: c, snap: snap, leg: !graph.reaches(snap) ? .infinity : metric == .distance ? snap.distance : 0)
    }

    public func places(_ cs: [Coordinate]) throws -> [Place] { try cs.map(place) }

    /// The nearest of `origins` to each of `targets`, with its cost; nil where none is
    /// reachable.
    public func nearest(of origins: [Place], to targets: [Place]) throws -> [(cost: Double, origin: Int)?] {
        guard !origins.isEmpty else { return targets.map { _ in nil } }
        guard let graph else {
            let empty = Layer.shelters.columns.map { _ in FieldValue.null }
            let index = SpatialIndex(records: [.shelters: origins.enumerated().map {
                LayerRecord(id: String($0.offset), geometry: .point($0.element.coordinate), values: empty, extra: [])
            }]).snapshot
            return try targets.map { t in
                try index.nearest(.shelters, to: t.coordinate, k: 1).first.map { ($0.distance ?? 0, Int($0.record.id)!) }
            }
        }
        let costs = graph.nearestOrigins(origins.map { RoadOrigin(snap: $0.snap!, offset: $0.leg) }, by: metric)
        return targets.map { t in
            graph.arrival(at: t.snap!, from: costs).flatMap { $0.cost + t.leg < .infinity ? ($0.cost + t.leg, $0.origin) : nil }
        }
    }

    /// The targets within `limit` of `origin`, with their costs.
    public func reach(from origin: Place, limit: Double, targets: TargetBuckets) -> [(target: Int, cost: Double)] {
        // No road trip is shorter than the straight line, nor faster than the profile's top speed.
        let radius = graph == nil || metric == .distance ? limit : limit * graph!.profile.maxSpeed / 3.6
        let near = targets.within(radius, of: origin.coordinate)
        guard let graph else { return near.map { ($0.0, $0.1) } }
        let local = graph.nearestOrigins([RoadOrigin(snap: origin.snap!, offset: origin.leg)], by: metric, limit: limit, sparse: true)
        return near.compactMap { t, _ in
            let place = targets.places[t]
            guard let arrival = graph.arrival(at: place.snap!, from: local) else { return nil }
            let cost = arrival.cost + place.leg
            return cost <= limit ? (t, cost) : nil
        }
    }
}

/// Places bucketed on a square lattice in metres, to find those near a point fast.
public struct TargetBuckets: Sendable {
    public let places: [TravelMeasure.Place]
    let buckets: CoordinateBuckets

    public init(_ places: [TravelMeasure.Place], cell: Double) {
        self.places = places
        buckets = CoordinateBuckets(places.map(\.coordinate), cell: cell)
    }

    /// The places within `radius` metres (geodesic) of `c`, with their distances.
    func within(_ radius: Double, of c: Coordinate) -> [(Int, Double)] { buckets.within(radius, of: c) }
}

/// Coordinates bucketed on a square lattice of `cell` metres.
struct CoordinateBuckets: Sendable {
    let coordinates: [Coordinate]
    let frame: LocalFrame
    let cell: Double
    let buckets: [Int64: [Int32]]

    init(_ coordinates: [Coordinate], cell: Double) {
        self.coordinates = coordinates
        self.cell = cell
        var box = BoundingBox.empty
        for c in coordinates { box.extend(c) }
        frame = LocalFrame(centre: box.isEmpty ? Coordinate(0, 0) : box.center)
        var buckets: [Int64: [Int32]] = [:]
        for (i, c) in coordinates.enumerated() {
            let m = frame.toMetres(c)
            buckets[Self.key(Int64((m.x / cell).rounded(.down)), Int64((m.y / cell).rounded(.down))), default: []].append(Int32(i))
        }
        self.buckets = buckets
    }

    static func key(_ x: Int64, _ y: Int64) -> Int64 { x &* 2_000_003 &+ y }

    /// The coordinates within `radius` metres (geodesic) of `c`, with their distances.
    func within(_ radius: Double, of c: Coordinate) -> [(Int, Double)] {
        let m = frame.toMetres(c)
        // The local frame's scale is off by well under 1% across a city: search a cell wider.
        let span = Int64((radius * 1.01 / cell).rounded(.up))
        let cx = Int64((m.x / cell).rounded(.down)), cy = Int64((m.y / cell).rounded(.down))
        var out: [(Int, Double)] = []
        for x in (cx - span)...(cx + span) {
            for y in (cy - span)...(cy + span) {
                for i in buckets[Self.key(x, y)] ?? [] {
                    let d = Geodesic.wgs84.distance(c, coordinates[Int(i)])
                    if d <= radius { out.append((Int(i), d)) }
                }
            }
        }
        return out
    }
}
