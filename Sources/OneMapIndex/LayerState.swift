import OneMapGeometry
import OneMapStorage

/// Where a feature lives in a layer's state: the bulk-built base or the small overlay of
/// recent changes.
struct FeatureRef: Hashable, Sendable {
    var inOverlay: Bool
    var slot: Int32
}

/// A change a live update makes to one layer.
public enum FeatureChange: Sendable, Equatable {
    case insert(LayerRecord)
    /// Replaces the feature with the record's id.
    case update(LayerRecord)
    case delete(id: String)
}

/// One layer as queries see it: a large base built once, a small overlay holding features
/// added or changed since, and the base slots those changes hide.
///
/// Values are never mutated in place: a change makes a new state that shares the base, so
/// a reader holding the old state keeps a consistent view. The overlay is rebuilt on each
/// change (it is small); once it passes ``compactionThreshold`` changes, ``SpatialIndex``
/// rebuilds the base with everything folded in, in the background (``compacted(into:replaying:)``).
struct LayerState: Sendable {
    let layer: Layer
    let base: FeatureSet
    let overlay: FeatureSet
    let hidden: Set<Int32>

    static let compactionThreshold = 1024

    init(layer: Layer, records: [LayerRecord]) {
        self.init(layer: layer, base: FeatureSet(layer: layer, records: records), overlay: .empty, hidden: [])
    }

    private init(layer: Layer, base: FeatureSet, overlay: FeatureSet, hidden: Set<Int32>) {
        self.layer = layer
        self.base = base
        self.overlay = overlay
        self.hidden = hidden
    }

    var count: Int { base.count - hidden.count + overlay.count }

    func set(_ inOverlay: Bool) -> FeatureSet { inOverlay ? overlay : base }

    func record(_ ref: FeatureRef) -> LayerRecord { set(ref.inOverlay).record(Int(ref.slot)) }

    func ref(id: String) -> FeatureRef? {
        if let slot = overlay.slot(id: id) { return FeatureRef(inOverlay: true, slot: slot) }
        if let slot = base.slot(id: id), !hidden.contains(slot) { return FeatureRef(inOverlay: false, slot: slot) }
        return nil
    }

    func ref(gridCode code: String) -> FeatureRef? {
        if let slot = overlay.slotByCode[code] { return FeatureRef(inOverlay: true, slot: slot) }
        if let slot = base.slotByCode[code], !hidden.contains(slot) { return FeatureRef(inOverlay: false, slot: slot) }
        return nil
    }

    /// Every live record, base first.
    var liveRecords: [LayerRecord] {
        // Nothing hidden (a server's state from its load until the first edit, and after
        // each compaction): the base's own array, shared, not a copy of a million records.
        if hidden.isEmpty { return overlay.records.isEmpty ? base.records : base.records + overlay.records }
        var all: [LayerRecord] = []
        all.reserveCapacity(count)
        for (index, record) in base.records.enumerated() where !hidden.contains(base.slotOfRecord[index]) { all.append(record) }
        all.append(contentsOf: overlay.records)
        return all
    }

    /// The state after `change`, or the reason it cannot apply.
    func applying(_ change: FeatureChange) throws(QueryError) -> LayerState {
        try applying([change])
    }

    /// The state after `changes` in order (the overlay is rebuilt once), or the reason
    /// one cannot apply.
    func applying(_ changes: [FeatureChange]) throws(QueryError) -> LayerState {
        var overlayRecords = overlay.records
        var overlayIDs = Set(overlayRecords.map(\.id))
        var hidden = hidden
        func exists(_ id: String) -> Bool {
            overlayIDs.contains(id) || (base.slot(id: id).map { !hidden.contains($0) } ?? false)
        }
        func remove(_ id: String) throws(QueryError) {
            if overlayIDs.contains(id) {
                overlayRecords.removeAll { $0.id == id }
                overlayIDs.remove(id)
            } else if let slot = base.slot(id: id), !hidden.contains(slot) {
                hidden.insert(slot)
            } else {
                throw .unknownFeature(layer: layer, id: id)
            }
        }
        for change in changes {
            switch change {
            case .insert(let record):
                try validate(record)
                guard !exists(record.id) else { throw .duplicateFeature(layer: layer, id: record.id) }
                overlayRecords.append(record)
                overlayIDs.insert(record.id)
            case .update(let record):
                try validate(record)
                try remove(record.id)
                overlayRecords.append(record)
                overlayIDs.insert(record.id)
            case .delete(let id):
                try remove(id)
            }
        }
        return LayerState(layer: layer, base: base, overlay: FeatureSet(layer: layer, records: overlayRecords), hidden: hidden)
    }

    /// Whether enough changes have piled up on the base that rebuilding it pays.
    var needsCompaction: Bool { overlay.count + hidden.count > Self.compactionThreshold }

    /// This state's features as one freshly built base: the slow part of a compaction,
    /// run off the writers' path.
    func compactedBase() -> FeatureSet { FeatureSet(layer: layer, records: liveRecords) }

    /// The state on `base` (built from an earlier state) with the changes made since then
    /// applied on top.
    static func compacted(into base: FeatureSet, layer: Layer, replaying changes: [FeatureChange]) throws(QueryError) -> LayerState {
        try LayerState(layer: layer, base: base, overlay: .empty, hidden: []).applying(changes)
    }

    private func validate(_ record: LayerRecord) throws(QueryError) {
        guard record.valueCount == layer.columns.count else {
            throw .invalidFeature(layer: layer, id: record.id,
                                  reason: "has \(record.valueCount) column values, the layer has \(layer.columns.count) columns")
        }
        guard let box = record.geometry.boundingBox else {
            throw .invalidFeature(layer: layer, id: record.id, reason: "the geometry is empty")
        }
        guard box.minX >= -180, box.maxX <= 180, box.minY >= -90, box.maxY <= 90 else {
            throw .invalidFeature(layer: layer, id: record.id, reason: "coordinates lie outside lon −180…180, lat −90…90")
        }
    }

    /// Index bytes of base and overlay (see ``FeatureSet/indexByteCount``).
    var indexByteCount: Int { base.indexByteCount + overlay.indexByteCount + hidden.count * 8 }
}
