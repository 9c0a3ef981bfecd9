import Foundation

/// Writes a layer of a GeoPackage as GeoJSON, streaming (one feature in memory at a time).
public enum LayerExport {
    /// - Returns: the number of features written.
    @discardableResult
    public static func run(layer: Layer, from storePath: String, format: GeoJSONWriter.Format, to fileDescriptor: Int32, path: String = "-") throws -> Int {
        let store = try GeoPackage(path: storePath, mode: .readOnly)
        let writer = GeoJSONWriter(fileDescriptor: fileDescriptor, format: format, path: path)
        var count = 0
        try store.read { session in
            try session.forEachRecord(in: layer) { record in
                try writer.write(record.feature(in: layer))
                count += 1
            }
        }
        try writer.finish()
        return count
    }
}
