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
        /// The cell's residents beyond the limit: its resident samples (the planner's
        /// lattice) farther than the limit from every station. A cell half out of reach
        /// counts half its residents, not all or none.
        public var residentsOutside: Double
        /// Every resident within the limit.
        public var covered: Bool { residentsOutside < 0.5 && (minutes ?? .infinity) <= limitMinutes }
        let limitMinutes: Double
    }

    public struct Result: Sendable {
        public var cells: [Cell]
        public var stations: Int
        /// The area reached within the limit (roads buffered by 50 m).
        public var serviceArea: Geometry?
        /// Residents beyond the limit, from the resident samples: the figure `/plan/fire`
        /// reports too (one computation, ``FireGaps/reach(_:graph:settlement:standards:within:)``).
        public var residentsOutside: Int
    }

    /// Fire coverage within `minutes` of driving. `settlement`: the roads residents live
    /// near (the walking graph, as the planner uses); `standards`: the lattice of resident
    /// samples (its fire minutes are replaced by `minutes`).
    public static func compute(graph: RoadGraph, settlement: RoadGraph? = nil, snapshot: IndexSnapshot, minutes: Double,
                               standards: PlanningStandards = .standard) throws -> Result {
        var standards = standards
        standards.fireMinutes = minutes
        let reach = try FireGaps.reach(snapshot, graph: graph, settlement: settlement, standards: standards)
        let stations = try snapshot.facilitiesInService(kind: "fire_station")
        let context = GEOSContext()
        let sources = try stations.map { try graph.snap(try context.pointOnSurface($0.geometry)) }
        let area = try graph.serviceArea(nodeCosts: graph.costs(from: sources), limit: minutes * 60)
        let prepared = try area.map { try context.prepare($0) }
        let cells = try reach.samples.grids.indices.map { g in
            let grid = reach.samples.grids[g]
            var share = 0.0
            if let area, let prepared, try prepared.intersects(grid.record.geometry) {
                share = grid.area > 0 ? min(1, try context.area(try context.intersection(grid.record.geometry, area)) / (try context.area(grid.record.geometry))) : 0
            }
            let centre = reach.gridMinutes[g]
            return Cell(grid: grid.record, minutes: centre.isFinite ? centre : nil, coveredShare: share, residents: grid.residents,
                        residentsOutside: reach.residentsOutside(grid: g, minutes), limitMinutes: minutes)
        }
        return Result(cells: cells, stations: reach.stations, serviceArea: area,
                      residentsOutside: Int(reach.residentsOutside(minutes).rounded()))
    }
}

extension FireCoverage.Cell {
    /// The grid as a GeoJSON feature with its minutes from the nearest station, whether
    /// it is covered, and the covered share of its area.
    public var feature: Feature {
        var properties = grid.feature(in: .grids).properties
        properties += [JSONMember("minutes_from_fire_station", minutes.map { .number(($0 * 10).rounded() / 10) } ?? .null),
                       JSONMember("covered", .bool(covered)), JSONMember("covered_share", .number((coveredShare * 1000).rounded() / 1000)),
                       JSONMember("residents_outside", .number(residentsOutside.rounded()))]
        return Feature(id: grid.id, geometry: grid.geometry, properties: properties)
    }
}
