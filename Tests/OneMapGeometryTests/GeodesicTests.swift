import OneMapGeometry
import Testing

@Suite struct GeodesicTests {
    @Test func flindersPeakToBuninyongMatchesGeoscienceAustralia() {
        // The classic Vincenty test line (GRS80 ≈ WGS84 to 0.1 mm here): 54,972.271 m, azimuth 306°52′05.37″.
        func dms(_ d: Double, _ m: Double, _ s: Double) -> Double { d.sign == .minus ? d - m / 60 - s / 3600 : d + m / 60 + s / 3600 }
        let flinders = Coordinate(dms(144, 25, 29.52440), dms(-37, 57, 3.72030))
        let buninyong = Coordinate(dms(143, 55, 35.38390), dms(-37, 39, 10.15610))
        let line = Geodesic.wgs84.inverse(from: flinders, to: buninyong)
        #expect(abs(line.distance - 54_972.271) < 0.001)
        #expect(abs((line.initialBearing + 360).truncatingRemainder(dividingBy: 360) - dms(306, 52, 5.37)) < 1e-5)
    }

    @Test func geodSolveExampleFromGeographicLib() {
        // GeographicLib's documented example: 40.6 -73.8 → 51.6 -0.5: s12 = 5551759.400 m, azi1 = 51.198882845579.
        let line = Geodesic.wgs84.inverse(from: Coordinate(-73.8, 40.6), to: Coordinate(-0.5, 51.6))
        #expect(abs(line.distance - 5_551_759.400) < 0.001)
        #expect(abs(line.initialBearing - 51.198882845579) < 1e-9)
    }

    @Test func directThenInverseComesBack() {
        let start = Coordinate(109.78, 39.61)
        let end = Geodesic.wgs84.destination(from: start, bearing: 37, distance: 1234.5)
        let back = Geodesic.wgs84.inverse(from: start, to: end)
        #expect(abs(back.distance - 1234.5) < 1e-6)
        #expect(abs(back.initialBearing - 37) < 1e-9)
    }

    @Test func areaOfOneDegreeSquareAtTheEquator() {
        // 1° × 1° at the equator on WGS84: 12,308,778,361 m² (GeographicLib Planimeter).
        let square: Geometry = .polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)]])
        #expect(abs(Geodesic.wgs84.area(of: square) - 12_308_778_361) < 10)
    }
}
