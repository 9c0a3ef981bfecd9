import Foundation
import OneMapOGR

/// Writes a layer, or the risk map of a stored version, to the formats people use:
/// GeoPackage, Shapefile, GeoJSON (a collection or a sequence), CSV, XLSX, KML; in WGS84
/// or any `--crs` (CGCS2000 Gauss–Krüger, GCJ-02 for Amap users, BD-09 for Baidu's).
/// GeoJSON is written by OneMap's own streaming writer, every other format through GDAL.
public enum LayerExport {
    public enum Format: String, Sendable, CaseIterable {
        case gpkg, shp, geojson, geojsonseq, csv, xlsx, kml

        var driver: String {
            switch self {
            case .gpkg: "GPKG"
            case .shp: "ESRI Shapefile"
            case .geojson, .geojsonseq: "GeoJSON"
            case .csv: "CSV"
            case .xlsx: "XLSX"
            case .kml: "LIBKML"
            }
        }
    }

    /// What to export: a layer, or the one map of a stored version (the latest when nil).
    public enum Source: Sendable, Equatable {
        case layer(Layer)
        case riskMap(version: Int?)
    }

    /// Why an export cannot be written as asked.
    public enum ExportError: Error, Equatable, CustomStringConvertible {
        case mixedGeometry(layer: String, types: [String])
        case kmlIsWGS84(String)
        /// The output exists and is not a plain file (a device such as /dev/stdout, a link):
        /// the export is renamed onto its output, which would replace it.
        case notAFile(String)

        public var description: String {
            switch self {
            case .mixedGeometry(let layer, let types):
                "a Shapefile holds one geometry type and \(layer) has \(types.joined(separator: ", ")): export it as gpkg, geojson or kml"
            case .kmlIsWGS84(let crs): "KML is WGS84 by definition; --crs \(crs) cannot be written as KML"
            case .notAFile(let path): "\(path) is not a plain file (a device or a link) and would be replaced; leave out -o to write GeoJSON to standard output"
            }
        }
    }

    /// Streams a layer of the store `storePath` names (a GeoPackage or a `postgres://`
    /// database) as GeoJSON to a file descriptor (standard output included).
    /// - Returns: the number of features written.
    @discardableResult
    public static func run(layer: Layer, from storePath: String, format: GeoJSONWriter.Format, to fileDescriptor: Int32, path: String = "-",
                           crs: CoordinateReferenceSystem = .wgs84) throws -> Int {
        let store = try Stores.openForReading(storePath)
        return try run(layer: layer, records: { body in try store.forEachRecord(in: layer, body) },
                       format: format, to: fileDescriptor, path: path, crs: crs)
    }

    /// Streams stored version `version` of the risk map (the latest when nil) as GeoJSON to a
    /// file descriptor (standard output included).
    @discardableResult
    public static func runRiskMap(version number: Int?, from storePath: String, format: GeoJSONWriter.Format, to fileDescriptor: Int32,
                                  path: String = "-", crs: CoordinateReferenceSystem = .wgs84) throws -> Int {
        let store = try Stores.openForReading(storePath)
        let version = try RiskVersionStore.version(number, in: store)
        let features = RiskMap.features(of: try RiskVersionStore.areas(of: version, in: store), unit: version.unit)
        let output = try FeatureOutput(fileDescriptor: fileDescriptor, format: format, path: path, crs: crs)
        for feature in features { try output.write(feature) }
        return try output.finish()
    }

    private static func run(layer: Layer, records stream: ((LayerRecord) throws -> Void) throws -> Void, format: GeoJSONWriter.Format,
                            to fileDescriptor: Int32, path: String, crs: CoordinateReferenceSystem) throws -> Int {
        let output = try FeatureOutput(fileDescriptor: fileDescriptor, format: format, path: path, crs: crs)
        try stream { try output.write($0.feature(in: layer)) }
        return try output.finish()
    }

    /// GeoJSON to a file descriptor, in `crs`, counted.
    private final class FeatureOutput {
        let writer: GeoJSONWriter
        let transform: CoordinateTransform
        let crs: CoordinateReferenceSystem
        var count = 0

        init(fileDescriptor: Int32, format: GeoJSONWriter.Format, path: String, crs: CoordinateReferenceSystem) throws {
            writer = GeoJSONWriter(fileDescriptor: fileDescriptor, format: format, path: path)
            transform = try CoordinateTransform(from: crs)
            self.crs = crs
        }

        func write(_ feature: Feature) throws {
            var feature = feature
            if crs != .wgs84 { feature.geometry = try feature.geometry.mapCoordinates(transform.fromWGS84) }
            try writer.write(feature)
            count += 1
        }

        func finish() throws -> Int {
            try writer.finish()
            return count
        }
    }

    /// Writes `source` of the store `storePath` names (a GeoPackage or a `postgres://`
    /// database) to `output` in `format` and `crs`.
    /// The file appears complete or not at all (written in a hidden folder beside it, then
    /// moved, sidecar files included). Returns the number of features written.
    @discardableResult
    public static func toFile(_ source: Source, from storePath: String, format: Format, crs: CoordinateReferenceSystem = .wgs84, output: String) throws -> Int {
        if format == .kml, crs != .wgs84 { throw ExportError.kmlIsWGS84(crs.description) }
        if let type = (try? FileManager.default.attributesOfItem(atPath: output))?[.type] as? FileAttributeType, type != .typeRegular {
            throw ExportError.notAFile(output)
        }
        let name: String
        let stream: ((Feature) throws -> Void) throws -> Void
        switch source {
        case .layer(let layer):
            let store = try Stores.openForReading(storePath)
            name = layer.tableName
            stream = { body in try store.forEachRecord(in: layer) { try body($0.feature(in: layer)) } }
        case .riskMap(let number):
            let store = try Stores.openForReading(storePath)
            let version = try RiskVersionStore.version(number, in: store)
            let features = RiskMap.features(of: try RiskVersionStore.areas(of: version, in: store), unit: version.unit)
            name = "risk_map_v\(version.number)"
            stream = { body in try features.forEach(body) }
        }
        let outputURL = URL(fileURLWithPath: output)
        let staging = outputURL.deletingLastPathComponent().appendingPathComponent(".onemap-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let staged = staging.appendingPathComponent(outputURL.lastPathComponent).path
        let transform = try CoordinateTransform(from: crs)
        func projected(_ g: Geometry) throws -> Geometry { crs == .wgs84 ? g : try g.mapCoordinates(transform.fromWGS84) }

        let count: Int
        switch format {
        case .geojson, .geojsonseq:
            let fd = open(staged, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw FileError.cannotWrite(path: output, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            let writer = GeoJSONWriter(fileDescriptor: fd, format: format == .geojson ? .featureCollection : .sequence, path: output)
            var n = 0
            try stream { feature in
                var f = feature
                f.geometry = try projected(f.geometry)
                try writer.write(f)
                n += 1
            }
            try writer.finish()
            count = n
        default:
            count = try writeThroughGDAL(stream, name: name, format: format, crs: crs, transform: transform, staged: staged)
        }
        // Move every file written (a Shapefile's .shp, .shx, .dbf, .prj, .cpg) beside the output.
        for file in try FileManager.default.contentsOfDirectory(atPath: staging.path) {
            let target = outputURL.deletingLastPathComponent().appendingPathComponent(file).path
            try? FileManager.default.removeItem(atPath: target)
            guard rename(staging.appendingPathComponent(file).path, target) == 0 else {
                throw FileError.cannotWrite(path: target, reason: String(cString: strerror(errno)))
            }
        }
        return count
    }

    /// Two passes: the columns and geometry types first (GDAL fixes a layer's schema
    /// before its first feature), then the features.
    private static func writeThroughGDAL(_ stream: ((Feature) throws -> Void) throws -> Void, name: String, format: Format, crs: CoordinateReferenceSystem,
                                         transform: CoordinateTransform, staged: String) throws -> Int {
        var columns: [String] = ["id"]
        var kinds: [String: OGRFieldKind] = ["id": .text]
        var types: [String] = []
        try stream { feature in
            if !types.contains(feature.geometry.typeName) { types.append(feature.geometry.typeName) }
            for member in feature.properties {
                let kind = Self.kind(member.value)
                if let known = kinds[member.key] {
                    if known != kind && kind != .other { kinds[member.key] = known == .integer && kind == .real ? .real : (known == .other ? kind : .text) }
                } else {
                    columns.append(member.key)
                    kinds[member.key] = kind
                }
            }
        }
        // A polygon layer holds Polygons and MultiPolygons alike in every format; a Shapefile
        // cannot mix points, lines and polygons.
        let families = Set(types.map { $0.replacingOccurrences(of: "Multi", with: "") })
        if format == .shp, families.count > 1 { throw ExportError.mixedGeometry(layer: name, types: types) }
        let allPoints = families == ["Point"]
        var fields = columns.map { OGRWriter.Field($0, kinds[$0] == .other ? .text : kinds[$0] ?? .text) }
        // A workbook has no geometry: each feature's point (a line's or area's point on its surface).
        let xy = format == .xlsx
        if xy { fields += [OGRWriter.Field(crs == .wgs84 ? "longitude" : "x", .real), OGRWriter.Field(crs == .wgs84 ? "latitude" : "y", .real)] }
        let declared: OGRWriter.DeclaredCRS = switch crs {
        case .wgs84: .epsg(4326)
        case .epsg(let code): .epsg(code)
        case .gcj02, .bd09, .wkt: .none
        }
        var layerOptions: [String] = []
        switch format {
        case .shp: layerOptions = ["ENCODING=UTF-8"]
        case .csv: layerOptions = [allPoints ? "GEOMETRY=AS_XY" : "GEOMETRY=AS_WKT"]
        default: break
        }
        let writer = try OGRWriter(path: staged, driver: format.driver, layerName: name, crs: declared, geometry: !xy, fields: fields, layerOptions: layerOptions)
        let index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        let geos = GEOSContext()
        try stream { feature in
            var values = [OGRValue](repeating: .null, count: fields.count)
            if let id = feature.id { values[0] = .text(Array(id.utf8)) }
            for member in feature.properties {
                guard let i = index[member.key] else { continue }
                values[i] = Self.value(member.value, as: fields[i].kind)
            }
            let geometry = crs == .wgs84 ? feature.geometry : try feature.geometry.mapCoordinates(transform.fromWGS84)
            if xy {
                let point: Coordinate
                if case .point(let c) = geometry { point = c } else { point = try geos.pointOnSurface(geometry) }
                values[columns.count] = .real(point.x)
                values[columns.count + 1] = .real(point.y)
                try writer.write(nil, values)
            } else {
                try writer.write(geometry, values)
            }
        }
        try writer.finish()
        return writer.written
    }

    private static func kind(_ value: JSONValue) -> OGRFieldKind {
        switch value {
        case .number(let n): n == n.rounded() && abs(n) < 9e15 ? .integer : .real
        case .bool: .integer
        case .string: .text
        case .null: .other
        default: .text
        }
    }

    private static func value(_ value: JSONValue, as kind: OGRFieldKind) -> OGRValue {
        switch (value, kind) {
        case (.null, _): .null
        case (.number(let n), .integer) where n == n.rounded() && abs(n) < 9e15: .integer(Int64(n))
        case (.number(let n), .real): .real(n)
        case (.bool(let b), .integer): .integer(b ? 1 : 0)
        case (.string(let s), _): .text(Array(s.utf8))
        default: .text(Array(JSONWriter.string(value).utf8))
        }
    }
}
