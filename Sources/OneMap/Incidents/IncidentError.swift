/// Why an incident request was refused; the server maps each case to one HTTP status.
public enum IncidentError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownIncident(String)
    case unknownKind(String, known: [String])
    case unknownHazard(String)
    case duplicateID(String)
    /// The caller's role may not do this (a grid worker creating an incident).
    case forbidden(String)
    /// A step the status lifecycle or the report chain does not allow.
    case lifecycle(String)
    /// A value out of range or missing, naming the member.
    case invalid(String)
    /// The incident is closed: its figures are no longer kept current, and it takes no zones.
    case closed(String)

    public var description: String {
        switch self {
        case .unknownIncident(let id): "no incident with id '\(id)'"
        case .unknownKind(let kind, let known): "kind: '\(kind)' is not a kind of incident; config/incidents.json names \(known.joined(separator: ", "))"
        case .unknownHazard(let id): "hazard: the hazards layer has no feature with id '\(id)'"
        case .duplicateID(let id): "an incident with id '\(id)' already exists"
        case .forbidden(let reason), .lifecycle(let reason), .invalid(let reason): reason
        case .closed(let id): "incident '\(id)' is closed; an admin may reopen it"
        }
    }
}
