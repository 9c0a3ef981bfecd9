/// Converts coordinates from a source CRS to WGS84 lon/lat, checking that each one
/// lands where its CRS is valid.
///
/// Wraps a PROJ operation for EPSG codes: not `Sendable`, make one per thread.
public final class CoordinateTransform {
    public let source: CoordinateReferenceSystem
    private let proj: PROJTransformer?
    /// How far outside the source CRS's area of use a point may fall before it is
    /// refused, in degrees. Real data straddles zone edges a little; a point 5° off is
    /// a wrong CRS or swapped axes.
    public var areaOfUseMargin = 2.0

    public init(from source: CoordinateReferenceSystem) throws {
        self.source = source
        switch source {
        case .epsg(let code): proj = try PROJTransformer(from: "EPSG:\(code)", to: "EPSG:4326")
        case .wkt(_, let definition): proj = try PROJTransformer(from: definition, to: "EPSG:4326")
        case .wgs84, .gcj02, .bd09: proj = nil
        }
    }

    /// Whether this transform changes nothing (WGS84 input).
    public var isIdentity: Bool { source == .wgs84 }

    /// The coordinate in WGS84 lon/lat, or an error naming the coordinate and CRS.
    public func toWGS84(_ c: Coordinate) throws -> Coordinate {
        guard c.isFinite else { throw CRSError.outOfRange(c, crs: source.description, reason: "not a finite number") }
        let result: Coordinate
        switch source {
        case .wgs84:
            try checkLonLat(c)
            return c
        case .gcj02:
            try checkLonLat(c)
            result = ChineseOffsets.gcj02ToWGS84(c)
        case .bd09:
            try checkLonLat(c)
            result = ChineseOffsets.bd09ToWGS84(c)
        case .epsg, .wkt:
            guard let proj else { throw CRSError.unknown(source.description, reason: "no PROJ operation") }
            result = proj.forward(c)
            guard result.isFinite else {
                throw CRSError.outOfRange(c, crs: source.description, reason: "PROJ cannot transform it (\(GaussKruger.hint(for: c, declared: source) ?? "wrong CRS, or x and y swapped?"))")
            }
            if let area = proj.areaOfUse {
                let m = areaOfUseMargin
                let grown = BoundingBox(minX: area.minX - m, minY: area.minY - m, maxX: area.maxX + m, maxY: area.maxY + m)
                guard grown.contains(result) else {
                    throw CRSError.outOfRange(
                        c, crs: source.description,
                        reason: "it lands at lon \(result.x), lat \(result.y), outside the CRS's area of use \(area) (\(GaussKruger.hint(for: c, declared: source) ?? "wrong CRS, or x and y swapped?"))")
                }
            }
        }
        try checkLonLat(result)
        return result
    }

    /// The coordinate from WGS84 lon/lat into this CRS (for tests and exports).
    public func fromWGS84(_ c: Coordinate) throws -> Coordinate {
        switch source {
        case .wgs84: return c
        case .gcj02: return ChineseOffsets.wgs84ToGCJ02(c)
        case .bd09: return ChineseOffsets.wgs84ToBD09(c)
        case .epsg, .wkt:
            guard let proj else { throw CRSError.unknown(source.description, reason: "no PROJ operation") }
            let r = proj.inverse(c)
            guard r.isFinite else { throw CRSError.outOfRange(c, crs: "EPSG:4326", reason: "PROJ cannot transform it") }
            return r
        }
    }

    /// Transforms every coordinate of a geometry.
    public func toWGS84(_ geometry: Geometry) throws -> Geometry {
        isIdentity ? try geometry.mapCoordinates { try checkLonLat($0); return $0 } : try geometry.mapCoordinates(toWGS84)
    }

    private func checkLonLat(_ c: Coordinate) throws {
        guard c.x >= -180, c.x <= 180, c.y >= -90, c.y <= 90 else {
            let hint = GaussKruger.hint(for: c, declared: source) ?? "x and y swapped?"
            throw CRSError.outOfRange(c, crs: source.description, reason: "longitude must be in [-180, 180] and latitude in [-90, 90] (\(hint))")
        }
    }
}
