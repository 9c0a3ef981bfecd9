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
    /// Record indexes by id: open addressing on the id's hash, -1 for an empty place, twice
    /// as many places as records (8 bytes a feature; a `[String: Int32]` took about 40).
    private let idTable: [Int32]
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
        for slot in 0..<records.count where predicate.matches(record(slot)) {
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
        var table = [Int32](repeating: -1, count: Self.idTableSize(records.count))
        let mask = table.count - 1
        records.withUnsafeBufferPointer { records in
            for index in records.indices {
                var place = records[index].id.hashValue & mask
                // A later record with an id already placed replaces it (the last one wins).
                while table[place] >= 0 && records[Int(table[place])].id != records[index].id { place = (place + 1) & mask }
                table[place] = Int32(index)
            }
        }
        idTable = table
        var byCode: [String: Int32] = [:]
        if layer == .grids, let codeColumn = layer.columns.firstIndex(where: { $0.name == "code" }) {
            for (index, record) in records.enumerated() {
                if case .text(let code) = record.value(codeColumn) { byCode[code] = slotOfRecord[index] }
            }
        }
        slotByCode = byCode
    }

    private static func idTableSize(_ count: Int) -> Int {
        var size = 16
        while size < 2 * count { size <<= 1 }
        return size
    }

    /// The slot of the record with `id`, or nil.
    func slot(id: String) -> Int32? {
        let mask = idTable.count - 1
        var place = id.hashValue & mask
        while true {
            let index = idTable[place]
            guard index >= 0 else { return nil }
            if records[Int(index)].id == id { return slotOfRecord[Int(index)] }
            place = (place + 1) & mask
        }
    }

    /// The record in `slot` (the tree's leaf order maps slots to record indexes).
    func record(_ slot: Int) -> LayerRecord { records[Int(tree.order[slot])] }

    /// Whether the feature in `slot` is a single point.
    func isPoint(_ slot: Int) -> Bool { earth[slot].isPoint }

    var count: Int { records.count }

    /// What the set holds, counted from its structures (not measured): the records (each
    /// record's slot in the array, its packed values, the heap of a long id and of a
    /// geometry's coordinate lists), and the index. Heap blocks count malloc's 16-byte
    /// rounding and 8-byte header, so the sum is close to what the set keeps resident.
    var costs: SetCosts {
        var costs = SetCosts(features: records.count, records: records.count * MemoryLayout<LayerRecord>.stride, index: indexByteCount)
        func block(_ bytes: Int) -> Int { (bytes + 8 + 15) / 16 * 16 }
        records.withUnsafeBufferPointer { records in
            for record in records {
                costs.values += block(32 + record.packed.byteCount)
                if record.id.utf8.count > 15 { costs.records += block(32 + record.id.utf8.count) }
                costs.geometry += record.geometry.heapBytes(block)
                if !record.extra.isEmpty { costs.records += block(32 + record.extra.count * MemoryLayout<JSONMember>.stride) }
            }
        }
        return costs
    }

    struct SetCosts {
        var features: Int
        var records: Int
        var values = 0
        var geometry = 0
        var index: Int

        var total: Int { records + values + geometry + index }
    }

    /// Approximate bytes the index structures hold, for the memory figures: the tree, the
    /// point arrays and the id map's entries (not the records themselves).
    var indexByteCount: Int {
        tree.byteCount + (earth.count + vertexEarth.count) * MemoryLayout<EarthPoint>.stride + (points.count + vertexCoordinates.count) * 16
            + (partStart.count + partEnds.count) * 4 + partKinds.count
            + vertexStart.count * 4 + chordBoxes.values.count * 4 + slotOfRecord.count * 4 + idTable.count * 4
            + (encodedStart?.reduce(0) { $0 + 32 + $1.count } ?? 0)
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

extension Geometry {
    /// Heap bytes of the geometry's coordinate lists (a point holds none), each list's block
    /// rounded by `block`.
    func heapBytes(_ block: (Int) -> Int) -> Int {
        func list(_ count: Int, _ stride: Int) -> Int { count == 0 ? 0 : block(32 + count * stride) }
        let coordinate = MemoryLayout<Coordinate>.stride
        switch self {
        case .point: return 0
        case .lineString(let cs), .multiPoint(let cs): return list(cs.count, coordinate)
        case .polygon(let rings): return list(rings.count, 8) + rings.reduce(0) { $0 + list($1.count, coordinate) }
        case .multiLineString(let lines): return list(lines.count, 8) + lines.reduce(0) { $0 + list($1.count, coordinate) }
        case .multiPolygon(let polygons):
            return list(polygons.count, 8) + polygons.reduce(0) { total, rings in
                total + list(rings.count, 8) + rings.reduce(0) { $0 + list($1.count, coordinate) }
            }
        case .geometryCollection(let parts):
            return list(parts.count, MemoryLayout<Geometry>.stride) + parts.reduce(0) { $0 + $1.heapBytes(block) }
        }
    }
}
