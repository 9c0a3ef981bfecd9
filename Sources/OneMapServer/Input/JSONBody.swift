import Foundation
import Hummingbird
import OneMap

/// A JSON object request body, read through checks that cannot crash: members are looked
/// up by name, unknown and repeated members are refused, numbers must be finite and in
/// range (a count must be a whole number: `1e300` is a 422 naming the member, not a trap
/// in `Int(_:)`).
struct JSONBody {
    let members: [JSONMember]

    /// Reads the body of `request` (at most `maxBytes`) as one JSON object.
    static func read(_ request: Request, maxBytes: Int, what: String = "JSON") async throws -> JSONBody {
        let value = try await readValue(request, maxBytes: maxBytes, what: what)
        guard case .object(let members) = value else { throw Problem(.unprocessableContent, "Invalid request", "the body must be a JSON object") }
        return try JSONBody(members: members)
    }

    init(members: [JSONMember]) throws {
        try Self.refuseRepeated(members)
        self.members = members
    }

    /// Refuses an object whose members repeat a name (JSON allows it; which one wins is
    /// up to the reader, so a body that says `k` twice says nothing clear).
    static func refuseRepeated(_ members: [JSONMember]) throws {
        var seen = Set<String>()
        for member in members where !seen.insert(member.key).inserted {
            throw Problem(.unprocessableContent, "Invalid request", "\(member.key): the member is given twice")
        }
    }

    /// Refuses a body declared as anything but JSON (415).
    static func requireJSON(_ request: Request, what: String) throws {
        if let type = request.headers[.contentType], !type.lowercased().contains("json") {
            throw Problem(.unsupportedMediaType, "Unsupported media type", "send \(what), not \(type)")
        }
    }

    /// Reads the body as one JSON text (trailing bytes after the value are refused).
    static func readValue(_ request: Request, maxBytes: Int, what: String) async throws -> JSONValue {
        try requireJSON(request, what: what)
        let bytes = try await bodyBytes(request, maxBytes: maxBytes)
        guard !bytes.isEmpty else { throw Problem(.badRequest, "Empty body", "the request needs a \(what) body") }
        do {
            return try JSONParser(ByteStream(bytes: bytes)).parseDocument()
        } catch let error as JSONSyntaxError {
            throw Problem(.badRequest, "Malformed JSON", error.description)
        }
    }

    /// The raw body, at most `maxBytes` (413 beyond).
    static func bodyBytes(_ request: Request, maxBytes: Int) async throws -> [UInt8] {
        var request = request
        return [UInt8](buffer: try await request.collectBody(upTo: maxBytes))
    }

    subscript(name: String) -> JSONValue? {
        members.first { $0.key == name }.flatMap { $0.value == .null ? nil : $0.value }
    }

    func refuseUnknown(_ known: Set<String>) throws {
        if let unknown = members.map(\.key).first(where: { !known.contains($0) }) {
            throw Problem(.unprocessableContent, "Invalid request", "\(unknown): unknown member; this body takes \(known.sorted().joined(separator: ", "))")
        }
    }

    func string(_ name: String) throws -> String? {
        guard let value = self[name] else { return nil }
        guard case .string(let s) = value, !s.isEmpty else { throw Self.wrong(name, "a non-empty string", value) }
        return s
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = self[name] else { return nil }
        guard case .bool(let b) = value else { throw Self.wrong(name, "true or false", value) }
        return b
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = self[name] else { return nil }
        guard case .number(let d) = value, d.isFinite else { throw Self.wrong(name, "a number", value) }
        guard range.contains(d) else { throw Problem(.unprocessableContent, "Invalid request", "\(name): \(d) is outside \(range.lowerBound)…\(range.upperBound)") }
        return d
    }

    /// A whole number in `range`: `Int(exactly:)` refuses fractions and anything beyond `Int`.
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = self[name] else { return nil }
        guard case .number(let d) = value, d.isFinite, d.rounded() == d else { throw Self.wrong(name, "a whole number", value) }
        guard let i = Int(exactly: d), range.contains(i) else {
            throw Problem(.unprocessableContent, "Invalid request", "\(name): \(JSONWriter.string(value)) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return i
    }

    func int(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int { try int(name, in: range) ?? fallback }

    /// `[lon, lat]` in WGS84 degrees.
    func coordinate(_ name: String) throws -> Coordinate? {
        guard let value = self[name] else { return nil }
        return try Self.coordinate(value, name)
    }

    func requireCoordinate(_ name: String) throws -> Coordinate {
        guard let c = try coordinate(name) else { throw Problem(.unprocessableContent, "Invalid request", "\(name): is required, as [lon, lat]") }
        return c
    }

    static func coordinate(_ value: JSONValue, _ name: String) throws -> Coordinate {
        guard let items = value.arrayValue, items.count == 2, let lon = items[0].numberValue, let lat = items[1].numberValue else {
            throw Problem(.unprocessableContent, "Invalid request", "\(name): must be [lon, lat]")
        }
        guard (-180...180).contains(lon), (-90...90).contains(lat) else {
            throw Problem(.unprocessableContent, "Invalid request", "\(name): lon must lie in -180…180 and lat in -90…90")
        }
        return Coordinate(lon, lat)
    }

    private static func wrong(_ name: String, _ expected: String, _ got: JSONValue) -> Problem {
        Problem(.unprocessableContent, "Invalid request", "\(name): expected \(expected), got \(got.kindName)")
    }
}
