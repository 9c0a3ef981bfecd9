import Foundation
@testable import OneMapIndex
import OneMap
import Testing

/// Every query kind against a linear scan, over thousands of random queries on uniform and
/// clustered data: the same features, distances within a millimetre.
@Suite struct QueryPropertyTests {
    static let scenes: [Bool: (Scene, IndexSnapshot)] = {
        var out: [Bool: (Scene, IndexSnapshot)] = [:]
        for clustered in [false, true] {
            let scene = Scene(seed: clustered ? 2 : 1, hazards: 4000, shelters: 600, clustered: clustered)
            out[clustered] = (scene, scene.index.snapshot)
        }
        return out
    }()

    /// Query points: near data, far from it, and a few outside the scene.
    static func queryPoints(_ scene: Scene, count: Int, seed: UInt64) -> [Coordinate] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { n in
            switch n % 4 {
            case 0: Coordinate(Scene.centre.x + random.uniform(-2...2), Scene.centre.y + random.uniform(-2...2))
            default:
                if case .point(let c) = scene.hazards[random.int(0...(scene.hazards.count - 1))].geometry {
                    Coordinate(c.x + random.normal() * 0.005, c.y + random.normal() * 0.005)
                } else { Coordinate(Scene.centre.x + random.uniform(-0.5...0.5), Scene.centre.y + random.uniform(-0.5...0.5)) }
            }
        }
    }

    /// Same ranking as the reference: distances agree to 1 mm position by position, and each
    /// id is one the reference has at that distance (features at equal distance may swap).
    static func expectSameRanking(_ got: [Hit], _ want: [(String, Double)], _ context: String,
                                  pool: [(String, Double)]? = nil) {
        #expect(got.count == want.count, "\(context): \(got.count) hits, reference \(want.count)")
        guard got.count == want.count else { return }
        #expect(Set(got.map(\.record.id)).count == got.count, "\(context): a feature twice")
        for (hit, expected) in zip(got, want) {
            let d = hit.distance ?? .nan
            #expect(abs(d - expected.1) < 1e-3, "\(context): distance \(d) vs \(expected.1) (\(hit.record.id), \(expected.0))")
            if hit.record.id != expected.0 {
                let tied = (pool ?? want).filter { abs($0.1 - d) < 1e-3 }.map(\.0)
                #expect(tied.contains(hit.record.id), "\(context): \(hit.record.id) is not at distance \(d)")
            }
        }
    }

    @Test(arguments: [false, true])
    func radiusQueriesEqualALinearScan(clustered: Bool) throws {
        let (scene, snapshot) = Self.scenes[clustered]!
        let points = Self.queryPoints(scene, count: 1200, seed: 21)
        let radii = [0.0, 40, 300, 1000, 2500, 25_000]
        var nonEmpty = 0, empty = 0
        for (n, p) in points.enumerated() {
            let radius = radii[n % radii.count]
            let got = try snapshot.features(.hazards, within: radius, of: p)
            let want = BruteForce.within(scene.hazards, p, radius)
            Self.expectSameRanking(got, want, "radius \(radius) at \(p)")
            if want.isEmpty { empty += 1 } else { nonEmpty += 1 }
            for hit in got.prefix(3) {
                if let b = BruteForce.bearing(from: p, to: hit.record), hit.distance! > 1 {
                    #expect(angleDifference(hit.bearing!, b) < 1e-5)
                }
            }
            #expect(try snapshot.count(.hazards, within: radius, of: p) == want.count)
        }
        #expect(nonEmpty > 300 && empty > 50, "the queries should cover both: \(nonEmpty) non-empty, \(empty) empty")
    }

    @Test(arguments: [false, true])
    func filteredRadiusQueriesEqualALinearScan(clustered: Bool) throws {
        let (scene, snapshot) = Self.scenes[clustered]!
        for (n, p) in Self.queryPoints(scene, count: 400, seed: 22).enumerated() {
            let levels = n % 2 == 0 ? ["1", "orange"] : ["yellow"]
            let got = try snapshot.hazardsNear(p, radius: 1500, levels: levels)  // default: open ones
            let wanted = Set(levels.map { $0 == "orange" ? "2" : $0 == "yellow" ? "3" : $0 })
            let want = BruteForce.within(scene.hazards, p, 1500) { r in
                wanted.contains(value(r, .hazards, "level").description) && value(r, .hazards, "status") != .text("closed")
            }
            Self.expectSameRanking(got, want, "hazards near \(p)")
        }
    }

    @Test(arguments: [false, true])
    func nearestQueriesEqualALinearScan(clustered: Bool) throws {
        let (scene, snapshot) = Self.scenes[clustered]!
        for (n, p) in Self.queryPoints(scene, count: 1200, seed: 23).enumerated() {
            let k = [1, 5, 20][n % 3]
            let layer: Layer = n % 2 == 0 ? .hazards : .shelters
            let records = layer == .hazards ? scene.hazards : scene.shelters
            let got = try snapshot.nearest(layer, to: p, k: k)
            let all = BruteForce.within(records, p, .infinity)
            Self.expectSameRanking(got, Array(all.prefix(k)), "k=\(k) \(layer) at \(p)", pool: all)
            for hit in got {
                if let b = BruteForce.bearing(from: p, to: hit.record), hit.distance! > 1 {
                    #expect(angleDifference(hit.bearing!, b) < 1e-5)
                }
            }
        }
    }

    @Test(arguments: [false, true])
    func nearestSheltersHonourClassStatusAndRoom(clustered: Bool) throws {
        let (scene, snapshot) = Self.scenes[clustered]!
        for (n, p) in Self.queryPoints(scene, count: 800, seed: 24).enumerated() {
            let criteria = ShelterCriteria(classes: n % 3 == 0 ? [] : ["I", "II"], openOnly: n % 2 == 0,
                                           minimumRoom: n % 4 == 0 ? nil : 300 * (n % 7))
            let got = try snapshot.nearestShelters(to: p, k: 5, criteria: criteria)
            let all = BruteForce.within(scene.shelters, p, .infinity) { r in
                let cls = value(r, .shelters, "shelter_class").description
                if !criteria.classes.isEmpty && !criteria.classes.contains(cls) { return false }
                if criteria.openOnly && value(r, .shelters, "status") != .text("open") { return false }
                if let room = criteria.minimumRoom {
                    guard case .integer(let capacity) = value(r, .shelters, "capacity") else { return false }
                    let occupied: Int64 = if case .integer(let o) = value(r, .shelters, "occupancy") { o } else { 0 }
                    if capacity - occupied < room { return false }
                }
                return true
            }
            Self.expectSameRanking(got.map(\.hit), Array(all.prefix(5)), "shelters at \(p)", pool: all)
            for shelter in got {
                // The answer's bytes, written straight from the record, are the feature's.
                var direct: [UInt8] = [], built: [UInt8] = []
                shelter.write(into: &direct)
                GeoJSONWriter.write(shelter.feature, into: &built)
                #expect(direct == built, "\(shelter.hit.record.id)")
                var hitDirect: [UInt8] = [], hitBuilt: [UInt8] = []
                shelter.hit.write(in: .shelters, into: &hitDirect)
                GeoJSONWriter.write(shelter.hit.feature(in: .shelters), into: &hitBuilt)
                #expect(hitDirect == hitBuilt, "\(shelter.hit.record.id)")
                if let room = criteria.minimumRoom { #expect((shelter.room ?? -1) >= room) }
                if let area = shelter.effectiveArea, let capacity = shelter.capacity, capacity > 0 {
                    #expect(abs(shelter.areaPerPerson! - area / Double(capacity)) < 1e-9)
                }
            }
        }
    }

    /// A batch answers each point exactly as its single query does (which the other tests
    /// hold to brute force), in the points' order, on one worker or several.
    @Test(arguments: [false, true])
    func batchesAnswerEachPointAsItsSingleQuery(clustered: Bool) throws {
        let (scene, snapshot) = Self.scenes[clustered]!
        let points = Self.queryPoints(scene, count: 1500, seed: 31)
        let criteria = ShelterCriteria(classes: ["I", "II"], minimumRoom: 200)
        let levels = [AttributeFilter(column: "level", test: .oneOf(["1", "2"]))]
        for workers in [1, 2, 3] {
            let shelters = try snapshot.nearestShelters(to: points, k: 5, criteria: criteria, workers: workers)
            let hazards = try snapshot.nearest(.hazards, to: points, k: 4, maxDistance: 20_000, where: levels, workers: workers)
            let within = try snapshot.features(.hazards, within: 1500, of: points, limit: 7, workers: workers)
            #expect(shelters.count == points.count && hazards.count == points.count && within.count == points.count)
            for (i, p) in points.enumerated() {
                #expect(shelters[i] == (try snapshot.nearestShelters(to: p, k: 5, criteria: criteria)), "shelters at \(p)")
                #expect(hazards[i] == (try snapshot.nearest(.hazards, to: p, k: 4, maxDistance: 20_000, where: levels)), "hazards at \(p)")
                #expect(within[i] == (try snapshot.features(.hazards, within: 1500, of: p, limit: 7)), "within at \(p)")
            }
        }
        // A bad point is refused by its place in the list; an empty or oversized batch too.
        var bad = points
        bad[17] = Coordinate(200, 10)
        #expect(throws: QueryError.badParameter(name: "points[17]", reason: "lon: 200.0 is outside −180…180")) {
            try snapshot.nearestShelters(to: bad, k: 3)
        }
        #expect(throws: QueryError.self) { try snapshot.nearest(.hazards, to: [], k: 3) }
        #expect(throws: QueryError.self) {
            try snapshot.features(.hazards, within: 10, of: Array(repeating: Scene.centre, count: IndexSnapshot.maxBatchPoints + 1))
        }
    }

    @Test(arguments: [false, true])
    func boxQueriesEqualALinearScan(clustered: Bool) throws {
        let (scene, snapshot) = Self.scenes[clustered]!
        let context = GEOSContext()
        for (n, p) in Self.queryPoints(scene, count: 600, seed: 25).enumerated() {
            let size = [0.0005, 0.01, 0.1, 1][n % 4]
            let box = BoundingBox(minX: p.x, minY: p.y, maxX: p.x + size, maxY: p.y + size * 0.7)
            let got = Set(try snapshot.features(.hazards, in: box).map(\.record.id))
            let prepared = try context.prepare(box.polygon)
            let want = Set(try scene.hazards.filter { try prepared.intersects($0.geometry) }.map(\.id))
            #expect(got == want, "box \(box)")
        }
    }

    @Test(arguments: [false, true])
    func polygonAndGridQueriesEqualALinearScan(clustered: Bool) throws {
        let (scene, snapshot) = Self.scenes[clustered]!
        let context = GEOSContext()
        for grid in scene.grids {
            let code = value(grid, .grids, "code").description
            for relation in SpatialRelation.allCases {
                let got = Set(try snapshot.features(.hazards, inGrid: code, relation: relation).map(\.record.id))
                let prepared = try context.prepare(grid.geometry)
                let want = Set(try scene.hazards.filter { r in
                    if case .point(let c) = r.geometry, relation == .within { return PlanarRing.polygonContains(polygonRings(grid.geometry), c) && !PlanarRing.onBoundary(polygonRings(grid.geometry)[0], c) }
                    return relation == .within ? try prepared.contains(r.geometry) : try prepared.intersects(r.geometry)
                }.map(\.id))
                #expect(got == want, "grid \(code) \(relation)")
            }
        }
        // A drawn triangle, and one that holds nothing.
        let triangle = Geometry.polygon([[Coordinate(118.7, 42.1), Coordinate(119.1, 42.15), Coordinate(118.9, 42.45), Coordinate(118.7, 42.1)]])
        let got = Set(try snapshot.features(.hazards, inside: triangle).map(\.record.id))
        let prepared = try context.prepare(triangle)
        #expect(got == Set(try scene.hazards.filter { try prepared.contains($0.geometry) }.map(\.id)))
        #expect(!got.isEmpty)
        let far = Geometry.polygon([[Coordinate(100, 20), Coordinate(100.1, 20), Coordinate(100.1, 20.1), Coordinate(100, 20)]])
        #expect(try snapshot.features(.hazards, inside: far).isEmpty)
    }

    /// Features exactly on the circle are inside; a millimetre beyond it, outside.
    @Test func theRadiusBoundaryIsExact() throws {
        let centre = Coordinate(118.95, 42.3)
        var records: [LayerRecord] = []
        var random = SeededRandom(seed: 9)
        for n in 0..<300 {
            let radius = [10.0, 500, 1000, 19_999, 20_001, 50_000][n % 6]
            let bearing = random.uniform(0...360)
            let offset = [0.0, -1e-3, 1e-3][(n / 6) % 3]
            let c = Geodesic.wgs84.destination(from: centre, bearing: bearing, distance: radius + offset)
            records.append(makeRecord(.hazards, "B\(n)-\(radius)-\(offset)", .point(c)))
        }
        let snapshot = SpatialIndex(records: [.hazards: records]).snapshot
        for radius in [10.0, 500, 1000, 19_999, 20_001, 50_000] {
            let got = Set(try snapshot.features(.hazards, within: radius, of: centre).map(\.record.id))
            let want = Set(records.filter { Geodesic.wgs84.distance(centre, geometryPoint($0)) <= radius + 1e-6 }.map(\.id))
            #expect(got == want, "radius \(radius)")
            let onCircle = records.filter { $0.id.hasSuffix("-\(radius)-0.0") }.map(\.id)
            #expect(!onCircle.isEmpty && onCircle.allSatisfy(got.contains), "radius \(radius): on-circle points missing")
            #expect(!records.contains { $0.id.hasSuffix("-\(radius)-0.001") && got.contains($0.id) })
        }
    }
}

func polygonRings(_ g: Geometry) -> [Ring] {
    switch g {
    case .polygon(let rings): rings
    case .multiPolygon(let parts): parts[0]
    default: []
    }
}

func geometryPoint(_ r: LayerRecord) -> Coordinate {
    if case .point(let c) = r.geometry { return c }
    return Coordinate(.nan, .nan)
}
