import OneMapStorage

/// Why a query or a live update was refused. Every case names what was wrong, so the CLI
/// and the server can pass the text on unchanged.
public enum QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    case layerNotLoaded(Layer)
    case unknownColumn(layer: Layer, column: String, known: [String])
    case badValue(column: String, value: String, reason: String)
    case badFilter(String)
    case badParameter(name: String, reason: String)
    case unknownGrid(String)
    case unknownFeature(layer: Layer, id: String)
    case duplicateFeature(layer: Layer, id: String)
    case invalidFeature(layer: Layer, id: String, reason: String)

    public var description: String {
        switch self {
        case .layerNotLoaded(let layer): "layer '\(layer)' is not loaded (the GeoPackage has no such table)"
        case .unknownColumn(let layer, let column, let known):
            "layer '\(layer)' has no column '\(column)'; its columns are \(known.joined(separator: ", "))"
        case .badValue(let column, let value, let reason): "'\(value)' does not fit column '\(column)': \(reason)"
        case .badFilter(let text): "cannot read filter '\(text)': expected COLUMN=V[,V…], COLUMN>=N or COLUMN<=N"
        case .badParameter(let name, let reason): "\(name): \(reason)"
        case .unknownGrid(let code): "no grid cell has code '\(code)'"
        case .unknownFeature(let layer, let id): "layer '\(layer)' has no feature with id '\(id)'"
        case .duplicateFeature(let layer, let id): "layer '\(layer)' already has a feature with id '\(id)'"
        case .invalidFeature(let layer, let id, let reason): "feature '\(id)' cannot go into layer '\(layer)': \(reason)"
        }
    }
}
