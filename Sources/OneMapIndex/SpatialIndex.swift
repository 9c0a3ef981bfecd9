import OneMapGeometry
import OneMapStorage
import Dispatch
import Foundation
import Synchronization
import OneMapWork

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

    /// What loading each layer cost (empty when the index was built from records in hand).
    public let loadCosts: [LayerLoadCost]

    public init(records: [Layer: [LayerRecord]]) {
        var layers: [Layer: LayerState] = [:]
        for (layer, list) in records { layers[layer] = LayerState(layer: layer, records: list) }
        current = Mutex(IndexSnapshot(layers: layers, version: 0))
        loadCosts = []
    }

    private init(layers: [Layer: LayerState], costs: [LayerLoadCost]) {
        current = Mutex(IndexSnapshot(layers: layers, version: 0))
        loadCosts = costs
    }

    /// Reads `layers` (those the file has, by default) from a GeoPackage and indexes them,
    /// on two connections at once (the largest layer on one, the others on the other: a
    /// city's hazards and roads load side by side on two cores). Two connections read two
    /// transactions: if another process committed meanwhile they may have seen different
    /// states, so then every layer is read again in one transaction on one connection.
    /// `progress` hears each layer's name and feature count, in the order asked, once all
    /// are in.
    public static func load(from store: GeoPackage, layers wanted: [Layer]? = nil,
                            progress: (Layer, Int) -> Void = { _, _ in }) throws -> SpatialIndex {
        let (order, counts): ([Layer], [Int]) = try store.read { session in
            let order = try wanted ?? session.layers()
            return (order, try order.map { try session.count($0) })
        }
        // Greedy halves by feature count: each layer to the lighter reader.
        var groups: [[Int]] = [[], []], weights = [0, 0]
        for i in order.indices.sorted(by: { counts[$0] > counts[$1] }) {
            let lighter = weights[0] <= weights[1] ? 0 : 1
            groups[lighter].append(i)
            weights[lighter] += counts[i]
        }
        let loaded = Mutex<[Int: (LayerState, LayerLoadCost)]>([:])
        let failure = Mutex<(any Error)?>(nil)
        @Sendable func read(_ group: [Int], from store: GeoPackage) throws {
            try store.read { session in
                for i in group {
                    let layer = order[i]
                    let started = ContinuousClock.now
                    var list: [LayerRecord] = []
                    list.reserveCapacity(counts[i])
                    try session.forEachRecord(in: layer) { list.append($0) }
                    let read = ContinuousClock.now
                    let state = LayerState(layer: layer, records: list)
                    let cost = LayerLoadCost(layer: layer, costs: state.base.costs,
                                             readSeconds: (read - started).seconds, indexSeconds: (ContinuousClock.now - read).seconds)
                    loaded.withLock { $0[i] = (state, cost) }
                }
            }
        }
        // The second reader has its own connection; a file that cannot be opened twice
        // (none should) is read on the first alone.
        let second = groups[1].isEmpty ? nil : try? GeoPackage(path: store.path, mode: .readOnly)
        let readers = second == nil ? [groups[0] + groups[1], []] : groups
        let version = try store.dataVersion()
        DispatchQueue.concurrentPerform(iterations: 2) { reader in
            guard !readers[reader].isEmpty else { return }
            do {
                try read(readers[reader], from: reader == 0 ? store : second ?? store)
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        if second != nil, try store.dataVersion() != version {
            loaded.withLock { $0.removeAll() }
            try read(Array(order.indices), from: store)
        }
        let all = loaded.withLock { $0 }
        var layers: [Layer: LayerState] = [:]
        var costs: [LayerLoadCost] = []
        for i in order.indices {
            guard let (state, cost) = all[i] else { continue }
            layers[order[i]] = state
            costs.append(cost)
            progress(order[i], state.count)
        }
        return SpatialIndex(layers: layers, costs: costs)
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

    /// Bytes `layer` holds, records and index (see ``LayerLoadCost``; base and overlay).
    public func heldBytes(_ layer: Layer) -> Int {
        guard let state = layers[layer] else { return 0 }
        return state.base.costs.total + state.overlay.costs.total
    }

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

/// What one layer cost to load: bytes of its records (their slots, ids and other
/// properties), of their packed values, of their geometries' coordinate lists, and of the
/// index built on them — counted from the structures, not measured (layers load side by
/// side, so the process's resident growth cannot be split between them) — and the time
/// of each step.
public struct LayerLoadCost: Sendable {
    public var layer: Layer
    public var features: Int
    public var recordBytes: Int
    public var valueBytes: Int
    public var geometryBytes: Int
    public var indexBytes: Int
    public var readSeconds: Double
    public var indexSeconds: Double

    init(layer: Layer, costs: FeatureSet.SetCosts, readSeconds: Double, indexSeconds: Double) {
        self.layer = layer
        features = costs.features
        recordBytes = costs.records
        valueBytes = costs.values
        geometryBytes = costs.geometry
        indexBytes = costs.index
        totalBytes = costs.total
        self.readSeconds = readSeconds
        self.indexSeconds = indexSeconds
    }

    public let totalBytes: Int
    public var bytesPerFeature: Int { features == 0 ? 0 : totalBytes / features }
}
