import OneMapGeometry
import OneMapStorage

/// What `onemap import` was asked to do.
public struct ImportOptions: Sendable {
    public var layer: Layer
    /// The source CRS; nil means WGS84, or what the source itself declares.
    public var crs: CoordinateReferenceSystem?
    /// Repair invalid geometries with GEOS make-valid (and close open rings) instead of failing.
    public var fix = false
    /// Delete the layer's features before loading (in the same transaction).
    public var replace = false
    /// Source property → column, beyond the built-in aliases.
    public var columnMap: [String: String] = [:]
    /// CSV columns holding x/longitude and y/latitude, when the names are not recognised.
    public var xColumn: String?
    public var yColumn: String?
    /// The table to read from a source GeoPackage with several feature tables.
    public var sourceLayer: String?
    /// The text encoding of a GeoJSON or CSV source; anything but UTF-8 is converted first.
    public var encoding: SourceEncoding = .utf8

    public init(layer: Layer) { self.layer = layer }
}

/// How far an import has got, for progress bars.
public struct ImportProgress: Sendable {
    public var features: Int
    public var bytesRead: Int
    /// Size of the source in bytes, when known.
    public var totalBytes: Int?
}

/// The outcome of an import.
public struct ImportReport: Sendable, Equatable {
    public var layer: Layer
    public var imported: Int
    /// Invalid geometries repaired with make-valid under `--fix`.
    public var repaired: Int
    /// Open polygon rings closed under `--fix`.
    public var closedRings: Int
    /// The CRS the source coordinates were read in.
    public var sourceCRS: CoordinateReferenceSystem
}
