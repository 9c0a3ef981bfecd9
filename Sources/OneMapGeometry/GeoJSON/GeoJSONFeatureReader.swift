#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads features one at a time from GeoJSON: a FeatureCollection, a single Feature or
/// geometry, or a sequence of them (newline-delimited GeoJSON, or RFC 8142 text sequences
/// with record separators).
///
/// Memory stays bounded by the largest single feature, not by the file: the
/// FeatureCollection's `features` array is walked element by element.
///
/// ```swift
/// let reader = try GeoJSONFeatureReader(path: "hazards.geojson")
/// while let feature = try reader.next() { … }
/// ```
public final class GeoJSONFeatureReader {
    /// A feature with where it came from, for error messages.
    public struct Located: Sendable {
        public var feature: Feature
        /// 1-based ordinal in the source.
        public var index: Int
        /// Line of the feature's first byte (1-based).
        public var line: Int
        /// Polygon rings closed under `--fix` leniency.
        public var closedRings: Int
    }

    /// A structural error with the feature it concerns.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        /// 1-based feature ordinal, when the error concerns one feature.
        public var featureIndex: Int?
        public var featureID: String?
        public var message: String

        public var description: String {
            var where_ = "line \(line)"
            if let featureIndex { where_ += ", feature #\(featureIndex)" }
            if let featureID { where_ += " (id \"\(featureID)\")" }
            return "\(where_): \(message)"
        }
    }

    private enum State { case between, inFeatures, afterFeatures, finished }

    private let parser: JSONParser
    private let stream: ByteStream
    private let fileDescriptor: Int32?
    private var state = State.between
    private var topLevel: [JSONMember] = []
    private var topLevelHasFeatures = false
    private var index = 0
    public var leniency: GeoJSONGeometry.Leniency

    /// The legacy GeoJSON 2008 `crs` name of the current FeatureCollection, if it declared
    /// one before its features (GDAL writes it there), e.g. "urn:ogc:def:crs:EPSG::4547".
    public private(set) var declaredCRSName: String?

    /// Bytes consumed so far, for progress.
    public var bytesRead: Int { parser.offset }

    private var pastByteOrderMark = false

    public init(path: String, leniency: GeoJSONGeometry.Leniency = .strict) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        fileDescriptor = fd
        stream = ByteStream(fileDescriptor: fd)
        parser = JSONParser(stream)
        parser.treatsRecordSeparatorAsWhitespace = true
        self.leniency = leniency
    }

    public init(bytes: [UInt8], leniency: GeoJSONGeometry.Leniency = .strict) {
        fileDescriptor = nil
        stream = ByteStream(bytes: bytes)
        parser = JSONParser(stream)
        parser.treatsRecordSeparatorAsWhitespace = true
        self.leniency = leniency
    }

    deinit { if let fileDescriptor { close(fileDescriptor) } }

    /// The next feature, or nil at the end of the input.
    public func next() throws -> Located? {
        do {
            if !pastByteOrderMark {
                pastByteOrderMark = true
                // A UTF-8 byte-order mark (EF BB BF), as Windows tools write, is not JSON but
                // says nothing: skip it, as the CSV reader does.
                if try stream.peek() == 0xEF {
                    _ = try stream.next()
                    guard try stream.next() == 0xBB, try stream.next() == 0xBF else { throw parser.error("the file starts with byte 0xEF but no UTF-8 byte-order mark") }
                }
            }
            return try advance()
        } catch let e as JSONSyntaxError {
            state = .finished
            // A syntax error stops the reader inside (or just before) the next feature.
            throw ReadError(line: e.line, featureIndex: index + 1, featureID: nil, message: "malformed JSON: \(e.message) (column \(e.column))")
        }
    }

    private func advance() throws -> Located? {
        while true {
            switch state {
            case .finished:
                return nil
            case .between:
                guard let b = try parser.skipWhitespace() else { state = .finished; return nil }
                guard b == UInt8(ascii: "{") else { throw parser.error("expected a GeoJSON object, found \(parser.describe(b))") }
                let line = parser.line
                try parser.expect(UInt8(ascii: "{"))
                topLevel = []
                topLevelHasFeatures = false
                declaredCRSName = nil
                if try parser.consumeIf(UInt8(ascii: "}")) { return try finishTopLevel(line: line) }
                if let feature = try readTopLevelMembers(line: line) { return feature }
            case .inFeatures:
                if let b = try parser.skipWhitespace(), b == UInt8(ascii: "]") {
                    try parser.expect(UInt8(ascii: "]"))
                    state = .afterFeatures
                    continue
                }
                if topLevelHasFeaturesStarted {
                    // Between elements: a comma, unless the array ended (handled above).
                    try parser.expectClosing(UInt8(ascii: ","), in: "the features array")
                }
                topLevelHasFeaturesStarted = true
                let line = parser.line
                let value = try parser.parseValue()
                return try feature(from: value, line: line, requireFeature: true)
            case .afterFeatures:
                let line = parser.line
                if try parser.consumeIf(UInt8(ascii: ",")) {
                    if let feature = try readTopLevelMembers(line: line) { return feature }
                } else {
                    try parser.expectClosing(UInt8(ascii: "}"), in: "the FeatureCollection")
                    state = .between
                    if topLevel.first(where: { $0.key == "type" })?.value.stringValue != "FeatureCollection" {
                        throw ReadError(line: line, featureIndex: nil, featureID: nil, message: "an object with \"features\" must have \"type\": \"FeatureCollection\"")
                    }
                }
            }
        }
    }

    private var topLevelHasFeaturesStarted = false

    /// Reads members of a top-level object until it ends (returns the Feature or geometry
    /// it was) or until the `features` array opens (returns nil; elements follow).
    private func readTopLevelMembers(line: Int) throws -> Located? {
        repeat {
            let key = try parser.parseString()
            try parser.expect(UInt8(ascii: ":"))
            if key == "features" {
                try parser.expect(UInt8(ascii: "["))
                state = .inFeatures
                topLevelHasFeatures = true
                topLevelHasFeaturesStarted = false
                return nil
            }
            let value = try parser.parseValue()
            if key == "crs", let name = value["properties"]?["name"]?.stringValue { declaredCRSName = name }
            topLevel.append(JSONMember(key, value))
        } while try parser.consumeIf(UInt8(ascii: ","))
        try parser.expectClosing(UInt8(ascii: "}"), in: "object")
        return try finishTopLevel(line: line)
    }

    private func finishTopLevel(line: Int) throws -> Located? {
        state = .between
        let value = JSONValue.object(topLevel)
        if topLevelHasFeatures {
            // The collection's features were already streamed; only its type is left to check.
            guard value["type"]?.stringValue == "FeatureCollection" else {
                throw ReadError(line: line, featureIndex: nil, featureID: nil, message: "an object with \"features\" must have \"type\": \"FeatureCollection\"")
            }
            return nil
        }
        if value["type"]?.stringValue == "FeatureCollection" {
            throw ReadError(line: line, featureIndex: nil, featureID: nil, message: "a FeatureCollection needs a \"features\" array")
        }
        return try feature(from: value, line: line, requireFeature: false)
    }

    private func feature(from value: JSONValue, line: Int, requireFeature: Bool) throws -> Located {
        index += 1
        let id = Self.identifier(value)
        func fail(_ message: String) -> ReadError { ReadError(line: line, featureIndex: index, featureID: id, message: message) }
        guard case .object = value else { throw fail("a feature must be an object, got \(value.kindName)") }
        guard let type = value["type"]?.stringValue else { throw fail("missing \"type\"") }
        let geometryValue: JSONValue?
        var properties: [JSONMember] = []
        if type == "Feature" {
            geometryValue = value["geometry"]
            switch value["properties"] {
            case .object(let members)?: properties = members
            case .null?, nil: break
            case let other?: throw fail("\"properties\" must be an object or null, got \(other.kindName)")
            }
        } else if requireFeature {
            throw fail("an element of \"features\" must have \"type\": \"Feature\", got \"\(type)\"")
        } else {
            geometryValue = value
        }
        guard let geometryValue, geometryValue != .null else { throw fail("the feature has no geometry (null geometries cannot be placed on the map)") }
        do {
            let (geometry, closed) = try GeoJSONGeometry.decode(geometryValue, leniency: leniency)
            return Located(feature: Feature(id: id, geometry: geometry, properties: properties), index: index, line: line, closedRings: closed)
        } catch let e as GeometryError {
            throw fail(e.description)
        }
    }

    /// One GeoJSON Feature already parsed (a request body), checked as a file's features are.
    public static func feature(from value: JSONValue, leniency: GeoJSONGeometry.Leniency = .strict) throws -> Feature {
        try GeoJSONFeatureReader(bytes: [], leniency: leniency).feature(from: value, line: 1, requireFeature: true).feature
    }

    /// The feature's `id` member, or else its `id` property, as a string.
    static func identifier(_ value: JSONValue) -> String? {
        value["id"]?.identifierText ?? value["properties"]?["id"]?.identifierText
    }
}

/// A file that could not be opened or written.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }
}
