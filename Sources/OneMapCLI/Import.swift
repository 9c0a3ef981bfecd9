import ArgumentParser
import Foundation
import OneMap

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load GeoJSON, GeoJSON sequences, CSV or another GeoPackage's layer into a layer.",
        discussion: """
            The whole import is one transaction: if any feature is bad, the store is left as it was.
            Source property names are matched to the layer's columns by name and alias (see `onemap schema`).
            """)

    @Argument(help: "The file to import (.geojson, .geojsonl/.ndjson, .csv, .gpkg).")
    var file: String

    @Option(help: "Target layer: \(Layer.allCases.map(\.tableName).joined(separator: ", ")).")
    var layer: String

    @Option(help: "Source CRS: an EPSG code (EPSG:4547), wgs84, gcj02 or bd09. Default: what the file declares, else WGS84.")
    var crs: String?

    @Option(help: "The GeoPackage to write (created if missing).")
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

    @Option(help: "Text encoding of a GeoJSON or CSV source: utf-8 (default), gbk (also gb2312) or gb18030. A source that is not UTF-8 is refused unless this names its encoding.")
    var encoding = "utf-8"
    @Option(help: "Table to read when the source GeoPackage has several.")
    var sourceLayer: String?

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
        guard let sourceEncoding = SourceEncoding(name: encoding) else {
            throw ValidationError("--encoding: '\(encoding)' is not utf-8, gbk or gb18030")
        }
        options.encoding = sourceEncoding
        if let crs { options.crs = try CoordinateReferenceSystem.parse(crs) }
        options.fix = fix
        options.replace = replace
        options.xColumn = xColumn
        options.yColumn = yColumn
        options.sourceLayer = sourceLayer
        for m in mappings {
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            options.columnMap[parts[0]] = parts[1]
        }
        let line = ProgressLine(quiet: quiet)
        let started = Date()
        let report = try Importer.run(file, into: into, options: options) { p in
            var text = "importing \(file): \(p.features) features"
            if let total = p.totalBytes, total > 0 {
                text += ", \(formatBytes(p.bytesRead)) of \(formatBytes(total)) (\(p.bytesRead * 100 / total)%)"
            }
            line.update(text)
        }
        line.finish()
        var summary = "imported \(report.imported) features into \(report.layer) of \(into) from \(report.sourceCRS) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        if report.repaired > 0 || report.closedRings > 0 {
            summary += "; repaired \(report.repaired) invalid geometries (\(report.closedRings) rings closed)"
        }
        print(summary)
    }
}
