import ArgumentParser
import Foundation
import OneMap

/// `onemap risk …`: the four-colour risk map and its versions.
struct Risk: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The four-colour risk map (四色安全风险分布图): build, versions, diff, statistics, legend.",
        subcommands: [Map.self, Build.self, Versions.self, Diff.self, Stats.self, Legend.self])

    /// Where the map comes from and how it is coloured.
    struct Making: ParsableArguments {
        @Option(help: "The GeoPackage with the areas and hazards, or a postgres:// database made by onemap db init.")
        var data = "onemap.gpkg"

        @Option(help: "The rules file: source method and thresholds, area rule (default: ONEMAP_RULES, else config/risk-rules.json here, else the built-in DOMAIN.md rules).")
        var rules: String?

        @Option(help: "What to colour: grids, or an admin level (district, subdistrict, community, …).")
        var unit = "grids"

        func loadRules() throws -> RiskRules {
            do {
                let (rules, origin) = try RiskMap.rules(path: rules)
                FileHandle.standardError.write(Data("rules: \(origin) (area rule \(rules.areaRule.rawValue))\n".utf8))
                return rules
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    struct Map: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the one map as GeoJSON: every area with level, colour and the sources behind its colour (built now, or a stored --version).")

        @OptionGroup var making: Making
        @Option(help: "Print this stored version instead of building the map now.")
        var version: Int?

        func run() throws {
            if let version {
                let store = try Stores.openForReading(making.data)
                let stored = try RiskVersionStore.version(version, in: store)
                try printCollection(RiskMap.features(of: try RiskVersionStore.areas(of: stored, in: store), unit: stored.unit))
                return
            }
            let progress = SharedProgress(quiet: false)
            let (_, model) = try RiskMap.build(path: making.data, rules: try making.loadRules(), unit: AreaUnit(parsing: making.unit)) { done, all in
                progress.update("assessing hazards: \(done) / \(all)")
            }
            progress.finish()
            try printCollection(model.features())
            FileHandle.standardError.write(Data("\(summary(model))\n".utf8))
        }
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the one map and store it in the GeoPackage as a new version (layer risk_areas, table risk_versions).")

        @OptionGroup var making: Making
        @Option(help: "A note stored with the version (why it was built).")
        var note: String?

        func run() throws {
            let progress = SharedProgress(quiet: false)
            let rules = try making.loadRules(), unit = AreaUnit(parsing: making.unit)
            var started = Date()
            progress.update("loading \(making.data)")
            let snapshot = try RiskMap.load(path: making.data, unit: unit)
            let loaded = Date().timeIntervalSince(started)
            started = Date()
            let model = try RiskModel.build(snapshot, rules: rules, unit: unit) { done, all in
                progress.update("assessing hazards: \(done) / \(all)")
            }
            let assessed = Date().timeIntervalSince(started)
            started = Date()
            let version = try RiskMap.save(model, hazards: try snapshot.allFeatures(.hazards), path: making.data, note: note)
            progress.finish()
            print("version \(version.number) of \(making.data), \(version.createdAt)")
            print(summary(model))
            if !model.summary.unassessed.isEmpty {
                print("\(model.summary.unassessed.count) hazards have no level under these rules and colour nothing, e.g. \(model.summary.unassessed.prefix(5).joined(separator: ", "))")
            }
            print(String(format: "loaded in %.2f s, assessed in %.2f s, stored in %.2f s", loaded, assessed, Date().timeIntervalSince(started)))
        }
    }

    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored versions of the one map.")

        @Option(help: "The GeoPackage, or a postgres:// database made by onemap db init.")
        var data = "onemap.gpkg"

        func run() throws {
            let store = try Stores.openForReading(data)
            let versions = try RiskVersionStore.list(in: store)
            guard !versions.isEmpty else { throw RiskVersionError.noVersions(path: data) }
            for v in versions {
                print("\(v.number)\t\(v.createdAt)\t\(v.unit)\t\(v.rule.rawValue)\t\(v.inputs)\(v.note.map { "\t\($0)" } ?? "")")
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which areas changed colour between two versions, and why (the sources that came and went).")

        @Option(help: "The GeoPackage, or a postgres:// database made by onemap db init.")
        var data = "onemap.gpkg"
        @Argument(help: "The earlier version.") var from: Int
        @Argument(help: "The later version.") var to: Int
        @Option(help: "geojson (the changed areas as features) or text (one line per area).")
        var format: OutputFormat = .text

        func run() throws {
            let store = try Stores.openForReading(data)
            let changes = try RiskVersionStore.diff(from: from, to: to, in: store)
            switch format {
            case .geojson, .json: try printCollection(RiskMap.features(of: changes))
            case .text:
                for change in changes {
                    let name = change.area.name.map { " \($0)" } ?? ""
                    func colour(_ level: RiskLevel?) -> String { level?.description ?? "none" }
                    var line = "\(change.area.id)\(name): \(colour(change.from)) → \(colour(change.to))"
                    if let only = change.onlyIn { line += " (only in version \(only))" }
                    if !change.added.isEmpty { line += "; now by \(change.added.map { "\($0.sourceID) (\($0.level))" }.joined(separator: ", "))" }
                    if !change.removed.isEmpty { line += "; no longer by \(change.removed.map { "\($0.sourceID) (\($0.level))" }.joined(separator: ", "))" }
                    print(line)
                }
                print("\(changes.count) area\(changes.count == 1 ? "" : "s") changed colour from version \(from) to \(to)")
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Areas and residents per colour, per subdistrict, in a stored version.")

        @Option(help: "The GeoPackage, or a postgres:// database made by onemap db init.")
        var data = "onemap.gpkg"
        @Option(help: "The version (default: the latest).")
        var version: Int?
        @Option(help: "text (a table) or json.")
        var format: OutputFormat = .text

        func run() throws {
            let store = try Stores.openForReading(data)
            let stored = try RiskVersionStore.version(version, in: store)
            let rows = try RiskVersionStore.stats(of: stored, in: store)
            let levels: [RiskLevel?] = RiskLevel.allCases.map(Optional.some) + [nil]
            func name(_ level: RiskLevel?) -> String { level?.description ?? "none" }
            if format != .text {
                let json = RiskMap.statsJSON(stored, rows: rows)
                print(JSONWriter.string(json))
                return
            }
            print("version \(stored.number) (\(stored.createdAt)), \(stored.unit): areas / residents per colour")
            print((["subdistrict"] + levels.map(name)).joined(separator: "\t"))
            var total = RiskStatsRow(subdistrict: "all", areas: [:], residents: [:])
            for row in rows + [nil] {
                let r = row ?? total
                print(([(r.subdistrict ?? "(none)") + (r.name.map { " \($0)" } ?? "")] + levels.map { "\(r.areas[$0] ?? 0) / \(r.residents[$0] ?? 0)" }).joined(separator: "\t"))
                guard let row else { continue }
                for level in levels {
                    total.areas[level, default: 0] += row.areas[level] ?? 0
                    total.residents[level, default: 0] += row.residents[level] ?? 0
                }
            }
        }
    }

    struct Legend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The legend of the one map: levels, colours, names, and areas and residents per level, as JSON (and as a PNG image with --png).")

        @Option(help: "The GeoPackage, or a postgres:// database made by onemap db init.")
        var data = "onemap.gpkg"
        @Option(help: "The version (default: the latest).")
        var version: Int?
        @Option(help: "Also draw the legend as a PNG image in the tiles' colours, to this file.")
        var png: String?
        @Option(help: "The style file for --png (default: ONEMAP_STYLE, else config/style.json here, else the built-in style).")
        var style: String?
        @Option(help: "1, or 2 for a double-resolution image.")
        var scale = 1

        func run() throws {
            guard scale == 1 || scale == 2 else { throw ValidationError(TileError.badScale(scale).description) }
            let store = try Stores.openForReading(data)
            let stored = try RiskVersionStore.version(version, in: store)
            let areas = try RiskVersionStore.areas(of: stored, in: store)
            let legend = RiskLegend(unit: stored.unit, rule: stored.rule, levels: areas.map { ($0.level, $0.population) })
            if let png {
                let image = try LegendRenderer.render(legend, style: try TileMaps.style(path: style), scale: scale)
                try writeAtomically(image, to: png)
                FileHandle.standardError.write(Data("legend image: \(png) (\(image.count) bytes)\n".utf8))
            }
            print(JSONWriter.string(legend.json))
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, geojson
}

func summary(_ model: RiskModel) -> String {
    let counts = model.counts
    let levels = RiskLevel.allCases.map { "\(counts[$0] ?? 0) \($0)" } + ["\(counts[nil] ?? 0) reached by no open hazard"]
    return "\(model.unit): \(levels.joined(separator: ", ")) (from \(model.summary.sources) hazards, \(model.summary.closed) closed)"
}
