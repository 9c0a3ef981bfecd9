import Foundation
import OneMapGeometry

/// The features an import set aside under `--skip-invalid`, as newline-delimited GeoJSON
/// (GDAL's GeoJSONSeq, QGIS opens it): each the source feature as read, in WGS84 where
/// its coordinates could be transformed (else without geometry), with two more
/// properties: `onemap_reject_reason` and `onemap_reject_location`. Fix them and import
/// the file again.
final class RejectsFile {
    let path: String
    private var fd: Int32 = -1
    private var writer: GeoJSONWriter?

    init(path: String) { self.path = path }

    func write(_ item: SourceFeature, reason: ImportError, transform: CoordinateTransform) throws {
        if writer == nil {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                throw ImportError.source(file: path, message: "cannot write the rejects file: \(String(cString: strerror(errno)))")
            }
            writer = GeoJSONWriter(fileDescriptor: fd, format: .sequence, path: path)
        }
        var feature = item.feature
        let message: String
        switch reason {
        case .feature(_, _, let m): message = m
        case .source(_, let m): message = m
        }
        feature.properties.append(JSONMember("onemap_reject_reason", .string(message)))
        feature.properties.append(JSONMember("onemap_reject_location", .string(item.location)))
        // Keep the geometry only where it is WGS84 (RFC 7946): transformed, or left out.
        if let wgs84 = try? transform.toWGS84(feature.geometry) {
            feature.geometry = wgs84
        } else {
            feature.geometry = .geometryCollection([])
        }
        try writer?.write(feature)
    }

    /// Flushes and closes the file, if any feature was rejected.
    func finish() throws {
        defer { closeFile() }
        try writer?.finish()
    }

    /// Removes the file: the import failed and kept nothing.
    func discard() {
        let had = writer != nil
        closeFile()
        if had { try? FileManager.default.removeItem(atPath: path) }
    }

    private func closeFile() {
        if fd >= 0 { close(fd) }
        fd = -1
        writer = nil
    }
}
