import OneMapGeometry
import OneMapStorage
import Synchronization

/// An immutable set of one layer's features with its packed R-tree. What searches read
/// (points, ECEF, vertex ECEF, boxes) is stored in tree order, struct of arrays, so that
/// features near in space are near in memory; the records themselves stay in the order
/// they came, reached through ``record(_:)`` (reordering a million records would cost a
/// million scattered reference-count updates).
final class FeatureSet: Sendable {
    /// The records in the order given.
    let records: [LayerRecord]
    /// For each record, its slot.
    let slotOfRecord: [Int32]
    /// ECEF form of point features, for the fast distance; NaN for other geometries.
    let earth: [EarthPoint]
    /// Lon/lat of point features (NaN for others), so hot loops need not touch records.
    let points: [Coordinate]
    /// ECEF form of the vertices of lines and polygons, feature after feature;
    /// `vertexStart[slot]..<vertexStart[slot + 1]` are a feature's (none for points).
    let vertexEarth: [EarthPoint]
    let vertexStart: [Int32]
    /// Lon/lat of those vertices, and each feature's parts (see ``FlatShape``):
    /// `partStart[slot]..<partStart[slot + 1]` index `partEnds` and `partKinds`.
    let vertexCoordinates: [Coordinate]
    let partStart: [Int32]
    let partEnds: [Int32]
    let partKinds: [FlatShape.PartKind]
    /// ECEF boxes of the tree's entries, for distance pruning.
    let chordBoxes: ChordBoxes
    let tree: PackedRTree
    let slotByID: [String: Int32]
    /// Grid cells by code (filled for the grids layer only).
    let slotByCode: [String: Int32]

    /// Shelters only: each record's GeoJSON up to its own last property (what every
    /// nearest-shelter answer writes), made once when the set is built: writing the
    /// coordinates' shortest decimals was a third of the answer's instructions. About 500
    /// bytes a shelter (10 MB for a city's 20,000).
    let encodedStart: [[UInt8]]?
    let layer: Layer

    static let empty = FeatureSet(layer: .hazards, records: [])

    /// Which slots each recently used filter lets through, one bit a slot: a search tests
    /// a bit instead of comparing the record's values (the open-with-room check was a
    /// tenth of a nearest-shelter search). Sets of at most ``matchCacheLimit`` features,
    /// at most 16 filters each; the set is immutable, so a filter's bits never go stale.
    private let matchCache = Mutex<[RecordPredicate: [UInt64]]>([:])
    static let matchCacheLimit = 200_000

    /// The slots `predicate` lets through as bits (bit `s` of word `s / 64`), or nil when
    /// the set is too large to keep them (the caller tests each record).
    func matching(_ predicate: RecordPredicate) -> [UInt64]? {
        guard !predicate.isAlways, records.count <= Self.matchCacheLimit else { return nil }
        if let bits = matchCache.withLock({ $0[predicate] }) { return bits }
        var bits = [UInt64](repeating: 0, count: (records.count + 63) / 64)
        for slot in 0..<records.count where predicate.matches(values(slot)) {
            bits[slot >> 6] |= 1 << UInt64(slot & 63)
        }
        matchCache.withLock { cache in
            if cache.count >= 16 { cache.removeAll() }
            cache[predicate] = bits
        }
        return bits
    }

    /// The record in `slot`'s GeoJSON up to its own last property, when kept.
    func encodedStart(_ slot: Int, layer asked: Layer) -> [UInt8]? {
        guard asked == layer, let encodedStart else { return nil }
        return encodedStart[Int(tree.order[slot])]
    }

    init(layer: Layer, records: [LayerRecord]) {
        self.records = records
        self.layer = layer
        encodedStart = layer == .shelters ? records.map { record in
            var bytes: [UInt8] = []
            _ = record.writeFeatureStart(in: layer, into: &bytes)
            return bytes
        } : nil
        var boxes: [BoundingBox] = []
        var pointByRecord: [Coordinate] = []
        boxes.reserveCapacity(records.count)
        pointByRecord.reserveCapacity(records.count)
        records.withUnsafeBufferPointer { records in
            for record in records {
                if case .point(let c) = record.geometry {
                    boxes.append(BoundingBox(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y))
                    pointByRecord.append(c)
                } else {
                    boxes.append(record.geometry.boundingBox ?? BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0))
                    pointByRecord.append(Coordinate(.nan, .nan))
                }
            }
        }
        tree = PackedRTree(boxes: boxes)
        let recordOfSlot = tree.order
        var slotOfRecord = [Int32](repeating: 0, count: records.count)
        for (slot, index) in recordOfSlot.enumerated() { slotOfRecord[Int(index)] = Int32(slot) }
        self.slotOfRecord = slotOfRecord
        let points = recordOfSlot.map { pointByRecord[Int($0)] }
        self.points = points
        earth = points.map { $0.x.isNaN ? EarthPoint.notAPoint : EarthPoint($0) }
        var vertexEarth: [EarthPoint] = []
        var vertexStart: [Int32] = [0]
        var vertexCoordinates: [Coordinate] = []
        var partStart: [Int32] = [0], partEnds: [Int32] = [], partKinds: [FlatShape.PartKind] = []
        vertexStart.reserveCapacity(records.count + 1)
        partStart.reserveCapacity(records.count + 1)
        for (slot, index) in recordOfSlot.enumerated() {
            if points[slot].x.isNaN {
                let shape = FlatShape(records[Int(index)].geometry)
                let base = Int32(vertexCoordinates.count)
                vertexCoordinates.append(contentsOf: shape.coordinates)
                vertexEarth.append(contentsOf: shape.coordinates.map(EarthPoint.init))
                partEnds.append(contentsOf: shape.partEnds.map { $0 + base })
                partKinds.append(contentsOf: shape.partKinds)
            }
            vertexStart.append(Int32(vertexEarth.count))
            partStart.append(Int32(partEnds.count))
        }
        self.vertexCoordinates = vertexCoordinates
        self.partStart = partStart
        self.partEnds = partEnds
        self.partKinds = partKinds
        self.vertexEarth = vertexEarth
        self.vertexStart = vertexStart
        chordBoxes = ChordBoxes(tree: tree, earth: earth, vertexEarth: vertexEarth, vertexStart: vertexStart)
        var byID: [String: Int32] = [:]
        byID.reserveCapacity(records.count)
        records.withUnsafeBufferPointer { records in
            for index in records.indices { byID[records[index].id] = slotOfRecord[index] }
        }
        slotByID = byID
        var byCode: [String: Int32] = [:]
        if layer == .grids, let codeColumn = layer.columns.firstIndex(where: { $0.name == "code" }) {
            for (index, record) in records.enumerated() {
                if case .text(let code) = record.values[codeColumn] { byCode[code] = slotOfRecord[index] }
            }
        }
        slotByCode = byCode
    }

    /// The record in `slot` (the tree's leaf order maps slots to record indexes).
    func record(_ slot: Int) -> LayerRecord { records[Int(tree.order[slot])] }

    /// Typed values of the record in `slot` (for filters: no copy of the rest).
    func values(_ slot: Int) -> [FieldValue] { records[Int(tree.order[slot])].values }

    /// Whether the feature in `slot` is a single point.
    func isPoint(_ slot: Int) -> Bool { earth[slot].isPoint }

    var count: Int { records.count }

    /// Approximate bytes the index structures hold, for the memory figures: the tree, the
    /// point arrays and the id map's entries (not the records themselves).
    var indexByteCount: Int {
        tree.byteCount + (earth.count + vertexEarth.count) * MemoryLayout<EarthPoint>.stride + (points.count + vertexCoordinates.count) * 16
            + (partStart.count + partEnds.count) * 4 + partKinds.count
            + vertexStart.count * 4 + chordBoxes.values.count * 4 + slotOfRecord.count * 4 + slotByID.count * 24
    }
}

extension EarthPoint {
    static let notAPoint = EarthPoint(x: .nan, y: .nan, z: .nan)

    init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    var isPoint: Bool { !x.isNaN }
}
