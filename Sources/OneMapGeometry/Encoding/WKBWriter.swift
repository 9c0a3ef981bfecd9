/// Writes OGC well-known binary (ISO/OGC SFA 1.2.1, two dimensions, little-endian).
///
/// GeoPackage stores "standard WKB" after its own header; GEOS reads the same bytes.
public enum WKBWriter {
    public static func encode(_ geometry: Geometry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(estimatedSize(geometry))
        write(geometry, into: &out)
        return out
    }

    /// Appends the WKB of `geometry` to `out` (used by the GeoPackage writer to avoid a copy).
    public static func write(_ geometry: Geometry, into out: inout [UInt8]) {
        out.append(1)  // byte order: little-endian (NDR)
        switch geometry {
        case .point(let c):
            appendUInt32(1, &out)
            appendCoordinate(c, &out)
        case .lineString(let cs):
            appendUInt32(2, &out)
            appendCoordinates(cs, &out)
        case .polygon(let rings):
            appendUInt32(3, &out)
            appendRings(rings, &out)
        case .multiPoint(let cs):
            appendUInt32(4, &out)
            appendUInt32(UInt32(cs.count), &out)
            for c in cs { write(.point(c), into: &out) }
        case .multiLineString(let lines):
            appendUInt32(5, &out)
            appendUInt32(UInt32(lines.count), &out)
            for line in lines { write(.lineString(line), into: &out) }
        case .multiPolygon(let polygons):
            appendUInt32(6, &out)
            appendUInt32(UInt32(polygons.count), &out)
            for polygon in polygons { write(.polygon(polygon), into: &out) }
        case .geometryCollection(let parts):
            appendUInt32(7, &out)
            appendUInt32(UInt32(parts.count), &out)
            for part in parts { write(part, into: &out) }
        }
    }

    static func estimatedSize(_ geometry: Geometry) -> Int {
        var count = 0
        geometry.forEachCoordinate { _ in count += 1 }
        return 16 + count * 16 + 64
    }

    @inline(__always) static func appendUInt32(_ v: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always) static func appendDouble(_ v: Double, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always) static func appendCoordinate(_ c: Coordinate, _ out: inout [UInt8]) {
        appendDouble(c.x, &out)
        appendDouble(c.y, &out)
    }

    static func appendCoordinates(_ cs: [Coordinate], _ out: inout [UInt8]) {
        appendUInt32(UInt32(cs.count), &out)
        for c in cs { appendCoordinate(c, &out) }
    }

    static func appendRings(_ rings: [Ring], _ out: inout [UInt8]) {
        appendUInt32(UInt32(rings.count), &out)
        for ring in rings { appendCoordinates(ring, &out) }
    }
}
