import Foundation
import OneMapGeometry
import OneMapOGR
import OneMapStorage

/// Builds a OneMap GeoPackage for any city from an OpenStreetMap extract: roads, facilities,
/// shelters, hazards, administrative boundaries, and a square lattice of grid cells whose
/// residents are estimated from residential building footprints. What came from which
/// tags is in the summary; every estimate is marked as one in the features it sets.
public enum OSMCity {
    public struct Options: Sendable {
        public var input: String
        public var output: String
        /// A polygon file (any format GDAL reads, in any CRS it declares) limiting the area;
        /// without it, the lattice covers the roads' extent.
        public var boundary: String?
        /// Side of a grid cell in metres.
        public var gridSize: Double = 500
        public var profile: OSMProfile = .builtIn

        public init(input: String, output: String) {
            self.input = input
            self.output = output
        }
    }

    public struct Summary: Sendable {
        public var counts: [Layer: Int] = [:]
        /// One line per kind of feature: how many, from which tags, what was estimated.
        public var lines: [String] = []
        public var residents = 0
    }

    /// Reads the extract and writes `options.output` (replacing it atomically).
    /// - Parameter progress: hears each step as it starts.
    public static func build(_ options: Options, progress: (String) -> Void = { _ in }) throws -> Summary {
        guard options.gridSize >= 50, options.gridSize <= 50_000 else {
            throw OSMError.option("grid size \(options.gridSize) m is outside 50…50,000 m")
        }
        if let problem = options.profile.problem { throw OSMError.profile(path: "the OSM profile", reason: problem) }
        let reader = try OSMReader(path: options.input)
        let boundary = try options.boundary.map { try BoundaryFile.polygon(path: $0) }
        var collector = OSMCollector(profile: options.profile, boundary: boundary)
        for layer in ["points", "lines", "multipolygons"] {
            progress("reading \(layer) of \(options.input)")
            try reader.forEach(layer) { collector.take($0, from: layer) }
        }
        try collector.settleGenericBuildings()
        guard let area = boundary ?? collector.roadExtent.map(BoundaryFile.rectangle) else { throw OSMError.empty(path: options.input) }
        progress("laying \(Int(options.gridSize)) m grid cells and estimating residents")
        let lattice = try ResidentLattice(area: area, cellSize: options.gridSize)
        for building in collector.residentialBuildings { try lattice.add(building.geometry, floorArea: building.floorArea, perResident: options.profile.residents.floorM2PerResident) }
        let cells = try lattice.cells(method: "residential building footprints × storeys ÷ \(options.profile.residents.floorM2PerResident) m² per resident")

        progress("writing \(options.output)")
        var summary = Summary()
        let temporary = options.output + ".building"
        removeStore(temporary)
        let store = try GeoPackage(path: temporary, mode: .create)
        try store.write { session in
            for (layer, features) in [(Layer.adminUnits, collector.adminUnits), (.grids, cells), (.roads, collector.roads), (.facilities, collector.facilities),
                                      (.shelters, collector.shelters), (.hazards, collector.hazards)] {
                let writer = try session.writer(for: layer, replacing: true, bulk: true)
                let mapper = try RecordMapper(layer: layer)
                for feature in features { try writer.insert(try mapper.record(for: feature, fallbackID: "")) }
                try writer.finish()
                summary.counts[layer] = writer.inserted
            }
            try session.deriveHazardGridCodes(recheck: true)
        }
        if rename(temporary, options.output) != 0 {
            throw FileError.cannotWrite(path: options.output, reason: String(cString: strerror(errno)))
        }
        summary.residents = lattice.totalResidents
        summary.lines = collector.report() + [
            "grids: \(cells.count) square cells of \(Int(options.gridSize)) m over \(options.boundary.map { "the boundary in \($0)" } ?? "the roads' extent"); "
                + "\(lattice.totalResidents) residents estimated from \(collector.residentialBuildings.count) residential buildings "
                + "(footprint × building:levels, else the profile's storeys per building type, ÷ \(options.profile.residents.floorM2PerResident) m² per resident; marked population_estimated)",
        ]
        return summary
    }

    static func removeStore(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// The area polygon of `--boundary`, read through GDAL and brought to WGS84.
enum BoundaryFile {
    static func polygon(path: String) throws -> Geometry {
        let dataset: OGRDataset
        do { dataset = try OGRDataset(path: path) } catch { throw OSMError.boundary(path: path, reason: "\(error)") }
        guard let name = dataset.layerNames.first else { throw OSMError.boundary(path: path, reason: "no layer") }
        let layer = try dataset.layer(named: name)
        let crs: CoordinateReferenceSystem = switch layer.declaredCRS {
        case .epsg(let code)?: code == 4326 ? .wgs84 : .epsg(code)
        case .wkt(let n, let d)?: .wkt(name: n, definition: d)
        case nil: .wgs84
        }
        let transform = try CoordinateTransform(from: crs)
        var polygons: [[Ring]] = []
        try layer.forEach { record in
            switch try record.geometry.map(transform.toWGS84) {
            case .polygon(let rings)?: polygons.append(rings)
            case .multiPolygon(let parts)?: polygons += parts
            default: break
            }
        }
        guard !polygons.isEmpty else { throw OSMError.boundary(path: path, reason: "no polygon in layer \(name)") }
        let area: Geometry = polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)
        // Every cell is cut to the area: an invalid polygon would fail there, unnamed.
        let geos = GEOSContext()
        guard try geos.isValid(area) else {
            throw OSMError.boundary(path: path, reason: "the boundary polygon is invalid: \(try geos.validityReason(area)) (repair it, e.g. onemap import --fix or ogr2ogr -makevalid)")
        }
        return area
    }

    static func rectangle(_ box: BoundingBox) -> Geometry {
        .polygon([[Coordinate(box.minX, box.minY), Coordinate(box.maxX, box.minY), Coordinate(box.maxX, box.maxY), Coordinate(box.minX, box.maxY), Coordinate(box.minX, box.minY)]])
    }
}
