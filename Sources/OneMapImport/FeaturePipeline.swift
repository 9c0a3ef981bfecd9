import OneMapGeometry
import OneMapStorage

/// The per-feature steps of an import: CRS → WGS84, layer mapping, geometry validity
/// (repaired under `--fix`). Errors come out naming the file and the feature.
struct FeaturePipeline {
    let file: String
    let transform: CoordinateTransform
    let mapper: RecordMapper
    let fix: Bool
    private let geos = GEOSContext()
    private(set) var repaired = 0
    private(set) var closedRings = 0
    /// Rings with fewer than three distinct positions dropped under `--fix`.
    private(set) var droppedRings = 0
    /// Every value a vocabulary column did not know, with how many features carry it.
    private(set) var unmapped: [UnmappedKey: Int] = [:]

    struct UnmappedKey: Hashable {
        var column: String
        var property: String
        var value: String
    }

    init(file: String, transform: CoordinateTransform, mapper: RecordMapper, fix: Bool) {
        self.file = file
        self.transform = transform
        self.mapper = mapper
        self.fix = fix
    }

    mutating func record(for item: SourceFeature, fallbackID: @autoclosure () -> String) throws -> LayerRecord {
        let file = self.file
        func fail(_ message: String) -> ImportError { .feature(file: file, location: item.location, message: message) }
        var feature = item.feature
        do {
            feature.geometry = try transform.toWGS84(feature.geometry)
        } catch {
            throw fail("\(error)")
        }
        closedRings += item.closedRings
        var dropped = 0
        if fix {
            do {
                (feature.geometry, dropped) = try Self.droppingDegenerateRings(feature.geometry)
            } catch {
                throw fail("\(error)")
            }
            droppedRings += dropped
        }
        let (geometry, madeValid) = try validated(feature.geometry, fail)
        feature.geometry = geometry
        // One repaired feature, whether its rings were closed or dropped, make-valid ran, or all.
        if item.closedRings > 0 || dropped > 0 || madeValid { repaired += 1 }
        do {
            return try mapper.record(for: feature, fallbackID: fallbackID())
        } catch let e as MappingError {
            if case .unmapped(let values) = e {
                for v in values { unmapped[UnmappedKey(column: v.column, property: v.property, value: v.value), default: 0] += 1 }
            }
            throw fail("\(e)")
        } catch {
            throw fail("\(error)")
        }
    }

    /// Drops rings with fewer than three distinct positions (a two-vertex ring has no
    /// area and GEOS cannot even build it): a hole on its own, an outer ring with its
    /// polygon. A polygon with no ring left is an error. Returns how many rings went.
    static func droppingDegenerateRings(_ geometry: Geometry) throws -> (Geometry, dropped: Int) {
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

    /// Points are always valid once finite; lines and polygons are checked with GEOS.
    /// The geometry, repaired under `--fix`, and whether make-valid changed it.
    private func validated(_ geometry: Geometry, _ fail: (String) -> ImportError) throws -> (Geometry, madeValid: Bool) {
        switch geometry {
        case .point, .multiPoint: return (geometry, false)
        default: break
        }
        do {
            if try geos.isValid(geometry) { return (geometry, false) }
            let reason = try geos.validityReason(geometry)
            guard fix else { throw fail("invalid \(geometry.typeName): \(reason) (--fix repairs it with make-valid)") }
            return (try Self.keepingDimension(of: geometry, try geos.makeValid(geometry)), true)
        } catch let e as GeometryError {
            throw fail("\(e)")
        }
    }

    /// make-valid may return a collection with collapsed lower-dimension parts; keep the
    /// parts of the input's own dimension so a repaired polygon stays a (Multi)Polygon.
    static func keepingDimension(of original: Geometry, _ repaired: Geometry) throws -> Geometry {
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
}
