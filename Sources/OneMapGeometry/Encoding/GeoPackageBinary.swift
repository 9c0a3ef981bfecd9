/// The GeoPackage geometry encoding (OGC 12-128r18 §2.1.3): a header, then standard WKB.
///
/// Header: magic "GP", version 0, a flags byte (bit 0 byte order, bits 1–3 envelope kind,
/// bit 4 empty, bit 5 extended type), the srs_id as int32, then an optional envelope.
public enum GeoPackageBinary {
    /// The envelope read from a header, or computed from the WKB when the header has none.
    public struct Header: Equatable, Sendable {
        public var srsID: Int32
        public var isEmpty: Bool
        public var envelope: BoundingBox?
        /// Where the WKB starts.
        public var wkbOffset: Int
    }

    /// Encodes `geometry` with an XY envelope, except for points, whose envelope is the
    /// point itself (GDAL writes points without one too, which keeps the blob small).
    public static func encode(_ geometry: Geometry, srsID: Int32 = 4326) -> [UInt8] {
        var out: [UInt8] = [0x47, 0x50, 0]  // "GP", version 0
        out.reserveCapacity(WKBWriter.estimatedSize(geometry) + 40)
        let box = geometry.boundingBox
        let isPoint: Bool = if case .point = geometry { true } else { false }
        let withEnvelope = !isPoint && box != nil
        var flags: UInt8 = 0x01  // little-endian header values
        if withEnvelope { flags |= 0x02 }  // envelope kind 1: [minx, maxx, miny, maxy]
        if box == nil { flags |= 0x10 }
        out.append(flags)
        WKBWriter.appendUInt32(UInt32(bitPattern: srsID), &out)
        if withEnvelope, let box {
            for v in [box.minX, box.maxX, box.minY, box.maxY] { WKBWriter.appendDouble(v, &out) }
        }
        WKBWriter.write(geometry, into: &out)
        return out
    }

    /// Reads the header of a GeoPackage geometry blob without decoding the WKB.
    public static func header(_ raw: UnsafeRawBufferPointer) throws -> Header {
        guard raw.count >= 8, raw[0] == 0x47, raw[1] == 0x50 else {
            throw GeometryError.malformedBinary(reason: "no GeoPackage 'GP' magic")
        }
        guard raw[2] == 0 else { throw GeometryError.malformedBinary(reason: "GeoPackage binary version \(raw[2])") }
        let flags = raw[3]
        guard flags & 0x20 == 0 else { throw GeometryError.malformedBinary(reason: "extended GeoPackage geometry types") }
        let little = flags & 0x01 == 1
        let envelopeKind = Int((flags >> 1) & 0x07)
        let doubles: Int
        switch envelopeKind {
        case 0: doubles = 0
        case 1: doubles = 4
        case 2, 3: doubles = 6
        case 4: doubles = 8
        default: throw GeometryError.malformedBinary(reason: "envelope indicator \(envelopeKind)")
        }
        guard raw.count >= 8 + doubles * 8 else { throw GeometryError.malformedBinary(reason: "truncated envelope") }
        func u32(_ at: Int) -> UInt32 {
            let v = raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        func f64(_ at: Int) -> Double {
            let v = raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }
        var envelope: BoundingBox?
        if doubles > 0 {
            envelope = BoundingBox(minX: f64(8), minY: f64(24), maxX: f64(16), maxY: f64(32))
        }
        return Header(srsID: Int32(bitPattern: u32(4)), isEmpty: flags & 0x10 != 0, envelope: envelope, wkbOffset: 8 + doubles * 8)
    }

    public static func decode(_ bytes: [UInt8]) throws -> Geometry {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    /// Decodes a blob in place (a database column, say) without copying it first.
    public static func decode(_ raw: UnsafeRawBufferPointer) throws -> Geometry {
        let h = try header(raw)
        return try WKBReader.decode(raw, from: h.wkbOffset)
    }

    /// The envelope of a blob: the header's when present, else computed from the WKB.
    /// Nil for an empty geometry. This is what the R-tree triggers' ST_Min/MaxX/Y read.
    public static func envelope(_ raw: UnsafeRawBufferPointer) throws -> BoundingBox? {
        let h = try header(raw)
        if h.isEmpty { return nil }
        if let e = h.envelope { return e }
        return try WKBReader.decode(raw, from: h.wkbOffset).boundingBox
    }
}
