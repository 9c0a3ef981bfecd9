import Foundation
import Hummingbird
import OneMap

/// A request's query parameters, read through checks that cannot crash: every value that
/// is malformed, empty, repeated, out of range or unknown is a 400 problem naming the
/// parameter.
///
/// The query is parsed from the raw URI, not from Hummingbird's `queryParameters`: that
/// map percent-decodes values but not names, and a second decoding here turned `%2525`
/// into `%`.
struct Params: Sendable {
    /// The values as they came (decoded), by name.
    private var raw: [String: String] = [:]
    /// The declared parameters' values, checked and converted.
    private var parsed: [String: Value] = [:]
    /// Parameter names in the order they came (for links that repeat the query).
    private(set) var order: [String] = []
    /// What the endpoint declares (nil: an unchecked parse, for tests of the raw layer).
    private let declarations: [ParameterSpec]?
    /// Column filters that came (`level=1,2`), checked as lists.
    private(set) var filterColumns: [String] = []
    /// Range filters that came (`capacity>=500`, `level<=2`), checked as numbers.
    private(set) var rangeFilters: [AttributeFilter] = []

    enum Value: Sendable {
        case int(Int), number(Double), bool(Bool), text(String), list([String]), box(BoundingBox), pair(Coordinate)
    }

    /// The query of `request` checked against `declared` (the endpoint's query
    /// parameters, filtered once when it is registered): unknown names, repeated or empty
    /// values and values of the wrong type or out of range are 400s naming the parameter.
    init(_ request: Request, declared: [ParameterSpec], columnFilters: Endpoint.ColumnFilters, context: some RequestContext) throws {
        declarations = declared
        try parse(request.uri.query)
        let columns: Set<String> = switch columnFilters {
        case .none: []
        case .pathLayer: try Self.columns(of: context.parameters.get("layer") ?? "", "collection")
        // Which names are columns depends on the layer the query names.
        // (A declared default layer counts when the query names none.)
        case .queryLayer: try (raw["layer"] ?? Self.defaultChoice("layer", declared)).map { try Self.columns(of: $0, "layer") } ?? []
        }
        try check(columns: columns)
    }

    /// Only the raw layer: decoding, empty and repeated values (tests of that layer).
    init(query: String?) throws {
        declarations = nil
        try parse(query)
    }

    init(query: String?, declared: [ParameterSpec], columns: Set<String> = []) throws {
        declarations = declared
        try parse(query)
        try check(columns: columns)
    }

    /// Checks and converts every parameter that came against the declaration.
    private mutating func check(columns: Set<String>) throws {
        let declared = declarations ?? []
        for name in order {
            if let spec = declared.first(where: { $0.name == name }) {
                parsed[name] = try Self.check(spec, raw[name] ?? "")
            } else if columns.contains(name) {
                filterColumns.append(name)
                parsed[name] = .list(try Self.list(name, raw[name] ?? ""))
            } else if let (column, atLeast) = Self.rangeName(name), columns.contains(column) {
                // `capacity>=500` arrives as the name `capacity>` and the value `500`.
                let display = column + (atLeast ? ">=" : "<=")
                let bound = try Self.number(display, raw[name] ?? "", -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
                rangeFilters.append(AttributeFilter(column: column, test: atLeast ? .atLeast(bound) : .atMost(bound)))
            } else if let renamed = Vocabulary.renamed[name] {
                throw Problem.badParameter(name, "renamed: \(renamed) (one vocabulary for every resource: see /api and the README)")
            } else {
                let known = declared.map(\.name).sorted()
                    + (columns.isEmpty ? [] : ["a column of the layer (\(columns.sorted().joined(separator: ", "))) as COLUMN=V1,V2, COLUMN>=N or COLUMN<=N"])
                throw Problem.badParameter(name, "unknown parameter; this resource takes \(known.isEmpty ? "no parameters" : known.joined(separator: ", "))")
            }
        }
        for spec in declared where spec.required && parsed[spec.name] == nil {
            throw Problem.badParameter(spec.name, "is required")
        }
    }

    /// The default of a declared choice parameter, if it has one.
    private static func defaultChoice(_ name: String, _ declared: [ParameterSpec]) -> String? {
        guard case .choice(_, let value)? = declared.first(where: { $0.name == name })?.kind else { return nil }
        return value
    }

    /// Each layer's column names, which also filter.
    private static let columnNames = Dictionary(uniqueKeysWithValues: Layer.allCases.map { ($0, Set($0.columns.map(\.name))) })

    /// The columns of the layer named `name`; 404 for no such layer.
    private static func columns(of name: String, _ what: String) throws -> Set<String> {
        guard let layer = Layer(name: name), let names = columnNames[layer] else {
            throw Problem.notFound("no \(what) '\(name)'; the \(what)s are \(Layer.allCases.map(\.tableName).joined(separator: ", "))")
        }
        return names
    }

    private mutating func parse(_ query: String?) throws {
        guard let query, !query.isEmpty else { return }
        // Split on the bytes: `&` and `=` are ASCII, and splitting the string by characters
        // (grapheme breaking) was a quarter of reading a query (callgrind).
        for pieceBytes in query.utf8.split(separator: UInt8(ascii: "&")) {
            // Empty pieces (`a=1&&b=2`, `?&a=1`) are skipped by the split: nothing was said.
            let piece = Substring(pieceBytes)
            let (rawName, rawValue) = pieceBytes.firstIndex(of: UInt8(ascii: "=")).map {
                (Substring(pieceBytes[..<$0]), Substring(pieceBytes[pieceBytes.index(after: $0)...]))
            } ?? (piece, "")
            guard var name = Self.percentDecoded(rawName), !name.isEmpty else {
                throw Problem.badParameter(String(rawName), "is not a percent-encoded parameter name")
            }
            guard var value = Self.percentDecoded(rawValue) else {
                throw Problem.badParameter(name, "'\(rawValue)' is not percent-encoded UTF-8")
            }
            // A range filter whose `=` came percent-encoded (`capacity%3E%3D500`) reads as
            // one written plainly (`capacity>=500`: name `capacity>`, value `500`).
            if value.isEmpty, let op = name.range(of: ">=") ?? name.range(of: "<=") {
                value = String(name[op.upperBound...])
                name = String(name[..<op.lowerBound]) + String(name[op.lowerBound...].prefix(1))
            }
            guard !value.isEmpty else { throw Problem.badParameter(name, "is empty; give a value or leave the parameter out") }
            guard raw[name] == nil else {
                throw Problem.badParameter(name, "is given twice; give it once (lists are comma-separated: \(name)=a,b)")
            }
            raw[name] = value
            order.append(name)
        }
    }

    var names: Set<String> { Set(raw.keys) }

    /// `text` with its `%XX` escapes decoded as UTF-8; nil for a bad escape or bytes that
    /// are not UTF-8. Text without `%` is returned as it is. Foundation's
    /// `removingPercentEncoding` (through CFString) cost about 10,000 instructions a call:
    /// four calls were 14% of a nearest-shelter answer (callgrind).
    static func percentDecoded(_ text: Substring) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let byte = utf8[i]
            utf8.formIndex(after: &i)
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard i != utf8.endIndex, let high = hexValue(utf8[i]) else { return nil }
            utf8.formIndex(after: &i)
            guard i != utf8.endIndex, let low = hexValue(utf8[i]) else { return nil }
            utf8.formIndex(after: &i)
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A value as it came (decoded), for links that repeat the query.
    func rawValue(_ name: String) -> String? { raw[name] }

    // MARK: Checks, one per kind of parameter

    /// `text` checked as `spec` says.
    static func check(_ spec: ParameterSpec, _ text: String) throws -> Value {
        let name = spec.name
        switch spec.kind {
        case .integer(let range, _): return .int(try integer(name, text, range))
        case .number(let range, _): return .number(try number(name, text, range))
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "yes": return .bool(true)
            case "false", "0", "no": return .bool(false)
            default: throw Problem.badParameter(name, "'\(text)' is not true or false")
            }
        case .text: return .text(text)
        case .choice(let choices, _):
            guard choices.contains(text) else { throw Problem.badParameter(name, "'\(text)' is not one of \(choices.joined(separator: ", "))") }
            return .text(text)
        case .list: return .list(try list(name, text))
        case .box: return .box(try box(name, text))
        case .pair: return .pair(try pair(name, text))
        }
    }

    /// A whole number in `range` (text beyond `Int` is out of range, not a trap).
    static func integer(_ name: String, _ text: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text) else {
            let digits = !text.isEmpty && text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber)
            throw Problem.badParameter(name, digits ? "\(text) is outside \(range.lowerBound)…\(range.upperBound)" : "'\(text)' is not a whole number")
        }
        guard range.contains(value) else { throw Problem.badParameter(name, "\(value) is outside \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    /// A finite number in `range`. No trimming: Foundation's CharacterSet made this 7×
    /// dearer, and a query's spaces come as %20 anyway.
    static func number(_ name: String, _ text: String, _ range: ClosedRange<Double>) throws -> Double {
        guard let value = DecimalText.number(text) else { throw Problem.badParameter(name, "'\(text)' is not a number") }
        guard range.contains(value) else {
            throw Problem.badParameter(name, "\(text) is outside \(format(range.lowerBound))…\(format(range.upperBound))")
        }
        return value
    }

    /// A comma-separated list without empty items (`a,,b` and `a,` are refused).
    static func list(_ name: String, _ text: String) throws -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !items.contains(where: \.isEmpty) else { throw Problem.badParameter(name, "'\(text)' has an empty item; write v1,v2") }
        return items
    }

    /// `minLon,minLat,maxLon,maxLat`.
    static func box(_ name: String, _ text: String) throws -> BoundingBox {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Self.lenientNumber($0) ?? .nan }
        guard parts.count == 4, parts.allSatisfy(\.isFinite) else {
            throw Problem.badParameter(name, "'\(text)' is not four numbers minLon,minLat,maxLon,maxLat")
        }
        let box = BoundingBox(minX: parts[0], minY: parts[1], maxX: parts[2], maxY: parts[3])
        guard (-180...180).contains(box.minX), (-180...180).contains(box.maxX), (-90...90).contains(box.minY), (-90...90).contains(box.maxY) else {
            throw Problem.badParameter(name, "longitudes run from -180 to 180 and latitudes from -90 to 90")
        }
        guard box.minX <= box.maxX, box.minY <= box.maxY else { throw Problem.badParameter(name, "min must not exceed max") }
        return box
    }

    /// `lon,lat`.
    static func pair(_ name: String, _ text: String) throws -> Coordinate {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(Self.lenientNumber)
        guard parts.count == 2, let lon = parts[0], let lat = parts[1], lon.isFinite, lat.isFinite else {
            throw Problem.badParameter(name, "'\(text)' is not lon,lat")
        }
        guard (-180...180).contains(lon), (-90...90).contains(lat) else {
            throw Problem.badParameter(name, "lon must lie in -180…180 and lat in -90…90")
        }
        return Coordinate(lon, lat)
    }

    /// A list item as a number, spaces around it allowed (`1, 2`); trimmed only when the
    /// plain parse fails, so the common case pays nothing.
    static func lenientNumber(_ text: Substring) -> Double? {
        DecimalText.number(text) ?? DecimalText.number(text.trimmingCharacters(in: .whitespaces))
    }

    // MARK: Reading the checked values

    /// The declaration of `name`; reading an undeclared one is our defect (a logged 500).
    private func spec(_ name: String) throws -> ParameterSpec {
        guard let spec = declarations?.first(where: { $0.name == name }) else { throw EndpointError.undeclared(name, "this resource") }
        return spec
    }

    private func value(_ name: String) throws -> Value? {
        if let value = parsed[name] { return value }
        let spec = try spec(name)
        switch spec.kind {
        case .integer(_, let d?): return .int(d)
        case .number(_, let d?): return .number(d)
        case .boolean(let d?): return .bool(d)
        case .choice(_, let d?): return .text(d)
        default: return nil
        }
    }

    private func present(_ name: String) throws -> Value {
        guard let value = try value(name) else { throw Problem.badParameter(name, "is required") }
        return value
    }

    /// The whole number given, or the declared default; nil when neither.
    func maybeInt(_ name: String) throws -> Int? {
        guard case .int(let v)? = try value(name) else { return nil }
        return v
    }

    /// The whole number given or its default (400 when the parameter is required and absent).
    func int(_ name: String) throws -> Int {
        guard case .int(let v) = try present(name) else { throw EndpointError.undeclared(name, "an integer") }
        return v
    }

    func maybeDouble(_ name: String) throws -> Double? {
        guard case .number(let v)? = try value(name) else { return nil }
        return v
    }

    func double(_ name: String) throws -> Double {
        guard case .number(let v) = try present(name) else { throw EndpointError.undeclared(name, "a number") }
        return v
    }

    func maybeBool(_ name: String) throws -> Bool? {
        guard case .bool(let v)? = try value(name) else { return nil }
        return v
    }

    /// Text or a choice, or the declared default.
    func maybeString(_ name: String) throws -> String? {
        guard case .text(let v)? = try value(name) else { return nil }
        return v
    }

    func string(_ name: String) throws -> String {
        guard case .text(let v) = try present(name) else { throw EndpointError.undeclared(name, "text") }
        return v
    }

    func maybeList(_ name: String) throws -> [String]? {
        guard case .list(let v)? = try value(name) else { return nil }
        return v
    }

    func maybeBox(_ name: String = "bbox") throws -> BoundingBox? {
        guard case .box(let v)? = try value(name) else { return nil }
        return v
    }

    func maybePair(_ name: String) throws -> Coordinate? {
        guard case .pair(let v)? = try value(name) else { return nil }
        return v
    }

    func pair(_ name: String) throws -> Coordinate {
        guard case .pair(let v) = try present(name) else { throw EndpointError.undeclared(name, "lon,lat") }
        return v
    }

    /// `lon` and `lat` in WGS84 degrees.
    func point() throws -> Coordinate { Coordinate(try double("lon"), try double("lat")) }

    /// A path parameter (`{id}`, `{code}`), percent-decoded: Hummingbird hands path segments
    /// over as they came, and every id that was accepted must be readable.
    static func path(_ name: String, _ context: some RequestContext) throws -> String {
        let raw = context.parameters.get(name) ?? ""
        guard let value = percentDecoded(raw[...]), !value.isEmpty else {
            throw Problem.badParameter(name, "'\(raw)' is not a percent-encoded \(name)")
        }
        return value
    }

    /// Property filters `column=v1,v2`, `column>=n` and `column<=n` among the parameters.
    func filters() -> [AttributeFilter] {
        filterColumns.sorted().compactMap { column in
            guard case .list(let values)? = parsed[column] else { return nil }
            return AttributeFilter(column: column, test: .oneOf(values))
        } + rangeFilters
    }

    /// `capacity>` → (capacity, at least); `level<` → (level, at most); else nil.
    static func rangeName(_ name: String) -> (column: String, atLeast: Bool)? {
        guard let last = name.last, last == ">" || last == "<", name.count > 1 else { return nil }
        return (String(name.dropLast()), last == ">")
    }

    private static func format(_ v: Double) -> String {
        v.rounded() == v && abs(v) < 1e15 ? String(format: "%.0f", v) : String(v)
    }
}
