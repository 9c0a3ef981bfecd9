import OneMapGeometry

/// A square lattice of grid cells over an area, in metres of a local east/north frame,
/// with residents estimated from building floor areas: each building counts whole in the
/// cell holding its representative point. Cells that do not meet the area are dropped;
/// those on its edge are cut to it.
final class ResidentLattice {
    let cellSize: Double
    private let area: Geometry
    private let frame: LocalFrame
    private let origin: Coordinate
    private let columns: Int
    private let rows: Int
    private var floorArea: [Double]
    private var perResident = 40.0
    private let geos = GEOSContext()

    /// At most this many cells before clipping: a city at 500 m has a few thousand.
    static let maximumCells = 1_000_000

    init(area: Geometry, cellSize: Double) throws {
        guard let box = area.boundingBox else { throw OSMError.empty(path: "the area") }
        self.area = area
        self.cellSize = cellSize
        frame = LocalFrame(centre: box.center)
        let low = frame.toMetres(Coordinate(box.minX, box.minY)), high = frame.toMetres(Coordinate(box.maxX, box.maxY))
        origin = low
        let width = ((high.x - low.x) / cellSize).rounded(.up), height = ((high.y - low.y) / cellSize).rounded(.up)
        // Each side at least one cell, so a flat box (one east–west road) is bounded too.
        guard width.isFinite, height.isFinite, max(1, width) * max(1, height) <= Double(Self.maximumCells) else {
            throw OSMError.boundary(path: "the area", reason: "a \(String(format: "%.0f", cellSize)) m lattice over it would have more than \(Self.maximumCells) cells; give a larger --grid-size")
        }
        columns = max(1, Int(width))
        rows = max(1, Int(height))
        floorArea = [Double](repeating: 0, count: columns * rows)
    }

    /// The cell index of a point, or nil outside the lattice.
    private func cell(_ c: Coordinate) -> Int? {
        let m = frame.toMetres(c)
        let x = (m.x - origin.x) / cellSize, y = (m.y - origin.y) / cellSize
        guard x >= 0, y >= 0, x < Double(columns), y < Double(rows) else { return nil }
        return Int(y) * columns + Int(x)
    }

    func add(_ building: Geometry, floorArea area: Double, perResident: Double) throws {
        self.perResident = perResident
        guard area.isFinite, area > 0, let i = cell(try geos.pointOnSurface(building)) else { return }
        floorArea[i] += area
    }

    /// Residents of the cells ``cells(method:)`` returned (buildings outside the area count nowhere).
    private(set) var totalResidents = 0

    private static func residents(_ floorArea: Double, _ perResident: Double) -> Int {
        let n = (floorArea / perResident).rounded()
        return n.isFinite && n >= 0 && n < 1e12 ? Int(n) : 0
    }

    /// The cells as grid features: id and code `cell-ROW-COL` (row 1 in the south, column 1
    /// in the west), population estimated, the method in `population_method`.
    func cells(method: String) throws -> [Feature] {
        let prepared = try geos.prepare(area)
        totalResidents = 0
        var features: [Feature] = []
        for row in 0..<rows {
            for column in 0..<columns {
                let x0 = origin.x + Double(column) * cellSize, y0 = origin.y + Double(row) * cellSize
                let ring = [(x0, y0), (x0 + cellSize, y0), (x0 + cellSize, y0 + cellSize), (x0, y0 + cellSize), (x0, y0)].map { frame.toDegrees(Coordinate($0.0, $0.1)) }
                var square = Geometry.polygon([ring])
                guard try prepared.intersects(square) else { continue }
                if try !prepared.covers(square) {
                    // Cut to the area; keep only what has area (an edge-only touch gives a line).
                    let cut = try geos.intersection(area, square)
                    let polygons: [[Ring]] = switch cut {
                    case .polygon(let p): [p]
                    case .multiPolygon(let ps): ps
                    case .geometryCollection(let parts): parts.flatMap { part -> [[Ring]] in
                        switch part { case .polygon(let p): [p]; case .multiPolygon(let ps): ps; default: [] }
                    }
                    default: []
                    }
                    guard !polygons.isEmpty else { continue }
                    square = polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)
                }
                let code = "cell-\(row + 1)-\(column + 1)"
                let residents = Self.residents(floorArea[row * columns + column], perResident)
                totalResidents += residents
                features.append(Feature(id: code, geometry: square, properties: [
                    JSONMember("code", .string(code)), JSONMember("name", .string("网格 \(row + 1)-\(column + 1)")),
                    JSONMember("population", .number(Double(residents))),
                    JSONMember("population_estimated", .bool(true)), JSONMember("population_method", .string(method)),
                ]))
            }
        }
        return features
    }
}
