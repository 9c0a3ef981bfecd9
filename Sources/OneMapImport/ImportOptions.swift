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
    /// Source property → column, beyond the built-in aliases. Each source property named
    /// here must exist in the source: a mapping that matches nothing is an error.
    public var columnMap: [String: String] = [:]
    /// Column → source value → value to store, before the column's vocabulary.
    public var valueMap: [String: [String: String]] = [:]
    /// Import the valid features and write the others, each with its reason, to
    /// ``rejectsPath`` instead of failing the whole import.
    public var skipInvalid = false
    /// Where rejected features go (newline-delimited GeoJSON); nil: beside the store,
    /// `<store>.<source>.rejects.geojsonl`.
    public var rejectsPath: String?
    /// CSV columns holding x/longitude and y/latitude, when the names are not recognised.
    public var xColumn: String?
    public var yColumn: String?
    /// The table to read from a source GeoPackage with several feature tables.
    public var sourceLayer: String?
    /// The text encoding of the source, when the user names it: a GeoJSON or CSV source
    /// in anything but UTF-8 is converted first; a Shapefile's attributes are read in it
    /// whatever its `.cpg` or language byte say. nil: UTF-8 for text formats, what the
    /// Shapefile declares or, failing that, UTF-8 or GBK as the bytes show.
    public var encoding: SourceEncoding?
    /// Read GeoJSON and CSV through GDAL too, instead of OneMap's own readers (which are
    /// faster: BENCHMARKS.md); for comparison, and for files only GDAL's readers accept.
    public var throughGDAL = false
    /// For sources read through GDAL: an OGR SQL condition on attributes (`highway IS NOT NULL`).
    public var whereClause: String?

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
    /// Rings with fewer than three distinct positions dropped under `--fix`.
    public var droppedRings = 0
    /// Features set aside under `--skip-invalid`, and the file they went to.
    public var rejected = 0
    public var rejectsPath: String?
    /// Values the layer's vocabularies did not know, most frequent first.
    public var unmapped: [UnmappedCount] = []
    /// What read the source: "GDAL ESRI Shapefile, layer x, attributes GBK (the .cpg file says 936)".
    public var reader: String
    /// Hazards whose `grid_code` was derived from the grids (see `DerivedFields`).
    public var gridCodesDerived = 0

    /// One unknown value and the number of features that carry it.
    public struct UnmappedCount: Sendable, Equatable, CustomStringConvertible {
        public var column: String
        public var property: String
        public var value: String
        public var features: Int
        public var description: String { "\(column) \"\(value)\" (property \(property)) × \(features)" }
    }
}
