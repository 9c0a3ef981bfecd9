import Foundation
import OneMapGeometry
import OneMapOGR
import OneMapStorage

/// Every format OneMap does not read itself, through GDAL/OGR: Shapefile, KML/KMZ, GPX,
/// FlatGeobuf, GML, MapInfo, DXF, OSM PBF, XLSX/ODS workbooks, …
///
/// - Text: GDAL gives UTF-8 for every format but the Shapefile, whose attributes are read
///   as raw bytes and decoded here, in the encoding `--encoding` names, else the `.cpg`
///   file's, else the DBF language byte's, else UTF-8 when the bytes are UTF-8 and GBK
///   when they decode as GBK. A value that is not valid in that encoding is an error
///   naming the feature, never U+FFFD.
/// - Geometry: a layer without one (a workbook sheet) takes points from longitude and
///   latitude columns, found by the names CSV uses (经度/纬度, lon/lat, x/y, …).
/// - OSM: the driver's `other_tags` (hstore text) become properties of their own.
final class OGRSource: FeatureSource {
    let path: String
    let totalBytes: Int?
    let declaredCRS: CoordinateReferenceSystem?
    /// The attribute names, decoded.
    let fieldNames: [String]
    /// The layer read, and the driver that read it, for reports.
    let layerName: String
    let driverName: String
    /// The encoding attribute text is decoded with, and why.
    let encoding: SourceEncoding
    let encodingReason: String
    private let dataset: OGRDataset
    private let layer: OGRLayer
    private let xIndex: Int?
    private let yIndex: Int?
    private let otherTagsIndex: Int?
    /// Fields GDAL adds for a format's own presentation (KML's tessellate, extrude, …), left out.
    private let presentation: Set<Int>

    /// The fields LIBKML adds to every placemark for drawing it in Google Earth.
    static let kmlPresentationFields: Set<String> = ["tessellate", "extrude", "visibility", "drawOrder", "icon", "altitudeMode", "begin", "end", "timestamp", "snippet"]

    init(path: String, options: ImportOptions, reportedPath: String) throws {
        self.path = reportedPath
        totalBytes = nil
        let isShapefile = ["shp", "dbf"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
        // Empty ENCODING: the Shapefile driver hands over the DBF bytes unconverted.
        let openOptions = isShapefile ? ["ENCODING="] : []
        do {
            dataset = try OGRDataset(path: path, openOptions: openOptions)
        } catch let e as OGRError {
            throw ImportError.source(file: reportedPath, message: "\(Self.strip(e, reportedPath)) (OneMap reads GeoJSON, CSV and GeoPackage itself and every vector format GDAL \(GDALLibrary.version) reads)")
        }
        driverName = dataset.driverName
        let names = dataset.layerNames
        let chosen: String
        if let wanted = options.sourceLayer {
            guard names.contains(wanted) else {
                throw ImportError.source(file: reportedPath, message: "no layer \"\(wanted)\" (--source-layer); it has \(names.joined(separator: ", "))")
            }
            chosen = wanted
        } else if names.count == 1 {
            chosen = names[0]
        } else if let preferred = Self.preferredLayer(names, target: options.layer, driver: driverName) {
            chosen = preferred
        } else {
            throw ImportError.source(file: reportedPath, message: "\(names.count) layers (\(names.joined(separator: ", "))); choose one with --source-layer")
        }
        layerName = chosen
        layer = try dataset.layer(named: chosen)
        if let condition = options.whereClause {
            do {
                try layer.setAttributeFilter(condition)
            } catch let e as OGRError {
                throw ImportError.source(file: reportedPath, message: "--where: \(Self.strip(e, path))")
            }
        }

        // The attribute encoding.
        let rawNames = layer.fields.map(\.rawName)
        if !isShapefile {
            encoding = options.encoding ?? .utf8
            encodingReason = options.encoding == nil ? "UTF-8, as GDAL gives every \(driverName) file" : "--encoding"
        } else if let given = options.encoding {
            (encoding, encodingReason) = (given, "--encoding")
        } else {
            (encoding, encodingReason) = try ShapefileEncoding.detect(path: path, reportedPath: reportedPath, sample: rawNames)
        }
        let (nameEncoding, nameReason) = isShapefile ? (encoding, encodingReason) : (SourceEncoding.utf8, "UTF-8")
        let fieldNames = try rawNames.enumerated().map { i, raw in
            // A DBF field name has at most 10 bytes: GDAL cuts longer UTF-8 names there,
            // often inside a character (风险等级 is 12 bytes). Drop the cut character's
            // leading bytes rather than refuse the file or print U+FFFD.
            let cut = (0...min(3, raw.count)).lazy.compactMap { nameEncoding.decode(Array(raw.dropLast($0))) }.first
            guard let name = isShapefile ? cut : nameEncoding.decode(raw) else {
                throw ImportError.source(file: reportedPath, message: "the name of field \(i + 1) is not valid \(nameEncoding.iconvName) (\(nameReason)); give --encoding")
            }
            return name
        }
        self.fieldNames = fieldNames
        otherTagsIndex = driverName == "OSM" ? fieldNames.firstIndex(of: "other_tags") : nil
        presentation = ["KML", "LIBKML"].contains(driverName) ? Set(fieldNames.indices.filter { Self.kmlPresentationFields.contains(fieldNames[$0]) }) : []

        if layer.hasGeometry {
            (xIndex, yIndex) = (nil, nil)
        } else {
            func find(_ explicit: String?, _ candidates: [String], option: String) throws -> Int? {
                if let explicit {
                    guard let i = fieldNames.firstIndex(of: explicit) else {
                        throw ImportError.source(file: reportedPath, message: "no column \"\(explicit)\" (\(option)); layer \(chosen) has \(fieldNames.joined(separator: ", "))")
                    }
                    return i
                }
                return fieldNames.firstIndex { candidates.contains($0.lowercased()) }
            }
            xIndex = try find(options.xColumn, CSVSource.xNames, option: "--x-column")
            yIndex = try find(options.yColumn, CSVSource.yNames, option: "--y-column")
            guard xIndex != nil, yIndex != nil else {
                let missing = xIndex == nil ? "longitude/x (looked for \(CSVSource.xNames.joined(separator: ", ")))" : "latitude/y (looked for \(CSVSource.yNames.joined(separator: ", ")))"
                throw ImportError.source(file: reportedPath, message: "layer \(chosen) has no geometry and no \(missing) column; its columns are \(fieldNames.joined(separator: ", ")); name them with --x-column and --y-column")
            }
        }

        switch layer.declaredCRS {
        case .none: declaredCRS = nil
        case .epsg(let code)?: declaredCRS = code == 4326 ? CoordinateReferenceSystem.wgs84 : .epsg(code)
        case .wkt(let name, let definition)?: declaredCRS = CoordinateReferenceSystem.wkt(name: name, definition: definition)
        }
    }

    var readerDescription: String { "GDAL \(GDALLibrary.version) \(driverName), layer \(layerName), text \(encoding.iconvName) (\(encodingReason))" }

    /// The source columns, known before reading.
    var knownColumns: [String]? {
        // OSM tags outside the driver's columns arrive per feature: only the features tell.
        if otherTagsIndex != nil { return nil }
        return fieldNames.enumerated().filter { !presentation.contains($0.offset) }.map(\.element)
    }

    /// GDAL's message with the path it repeats taken off (the import error names the file).
    private static func strip(_ error: OGRError, _ path: String) -> String {
        let text = "\(error)"
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }

    /// The layer to read when the user did not say: one named like the target layer, or
    /// for an OSM extract the lines for roads and the points otherwise.
    static func preferredLayer(_ names: [String], target: Layer, driver: String) -> String? {
        if names.contains(target.tableName) { return target.tableName }
        guard driver == "OSM" else { return nil }
        switch target {
        case .roads: return "lines"
        case .grids, .adminUnits: return "multipolygons"
        default: return "points"
        }
    }

    func forEach(_ body: (SourceFeature, Int) throws -> Void) throws {
        var ordinal = 0
        do {
            try layer.forEach { record in
                ordinal += 1
                let location = "layer \(layerName), feature #\(ordinal) (fid \(record.fid))"
                func fail(_ message: String) -> ImportError { .feature(file: path, location: location, message: message) }
                var properties: [JSONMember] = []
                properties.reserveCapacity(fieldNames.count)
                var x: Double?
                var y: Double?
                var id: String?
                var problem: String?
                for (i, value) in record.values.enumerated() {
                    if presentation.contains(i) { continue }
                    let json: JSONValue
                    switch value {
                    // An unset field is no property at all, as in GeoJSON without the member.
                    case .null: continue
                    case .integer(let n): json = .number(Double(n))
                    case .real(let d): json = .number(d)
                    case .text(let bytes):
                        guard let text = encoding.decode(bytes) else {
                            problem = problem ?? "field \(fieldNames[i]) is not valid \(encoding.iconvName) (\(encodingReason)); give --encoding with the file's encoding"
                            continue
                        }
                        json = .string(text)
                    }
                    if i == xIndex { x = json.numberValue ?? json.stringValue.flatMap { DecimalText.number($0.trimmingCharacters(in: .whitespaces)) }; continue }
                    if i == yIndex { y = json.numberValue ?? json.stringValue.flatMap { DecimalText.number($0.trimmingCharacters(in: .whitespaces)) }; continue }
                    if i == otherTagsIndex {
                        if case .string(let text) = json { properties.append(contentsOf: OSMTags.parse(text).map { JSONMember($0.key, .string($0.value)) }) }
                        continue
                    }
                    if fieldNames[i] == "id", let text = json.identifierText { id = text; continue }
                    properties.append(JSONMember(fieldNames[i], json))
                }
                // A row that cannot make a feature goes on with its problem (see SourceFeature).
                var geometry = Geometry.geometryCollection([])
                if layer.hasGeometry {
                    if let g = record.geometry { geometry = g } else { problem = problem ?? "the feature has no geometry" }
                } else if let x, let y {
                    geometry = .point(Coordinate(x, y))
                } else {
                    problem = problem ?? "no coordinates: \(fieldNames[xIndex ?? 0]) and \(fieldNames[yIndex ?? 0]) must both be numbers"
                }
                try body(SourceFeature(feature: Feature(id: id, geometry: geometry, properties: properties), location: location, problem: problem), 0)
            }
        } catch let e as OGRError {
            throw ImportError.source(file: path, message: Self.strip(e, path))
        } catch let e as GeometryError {
            throw ImportError.feature(file: path, location: "layer \(layerName), feature #\(ordinal + 1)", message: "\(e)")
        }
    }
}

/// Whether a GDAL vector driver opens a file (for files whose extension says nothing).
enum OGRSourceProbe {
    static func opens(_ path: String) throws -> Bool {
        _ = try OGRDataset(path: path)
        return true
    }
}
