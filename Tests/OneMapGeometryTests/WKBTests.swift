import OneMapGeometry
import Testing

@Suite struct WKBTests {
    static let samples: [Geometry] = [
        .point(Coordinate(109.78, 39.61)),
        .lineString([Coordinate(0, 0), Coordinate(1, 1), Coordinate(2, 0.5)]),
        .polygon([[Coordinate(0, 0), Coordinate(4, 0), Coordinate(4, 4), Coordinate(0, 4), Coordinate(0, 0)],
                  [Coordinate(1, 1), Coordinate(1, 2), Coordinate(2, 2), Coordinate(1, 1)]]),
        .multiPoint([Coordinate(1, 2), Coordinate(-3, -4)]),
        .multiLineString([[Coordinate(0, 0), Coordinate(1, 0)], [Coordinate(5, 5), Coordinate(6, 7)]]),
        .multiPolygon([[[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]],
                       [[Coordinate(10, 10), Coordinate(11, 10), Coordinate(11, 11), Coordinate(10, 10)]]]),
        .geometryCollection([.point(Coordinate(1, 1)), .lineString([Coordinate(0, 0), Coordinate(1e-9, -1e300)])]),
    ]

    @Test(arguments: samples)
    func wkbRoundTripsEveryGeometryType(_ geometry: Geometry) throws {
        #expect(try WKBReader.decode(WKBWriter.encode(geometry)) == geometry)
    }

    @Test(arguments: samples)
    func geoPackageBinaryRoundTripsAndCarriesTheEnvelope(_ geometry: Geometry) throws {
        let blob = GeoPackageBinary.encode(geometry)
        #expect(blob[0] == 0x47 && blob[1] == 0x50)
        #expect(try GeoPackageBinary.decode(blob) == geometry)
        let envelope = try blob.withUnsafeBytes { try GeoPackageBinary.envelope($0) }
        #expect(envelope == geometry.boundingBox)
    }

    @Test func bigEndianAndISOZPointsAreRead() throws {
        // Big-endian (XDR) Point Z, type 1001: x = 1.5, y = -2, z = 99 (dropped).
        var bytes: [UInt8] = [0, 0, 0, 0x03, 0xE9]
        for v in [1.5, -2.0, 99.0] { withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes += $0 } }
        #expect(try WKBReader.decode(bytes) == .point(Coordinate(1.5, -2)))
    }

    @Test func truncatedOrCorruptWKBIsAnErrorNotACrash() {
        let good = WKBWriter.encode(.lineString([Coordinate(0, 0), Coordinate(1, 1)]))
        #expect(throws: GeometryError.self) { try WKBReader.decode(good.dropLast(3)) }
        var hugeCount = good
        hugeCount[5] = 0xFF; hugeCount[6] = 0xFF; hugeCount[7] = 0xFF; hugeCount[8] = 0x7F
        #expect(throws: GeometryError.self) { try WKBReader.decode(hugeCount) }
        #expect(throws: GeometryError.self) { try GeoPackageBinary.decode([0x47, 0x50, 0, 1]) }
    }
}
