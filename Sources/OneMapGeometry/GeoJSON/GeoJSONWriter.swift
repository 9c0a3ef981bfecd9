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
        Self.write(feature, into: &buffer)
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

    /// Writes the GeoJSON Feature object for `feature` straight into `out`: coordinates go
    /// out as numbers without building a JSON tree first (the hot path of every answer).
    public static func write(_ feature: Feature, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":"Feature","#.utf8)
        if let id = feature.id {
            out.append(contentsOf: #""id":"#.utf8)
            JSONWriter.writeString(id, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""geometry":"#.utf8)
        writeGeometry(feature.geometry, into: &out)
        out.append(contentsOf: #","properties":"#.utf8)
        JSONWriter.write(.object(feature.properties), into: &out)
        out.append(UInt8(ascii: "}"))
    }

    public static func writeGeometry(_ geometry: Geometry, into out: inout [UInt8]) {
        func position(_ c: Coordinate) {
            out.append(UInt8(ascii: "["))
            JSONWriter.writeNumber(c.x, into: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.writeNumber(c.y, into: &out)
            out.append(UInt8(ascii: "]"))
        }
        func list<T>(_ items: [T], _ each: (T) -> Void) {
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                each(item)
            }
            out.append(UInt8(ascii: "]"))
        }
        func typed(_ type: String, _ body: () -> Void) {
            out.append(contentsOf: #"{"type":""#.utf8)
            out.append(contentsOf: type.utf8)
            out.append(contentsOf: #"","coordinates":"#.utf8)
            body()
            out.append(UInt8(ascii: "}"))
        }
        switch geometry {
        case .point(let c): typed("Point") { position(c) }
        case .lineString(let cs): typed("LineString") { list(cs, position) }
        case .polygon(let rings): typed("Polygon") { list(rings) { list($0, position) } }
        case .multiPoint(let cs): typed("MultiPoint") { list(cs, position) }
        case .multiLineString(let lines): typed("MultiLineString") { list(lines) { list($0, position) } }
        case .multiPolygon(let polygons): typed("MultiPolygon") { list(polygons) { list($0) { list($0, position) } } }
        case .geometryCollection(let parts):
            out.append(contentsOf: #"{"type":"GeometryCollection","geometries":"#.utf8)
            list(parts) { writeGeometry($0, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
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
