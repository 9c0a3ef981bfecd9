#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes features as a GeoJSON FeatureCollection or as newline-delimited GeoJSON,
/// streaming to a file descriptor through a small buffer.
public final class GeoJSONWriter {
    public enum Format: String, Sendable, CaseIterable {
        /// One FeatureCollection object (RFC 7946).
        case featureCollection = "geojson"
        /// One Feature per line (newline-delimited GeoJSON, "GeoJSONSeq" in GDAL).
        case sequence = "geojsonseq"
    }

    private let fd: Int32
    private let format: Format
    private let path: String
    private var buffer: [UInt8] = []
    private var count = 0

    /// - Parameters:
    ///   - fileDescriptor: where to write; the writer does not close it.
    ///   - path: named in write errors ("-" for standard output).
    public init(fileDescriptor: Int32, format: Format, path: String = "-") {
        fd = fileDescriptor
        self.format = format
        self.path = path
        buffer.reserveCapacity(1 << 16)
        if format == .featureCollection { buffer.append(contentsOf: #"{"type":"FeatureCollection","features":["#.utf8) }
    }

    public func write(_ feature: Feature) throws {
        if format == .featureCollection {
            if count > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(0x0A)
        }
        JSONWriter.write(Self.encode(feature), into: &buffer)
        if format == .sequence { buffer.append(0x0A) }
        count += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Closes the collection and flushes; call once after the last feature.
    public func finish() throws {
        if format == .featureCollection { buffer.append(contentsOf: "\n]}\n".utf8) }
        try flush()
    }

    private func flush() throws {
        var written = 0
        while written < buffer.count {
            let n = buffer.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            written += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The GeoJSON Feature object for `feature`.
    public static func encode(_ feature: Feature) -> JSONValue {
        var members = [JSONMember("type", .string("Feature"))]
        if let id = feature.id { members.append(JSONMember("id", .string(id))) }
        members.append(JSONMember("geometry", GeoJSONGeometry.encode(feature.geometry)))
        members.append(JSONMember("properties", .object(feature.properties)))
        return .object(members)
    }
}

/// `write(2)`, named apart from the writer's own `write` method.
@inline(__always) func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buf, count)
}
