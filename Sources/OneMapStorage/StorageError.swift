/// What went wrong with a GeoPackage file.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAGeoPackage(path: String, reason: String)
    case missingFile(path: String)
    case layerMissing(Layer, path: String)
    case incompatibleTable(Layer, missingColumns: [String])
    case duplicateID(String, layer: Layer)
    case sqlite(path: String, message: String)
    case badGeometry(Layer, id: String, reason: String)
    /// The store cannot be reached now (a database server stopped or out of reach): reads
    /// from memory go on, writes wait until it is back.
    case unavailable(location: String, reason: String)
    /// Another writer changed the feature since this one read it (another replica over the
    /// same database): nothing was stored; read it again and reapply.
    case conflict(Layer, id: String)

    public var description: String {
        switch self {
        case .notAGeoPackage(let path, let reason): "\(path) is not a GeoPackage: \(reason)"
        case .missingFile(let path): "\(path): no such file"
        case .layerMissing(let layer, let path): "\(path) has no layer \(layer) (import one with onemap import FILE --layer \(layer))"
        case .incompatibleTable(let layer, let missing):
            "table \(layer) exists but lacks OneMap's columns \(missing.joined(separator: ", ")); import into a new file"
        case .duplicateID(let id, let layer): "id \"\(id)\" already exists in \(layer) (ids are unique per layer; use --replace to reload the layer)"
        case .sqlite(let path, let message): "\(path): \(message)"
        case .badGeometry(let layer, let id, let reason): "\(layer) feature \"\(id)\" has an unreadable geometry: \(reason)"
        case .unavailable(let location, let reason): "the store \(location) cannot be reached (\(reason)); reads go on from memory, writes wait until it is back"
        case .conflict(let layer, let id): "\(layer) feature \"\(id)\" was changed by another writer meanwhile; nothing was stored"
        }
    }
}
