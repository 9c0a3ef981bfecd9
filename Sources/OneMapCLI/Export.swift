import ArgumentParser
import Foundation
import OneMap

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a layer as GeoJSON (WGS84), streaming.")

    @Option(help: "The layer to export.")
    var layer: String

    @Option(help: "The GeoPackage to read.")
    var from = "onemap.gpkg"

    @Option(help: "geojson (a FeatureCollection) or geojsonseq (one feature per line).")
    var format = "geojson"

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    func validate() throws {
        _ = try Arguments.layer(layer)
        guard GeoJSONWriter.Format(rawValue: format) != nil else { throw ValidationError("--format takes geojson or geojsonseq, got \"\(format)\"") }
    }

    func run() throws {
        let fd: Int32
        var temporary: String?
        if let output {
            // Write beside the target and rename at the end: a failed export leaves no half file.
            temporary = output + ".partial"
            fd = open(temporary!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw FileError.cannotWrite(path: output, reason: String(cString: strerror(errno))) }
        } else {
            fd = 1
        }
        do {
            let count = try LayerExport.run(layer: try Arguments.layer(layer), from: from, format: GeoJSONWriter.Format(rawValue: format)!, to: fd, path: output ?? "-")
            if let output, let temporary {
                close(fd)
                guard rename(temporary, output) == 0 else { throw FileError.cannotWrite(path: output, reason: String(cString: strerror(errno))) }
                FileHandle.standardError.write(Data("exported \(count) features to \(output)\n".utf8))
            }
        } catch {
            if let temporary {
                close(fd)
                unlink(temporary)
            }
            throw error
        }
    }
}
