import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// Evacuation on the road network: the best shelter for one person or place, and the
/// plan for a whole danger zone.
public enum Evacuation {
    /// A shelter reached by road, with its route.
    public struct Reached: Sendable {
        public var shelter: LayerRecord
        public var room: Int
        public var route: Route
    }

    /// A shelter that can take people: open, outside the danger zone, with room.
    public struct Candidate: Sendable {
        public var record: LayerRecord
        public var room: Int
        public var point: Coordinate
    }

    /// Open shelters with room of at least `minimumRoom`, outside `zone`.
    public static func candidates(_ snapshot: IndexSnapshot, outside zone: Geometry?, minimumRoom: Int = 1) throws -> [Candidate] {
        let status = Layer.shelters.columnIndex("status")
        let capacity = Layer.shelters.columnIndex("capacity")
        let occupancy = Layer.shelters.columnIndex("occupancy")
        let context = GEOSContext()
        let prepared = try zone.map { try context.prepare($0) }
        return try snapshot.allFeatures(.shelters).compactMap { record in
            guard ShelterCriteria.isOpen(record.value(status)) else { return nil }
            let room = (record.value(capacity).count ?? 0) - (record.value(occupancy).count ?? 0)
            guard room >= minimumRoom else { return nil }
            if let prepared, try prepared.intersects(record.geometry) { return nil }
            return Candidate(record: record, room: room, point: try context.pointOnSurface(record.geometry))
        }
    }

    /// The `k` shelters with room reached soonest from `point` by road, leaving `zone`
    /// (the roads inside it may be used only on the way out), each with its route.
    public static func best(from point: Coordinate, graph: RoadGraph, snapshot: IndexSnapshot, zone: Geometry?,
                            minimumRoom: Int = 1, k: Int = 1) throws -> [Reached] {
        let escaping = try zone.map { try graph.pieces(meeting: [$0]) } ?? []
        let start = try graph.reach(point, "from")
        let costs = graph.costs(from: [start], escaping: escaping)
        let ranked = try candidates(snapshot, outside: zone, minimumRoom: minimumRoom).map { candidate in
            (candidate, graph.cost(to: try graph.snap(candidate.point), nodeCosts: costs, blocked: escaping))
        }.filter { $0.1.isFinite }.sorted { $0.1 < $1.1 }
        return try ranked.prefix(k).map { candidate, _ in
            Reached(shelter: candidate.record, room: candidate.room,
                    route: try graph.route(from: point, to: candidate.point, escaping: escaping))
        }
    }

    /// The plan for `zone`: the residents inside it, to shelters outside it. Residents are
    /// the planner's resident samples (``Population``): a grid partly inside sends the
    /// residents of its samples inside, leaving from the sample nearest their middle;
    /// without `samples`, each grid whose representative point lies inside counts whole.
    public static func plan(zone: Geometry, graph: RoadGraph, snapshot: IndexSnapshot, samples: ResidentSamples? = nil) throws -> (plan: EvacuationPlan, origins: [EvacuationPlan.Origin], destinations: [Candidate]) {
        let origins: [EvacuationPlan.Origin]
        if let samples {
            origins = try samples.inside(zone).grids.compactMap { part in
                let persons = part.residents.rounded()
                guard persons >= 1, let first = part.samples.first else { return nil }
                let points = part.samples.map { samples.samples[$0].coordinate }
                let middle = Coordinate(points.reduce(0) { $0 + $1.x } / Double(points.count), points.reduce(0) { $0 + $1.y } / Double(points.count))
                let start = part.samples.min { Self.squared(samples.samples[$0].coordinate, middle) < Self.squared(samples.samples[$1].coordinate, middle) } ?? first
                return EvacuationPlan.Origin(id: samples.grids[part.grid].record.id, persons: Int(min(persons, 1e12)),
                                             point: samples.samples[start].coordinate)
            }.sorted { $0.id < $1.id }
        } else {
            let population = Layer.grids.columnIndex("population")
            let context = GEOSContext()
            let inZone = try context.prepare(zone)
            origins = try snapshot.features(.grids, inside: zone, relation: .intersects).map { hit in
                EvacuationPlan.Origin(id: hit.record.id, persons: hit.record.value(population).count ?? 0,
                                      point: try context.pointOnSurface(hit.record.geometry))
            }.filter { try $0.persons > 0 && inZone.intersects($0.point) }.sorted { $0.id < $1.id }
        }
        let destinations = try candidates(snapshot, outside: zone)
        let escaping = try graph.pieces(meeting: [zone])
        let targets = try destinations.map { try graph.snap($0.point) }
        let seconds = try origins.map { origin in
            let costs = graph.costs(from: [try graph.snap(origin.point)], escaping: escaping)
            return targets.map { graph.cost(to: $0, nodeCosts: costs, blocked: escaping) }
        }
        let plan = EvacuationPlan.solve(origins: origins,
                                        destinations: destinations.map { .init(id: $0.record.id, room: $0.room, point: $0.point) },
                                        seconds: seconds)
        return (plan, origins, destinations)
    }

    static func squared(_ a: Coordinate, _ b: Coordinate) -> Double { (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) }

    /// The route of every assignment of `plan`, keyed "origin→destination" (what
    /// ``EvacuationPlan/json(origins:destinations:routes:)`` embeds).
    public static func routes(of plan: EvacuationPlan, origins: [EvacuationPlan.Origin], destinations: [Candidate],
                              zone: Geometry, graph: RoadGraph) throws -> [String: Route] {
        let escaping = try graph.pieces(meeting: [zone])
        var routes: [String: Route] = [:]
        for a in plan.assignments {
            guard let from = origins.first(where: { $0.id == a.origin }), let to = destinations.first(where: { $0.record.id == a.destination }) else { continue }
            routes["\(a.origin)→\(a.destination)"] = try graph.route(from: from.point, to: to.point, escaping: escaping)
        }
        return routes
    }
}

extension Evacuation.Reached {
    /// The route as a GeoJSON feature named by the shelter, with its room and name.
    public var feature: Feature {
        route.feature(id: shelter.id, extra: [JSONMember("shelter", .string(shelter.id)), JSONMember("room_persons", .number(Double(room)))]
            + (shelter.feature(in: .shelters)[property: "name"].map { [JSONMember("name", $0)] } ?? []))
    }
}
