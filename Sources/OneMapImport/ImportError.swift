import OneMapGeometry

/// Why an import stopped. Every case names the file; feature errors also name where in it.
public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A problem with one feature (or one CSV line) of the source.
    case feature(file: String, location: String, message: String)
    /// A problem with the source as a whole (format, missing column, unknown CRS).
    case source(file: String, message: String)

    public var description: String {
        switch self {
        case .feature(let file, let location, let message): "\(file): \(location): \(message)"
        case .source(let file, let message): "\(file): \(message)"
        }
    }
}

/// One feature read from a source, with its place there ("line 12, feature #3").
struct SourceFeature {
    var feature: Feature
    var location: String
    var closedRings = 0
    /// Why the source could not make this record a feature (its geometry is then empty):
    /// the import fails on it, or sets it aside under `--skip-invalid`.
    var problem: String?
}


/// A readable source of features, pushed one at a time so that a reader can keep its
/// own resources (a file descriptor, a database cursor) open for exactly the walk.
protocol FeatureSource {
    /// The CRS the source declares for itself, if any.
    var declaredCRS: CoordinateReferenceSystem? { get }
    var totalBytes: Int? { get }
    /// The source's attribute names when known before reading (a Shapefile's fields);
    /// nil when only the features tell (GeoJSON).
    var knownColumns: [String]? { get }
    /// What reads it, for the import's summary.
    var readerDescription: String { get }
    func forEach(_ body: (SourceFeature, _ bytesRead: Int) throws -> Void) throws
}

extension FeatureSource {
    var knownColumns: [String]? { nil }
}
