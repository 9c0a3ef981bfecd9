import ArgumentParser
import Foundation
import OneMap
import OneMapPostGIS

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a vector file (GeoJSON, CSV, GeoPackage, Shapefile, KML, XLSX, OSM, FlatGeobuf, … anything GDAL reads) into a layer.",
        discussion: """
            The whole import is one transaction: if any feature is bad, the store is left as it was and the error
            names the first bad feature, how many are bad and every value no vocabulary knows; with --skip-invalid
            the valid features are imported and the rest written, each with its reason, to a rejects file.
            Source property names are matched to the layer's columns by name and alias (see `onemap schema`);
            --map and a --mapping file add your own, and a mapped column the source lacks is an error.
            GeoJSON, CSV and GeoPackage are read by OneMap itself, every other format through GDAL.
            """)

    @Argument(help: "The file to import (.geojson, .geojsonl/.ndjson, .csv, .gpkg, .shp, .kml/.kmz, .gpx, .fgb, .gml, .tab, .dxf, .xlsx/.ods, .osm.pbf, …).")
    var file: String

    @Option(help: "Target layer: \(Layer.allCases.map(\.tableName).joined(separator: ", ")).")
    var layer: String

    @Option(help: "Source CRS: an EPSG code (EPSG:4547), wgs84, gcj02 or bd09. Default: what the file declares, else WGS84.")
    var crs: String?

    @Option(help: "The GeoPackage to write (created if missing), or a PostGIS database made by `onemap db init` (postgres://user@host:port/database).")
    var into = "onemap.gpkg"

    @Flag(help: "Repair invalid geometries with GEOS make-valid and close open rings, reporting how many.")
    var fix = false

    @Flag(help: "Replace the layer's features instead of adding to them.")
    var replace = false

    @Option(name: .customLong("map"), help: "Map a source property to a column: SOURCE=COLUMN (repeatable).")
    var mappings: [String] = []

    @Option(help: "CSV column holding longitude or x.")
    var xColumn: String?

    @Option(help: "CSV column holding latitude or y.")
    var yColumn: String?

    @Option(help: "A mapping file (JSON) for this data source: columns, values, crs, encoding, source_layer, x_column, y_column, where. Flags win over it.")
    var mapping: String?

    @Option(help: "Text encoding: utf-8, gbk (also gb2312, cp936), gb18030, windows-1252 or iso-8859-1. GeoJSON and CSV default to UTF-8 (others are refused unless named); a Shapefile defaults to its .cpg file, its DBF language byte, else UTF-8 or GBK as its bytes show.")
    var encoding: String?

    @Option(help: "The layer (table, sheet) to read when the source has several.")
    var sourceLayer: String?

    @Option(name: .customLong("where"), help: "For files read through GDAL: an OGR SQL condition on attributes, e.g. \"highway IS NOT NULL\".")
    var whereClause: String?

    @Flag(name: .customLong("gdal"), help: "Read GeoJSON and CSV through GDAL as well (OneMap's own readers are faster; see BENCHMARKS.md).")
    var throughGDAL = false

    @Flag(help: "Import the valid features and write the invalid ones, each with its reason, to the rejects file.")
    var skipInvalid = false

    @Option(help: "Where --skip-invalid writes rejected features (newline-delimited GeoJSON). Default: beside the GeoPackage, STORE.SOURCE.rejects.geojsonl.")
    var rejects: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        _ = try Arguments.layer(layer)
        for m in mappings where m.split(separator: "=").count != 2 {
            throw ValidationError("--map takes SOURCE=COLUMN, got \"\(m)\"")
        }
    }

    func run() throws {
        var options = ImportOptions(layer: try Arguments.layer(layer))
        if let encoding {
            guard let sourceEncoding = SourceEncoding(name: encoding) else {
                throw ValidationError("--encoding: '\(encoding)' is not one of \(SourceEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.encoding = sourceEncoding
        }
        if let crs { options.crs = try CoordinateReferenceSystem.parse(crs) }
        options.fix = fix
        options.replace = replace
        options.xColumn = xColumn
        options.yColumn = yColumn
        options.sourceLayer = sourceLayer
        options.whereClause = whereClause
        options.skipInvalid = skipInvalid
        options.throughGDAL = throughGDAL
        options.rejectsPath = rejects
        for m in mappings {
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            options.columnMap[parts[0]] = parts[1]
        }
        if let mapping { try ImportMapping.load(path: mapping).applied(to: &options, file: mapping) }
        let line = ProgressLine(quiet: quiet)
        let started = Date()
        let file = file
        let progress: @Sendable (ImportProgress) -> Void = { p in
            var text = "importing \(file): \(p.features) features"
            if let total = p.totalBytes, total > 0 {
                text += ", \(formatBytes(p.bytesRead)) of \(formatBytes(total)) (\(p.bytesRead * 100 / total)%)"
            }
            line.update(text)
        }
        let report: ImportReport
        var target = into
        if PostGISLocation.isLocation(into) {
            let location: PostGISLocation
            do { location = try PostGISLocation(into) } catch { throw ValidationError("--into: \(error.description)") }
            target = location.description
            let options = options
            let done = try runAsync { try await PostGISImport.run(file, into: location, options: options, progress: progress) }
            report = done.report
            line.finish()
            print("copied into \(location) in \(String(format: "%.1f", done.copySeconds)) s (\(Int(Double(report.imported) / max(done.copySeconds, 1e-6))) features/s)")
        } else {
            report = try Importer.run(file, into: into, options: options, progress: progress)
            line.finish()
        }
        var summary = "imported \(report.imported) features into \(report.layer) of \(target) from \(report.sourceCRS) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        if report.repaired > 0 || report.closedRings > 0 || report.droppedRings > 0 {
            summary += "; repaired \(report.repaired) invalid geometries (\(report.closedRings) rings closed, \(report.droppedRings) degenerate rings dropped)"
        }
        print(summary)
        print("read by \(report.reader)")
        if report.gridCodesDerived > 0 { print("grid_code derived for \(report.gridCodesDerived) hazards from the grids they lie in") }
        if report.rejected > 0, let path = report.rejectsPath {
            print("rejected \(report.rejected) invalid features, each with its reason, into \(path)")
        }
        if !report.unmapped.isEmpty {
            print("values no vocabulary knows (map them in a --mapping file's \"values\"): " + report.unmapped.map(\.description).joined(separator: ", "))
        }
    }
}
