import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage
import Synchronization

/// Reports from the field as a core capability: a grid worker registers a hazard and moves
/// it through its lifecycle, shelters report capacity, occupancy and status.
///
/// Every report is validated, located, permitted, checked against the lifecycle, committed
/// to the GeoPackage with its change-log row in one transaction, and applied to the live
/// map — all under one lock, so two concurrent edits of one feature never lose either:
/// the second merges into what the first wrote. The HTTP handler and the CLI only decode
/// and call; the rules live here, once.
///
/// ```swift
/// let reports = FieldReports(store: store, live: live)
/// let done = try reports.update(.hazards, id: "H-1", patch: .init(properties: [JSONMember("status", "closed")]),
///                               by: Author(name: "张", role: .gridWorker, grid: "150603001001001"))
/// print(done.version, done.change)
/// ```
public final class FieldReports: Sendable {
    public struct Limits: Sendable {
        /// Most coordinates in one reported geometry (a 40,000-vertex polygon made the
        /// tiles over it 200–400× slower to draw).
        public var maxVertices = 10_000
        public init() {}
    }

    /// A JSON merge patch (RFC 7396) of a feature's properties, and optionally a new geometry.
    public struct Patch: Sendable {
        public var properties: [JSONMember]
        public var geometry: Geometry?
        public init(properties: [JSONMember], geometry: Geometry? = nil) {
            self.properties = properties
            self.geometry = geometry
        }
    }

    /// What an accepted report did.
    public struct Accepted: Sendable {
        public var record: LayerRecord
        public var feature: Feature
        /// The feature's version now (an HTTP `ETag` without its quotes).
        public var version: String
        /// The change number in the log; nil when the report changed nothing.
        public var change: Int64?
        /// True when this is the answer to a request sent again with the same idempotency
        /// key: the first one was stored, this one stored nothing.
        public var replayed = false
    }

    /// Where a hazard may go next without a supervisor: one step forward (排查→登记→治理→销号).
    public static let forward: [String: Set<String>] = [
        "registered": ["registered", "rectifying"],
        "rectifying": ["rectifying", "closed"],
        "closed": ["closed"],
    ]
    /// Hazard fields only the service writes.
    public static let hazardServerFields = ["reported_by", "reported_at", "grid_code", "changed_by", "changed_at", "closed_by", "closed_at"]
    /// Hazard fields only planners and admins set: the supervised listing (挂牌督办).
    public static let supervisionFields = ["supervision_owner", "due_date"]
    /// Shelter fields a report may change.
    public static let shelterReportable = ["capacity", "effective_area_m2", "exits", "occupancy", "status"]
    /// Ids a report may give: letters and digits of any script and `- _ . : ~`, 1–128 characters.
    public static let idRule = "letters, digits, '-', '_', '.', ':' or '~', 1–128 characters"

    /// The layers that take reports, and the one that takes new features by report.
    public static let reportable: Set<Layer> = [.hazards, .shelters]
    public static let creatable: Layer = .hazards

    /// Where the layers and the change log are kept (a GeoPackage, or PostGIS shared with
    /// other replicas).
    public let store: any LayerStore
    /// The store as a GeoPackage file, when it is one: photos and the edit journal of
    /// other programs' edits live there.
    public var geoPackage: GeoPackage? { store as? GeoPackage }
    public let live: LiveOneMap
    public let limits: Limits
    /// Where accepted changes are announced (the server's `/events`); nil: nowhere.
    public let feed: ChangeFeed?
    let lock = Mutex(())
    /// The edit journal's last row this service has applied (``applyEditsFromElsewhere()``).
    private let journal: Mutex<(seen: Int64, dataVersion: Int64)>
    /// The change number through which the change log is applied to the live map (this
    /// service's own writes and, over a shared store, every other replica's).
    let applied: Mutex<Int64>
    /// Told of logged changes to tables other than the layers (incidents) read on catch-up.
    private let otherTables = Mutex<(@Sendable ([ChangeLog.Entry]) -> Void)?>(nil)

    /// Calls `body` with the changes to OneMap's other tables (incidents, their reports)
    /// that catching up reads: what other replicas of a shared store wrote there.
    public func whenOtherTablesChange(_ body: @escaping @Sendable ([ChangeLog.Entry]) -> Void) {
        otherTables.withLock { $0 = body }
    }
    /// Column matching (names and aliases) of each reportable layer, built once.
    private let mappers: [Layer: RecordMapper]

    /// `store`'s features are those `live` was loaded with, through its last change number
    /// now (read here: load the map, then make this).
    public init(store: any LayerStore, live: LiveOneMap, limits: Limits = Limits(), feed: ChangeFeed? = nil, appliedThrough: Int64? = nil) throws {
        self.store = store
        self.live = live
        self.limits = limits
        self.feed = feed
        mappers = try Dictionary(uniqueKeysWithValues: Self.reportable.map { ($0, try RecordMapper(layer: $0)) })
        journal = Mutex(try (store as? GeoPackage)?.read { (try $0.lastEdit(), try $0.dataVersion()) } ?? (0, 0))
        applied = Mutex(try appliedThrough ?? store.lastChangeNumber())
    }

    /// The change number through which the live map has every change.
    public var appliedChange: Int64 { applied.withLock { $0 } }

    /// Applies what other writers of a shared store (other replicas) logged since the last
    /// change applied here: the features each change names, read as the store holds them now,
    /// go into the live index (dropping the tiles they touch and re-colouring for hazards),
    /// and the changes go out on the live feed. Returns how many changes were read.
    @discardableResult
    public func applyChangesFromElsewhere() throws -> Int {
        try lock.withLock { _ in try catchUp(through: nil) }
    }

    /// Applies the logged changes after ``appliedChange`` (through `last` when given); call
    /// under ``lock``.
    @discardableResult
    func catchUp(through last: Int64?) throws -> Int {
        var read = 0
        while true {
            let after = applied.withLock { $0 }
            if let last, after >= last { return read }
            let entries = try store.changes(after: after, limit: 1000).filter { entry in last.map { entry.number <= $0 } ?? true }
            guard !entries.isEmpty else { return read }
            read += entries.count
            var ids: [Layer: [String]] = [:]
            var reloaded: Set<Layer> = []
            let loaded = live.index.snapshot.loadedLayers
            for entry in entries where entry.operation != .attach {
                guard let layer = Layer(rawValue: entry.layer), loaded.contains(layer) else { continue }
                if entry.operation == .reload {
                    reloaded.insert(layer)
                } else if !(ids[layer]?.contains(entry.featureID) ?? false) {
                    ids[layer, default: []].append(entry.featureID)
                }
            }
            var hints: [Int64: ChangeFeed.Hint] = [:]
            // A layer loaded in bulk is read whole and compared with what the index holds.
            for layer in reloaded.sorted(by: { $0.tableName < $1.tableName }) {
                var stored: [String: LayerRecord] = [:]
                try store.forEachRecord(in: layer) { stored[$0.id] = $0 }
                ids[layer] = nil
                for (id, record) in try Self.differences(layer, stored: stored, snapshot: live.index.snapshot).sorted(by: { $0.key < $1.key }) {
                    if let change = Self.change(toHold: record, id: id, holding: live.index.snapshot.feature(layer, id: id)) { try live.apply(change, to: layer) }
                }
            }
            for (layer, wanted) in ids.sorted(by: { $0.key.tableName < $1.key.tableName }) {
                var stored: [String: LayerRecord] = [:]
                for record in try store.records(in: layer, ids: wanted) { stored[record.id] = record }
                for id in wanted {
                    guard let change = Self.change(toHold: stored[id], id: id, holding: live.index.snapshot.feature(layer, id: id)) else { continue }
                    let update = try live.apply(change, to: layer)
                    if let number = entries.last(where: { $0.layer == layer.tableName && $0.featureID == id })?.number {
                        hints[number] = ChangeFeed.Hint(update)
                    }
                }
            }
            let others = entries.filter { Layer(rawValue: $0.layer) == nil }
            if !others.isEmpty, let tell = otherTables.withLock({ $0 }) { tell(others) }
            applied.withLock { $0 = entries.last?.number ?? $0 }
            if let feed {
                for (number, hint) in hints.sorted(by: { $0.key < $1.key }) { feed.hint(number, hint) }
                feed.publish()
            }
        }
    }

    /// What one look at the edit journal applied.
    public struct ExternalEdits: Sendable, Equatable {
        /// Features inserted, changed or removed in the live index, by layer.
        public var applied: [Layer: Int] = [:]
        public var isEmpty: Bool { applied.isEmpty }
    }

    /// Applies what other programs (the CLI, QGIS, ogr2ogr) committed to the file since the
    /// last look: the features the edit journal names, read as the file holds them now, go
    /// into the live index and drop the tiles they touch; hazards also re-colour the map.
    /// Cheap when nothing changed (one `PRAGMA data_version`); a server calls it every half
    /// second. Edits to grids, roads and admin units reach queries and tiles; the risk areas
    /// and the road graph built from them are rebuilt on restart.
    public func applyEditsFromElsewhere() throws -> ExternalEdits {
        guard let store = geoPackage else { return ExternalEdits() }
        return try lock.withLock { _ in
            let (seen, version) = journal.withLock { $0 }
            let now = try store.read { try $0.dataVersion() }
            guard now != version else { return ExternalEdits() }
            let (edits, changed) = try store.read { session -> ([EditJournal.Edit], [Layer: [String: LayerRecord?]]) in
                let edits = try session.edits(after: seen, limit: EditJournal.readLimit)
                var changed: [Layer: [String: LayerRecord?]] = [:]
                let snapshot = live.index.snapshot
                for edit in edits where snapshot.loadedLayers.contains(edit.layer) {
                    if edit.operation == "reload" {
                        // A bulk load: compare the whole layer with what the index holds.
                        var present: [String: LayerRecord] = [:]
                        try session.forEachRecord(in: edit.layer) { present[$0.id] = $0 }
                        changed[edit.layer, default: [:]].merge(try Self.differences(edit.layer, stored: present, snapshot: snapshot)) { _, new in new }
                    } else if let id = edit.featureID, changed[edit.layer]?[id] == nil {
                        changed[edit.layer, default: [:]][id] = .some(try session.record(in: edit.layer, id: id))
                    }
                }
                return (edits, changed)
            }
            var result = ExternalEdits()
            var touched: [(layer: Layer, id: String, box: BoundingBox?)] = []
            var recoloured: [LiveOneMap.RecolouredArea] = []
            for (layer, records) in changed {
                for (id, record) in records.sorted(by: { $0.key < $1.key }) {
                    // A journalled edit is applied even when it left the feature as it was.
                    guard let change = Self.change(toHold: record, id: id, holding: live.index.snapshot.feature(layer, id: id), evenIfEqual: true) else { continue }
                    let before = live.index.snapshot.feature(layer, id: id)?.geometry.boundingBox
                    let update = try live.apply(change, to: layer)
                    result.applied[layer, default: 0] += 1
                    touched.append((layer, id, before))
                    if let box = record?.geometry.boundingBox { touched.append((layer, id, box)) }
                    recoloured += update.recolouredAreas
                }
            }
            feed?.publishEdits(touched, hint: recoloured)
            // Rows applied and a day old are of no use to anyone: the journal stays small.
            if let last = edits.last?.number { try store.write { try $0.pruneEdits(through: last, olderThanSeconds: 86_400) } }
            // A journal longer than one read's limit: keep the old data_version so the next look goes on.
            journal.withLock { $0 = (edits.last?.number ?? seen, edits.count >= EditJournal.readLimit ? version : now) }
            return result
        }
    }

    /// The change that makes the index, holding `current` for feature `id`, hold `stored`
    /// (nil: the store has no such feature); nil when there is nothing to do.
    static func change(toHold stored: LayerRecord?, id: String, holding current: LayerRecord?, evenIfEqual: Bool = false) -> FeatureChange? {
        switch (stored, current) {
        case (let r?, let c?): r == c && !evenIfEqual ? nil : .update(r)
        case (let r?, nil): .insert(r)
        case (nil, _?): .delete(id: id)
        case (nil, nil): nil
        }
    }

    /// The features of `layer` whose `stored` record (read whole from the store) differs from
    /// the index's: id → the stored record, or nil for a feature the store no longer has.
    static func differences(_ layer: Layer, stored: [String: LayerRecord], snapshot: IndexSnapshot) throws -> [String: LayerRecord?] {
        var changed: [String: LayerRecord?] = [:]
        for record in try snapshot.allFeatures(layer) where stored[record.id] == nil { changed[record.id] = .some(nil) }
        for (id, record) in stored where snapshot.feature(layer, id: id) != record { changed[id] = record }
        return changed
    }

    private func mapper(_ layer: Layer) throws -> RecordMapper {
        guard let mapper = mappers[layer] else { throw ReportError.readOnly(layer) }
        return mapper
    }

    /// The version of a stored feature: a fingerprint of its GeoJSON, so any change to
    /// geometry or properties gives a new one.
    public static func version(of record: LayerRecord, in layer: Layer) -> String {
        var bytes: [UInt8] = []
        GeoJSONWriter.write(record.feature(in: layer), into: &bytes)
        return FNV1a.hex(bytes)
    }

    /// Checks an id given on create.
    public static func checkID(_ id: String) throws(ReportError) {
        guard (1...128).contains(id.count) else { throw .invalidID(id, reason: "must have 1–128 characters") }
        let allowed = CharacterSet.letters.union(.decimalDigits).union(CharacterSet(charactersIn: "-_.:~"))
        guard id.unicodeScalars.allSatisfy(allowed.contains) else { throw .invalidID(id, reason: "may hold only \(idRule)") }
    }

    // MARK: Create

    /// Registers a new hazard reported by `author`. With `requestKey` (a device's
    /// idempotency key), the same request sent again answers what the first one stored and
    /// stores nothing: a phone that lost the answer and retries registers one hazard.
    public func register(_ feature: Feature, by author: Author, requestKey: String? = nil) throws -> Accepted {
        try lock.withLock { _ in
            let layer = Self.creatable
            if let requestKey, let done = try replay(requestKey, by: author, layer: layer, id: feature.id, operation: .create) { return done }
            let mapper = try mapper(layer)
            if let id = feature.id { try Self.checkID(id) }
            try Self.refuseServerOwned(feature.properties.map(\.key), mapper: mapper)
            try Self.refuseSupervision(feature.properties.map { mapper.columnName(for: $0.key) ?? $0.key }, by: author)
            var record = try mapper.record(for: feature, fallbackID: "H-\(UUID().uuidString.prefix(13).lowercased())")
            try checkShape(record.geometry)
            let snapshot = live.index.snapshot
            guard snapshot.feature(layer, id: record.id) == nil else { throw ReportError.duplicateID(layer, id: record.id) }
            try permit(author, layer, geometry: record.geometry, snapshot: snapshot, what: "register a hazard")
            let status = Self.column(layer, "status")
            if case .text(let given) = record.value(status), given != "registered" {
                throw ReportError.lifecycle(from: "new", to: given, reason: "a new hazard is registered first")
            }
            let now = Timestamps.now()
            record.values[status] = .text("registered")
            record.values[Self.column(layer, "reported_by")] = .text(author.name)
            record.values[Self.column(layer, "reported_at")] = .text(now)
            record.values[Self.column(layer, "grid_code")] = try gridCode(of: record.geometry, snapshot: snapshot).map(FieldValue.text) ?? .null
            Self.setExtra(&record, ["changed_by": .string(author.name), "changed_at": .string(now)])
            let change = try commit(layer, record, replacing: nil, author: author, at: now, requestKey: requestKey)
            return Accepted(record: record, feature: record.feature(in: layer), version: Self.version(of: record, in: layer), change: change)
        }
    }

    // MARK: Update

    /// Applies `patch` to feature `id` of `layer` (hazards or shelters). With `ifMatch`,
    /// the report applies only if the feature is still at that version (`*` matches any).
    /// With `requestKey`, a step sent again (its first answer lost) answers what the first
    /// did, even though the feature's version has moved on because of it.
    public func update(_ layer: Layer, id: String, patch: Patch, ifMatch: String? = nil, by author: Author, requestKey: String? = nil) throws -> Accepted {
        let mapper = try mapper(layer)
        return try lock.withLock { _ in
            do {
                return try updateLocked(layer, id: id, patch: patch, ifMatch: ifMatch, by: author, requestKey: requestKey, mapper: mapper)
            } catch StorageError.conflict {
                // Another replica changed the feature since this one applied it: apply what it
                // did, then merge the patch into that (an If-Match naming the old version now fails).
                try catchUp(through: nil)
                return try updateLocked(layer, id: id, patch: patch, ifMatch: ifMatch, by: author, requestKey: requestKey, mapper: mapper)
            }
        }
    }

    private func updateLocked(_ layer: Layer, id: String, patch: Patch, ifMatch: String?, by author: Author, requestKey: String?, mapper: RecordMapper) throws -> Accepted {
        if let requestKey, let done = try replay(requestKey, by: author, layer: layer, id: id, operation: .update) { return done }
        let snapshot = live.index.snapshot
        guard let current = snapshot.feature(layer, id: id) else { throw ReportError.unknownFeature(layer, id: id) }
        let currentVersion = Self.version(of: current, in: layer)
        if let ifMatch, !Self.matches(ifMatch, currentVersion) {
            throw ReportError.stale(id: id, expected: ifMatch, current: currentVersion)
        }
        // Patch keys by the column they land in, so an alias (状态) replaces its column (status).
        let patchMembers = patch.properties.map { JSONMember(mapper.columnName(for: $0.key) ?? $0.key, $0.value) }
        try Self.refuseServerOwned(patchMembers.map(\.key), mapper: mapper)
        if layer == .hazards { try Self.refuseSupervision(patchMembers.map(\.key), by: author) }
        if layer == .shelters {
            if let refused = patchMembers.first(where: { !Self.shelterReportable.contains($0.key) }) {
                throw ReportError.notReportable(refused.key, allowed: Self.shelterReportable)
            }
            if patch.geometry != nil { throw ReportError.cannotMove(layer) }
        }
        if patchMembers.contains(where: { $0.key == "status" && $0.value == .null }) { throw ReportError.statusRequired }
        let merged = Self.mergePatch(current.feature(in: layer).properties, patchMembers)
        var record = try mapper.record(for: Feature(id: id, geometry: patch.geometry ?? current.geometry, properties: merged), fallbackID: id)
        record.id = id
        if patch.geometry != nil { try checkShape(record.geometry) }
        try permit(author, layer, geometry: current.geometry, snapshot: snapshot, what: "change this \(layer == .hazards ? "hazard" : "shelter")")
        if patch.geometry != nil { try permit(author, layer, geometry: record.geometry, snapshot: snapshot, what: "move it there") }
        if layer == .shelters { try Self.settleOccupancy(&record) }
        if layer == .hazards {
            try checkLifecycle(from: current, to: record, author: author)
            try checkLevel(from: current, to: record, author: author)
            record.values[Self.column(layer, "grid_code")] = try gridCode(of: record.geometry, snapshot: snapshot).map(FieldValue.text) ?? .null
        }
        guard record != current else {
            return Accepted(record: current, feature: current.feature(in: layer), version: currentVersion, change: nil)
        }
        let now = Timestamps.now()
        var stamps: [String: JSONValue] = ["changed_by": .string(author.name), "changed_at": .string(now)]
        if layer == .hazards {
            let status = Self.column(layer, "status")
            if record.value(status) == .text("closed"), current.value(status) != .text("closed") {
                stamps["closed_by"] = .string(author.name)
                stamps["closed_at"] = .string(now)
            } else if record.value(status) != .text("closed") {
                stamps["closed_by"] = .null
                stamps["closed_at"] = .null
            }
        }
        Self.setExtra(&record, stamps)
        let change = try commit(layer, record, replacing: current, author: author, at: now, requestKey: requestKey)
        return Accepted(record: record, feature: record.feature(in: layer), version: Self.version(of: record, in: layer), change: change)
    }

    // MARK: History

    /// Every logged change of one feature, oldest first.
    public static func history(in store: any LayerStore, layer: Layer, id: String) throws -> [ChangeLog.Entry] {
        try store.history(layer: layer.tableName, featureID: id)
    }

    public func history(_ layer: Layer, id: String) throws -> [ChangeLog.Entry] {
        try Self.history(in: store, layer: layer, id: id)
    }

    // MARK: Rules

    /// Writes `record` (new, or replacing `old`) and its change-log row in one transaction,
    /// then applies it to the live map. Returns the change number.
    /// Listing a hazard for supervision, its owner and its due date are a supervisor's.
    static func refuseSupervision(_ keys: [String], by author: Author) throws {
        guard !author.isSupervisor, let field = keys.first(where: supervisionFields.contains) else { return }
        throw ReportError.forbidden("\(field): listing a hazard for supervision (挂牌督办), its owner and due date are set by planners and admins; \(author.name) is a \(author.role.rawValue)")
    }

    /// Checks an idempotency key: 1–200 visible ASCII characters (a UUID fits).
    public static func checkRequestKey(_ key: String) throws(ReportError) {
        guard (1...200).contains(key.utf8.count) else { throw .invalidRequestKey("must have 1–200 characters") }
        guard key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .invalidRequestKey("may hold only visible ASCII characters (a UUID fits)") }
    }

    /// What the request `author` made earlier with `key` did, answered again; nil when the
    /// key is new. A key used for another request (another feature, another kind of step) is
    /// refused rather than answered with the wrong feature.
    private func replay(_ key: String, by author: Author, layer: Layer, id: String?, operation: ChangeLog.Operation) throws -> Accepted? {
        try Self.checkRequestKey(key)
        guard let entry = try store.change(author: author.name, requestKey: key) else { return nil }
        guard entry.layer == layer.tableName, entry.operation == operation, id == nil || id == entry.featureID else {
            throw ReportError.requestKeyReused(key, reason: "\(entry.operation.rawValue) of \(entry.layer) '\(entry.featureID)' (change \(entry.number))")
        }
        // Over a shared store the first request may have been taken by another replica.
        try catchUp(through: entry.number)
        if let record = live.index.snapshot.feature(layer, id: entry.featureID) {
            return Accepted(record: record, feature: record.feature(in: layer), version: Self.version(of: record, in: layer), change: entry.number, replayed: true)
        }
        throw ReportError.unknownFeature(layer, id: entry.featureID)
    }

    private func commit(_ layer: Layer, _ record: LayerRecord, replacing old: LayerRecord?, author: Author, at now: String, requestKey: String? = nil) throws -> Int64 {
        let entry = ChangeLog.Entry(changedAt: now, author: author.name, role: author.role.rawValue, authorGrid: author.grid,
                                    layer: layer.tableName, featureID: record.id, operation: old == nil ? .create : .update,
                                    before: old?.feature(in: layer), after: record.feature(in: layer), requestKey: requestKey)
        let number: Int64
        do {
            number = try store.commit(old == nil ? .insert(record) : .update(record), to: layer, replacing: old, logging: entry)
        } catch StorageError.duplicateID(let id, let layer) {
            // Another replica registered this id meanwhile.
            try catchUp(through: nil)
            throw ReportError.duplicateID(layer, id: id)
        }
        // What other replicas logged before this change is applied first, in order. The write
        // is stored whatever happens next: if the store went away just after, it is applied
        // here anyway and the log is read on from the last number reached (this change is then
        // read again and found applied).
        let caughtUp = (try? catchUp(through: number - 1)) != nil
        let update = try live.apply(old == nil ? .insert(record) : .update(record), to: layer)
        if caughtUp { applied.withLock { $0 = max($0, number) } }
        feed?.publish(number, hint: ChangeFeed.Hint(update))
        return number
    }

    /// A grid worker writes only where the whole geometry lies in their own grid (its
    /// boundary included); planners and admins anywhere.
    func permit(_ author: Author, _ layer: Layer, geometry: Geometry, snapshot: IndexSnapshot, what: String) throws {
        guard !author.isSupervisor else { return }
        if author.role == .commander {
            // A commander reports shelters (occupancy, status) anywhere during an incident.
            guard layer == .shelters else {
                throw ReportError.forbidden("\(author.name) is a commander and may not \(what): hazards are registered and moved by grid workers and planners")
            }
            return
        }
        guard let code = author.grid else { throw ReportError.forbidden("\(author.name) is a grid worker without a grid and may not \(what)") }
        guard snapshot.loadedLayers.contains(.grids), let grid = try? snapshot.grid(code: code) else {
            throw ReportError.forbidden("\(author.name) works grid \(code), which this map does not have, and may not \(what)")
        }
        guard try GEOSContext().prepare(grid.geometry).covers(geometry) else {
            let whereItIs = try gridCode(of: geometry, snapshot: snapshot).map { "in grid \($0)" } ?? "outside every grid"
            throw ReportError.forbidden("\(author.name) works grid \(code) and may not \(what) \(whereItIs): the whole geometry must lie in grid \(code)")
        }
    }

    /// The code of the grid cell the geometry lies in (``GridLocator``: the cell covering it
    /// whole, else the one holding its representative point), if any: the rule every writer uses.
    private func gridCode(of geometry: Geometry, snapshot: IndexSnapshot) throws -> String? {
        guard snapshot.loadedLayers.contains(.grids) else { return nil }
        return try snapshot.gridLocator().code(of: geometry)
    }

    private func checkLifecycle(from old: LayerRecord, to new: LayerRecord, author: Author) throws {
        let column = Self.column(.hazards, "status")
        guard case .text(let to) = new.value(column) else { throw ReportError.statusRequired }
        let from: String = if case .text(let s) = old.value(column) { s } else { "registered" }
        guard !(Self.forward[from]?.contains(to) ?? false) else { return }
        guard author.isSupervisor else {
            let reason = from == "registered" && to == "closed"
                ? "a hazard is rectified before it is closed (registered → rectifying → closed)"
                : "only a planner or admin may reopen a hazard"
            throw ReportError.lifecycle(from: from, to: to, reason: reason)
        }
    }

    /// A shelter's occupancy against its capacity: above it is refused (a count that cannot
    /// be); at it an open shelter becomes `full`, and a full one with room again `open`.
    static func settleOccupancy(_ record: inout LayerRecord) throws {
        let status = column(.shelters, "status")
        guard let capacity = record.value(column(.shelters, "capacity")).number,
              let occupancy = record.value(column(.shelters, "occupancy")).number else { return }
        if occupancy > capacity {
            throw ReportError.invalidValue("occupancy: \(Int(exactly: occupancy).map(String.init) ?? "\(occupancy)") is above the capacity \(Int(exactly: capacity).map(String.init) ?? "\(capacity)"); report the capacity first")
        }
        if occupancy >= capacity, record.value(status) == .text("open") {
            record.values[status] = .text("full")
        } else if occupancy < capacity, record.value(status) == .text("full") {
            record.values[status] = .text("open")
        }
    }

    /// Level 1 is red, the most severe: lowering a level makes the number larger (or removes it).
    private func checkLevel(from old: LayerRecord, to new: LayerRecord, author: Author) throws {
        guard !author.isSupervisor else { return }
        let column = Self.column(.hazards, "level")
        guard case .integer(let before) = old.value(column) else { return }
        switch new.value(column) {
        case .integer(let after) where after <= before: return
        case .integer(let after): throw ReportError.levelLowered(from: before, to: after)
        default: throw ReportError.levelLowered(from: before, to: nil)
        }
    }

    private func checkShape(_ geometry: Geometry) throws {
        try Self.checkShape(geometry, maxVertices: limits.maxVertices)
    }

    /// What every reported geometry must be (a hazard, an incident's place): at most
    /// `maxVertices` coordinates, WGS84 lon/lat in range, valid.
    static func checkShape(_ geometry: Geometry, maxVertices: Int) throws {
        let vertices = geometry.vertexCount
        guard vertices <= maxVertices else { throw ReportError.tooManyVertices(vertices, limit: maxVertices) }
        guard let box = geometry.boundingBox else { throw ReportError.invalidGeometry("the geometry is empty") }
        guard box.minX >= -180, box.maxX <= 180, box.minY >= -90, box.maxY <= 90 else {
            throw ReportError.invalidGeometry("coordinates lie outside lon −180…180, lat −90…90 (WGS84 lon/lat expected)")
        }
        let context = GEOSContext()
        guard try context.isValid(geometry) else { throw ReportError.invalidGeometry(try context.validityReason(geometry)) }
    }

    private static func refuseServerOwned(_ keys: [String], mapper: RecordMapper) throws {
        guard mapper.layer == .hazards || mapper.layer == .shelters else { return }
        let owned = Set(hazardServerFields.filter { mapper.layer == .hazards || $0.hasPrefix("changed_") })
        if let key = keys.first(where: { owned.contains(mapper.columnName(for: $0) ?? $0) }) {
            throw ReportError.serverOwned(mapper.columnName(for: key) ?? key)
        }
    }

    /// RFC 7396: members replace, `null` removes, objects merge recursively. A name the
    /// target repeats (stored properties from a file that repeated one) is one member: `null`
    /// removes every copy and a value replaces the first and drops the rest, so applying a
    /// patch twice changes nothing more (the merge-patch fuzzer's case).
    public static func mergePatch(_ target: [JSONMember], _ patch: [JSONMember]) -> [JSONMember] {
        var result = target
        for member in patch {
            let index = result.firstIndex { $0.key == member.key }
            if let index {
                var i = result.index(after: index)
                while i < result.endIndex {
                    if result[i].key == member.key { result.remove(at: i) } else { i += 1 }
                }
            }
            if member.value == .null {
                if let index { result.remove(at: index) }
            } else if case .object(let inner) = member.value {
                let base: [JSONMember] = if let index, case .object(let old) = result[index].value { old } else { [] }
                let merged = JSONMember(member.key, .object(mergePatch(base, inner)))
                if let index { result[index] = merged } else { result.append(merged) }
            } else if let index {
                result[index] = member
            } else {
                result.append(member)
            }
        }
        return result
    }

    /// Sets (or with `.null`, removes) the service's own members among the kept properties.
    private static func setExtra(_ record: inout LayerRecord, _ values: [String: JSONValue]) {
        for key in values.keys.sorted() {
            let value = values[key] ?? .null
            record.extra.removeAll { $0.key == key }
            if value != .null { record.extra.append(JSONMember(key, value)) }
        }
    }

    /// Whether an `If-Match` value names `version` (quotes and a weak `W/` prefix allowed).
    static func matches(_ header: String, _ version: String) -> Bool {
        header.split(separator: ",").contains { item in
            var tag = item.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2 { tag = String(tag.dropFirst().dropLast()) }
            return tag == version
        }
    }

    private static func column(_ layer: Layer, _ name: String) -> Int { layer.columnIndex(name) }
}
