import OneMapIndex
import OneMapStorage

/// The features a risk map colours: grid cells (the default, and the grid workers' unit)
/// or the administrative units of one level.
public enum AreaUnit: Sendable, Equatable, Hashable, CustomStringConvertible {
    case grids
    /// `admin_units` whose `level` column equals this (district, subdistrict, community, …).
    case admin(level: String)

    /// Parses what users type: `grids`, or an admin level (`subdistrict`, `community`,
    /// `district`, `county`, `township`, `city`, or `admin:LEVEL` for any other).
    public init(parsing text: String) {
        let name = text.lowercased()
        if name == "grids" || name == "grid" {
            self = .grids
        } else if name.hasPrefix("admin:") {
            self = .admin(level: String(name.dropFirst(6)))
        } else {
            self = .admin(level: name)
        }
    }

    public var layer: Layer {
        switch self {
        case .grids: .grids
        case .admin: .adminUnits
        }
    }

    public var description: String {
        switch self {
        case .grids: "grids"
        case .admin(let level): level
        }
    }

    /// Whether `record` (of ``layer``) is one of these areas: every grid cell, or the
    /// admin units whose level is this one (compared ignoring case).
    func contains(_ record: LayerRecord) -> Bool {
        switch self {
        case .grids: true
        case .admin(let level): record.value(Self.levelColumn).description.lowercased() == level
        }
    }

    private static let levelColumn = Layer.adminUnits.columnIndex("level")
}
