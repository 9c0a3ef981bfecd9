import OneMapGeometry
import OneMapStorage
import Dispatch
import Foundation
import Synchronization

/// The in-memory spatial index of every loaded layer, shared by all readers and updated
/// live.
///
/// Readers take a ``IndexSnapshot`` (one lock-protected copy of a few references) and
/// query it without locks for as long as they like; a change builds new layer states
/// beside the old ones and swaps them in at once, so a reader sees a change entirely or
/// not at all. Writers are serialised among themselves. When a layer's overlay has grown
/// large, its base is rebuilt on a background thread (a million features take about a
/// second) while writers go on; the changes made meanwhile are replayed on the new base
/// before it is swapped in, so no change waits for a rebuild.
public final class SpatialIndex: Sendable {
    private let current: Mutex<IndexSnapshot>
    private let writers = Mutex(())
    /// Changes applied to each layer since its background compaction began.
    private let compactionLogs = Mutex<[Layer: [FeatureChange]]>([:])

    public init(records: [Layer: [LayerRecord]]) {
        var layers: [Layer: LayerState] = [:]
        for (layer, list) in records { layers[layer] = LayerState(layer: layer, records: list) }
        current = Mutex(IndexSnapshot(layers: layers, version: 0))
    }

    /// Reads `layers` (those the file has, by default) from a GeoPackage and indexes them.
    /// `progress` hears each layer's name and feature count as it finishes.
    public static func load(from store: GeoPackage, layers wanted: [Layer]? = nil,
                            progress: (Layer, Int) -> Void = { _, _ in }) throws -> SpatialIndex {
        var records: [Layer: [LayerRecord]] = [:]
        try store.read { session in
            for layer in try wanted ?? session.layers() {
                var list: [LayerRecord] = []
                list.reserveCapacity(try session.count(layer))
                try session.forEachRecord(in: layer) { list.append($0) }
                records[layer] = list
                progress(layer, list.count)
            }
        }
        return SpatialIndex(records: records)
    }

    /// The index as it is now; unaffected by later changes.
    public var snapshot: IndexSnapshot { current.withLock { $0 } }

    /// Applies `changes` in order as one step: readers see all of them or none. Any
    /// refused change leaves the index as it was. Returns the new snapshot.
    @discardableResult
    public func apply(_ changes: [(Layer, FeatureChange)]) throws(QueryError) -> IndexSnapshot {
        let (applied, toCompact) = try writers.withLock { _ throws(QueryError) in
            var layers = snapshot.layers
            for (layer, change) in changes {
                guard let state = layers[layer] else { throw .layerNotLoaded(layer) }
                layers[layer] = try state.applying(change)
            }
            // Log changes for compactions under way, and begin one for each layer that needs
            // it, in the same step that fixes the state it starts from: no change is missed.
            let toCompact = compactionLogs.withLock { logs -> [(Layer, LayerState)] in
                for (layer, change) in changes where logs[layer] != nil { logs[layer]!.append(change) }
                return Set(changes.map(\.0)).compactMap { layer in
                    guard logs[layer] == nil, let state = layers[layer], state.needsCompaction else { return nil }
                    logs[layer] = []
                    return (layer, state)
                }
            }
            let applied = current.withLock { snapshot in
                snapshot = IndexSnapshot(layers: layers, version: snapshot.version + 1)
                return snapshot
            }
            return (applied, toCompact)
        }
        for (layer, state) in toCompact { compactInBackground(layer, from: state) }
        return applied
    }

    /// Rebuilds `layer`'s base from `state` on a background thread, then swaps it in with
    /// the changes made meanwhile replayed on top.
    private func compactInBackground(_ layer: Layer, from state: LayerState) {
        DispatchQueue.global(qos: .utility).async {
            let base = state.compactedBase()
            self.writers.withLock { _ in
                let log = self.compactionLogs.withLock { $0.removeValue(forKey: layer) } ?? []
                // The log holds changes already checked against the live state, so replaying
                // them cannot fail; if it ever did, the live state (uncompacted) stays.
                guard let compacted = try? LayerState.compacted(into: base, layer: layer, replaying: log) else { return }
                self.current.withLock { snapshot in
                    var layers = snapshot.layers
                    layers[layer] = compacted
                    snapshot = IndexSnapshot(layers: layers, version: snapshot.version)
                }
            }
        }
    }

    /// Waits until no background compaction is under way.
    public func waitForCompactions() {
        while compactionLogs.withLock({ !$0.isEmpty }) { usleep(1000) }
    }

    @discardableResult
    public func apply(_ change: FeatureChange, to layer: Layer) throws(QueryError) -> IndexSnapshot {
        try apply([(layer, change)])
    }
}

/// A consistent, immutable view of every indexed layer: the thing queries run on.
public struct IndexSnapshot: Sendable {
    let layers: [Layer: LayerState]
    /// Increases by one with every applied change.
    public let version: Int

    public var loadedLayers: [Layer] { Layer.allCases.filter { layers[$0] != nil } }

    public func count(_ layer: Layer) -> Int { layers[layer]?.count ?? 0 }

    /// The feature with `id`, or nil.
    public func feature(_ layer: Layer, id: String) -> LayerRecord? {
        guard let state = layers[layer], let ref = state.ref(id: id) else { return nil }
        return state.record(ref)
    }

    /// Every live feature of `layer`, in no particular order.
    public func allFeatures(_ layer: Layer) throws(QueryError) -> [LayerRecord] {
        try state(layer).liveRecords
    }

    /// Approximate bytes the index structures of `layer` hold (tree, ECEF points, id map),
    /// beside the records themselves.
    public func indexByteCount(_ layer: Layer) -> Int { layers[layer]?.indexByteCount ?? 0 }

    func state(_ layer: Layer) throws(QueryError) -> LayerState {
        guard let state = layers[layer] else { throw .layerNotLoaded(layer) }
        return state
    }

    /// Which features a layer holds, as an identity: equal while the layer is unchanged
    /// (its base and overlay sets are the same objects), different after any change to it.
    /// For caches of what is derived from one layer alone (generalised roads).
    public struct LayerIdentity: Hashable, Sendable {
        let base: ObjectIdentifier
        let overlay: ObjectIdentifier
        let hidden: Int
    }

    public func layerIdentity(_ layer: Layer) -> LayerIdentity? {
        guard let state = layers[layer] else { return nil }
        return LayerIdentity(base: ObjectIdentifier(state.base), overlay: ObjectIdentifier(state.overlay), hidden: state.hidden.count)
    }
}
