/// The four levels of the one map, most severe first (the stored `level` values 1…4).
public enum RiskLevel: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case red = 1, orange, yellow, blue

    /// More severe sorts first: red < orange < yellow < blue.
    public static func < (a: RiskLevel, b: RiskLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .red: "red"
        case .orange: "orange"
        case .yellow: "yellow"
        case .blue: "blue"
        }
    }

    /// The fill colour of the one map (the tile style may override it).
    public var hexColour: String {
        switch self {
        case .red: "#E53935"
        case .orange: "#FB8C00"
        case .yellow: "#FDD835"
        case .blue: "#1E88E5"
        }
    }

    /// The name the plans use: 重大, 较大, 一般, 低.
    public var chineseName: String {
        switch self {
        case .red: "重大"
        case .orange: "较大"
        case .yellow: "一般"
        case .blue: "低"
        }
    }
}
