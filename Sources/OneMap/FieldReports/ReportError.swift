/// Why a field report was refused. Each case names what was wrong; the server maps each
/// to one HTTP status (exhaustively, in its problem file).
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The layer takes no new features by report (only hazards do).
    case notCreatable(Layer)
    /// The layer takes no reports at all.
    case readOnly(Layer)
    case unknownFeature(Layer, id: String)
    case duplicateID(Layer, id: String)
    case invalidID(String, reason: String)
    /// A field only the service sets (`reported_by`, `grid_code`, …).
    case serverOwned(String)
    /// A shelter report touched something other than capacity, occupancy, status, ….
    case notReportable(String, allowed: [String])
    case cannotMove(Layer)
    case forbidden(String)
    case lifecycle(from: String, to: String, reason: String)
    case statusRequired
    case levelLowered(from: Int64, to: Int64?)
    /// `If-Match` named another version.
    case stale(id: String, expected: String, current: String)
    case invalidGeometry(String)
    case tooManyVertices(Int, limit: Int)
    case invalidValue(String)
    /// An idempotency key already used by this author for another request.
    case requestKeyReused(String, reason: String)
    case invalidRequestKey(String)

    public var description: String {
        switch self {
        case .notCreatable(let layer): "only hazards take new features by report; \(layer) is read-only here"
        case .readOnly(let layer): "\(layer) is read-only here; hazards and shelters take reports"
        case .unknownFeature(let layer, let id): "collection '\(layer)' has no feature with id '\(id)'"
        case .duplicateID(let layer, let id): "collection '\(layer)' already has a feature with id '\(id)'"
        case .invalidID(let id, let reason): "id '\(id)': \(reason)"
        case .serverOwned(let field): "\(field): set by the service, not by reports"
        case .notReportable(let field, let allowed): "\(field): a shelter report may change \(allowed.joined(separator: ", ")), not this"
        case .cannotMove(let layer): "a \(layer) report cannot move the feature"
        case .forbidden(let reason): reason
        case .lifecycle(let from, let to, let reason): "status: '\(from)' cannot become '\(to)': \(reason)"
        case .statusRequired: "status: cannot be removed; a hazard is registered, rectifying or closed"
        case .levelLowered(let from, let to): "level: a grid worker cannot lower a hazard's level (\(from) to \(to.map(String.init) ?? "none")); a planner can"
        case .stale(let id, let expected, let current): "feature '\(id)' has changed: If-Match names version \(expected), it is now \(current); read it again and reapply the change"
        case .invalidGeometry(let reason): reason
        case .tooManyVertices(let n, let limit): "the geometry has \(n) vertices; reports take at most \(limit)"
        case .invalidValue(let reason): reason
        case .requestKeyReused(let key, let reason): "Idempotency-Key '\(key)' was used before for \(reason); a new request needs a new key"
        case .invalidRequestKey(let reason): "Idempotency-Key: \(reason)"
        }
    }
}
