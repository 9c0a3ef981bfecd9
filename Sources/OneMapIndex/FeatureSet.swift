import OneMapGeometry
import OneMapStorage

/// An immutable set of one layer's features with its packed R-tree, stored in tree order
/// (struct of arrays) so that features near in space are near in memory.
final class FeatureSet: Sendable {
    let records: [LayerRecord]
    /// ECEF form of point features, for the fast distance; NaN for other geometries.
    let earth: [EarthPoint]
    /// Lon/lat of point features (NaN for others), so hot loops need not touch records.
    let points: [Coordinate]
    /// ECEF form of the vertices of lines and polygons, feature after feature;
    /// `vertexStart[slot]..<vertexStart[slot + 1]` are a feature's (none for points).
    let vertexEarth: [EarthPoint]
    let vertexStart: [Int32]
    /// ECEF boxes of the tree's entries, for distance pruning.
    let chordBoxes: ChordBoxes
    let tree: PackedRTree
    let slotByID: [String: Int32]
    /// Grid cells by code (filled for the grids layer only).
    let slotByCode: [String: Int32]

    static let empty = FeatureSet(layer: .hazards, records: [])

    init(layer: Layer, records input: [LayerRecord]) {
        let boxes = input.map { $0.geometry.boundingBox ?? BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0) }
        tree = PackedRTree(boxes: boxes)
        records = tree.order.map { input[Int($0)] }
        earth = records.map { record in
            if case .point(let c) = record.geometry { return EarthPoint(c) }
            return EarthPoint.notAPoint
        }
        points = records.map { record in
            if case .point(let c) = record.geometry { return c }
            return Coordinate(.nan, .nan)
        }
        var vertexEarth: [EarthPoint] = []
        var vertexStart: [Int32] = [0]
        vertexStart.reserveCapacity(records.count + 1)
        for record in records {
            if case .point = record.geometry {} else {
                record.geometry.forEachCoordinate { vertexEarth.append(EarthPoint($0)) }
            }
            vertexStart.append(Int32(vertexEarth.count))
        }
        self.vertexEarth = vertexEarth
        self.vertexStart = vertexStart
        chordBoxes = ChordBoxes(tree: tree, earth: earth, vertexEarth: vertexEarth, vertexStart: vertexStart)
        var byID: [String: Int32] = [:]
        byID.reserveCapacity(records.count)
        for (slot, record) in records.enumerated() { byID[record.id] = Int32(slot) }
        slotByID = byID
        var byCode: [String: Int32] = [:]
        if layer == .grids, let codeColumn = layer.columns.firstIndex(where: { $0.name == "code" }) {
            for (slot, record) in records.enumerated() {
                if case .text(let code) = record.values[codeColumn] { byCode[code] = Int32(slot) }
            }
        }
        slotByCode = byCode
    }

    var count: Int { records.count }

    /// Approximate bytes the index structures hold, for the memory figures: the tree, the
    /// point arrays and the id map's entries (not the records themselves).
    var indexByteCount: Int {
        tree.byteCount + (earth.count + vertexEarth.count) * MemoryLayout<EarthPoint>.stride + points.count * 16
            + vertexStart.count * 4 + chordBoxes.values.count * 4 + slotByID.count * 24
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
