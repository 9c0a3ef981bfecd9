import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// The k nearest features by travel time on the roads (fire stations, rescue teams,
/// depots, hospitals, shelters with room), to a point or from it: one search over the
/// network ranks every candidate, then each of the k winners' routes is traced.
public enum NearestByTime {
    /// `to`: from each feature to the point (a fire engine driving to an incident);
    /// `from`: from the point to each feature (people leaving for a shelter).
    public enum Direction: String, Sendable, CaseIterable { case to, from }

    public struct Found: Sendable {
        public var record: LayerRecord
        public var route: Route
    }

    /// The features of `layer` a search may answer, under the safe defaults: shelters open
    /// and with room, facilities in service (not closed or planned), hazards open, unless
    /// the filters name a status (`status=any`: every one).
    public static func candidates(_ snapshot: IndexSnapshot, layer: Layer, where given: [AttributeFilter]) throws -> [LayerRecord] {
        var filters = given
        let status = filters.firstIndex { $0.column == "status" }.map { filters.remove(at: $0) }
        switch layer {
        case .hazards:
            return try all(snapshot, .hazards, HazardStatusChoice.applied(to: given))
        case .shelters:
            // The rule nearest-shelter answers use: open with room unless a status is given.
            switch status?.test {
            case nil: return try snapshot.shelters(meeting: ShelterCriteria(filters: filters))
            case .oneOf(["any"])?: return try snapshot.shelters(meeting: .anyStatus(filters: filters))
            case .some: return try snapshot.shelters(meeting: .anyStatus(filters: given))
            }
        case .facilities where status == nil:
            return try all(snapshot, .facilities, filters).filter { IndexSnapshot.isInService($0.value(Layer.facilities.columnIndex("status"))) }
        default:
            return try all(snapshot, layer, status?.test == .oneOf(["any"]) ? filters : given)
        }
    }

    private static func all(_ snapshot: IndexSnapshot, _ layer: Layer, _ filters: [AttributeFilter]) throws -> [LayerRecord] {
        try snapshot.allFeatures(layer, where: filters).sorted { $0.id < $1.id }
    }

    /// Every candidate's travel time in seconds to the point (`to`) or from it (`from`),
    /// infinity when not reached within `limit`, by one search over the network; and the
    /// place of each candidate the times are measured at (its representative point).
    public static func seconds(_ point: Coordinate, direction: Direction, candidates: [LayerRecord], graph: RoadGraph,
                               limit: Double = .infinity) throws -> (seconds: [Double], places: [Coordinate]) {
        let here = try graph.reach(point, direction == .to ? "the point (to)" : "the point (from)")
        let context = GEOSContext()
        let places = try candidates.map { try context.pointOnSurface($0.geometry) }
        let snaps = try places.map { try graph.snap($0) }
        let costs: [Double]
        switch direction {
        case .to:
            let toHere = graph.costs(to: here, limit: limit)
            costs = snaps.map { graph.cost(from: $0, nodeCostsTo: toHere) }
        case .from:
            let fromHere = graph.costs(from: [here], limit: limit)
            costs = snaps.map { graph.cost(to: $0, nodeCosts: fromHere) }
        }
        try WorkBudget.checkCurrent()
        return (costs.map { $0 <= limit ? $0 : .infinity }, places)
    }

    /// The `k` candidates soonest reached (within `limit` seconds), soonest first.
    public static func find(_ point: Coordinate, direction: Direction, candidates: [LayerRecord], k: Int,
                            graph: RoadGraph, limit: Double = .infinity) throws -> [Found] {
        let (costs, places) = try seconds(point, direction: direction, candidates: candidates, graph: graph, limit: limit)
        let ranked = costs.indices.filter { costs[$0].isFinite }.sorted { (costs[$0], candidates[$0].id) < (costs[$1], candidates[$1].id) }
        return try ranked.prefix(k).map { i in
            let route = direction == .to ? try graph.route(from: places[i], to: point) : try graph.route(from: point, to: places[i])
            return Found(record: candidates[i], route: route)
        }
    }
}

extension NearestByTime.Found {
    /// The route as a GeoJSON feature named by the feature reached, with its name and kind.
    public func feature(layer: Layer, direction: NearestByTime.Direction) -> Feature {
        let properties = record.feature(in: layer).properties.filter { ["name", "kind", "status", "capacity", "occupancy"].contains($0.key) }
        return route.feature(id: record.id, extra: [JSONMember("layer", .string(layer.tableName)), JSONMember("direction", .string(direction.rawValue))] + properties)
    }
}
