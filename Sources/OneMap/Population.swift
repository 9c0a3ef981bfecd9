import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapPlanning
import OneMapRouting
import OneMapStorage
import Synchronization

/// Residents inside an area, from the planner's resident samples: the one figure for
/// "how many people are in this zone" wherever it is asked (`/query/population`,
/// evacuation plans), so a grid partly inside contributes the residents inside it.
public enum Population {
    /// The planner's resident samples of every grid (`walk`: the roads residents live near).
    public static func samples(_ snapshot: IndexSnapshot, standards: PlanningStandards, walk: RoadGraph?) throws -> ResidentSamples {
        try ResidentSamples(grids: try PlanArea.grids(snapshot, within: nil), spacing: standards.sampleSpacing,
                            maxPerGrid: standards.maxSamplesPerGrid, roads: walk.flatMap { $0.pieceCount > 0 ? $0 : nil },
                            settledWithin: standards.settlementRoadDistance)
    }

    /// A grid's part of the residents inside a zone.
    public struct GridShare: Sendable, Equatable {
        public var code: String
        public var name: String
        public var subdistrict: String
        public var residentsInside: Double
        public var residents: Int
        /// The grid's residents inside as a share of all of them (of its samples, for a grid without residents).
        public var share: Double
        public var samplesInside: Int
        public var samples: Int
        public var gridWorker: String?
        public var contact: String?
    }

    /// The residents inside `zone`, grid by grid, from the samples inside it: the one rule
    /// for "how many people are in this zone".
    public static func shares(inside zone: Geometry, samples: ResidentSamples) throws -> (total: Double, grids: [GridShare]) {
        let inside = try samples.inside(zone)
        let worker = Layer.grids.columnIndex("grid_worker"), contact = Layer.grids.columnIndex("contact")
        func text(_ v: FieldValue) -> String? { v.string.flatMap { $0.isEmpty ? nil : $0 } }
        let grids = inside.grids.map { part -> GridShare in
            let grid = samples.grids[part.grid]
            let share = grid.residents > 0 ? part.residents / Double(grid.residents) : Double(part.samples.count) / Double(max(1, grid.samples.count))
            return GridShare(code: grid.code, name: grid.name, subdistrict: grid.subdistrict, residentsInside: part.residents, residents: grid.residents,
                             share: share, samplesInside: part.samples.count, samples: grid.samples.count,
                             gridWorker: text(grid.record.value(worker)), contact: text(grid.record.value(contact)))
        }
        return (inside.residents, grids)
    }

    /// A zone's area in m², in a local frame at its centre (exact enough for a zone of tens of km).
    public static func area(of zone: Geometry, _ context: GEOSContext = GEOSContext()) throws -> Double {
        guard let box = zone.boundingBox else { return 0 }
        let frame = LocalFrame(centre: Coordinate((box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2))
        return try context.area(zone.mapCoordinates(frame.toMetres))
    }

    /// The residents inside `zone` with each grid's share, as JSON.
    public static func json(inside zone: Geometry, samples: ResidentSamples) throws -> JSONValue {
        let (total, grids) = try shares(inside: zone, samples: samples)
        return .object([
            JSONMember("residents", .number(total.rounded())),
            JSONMember("grids_touched", .number(Double(grids.count))),
            JSONMember("zone_area_m2", .number(try area(of: zone).rounded())),
            JSONMember("grids", .array(grids.map { grid in
                .object([
                    JSONMember("grid", .string(grid.code)), JSONMember("name", .string(grid.name)), JSONMember("subdistrict", .string(grid.subdistrict)),
                    JSONMember("residents_inside", .number(grid.residentsInside.rounded())), JSONMember("residents", .number(Double(grid.residents))),
                    JSONMember("share_inside", .number((grid.share * 1000).rounded() / 1000)),
                    JSONMember("samples_inside", .number(Double(grid.samplesInside))), JSONMember("samples", .number(Double(grid.samples))),
                ])
            })),
            JSONMember("method", .string("each grid's residents on a lattice of sample points (\(String(format: "%.0f", samples.grids.first?.spacing ?? 0)) m or coarser), shared by road-junction density; the samples inside the zone are counted")),
        ])
    }
}

/// The resident samples of a live map, built on first use and again after the grids
/// change (an edit from QGIS or the CLI reaches the live index): what incident figures,
/// population queries and evacuation plans count.
public final class ResidentSampleCache: Sendable {
    private let live: LiveOneMap
    private let standards: PlanningStandards
    private let walk: @Sendable () throws -> RoadGraph?
    /// The samples and the grids' revision they were built at.
    private let built = Mutex<(revision: Int, samples: ResidentSamples)?>(nil)

    public init(live: LiveOneMap, standards: PlanningStandards, walk: @escaping @Sendable () throws -> RoadGraph?) {
        self.live = live
        self.standards = standards
        self.walk = walk
    }

    /// The samples for the grids now (nil when the map has no grids).
    public func samples() throws -> ResidentSamples? {
        guard live.index.snapshot.loadedLayers.contains(.grids) else { return nil }
        let revision = live.layerRevisions[.grids] ?? 0
        if let done = built.withLock({ $0 }), done.revision == revision { return done.samples }
        let made = try Population.samples(live.index.snapshot, standards: standards, walk: try walk())
        built.withLock { $0 = (revision, made) }
        return made
    }
}
