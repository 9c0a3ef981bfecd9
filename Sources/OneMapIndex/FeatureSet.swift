import OneMapGeometry
import OneMapStorage

/// An immutable set of one layer's features with its packed R-tree, stored in tree order
/// (struct of arrays) so that features near in space are near in memory.
final class FeatureSet: Sendable {
    let records: [LayerRecord]
    /// ECEF form of point features, for the fast distance; NaN for other geometries.
    let earth: [EarthPoint]
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

    /// Approximate bytes held, for the memory figures: the tree, the ECEF points, the
    /// id dictionary and the record headers (not the strings and arrays they point to).
    var indexByteCount: Int {
        tree.byteCount + earth.count * MemoryLayout<EarthPoint>.stride + slotByID.count * 24
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
