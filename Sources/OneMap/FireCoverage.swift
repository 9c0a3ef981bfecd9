import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// Which grid cells a fire engine reaches within a few minutes of leaving any fire
/// station (the standard: the edge of a station's district within 5 minutes).
public enum FireCoverage {
    public struct Cell: Sendable {
        public var grid: LayerRecord
        /// Minutes from the nearest station to the cell's representative point by road
        /// (nil: no road reaches it).
        public var minutes: Double?
        /// Share of the cell's area inside the service area.
        public var coveredShare: Double
        public var residents: Int
        public var covered: Bool { (minutes ?? .infinity) <= limitMinutes }
        let limitMinutes: Double
    }

    public struct Result: Sendable {
        public var cells: [Cell]
        public var stations: Int
        /// The area reached within the limit (roads buffered by 50 m).
        public var serviceArea: Geometry?
        public var residentsOutside: Int { cells.filter { !$0.covered }.reduce(0) { $0 + $1.residents } }
    }

    public static func compute(graph: RoadGraph, snapshot: IndexSnapshot, minutes: Double) throws -> Result {
        let population = Layer.grids.columnIndex("population")
        let stations = try snapshot.facilitiesInService(kind: "fire_station")
        let context = GEOSContext()
        let sources = try stations.map { try graph.snap(try context.pointOnSurface($0.geometry)) }
        let costs = graph.costs(from: sources)
        let limit = minutes * 60
        let area = try graph.serviceArea(nodeCosts: costs, limit: limit)
        let prepared = try area.map { try context.prepare($0) }
        let cells = try snapshot.allFeatures(.grids).sorted { $0.id < $1.id }.map { grid in
            let seconds = graph.cost(to: try graph.snap(try context.pointOnSurface(grid.geometry)), nodeCosts: costs)
            var share = 0.0
            if let area, let prepared, try prepared.intersects(grid.geometry) {
                let whole = try context.area(grid.geometry)
                share = whole > 0 ? min(1, try context.area(try context.intersection(grid.geometry, area)) / whole) : 0
            }
            return Cell(grid: grid, minutes: seconds.isFinite ? seconds / 60 : nil, coveredShare: share,
                        residents: grid.values[population].count ?? 0, limitMinutes: minutes)
        }
        return Result(cells: cells, stations: stations.count, serviceArea: area)
    }
}

extension FireCoverage.Cell {
    /// The grid as a GeoJSON feature with its minutes from the nearest station, whether
    /// it is covered, and the covered share of its area.
    public var feature: Feature {
        var properties = grid.feature(in: .grids).properties
        properties += [JSONMember("minutes_from_fire_station", minutes.map { .number(($0 * 10).rounded() / 10) } ?? .null),
                       JSONMember("covered", .bool(covered)), JSONMember("covered_share", .number((coveredShare * 1000).rounded() / 1000))]
        return Feature(id: grid.id, geometry: grid.geometry, properties: properties)
    }
}
