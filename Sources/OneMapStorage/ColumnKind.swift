import OneMapGeometry

/// How a typed column reads a source value: its SQL type and the normalisation that turns
/// "30 km/h", "是", "重大" or "Ⅱ" into one canonical stored value.
public enum ColumnKind: Sendable, Equatable {
    case text
    /// A whole number in `range` (inclusive).
    case integer(ClosedRange<Int64>)
    /// A number in `range` (inclusive).
    case real(ClosedRange<Double>)
    /// One of a fixed vocabulary; stored as its canonical value.
    case vocabulary(Vocabulary)
    /// An ISO 8601 date or date-time, stored as text.
    case timestamp
    /// A speed in km/h; "50", "50 km/h" and "30 mph" (converted) are accepted.
    case speed
    /// One-way flag: 0 both ways, 1 along the line, -1 against it (OSM yes/no/-1/reverse).
    case oneway

    /// The column's SQL type in the GeoPackage.
    public var sqlType: String {
        switch self {
        case .text, .timestamp: "TEXT"
        case .integer, .oneway: "INTEGER"
        case .real, .speed: "REAL"
        case .vocabulary(let v): v.isNumeric ? "INTEGER" : "TEXT"
        }
    }

    /// A phrase for documentation and error messages.
    public var summary: String {
        switch self {
        case .text: "text"
        case .integer(let r): "whole number \(r.lowerBound)…\(r.upperBound == .max ? "" : String(r.upperBound))"
        case .real(let r): "number \(r.lowerBound == -.greatestFiniteMagnitude ? "" : "≥ \(r.lowerBound)")"
        case .vocabulary(let v): "one of " + v.terms.map { "`\($0.canonical)`" }.joined(separator: ", ")
        case .timestamp: "ISO 8601 date or date-time"
        case .speed: "km/h (\"50\", \"50 km/h\", \"30 mph\")"
        case .oneway: "0, 1 or -1 (yes/no/reverse)"
        }
    }

    /// Normalises a source value, or explains why it does not fit.
    func normalize(_ value: JSONValue) -> Normalized {
        if value == .null { return .value(.null) }
        if case .string(let s) = value, s.trimmingCharacters(in: .whitespaces).isEmpty { return .value(.null) }
        switch self {
        case .text:
            switch value {
            case .string(let s): return .value(.text(s))
            case .number, .bool: return .value(.text(JSONWriter.string(value)))
            default: return .rejected("expected text, got \(value.kindName)")
            }
        case .integer(let range):
            guard let d = Self.number(value), d == d.rounded(), abs(d) < 9.0e15 else {
                return .rejected("expected a whole number, got \(Self.show(value))")
            }
            let i = Int64(d)
            guard range.contains(i) else { return .rejected("\(i) is outside \(range.lowerBound)…\(range.upperBound)") }
            return .value(.integer(i))
        case .real(let range):
            guard let d = Self.number(value), d.isFinite else { return .rejected("expected a number, got \(Self.show(value))") }
            guard range.contains(d) else { return .rejected("\(d) is outside \(range.lowerBound)…\(range.upperBound)") }
            return .value(.real(d))
        case .vocabulary(let vocabulary):
            guard let term = vocabulary.match(value) else {
                return .rejected("\(Self.show(value)) is not one of \(vocabulary.terms.map(\.canonical).joined(separator: ", "))")
            }
            return .value(vocabulary.isNumeric ? .integer(Int64(term.canonical)!) : .text(term.canonical))
        case .timestamp:
            guard case .string(let s) = value, Self.isISO8601(s) else {
                return .rejected("expected an ISO 8601 date such as 2025-06-01 or 2025-06-01T08:30:00Z, got \(Self.show(value))")
            }
            return .value(.text(s))
        case .speed:
            return Self.speed(value).map { .value(.real($0)) } ?? .rejected("expected a speed such as 50 or \"50 km/h\", got \(Self.show(value))")
        case .oneway:
            switch value {
            case .bool(let b): return .value(.integer(b ? 1 : 0))
            case .number(let n) where n == 0 || n == 1 || n == -1: return .value(.integer(Int64(n)))
            case .string(let s):
                switch s.lowercased() {
                case "yes", "true", "1", "是", "单行": return .value(.integer(1))
                case "no", "false", "0", "否", "双向": return .value(.integer(0))
                case "-1", "reverse": return .value(.integer(-1))
                default: break
                }
            default: break
            }
            return .rejected("expected yes, no or -1, got \(Self.show(value))")
        }
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .number(let n): n
        case .string(let s): DecimalText.number(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    static func show(_ v: JSONValue) -> String { String(JSONWriter.string(v).prefix(60)) }

    static func speed(_ v: JSONValue) -> Double? {
        if case .number(let n) = v { return n > 0 && n < 1000 ? n : nil }
        guard case .string(let raw) = v else { return nil }
        var s = raw.lowercased().trimmingCharacters(in: .whitespaces)
        var factor = 1.0
        if s.hasSuffix("mph") {
            factor = 1.609_344
            s = String(s.dropLast(3))
        } else if s.hasSuffix("km/h") {
            s = String(s.dropLast(4))
        } else if s.hasSuffix("kmh") || s.hasSuffix("kph") {
            s = String(s.dropLast(3))
        }
        guard let n = DecimalText.number(s.trimmingCharacters(in: .whitespaces)), n > 0, n < 1000 else { return nil }
        return n * factor
    }

    /// A light check of ISO 8601: YYYY-MM-DD, optionally followed by T or a space and a time.
    static func isISO8601(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && r.allSatisfy { b[$0] >= 0x30 && b[$0] <= 0x39 } }
        guard b.count >= 10, digits(0..<4), b[4] == 0x2D, digits(5..<7), b[7] == 0x2D, digits(8..<10) else { return false }
        let month = Int(s.dropFirst(5).prefix(2))!
        let day = Int(s.dropFirst(8).prefix(2))!
        guard (1...12).contains(month), (1...31).contains(day) else { return false }
        if b.count == 10 { return true }
        guard b[10] == UInt8(ascii: "T") || b[10] == 0x20, digits(11..<13), b.count >= 16, b[13] == 0x3A, digits(14..<16) else { return false }
        return true
    }
}

/// A normalised value, or why the source value does not fit the column.
/// A source value as a column takes it, or why it does not fit.
public enum Normalized: Sendable, Equatable {
    case value(FieldValue)
    case rejected(String)
}
