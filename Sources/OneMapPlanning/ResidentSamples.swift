import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// Where residents live, as points: each grid's population shared among the lattice points
/// inside it in proportion to the road junctions near each. Grids carry a head count but
/// no buildings; junction density is the usual stand-in for urban density (a dasymetric
/// rule), so a large grid of open land and one housing estate does not count its desert
/// as homes. A grid with no junction near any point spreads its residents evenly. The
/// samples let coverage say *which part* of a grid is out of reach, not only whether its
/// centre is.
public struct ResidentSamples: Sendable {
    public struct Sample: Sendable {
        public var coordinate: Coordinate
        public var residents: Double
        /// Index into ``grids``.
        public var grid: Int
    }

    public struct Grid: Sendable {
        public var record: LayerRecord
        public var code: String
        public var name: String
        public var subdistrict: String
        public var residents: Int
        /// Lattice spacing in this grid, metres (coarser than asked in very large grids).
        public var spacing: Double
        public var frame: LocalFrame
        /// The lattice's south-west corner in the grid's frame, metres.
        var corner: Coordinate
        /// The grid's representative point (GEOS point-on-surface).
        public var centre: Coordinate
        /// Area in m².
        public var area: Double
        public var samples: Range<Int>
    }

    public let grids: [Grid]
    public let samples: [Sample]

    public var totalResidents: Int { grids.reduce(0) { $0 + $1.residents } }

    /// Samples every grid at `spacing` metres, coarsening a grid's lattice so that it has
    /// at most about `maxPerGrid` samples. A grid too small for any lattice point gets one
    /// sample at its point-on-surface. With `roads`, a point's share is the number of road
    /// junctions (graph nodes) within `settledWithin` metres.
    public init(grids records: [LayerRecord], spacing: Double, maxPerGrid: Int, roads: RoadGraph? = nil,
                settledWithin: Double = 250) throws {
        let context = GEOSContext()
        let population = Layer.grids.columnIndex("population")
        let code = Layer.grids.columnIndex("code")
        let name = Layer.grids.columnIndex("name")
        let subdistrict = Layer.grids.columnIndex("subdistrict")
        var grids: [Grid] = []
        var samples: [Sample] = []
        let junctions = roads.map { CoordinateBuckets($0.nodes, cell: max(50, settledWithin)) }
        for record in records.sorted(by: { $0.id < $1.id }) {
            guard let lattice = try Lattice(inside: record.geometry, spacing: spacing, maxCount: maxPerGrid, context: context) else { continue }
            let (frame, area, step, low) = (lattice.frame, lattice.area, lattice.step, lattice.corner)
            let points = lattice.points.map(\.metres)
            let centre = try context.pointOnSurface(record.geometry)
            let residents = record.value(population).count ?? 0
            let first = samples.count
            if points.isEmpty {
                samples.append(Sample(coordinate: centre, residents: Double(residents), grid: grids.count))
            } else {
                let coordinates = points.map(frame.toDegrees)
                var weights = coordinates.map { c in junctions.map { Double($0.within(settledWithin, of: c).count) } ?? 1 }
                if !weights.contains(where: { $0 > 0 }) { weights = weights.map { _ in 1 } }
                let total = weights.reduce(0, +)
                samples += zip(coordinates, weights).map { Sample(coordinate: $0, residents: Double(residents) * $1 / total, grid: grids.count) }
            }
            grids.append(Grid(record: record, code: record.value(code).string ?? record.id, name: record.value(name).string ?? "",
                              subdistrict: record.value(subdistrict).string ?? "", residents: residents, spacing: step,
                              frame: frame, corner: low, centre: centre, area: area, samples: first..<samples.count))
        }
        self.grids = grids
        self.samples = samples
    }

    /// The residents of the given samples by grid, and the part of each grid they stand for.
    /// The residents inside `zone`, grid by grid, from the samples inside it: a grid half
    /// inside contributes the residents of the half of its lattice that is (within the
    /// lattice's resolution), not all of them or none by its centre.
    public func inside(_ zone: Geometry) throws -> Inside {
        let context = GEOSContext()
        let prepared = try context.prepare(zone)
        guard let box = zone.boundingBox else { return Inside(grids: []) }
        var byGrid: [Int: [Int]] = [:]
        for (i, sample) in samples.enumerated() where box.contains(sample.coordinate) {
            if try prepared.intersects(.point(sample.coordinate)) { byGrid[sample.grid, default: []].append(i) }
        }
        return Inside(grids: byGrid.keys.sorted().map { g in
            let held = byGrid[g] ?? []
            return Inside.Part(grid: g, residents: held.reduce(0) { $0 + samples[$1].residents }, samples: held)
        })
    }

    /// Residents inside an area, grid by grid.
    public struct Inside: Sendable {
        public struct Part: Sendable {
            /// Index into ``ResidentSamples/grids``.
            public var grid: Int
            public var residents: Double
            /// The samples inside (indices into ``ResidentSamples/samples``).
            public var samples: [Int]
        }

        public var grids: [Part]
        public var residents: Double { grids.reduce(0) { $0 + $1.residents } }
    }

    public func areaAndResidents(of sampleIndices: [Int]) throws -> [(grid: Int, geometry: Geometry, residents: Double)] {
        let held = sampleIndices.filter { samples[$0].residents > 0 }
        var residents: [Int: Double] = [:]
        for i in held { residents[samples[i].grid, default: 0] += samples[i].residents }
        return try area(of: held).map { ($0.grid, $0.geometry, residents[$0.grid] ?? 0) }
    }

    /// The part of each grid the given samples stand for (the lattice squares around them,
    /// merged and clipped to the grid), as one polygon or multipolygon per grid.
    public func area(of sampleIndices: [Int]) throws -> [(grid: Int, geometry: Geometry)] {
        let context = GEOSContext()
        let byGrid = Dictionary(grouping: sampleIndices) { samples[$0].grid }
        return try byGrid.keys.sorted().compactMap { g in
            let grid = grids[g]
            let local = grid.record.geometry.mapCoordinates(grid.frame.toMetres)
            // All of the grid's samples: the whole grid (no lattice seams).
            if byGrid[g]!.count == grid.samples.count { return (g, grid.record.geometry) }
            // Lattice cells merged along each row into rectangles first: GEOS then unions a
            // few dozen rectangles per grid, not hundreds of squares.
            let step = grid.spacing
            var rows: [Int: [Int]] = [:]
            for i in byGrid[g]! {
                let c = grid.frame.toMetres(samples[i].coordinate)
                let column = Int(((c.x - grid.corner.x) / step - 0.5).rounded()), row = Int(((c.y - grid.corner.y) / step - 0.5).rounded())
                rows[row, default: []].append(column)
            }
            var rectangles: [Geometry] = []
            for (row, columns) in rows {
                let sorted = columns.sorted()
                var start = sorted[0], last = sorted[0]
                func emit() {
                    let x0 = grid.corner.x + Double(start) * step, x1 = grid.corner.x + Double(last + 1) * step
                    let y0 = grid.corner.y + Double(row) * step, y1 = y0 + step
                    rectangles.append(.polygon([[Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0)]]))
                }
                for column in sorted.dropFirst() {
                    if column == last + 1 { last = column } else { emit(); start = column; last = column }
                }
                emit()
            }
            let clipped = try context.intersection(try context.union(rectangles), local)
            guard try context.area(clipped) > 0 else { return nil }
            return (g, clipped.mapCoordinates(grid.frame.toDegrees))
        }
    }
}

/// The grids a plan is for: every grid, or those meeting `area` (a planner working on one
/// county of a city).
public enum PlanArea {
    public static func grids(_ snapshot: IndexSnapshot, within area: BoundingBox?) throws -> [LayerRecord] {
        guard snapshot.loadedLayers.contains(.grids) else { return [] }
        guard let area else { return try snapshot.allFeatures(.grids) }
        return try snapshot.features(.grids, in: area).map(\.record)
    }

    /// `geometry` cut to `area` (nil when nothing is left).
    static func clip(_ geometry: Geometry, to area: BoundingBox?, context: GEOSContext) throws -> Geometry? {
        guard let area else { return geometry }
        let box: Geometry = .polygon([[Coordinate(area.minX, area.minY), Coordinate(area.maxX, area.minY), Coordinate(area.maxX, area.maxY),
                                       Coordinate(area.minX, area.maxY), Coordinate(area.minX, area.minY)]])
        let cut = try context.intersection(geometry, box)
        return try context.area(cut) > 0 ? cut : nil
    }
}

/// Points every `step` metres on a square lattice inside a polygon, in a local frame
/// around it; the step grows so that there are at most about `maxCount`.
struct Lattice {
    let frame: LocalFrame
    /// Area of the polygon, m².
    let area: Double
    let step: Double
    /// The lattice's south-west corner in the frame, metres.
    let corner: Coordinate
    /// Each point with its row and column.
    let points: [(metres: Coordinate, row: Int, column: Int)]

    init?(inside geometry: Geometry, spacing: Double, maxCount: Int, context: GEOSContext) throws {
        guard let box = geometry.boundingBox else { return nil }
        frame = LocalFrame(centre: box.center)
        let local = geometry.mapCoordinates(frame.toMetres)
        area = try context.area(local)
        step = max(spacing, (area / Double(max(1, maxCount))).squareRoot())
        let prepared = try context.prepare(local)
        corner = frame.toMetres(Coordinate(box.minX, box.minY))
        let high = frame.toMetres(Coordinate(box.maxX, box.maxY))
        var points: [(Coordinate, Int, Int)] = []
        var row = 0
        var y = corner.y + step / 2
        while y < high.y {
            var column = 0
            var x = corner.x + step / 2
            while x < high.x {
                if try prepared.contains(Coordinate(x, y)) { points.append((Coordinate(x, y), row, column)) }
                x += step
                column += 1
            }
            y += step
            row += 1
        }
        self.points = points
    }
}
