import Foundation
import OneMapGeometry
import OneMapIncidents
import OneMapIndex
import OneMapPlanning
import OneMapRouting
import OneMapStorage
import Synchronization

/// All the figures of one incident at one moment: per zone what is in it, what can reach
/// it, where its people go, the relief they need and whom to tell.
public struct IncidentFigures: Sendable {
    public var incident: Incident
    public var zones: [IncidentAnalysis.Zone]
    public var reach: IncidentAnalysis.Reach
    public var evacuation: IncidentAnalysis.Evacuation
    public var relief: IncidentAnalysis.Relief
    public var contacts: [IncidentAnalysis.Contact]
    /// When the figures were computed (ISO 8601) and the change-log number they reflect.
    public var computedAt: String
    public var change: Int64
    public var mapKey: String
    /// Which parts this call computed afresh (the rest were current): residents, targets,
    /// hazards, shelters, reach, evacuation.
    public var recomputed: [String]
    public var seconds: Double
}

/// Computes incident figures and keeps them current: each part is kept with the revisions
/// of the layers it reads (``LiveOneMap/layerRevisions``), so after one hazard changes only
/// the hazard-dependent parts (hazards inside, crowded-place targets) are computed again.
/// A closed incident's figures stay as they were last computed.
public final class IncidentAnalyst: Sendable {
    private struct Part<Value: Sendable>: Sendable {
        var revisions: [Int]
        var value: Value
    }

    private struct Cached: Sendable {
        var incident: Incident
        var residents: Part<[IncidentAnalysis.Residents]>?
        var targets: Part<[[IncidentAnalysis.Target]]>?
        var hazards: Part<[[IncidentAnalysis.HazardInside]]>?
        var shelters: Part<[[IncidentAnalysis.ShelterInside]]>?
        var reach: Part<IncidentAnalysis.Reach>?
        var evacuation: Part<IncidentAnalysis.Evacuation>?
        var figures: IncidentFigures?
    }

    private let live: LiveOneMap
    private let store: any LayerStore
    public let config: IncidentConfig
    private let samples: @Sendable () throws -> ResidentSamples?
    private let drive: @Sendable () throws -> RoadGraph?
    private let cache = Mutex<[String: Cached]>([:])

    public init(live: LiveOneMap, store: any LayerStore, config: IncidentConfig, samples: @escaping @Sendable () throws -> ResidentSamples?,
                drive: @escaping @Sendable () throws -> RoadGraph?) {
        self.live = live
        self.store = store
        self.config = config
        self.samples = samples
        self.drive = drive
    }

    /// The figures of `incident` now.
    public func figures(of incident: Incident) throws -> IncidentFigures {
        let started = DispatchTime.now().uptimeNanoseconds
        var cached = cache.withLock { $0[incident.id] }.flatMap { $0.incident == incident ? $0 : nil } ?? Cached(incident: incident)
        if !incident.isOpen, let figures = cached.figures { return figures }
        let revisions = live.layerRevisions
        let snapshot = live.index.snapshot
        var recomputed: [String] = []
        func current<V>(_ part: Part<V>?, _ layers: [Layer], _ name: String, _ make: () throws -> V) rethrows -> Part<V> {
            let now = layers.map { revisions[$0] ?? 0 }
            if let part, part.revisions == now { return part }
            recomputed.append(name)
            return Part(revisions: now, value: try make())
        }
        let zones = incident.area.zones
        let kind = config.kinds[incident.kind] ?? IncidentConfig.Kind(label: incident.kind, zones: [], teamSpecialisms: [], plume: nil)
        let samples = try samples()
        cached.residents = try current(cached.residents, [.grids], "residents") {
            try zones.map { zone in
                guard let samples else { return IncidentAnalysis.Residents(total: 0, grids: []) }
                return try IncidentAnalysis.residents(in: zone.geometry, samples: samples)
            }
        }
        cached.targets = try current(cached.targets, [.facilities, .hazards], "targets") {
            try zones.map { try IncidentAnalysis.targets(near: $0.geometry, margin: config.keyTargets.marginM, snapshot: snapshot, config: config.keyTargets) }
        }
        cached.hazards = try current(cached.hazards, [.hazards], "hazards") {
            try zones.map { try IncidentAnalysis.hazards(in: $0.geometry, snapshot: snapshot, except: incident.hazardID) }
        }
        cached.shelters = try current(cached.shelters, [.shelters], "shelters") {
            try zones.map { try IncidentAnalysis.shelters(in: $0.geometry, snapshot: snapshot) }
        }
        let graph = try drive()
        let point = try GEOSContext().pointOnSurface(incident.location)
        cached.reach = try current(cached.reach, [.facilities], "reach") {
            try IncidentAnalysis.reach(point, kind: kind, snapshot: snapshot, graph: graph, config: config)
        }
        cached.evacuation = try current(cached.evacuation, [.shelters, .grids], "evacuation") {
            try Self.evacuation(point, zone: incident.area.outer?.geometry, graph: graph, snapshot: snapshot, samples: samples, k: config.resources.openSheltersOutside)
        }
        guard let residents = cached.residents?.value, let targets = cached.targets?.value, let hazards = cached.hazards?.value,
              let shelters = cached.shelters?.value, let reach = cached.reach?.value, let evacuation = cached.evacuation?.value else {
            throw IncidentError.invalid("the figures could not be computed")
        }
        let context = GEOSContext()
        let figures = try zones.indices.map { i in
            let zone = zones[i]
            let inside = targets[i].filter { $0.distance == 0 }
            return IncidentAnalysis.Zone(name: zone.name, method: zone.method, areaM2: try Population.area(of: zone.geometry, context),
                                         residents: residents[i], targetsInside: inside, targetsNear: targets[i].filter { $0.distance > 0 },
                                         hazards: hazards[i], shelters: shelters[i])
        }
        let outerResidents = residents.last ?? IncidentAnalysis.Residents(total: 0, grids: [])
        let relief = IncidentAnalysis.relief(persons: outerResidents.total.rounded(), config: config.relief)
        let contacts = IncidentAnalysis.contacts(residents: outerResidents, targets: targets.last ?? [], reach: reach)
        let change = try store.lastChangeNumber()
        let result = IncidentFigures(incident: incident, zones: figures, reach: reach, evacuation: evacuation, relief: relief, contacts: contacts,
                                     computedAt: Timestamps.now(), change: change, mapKey: live.mapKey, recomputed: recomputed,
                                     seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        cached.figures = result
        cache.withLock { $0[incident.id] = cached }
        return result
    }

    /// Forgets the figures of incidents no longer asked about.
    public func forget(_ id: String) { _ = cache.withLock { $0.removeValue(forKey: id) } }

    static func evacuation(_ point: Coordinate, zone: Geometry?, graph: RoadGraph?, snapshot: IndexSnapshot, samples: ResidentSamples?, k: Int) throws -> IncidentAnalysis.Evacuation {
        let empty = EvacuationPlan.solve(origins: [], destinations: [], seconds: [])
        var result = IncidentAnalysis.Evacuation(plan: empty, origins: [], destinations: [], routes: [:], nearestOpen: [])
        guard let zone else { return result }
        guard let graph, graph.pieceCount > 0 else { result.problem = "the data has no roads a car may use"; return result }
        guard snapshot.loadedLayers.contains(.shelters) else { result.problem = "the data has no shelters layer"; return result }
        do {
            result.nearestOpen = try Evacuation.best(from: point, graph: graph, snapshot: snapshot, zone: zone, k: k)
        } catch let error as RoutingError {
            result.problem = "\(error)"
        }
        let (plan, origins, destinations) = try Evacuation.plan(zone: zone, graph: graph, snapshot: snapshot, samples: samples)
        result.plan = plan
        result.origins = origins
        result.destinations = destinations
        result.routes = try Evacuation.routes(of: plan, origins: origins, destinations: destinations, zone: zone, graph: graph)
        return result
    }

}
