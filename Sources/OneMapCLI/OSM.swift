import ArgumentParser
import Foundation
import OneMap

struct OSM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osm",
        abstract: "Build any city's one map from an OpenStreetMap extract (.osm.pbf or .osm).",
        discussion: """
            Roads (class, one-way, maxspeed), schools, hospitals, fire stations, police, pharmacies and care homes
            as facilities, assembly points, parks and squares as shelters (capacity estimated from area), fuel
            stations, storage tanks, industrial land, substations, pipelines and hazard=* as hazards (kind, level
            and impact distance from the profile), administrative boundaries, and a square lattice of grid cells
            whose residents are estimated from residential building footprints. The tags and figures are in the
            profile (config/osm-profile.json is the built-in one, --print-profile prints it; --profile reads an edited copy). The summary says what came from where.
            """)

    @Argument(help: "The OpenStreetMap extract.")
    var file: String?

    @Option(help: "The GeoPackage to write (replaced atomically when complete).")
    var out: String?

    @Flag(help: "Print the built-in tag profile (JSON) to edit, and stop.")
    var printProfile = false

    @Option(help: "A polygon file (any format GDAL reads) limiting the area; default: the roads' extent.")
    var boundary: String?

    @Option(help: "Side of a grid cell in metres (50…50,000).")
    var gridSize = 500.0

    @Option(help: "The tag profile (JSON); default: ONEMAP_OSM_PROFILE, else config/osm-profile.json here, else the built-in one.")
    var profile: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if printProfile { return }
        guard let file else { throw ValidationError("give the OpenStreetMap extract to read (e.g. data/osm/helsinki.osm.pbf)") }
        guard out != nil else { throw ValidationError("give the GeoPackage to write with --out") }
        guard (50...50_000).contains(gridSize) else { throw ValidationError("--grid-size must be in 50…50,000 m, got \(gridSize)") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such file") }
    }

    func run() throws {
        if printProfile {
            FileHandle.standardOutput.write(try OSMProfile.builtIn.json() + Data("\n".utf8))
            return
        }
        guard let file, let out else { return }  // validate() made sure of both
        var options = OSMCity.Options(input: file, output: out)
        options.boundary = boundary
        options.gridSize = gridSize
        if let chosen = Configuration.path(Defaults.osmProfile, given: profile) { options.profile = try OSMProfile.load(path: chosen) }
        let line = ProgressLine(quiet: quiet)
        let started = Date()
        let summary = try OSMCity.build(options) { line.say($0) }
        try QGISStyles.write(to: out, style: TileMaps.style(path: nil))
        line.finish()
        let counts = Layer.allCases.map { "\(summary.counts[$0] ?? 0) \($0.tableName)" }.joined(separator: ", ")
        print("wrote \(out) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(counts)")
        for text in summary.lines { print("  " + text) }
    }
}
