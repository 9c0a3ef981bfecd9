import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage
import OneMapTiles
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
    }

    public let index: SpatialIndex
    public let caches: [MBTilesCache]
    /// The map the live state started from (`v<N>` or `unversioned-…`).
    public let baseKey: String
    private let state: Mutex<State>
    private let writers = Mutex(())

    public init(_ source: TileMaps.Source, caches: [MBTilesCache] = []) {
        index = source.index
        self.caches = caches
        baseKey = source.mapKey
        state = Mutex(State(model: source.renderer.risk!, renderer: source.renderer, revision: 0))
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

    /// What one change did.
    public struct Update: Sendable {
        public var change: RiskModel.Change
        /// Ids of the areas whose colour changed.
        public var recoloured: [String]
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
            let key = "\(baseKey).r\(current.revision)"
            // The map (and its renderer) move first: a tile drawn after this sees the change.
            state.withLock { $0 = current }
            var boxes = result.recoloured.map { current.model.areas[$0].box }
            for record in [old, new] { if let box = record?.geometry.boundingBox { boxes.append(box) } }
            var dropped = 0
            for cache in caches { dropped += try cache.invalidate(boxes, margin: current.renderer.reach, now: key) }
            return Update(change: result, recoloured: result.recoloured.map { current.model.areas[$0].id }, tilesDropped: dropped, mapKey: key)
        }
    }

    /// Applies one change to the hazards layer (``apply(_:to:)`` with `.hazards`).
    public func apply(_ change: FeatureChange) throws -> Update { try apply(change, to: .hazards) }
}
