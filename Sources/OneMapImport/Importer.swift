import Foundation
import OneMapGeometry
import OneMapStorage

/// Loads a file into a layer of a GeoPackage, all or nothing.
///
/// Each feature is brought to WGS84, checked (valid geometry, the layer's geometry type,
/// typed values), then inserted; the whole import is one transaction, so the first bad
/// feature leaves the store as it was, and a store the import created is removed again.
public enum Importer {
    /// Source formats: OneMap's own readers for GeoJSON, CSV and GeoPackage (faster than
    /// GDAL's on them, see BENCHMARKS.md), GDAL/OGR for everything else.
    public enum Format: String, Sendable, CaseIterable {
        case geojson, csv, geopackage, ogr

        /// Extensions of formats GDAL reads that OneMap sends to it without looking.
        static let gdalExtensions: Set<String> = [
            "shp", "dbf", "shz", "kml", "kmz", "gpx", "fgb", "gml", "xml", "tab", "mif", "dxf", "pbf", "osm",
            "xlsx", "xls", "ods", "gdb", "sqlite", "topojson", "vrt", "csvt", "gmt", "mbtiles", "pmtiles",
        ]

        static func detect(_ path: String) throws -> Format {
            let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
            switch ext {
            case "geojson", "json", "geojsonl", "geojsons", "geojsonseq", "ndjson", "jsonl": return .geojson
            case "csv", "txt": return .csv
            case "gpkg": return .geopackage
            default: break
            }
            if gdalExtensions.contains(ext) { return .ogr }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return .ogr }  // a File Geodatabase, a folder of Shapefiles
            guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.source(file: path, message: "cannot open") }
            defer { try? handle.close() }
            let head = (try? handle.read(upToCount: 16)) ?? Data()
            if head.starts(with: Array("SQLite format 3".utf8)) { return .geopackage }
            if let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == 0x1E { return .geojson }
            // Anything else: GDAL if one of its drivers knows it, else CSV text.
            return (try? OGRSourceProbe.opens(path)) == true ? .ogr : .csv
        }
    }

    /// Imports `sourcePath` into the GeoPackage at `storePath` (created if missing).
    ///
    /// Every feature is read and checked. Without `skipInvalid` the first bad feature
    /// fails the import (after the rest are read, so that the error counts them all and
    /// lists every unmapped value) and the store is left as it was; with it, the good
    /// features are imported and the bad ones written with their reasons to the rejects file.
    /// - Parameter progress: called every 10,000 features and at the end.
    public static func run(
        _ sourcePath: String, into storePath: String, options: ImportOptions,
        progress: (ImportProgress) -> Void = { _ in }
    ) throws -> ImportReport {
        let existed = FileManager.default.fileExists(atPath: storePath)
        // A rejects file written by a read that finished, when what follows fails: not kept.
        var keptRejects: String?
        do {
            let store = try GeoPackage(path: storePath, mode: .create)
            return try store.write { session in
                let writer = try session.writer(for: options.layer, replacing: options.replace, bulk: true)
                var streamed = options
                streamed.rejectsPath = options.rejectsPath ?? defaultRejectsPath(store: storePath, source: sourcePath)
                var report = try stream(sourcePath, options: streamed, progress: progress) { record, location in
                    do {
                        try writer.insert(record)
                    } catch let e as StorageError {
                        throw ImportError.feature(file: sourcePath, location: location, message: "\(e)")
                    }
                } finish: {
                    try writer.finish()
                }
                keptRejects = report.rejectsPath
                // Derived fields: hazards take the grid they lie in, whichever layer came first.
                report.gridCodesDerived = switch options.layer {
                case .hazards: try session.deriveHazardGridCodes(recheck: false)
                case .grids: try session.deriveHazardGridCodes(recheck: true)
                default: 0
                }
                report.imported = writer.inserted
                return report
            }
        } catch {
            if let keptRejects { try? FileManager.default.removeItem(atPath: keptRejects) }
            if !existed { removeStoreFiles(storePath) }
            throw error
        }
    }

    /// Reads `sourcePath` as ``run(_:into:options:progress:)`` does (format, encoding, CRS,
    /// mapping, checks, repairs, rejects) and hands each good record to `insert`, in source
    /// order with where it was in the source (an error about it names that); `finish` runs after the last, before the rejects file is kept. The first bad
    /// feature (without `--skip-invalid`) fails the whole read after every feature was
    /// checked, with the summary; `options.rejectsPath` must be set. The report's
    /// `imported` counts the records handed over.
    public static func stream(
        _ sourcePath: String, options: ImportOptions, progress: (ImportProgress) -> Void = { _ in },
        insert: (LayerRecord, _ location: String) throws -> Void, finish: () throws -> Void = {}
    ) throws -> ImportReport {
        guard FileManager.default.fileExists(atPath: sourcePath) else { throw ImportError.source(file: sourcePath, message: "no such file") }
        var format = try Format.detect(sourcePath)
        if options.throughGDAL, format == .geojson || format == .csv { format = .ogr }
        // Text sources are checked (UTF-8) or converted (--encoding) before reading; errors
        // still name the file the user gave.
        var readPath = sourcePath
        if format == .geojson || format == .csv {
            if let encoding = options.encoding, encoding != .utf8 {
                readPath = try SourceEncoding.convertedCopy(of: sourcePath, from: encoding)
            } else {
                try SourceEncoding.requireUTF8(sourcePath)
            }
        }
        defer { if readPath != sourcePath { try? FileManager.default.removeItem(atPath: readPath) } }
        let source = try makeSource(readPath, format: format, options: options, reportedPath: sourcePath)
        let crs = options.crs ?? source.declaredCRS ?? .wgs84
        let transform: CoordinateTransform
        do {
            transform = try CoordinateTransform(from: crs)
        } catch {
            throw ImportError.source(file: sourcePath, message: "\(error)")
        }
        let mapper: RecordMapper
        do {
            let values = options.valueMap.mapValues { $0.mapValues { JSONValue.string($0) } }
            mapper = try RecordMapper(layer: options.layer, explicit: options.columnMap, values: values)
        } catch {
            throw ImportError.source(file: sourcePath, message: "--map: \(error)")
        }
        // A mapping from a column the source lacks is a mistake, never silently nothing.
        if let known = source.knownColumns {
            try checkMappedColumnsExist(options.columnMap, in: known, file: sourcePath)
        }
        let rejectsPath = options.rejectsPath ?? defaultRejectsPath(store: sourcePath + ".store", source: sourcePath)
        let rejects = RejectsFile(path: rejectsPath)
        do {
            var pipeline = FeaturePipeline(file: sourcePath, transform: transform, mapper: mapper, fix: options.fix)
            let stem = Self.idStem(URL(fileURLWithPath: sourcePath).deletingPathExtension().lastPathComponent)
            var ordinal = 0, handed = 0
            var failures: [ImportError] = []
            var failed = 0
            var unseen = Set(options.columnMap.keys)
            var seen: [String] = []  // property names in the order first met, for the error
            try source.forEach { item, bytesRead in
                ordinal += 1
                if !unseen.isEmpty {
                    for member in item.feature.properties where !seen.contains(member.key) {
                        seen.append(member.key)
                        unseen.remove(member.key)
                    }
                }
                do {
                    let record = try pipeline.record(for: item, fallbackID: "\(stem)-\(ordinal)")
                    // After a failure without --skip-invalid nothing will be kept: only check.
                    if failed == 0 || options.skipInvalid {
                        try insert(record, item.location)
                        handed += 1
                    }
                } catch let error as ImportError {
                    failed += 1
                    if failures.count < 5 { failures.append(error) }
                    if options.skipInvalid { try rejects.write(item, reason: error, transform: transform) }
                }
                if ordinal % 10_000 == 0 { progress(ImportProgress(features: ordinal, bytesRead: bytesRead, totalBytes: source.totalBytes)) }
            }
            if !unseen.isEmpty, source.knownColumns == nil {
                try checkMappedColumnsExist(options.columnMap, in: seen, file: sourcePath)
            }
            let unmapped = pipeline.unmapped.map { ImportReport.UnmappedCount(column: $0.key.column, property: $0.key.property, value: $0.key.value, features: $0.value) }
                .sorted { ($0.features, $1.column, $1.value) > ($1.features, $0.column, $0.value) }
            if failed > 0 && !options.skipInvalid {
                throw Self.summarised(failures[0], failed: failed, of: ordinal, unmapped: unmapped)
            }
            try finish()
            try rejects.finish()
            progress(ImportProgress(features: ordinal, bytesRead: source.totalBytes ?? 0, totalBytes: source.totalBytes))
            return ImportReport(
                layer: options.layer, imported: handed, repaired: pipeline.repaired, closedRings: pipeline.closedRings, sourceCRS: crs,
                droppedRings: pipeline.droppedRings, rejected: failed, rejectsPath: failed > 0 ? rejectsPath : nil, unmapped: unmapped,
                reader: source.readerDescription, gridCodesDerived: 0)
        } catch {
            rejects.discard()
            throw error
        }
    }

    /// The first failure, followed by how many features failed in all and every unmapped value.
    static func summarised(_ first: ImportError, failed: Int, of total: Int, unmapped: [ImportReport.UnmappedCount]) -> ImportError {
        guard failed > 1 || !unmapped.isEmpty, case .feature(let file, let location, let message) = first else { return first }
        var text = message
        if failed > 1 { text += "; \(failed) of \(total) features are invalid" }
        if !unmapped.isEmpty {
            text += "; values no vocabulary knows: " + unmapped.map(\.description).joined(separator: ", ")
            text += " (map them in a --mapping file's \"values\")"
        }
        text += "; nothing was imported (--skip-invalid imports the valid features and writes the rest to a rejects file)"
        return .feature(file: file, location: location, message: text)
    }

    /// Every `--map SOURCE=COLUMN` must name a column the source has.
    static func checkMappedColumnsExist(_ map: [String: String], in columns: [String], file: String) throws {
        for (source, target) in map.sorted(by: { $0.key < $1.key }) where !columns.contains(source) {
            let listed = columns.isEmpty ? "no properties at all" : "the columns \(columns.joined(separator: ", "))"
            throw ImportError.source(file: file, message: "--map \(source)=\(target): the source has no column \"\(source)\"; it has \(listed)")
        }
    }

    /// `<store folder>/<store name>.<source name>.rejects.geojsonl`.
    static func defaultRejectsPath(store: String, source: String) -> String {
        let storeURL = URL(fileURLWithPath: store)
        let name = storeURL.deletingPathExtension().lastPathComponent + "." + URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent + ".rejects.geojsonl"
        return storeURL.deletingLastPathComponent().appendingPathComponent(name).path
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

    static func makeSource(_ path: String, format: Format, options: ImportOptions, reportedPath: String) throws -> FeatureSource {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        switch format {
        case .geojson: return try GeoJSONSource(path: path, leniency: .init(closeRings: options.fix), totalBytes: size)
        case .csv: return CSVSource(path: path, totalBytes: size, xColumn: options.xColumn, yColumn: options.yColumn)
        case .geopackage: return try GeoPackageSource(path: path, sourceLayer: options.sourceLayer, preferred: options.layer.tableName)
        case .ogr: return try OGRSource(path: path, options: options, reportedPath: reportedPath)
        }
    }

    /// Removes a GeoPackage and its SQLite side files (journal, WAL).
    public static func removeStoreFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
