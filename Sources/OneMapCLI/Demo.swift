import ArgumentParser
import Foundation
import OneMap

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a demo deployment inside a real boundary (seeded, deterministic).",
        discussion: """
            Default: Kangbashi district (康巴什区) from data/kangbashi_150603.gcj02.geojson, 4 subdistricts,
            19 communities, about 120,000 residents, 500 hazards, 8 shelters.
            For benchmark data: onemap demo --boundary data/chifeng_150400.gcj02.geojson --scale 20 \\
              --hazards 1000000 --shelters 20000 --out data/generated/chifeng.gpkg
            """)

    @Option(help: "Boundary GeoJSON; its largest polygon bounds the deployment.")
    var boundary = "data/kangbashi_150603.gcj02.geojson"

    @Option(help: "CRS of the boundary file.")
    var crs = "gcj02"

    @Option(help: "The GeoPackage to write (replaced atomically when complete).")
    var out = "data/kangbashi.gpkg"

    @Option(help: "Multiply the Kangbashi profile (residents, hazards, shelters, facilities; units by its square root).")
    var scale = 1.0

    @Option(help: "Exact number of hazards (overrides the scaled count).")
    var hazards: Int?

    @Option(help: "Exact number of shelters (overrides the scaled count).")
    var shelters: Int?

    @Option(help: "Random seed: the same seed gives the same data.")
    var seed: UInt64 = 20_251_123

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard scale > 0, scale <= 10_000 else { throw ValidationError("--scale must be in (0, 10000], got \(scale)") }
        if let hazards, hazards < 0 { throw ValidationError("--hazards must be ≥ 0") }
        if let shelters, shelters < 1 { throw ValidationError("--shelters must be ≥ 1") }
    }

    func run() throws {
        var spec = DemoSpec.kangbashi.scaled(by: scale)
        if let hazards { spec.hazards = hazards }
        if let shelters { spec.shelters = shelters }
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let line = ProgressLine(quiet: quiet)
        let started = Date()
        let counts = try DemoBuild.run(
            DemoBuild.Options(boundaryPath: boundary, boundaryCRS: try CoordinateReferenceSystem.parse(crs), output: out, spec: spec, seed: seed)
        ) { line.say($0) }
        line.finish()
        let summary = Layer.allCases.map { "\(counts[$0] ?? 0) \($0.tableName)" }.joined(separator: ", ")
        print("wrote \(out) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(summary)")
    }
}
