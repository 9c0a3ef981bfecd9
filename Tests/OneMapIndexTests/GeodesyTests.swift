import Foundation
@testable import OneMapIndex
import OneMap
import Testing

@Suite struct GeodesyTests {
    /// The closed form must agree with Karney's solution (PROJ) to a micrometre and a
    /// millionth of a degree up to 20 km, at every latitude users live at and beyond.
    @Test func shortLinesMatchKarneysSolution() {
        var random = SeededRandom(seed: 7)
        var worstDistance = 0.0, worstBearing = 0.0
        for _ in 0..<50_000 {
            let start = Coordinate(random.uniform(-180...180), random.uniform(-75...75))
            let length = random.uniform(0...20_000)
            let end = Geodesic.wgs84.destination(from: start, bearing: random.uniform(0...360), distance: length)
            let reference = Geodesic.wgs84.inverse(from: start, to: end)
            let m = GeodesicObserver(start).measure(end)
            worstDistance = max(worstDistance, abs(m.distance - reference.distance))
            if reference.distance > 1 {
                worstBearing = max(worstBearing, angleDifference(m.bearing, reference.initialBearing))
            }
        }
        #expect(worstDistance < 1e-6, "worst distance error \(worstDistance) m")
        #expect(worstBearing < 1e-5, "worst bearing error \(worstBearing)°")
    }

    @Test func longLinesAreKarneysSolution() {
        let beijing = Coordinate(116.3975, 39.9087), chifeng = Coordinate(118.8869, 42.2578)
        let m = GeodesicObserver(beijing).measure(chifeng)
        let reference = Geodesic.wgs84.inverse(from: beijing, to: chifeng)
        #expect(m.distance == reference.distance)
        #expect(abs(m.bearing - reference.initialBearing) < 1e-12)
    }

    /// Pruning is only exact if a feature's chord box never bounds above its true
    /// distance: checked for points, lines and polygons of up to half a degree (their
    /// surfaces bow out of the vertices' box), from points inside, near and far.
    @Test func chordBoxesNeverExceedTheGeodesic() {
        var random = SeededRandom(seed: 11)
        var records: [LayerRecord] = []
        for n in 0..<3000 {
            let c = Coordinate(random.uniform(-179...179), random.uniform(-80...80))
            let size = [0.0005, 0.01, 0.2, 0.5][n % 4]
            let geometry: Geometry = switch n % 3 {
            case 0: .point(c)
            case 1: .lineString([c, Coordinate(c.x + size, c.y + size * 0.3), Coordinate(c.x + size * 0.2, c.y - size)])
            default: .polygon([[c, Coordinate(c.x + size, c.y), Coordinate(c.x + size, c.y + size), Coordinate(c.x, c.y + size), c]])
            }
            records.append(makeRecord(.hazards, "F\(n)", geometry))
        }
        let set = FeatureSet(layer: .hazards, records: records)
        set.chordBoxes.values.withUnsafeBufferPointer { chord in
            for slot in 0..<set.count {
                let box = set.record(slot).geometry.boundingBox!
                for _ in 0..<4 {
                    let spread = [0.0, 0.001, 0.3, 3][random.int(0...3)]
                    let origin = Coordinate(min(180, max(-180, random.uniform(box.minX...box.maxX) + random.uniform(-spread...spread))),
                                            min(90, max(-90, random.uniform(box.minY...box.maxY) + random.uniform(-spread...spread))))
                    let observer = GeodesicObserver(origin)
                    let bound = observer.chordBoundSquared(chord.baseAddress! + 6 * slot).squareRoot()
                    let d = observer.measure(set.record(slot).geometry).distance
                    #expect(bound <= d + 1e-6, "bound \(bound) > distance \(d) from \(origin) to \(set.record(slot).id)")
                    if bound > d + 1e-6 { return }
                }
            }
        }
    }

    /// Distance to a line: the minimum over dense geodesic samples along each segment.
    @Test func distanceToLinesAndPolygonsMatchesDenseSampling() {
        var random = SeededRandom(seed: 5)
        for _ in 0..<300 {
            let origin = Coordinate(random.uniform(100...130), random.uniform(20...50))
            let a = Geodesic.wgs84.destination(from: origin, bearing: random.uniform(0...360), distance: random.uniform(10...3000))
            let b = Geodesic.wgs84.destination(from: a, bearing: random.uniform(0...360), distance: random.uniform(10...1500))
            let segment = Geodesic.wgs84.inverse(from: a, to: b)
            var sampled = Double.infinity
            let steps = 4000
            for i in 0...steps {
                let p = Geodesic.wgs84.destination(from: a, bearing: segment.initialBearing,
                                                   distance: segment.distance * Double(i) / Double(steps))
                sampled = min(sampled, Geodesic.wgs84.distance(origin, p))
            }
            let measured = GeodesicObserver(origin).measure(.lineString([a, b])).distance
            #expect(abs(measured - sampled) < 1e-3, "line: measured \(measured), sampled \(sampled)")
        }
    }

    @Test func insideAPolygonTheDistanceIsZeroAndHolesAreOutside() {
        let outer: Ring = [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)]
        let hole: Ring = [Coordinate(0.49, 0.49), Coordinate(0.51, 0.49), Coordinate(0.51, 0.505), Coordinate(0.49, 0.505), Coordinate(0.49, 0.49)]
        let polygon = Geometry.polygon([outer, hole])
        #expect(GeodesicObserver(Coordinate(0.2, 0.2)).measure(polygon).distance == 0)
        let inHole = GeodesicObserver(Coordinate(0.5, 0.5)).measure(polygon)
        // The hole's north edge (0.005° away) is its nearest.
        #expect(abs(inHole.distance - Geodesic.wgs84.distance(Coordinate(0.5, 0.5), Coordinate(0.5, 0.505))) < 1e-3)
        #expect(angleDifference(inHole.bearing, 0) < 1e-6)
        // The crossing test agrees with GEOS on random points.
        let context = GEOSContext()
        let prepared = try! context.prepare(polygon)
        var random = SeededRandom(seed: 3)
        for _ in 0..<2000 {
            let p = Coordinate(random.uniform(-0.2...1.2), random.uniform(-0.2...1.2))
            #expect(PlanarRing.polygonContains([outer, hole], p) == (try! prepared.contains(p)))
        }
    }
}
