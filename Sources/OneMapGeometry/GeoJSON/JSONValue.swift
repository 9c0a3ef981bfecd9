/// A parsed JSON value. Objects keep their members in source order, so properties
/// come back out of OneMap in the order they went in.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The member named `key` of an object (the first, if a key repeats), else nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: [JSONMember]? { if case .object(let o) = self { o } else { nil } }

    /// A string, or a number written as JSON writes it ("42", not "42.0"): how an
    /// identifier given as either reads as text. Nil for other kinds.
    public var identifierText: String? {
        switch self {
        case .string(let s): return s
        case .number(let n):
            var bytes: [UInt8] = []
            JSONWriter.writeNumber(n, into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The JSON type name, for error messages ("expected a number, got a string").
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
