/// Repairs shared by the importer (`--fix`) and the OpenStreetMap builder.
public enum GeometryRepair {
    /// Drops rings with fewer than three distinct positions (a two-vertex ring has no
    /// area and GEOS cannot even build it): a hole on its own, an outer ring with its
    /// polygon. A polygon with no ring left is an error. Returns how many rings went.
    public static func droppingDegenerateRings(_ geometry: Geometry) throws -> (Geometry, dropped: Int) {
        func degenerate(_ ring: Ring) -> Bool { ring.count < 4 || Set(ring.map { [$0.x, $0.y] }).count < 3 }
        var dropped = 0
        func polygon(_ rings: [Ring]) -> [Ring]? {
            guard let outer = rings.first, !degenerate(outer) else {
                dropped += rings.count
                return nil
            }
            let holes = rings.dropFirst().filter { hole in
                if degenerate(hole) { dropped += 1; return false }
                return true
            }
            return [outer] + holes
        }
        switch geometry {
        case .polygon(let rings):
            guard let kept = polygon(rings) else {
                throw GeometryError.invalidStructure(reason: "the polygon's outer ring has fewer than three distinct positions: no area is left")
            }
            return (.polygon(kept), dropped)
        case .multiPolygon(let parts):
            let kept = parts.compactMap(polygon)
            guard !kept.isEmpty else {
                throw GeometryError.invalidStructure(reason: "every part's outer ring has fewer than three distinct positions: no area is left")
            }
            return (.multiPolygon(kept), dropped)
        default:
            return (geometry, 0)
        }
    }

    /// make-valid may return a collection with collapsed lower-dimension parts; keep the
    /// parts of the input's own dimension so a repaired polygon stays a (Multi)Polygon.
    public static func keepingDimension(of original: Geometry, _ repaired: Geometry) throws -> Geometry {
        func polygons(_ g: Geometry) -> [[Ring]] {
            switch g {
            case .polygon(let p): [p]
            case .multiPolygon(let ps): ps
            case .geometryCollection(let parts): parts.flatMap(polygons)
            default: []
            }
        }
        func lines(_ g: Geometry) -> [[Coordinate]] {
            switch g {
            case .lineString(let l): [l]
            case .multiLineString(let ls): ls
            case .geometryCollection(let parts): parts.flatMap(lines)
            default: []
            }
        }
        switch original {
        case .polygon, .multiPolygon:
            let ps = polygons(repaired)
            guard !ps.isEmpty else { throw GeometryError.invalidStructure(reason: "make-valid left no area (the polygon collapses to a line or point)") }
            return ps.count == 1 ? .polygon(ps[0]) : .multiPolygon(ps)
        case .lineString, .multiLineString:
            let ls = lines(repaired)
            guard !ls.isEmpty else { throw GeometryError.invalidStructure(reason: "make-valid left no line") }
            return ls.count == 1 ? .lineString(ls[0]) : .multiLineString(ls)
        default:
            return repaired
        }
    }

    /// A polygonal geometry fit to store: degenerate rings dropped, then made valid
    /// (keeping its area); nil when no area is left. Other geometries come back as they are.
    public static func polygonalRepaired(_ geometry: Geometry, context: GEOSContext) throws -> Geometry? {
        switch geometry {
        case .polygon, .multiPolygon: break
        default: return geometry
        }
        guard let (kept, _) = try? droppingDegenerateRings(geometry) else { return nil }
        if try context.isValid(kept) { return kept }
        return try? keepingDimension(of: kept, try context.makeValid(kept))
    }
}
