import ArgumentParser
import Foundation
import OneMap

/// `onemap risk …`: the four-colour risk map.
struct Risk: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The four-colour risk map (四色安全风险分布图).",
        subcommands: [Map.self])

    struct Map: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Colour every grid cell by the most severe open hazard in it or reaching it; print the one map as GeoJSON.")

        @Option(help: "The GeoPackage with grids and hazards.")
        var data = "onemap.gpkg"

        @Option(help: "The rules file: method and thresholds for source levels (default: config/risk-rules.json when present, else the standard rules of DOMAIN.md, which that file states).")
        var rules: String?

        func run() throws {
            let path = rules ?? (FileManager.default.fileExists(atPath: "config/risk-rules.json") ? "config/risk-rules.json" : nil)
            var loaded = RiskRules.standard
            if let path {
                do {
                    loaded = try RiskRules.load(path: path)
                } catch {
                    throw ValidationError(error.description)
                }
            }
            FileHandle.standardError.write(Data("rules: \(path ?? "standard (DOMAIN.md)")\n".utf8))
            let (features, counts) = try RiskMap.build(path: data, rules: loaded)
            try printCollection(features)
            let summary = RiskLevel.allCases.map { "\(counts[$0] ?? 0) \($0)" } + ["\(counts[nil] ?? 0) reached by no open hazard"]
            FileHandle.standardError.write(Data("grid cells: \(summary.joined(separator: ", "))\n".utf8))
        }
    }
}
