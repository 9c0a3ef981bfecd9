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
struct Params {
    private var values: [String: String] = [:]
    /// Parameter names in the order they came (for links that repeat the query).
    private(set) var order: [String] = []

    init(_ request: Request) throws {
        try self.init(query: request.uri.query)
    }

    init(query: String?) throws {
        guard let query, !query.isEmpty else { return }
        for piece in query.split(separator: "&", omittingEmptySubsequences: false) {
            if piece.isEmpty { continue }  // `a=1&&b=2`, `?&a=1`: nothing was said
            let (rawName, rawValue) = piece.firstIndex(of: "=").map { (piece[..<$0], piece[piece.index(after: $0)...]) } ?? (piece, "")
            guard let name = Self.percentDecoded(rawName), !name.isEmpty else {
                throw Problem.badParameter(String(rawName), "is not a percent-encoded parameter name")
            }
            guard let value = Self.percentDecoded(rawValue) else {
                throw Problem.badParameter(name, "'\(rawValue)' is not percent-encoded UTF-8")
            }
            guard !value.isEmpty else { throw Problem.badParameter(name, "is empty; give a value or leave the parameter out") }
            guard values[name] == nil else {
                throw Problem.badParameter(name, "is given twice; give it once (lists are comma-separated: \(name)=a,b)")
            }
            values[name] = value
            order.append(name)
        }
    }

    var names: Set<String> { Set(values.keys) }

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

    func string(_ name: String) -> String? { values[name] }

    func require(_ name: String) throws -> String {
        guard let value = values[name] else { throw Problem.badParameter(name, "is required") }
        return value
    }

    /// One of `choices`, or nil when absent.
    func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let value = values[name] else { return nil }
        guard choices.contains(value) else { throw Problem.badParameter(name, "'\(value)' is not one of \(choices.joined(separator: ", "))") }
        return value
    }

    func choice(_ name: String, _ choices: [String], default fallback: String) throws -> String {
        try choice(name, choices) ?? fallback
    }

    /// A finite number in `range`, or nil when absent.
    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = values[name] else { return nil }
        // No trimming: Foundation's CharacterSet made this call 7× dearer, and a query's
        // spaces come as %20 anyway.
        guard let value = Double(text), value.isFinite else {
            throw Problem.badParameter(name, "'\(text)' is not a number")
        }
        guard range.contains(value) else {
            throw Problem.badParameter(name, "\(text) is outside \(Self.format(range.lowerBound))…\(Self.format(range.upperBound))")
        }
        return value
    }

    func double(_ name: String, in range: ClosedRange<Double>, default fallback: Double) throws -> Double {
        try double(name, in: range) ?? fallback
    }

    func requireDouble(_ name: String, in range: ClosedRange<Double>) throws -> Double {
        guard let value = try double(name, in: range) else { throw Problem.badParameter(name, "is required") }
        return value
    }

    /// A whole number in `range`, or nil when absent (text beyond `Int` is out of range, not a trap).
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text) else {
            let digits = !text.isEmpty && text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber)
            throw Problem.badParameter(name, digits ? "\(text) is outside \(range.lowerBound)…\(range.upperBound)" : "'\(text)' is not a whole number")
        }
        guard range.contains(value) else { throw Problem.badParameter(name, "\(value) is outside \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        try int(name, in: range) ?? fallback
    }

    func requireInt(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = try int(name, in: range) else { throw Problem.badParameter(name, "is required") }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = values[name] else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Problem.badParameter(name, "'\(text)' is not true or false")
        }
    }

    /// A comma-separated list without empty items (`a,,b` and `a,` are refused).
    func list(_ name: String) throws -> [String]? {
        guard let text = values[name] else { return nil }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !items.contains(where: \.isEmpty) else { throw Problem.badParameter(name, "'\(text)' has an empty item; write v1,v2") }
        return items
    }

    /// `lon` and `lat` in WGS84 degrees, both required.
    func point() throws -> Coordinate {
        Coordinate(try requireDouble("lon", in: -180...180), try requireDouble("lat", in: -90...90))
    }

    /// `bbox=minLon,minLat,maxLon,maxLat`.
    func box(_ name: String = "bbox") throws -> BoundingBox? {
        guard let text = values[name] else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) ?? .nan }
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

    /// A path parameter (`{id}`, `{code}`), percent-decoded: Hummingbird hands path segments
    /// over as they came, and every id that was accepted must be readable.
    static func path(_ name: String, _ context: some RequestContext) throws -> String {
        let raw = context.parameters.get(name) ?? ""
        guard let value = percentDecoded(raw[...]), !value.isEmpty else {
            throw Problem.badParameter(name, "'\(raw)' is not a percent-encoded \(name)")
        }
        return value
    }

    /// Property filters `column=v1,v2` for the columns of `layer` among the parameters.
    func filters(_ layer: Layer) throws -> [AttributeFilter] {
        let columns = Set(layer.columns.map(\.name))
        return try columns.intersection(names).sorted().map { column in
            AttributeFilter(column: column, test: .oneOf(try list(column) ?? []))
        }
    }

    /// Refuses parameters outside `known` (typos would otherwise be silently ignored).
    func refuseUnknown(_ known: Set<String>) throws {
        if let unknown = names.subtracting(known).sorted().first {
            throw Problem.badParameter(unknown, "unknown parameter; this resource takes \(known.sorted().joined(separator: ", "))")
        }
    }

    private static func format(_ v: Double) -> String {
        v.rounded() == v && abs(v) < 1e15 ? String(format: "%.0f", v) : String(v)
    }
}
