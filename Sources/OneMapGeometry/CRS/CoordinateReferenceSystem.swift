/// A coordinate reference system that input data may arrive in.
///
/// OneMap stores WGS84 lon/lat. ``epsg(_:)`` covers every CRS PROJ knows (CGCS2000 is
/// EPSG:4490, its 3° Gauss–Krüger zones EPSG:4534–4554). ``gcj02`` and ``bd09`` are the
/// obfuscated systems of Chinese web maps, which PROJ refuses; OneMap implements them.
public enum CoordinateReferenceSystem: Hashable, Sendable, CustomStringConvertible {
    /// WGS84 longitude/latitude in degrees (EPSG:4326 with x = longitude, i.e. OGC:CRS84).
    case wgs84
    /// Any CRS by its EPSG code, resolved by PROJ.
    case epsg(Int)
    /// GCJ-02 ("Mars coordinates"; Amap, Tencent), lon/lat degrees.
    case gcj02
    /// BD-09 (Baidu), lon/lat degrees: GCJ-02 plus a further rotation and offset.
    case bd09
    /// A CRS a file describes without an EPSG code (an ESRI `.prj`, a GML or KML
    /// definition GDAL could not match): its WKT, which PROJ reads, and its name.
    case wkt(name: String, definition: String)

    /// Parses the forms users write: `EPSG:4547`, `4547`, `urn:ogc:def:crs:EPSG::4547`,
    /// `CRS84`, `wgs84`, `gcj02`/`gcj-02`, `bd09`/`bd-09` (case-insensitive).
    public static func parse(_ text: String) throws -> CoordinateReferenceSystem {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch t {
        case "wgs84", "wgs 84", "crs84", "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "epsg:4326", "4326",
            "urn:ogc:def:crs:epsg::4326":
            return .wgs84
        case "gcj02", "gcj-02", "gcj", "mars": return .gcj02
        case "bd09", "bd-09", "bd09ll", "baidu": return .bd09
        default: break
        }
        var digits = t
        for prefix in ["urn:ogc:def:crs:epsg::", "urn:ogc:def:crs:epsg:", "epsg::", "epsg:"] where digits.hasPrefix(prefix) {
            digits = String(digits.dropFirst(prefix.count))
            break
        }
        // "urn:ogc:def:crs:EPSG:9.1:4547" carries a version before the code.
        if let last = digits.split(separator: ":").last { digits = String(last) }
        guard let code = Int(digits), code > 0 else { throw CRSError.unrecognized(text) }
        return code == 4326 ? .wgs84 : .epsg(code)
    }

    public var description: String {
        switch self {
        case .wgs84: "EPSG:4326"
        case .epsg(let code): "EPSG:\(code)"
        case .gcj02: "GCJ-02"
        case .bd09: "BD-09"
        case .wkt(let name, _): "\"\(name)\" (the file's WKT)"
        }
    }
}

/// A CRS that cannot be used, or a coordinate it cannot place.
public enum CRSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text names no CRS form OneMap understands.
    case unrecognized(String)
    /// PROJ does not know this code.
    case unknown(String, reason: String)
    /// A coordinate outside the CRS's valid range or area of use.
    case outOfRange(Coordinate, crs: String, reason: String)

    public var description: String {
        switch self {
        case .unrecognized(let text):
            "unrecognized CRS \"\(text)\": use an EPSG code (EPSG:4547), wgs84, gcj02 or bd09"
        case .unknown(let text, let reason): "unknown CRS \(text): \(reason)"
        case .outOfRange(let c, let crs, let reason): "coordinate \(c) is outside \(crs): \(reason)"
        }
    }
}
