import ArgumentParser
import Foundation
import OneMap
import OneMapPostGIS

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a layer, or the one map of a stored version, as GeoPackage, Shapefile, GeoJSON, CSV, XLSX or KML, in any CRS.",
        discussion: """
            --layer risk_areas writes the one map of a stored version (--version, default the latest) with each
            area's level, colour, residents and reasons. --crs writes another CRS: an EPSG code (EPSG:4547 for
            CGCS2000 Gauss–Krüger 114°E), gcj02 for Amap and Tencent users, bd09 for Baidu's (neither has an
            EPSG code, so the file declares none). GeoJSON without -o streams to standard output.
            """)

    @Option(help: "The layer to export (\(Layer.allCases.map(\.tableName).joined(separator: ", "))), or risk_areas.")
    var layer: String

    @Option(help: "With --layer risk_areas: the stored version (default: the latest).")
    var version: Int?

    @Option(help: "The GeoPackage to read, or a PostGIS database (postgres://user@host:port/database).")
    var from = "onemap.gpkg"

    @Option(help: "\(LayerExport.Format.allCases.map(\.rawValue).joined(separator: ", ")) (default: from the output's extension, else geojson).")
    var format: String?

    @Option(help: "The CRS to write: EPSG code, wgs84 (default), gcj02 or bd09.")
    var crs = "wgs84"

    @Option(name: .shortAndLong, help: "Output file (default: standard output, GeoJSON only).")
    var output: String?

    func validate() throws {
        if layer != "risk_areas" { _ = try Arguments.layer(layer) }
        if version != nil, layer != "risk_areas" { throw ValidationError("--version goes with --layer risk_areas") }
        let chosen = try resolvedFormat()
        if output == nil, chosen != .geojson, chosen != .geojsonseq { throw ValidationError("--format \(chosen.rawValue) needs an output file: give -o FILE") }
        _ = try CoordinateReferenceSystem.parse(crs)
    }

    func resolvedFormat() throws -> LayerExport.Format {
        if let format {
            guard let f = LayerExport.Format(rawValue: format.lowercased()) else {
                throw ValidationError("--format takes \(LayerExport.Format.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(format)\"")
            }
            return f
        }
        let ext = output.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
        switch ext {
        case "geojsonl", "geojsons", "ndjson", "jsonl": return .geojsonseq
        case "json": return .geojson
        default: return LayerExport.Format(rawValue: ext) ?? .geojson
        }
    }

    func run() throws {
        let format = try resolvedFormat()
        let target = try CoordinateReferenceSystem.parse(crs)
        let source: LayerExport.Source = layer == "risk_areas" ? .riskMap(version: version) : .layer(try Arguments.layer(layer))
        if PostGISLocation.isLocation(from) {
            do { _ = try PostGISLocation(from) } catch { throw ValidationError("--from: \(error.description)") }
        }
        guard let output else {
            guard case .layer(let l) = source else {
                // Written straight to standard output: a file is staged beside its output and
                // renamed onto it, which for /dev/stdout replaced the device link (as root).
                let count = try LayerExport.runRiskMap(version: version, from: from, format: format == .geojson ? .featureCollection : .sequence, to: 1, crs: target)
                FileHandle.standardError.write(Data("exported \(count) features\n".utf8))
                return
            }
            try LayerExport.run(layer: l, from: from, format: format == .geojson ? .featureCollection : .sequence, to: 1, crs: target)
            return
        }
        let count = try LayerExport.toFile(source, from: from, format: format, crs: target, output: output)
        FileHandle.standardError.write(Data("exported \(count) features to \(output) (\(format.rawValue), \(target))\n".utf8))
    }
}
