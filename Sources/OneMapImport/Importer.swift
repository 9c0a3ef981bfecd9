import Foundation
import OneMapGeometry
import OneMapStorage

/// Loads a file into a layer of a GeoPackage, all or nothing.
///
/// Each feature is brought to WGS84, checked (valid geometry, the layer's geometry type,
/// typed values), then inserted; the whole import is one transaction, so the first bad
/// feature leaves the store as it was, and a store the import created is removed again.
public enum Importer {
    /// Source formats, chosen by extension or, failing that, by the first bytes.
    public enum Format: String, Sendable, CaseIterable {
        case geojson, csv, geopackage

        static func detect(_ path: String) throws -> Format {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "geojson", "json", "geojsonl", "geojsons", "geojsonseq", "ndjson", "jsonl": return .geojson
            case "csv", "txt": return .csv
            case "gpkg": return .geopackage
            default: break
            }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.source(file: path, message: "cannot open") }
            defer { try? handle.close() }
            let head = (try? handle.read(upToCount: 16)) ?? Data()
            if head.starts(with: Array("SQLite format 3".utf8)) { return .geopackage }
            if let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == 0x1E { return .geojson }
            return .csv
        }
    }

    /// Imports `sourcePath` into the GeoPackage at `storePath` (created if missing).
    /// - Parameter progress: called every 10,000 features and at the end.
    public static func run(
        _ sourcePath: String, into storePath: String, options: ImportOptions,
        progress: (ImportProgress) -> Void = { _ in }
    ) throws -> ImportReport {
        guard FileManager.default.fileExists(atPath: sourcePath) else { throw ImportError.source(file: sourcePath, message: "no such file") }
        // Text sources are checked (UTF-8) or converted (--encoding) before reading; errors
        // still name the file the user gave.
        var readPath = sourcePath
        if try Format.detect(sourcePath) != .geopackage {
            if options.encoding == .utf8 {
                try SourceEncoding.requireUTF8(sourcePath)
            } else {
                readPath = try SourceEncoding.convertedCopy(of: sourcePath, from: options.encoding)
            }
        }
        defer { if readPath != sourcePath { try? FileManager.default.removeItem(atPath: readPath) } }
        let source = try makeSource(readPath, options: options)
        let crs = options.crs ?? source.declaredCRS ?? .wgs84
        let transform: CoordinateTransform
        do {
            transform = try CoordinateTransform(from: crs)
        } catch {
            throw ImportError.source(file: sourcePath, message: "\(error)")
        }
        let mapper: RecordMapper
        do {
            mapper = try RecordMapper(layer: options.layer, explicit: options.columnMap)
        } catch {
            throw ImportError.source(file: sourcePath, message: "--map: \(error)")
        }

        let existed = FileManager.default.fileExists(atPath: storePath)
        do {
            let store = try GeoPackage(path: storePath, mode: .create)
            return try store.write { session in
                let writer = try session.writer(for: options.layer, replacing: options.replace)
                var pipeline = FeaturePipeline(file: sourcePath, transform: transform, mapper: mapper, fix: options.fix)
                let stem = Self.idStem(URL(fileURLWithPath: sourcePath).deletingPathExtension().lastPathComponent)
                var ordinal = 0
                try source.forEach { item, bytesRead in
                    ordinal += 1
                    let record = try pipeline.record(for: item, fallbackID: "\(stem)-\(ordinal)")
                    do {
                        try writer.insert(record)
                    } catch let e as StorageError {
                        throw ImportError.feature(file: sourcePath, location: item.location, message: "\(e)")
                    }
                    if ordinal % 10_000 == 0 { progress(ImportProgress(features: ordinal, bytesRead: bytesRead, totalBytes: source.totalBytes)) }
                }
                try writer.finish()
                progress(ImportProgress(features: ordinal, bytesRead: source.totalBytes ?? 0, totalBytes: source.totalBytes))
                return ImportReport(layer: options.layer, imported: writer.inserted, repaired: pipeline.repaired, closedRings: pipeline.closedRings, sourceCRS: crs)
            }
        } catch {
            if !existed { removeStoreFiles(storePath) }
            throw error
        }
    }

    /// The start of the ids given to features that bring none: the file's name in ASCII
    /// letters, digits and `-` (`grids_3067.geojson` → `grids-3067`), then `-N`. Before, it
    /// was `grids_3067#12`: a `#` ends a URL's path, so `/query/grid/grids_3067#12` asked
    /// for `grids_3067`.
    static func idStem(_ name: String) -> String {
        var stem = ""
        for scalar in name.unicodeScalars {
            let keep = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-")
            if keep { stem.unicodeScalars.append(scalar) } else if !stem.isEmpty, stem.last != "-" { stem.append("-") }
        }
        while stem.last == "-" { stem.removeLast() }
        return stem.isEmpty ? "feature" : stem
    }

    static func makeSource(_ path: String, options: ImportOptions) throws -> FeatureSource {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        switch try Format.detect(path) {
        case .geojson: return try GeoJSONSource(path: path, leniency: .init(closeRings: options.fix), totalBytes: size)
        case .csv: return CSVSource(path: path, totalBytes: size, xColumn: options.xColumn, yColumn: options.yColumn)
        case .geopackage: return try GeoPackageSource(path: path, sourceLayer: options.sourceLayer, preferred: options.layer.tableName)
        }
    }

    /// Removes a GeoPackage and its SQLite side files (journal, WAL).
    public static func removeStoreFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
