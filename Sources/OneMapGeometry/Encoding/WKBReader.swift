/// Reads OGC well-known binary in either byte order.
///
/// Accepts 2D, Z, M and ZM variants in both the ISO (1000/2000/3000 offsets) and the
/// extended (EWKB high-bit flag) type codes; Z and M values are dropped because OneMap
/// works in two dimensions.
public struct WKBReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset: Int

    /// Decodes a whole WKB buffer.
    public static func decode(_ bytes: some Collection<UInt8>) throws -> Geometry {
        let array = Array(bytes)
        return try array.withUnsafeBytes { raw in
            var reader = WKBReader(bytes: raw, offset: 0)
            return try reader.readGeometry(depth: 0)
        }
    }

    /// Decodes the WKB in `raw` that starts at `offset` (the GeoPackage header's end).
    public static func decode(_ raw: UnsafeRawBufferPointer, from offset: Int) throws -> Geometry {
        var reader = WKBReader(bytes: raw, offset: offset)
        return try reader.readGeometry(depth: 0)
    }

    private mutating func readGeometry(depth: Int) throws -> Geometry {
        guard depth < 32 else { throw GeometryError.malformedBinary(reason: "collections nested deeper than 32") }
        let little = try readByte() == 1
        let rawType = try readUInt32(little)
        // EWKB flags in the high bits, ISO dimension offsets in the thousands.
        let hasZFlag = rawType & 0x8000_0000 != 0
        let hasMFlag = rawType & 0x4000_0000 != 0
        let isoType = rawType & 0x0FFF_FFFF
        let base = isoType % 1000
        let dimensionCode = isoType / 1000
        let hasZ = hasZFlag || dimensionCode == 1 || dimensionCode == 3
        let hasM = hasMFlag || dimensionCode == 2 || dimensionCode == 3
        let extra = (hasZ ? 1 : 0) + (hasM ? 1 : 0)

        switch base {
        case 1:
            let c = try readCoordinate(little, extra)
            // An empty point is written as NaN NaN; OneMap has no empty points.
            if c.x.isNaN && c.y.isNaN { throw GeometryError.malformedBinary(reason: "empty point") }
            return .point(c)
        case 2: return .lineString(try readCoordinates(little, extra))
        case 3: return .polygon(try readRings(little, extra))
        case 4: return .multiPoint(try readParts(little, depth).map { try expect($0, as: "Point") { if case .point(let c) = $0 { c } else { nil } } })
        case 5: return .multiLineString(try readParts(little, depth).map { try expect($0, as: "LineString") { if case .lineString(let l) = $0 { l } else { nil } } })
        case 6: return .multiPolygon(try readParts(little, depth).map { try expect($0, as: "Polygon") { if case .polygon(let p) = $0 { p } else { nil } } })
        case 7: return .geometryCollection(try readParts(little, depth))
        default: throw GeometryError.malformedBinary(reason: "unsupported WKB geometry type \(rawType)")
        }
    }

    private func expect<T>(_ g: Geometry, as name: String, _ extract: (Geometry) -> T?) throws -> T {
        guard let value = extract(g) else {
            throw GeometryError.malformedBinary(reason: "a \(g.typeName) inside a Multi\(name)")
        }
        return value
    }

    private mutating func readParts(_ little: Bool, _ depth: Int) throws -> [Geometry] {
        let n = try readCount(little, minimumBytesEach: 9)
        var parts: [Geometry] = []
        parts.reserveCapacity(n)
        for _ in 0..<n { parts.append(try readGeometry(depth: depth + 1)) }
        return parts
    }

    private mutating func readRings(_ little: Bool, _ extra: Int) throws -> [Ring] {
        let n = try readCount(little, minimumBytesEach: 4)
        var rings: [Ring] = []
        rings.reserveCapacity(n)
        for _ in 0..<n { rings.append(try readCoordinates(little, extra)) }
        return rings
    }

    private mutating func readCoordinates(_ little: Bool, _ extra: Int) throws -> [Coordinate] {
        let n = try readCount(little, minimumBytesEach: 16 + 8 * extra)
        var cs: [Coordinate] = []
        cs.reserveCapacity(n)
        for _ in 0..<n { cs.append(try readCoordinate(little, extra)) }
        return cs
    }

    private mutating func readCoordinate(_ little: Bool, _ extra: Int) throws -> Coordinate {
        let x = try readDouble(little)
        let y = try readDouble(little)
        for _ in 0..<extra { _ = try readDouble(little) }
        return Coordinate(x, y)
    }

    /// Reads a count and checks that the bytes left can hold that many items, so that a
    /// corrupt count cannot make the reader reserve gigabytes.
    private mutating func readCount(_ little: Bool, minimumBytesEach: Int) throws -> Int {
        let n = Int(try readUInt32(little))
        guard n <= (bytes.count - offset) / minimumBytesEach else {
            throw GeometryError.malformedBinary(reason: "count \(n) at byte \(offset - 4) exceeds the data left")
        }
        return n
    }

    private mutating func readByte() throws -> UInt8 {
        guard offset < bytes.count else { throw GeometryError.malformedBinary(reason: "truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func readUInt32(_ little: Bool) throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw GeometryError.malformedBinary(reason: "truncated at byte \(offset)") }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
    }

    private mutating func readDouble(_ little: Bool) throws -> Double {
        guard offset + 8 <= bytes.count else { throw GeometryError.malformedBinary(reason: "truncated at byte \(offset)") }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
    }
}
