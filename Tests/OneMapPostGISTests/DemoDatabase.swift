import Foundation
import OneMap
import OneMapPostGIS

/// A GeoPackage's layers in a PostGIS database, as the tests deploy one.
enum DemoDatabase {
    /// Brings the database at `url` to the current schema and copies every layer of the
    /// GeoPackage at `path` into it.
    static func copy(_ path: String, into url: String) async throws {
        let location = try PostGISLocation(url)
        try await PostGISStore.initialize(location)
        let source = try GeoPackage(path: path, mode: .readOnly)
        var layers: [(Layer, [LayerRecord])] = []
        for layer in try source.layers() {
            var records: [LayerRecord] = []
            try source.forEachRecord(in: layer) { records.append($0) }
            layers.append((layer, records))
        }
        let loaded = layers
        try await PostGISStore.using(location) { store in
            for (layer, records) in loaded { try await store.copy(records, into: layer) }
        }
    }
}
