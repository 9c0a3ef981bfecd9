import Foundation
import OneMap
import OneMapIncidents
import Testing

/// The Gaussian plume against values worked by hand (Turner's workbook formulas, computed
/// separately): centreline and off-axis concentrations, a raised source, the urban
/// coefficients, the footprint's tip and half-width, and the zone's direction.
@Suite struct PlumeTests {
    let rural = { (s: GaussianPlume.Stability) in GaussianPlume.Weather(windFromDegrees: 270, windSpeedMS: 2, stability: s, surface: .rural) }
    let release = GaussianPlume.Release(rateGS: 1000, heightM: 0)

    @Test func theCentrelineAtOneKilometreInClassDIsWhatTheFormulaGives() {
        // σy = 0.08·1000/√1.1 = 76.277 m, σz = 0.06·1000/√2.5 = 37.947 m; C = Q/(π u σy σz) = 54.985 mg/m³.
        let (sy, sz) = GaussianPlume.sigmas(x: 1000, rural(.D))
        #expect(abs(sy - 76.2770) < 0.001)
        #expect(abs(sz - 37.9473) < 0.001)
        #expect(abs(GaussianPlume.concentration(x: 1000, y: 0, release, rural(.D)) - 54.9851) < 0.001)
        // 100 m off the axis: × exp(−100²/(2σy²)) = 23.282 mg/m³.
        #expect(abs(GaussianPlume.concentration(x: 1000, y: 100, release, rural(.D)) - 23.2822) < 0.001)
        #expect(abs(GaussianPlume.concentration(x: 1000, y: -100, release, rural(.D)) - 23.2822) < 0.001)
    }

    @Test func aRaisedSourceInAStableNightIsDilutedByItsHeight() {
        // Class F, x = 500 m, H = 10 m: σy = 19.518, σz = 6.957; C = 417.137 mg/m³.
        let raised = GaussianPlume.Release(rateGS: 1000, heightM: 10)
        #expect(abs(GaussianPlume.concentration(x: 500, y: 0, raised, rural(.F)) - 417.1365) < 0.01)
    }

    @Test func theUrbanCoefficientsAreMcElroyPoolers() {
        // Urban C, x = 2 km, Q = 500 g/s, u = 5 m/s: σy = 327.957, σz = 400; C = 0.24265 mg/m³.
        let weather = GaussianPlume.Weather(windFromDegrees: 0, windSpeedMS: 5, stability: .C, surface: .urban)
        #expect(abs(GaussianPlume.concentration(x: 2000, y: 0, GaussianPlume.Release(rateGS: 500, heightM: 0), weather) - 0.242646) < 0.00001)
        #expect(GaussianPlume.concentration(x: -10, y: 0, release, weather) == 0, "nothing upwind")
    }

    @Test func theFootprintEndsWhereTheCentrelineFallsToTheThreshold() throws {
        // Class D, 5.8 mg/m³: the centreline reaches it at 4,327.8 m (bisection by hand); at
        // 1 km the half-width is σy·√(2 ln(54.985/5.8)) = 161.78 m.
        let points = GaussianPlume.footprint(threshold: 5.8, release, rural(.D), maxDistance: 20_000)
        let tip = try #require(points.last)
        #expect(abs(tip.x - 4327.8) < 0.5)
        #expect(tip.halfWidth == 0)
        let near = try #require(points.min { abs($0.x - 1000) < abs($1.x - 1000) })
        let expected = GaussianPlume.sigmas(x: near.x, rural(.D)).y * (2 * log(GaussianPlume.concentration(x: near.x, y: 0, release, rural(.D)) / 5.8)).squareRoot()
        #expect(abs(near.halfWidth - expected) < 1e-6)
        #expect(abs(near.x - 1000) < 30)
        // On the footprint's edge the concentration is the threshold.
        #expect(abs(GaussianPlume.concentration(x: near.x, y: near.halfWidth, release, rural(.D)) - 5.8) < 1e-6)
    }

    @Test func theZonePointsDownwind() throws {
        // Wind from the west (270°): the zone lies east of the source.
        let source = Coordinate(109.73, 39.66)
        let (polygon, length) = try #require(GaussianPlume.zone(at: source, threshold: 5.8, release, rural(.D), maxDistance: 20_000))
        #expect(abs(length - 4327.8) < 0.5)
        let box = try #require(polygon.boundingBox)
        #expect(box.minX >= source.x - 1e-9)
        let east = Geodesic.wgs84.distance(source, Coordinate(box.maxX, source.y))
        #expect(abs(east - 4327.8) < 10, "the tip lies 4.3 km east (local frame against geodesic)")
        #expect(try GEOSContext().isValid(polygon))
        // Wind from the north: the zone lies south.
        let north = GaussianPlume.Weather(windFromDegrees: 0, windSpeedMS: 2, stability: .D, surface: .rural)
        let south = try #require(GaussianPlume.zone(at: source, threshold: 5.8, release, north, maxDistance: 20_000)?.polygon.boundingBox)
        #expect(south.maxY <= source.y + 1e-9 && south.minY < source.y - 0.03)
    }

    @Test func aThresholdNeverReachedGivesNoZoneAndTheLimitsAreSaid() {
        #expect(GaussianPlume.zone(at: Coordinate(0, 0), threshold: 1e9, release, rural(.D), maxDistance: 20_000) == nil)
        let calm = GaussianPlume.Weather(windFromDegrees: 90, windSpeedMS: 0.6, stability: .F, surface: .rural)
        let limits = GaussianPlume.limits(release, calm, length: 20_000, maxDistance: 20_000)
        #expect(limits.first?.hasPrefix("Low wind") == true)
        #expect(limits.contains { $0.hasPrefix("Shifting wind") })
        #expect(limits.contains { $0.hasPrefix("Terrain") })
        #expect(limits.contains { $0.contains("cut at 20000 m") })
        #expect(calm.problem == nil)
        #expect(GaussianPlume.Weather(windFromDegrees: 90, windSpeedMS: 0.1, stability: .F, surface: .rural).problem?.contains("calm") == true)
    }
}
