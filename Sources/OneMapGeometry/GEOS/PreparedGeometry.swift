import CGEOS

/// A geometry indexed by GEOS for fast repeated `contains` / `intersects` tests, e.g.
/// "which of 100,000 points fall inside this grid cell". Bound to the context that made it.
public final class PreparedGeometry {
    private let context: GEOSContext
    private let geometry: GEOSGeometryHandle
    private let prepared: OpaquePointer

    init(context: GEOSContext, geometry: GEOSGeometryHandle) throws {
        self.context = context
        self.geometry = geometry
        guard let p = GEOSPrepare_r(context.handle, geometry.pointer) else { throw context.takeError("prepare failed") }
        prepared = p
    }

    deinit { GEOSPreparedGeom_destroy_r(context.handle, prepared) }

    /// Whether the prepared geometry contains `other` (boundary points are not contained).
    public func contains(_ other: Geometry) throws -> Bool {
        let g = try context.make(other)
        return try check(GEOSPreparedContains_r(context.handle, prepared, g.pointer))
    }

    /// Whether every point of `other` lies in the prepared geometry, its boundary included
    /// (a grid worker's hazard on the edge of their grid is still theirs).
    public func covers(_ other: Geometry) throws -> Bool {
        let g = try context.make(other)
        return try check(GEOSPreparedCovers_r(context.handle, prepared, g.pointer))
    }

    /// Whether the prepared geometry contains the point (x, y).
    public func contains(_ c: Coordinate) throws -> Bool {
        let h = context.handle
        // A point built from a coordinate directly avoids a WKB round trip on this hot path.
        guard let p = GEOSGeom_createPointFromXY_r(h, c.x, c.y) else { throw context.takeError("cannot make a point") }
        defer { GEOSGeom_destroy_r(h, p) }
        return try check(GEOSPreparedContains_r(h, prepared, p))
    }

    /// Whether the prepared geometry touches or contains the point (x, y): boundary included.
    public func intersects(_ c: Coordinate) throws -> Bool {
        let h = context.handle
        guard let p = GEOSGeom_createPointFromXY_r(h, c.x, c.y) else { throw context.takeError("cannot make a point") }
        defer { GEOSGeom_destroy_r(h, p) }
        return try check(GEOSPreparedIntersects_r(h, prepared, p))
    }

    /// Whether the prepared geometry and `other` share at least one point.
    public func intersects(_ other: Geometry) throws -> Bool {
        let g = try context.make(other)
        return try check(GEOSPreparedIntersects_r(context.handle, prepared, g.pointer))
    }

    /// Whether `other` lies within planar distance `distance` (in coordinate units, so
    /// degrees for lon/lat) of the prepared geometry: a cheap, indexed first filter
    /// before an exact geodesic measure.
    public func isWithin(_ distance: Double, of other: Geometry) throws -> Bool {
        let g = try context.make(other)
        return try check(GEOSPreparedDistanceWithin_r(context.handle, prepared, g.pointer, distance))
    }

    /// Whether the point lies within planar distance `distance` of the prepared geometry.
    public func isWithin(_ distance: Double, of c: Coordinate) throws -> Bool {
        let h = context.handle
        guard let p = GEOSGeom_createPointFromXY_r(h, c.x, c.y) else { throw context.takeError("cannot make a point") }
        defer { GEOSGeom_destroy_r(h, p) }
        return try check(GEOSPreparedDistanceWithin_r(h, prepared, p, distance))
    }

    private func check(_ result: CChar) throws -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw context.takeError("predicate failed")
        }
    }
}
