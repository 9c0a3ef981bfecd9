import Foundation
import OneMapPostGIS

/// `onemap export --from postgres://…`: a layer read from the database, written as from a GeoPackage.
public enum PostGISExport {
    public static func records(of layer: Layer, from location: PostGISLocation) async throws -> [LayerRecord] {
        try await PostGISStore.using(location) { store in
            try await store.requireCurrentSchema()
            return try await store.records(in: layer)
        }
    }
}
