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

    /// How long each layer took to read and to index, in the order asked (empty when the
    /// index was built from records in hand).
    private let loadTimes: [(layer: Layer, read: Double, index: Double)]

    /// What loading each layer cost: its times, and the bytes its base holds, counted when
    /// asked (a walk over every record: a tenth of a second on a city, kept off the load).
    public var loadCosts: [LayerLoadCost] {
        let snapshot = snapshot
        return loadTimes.compactMap { time in
            snapshot.layers[time.layer].map { LayerLoadCost(layer: time.layer, costs: $0.base.costs, readSeconds: time.read, indexSeconds: time.index) }
        }
    }

    public init(records: [Layer: [LayerRecord]]) {
        var layers: [Layer: LayerState] = [:]
        for (layer, list) in records { layers[layer] = LayerState(layer: layer, records: list) }
        current = Mutex(IndexSnapshot(layers: layers, version: 0))
        loadTimes = []
    }

    private init(layers: [Layer: LayerState], times: [(layer: Layer, read: Double, index: Double)]) {
        current = Mutex(IndexSnapshot(layers: layers, version: 0))
        loadTimes = times
    }

    /// The largest layer, when it has this many features or more, is read as two halves at once.
    public static let splitAbove = 100_000

    /// Part of a load: a whole layer (`fids` nil), or the rows of one half of its ids.
    private struct Piece: Sendable {
        let layer: Int
        let fids: ClosedRange<Int64>?
        let half: Int
    }

    /// Reads `layers` (those the file has, by default) from a GeoPackage and indexes them,
    /// on two connections at once (the largest layer's rows in two halves, one on each, then
    /// the others shared out: a city's hazards, then its roads and the rest, on two cores). Two connections read two
    /// transactions: if another process committed meanwhile they may have seen different
    /// states, so then every layer is read again in one transaction on one connection.
    /// `progress` hears each layer's name and feature count, in the order asked, once all
    /// are in.
    /// - Parameter splitAbove: the largest layer is read in two halves when it has at least
    ///   this many features.
    public static func load(from store: GeoPackage, layers wanted: [Layer]? = nil, splitAbove: Int = splitAbove,
                            progress: (Layer, Int) -> Void = { _, _ in }) throws -> SpatialIndex {
        // Before anything is read: a commit from now on shows in the version at the end.
        let version = try store.dataVersion()
        // The second reader has its own connection; a file that cannot be opened twice
        // (none should) is read on the first alone.
        let second = try? GeoPackage(path: store.path, mode: .readOnly)
        let (order, counts, largest): ([Layer], [Int], ClosedRange<Int64>?) = try store.read { session in
            let order = try wanted ?? session.layers()
            let counts = try order.map { try session.count($0) }
            let biggest = counts.indices.max { counts[$0] < counts[$1] }
            return (order, counts, try biggest.flatMap { counts[$0] >= splitAbove ? try session.fidBounds(order[$0]) : nil })
        }
        // What each reader reads: the largest layer's rows in two halves by feature id, one
        // half each, first (whoever reads the second half last builds its index while the
        // other reads on), then the other layers by greedy halves of their feature counts.
        var pieces: [[Piece]] = [[], []], weights = [0, 0]
        var split: Int?
        if second != nil, let largest, largest.upperBound > largest.lowerBound,
           let i = counts.indices.max(by: { counts[$0] < counts[$1] }) {
            let middle = largest.lowerBound + (largest.upperBound - largest.lowerBound) / 2
            pieces[0].append(Piece(layer: i, fids: largest.lowerBound...middle, half: 0))
            pieces[1].append(Piece(layer: i, fids: (middle + 1)...largest.upperBound, half: 1))
            weights = [counts[i] / 2, counts[i] / 2]
            split = i
        }
        for i in order.indices.sorted(by: { counts[$0] > counts[$1] }) where i != split {
            let lighter = weights[0] <= weights[1] ? 0 : 1
            pieces[lighter].append(Piece(layer: i, fids: nil, half: 0))
            weights[lighter] += counts[i]
        }
        let readers = second == nil ? [pieces[0] + pieces[1], []] : pieces
        let loaded = Mutex<[Int: (state: LayerState, read: Double, index: Double)]>([:])
        let halves = Mutex<[Int: (records: [LayerRecord], seconds: Double)]>([:])
        let failure = Mutex<(any Error)?>(nil)
        @Sendable func read(_ pieces: [Piece], from store: GeoPackage) throws {
            try store.read { session in
                for piece in pieces {
                    let layer = order[piece.layer]
                    let started = ContinuousClock.now
                    var list: [LayerRecord] = []
                    list.reserveCapacity(piece.fids == nil ? counts[piece.layer] : counts[piece.layer] / 2 + 1024)
                    try session.forEachRecord(in: layer, fids: piece.fids) { list.append($0) }
                    var readSeconds = (ContinuousClock.now - started).seconds
                    if piece.fids != nil {
                        // The second half read makes the layer, the lower ids first.
                        guard let other = halves.withLock({ halves in
                            if let other = halves.removeValue(forKey: piece.layer) { return other }
                            halves[piece.layer] = (list, readSeconds)
                            return nil
                        }) else { continue }
                        list = piece.half == 0 ? list + other.records : other.records + list
                        readSeconds = max(readSeconds, other.seconds)
                    }
                    let indexing = ContinuousClock.now
                    let state = LayerState(layer: layer, records: list)
                    let indexSeconds = (ContinuousClock.now - indexing).seconds
                    loaded.withLock { $0[piece.layer] = (state, readSeconds, indexSeconds) }
                }
            }
        }
        DispatchQueue.concurrentPerform(iterations: 2) { reader in
            guard !readers[reader].isEmpty else { return }
            do {
                try read(readers[reader], from: reader == 0 ? store : second ?? store)
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        // Two connections are two transactions: when another connection committed while
        // they read, the halves may be of two states of the file. Read it all again in one.
        if second != nil, try store.dataVersion() != version {
            loaded.withLock { $0.removeAll() }
            try read(order.indices.map { Piece(layer: $0, fids: nil, half: 0) }, from: store)
        }
        let all = loaded.withLock { $0 }
        var layers: [Layer: LayerState] = [:]
        var times: [(layer: Layer, read: Double, index: Double)] = []
        for i in order.indices {
            guard let loaded = all[i] else { continue }
            layers[order[i]] = loaded.state
            times.append((order[i], loaded.read, loaded.index))
            progress(order[i], loaded.state.count)
        }
        return SpatialIndex(layers: layers, times: times)
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

    /// A box that holds every feature of `layer` (nil when it has none): its tree's root
    /// box, and the changes' since the last compaction. After deletions it may be larger
    /// than the features left, until the layer is compacted.
    public func extent(_ layer: Layer) -> BoundingBox? {
        guard let state = layers[layer], state.count > 0 else { return nil }
        var extent = BoundingBox.empty
        for set in [state.base, state.overlay] {
            guard let root = set.tree.root else { continue }
            let b = set.tree.box(at: root.position)
            extent.extend(BoundingBox(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY))
        }
        return extent
    }

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
