import CPROJ

/// A PROJ coordinate operation between two EPSG CRSs, with x = easting/longitude and
/// y = northing/latitude whatever the CRSs' official axis order (EPSG:4326 is officially
/// lat/lon; `proj_normalize_for_visualization` swaps that back).
///
/// Holds its own PROJ context: not `Sendable`, make one per thread.
final class PROJTransformer {
    private let context: OpaquePointer
    private let operation: OpaquePointer
    /// PROJ's last log message: its errors go there, and by default to stderr.
    private let log = PROJLog()
    /// The source CRS's area of use in degrees (west, south, east, north), when PROJ knows it.
    let areaOfUse: BoundingBox?

    init(from source: String, to target: String) throws {
        guard let ctx = proj_context_create() else { throw CRSError.unknown(source, reason: "cannot create a PROJ context") }
        context = ctx
        // Capture PROJ's messages for our errors instead of letting them reach the terminal.
        proj_log_func(ctx, Unmanaged.passUnretained(log).toOpaque()) { data, _, message in
            guard let data, let message else { return }
            Unmanaged<PROJLog>.fromOpaque(data).takeUnretainedValue().last = String(cString: message)
        }
        // Ask for the CRS alone first, so that an unknown code is reported as such.
        guard let crs = proj_create(ctx, source) else {
            let reason = log.last.map { $0.replacingOccurrences(of: "proj_create: ", with: "") } ?? String(cString: proj_context_errno_string(ctx, proj_context_errno(ctx)))
            proj_context_destroy(ctx)
            throw CRSError.unknown(source, reason: reason)
        }
        var west = 0.0, south = 0.0, east = 0.0, north = 0.0
        if proj_get_area_of_use(ctx, crs, &west, &south, &east, &north, nil) == 1, west > -1000 {
            // An area crossing the antimeridian has west > east; treat it as the whole band.
            areaOfUse = west <= east ? BoundingBox(minX: west, minY: south, maxX: east, maxY: north) : BoundingBox(minX: -180, minY: south, maxX: 180, maxY: north)
        } else {
            areaOfUse = nil
        }
        proj_destroy(crs)
        guard let raw = proj_create_crs_to_crs(ctx, source, target, nil) else {
            let reason = log.last.map { $0.replacingOccurrences(of: "proj_create: ", with: "") } ?? String(cString: proj_context_errno_string(ctx, proj_context_errno(ctx)))
            proj_context_destroy(ctx)
            throw CRSError.unknown(source, reason: reason)
        }
        defer { proj_destroy(raw) }
        guard let normalized = proj_normalize_for_visualization(ctx, raw) else {
            proj_context_destroy(ctx)
            throw CRSError.unknown(source, reason: "cannot normalise axis order")
        }
        operation = normalized
    }

    deinit {
        proj_destroy(operation)
        proj_context_destroy(context)
    }

    /// Transforms one coordinate forward; non-finite output means PROJ could not place it.
    func forward(_ c: Coordinate) -> Coordinate {
        let out = proj_trans(operation, PJ_FWD, proj_coord(c.x, c.y, 0, 0))
        return Coordinate(out.xy.x, out.xy.y)
    }

    func inverse(_ c: Coordinate) -> Coordinate {
        let out = proj_trans(operation, PJ_INV, proj_coord(c.x, c.y, 0, 0))
        return Coordinate(out.xy.x, out.xy.y)
    }
}

/// Holds PROJ's last log message; the C log callback reaches it through its user-data pointer.
private final class PROJLog {
    var last: String?
}
