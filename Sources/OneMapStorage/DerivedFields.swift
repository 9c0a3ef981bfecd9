import OneMapGeometry

/// Values OneMap fills itself, the same way whoever writes the feature (an import, the
/// HTTP service, the demo, a migrated older file), so that every query and plan reads
/// one meaning (docs/SCHEMA.md, "Derived fields"):
///
/// - a shelter without a `status` is `open`: stated once, at write time, instead of each
///   query guessing (before, `open=true` left such shelters out while evacuation and
///   coverage counted them in service);
/// - a grid without a `code` gets one from its id, in letters, digits and `-` so that it
///   stands in a URL (`/query/grid/{code}`);
/// - a hazard's `grid_code` is the grid its whole geometry lies in (see ``GridLocator``).
public enum DerivedFields {
    /// The status of a shelter whose source states none.
    public static let defaultShelterStatus = "open"

    /// Fills what a record's own values leave open; called by ``RecordMapper`` for every record.
    static func fill(_ record: inout LayerRecord, layer: Layer) {
        switch layer {
        case .shelters:
            let status = layer.columnIndex("status")
            if record.value(status) == .null { record.values[status] = .text(defaultShelterStatus) }
        case .grids:
            let code = layer.columnIndex("code")
            if record.value(code) == .null { record.values[code] = .text(gridCode(forID: record.id)) }
        default:
            break
        }
    }

    /// A grid code from a grid's id: the id itself when it is already letters, digits and
    /// `-`, else `grid-` and 16 hex digits of its FNV-1a hash (stable, and distinct for
    /// distinct ids in practice).
    public static func gridCode(forID id: String) -> String {
        let clean = !id.isEmpty && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        if clean { return id }
        return "grid-" + FNV1a.hex(id.utf8)
    }
}

/// Finds the grid cell a geometry lies in: the cell that covers the whole geometry, else
/// the cell holding its representative point (GEOS point-on-surface, always on the
/// geometry itself). Cells on the geometry's box come from `candidates`, tried in code
/// order so that a point on a shared edge always gets the same cell. Prepared cells are
/// kept, so locating many hazards costs one preparation per cell.
public final class GridLocator {
    public struct Cell {
        /// The cell's feature id: prepared geometries are kept by it.
        public var key: String
        public var code: String
        public var geometry: Geometry
        public init(key: String, code: String, geometry: Geometry) {
            self.key = key
            self.code = code
            self.geometry = geometry
        }
    }

    private let candidates: (BoundingBox) throws -> [Cell]
    private let context = GEOSContext()
    private var prepared: [String: PreparedGeometry] = [:]

    /// - Parameter candidates: the cells whose boxes meet a box (an index or R-tree query).
    public init(candidates: @escaping (BoundingBox) throws -> [Cell]) {
        self.candidates = candidates
    }

    /// The code of the cell `geometry` lies in, or nil outside every cell.
    public func code(of geometry: Geometry) throws -> String? {
        guard let box = geometry.boundingBox else { return nil }
        let cells = try candidates(box).sorted { $0.code < $1.code }
        guard !cells.isEmpty else { return nil }
        for cell in cells where try prepare(cell).covers(geometry) { return cell.code }
        let point = try context.pointOnSurface(geometry)
        let pointBox = BoundingBox(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y)
        for cell in cells where cell.geometry.boundingBox?.intersects(pointBox) ?? false {
            if try prepare(cell).intersects(point) { return cell.code }
        }
        return nil
    }

    private func prepare(_ cell: Cell) throws -> PreparedGeometry {
        if let p = prepared[cell.key] { return p }
        let p = try context.prepare(cell.geometry)
        prepared[cell.key] = p
        return p
    }
}
