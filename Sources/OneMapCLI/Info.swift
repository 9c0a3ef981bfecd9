import ArgumentParser
import Foundation
import OneMap
import OneMapPostGIS

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a GeoPackage's (or a postgres:// database's) layers with feature counts, extents and spatial index.")

    @Argument(help: "The GeoPackage, or a postgres:// database made by onemap db init.")
    var file: String

    func run() throws {
        let layers: [LayerSummary], index: String
        if Stores.isDatabase(file) {
            let store = try PostGISLiveStore(location: try PostGISLocation(file), poolSize: 1)
            let versions = try store.versions()
            layers = try store.summary()
            print("\(store.location): PostgreSQL \(versions.postgres), PostGIS \(versions.postgis), OneMap schema version \(PostGISSchema.current), "
                  + "EPSG:4326 (WGS84 lon/lat), \(layers.count) layers, change log at \(try store.lastChangeNumber())")
            index = "gist"
        } else {
            let store = try GeoPackage(path: file, mode: .readOnly)
            layers = try store.read { try $0.summary() }
            print("\(file): GeoPackage, EPSG:4326 (WGS84 lon/lat), \(layers.count) layers")
            index = "rtree"
        }
        let header = ["layer", "geometry", "features", "extent: min lon, min lat, max lon, max lat", "spatial index"]
        var rows = [header]
        for l in layers {
            let extent = l.extent.map { String(format: "%.5f, %.5f, %.5f, %.5f", $0.minX, $0.minY, $0.maxX, $0.maxY) } ?? "(empty)"
            rows.append([l.layer.tableName, l.geometryType, String(l.count), extent, l.hasSpatialIndex ? index : "none"])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { c, cell in c == 2 ? String(repeating: " ", count: widths[c] - cell.count) + cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }
}
