/// What went wrong while reading, writing or computing a geometry.
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// WKB or GeoPackage binary that cannot be decoded; `reason` says where it broke.
    case malformedBinary(reason: String)
    /// A GeoJSON or WKT geometry of the wrong shape, e.g. a polygon ring that is not closed.
    case invalidStructure(reason: String)
    /// GEOS reported an error; `message` is its text.
    case geos(message: String)

    public var description: String {
        switch self {
        case .malformedBinary(let reason): "malformed geometry binary: \(reason)"
        case .invalidStructure(let reason): reason
        case .geos(let message): "GEOS: \(message)"
        }
    }
}
