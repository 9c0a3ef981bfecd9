import CGEOS

extension GEOSContext {
    /// Whether `geometry` is valid in the OGC sense (closed, non-self-intersecting rings,
    /// holes inside shells, …).
    public func isValid(_ geometry: Geometry) throws -> Bool {
        let g = try make(geometry)
        switch GEOSisValid_r(handle, g.pointer) {
        case 1: return true
        case 0: return false
        default: throw takeError("validity check failed")
        }
    }

    /// Why `geometry` is invalid, e.g. "Self-intersection[110.1 39.6]"; "Valid Geometry" if it is not.
    public func validityReason(_ geometry: Geometry) throws -> String {
        let g = try make(geometry)
        guard let reason = GEOSisValidReason_r(handle, g.pointer) else { throw takeError("validity check failed") }
        defer { GEOSFree_r(handle, reason) }
        return String(cString: reason)
    }

    /// Repairs an invalid geometry with GEOS make-valid ("structure" method: rings are
    /// re-noded and their areas kept, so a bow-tie becomes two triangles, not a line).
    public func makeValid(_ geometry: Geometry) throws -> Geometry {
        let g = try make(geometry)
        guard let params = GEOSMakeValidParams_create_r(handle) else { throw takeError("make-valid failed") }
        defer { GEOSMakeValidParams_destroy_r(handle, params) }
        GEOSMakeValidParams_setMethod_r(handle, params, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(handle, params, 0)
        guard let fixed = GEOSMakeValidWithParams_r(handle, g.pointer, params) else { throw takeError("make-valid failed") }
        return try GEOSGeometryHandle(context: self, pointer: fixed).toGeometry()
    }

    /// Planar area in the units of the coordinates squared (square degrees for lon/lat;
    /// use ``Geodesic/area(of:)`` for square metres).
    public func area(_ geometry: Geometry) throws -> Double {
        let g = try make(geometry)
        var area = 0.0
        guard GEOSArea_r(handle, g.pointer, &area) == 1 else { throw takeError("area failed") }
        return area
    }

    /// Planar buffer by `distance` in the coordinates' units (metres only in a projected CRS).
    /// - Parameter quadrantSegments: segments per quarter circle (8 is GEOS's default).
    public func buffer(_ geometry: Geometry, distance: Double, quadrantSegments: Int32 = 8) throws -> Geometry {
        let g = try make(geometry)
        guard let result = GEOSBuffer_r(handle, g.pointer, distance, quadrantSegments) else { throw takeError("buffer failed") }
        return try GEOSGeometryHandle(context: self, pointer: result).toGeometry()
    }

    /// The union of all `geometries` (a cascaded unary union).
    public func union(_ geometries: [Geometry]) throws -> Geometry {
        let g = try make(.geometryCollection(geometries))
        guard let result = GEOSUnaryUnion_r(handle, g.pointer) else { throw takeError("union failed") }
        return try GEOSGeometryHandle(context: self, pointer: result).toGeometry()
    }

    /// The intersection of two geometries.
    public func intersection(_ a: Geometry, _ b: Geometry) throws -> Geometry {
        let ga = try make(a)
        let gb = try make(b)
        guard let result = GEOSIntersection_r(handle, ga.pointer, gb.pointer) else { throw takeError("intersection failed") }
        return try GEOSGeometryHandle(context: self, pointer: result).toGeometry()
    }

    /// A point guaranteed to lie inside (or on) the geometry.
    public func pointOnSurface(_ geometry: Geometry) throws -> Coordinate {
        let g = try make(geometry)
        guard let p = GEOSPointOnSurface_r(handle, g.pointer) else { throw takeError("point on surface failed") }
        let result = try GEOSGeometryHandle(context: self, pointer: p).toGeometry()
        guard case .point(let c) = result else { throw GeometryError.geos(message: "point on surface of an empty geometry") }
        return c
    }

    /// Prepares `geometry` for many repeated predicate tests against it.
    public func prepare(_ geometry: Geometry) throws -> PreparedGeometry {
        try PreparedGeometry(context: self, geometry: make(geometry))
    }
}
