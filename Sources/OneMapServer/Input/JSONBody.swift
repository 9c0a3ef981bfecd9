import Foundation
import Hummingbird
import OneMap

/// A JSON object request body, read through checks that cannot crash: members are looked
/// up by name, unknown and repeated members are refused, numbers must be finite and in
/// range (a count must be a whole number: `1e300` is a 422 naming the member, not a trap
/// in `Int(_:)`).
struct JSONBody {
    let members: [JSONMember]
    /// What the endpoint declares.
    let declared: [MemberSpec]

    /// Reads the body of `request` (at most `maxBytes`) as one JSON object with the
    /// declared members only, each of its declared kind.
    static func read(_ request: Request, maxBytes: Int, members declared: [MemberSpec]) async throws -> JSONBody {
        let value = try await readValue(request, maxBytes: maxBytes, what: "JSON")
        guard case .object(let members) = value else { throw Problem(.unprocessableContent, "Invalid request", "the body must be a JSON object") }
        return try JSONBody(members: members, declared: declared)
    }

    init(members: [JSONMember], declared: [MemberSpec]) throws {
        try Self.refuseRepeated(members)
        self.members = members
        self.declared = declared
        for member in members {
            guard let spec = declared.first(where: { $0.name == member.key }) else {
                if let renamed = Vocabulary.renamed[member.key] {
                    throw Problem(.unprocessableContent, "Invalid request", "\(member.key): renamed: \(renamed) (one vocabulary for every resource: see /api and the README)")
                }
                throw Problem(.unprocessableContent, "Invalid request",
                              "\(member.key): unknown member; this body takes \(declared.map(\.name).sorted().joined(separator: ", "))")
            }
            if member.value != .null { try Self.check(spec, member.value) }
        }
        for spec in declared where spec.required && self[spec.name] == nil {
            throw Problem(.unprocessableContent, "Invalid request", "\(spec.name): is required (\(spec.description))")
        }
    }

    /// Checks one member's value against its declaration.
    static func check(_ spec: MemberSpec, _ value: JSONValue) throws {
        let name = spec.name
        switch spec.kind {
        case .integer(let range, _):
            guard case .number(let d) = value, d.isFinite, d.rounded() == d else { throw wrong(name, "a whole number", value) }
            // `Int(exactly:)` refuses what lies beyond `Int` (1e300), where `Int(_:)` traps.
            guard let i = Int(exactly: d), range.contains(i) else {
                throw Problem(.unprocessableContent, "Invalid request", "\(name): \(JSONWriter.string(value)) is outside \(range.lowerBound)…\(range.upperBound)")
            }
        case .number(let range, _):
            guard case .number(let d) = value, d.isFinite else { throw wrong(name, "a number", value) }
            guard range.contains(d) else { throw Problem(.unprocessableContent, "Invalid request", "\(name): \(d) is outside \(range.lowerBound)…\(range.upperBound)") }
        case .boolean:
            guard case .bool = value else { throw wrong(name, "true or false", value) }
        case .choice(let choices, _):
            guard case .string(let s) = value else { throw wrong(name, "a string", value) }
            guard choices.contains(s) else { throw Problem(.unprocessableContent, "Invalid request", "\(name): '\(s)' is not one of \(choices.joined(separator: ", "))") }
        case .coordinate:
            _ = try coordinate(value, name)
        case .area:
            guard case .object = value else { throw wrong(name, "a GeoJSON object", value) }
        case .geometry:
            guard case .object = value else { throw wrong(name, "a GeoJSON geometry", value) }
            do {
                _ = try GeoJSONGeometry.decode(value)
            } catch {
                throw Problem(.unprocessableContent, "Invalid request", "\(name): not a GeoJSON geometry: \(error)")
            }
        case .numbers(let range, let maxCount):
            guard case .array(let items) = value else { throw wrong(name, "an array of numbers", value) }
            guard (1...maxCount).contains(items.count) else { throw Problem(.unprocessableContent, "Invalid request", "\(name): give 1–\(maxCount) numbers, not \(items.count)") }
            for item in items {
                guard case .number(let d) = item, d.isFinite else { throw wrong(name, "an array of numbers", item) }
                guard range.contains(d) else { throw Problem(.unprocessableContent, "Invalid request", "\(name): \(d) is outside \(range.lowerBound)…\(range.upperBound)") }
            }
        case .coordinates(let maxCount):
            guard case .array(let items) = value else { throw wrong(name, "an array of [lon, lat] positions", value) }
            guard (1...maxCount).contains(items.count) else {
                throw Problem(.unprocessableContent, "Invalid request", "\(name): give 1–\(maxCount) positions, not \(items.count)")
            }
            for (i, item) in items.enumerated() { _ = try coordinate(item, "\(name)[\(i)]") }
        case .text(let maxLength):
            guard case .string(let s) = value else { throw wrong(name, "a string", value) }
            guard s.count <= maxLength else { throw Problem(.unprocessableContent, "Invalid request", "\(name): \(s.count) characters, more than \(maxLength)") }
        }
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

    private func spec(_ name: String) throws -> MemberSpec {
        guard let spec = declared.first(where: { $0.name == name }) else { throw EndpointError.undeclared(name, "this body") }
        return spec
    }

    /// Text of a choice or text member, or the choice's default.
    func maybeString(_ name: String) throws -> String? {
        if case .string(let s)? = self[name] { return s }
        if case .choice(_, let d) = try spec(name).kind { return d }
        return nil
    }

    func maybeBool(_ name: String) throws -> Bool? {
        if case .bool(let b)? = self[name] { return b }
        if case .boolean(let d) = try spec(name).kind { return d }
        return nil
    }

    func maybeDouble(_ name: String) throws -> Double? {
        if case .number(let d)? = self[name] { return d }
        if case .number(_, let d) = try spec(name).kind { return d }
        return nil
    }

    /// A whole number member (checked when the body was read), or its default.
    func maybeInt(_ name: String) throws -> Int? {
        if case .number(let d)? = self[name] { return Int(exactly: d) }
        if case .integer(_, let d) = try spec(name).kind { return d }
        return nil
    }

    /// The numbers of a `numbers` member (checked when the body was read).
    func numbers(_ name: String) throws -> [Double]? {
        _ = try spec(name)
        return self[name]?.arrayValue?.compactMap(\.numberValue)
    }

    /// The geometry of a `geometry` member (checked when the body was read).
    /// The positions of a `coordinates` member (checked when the body was read).
    func coordinates(_ name: String) throws -> [Coordinate]? {
        guard case .coordinates = try spec(name).kind, case .array(let items)? = self[name] else { return nil }
        return try items.enumerated().map { try Self.coordinate($1, "\(name)[\($0)]") }
    }

    func geometry(_ name: String) throws -> Geometry? {
        _ = try spec(name)
        guard let value = self[name] else { return nil }
        do {
            return try GeoJSONGeometry.decode(value).0
        } catch {
            throw Problem(.unprocessableContent, "Invalid request", "\(name): not a GeoJSON geometry: \(error)")
        }
    }

    func int(_ name: String) throws -> Int {
        guard let i = try maybeInt(name) else { throw Problem(.unprocessableContent, "Invalid request", "\(name): is required") }
        return i
    }

    /// `[lon, lat]` in WGS84 degrees.
    func coordinate(_ name: String) throws -> Coordinate? {
        _ = try spec(name)
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

    static func wrong(_ name: String, _ expected: String, _ got: JSONValue) -> Problem {
        Problem(.unprocessableContent, "Invalid request", "\(name): expected \(expected), got \(got.kindName)")
    }
}
