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
