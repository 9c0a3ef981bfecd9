import Foundation
import OneMapGeometry
import OneMapIncidents
import OneMapIndex
import OneMapPlanning
import OneMapRouting
import OneMapStorage

/// What an incident's zones hold, what can reach it, where its people go, and whom to
/// tell: the figures of the commander's briefing, each computed by one rule here.
public enum IncidentAnalysis {
    public typealias GridShare = Population.GridShare

    public struct Residents: Sendable {
        public var total: Double
        public var grids: [GridShare]
    }

    /// A key protected target (school, hospital, crowded place, …) inside a zone or within the margin.
    public struct Target: Sendable, Equatable {
        public var layer: Layer
        public var id: String
        public var name: String
        public var kind: String
        public var capacity: Double?
        /// Geodesic metres from the zone; 0 inside.
        public var distance: Double
        public var contact: String?
        public var geometry: Geometry
    }

    public struct HazardInside: Sendable, Equatable {
        public var id: String
        public var name: String
        public var kind: String
        public var level: Int?
        public var status: String
    }

    public struct ShelterInside: Sendable, Equatable {
        public var id: String
        public var name: String
        public var capacity: Int?
        public var status: String
    }

    /// The figures of one zone (a zone's figures include the zones inside it).
    public struct Zone: Sendable {
        public var name: String
        public var method: String
        public var areaM2: Double
        public var residents: Residents
        public var targetsInside: [Target]
        public var targetsNear: [Target]
        public var hazards: [HazardInside]
        public var shelters: [ShelterInside]
    }

    /// A resource reached by road.
    public struct Resource: Sendable {
        public var record: LayerRecord
        public var name: String
        public var kind: String
        public var specialism: String?
        public var headcount: Int?
        public var minutes: Double
        public var metres: Double
        /// Whether it arrives within the plan's target (nil: no target for this kind).
        public var meetsTarget: Bool?
        public var route: Route?
        public var contact: String?
    }

    public struct Reach: Sendable {
        public var fireStations: [Resource]
        /// Teams of the specialisms the kind needs first, then others, soonest first.
        public var teams: [Resource]
        public var depots: [Resource]
        public var hospitals: [Resource]
        /// Rescue teams in service, and those on scene within the target.
        public var teamsInService: Int
        public var teamsWithinTarget: Int
        /// Why nothing could be reached by road, if so.
        public var problem: String?

        public var teamShare: Double? { teamsInService > 0 ? Double(teamsWithinTarget) / Double(teamsInService) : nil }
    }

    public struct Evacuation: Sendable {
        public var plan: EvacuationPlan
        public var origins: [EvacuationPlan.Origin]
        public var destinations: [OneMap.Evacuation.Candidate]
        public var routes: [String: Route]
        /// Nearest open shelters outside the zone with room, from the incident, by road.
        public var nearestOpen: [OneMap.Evacuation.Reached]
        public var problem: String?
    }

    public struct Relief: Sendable {
        public var persons: Double
        public var days: Double
        public var items: [(item: String, unit: String, amount: Double)]
        public var source: String
    }

    /// One line of the notification list.
    public struct Contact: Sendable, Equatable {
        /// grid_worker, key_target, fire_station, rescue_team, hospital, depot.
        public var group: String
        public var name: String
        /// The grid code or feature id.
        public var reference: String
        public var contact: String?
        public var reason: String
    }

    /// Residents inside `zone` (``Population/shares(inside:samples:)``), the grids with the most inside first.
    public static func residents(in zone: Geometry, samples: ResidentSamples) throws -> Residents {
        let (total, grids) = try Population.shares(inside: zone, samples: samples)
        return Residents(total: total, grids: grids.sorted { ($0.residentsInside, $1.code) > ($1.residentsInside, $0.code) })
    }

    /// Key protected targets inside `zone` (distance 0) and within `margin` metres of it (geodesic), nearest first.
    public static func targets(near zone: Geometry, margin: Double, snapshot: IndexSnapshot, config: IncidentConfig.KeyTargets) throws -> [Target] {
        guard let box = zone.boundingBox else { return [] }
        let wide = box.widened(byMetres: margin)
        let prepared = try GEOSContext().prepare(zone)
        var found: [Target] = []
        for (layer, kinds) in [(Layer.facilities, Set(config.facilityKinds)), (Layer.hazards, Set(config.hazardKinds))] where snapshot.loadedLayers.contains(layer) {
            let kind = layer.columnIndex("kind"), name = layer.columnIndex("name")
            let capacity = layer == .facilities ? layer.columnIndex("capacity") : nil
            let status = layer.columnIndex("status")
            for hit in try snapshot.features(layer, in: wide) {
                let r = hit.record
                guard let k = text(r.value(kind)), kinds.contains(k) else { continue }
                if layer == .hazards, r.value(status) == .text("closed") { continue }
                let distance = try prepared.intersects(r.geometry) ? 0 : ShapeGap.between(r.geometry, zone)
                guard distance <= margin else { continue }
                found.append(Target(layer: layer, id: r.id, name: text(r.value(name)) ?? r.id, kind: k,
                                    capacity: capacity.flatMap { r.value($0).number } ?? number(r.extra, "capacity"),
                                    distance: distance, contact: contact(of: r), geometry: r.geometry))
            }
        }
        return found.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
    }

    /// Open hazards meeting `zone` (secondary risks), most severe first; `except` the source hazard.
    public static func hazards(in zone: Geometry, snapshot: IndexSnapshot, except source: String?) throws -> [HazardInside] {
        guard snapshot.loadedLayers.contains(.hazards) else { return [] }
        let c = { Layer.hazards.columnIndex($0) }
        return try snapshot.features(.hazards, inside: zone, relation: .intersects).compactMap { hit -> HazardInside? in
            let r = hit.record
            guard r.id != source else { return nil }
            let status = text(r.value(c("status"))) ?? "registered"
            guard status != "closed" else { return nil }
            let level: Int? = if case .integer(let l) = r.value(c("level")) { Int(exactly: l) } else { nil }
            return HazardInside(id: r.id, name: text(r.value(c("name"))) ?? r.id, kind: text(r.value(c("kind"))) ?? "", level: level, status: status)
        }.sorted { ($0.level ?? 9, $0.id) < ($1.level ?? 9, $1.id) }
    }

    /// Shelters meeting `zone`: not to be used while it holds.
    public static func shelters(in zone: Geometry, snapshot: IndexSnapshot) throws -> [ShelterInside] {
        guard snapshot.loadedLayers.contains(.shelters) else { return [] }
        let c = { Layer.shelters.columnIndex($0) }
        return try snapshot.features(.shelters, inside: zone, relation: .intersects).map { hit in
            let r = hit.record
            return ShelterInside(id: r.id, name: text(r.value(c("name"))) ?? r.id, capacity: r.value(c("capacity")).count,
                                 status: text(r.value(c("status"))) ?? DerivedFields.defaultShelterStatus)
        }.sorted { $0.id < $1.id }
    }

    /// The fire stations, rescue teams, depots and hospitals soonest at `point` by road (one
    /// search towards the point ranks them all; the winners' routes are traced).
    public static func reach(_ point: Coordinate, kind: IncidentConfig.Kind, snapshot: IndexSnapshot, graph: RoadGraph?,
                             config: IncidentConfig) throws -> Reach {
        var reach = Reach(fireStations: [], teams: [], depots: [], hospitals: [], teamsInService: 0, teamsWithinTarget: 0)
        guard snapshot.loadedLayers.contains(.facilities) else { reach.problem = "the data has no facilities layer"; return reach }
        guard let graph, graph.pieceCount > 0 else { reach.problem = "the data has no roads a car may use"; return reach }
        let kinds = ["fire_station", "rescue_team", "depot", "hospital"]
        let kindColumn = Layer.facilities.columnIndex("kind")
        let candidates = try NearestByTime.candidates(snapshot, layer: .facilities, where: []).filter { text($0.value(kindColumn)).map(kinds.contains) ?? false }
        var ranked: [(record: LayerRecord, place: Coordinate, seconds: Double)] = []
        do {
            // One search towards the incident ranks every candidate (the nearest-by-time rule).
            let (seconds, places) = try NearestByTime.seconds(point, direction: .to, candidates: candidates, graph: graph)
            ranked = candidates.indices.map { (candidates[$0], places[$0], seconds[$0]) }
        } catch let error as RoutingError {
            reach.problem = "\(error)"
            return reach
        }
        ranked.sort { ($0.seconds, $0.record.id) < ($1.seconds, $1.record.id) }
        let c = { Layer.facilities.columnIndex($0) }
        let wanted = Set(kind.teamSpecialisms)
        func resource(_ item: (record: LayerRecord, place: Coordinate, seconds: Double), target: Double?, traced: Bool) throws -> Resource {
            let r = item.record
            let route = traced && item.seconds.isFinite ? try graph.route(from: item.place, to: point) : nil
            let minutes = item.seconds / 60
            return Resource(record: r, name: text(r.value(c("name"))) ?? r.id, kind: text(r.value(kindColumn)) ?? "",
                            specialism: text(r.value(c("specialism"))) ?? text(r.extra.first { $0.key == "specialism" }?.value),
                            headcount: r.value(c("headcount")).count, minutes: minutes, metres: route?.metres ?? .infinity,
                            meetsTarget: target.map { minutes <= $0 }, route: route, contact: contact(of: r))
        }
        func top(_ kind: String, _ k: Int, target: Double?) throws -> [Resource] {
            try ranked.filter { text($0.record.value(kindColumn)) == kind }.prefix(k).map { try resource($0, target: target, traced: true) }
        }
        let targets = config.targets, counts = config.resources
        reach.fireStations = try top("fire_station", counts.fireStations, target: targets.firstFireEngineMinutes)
        reach.depots = try top("depot", counts.depots, target: nil)
        reach.hospitals = try top("hospital", counts.hospitals, target: nil)
        let teams = ranked.filter { text($0.record.value(kindColumn)) == "rescue_team" }
        reach.teamsInService = teams.count
        reach.teamsWithinTarget = teams.filter { $0.seconds / 60 <= targets.teamMinutes }.count
        let specialist = { (item: (record: LayerRecord, place: Coordinate, seconds: Double)) -> Bool in
            let s = text(item.record.value(c("specialism"))) ?? ""
            return wanted.contains(s)
        }
        // The teams the kind calls for first (a hazmat team for a leak), then the nearest others.
        let ordered = teams.filter(specialist) + teams.filter { !specialist($0) }
        reach.teams = try ordered.prefix(counts.teams).map { try resource($0, target: targets.teamMinutes, traced: true) }
        return reach
    }

    /// Relief need: persons × days × per-person-per-day kits, plus per-person kits.
    public static func relief(persons: Double, config: IncidentConfig.Relief) -> Relief {
        let daily = config.perPersonPerDay.map { ($0.item, $0.unit, (persons * config.days * $0.amount).rounded(.up)) }
        let once = config.perPerson.map { ($0.item, $0.unit, (persons * $0.amount).rounded(.up)) }
        return Relief(persons: persons, days: config.days, items: daily + once, source: config.source)
    }

    /// The notification list: grid workers of affected grids, key targets, and the resources reached.
    public static func contacts(residents: Residents, targets: [Target], reach: Reach) -> [Contact] {
        var list: [Contact] = residents.grids.map { g in
            Contact(group: "grid_worker", name: g.gridWorker ?? "(no grid worker on record)", reference: g.code, contact: g.contact,
                    reason: "grid \(g.name): \(String(format: "%.0f", g.residentsInside)) residents inside (\(String(format: "%.0f", g.share * 100))% of the grid)")
        }
        list += targets.map { t in
            Contact(group: "key_target", name: t.name, reference: t.id, contact: t.contact,
                    reason: t.distance == 0 ? "\(t.kind) inside the zone" : "\(t.kind) \(String(format: "%.0f", t.distance)) m outside the zone")
        }
        for (group, resources) in [("fire_station", reach.fireStations), ("rescue_team", reach.teams), ("hospital", reach.hospitals), ("depot", reach.depots)] {
            list += resources.map { r in
                Contact(group: group, name: r.name, reference: r.record.id, contact: r.contact,
                        reason: r.minutes.isFinite ? String(format: "%.1f min by road%@", r.minutes, r.specialism.map { ", \($0)" } ?? "") : "not reachable by road")
            }
        }
        return list
    }

    /// The notification list as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Chinese names).
    public static func csv(_ contacts: [Contact]) -> String {
        CSVText.document(header: ["group", "name", "reference", "contact", "reason"],
                         rows: contacts.map { [$0.group, $0.name, $0.reference, $0.contact, $0.reason] })
    }

    // MARK: Values

    /// Text of a column, nil when empty.
    static func text(_ value: FieldValue) -> String? { value.string.flatMap { $0.isEmpty ? nil : $0 } }
    static func text(_ value: JSONValue?) -> String? { value?.stringValue }
    static func number(_ members: [JSONMember], _ key: String) -> Double? { members.first { $0.key == key }?.value.numberValue }

    /// A contact the data has for a feature: a `contact`, `phone` or `电话` property.
    static func contact(of record: LayerRecord) -> String? {
        for key in ["contact", "phone", "telephone", "tel", "联系电话", "电话", "联系方式"] {
            if let v = record.extra.first(where: { $0.key == key })?.value {
                if let s = v.stringValue, !s.isEmpty { return s }
                if let n = v.numberValue { return String(format: "%.0f", n) }
            }
        }
        return nil
    }
}
