import ArgumentParser
import Foundation
import OneMap

/// `onemap query …`: the spatial core's queries on a GeoPackage, answered as GeoJSON.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Spatial queries, printed as a GeoJSON FeatureCollection (distances in metres).",
        subcommands: [Box.self, Within.self, Inside.self, Grid.self, Nearest.self, Shelters.self, Hazards.self])
}

/// Where the data is and which features count, shared by every query.
struct Source: ParsableArguments {
    @Option(help: "The GeoPackage to query, or a postgres:// database made by onemap db init.")
    var data = "onemap.gpkg"

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "A column condition: COLUMN=V[,V…], COLUMN>=N or COLUMN<=N. Repeat for several.", valueName: "condition"))
    var conditions: [String] = []

    func filters() throws -> [AttributeFilter] { try conditions.map { try AttributeFilter(parsing: $0) } }

    /// Indexes just the layers a query needs.
    func load(_ layers: [Layer]) throws -> IndexSnapshot {
        let store = try Stores.openForReading(data)
        let present = try store.layers()
        for layer in layers where !present.contains(layer) {
            throw ValidationError("\(data) has no '\(layer)' layer")
        }
        return try Stores.loadIndex(from: store, layers: layers).snapshot
    }
}

struct LayerOption: ParsableArguments {
    @Option(help: "The layer to query: \(Layer.allCases.map(\.tableName).joined(separator: ", ")).")
    var layer: String

    func validate() throws { _ = try resolved() }

    func resolved() throws -> Layer { try Arguments.layer(layer) }
}

struct RelationOption: ParsableArguments {
    @Option(help: "within (wholly inside) or intersects (sharing any point).")
    var relation = "within"

    func validate() throws { _ = try resolved() }

    func resolved() throws -> SpatialRelation { try Arguments.relation(relation) }
}

struct PointOptions: ParsableArguments {
    @Option(help: "Longitude of the query point (WGS84 degrees).")
    var lon: Double
    @Option(help: "Latitude of the query point (WGS84 degrees).")
    var lat: Double

    var point: Coordinate { Coordinate(lon, lat) }
}

/// Prints features as one FeatureCollection and their number on standard error.
func printCollection(_ features: [Feature]) throws {
    let writer = GeoJSONWriter(fileDescriptor: 1, format: .featureCollection)
    for feature in features { try writer.write(feature) }
    try writer.finish()
    FileHandle.standardError.write(Data("\(features.count) feature\(features.count == 1 ? "" : "s")\n".utf8))
}

extension Query {
    struct Box: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bbox", abstract: "Features meeting a lon/lat box.")
        @OptionGroup var source: Source
        @OptionGroup var layer: LayerOption
        @Option(help: ArgumentHelp("minLon,minLat,maxLon,maxLat", valueName: "box"))
        var bbox: String

        func run() throws {
            let box = try Arguments.box(bbox)
            let l = try layer.resolved()
            let hits = try source.load([l]).features(l, in: box, where: source.filters())
            try printCollection(hits.map { $0.feature(in: l) })
        }
    }

    struct Within: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Features within a geodesic radius of a point, nearest first.")
        @OptionGroup var source: Source
        @OptionGroup var layer: LayerOption
        @OptionGroup var at: PointOptions
        @Option(help: "Radius in metres.")
        var radius: Double
        @Option(help: "Keep only the nearest N.")
        var limit: Int?

        func run() throws {
            let l = try layer.resolved()
            let hits = try source.load([l]).features(l, within: radius, of: at.point, where: source.filters(), limit: limit)
            try printCollection(hits.map { $0.feature(in: l) })
        }
    }

    struct Inside: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Features inside (or meeting) a polygon: a GeoJSON file or WKT.")
        @OptionGroup var source: Source
        @OptionGroup var layer: LayerOption
        @Option(help: "A GeoJSON file holding a Polygon or MultiPolygon (a geometry, a Feature, or a FeatureCollection's first feature).")
        var area: String?
        @Option(help: "The polygon as WKT, lon/lat.")
        var wkt: String?
        @OptionGroup var relation: RelationOption

        func validate() throws {
            guard (area == nil) != (wkt == nil) else { throw ValidationError("give the polygon with exactly one of --area FILE or --wkt TEXT") }
        }

        func run() throws {
            let polygon = try wkt.map(parseWKT) ?? readArea(area!)
            let l = try layer.resolved()
            let hits = try source.load([l]).features(l, inside: polygon, relation: relation.resolved(), where: source.filters())
            try printCollection(hits.map { $0.feature(in: l) })
        }

        private func parseWKT(_ text: String) throws -> Geometry {
            do {
                return try GEOSContext().geometry(fromWKT: text)
            } catch {
                throw ValidationError("--wkt: cannot read the polygon: \(error)")
            }
        }

        /// The first geometry of a GeoJSON file; errors name the file (the reader gives
        /// the line and feature).
        private func readArea(_ path: String) throws -> Geometry {
            let feature: GeoJSONFeatureReader.Located?
            do {
                feature = try GeoJSONFeatureReader(path: path).next()
            } catch let error as FileError {
                throw error
            } catch {
                throw ValidationError("\(path): \(error)")
            }
            guard let feature else { throw ValidationError("\(path) holds no geometry") }
            return feature.feature.geometry
        }
    }

    struct Grid: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Features inside the grid cell with a given code.")
        @OptionGroup var source: Source
        @OptionGroup var layer: LayerOption
        @Option(help: "The grid cell's code.")
        var code: String
        @OptionGroup var relation: RelationOption

        func run() throws {
            let l = try layer.resolved()
            let snapshot = try source.load(Array(Set([l, .grids])))
            let hits = try snapshot.features(l, inGrid: code, relation: relation.resolved(), where: source.filters())
            try printCollection(hits.map { $0.feature(in: l) })
        }
    }

    struct Nearest: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The k features nearest a point, with geodesic distances and bearings.")
        @OptionGroup var source: Source
        @OptionGroup var layer: LayerOption
        @OptionGroup var at: PointOptions
        @Option(help: "How many.")
        var k = 5
        @Option(help: "Search no farther than this many metres.")
        var maxDistance: Double?

        func run() throws {
            let l = try layer.resolved()
            let hits = try source.load([l]).nearest(l, to: at.point, k: k, maxDistance: maxDistance ?? .infinity, where: source.filters())
            try printCollection(hits.map { $0.feature(in: l) })
        }
    }

    struct Shelters: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nearest-shelter",
            abstract: "The k nearest shelters with room: distance, bearing, capacity, room and area per person.")
        @OptionGroup var source: Source
        @OptionGroup var at: PointOptions
        @Option(help: "How many.")
        var k = 3
        @Option(name: .customLong("class"), help: "Accepted classes, e.g. I,II.")
        var classes: String?
        @Flag(help: "Only open shelters with room: the default, kept for scripts that say it.")
        var open = false
        @Flag(help: "Every shelter, whatever its status and room (for planners, not for sending people).")
        var anyStatus = false
        @Option(help: "Free room (capacity − occupancy) for at least this many persons.")
        var minRoom: Int?
        @Option(help: .hidden)
        var minCapacity: Int?

        func run() throws {
            // The flag's earlier name: refused with the new one, as the server does.
            if minCapacity != nil { throw ValidationError("--min-capacity was renamed --min-room (min_room over HTTP): one vocabulary, see the README") }
            if open && anyStatus { throw ValidationError("--open and --any-status contradict each other") }
            let classes = classes.map { $0.split(separator: ",").map(String.init) } ?? []
            let criteria = anyStatus ? ShelterCriteria.anyStatus(classes: classes, minimumRoom: minRoom, filters: try source.filters())
                : ShelterCriteria(classes: classes, minimumRoom: minRoom ?? 1, filters: try source.filters())
            let hits = try source.load([.shelters]).nearestShelters(to: at.point, k: k, criteria: criteria)
            try printCollection(hits.map(\.feature))
        }
    }

    struct Hazards: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hazards-near", abstract: "A grid worker's hazards near me: within a radius, nearest first.")
        @OptionGroup var source: Source
        @OptionGroup var at: PointOptions
        @Option(help: "Radius in metres.")
        var radius = 500.0
        @Option(help: "Levels, e.g. 1,2 or red,orange.")
        var level: String?
        @Option(help: "Kinds, e.g. gas_station,pipeline.")
        var kind: String?
        @Option(help: "Statuses, e.g. registered,rectifying, or any (closed ones too); default: open ones (not closed).")
        var status: String?

        func run() throws {
            func list(_ s: String?) -> [String] { s.map { $0.split(separator: ",").map(String.init) } ?? [] }
            let hits = try source.load([.hazards]).hazardsNear(at.point, radius: radius, levels: list(level), kinds: list(kind),
                                                               status: HazardStatusChoice(status.map { list($0) }), where: source.filters())
            try printCollection(hits.map { $0.feature(in: .hazards) })
        }
    }
}
