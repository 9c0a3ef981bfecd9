import OneMapGeometry
import OneMapTestSupport
import Testing

@Suite struct CRSTests {
    /// Published WGS84 → GCJ-02 pairs (googollee/eviltransform's test table).
    static let gcjPairs: [(wgs: Coordinate, gcj: Coordinate)] = [
        (Coordinate(121.5272106, 31.1774276), Coordinate(121.531541859215, 31.17530398364597)),  // Shanghai
        (Coordinate(113.912316, 22.543847), Coordinate(113.9171764808363, 22.540796131694766)),  // Shenzhen
        (Coordinate(116.377817, 39.911954), Coordinate(116.38404722455657, 39.91334545536069)),  // Beijing
    ]

    @Test func gcj02ForwardMatchesPublishedPoints() {
        for (wgs, gcj) in Self.gcjPairs {
            let got = ChineseOffsets.wgs84ToGCJ02(wgs)
            #expect(abs(got.x - gcj.x) < 1e-9 && abs(got.y - gcj.y) < 1e-9, "\(wgs) → \(got), expected \(gcj)")
        }
    }

    @Test func gcj02InverseRecoversThePublishedWGS84PointsToUnderOneCentimetre() {
        for (wgs, gcj) in Self.gcjPairs {
            #expect(Geodesic.wgs84.distance(ChineseOffsets.gcj02ToWGS84(gcj), wgs) < 0.01)
        }
    }

    @Test func bd09ForwardMatchesThePublishedPoint() {
        // coordtransform's published value: GCJ-02 (116.404, 39.915) → BD-09 (116.41036949371029, 39.92133699351021).
        let got = ChineseOffsets.gcj02ToBD09(Coordinate(116.404, 39.915))
        #expect(abs(got.x - 116.41036949371029) < 1e-9 && abs(got.y - 39.92133699351021) < 1e-9)
    }

    @Test func roundTripsStayUnderOneCentimetreAcrossChina() {
        var worst = (gcj: 0.0, bd: 0.0)
        var lon = 73.5
        while lon < 135 {
            var lat = 18.5
            while lat < 53.5 {
                let p = Coordinate(lon, lat)
                worst.gcj = max(worst.gcj, Geodesic.wgs84.distance(ChineseOffsets.gcj02ToWGS84(ChineseOffsets.wgs84ToGCJ02(p)), p))
                worst.bd = max(worst.bd, Geodesic.wgs84.distance(ChineseOffsets.bd09ToWGS84(ChineseOffsets.wgs84ToBD09(p)), p))
                lat += 0.73
            }
            lon += 0.91
        }
        #expect(worst.gcj < 0.01)
        #expect(worst.bd < 0.01)
    }

    @Test func theOneStepInverseWouldNotBeGoodEnough() {
        // Why the inverse iterates: subtracting the forward offset once is metres off.
        let wgs = Coordinate(109.78, 39.61)
        let gcj = ChineseOffsets.wgs84ToGCJ02(wgs)
        let d = ChineseOffsets.wgs84ToGCJ02(gcj)
        let oneStep = Coordinate(2 * gcj.x - d.x, 2 * gcj.y - d.y)
        #expect(Geodesic.wgs84.distance(oneStep, wgs) > 0.1)
        #expect(Geodesic.wgs84.distance(wgs, gcj) > 200)  // offsets are hundreds of metres here
    }

    @Test func outsideChinaGCJ02IsTheIdentity() {
        let helsinki = Coordinate(24.94, 60.17)
        #expect(ChineseOffsets.wgs84ToGCJ02(helsinki) == helsinki)
        #expect(ChineseOffsets.gcj02ToWGS84(helsinki) == helsinki)
    }

    @Test func epsg4547AgreesWithPROJsCs2cs() throws {
        // cs2cs uses the CRSs' official axis orders: EPSG:4547 northing easting in, EPSG:4326 lat lon out.
        let points = [(38_500_000.0 - 38_000_000.0, 3_400_000.0), (420_000.0, 4_380_000.0), (610_000.0, 2_510_000.0)]
        let transform = try CoordinateTransform(from: .epsg(4547))
        for (easting, northing) in points {
            let result = try runProcess("cs2cs", ["-f", "%.10f", "EPSG:4547", "EPSG:4326"], stdin: "\(northing) \(easting)\n")
            #expect(result.status == 0, "cs2cs: \(result.stderr)")
            let fields = result.stdout.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
            let ours = try transform.toWGS84(Coordinate(easting, northing))
            #expect(abs(ours.lat - fields[0]) < 1e-9 && abs(ours.lon - fields[1]) < 1e-9, "ours \(ours), cs2cs \(fields)")
        }
    }

    @Test func cgcs2000IsWGS84WithinCentimetres() throws {
        let transform = try CoordinateTransform(from: try .parse("EPSG:4490"))
        let p = Coordinate(109.78, 39.61)
        #expect(Geodesic.wgs84.distance(try transform.toWGS84(p), p) < 0.05)
    }

    @Test func crsTextInTheFormsUsersWrite() throws {
        #expect(try CoordinateReferenceSystem.parse("EPSG:4547") == .epsg(4547))
        #expect(try CoordinateReferenceSystem.parse("urn:ogc:def:crs:EPSG::4547") == .epsg(4547))
        #expect(try CoordinateReferenceSystem.parse("4326") == .wgs84)
        #expect(try CoordinateReferenceSystem.parse("urn:ogc:def:crs:OGC:1.3:CRS84") == .wgs84)
        #expect(try CoordinateReferenceSystem.parse("GCJ-02") == .gcj02)
        #expect(try CoordinateReferenceSystem.parse("bd09") == .bd09)
        #expect(throws: CRSError.unrecognized("mars-ish")) { try CoordinateReferenceSystem.parse("mars-ish") }
    }

    @Test func anUnknownEPSGCodeIsAnError() {
        #expect(throws: CRSError.unknown("EPSG:999999", reason: "crs not found")) { try CoordinateTransform(from: .epsg(999_999)) }
    }

    @Test func coordinatesOutsideTheirCRSAreRefused() throws {
        #expect(throws: CRSError.self) { try CoordinateTransform(from: .wgs84).toWGS84(Coordinate(39.6, 109.7)) }  // swapped
        #expect(throws: CRSError.self) { try CoordinateTransform(from: .epsg(4547)).toWGS84(Coordinate(1e9, 1e9)) }
        // Plausible metres, but for zone 114°E they land far outside its area of use.
        #expect(throws: CRSError.self) { try CoordinateTransform(from: .epsg(4547)).toWGS84(Coordinate(3_400_000, 500_000)) }
    }
}
