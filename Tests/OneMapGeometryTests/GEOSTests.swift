import OneMapGeometry
import Testing

@Suite struct GEOSTests {
    let geos = GEOSContext()
    let bowTie: Geometry = .polygon([[Coordinate(0, 0), Coordinate(2, 2), Coordinate(2, 0), Coordinate(0, 2), Coordinate(0, 0)]])
    let square: Geometry = .polygon([[Coordinate(0, 0), Coordinate(2, 0), Coordinate(2, 2), Coordinate(0, 2), Coordinate(0, 0)]])

    @Test func aBowTieIsInvalidWithItsSelfIntersectionNamed() throws {
        #expect(try geos.isValid(bowTie) == false)
        #expect(try geos.validityReason(bowTie).contains("Self-intersection"))
        #expect(try geos.isValid(square))
    }

    @Test func makeValidSplitsTheBowTieIntoTwoTrianglesKeepingTheArea() throws {
        let fixed = try geos.makeValid(bowTie)
        #expect(try geos.isValid(fixed))
        guard case .multiPolygon(let parts) = fixed else { Issue.record("got \(fixed.typeName)"); return }
        #expect(parts.count == 2)
        #expect(abs(try geos.area(fixed) - 2.0) < 1e-12)
    }

    @Test func preparedContainsAndIntersectsAgreeWithTheDefinition() throws {
        let prepared = try geos.prepare(square)
        #expect(try prepared.contains(Coordinate(1, 1)))
        #expect(try !prepared.contains(Coordinate(2, 1)))  // on the boundary: not contained
        #expect(try prepared.intersects(.point(Coordinate(2, 1))))
        #expect(try !prepared.intersects(.lineString([Coordinate(3, 3), Coordinate(4, 5)])))
    }

    @Test func bufferAndUnionAreas() throws {
        let disc = try geos.buffer(.point(Coordinate(0, 0)), distance: 10, quadrantSegments: 64)
        #expect(abs(try geos.area(disc) - Double.pi * 100) / (Double.pi * 100) < 0.001)
        let right: Geometry = .polygon([[Coordinate(2, 0), Coordinate(4, 0), Coordinate(4, 2), Coordinate(2, 2), Coordinate(2, 0)]])
        let merged = try geos.union([square, right])
        #expect(abs(try geos.area(merged) - 8) < 1e-12)
        guard case .polygon = merged else { Issue.record("adjacent squares should merge into one polygon, got \(merged.typeName)"); return }
    }

    @Test func wktIsReadThroughGEOS() throws {
        #expect(try geos.geometry(fromWKT: "POINT (109.7 39.6)") == .point(Coordinate(109.7, 39.6)))
        #expect(throws: GeometryError.self) { try geos.geometry(fromWKT: "POINT (109.7") }
    }
}
