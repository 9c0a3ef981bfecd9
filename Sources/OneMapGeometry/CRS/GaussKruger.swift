import Foundation

/// The CGCS2000 Gauss–Krüger CRSs Chinese survey data comes in, and what a coordinate
/// that will not transform says about the CRS it was really written in.
///
/// EPSG numbers the zones in four runs: 6° zones 13–23 with the zone number in the false
/// easting (EPSG:4491–4501; x = zone × 1,000,000 + 500,000 + easting), the same by central
/// meridian 75°E–135°E without it (4502–4512), 3° zones 25–45 with it (4513–4533) and by
/// central meridian without it (4534–4554; EPSG:4547 is CM 114°E).
public enum GaussKruger {
    /// The EPSG code of the CGCS2000 3° zone `zone` (25…45) with the zone number in x.
    public static func threeDegreeWithZone(_ zone: Int) -> Int? { (25...45).contains(zone) ? 4513 + zone - 25 : nil }
    /// The EPSG code of the CGCS2000 3° CRS on central meridian `zone × 3` °E, x without the zone.
    public static func threeDegreeByMeridian(_ zone: Int) -> Int? { (25...45).contains(zone) ? 4534 + zone - 25 : nil }
    /// The EPSG code of the CGCS2000 6° zone `zone` (13…23) with the zone number in x.
    public static func sixDegreeWithZone(_ zone: Int) -> Int? { (13...23).contains(zone) ? 4491 + zone - 13 : nil }

    /// The CGCS2000 Gauss–Krüger codes (EPSG:4491–4554): projected, in metres.
    static func isGaussKruger(_ code: Int) -> Bool { (4491...4554).contains(code) }

    /// A coordinate in whole metres, for messages.
    private static func metres(_ v: Double) -> String { String(format: "%.0f", v) }

    /// Why `c` (as the file stores it) may not fit `declared`, in words a user can act on,
    /// or nil when the numbers suggest nothing particular.
    public static func hint(for c: Coordinate, declared: CoordinateReferenceSystem) -> String? {
        guard c.isFinite else { return nil }
        let x = c.x, y = c.y
        // Northings in China run from about 1,000 km (Hainan) to 6,000 km (Mohe).
        let northing = (1_000_000.0...6_500_000.0)
        if northing.contains(y), x >= 13_000_000, x < 46_000_000 {
            let zone = Int(x / 1_000_000)
            if let code = threeDegreeWithZone(zone) {
                let byMeridian = threeDegreeByMeridian(zone).map { ", or EPSG:\($0) once the leading \(zone) is removed from every x" } ?? ""
                return "x = \(metres(x)) starts with the Gauss–Krüger zone number \(zone): the data is CGCS2000 / 3-degree Gauss-Kruger zone \(zone), --crs EPSG:\(code)\(byMeridian)"
            }
            if let code = sixDegreeWithZone(zone) {
                return "x = \(metres(x)) starts with the Gauss–Krüger zone number \(zone): the data is CGCS2000 / Gauss-Kruger zone \(zone) (6°), --crs EPSG:\(code)"
            }
        }
        if northing.contains(x), (100_000.0...900_000.0).contains(y) {
            return "x = \(metres(x)) looks like a northing and y = \(metres(y)) like an easting: the axes are swapped (name the columns with --x-column/--y-column, or swap them in the source)"
        }
        if abs(x) <= 90, abs(y) > 90, abs(y) <= 180 {
            return "x = \(x) looks like a latitude and y = \(y) like a longitude: the axes are swapped"
        }
        if declared.isProjectedCode, abs(x) <= 180, abs(y) <= 90 {
            return "x = \(x), y = \(y) look like longitude and latitude in degrees, not metres of \(declared): leave out --crs (WGS84), or give a geographic CRS such as EPSG:4490 (CGCS2000) or gcj02"
        }
        if case .wgs84 = declared, abs(x) > 180 || abs(y) > 90 {
            return "the numbers are metres, not degrees: give the projected CRS with --crs (CGCS2000 3° Gauss–Krüger is EPSG:4534–4554 by central meridian, e.g. EPSG:4547 for 114°E)"
        }
        return nil
    }
}

extension CoordinateReferenceSystem {
    /// A CRS known to be in metres: a CGCS2000 Gauss–Krüger code, or a WKT naming a projection.
    var isProjectedCode: Bool {
        switch self {
        case .epsg(let code): GaussKruger.isGaussKruger(code)
        case .wkt(_, let definition): definition.hasPrefix("PROJCRS") || definition.hasPrefix("PROJCS")
        case .wgs84, .gcj02, .bd09: false
        }
    }
}
