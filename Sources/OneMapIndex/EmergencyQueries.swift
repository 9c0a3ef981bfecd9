import OneMapGeometry
import OneMapStorage

/// What a shelter must offer to be suggested.
public struct ShelterCriteria: Sendable, Equatable {
    /// Accepted classes (I, II, III); empty accepts all.
    public var classes: [String]
    /// Only shelters whose status is `open` or unstated (in service, not full, closed or planned).
    /// On by default: a shelter offered to people in an emergency must be one they can use.
    public var openOnly: Bool
    /// Room still free (capacity − occupancy) for at least this many persons (default 1:
    /// some room at all).
    public var minimumRoom: Int?
    /// Any further column conditions.
    public var filters: [AttributeFilter]

    public init(classes: [String] = [], openOnly: Bool = true, minimumRoom: Int? = 1, filters: [AttributeFilter] = []) {
        self.classes = classes
        self.openOnly = openOnly
        self.minimumRoom = minimumRoom
        self.filters = filters
    }

    /// Every shelter, whatever its status and room (`status=any`): for planners, not for sending people.
    public static func anyStatus(classes: [String] = [], minimumRoom: Int? = nil, filters: [AttributeFilter] = []) -> ShelterCriteria {
        ShelterCriteria(classes: classes, openOnly: false, minimumRoom: minimumRoom, filters: filters)
    }

    /// Every shelter status but open: full, closed, planned.
    static let notOpen = Vocabulary.operationalStatus.terms.map(\.canonical).filter { $0 != DerivedFields.defaultShelterStatus }

    /// Whether a shelter with this status takes people now: open, or no status stated.
    public static func isOpen(_ status: FieldValue) -> Bool {
        status == .null || status == .text(DerivedFields.defaultShelterStatus)
    }

    func predicate() throws(QueryError) -> RecordPredicate {
        var filters = filters
        if !classes.isEmpty { filters.append(AttributeFilter(column: "shelter_class", test: .oneOf(classes))) }
        // Open, or no status at all (a shelter whose source states none is open: DerivedFields;
        // a file edited elsewhere may still hold one without) — the rule evacuation uses too.
        // Its values are parsed once, not per query (a fifth of a nearest-shelter request's
        // instructions went to parsing the same three words).
        var predicate = filters.isEmpty ? RecordPredicate.always : try RecordPredicate(filters, layer: .shelters)
        if openOnly {
            if let open = Self.openCheck {
                predicate.checks.append(open)
            } else {
                predicate.checks += try RecordPredicate([AttributeFilter(column: "status", test: .noneOf(Self.notOpen))], layer: .shelters).checks
            }
        }
        if let minimumRoom {
            guard minimumRoom >= 0 else { throw .badParameter(name: "min_room", reason: "\(minimumRoom) is below 0") }
            predicate.checks.append(.room(capacity: try Self.capacityIndex.get(), occupancy: try Self.occupancyIndex.get(), persons: Double(minimumRoom)))
        }
        return predicate
    }

    private static let openCheck = try? RecordPredicate([AttributeFilter(column: "status", test: .noneOf(notOpen))], layer: .shelters).checks.first
    private static let capacityIndex = Result { () throws(QueryError) in try RecordPredicate.column("capacity", in: .shelters) }
    private static let occupancyIndex = Result { () throws(QueryError) in try RecordPredicate.column("occupancy", in: .shelters) }
}

/// A shelter suggested for a point, with what a commander needs to send people there.
public struct ShelterHit: Sendable, Equatable {
    public var hit: Hit

    init(hit: Hit) { self.hit = hit }

    /// A hit on the shelters layer read as a shelter (its room and area per person).
    public static func of(_ hit: Hit) -> ShelterHit { ShelterHit(hit: hit) }

    public var capacity: Int? { hit.record.value(Self.capacityColumn).count }
    public var occupancy: Int? { hit.record.value(Self.occupancyColumn).count }
    /// capacity − occupancy, when the capacity is known.
    public var room: Int? { capacity.map { $0 - (occupancy ?? 0) } }
    public var effectiveArea: Double? { number(Self.areaColumn) }
    /// Effective area per person at full capacity, m²; the standards ask ≥ 1 (emergency) or ≥ 2 (fixed).
    public var areaPerPerson: Double? {
        guard let area = effectiveArea, let capacity, capacity > 0 else { return nil }
        return area / Double(capacity)
    }

    private func number(_ column: Int) -> Double? { hit.record.value(column).number }

    private static let capacityColumn = Layer.shelters.columnIndex("capacity")
    private static let occupancyColumn = Layer.shelters.columnIndex("occupancy")
    private static let areaColumn = Layer.shelters.columnIndex("effective_area_m2")

    /// As GeoJSON: the shelter, its distance and bearing, `room_persons` and `area_per_person_m2`.
    public var feature: Feature {
        var feature = hit.feature(in: .shelters)
        if let room { feature.properties.append(JSONMember("room_persons", .number(Double(room)))) }
        if let areaPerPerson {
            feature.properties.append(JSONMember("area_per_person_m2", .number((areaPerPerson * 100).rounded() / 100)))
        }
        return feature
    }

    /// Writes ``feature`` straight into `out` (the same bytes as `GeoJSONWriter.write` of it).
    public func write(into out: inout [UInt8]) {
        let room = room, areaPerPerson = areaPerPerson
        hit.write(in: .shelters, more: { out, first in
            if let room { Hit.member("room_persons", Double(room), into: &out, first: &first) }
            if let areaPerPerson { Hit.member("area_per_person_m2", (areaPerPerson * 100).rounded() / 100, into: &out, first: &first) }
        }, into: &out)
    }
}

extension IndexSnapshot {
    /// The `k` nearest shelters to `point` that meet `criteria`, nearest first.
    public func nearestShelters(to point: Coordinate, k: Int, criteria: ShelterCriteria = ShelterCriteria(),
                                maxDistance: Double = .infinity) throws -> [ShelterHit] {
        try QueryCheck.point(point)
        try QueryCheck.count(k)
        let state = try state(.shelters)
        let predicate = try criteria.predicate()
        return state.nearest(to: GeodesicObserver(point), k: k, maxDistance: maxDistance, where: predicate).map { ref, m in
            ShelterHit(hit: Hit(state, ref, distance: m.distance, bearing: m.bearing))
        }
    }

    /// Every shelter that meets `criteria`, by id (candidates for a search by travel time).
    public func shelters(meeting criteria: ShelterCriteria) throws -> [LayerRecord] {
        let predicate = try criteria.predicate()
        return try allFeatures(.shelters).filter { predicate.matches($0) }.sorted { $0.id < $1.id }
    }

    /// A grid worker's "hazards near me": hazards within `radius` metres, optionally of
    /// some levels or kinds, nearest first; by default only open ones (not closed).
    public func hazardsNear(_ point: Coordinate, radius: Double, levels: [String] = [], kinds: [String] = [],
                            status: HazardStatusChoice = .open, where filters: [AttributeFilter] = [],
                            limit: Int? = nil) throws -> [Hit] {
        var filters = filters
        if !levels.isEmpty { filters.append(AttributeFilter(column: "level", test: .oneOf(levels))) }
        if !kinds.isEmpty { filters.append(AttributeFilter(column: "kind", test: .oneOf(kinds))) }
        if let filter = status.filter { filters.append(filter) }
        return try features(.hazards, within: radius, of: point, where: filters, limit: limit)
    }
}

/// Which hazards a list near a point shows. A grid worker or commander asking what is
/// near them means the hazards still there: closed (销号) ones only when asked for.
public enum HazardStatusChoice: Sendable, Equatable {
    /// Not closed (registered or rectifying; a hazard without a status counts as open).
    case open
    /// Every hazard, closed ones too.
    case any
    /// Exactly these statuses.
    case oneOf([String])

    /// What a caller's status list means: none given → open ones; `any` → all; else those.
    public init(_ statuses: [String]?) {
        switch statuses {
        case nil, []?: self = .open
        case ["any"]?: self = .any
        case let list?: self = .oneOf(list)
        }
    }

    /// A hazards query's filters as the caller gave them, with this rule applied to their
    /// `status` filter: none → open ones, `status=any` → all, else the statuses given.
    public static func applied(to filters: [AttributeFilter]) -> [AttributeFilter] {
        var rest = filters
        let given = rest.firstIndex { $0.column == "status" }.map { rest.remove(at: $0) }
        switch given?.test {
        case nil: return rest + [HazardStatusChoice.open.filter].compactMap { $0 }
        case .oneOf(let values)?: return rest + [HazardStatusChoice(values).filter].compactMap { $0 }
        case let other?: return rest + [AttributeFilter(column: "status", test: other)]
        }
    }

    var filter: AttributeFilter? {
        switch self {
        case .open: AttributeFilter(column: "status", test: .noneOf(["closed"]))
        case .any: nil
        case .oneOf(let statuses): AttributeFilter(column: "status", test: .oneOf(statuses))
        }
    }
}

extension IndexSnapshot {
    /// Whether a shelter or facility with this `status` serves now: open or full, not
    /// closed or only planned (an unknown status counts as serving).
    public static func isInService(_ status: FieldValue) -> Bool {
        status != .text("closed") && status != .text("planned")
    }

    /// The facilities of `kind` (`fire_station`, `depot`, …) in service, by id; none when
    /// the layer is not loaded.
    public func facilitiesInService(kind: String) throws -> [LayerRecord] {
        guard loadedLayers.contains(.facilities) else { return [] }
        let kindColumn = Layer.facilities.columnIndex("kind"), status = Layer.facilities.columnIndex("status")
        return try allFeatures(.facilities)
            .filter { $0.value(kindColumn) == .text(kind) && Self.isInService($0.value(status)) }
            .sorted { $0.id < $1.id }
    }
}
