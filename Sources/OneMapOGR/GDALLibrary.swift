import CGDAL
import Foundation

/// GDAL's process-wide set-up, done once: every driver registered, and GDAL's own error
/// printing silenced (OneMap turns GDAL's last error message into a Swift error instead).
public enum GDALLibrary {
    private static let registered: Void = {
        // GDAL 3 reads EPSG:4326 as lat/lon unless told otherwise; OneMap reads the
        // coordinates as the file stores them and transforms with PROJ, so the
        // traditional x = longitude order is what it wants from any SRS it asks about.
        CPLSetConfigOption("OSR_DEFAULT_AXIS_MAPPING_STRATEGY", "TRADITIONAL_GIS_ORDER")
        // Keep every tag of an OSM file (other_tags as hstore text) and let the driver
        // read a layer on its own without refusing after a buffer fills.
        CPLSetConfigOption("OGR_INTERLEAVED_READING", "NO")
        // A ledger's first row is its header, even when every cell is text (GDAL would
        // otherwise guess it is data and name the columns Field1, Field2, …).
        for option in ["OGR_XLSX_HEADERS", "OGR_ODS_HEADERS", "OGR_XLS_HEADERS"] { CPLSetConfigOption(option, "FORCE") }
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
    }()

    /// Registers the drivers; cheap after the first call.
    static func ensure() { registered }

    /// Calls `body` with `options` (`NAME=VALUE`) as a GDAL string list, freed after.
    static func withOptions<T>(_ options: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> T) -> T {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for option in options { list = CSLAddString(list, option) }
        defer { CSLDestroy(list) }
        return body(list)
    }

    /// GDAL's last error message on this thread, or `fallback` when it left none.
    static func lastError(_ fallback: String) -> String {
        guard let message = CPLGetLastErrorMsg(), message.pointee != 0 else { return fallback }
        return String(cString: message)
    }

    /// The GDAL release, e.g. "3.6.2".
    public static var version: String { String(cString: GDALVersionInfo("RELEASE_NAME")) }
}

/// Why GDAL could not open, read or write a file.
public enum OGRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No driver recognises the file, or it could not be opened.
    case open(path: String, message: String)
    /// The dataset has no layer of that name.
    case noLayer(path: String, name: String, available: [String])
    /// A read or write failed part way.
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .open(let path, let message): "\(path): GDAL cannot open it: \(message)"
        case .noLayer(let path, let name, let available):
            "\(path): no layer \"\(name)\"; it has \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .io(let path, let message): "\(path): \(message)"
        }
    }
}
