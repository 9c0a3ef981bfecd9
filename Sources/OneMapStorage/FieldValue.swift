/// A typed column value as stored in a layer table.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var description: String {
        switch self {
        case .null: "null"
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .text(let s): s
        }
    }
}

extension FieldValue {
    /// The value as a number (integers and reals), or nil for text and null.
    /// A count (persons, places) as a whole number, clamped to 0…10¹²: integers as they
    /// are, reals toward zero, nil for text, null and NaN. Sums of counts over a city
    /// cannot overflow, and no stored value can trap a conversion (`Int(9.2e18)` does).
    public var count: Int? {
        switch self {
        case .integer(let i): return Int(min(max(i, 0), Self.maxCount))
        case .real(let d):
            guard !d.isNaN else { return nil }
            return Int(min(max(d, 0), Double(Self.maxCount)))
        case .null, .text: return nil
        }
    }

    public static let maxCount: Int64 = 1_000_000_000_000

    public var number: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .real(let d): d
        case .null, .text: nil
        }
    }

    /// The value as text, or nil for numbers and null.
    public var string: String? { if case .text(let s) = self { s } else { nil } }
}
