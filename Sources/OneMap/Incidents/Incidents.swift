import Foundation
import OneMapGeometry
import OneMapIncidents
import OneMapIndex
import OneMapRouting
import OneMapStorage
import Synchronization

/// The commander's incidents as a core capability: create one (from a point, a line, a
/// polygon or a hazard), make its affected area, move its status, append reports to its
/// chain. Every change is checked here (roles, the lifecycle, the chain's order), written
/// with its change-log row in one transaction, and only then kept in memory — under one
/// lock, as ``FieldReports`` does. The server and the CLI decode and call.
public final class Incidents: Sendable {
    public let store: any LayerStore
    /// Where accepted changes are announced (the server's `/events`); nil: nowhere.
    public let feed: ChangeFeed?
    public let config: IncidentConfig
    private let live: LiveOneMap
    private let drive: @Sendable () throws -> RoadGraph?
    private let state: Mutex<[String: Incident]>

    /// What to create.
    public struct Creation: Sendable {
        public var id: String?
        public var kind: String
        public var title: String?
        /// The incident's place; nil: the source hazard's geometry.
        public var location: Geometry?
        public var hazardID: String?
        /// ISO 8601; nil: now.
        public var startedAt: String?
        public var area: AreaRequest

        public init(id: String? = nil, kind: String, title: String? = nil, location: Geometry? = nil, hazardID: String? = nil,
                    startedAt: String? = nil, area: AreaRequest = .kind) {
            self.id = id
            self.kind = kind
            self.title = title
            self.location = location
            self.hazardID = hazardID
            self.startedAt = startedAt
            self.area = area
        }
    }

    /// What a PATCH changes; nil members stay.
    public struct Change: Sendable {
        public var title: String?
        public var status: IncidentStatus?
        public var area: AreaRequest?
        public init(title: String? = nil, status: IncidentStatus? = nil, area: AreaRequest? = nil) {
            self.title = title
            self.status = status
            self.area = area
        }
    }

    /// One report as given (time and author are the service's).
    public struct ReportInput: Sendable {
        public var kind: ReportKind
        public var casualties: Casualties
        public var affectedPeople: Int?
        public var measures: String?
        public var trend: String?
        public var text: String?
        public init(kind: ReportKind, casualties: Casualties = Casualties(), affectedPeople: Int? = nil, measures: String? = nil,
                    trend: String? = nil, text: String? = nil) {
            self.kind = kind
            self.casualties = casualties
            self.affectedPeople = affectedPeople
            self.measures = measures
            self.trend = trend
            self.text = text
        }
    }

    /// What an accepted change did.
    public struct Accepted: Sendable {
        public var incident: Incident
        /// The change number in the log.
        public var change: Int64
    }

    public init(store: any LayerStore, live: LiveOneMap, config: IncidentConfig, feed: ChangeFeed? = nil, drive: @escaping @Sendable () throws -> RoadGraph?) throws {
        self.feed = feed
        self.store = store
        self.live = live
        self.config = config
        self.drive = drive
        state = Mutex(try Self.load(store))
    }

    /// The configuration at `path`, else `ONEMAP_INCIDENTS`'s file, else `config/incidents.json`
    /// in the working directory, else the one compiled in.
    public static func config(path: String?) throws -> IncidentConfig {
        if let chosen = Configuration.path(Defaults.incidents, given: path) {
            guard let data = FileManager.default.contents(atPath: chosen) else { throw IncidentConfigError(path: chosen, reason: "cannot read the file") }
            return try IncidentConfig.decode(data, path: chosen)
        }
        return try IncidentConfig.decode(Data(Defaults.incidents.bytes), path: "config/incidents.json (compiled in)")
    }

    // MARK: Reading

    /// Reads every incident again from the store: what other replicas of a shared store
    /// wrote (their changes reach this one through the change log).
    public func refresh() throws {
        // Under the lock: a change this desk commits meanwhile is not overwritten by an older read.
        try state.withLock { $0 = try Self.load(store) }
    }

    /// Every incident, newest first.
    public func list(status: IncidentStatus? = nil) -> [Incident] {
        Self.newestFirst(state.withLock { Array($0.values) }.filter { status == nil || $0.status == status })
    }

    public func incident(_ id: String) throws -> Incident {
        guard let found = state.withLock({ $0[id] }) else { throw IncidentError.unknownIncident(id) }
        return found
    }

    // MARK: Writing

    public func create(_ request: Creation, by author: Author) throws -> Accepted {
        try Self.permit(author, "create an incident")
        guard config.kinds[request.kind] != nil else { throw IncidentError.unknownKind(request.kind, known: config.kindNames) }
        if let id = request.id { try Self.checkID(id) }
        if let title = request.title, title.isEmpty || title.count > 500 { throw IncidentError.invalid("title: 1–500 characters (leave it out for the kind and the hazard's name)") }
        let snapshot = live.index.snapshot
        var hazard: LayerRecord?
        if let hazardID = request.hazardID {
            guard snapshot.loadedLayers.contains(.hazards), let found = snapshot.feature(.hazards, id: hazardID) else { throw IncidentError.unknownHazard(hazardID) }
            hazard = found
        }
        guard let location = request.location ?? hazard?.geometry else {
            throw IncidentError.invalid("location: give the incident's place (a GeoJSON geometry) or the hazard it started from")
        }
        try Self.checkShape(location)
        let now = Timestamps.now()
        let startedAt = try request.startedAt.map(Self.checkTime) ?? now
        let area = try AffectedArea.make(request.area, location: location, kind: request.kind, hazard: hazard, config: config, drive: drive, at: now).stored
        return try state.withLock { incidents in
            let id = request.id ?? Self.nextID(now, taken: incidents)
            guard incidents[id] == nil else { throw IncidentError.duplicateID(id) }
            let title = request.title ?? "\(config.kinds[request.kind]?.label ?? request.kind)\(hazard.map { " — \(Self.name(of: $0))" } ?? "")"
            let incident = Incident(id: id, kind: request.kind, title: title, location: location, hazardID: hazard?.id, startedAt: startedAt,
                                    status: .reported, createdBy: author.name, createdAt: now, changedBy: nil, changedAt: nil, area: area, reports: [])
            let change = try commitChecked(incident, replacing: nil, author: author, at: now, in: &incidents)
            incidents[id] = incident
            return Accepted(incident: incident, change: change)
        }
    }

    public func update(_ id: String, _ change: Change, by author: Author) throws -> Accepted {
        try Self.permit(author, "change an incident")
        if let title = change.title, title.isEmpty || title.count > 500 { throw IncidentError.invalid("title: 1–500 characters") }
        let current = try incident(id)
        var next = current
        if let status = change.status {
            if let refusal = current.status.refusal(to: status, isAdmin: author.role == .admin) { throw IncidentError.lifecycle(refusal) }
            if status != .closed, current.reports.last?.kind == .final, author.role != .admin {
                throw IncidentError.lifecycle("status: the chain has its final report (终报); only an admin may reopen the incident")
            }
            next.status = status
        }
        if let title = change.title { next.title = title }
        let now = Timestamps.now()
        if let area = change.area {
            guard next.isOpen else { throw IncidentError.closed(id) }
            let hazard = current.hazardID.flatMap { live.index.snapshot.feature(.hazards, id: $0) }
            next.area = try AffectedArea.make(area, location: current.location, kind: current.kind, hazard: hazard, config: config, drive: drive, at: now).stored
        }
        guard next != current else { return Accepted(incident: current, change: 0) }
        next.changedBy = author.name
        next.changedAt = now
        return try state.withLock { incidents in
            guard incidents[id] == current else { throw IncidentError.lifecycle("incident '\(id)' changed while this change was made; read it again and retry") }
            let number = try commitChecked(next, replacing: current, author: author, at: now, in: &incidents)
            incidents[id] = next
            return Accepted(incident: next, change: number)
        }
    }

    /// Appends a report to the chain. A final report closes the incident.
    public func report(_ id: String, _ input: ReportInput, by author: Author) throws -> Accepted {
        try Self.permit(author, "report on an incident")
        for (name, value) in [("dead", input.casualties.dead), ("injured", input.casualties.injured), ("missing", input.casualties.missing),
                              ("trapped", input.casualties.trapped), ("affected_people", input.affectedPeople)] {
            if let value, !(0...100_000_000).contains(value) { throw IncidentError.invalid("\(name): \(value) is outside 0…100,000,000") }
        }
        for (name, value) in [("measures", input.measures), ("trend", input.trend), ("text", input.text)] {
            if let value, value.count > 4000 { throw IncidentError.invalid("\(name): \(value.count) characters, more than 4,000") }
        }
        return try state.withLock { incidents in
            guard let current = incidents[id] else { throw IncidentError.unknownIncident(id) }
            if let refusal = input.kind.refusal(after: current.reports.map(\.kind)) { throw IncidentError.lifecycle(refusal) }
            guard current.isOpen else { throw IncidentError.closed(id) }
            let now = Timestamps.now()
            let report = IncidentReport(sequence: current.reports.count + 1, kind: input.kind, reportedAt: now, author: author.name, role: author.role.rawValue,
                                        casualties: input.casualties, affectedPeople: input.affectedPeople, measures: input.measures, trend: input.trend,
                                        text: input.text, affectedArea: current.area.featureCollection)
            var next = current
            next.reports.append(report)
            if input.kind == .final { next.status = .closed }
            next.changedBy = author.name
            next.changedAt = now
            let number = try commitChecked(next, replacing: current, author: author, at: now, report: report, in: &incidents)
            incidents[id] = next
            return Accepted(incident: next, change: number)
        }
    }

    /// The logged changes of one incident and its reports, oldest first.
    public func history(_ id: String) throws -> [ChangeLog.Entry] {
        let reportCount = try incident(id).reports.count
        let own = try store.history(layer: IncidentTables.incidents.name, featureID: id)
        var reports: [ChangeLog.Entry] = []
        for n in 1...max(1, reportCount) {
            reports += try store.history(layer: IncidentTables.reports.name, featureID: "\(id)/\(n)")
        }
        return (own + reports).sorted { $0.number < $1.number }
    }

    // MARK: Rules

    static func permit(_ author: Author, _ what: String) throws {
        guard author.mayCommand else {
            throw IncidentError.forbidden("\(author.name) is a grid worker and may not \(what); commanders, planners and admins may")
        }
    }

    static func checkID(_ id: String) throws {
        do { try FieldReports.checkID(id) } catch { throw IncidentError.invalid("id: \(error)") }
    }

    static func checkTime(_ text: String) throws -> String {
        guard let date = Timestamps.parse(text) else { throw IncidentError.invalid("started_at: '\(text)' is not an ISO 8601 time (2026-12-03T08:15:00Z)") }
        guard date.timeIntervalSinceNow < 86_400 else { throw IncidentError.invalid("started_at: '\(text)' lies in the future") }
        return Timestamps.format(date)
    }

    /// The incident's place: the rule every reported geometry follows (``FieldReports``).
    static func checkShape(_ geometry: Geometry) throws {
        do {
            try FieldReports.checkShape(geometry, maxVertices: FieldReports.Limits().maxVertices)
        } catch let error as ReportError {
            throw IncidentError.invalid("location: \(error)")
        }
    }

    static func name(of record: LayerRecord) -> String {
        if case .text(let n) = record.value(Layer.hazards.columnIndex("name")) { return n }
        return record.id
    }

    /// INC-20261203-0001: the day's next number.
    static func nextID(_ now: String, taken: [String: Incident]) -> String {
        let day = String(now.prefix(10)).replacingOccurrences(of: "-", with: "")
        var n = taken.keys.filter { $0.hasPrefix("INC-\(day)-") }.count + 1
        while taken["INC-\(day)-\(String(format: "%04d", n))"] != nil { n += 1 }
        return "INC-\(day)-\(String(format: "%04d", n))"
    }

    // MARK: Storage

    /// Writes the incident (its row and zones, and a new report) with its change-log row in one transaction.
    private func commit(_ incident: Incident, replacing old: Incident?, author: Author, at now: String, report: IncidentReport? = nil) throws -> Int64 {
        let number = try store.writeTables(IncidentTables.all) { session -> Int64 in
            let values = Self.values(incident)
            // Over a shared store another replica may have changed the incident since this one
            // read it: then nothing is written, and the incidents are read again.
            let stored = try session.lockRows(of: IncidentTables.incidents, where: "id", equals: .text(incident.id)).first
            if stored?.values != old.map(Self.values) || (old == nil && stored != nil) {
                throw StorageError.conflict(.hazards, id: incident.id)
            }
            if old == nil {
                try session.insert(into: IncidentTables.incidents, geometry: incident.location, values: values)
            } else {
                try session.update(IncidentTables.incidents, where: "id", equals: .text(incident.id), geometry: incident.location, values: values)
            }
            if old?.area != incident.area {
                try session.delete(from: IncidentTables.zones, where: "incident_id", equals: .text(incident.id))
                for (rank, zone) in incident.area.zones.enumerated() {
                    try session.insert(into: IncidentTables.zones, geometry: zone.geometry, values: [
                        .text(incident.id), .integer(Int64(rank)), .text(zone.name), .text(zone.method), .text(JSONWriter.string(zone.inputs)), .text(zone.madeAt),
                    ])
                }
            }
            if let report {
                let c = report.casualties
                func count(_ n: Int?) -> FieldValue { n.map { .integer(Int64($0)) } ?? .null }
                func text(_ s: String?) -> FieldValue { s.map(FieldValue.text) ?? .null }
                try session.insert(into: IncidentTables.reports, geometry: nil, values: [
                    .text(incident.id), .integer(Int64(report.sequence)), .text(report.kind.rawValue), .text(report.reportedAt), .text(report.author),
                    .text(report.role), count(c.dead), count(c.injured), count(c.missing), count(c.trapped), count(report.affectedPeople),
                    text(report.measures), text(report.trend), text(report.text), .text(JSONWriter.string(report.affectedArea)),
                ])
                let reportFeature = Feature(id: "\(incident.id)/\(report.sequence)", geometry: incident.location, properties: report.json.objectValue ?? [])
                _ = try session.append(ChangeLog.Entry(changedAt: now, author: author.name, role: author.role.rawValue, authorGrid: author.grid,
                                                       layer: IncidentTables.reports.name, featureID: "\(incident.id)/\(report.sequence)",
                                                       operation: .create, before: nil, after: reportFeature))
            }
            return try session.append(ChangeLog.Entry(changedAt: now, author: author.name, role: author.role.rawValue, authorGrid: author.grid,
                                                      layer: IncidentTables.incidents.name, featureID: incident.id, operation: old == nil ? .create : .update,
                                                      before: old?.feature(), after: incident.feature()))
        }
        feed?.publish(number)
        return number
    }

    /// ``commit(_:replacing:author:at:report:)``, and when another replica changed the
    /// incident meanwhile: the incidents read again, and the step refused to be made again on
    /// what the incident is now (nothing of it was stored).
    private func commitChecked(_ incident: Incident, replacing old: Incident?, author: Author, at now: String, report: IncidentReport? = nil,
                               in incidents: inout [String: Incident]) throws -> Int64 {
        do {
            return try commit(incident, replacing: old, author: author, at: now, report: report)
        } catch StorageError.conflict {
            if let stored = try? Self.load(store) { incidents = stored }
            if old == nil { throw IncidentError.duplicateID(incident.id) }
            throw IncidentError.lifecycle("incident '\(incident.id)' was changed by another desk meanwhile; read it again and retry")
        }
    }

    /// Polygons as the MultiPolygons the zones table declares.
    static func multi(_ geometry: Geometry) -> Geometry {
        if case .polygon(let rings) = geometry { return .multiPolygon([rings]) }
        return geometry
    }

    static func values(_ i: Incident) -> [FieldValue] {
        [.text(i.id), .text(i.kind), .text(i.title), i.hazardID.map(FieldValue.text) ?? .null, .text(i.startedAt), .text(i.status.rawValue),
         .text(i.createdBy), .text(i.createdAt), i.changedBy.map(FieldValue.text) ?? .null, i.changedAt.map(FieldValue.text) ?? .null,
         .text(i.area.method), .text(JSONWriter.string(i.area.inputs))]
    }

    /// Every incident stored in `store`, newest first (without opening the map).
    public static func stored(in store: any LayerStore) throws -> [Incident] {
        newestFirst(Array(try load(store).values))
    }

    static func newestFirst(_ incidents: [Incident]) -> [Incident] {
        incidents.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    /// Every incident the file holds, with its zones and reports.
    static func load(_ store: any LayerStore) throws -> [String: Incident] {
        let session = store
        do {
            func text(_ v: FieldValue) -> String? { v.string }
            func int(_ v: FieldValue) -> Int? { if case .integer(let i) = v { Int(exactly: i) } else { nil } }
            // A value another program wrote that is not JSON is kept as its text, not a failed start.
            func json(_ v: FieldValue) throws -> JSONValue {
                guard let s = text(v) else { return .null }
                return (try? JSONParser(ByteStream(bytes: Array(s.utf8))).parseValue()) ?? .string(s)
            }
            var zones: [String: [IncidentZone]] = [:]
            for row in try session.rows(of: IncidentTables.zones) {
                guard let id = text(row.value(0)), let geometry = row.geometry else { continue }
                zones[id, default: []].append(IncidentZone(name: text(row.value(2)) ?? "", geometry: geometry, method: text(row.value(3)) ?? "",
                                                           inputs: try json(row.value(4)), madeAt: text(row.value(5)) ?? ""))
            }
            var reports: [String: [IncidentReport]] = [:]
            for row in try session.rows(of: IncidentTables.reports) {
                let v = row.values
                guard let id = text(v[0]), let kind = text(v[2]).flatMap(ReportKind.init(rawValue:)) else { continue }
                reports[id, default: []].append(IncidentReport(
                    sequence: int(v[1]) ?? 0, kind: kind, reportedAt: text(v[3]) ?? "", author: text(v[4]) ?? "", role: text(v[5]) ?? "",
                    casualties: Casualties(dead: int(v[6]), injured: int(v[7]), missing: int(v[8]), trapped: int(v[9])), affectedPeople: int(v[10]),
                    measures: text(v[11]), trend: text(v[12]), text: text(v[13]), affectedArea: try json(v[14])))
            }
            var incidents: [String: Incident] = [:]
            for row in try session.rows(of: IncidentTables.incidents) {
                let v = row.values
                guard let id = text(v[0]), let location = row.geometry else { continue }
                let area = AffectedArea(method: text(v[10]) ?? "", inputs: try json(v[11]), zones: zones[id] ?? [])
                incidents[id] = Incident(id: id, kind: text(v[1]) ?? "other", title: text(v[2]) ?? "", location: location, hazardID: text(v[3]),
                                         startedAt: text(v[4]) ?? "", status: text(v[5]).flatMap(IncidentStatus.init(rawValue:)) ?? .reported,
                                         createdBy: text(v[6]) ?? "", createdAt: text(v[7]) ?? "", changedBy: text(v[8]), changedAt: text(v[9]),
                                         area: area, reports: (reports[id] ?? []).sorted { $0.sequence < $1.sequence })
            }
            return incidents
        }
    }
}
