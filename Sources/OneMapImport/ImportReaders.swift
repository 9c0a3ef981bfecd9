import OneMapGeometry

/// The importer's readers on their own, without a store: what a file would import as.
/// Used by the fuzz targets (any bytes must give features or an error, never a crash)
/// and by tests.
public enum ImportReaders {
    /// The features of a CSV file as `onemap import` reads them (header, coordinate or WKT
    /// columns, RFC 4180 quoting), in order.
    public static func csvFeatures(path: String, xColumn: String? = nil, yColumn: String? = nil) throws -> [Feature] {
        var features: [Feature] = []
        try CSVSource(path: path, totalBytes: nil, xColumn: xColumn, yColumn: yColumn).forEach { item, _ in
            if let problem = item.problem { throw ImportError.feature(file: path, location: item.location, message: problem) }
            features.append(item.feature)
        }
        return features
    }
}
