import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage
import OneMapTiles
import OneMapWork
import Synchronization

/// The one map kept current while hazards change: the spatial core, the risk model, the
/// tile renderer and the tile caches move together, one change at a time.
///
/// A hazard that is added, moved, re-levelled or closed reassesses only the areas the
/// old and the new source reach, and drops from every cache only the tiles under the
/// recoloured areas and the hazard's old and new symbol.
public final class LiveOneMap: Sendable {
    private struct State: Sendable {
        var model: RiskModel
        var renderer: TileRenderer
        var revision: Int
        /// Changes applied to each layer since start (what incident figures depend on).
        var layerRevisions: [Layer: Int] = [:]
        /// Hazards changed, with the revision that changed them, since the last overdue
        /// look began: their ring was set by that change, with fresher data than the look's.
        var hazardChanges: [(revision: Int, id: String)] = []
    }

    public let index: SpatialIndex
    public let caches: [MBTilesCache]
    /// The map the live state started from (`v<N>` or `unversioned-…`).
    public let baseKey: String
    private let state: Mutex<State>
    private let writers = Mutex(())

    /// The rectification deadlines: open hazards past theirs are drawn with a ring.
    public let field: FieldConfig?

    public init(_ source: TileMaps.Source, caches: [MBTilesCache] = [], field: FieldConfig? = nil) {
        index = source.index
        self.caches = caches
        self.field = field
        baseKey = source.mapKey
        state = Mutex(State(model: source.renderer.risk!, renderer: source.renderer, revision: 0))
    }

    /// Finds the hazards that became overdue (or stopped being) since the last look —
    /// deadlines pass with time, not only with edits — redraws them and drops their tiles.
    /// Returns the hazards that changed, with their boxes. A server calls it every minute.
    ///
    /// The look itself (seconds on a city of a million hazards) runs outside the writers'
    /// lock, so reports are not held up; a hazard a report changed meanwhile keeps the ring
    /// that report gave it.
    @discardableResult
    /// - Parameter afterLook: runs between the look and the applying of its result, outside
    ///   every lock (tests make a report there).
    public func refreshOverdue(now: Date = Date(), afterLook: (() throws -> Void)? = nil) throws -> [(id: String, box: BoundingBox?)] {
        try look(now: now, afterLook: afterLook, locate: true)
    }

    /// The first look, made at start before anything is served: the hazards overdue now are
    /// drawn so from the first tile, and any tile the caches hold is dropped (a cache opened
    /// for this map version may hold tiles drawn before these deadlines passed). Returns how
    /// many hazards are overdue. Unlike ``refreshOverdue(now:afterLook:)`` it neither sorts
    /// nor locates them: a city's 600,000 took half a second to.
    public func startOverdue(now: Date = Date()) throws -> Int {
        try look(now: now, afterLook: nil, locate: false).count
    }

    private func look(now: Date, afterLook: (() throws -> Void)?, locate: Bool) throws -> [(id: String, box: BoundingBox?)] {
        guard let field else { return [] }
        let started = state.withLock { $0.revision }
        let snapshot = index.snapshot
        guard snapshot.loadedLayers.contains(.hazards) else { return [] }
        let test = Supervision.OverdueTest(config: field, now: now)
        // On every core, in runs of 64k hazards (a city's million took 0.85 s on one).
        let hazards = try snapshot.allFeatures(.hazards)
        let runs = hazards.parallelRuns(of: 65_536) { run in run.filter(test.isOverdue).map(\.id) }
        var late = Set<String>(minimumCapacity: runs.reduce(0) { $0 + $1.count })
        for run in runs { late.formUnion(run) }
        try afterLook?()
        return try writers.withLock { _ in
            var current = state.withLock { $0 }
            let since = Set(current.hazardChanges.filter { $0.revision > started }.map(\.id))
            current.hazardChanges.removeAll { $0.revision <= started }
            late = late.subtracting(since).union(current.renderer.overdue.intersection(since))
            let changed = late.symmetricDifference(current.renderer.overdue)
            guard !changed.isEmpty else {
                state.withLock { $0.hazardChanges = current.hazardChanges }
                return []
            }
            current.revision += 1
            current.renderer = current.renderer.with(overdue: late)
            let key = "\(baseKey).r\(current.revision)"
            state.withLock { $0 = current }
            guard locate else {
                for cache in caches { try cache.clear(now: key) }
                return changed.map { ($0, nil) }
            }
            let now = index.snapshot
            let touched = changed.sorted().map { ($0, now.feature(.hazards, id: $0)?.geometry.boundingBox) }
            for cache in caches { _ = try cache.invalidate(touched.compactMap(\.1), margin: current.renderer.reach, now: key) }
            return touched
        }
    }

    /// The map now: its areas, levels and reasons.
    public var model: RiskModel { state.withLock { $0.model } }
    /// A renderer of the map now.
    public var renderer: TileRenderer { state.withLock { $0.renderer } }
    /// `baseKey` while nothing has changed, then `baseKey.rN` after the N-th change.
    public var mapKey: String { state.withLock { $0.revision == 0 ? baseKey : "\(baseKey).r\($0.revision)" } }
    /// How many changes each layer has had since start: a figure computed at these
    /// revisions is current while they stay.
    public var layerRevisions: [Layer: Int] { state.withLock { $0.layerRevisions } }

    /// An area whose colour a change moved, with its new level and its box.
    public struct RecolouredArea: Sendable, Equatable {
        public var id: String
        public var level: String
        public var box: BoundingBox
        public var json: JSONValue {
            .object([JSONMember("id", .string(id)), JSONMember("level", .string(level)), JSONMember("bbox", .array(box.array.map(JSONValue.number)))])
        }
    }

    /// What one change did.
    public struct Update: Sendable {
        public var change: RiskModel.Change
        /// Ids of the areas whose colour changed.
        public var recoloured: [String]
        /// The same areas with their new level and box (what the live feed sends).
        public var recolouredAreas: [RecolouredArea]
        /// Tiles dropped from the caches.
        public var tilesDropped: Int
        public var mapKey: String
    }

    /// Applies one change to `layer` and brings the drawing and the caches up to date: the
    /// tiles the feature's old and new geometry touch are dropped (shelters, facilities and
    /// roads are drawn too). A hazard also re-colours the areas it reaches. Areas are
    /// coloured from the grids loaded at start: a changed grid reaches queries, not colours.
    @discardableResult
    public func apply(_ change: FeatureChange, to layer: Layer) throws -> Update {
        try writers.withLock { _ in
            let id: String = switch change {
            case .insert(let r), .update(let r): r.id
            case .delete(let id): id
            }
            let old = index.snapshot.feature(layer, id: id)
            let snapshot = try index.apply(change, to: layer)
            let new = snapshot.feature(layer, id: id)
            var current = state.withLock { $0 }
            let result = layer == .hazards ? try current.model.replaceSource(old, with: new) : RiskModel.Change()
            current.revision += 1
            current.layerRevisions[layer, default: 0] += 1
            current.renderer = current.renderer.with(snapshot: snapshot, risk: current.model)
            if layer == .hazards, let field {
                current.hazardChanges.append((current.revision, id))
                // Bounded: a look that began this many changes ago is long over.
                if current.hazardChanges.count > 100_000 { current.hazardChanges.removeFirst(50_000) }
                // The hazard's ring follows its status, level and due date at once.
                var late = current.renderer.overdue
                if let new, Supervision.OverdueTest(config: field).isOverdue(new) { late.insert(id) } else { late.remove(id) }
                if late != current.renderer.overdue { current.renderer = current.renderer.with(overdue: late) }
            }
            let key = "\(baseKey).r\(current.revision)"
            // The map (and its renderer) move first: a tile drawn after this sees the change.
            state.withLock { $0 = current }
            var boxes = result.recoloured.map { current.model.areas[$0].box }
            for record in [old, new] { if let box = record?.geometry.boundingBox { boxes.append(box) } }
            var dropped = 0
            for cache in caches { dropped += try cache.invalidate(boxes, margin: current.renderer.reach, now: key) }
            let areas = result.recoloured.map { slot in
                RecolouredArea(id: current.model.areas[slot].id, level: current.model.assessments[slot].level?.description ?? "none", box: current.model.areas[slot].box)
            }
            return Update(change: result, recoloured: areas.map(\.id), recolouredAreas: areas, tilesDropped: dropped, mapKey: key)
        }
    }

    /// Applies one change to the hazards layer (``apply(_:to:)`` with `.hazards`).
    public func apply(_ change: FeatureChange) throws -> Update { try apply(change, to: .hazards) }
}
