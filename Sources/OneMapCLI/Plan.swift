import ArgumentParser
import Foundation
import OneMap

/// `onemap plan …`: planner analytics, each run as text or GeoJSON, and optionally a
/// self-contained HTML report with a map drawn by OneMap's tile renderer.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Planner analytics: shelter coverage, the safety-distance audit, and siting of shelters, depots and fire stations.",
        subcommands: [Coverage.self, Audit.self, Shelters.self, Depots.self, Fire.self])

    /// What every plan takes.
    struct Options: ParsableArguments {
        @Option(help: "The GeoPackage, or a postgres:// database made by onemap db init.") var data = "onemap.gpkg"
        @Option(help: "Planning standards (radii, areas per person, limits) (default: ONEMAP_PLANNING, else config/planning.json here, else the built-in GB 50413 values).")
        var planning: String?
        @Option(help: "text (tables) or geojson (features with the summary as foreign members).") var format: OutputFormat = .text
        @Option(help: "Also write the planner's report here: one HTML page with the map, the tables and the standards.") var report: String?
        @Option(help: "Risk rules for the report map's colours (default: ONEMAP_RULES, else config/risk-rules.json here, else the built-in DOMAIN.md rules).") var rules: String?
        @Option(help: "Tile style for the report map (default: ONEMAP_STYLE, else config/style.json here, else the built-in style).") var style: String?
        @Option(help: "Plan only for the grids meeting this lon/lat box (minLon,minLat,maxLon,maxLat) and site inside it.") var bbox: String?
        @Flag(help: "No progress on standard error.") var quiet = false

        /// Loads the data (with the risk map when a report is drawn), runs `plan`, prints
        /// and writes what was asked.
        func run(_ kind: Planner.Kind, _ plan: (Planner) throws -> PlanReport) throws {
            guard format != .json else { throw ValidationError("--format takes text or geojson") }
            let area = try bbox.map(Arguments.box)
            let progress = SharedProgress(quiet: quiet)
            let standards = try Planner.standards(path: planning)
            progress.say("loading \(data)")
            var renderer: TileRenderer?
            let snapshot: IndexSnapshot
            if report != nil {
                let rules = try RiskMap.rules(path: rules).rules
                let source = try TileMaps.load(path: data, rules: rules, style: try TileMaps.style(path: style), allLayers: true)
                renderer = source.renderer
                snapshot = source.index.snapshot
            } else {
                let store = try Stores.openForReading(data)
                let present = Set(try store.layers())
                snapshot = try Stores.loadIndex(from: store, layers: kind.layers.filter(present.contains)).snapshot
            }
            progress.say("building the road graphs")
            var planner = try Planner(snapshot: snapshot, standards: standards, profiles: kind.profiles)
            planner.progress = { progress.say($0) }
            planner.area = area
            let result = try plan(planner)
            progress.finish()
            switch format {
            case .geojson: FileHandle.standardOutput.write(Data(result.geoJSON))
            default: print(result.text, terminator: "")
            }
            if let path = report {
                progress.say("drawing the report map")
                let html = try result.html(renderer: renderer)
                do {
                    try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw ValidationError("cannot write the report to \(path): \(error.localizedDescription)")
                }
                progress.say("report written to \(path)")
            }
        }
    }

    /// `--candidates`: a GeoJSON file (read before any data is loaded, so a bad file is
    /// named at once) or `planned`, the planned sites of the data itself.
    enum Candidates {
        case lattice
        case file([CandidateSite])
        case planned

        init(_ argument: String?) throws {
            guard let path = argument else { self = .lattice; return }
            if path == "planned" { self = .planned; return }
            do {
                let sites = try CandidateSites.read(geoJSON: path)
                guard !sites.isEmpty else { throw ValidationError("\(path): no candidate features") }
                self = .file(sites)
            } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError("\(path): \(error)")
            }
        }

        func sites(_ planner: Planner, _ kind: Planner.Kind) throws -> [CandidateSite]? {
            switch self {
            case .lattice: return nil
            case .file(let sites): return sites
            case .planned:
                let sites = try planner.plannedSites(for: kind)
                guard !sites.isEmpty else {
                    throw ValidationError("--candidates planned: the data has no \(kind == .shelters ? "shelters" : kind == .depots ? "depots" : "fire stations") with status planned; give a GeoJSON file")
                }
                return sites
            }
        }
    }

    struct Coverage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shelter coverage per grid and subdistrict: nearest shelter of each class by walking distance, residents within the service radius, area per resident, uncovered areas.")
        @OptionGroup var options: Options

        func run() throws { try options.run(.coverage) { try $0.coverage() } }
    }

    struct Shelters: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Coverage, then K new shelter sites that bring the most uncovered residents within the service radius, within capacity.")
        @OptionGroup var options: Options
        @Option(help: "How many new shelters.") var add = 3
        @Option(help: "The need to site for: emergency (500 m) or fixed (3 km), as the standards name them.") var need = "emergency"
        @Option(help: "Candidate sites: a GeoJSON file of points (name, capacity, effective_area_m2), or 'planned' (the data's shelters with status planned); default a lattice of open land.")
        var candidates: String?

        func run() throws {
            guard (1...50).contains(add) else { throw ValidationError("--add takes 1 to 50 sites") }
            let given = try Candidates(candidates)
            try options.run(.shelters) { try $0.shelters(add: add, need: need, candidates: try given.sites($0, .shelters)) }
        }
    }

    struct Depots: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "K new storage depots by p-median on driving time weighted by residents; shares reached within 6 h and 12 h.")
        @OptionGroup var options: Options
        @Option(name: .customLong("k"), help: "How many new depots.") var k = 1
        @Option(help: "Candidate sites: a GeoJSON file of points, or 'planned' (the data's depots with status planned); default a lattice of open land on roads.") var candidates: String?

        func run() throws {
            guard (1...20).contains(k) else { throw ValidationError("--k takes 1 to 20 depots") }
            let given = try Candidates(candidates)
            try options.run(.depots) { try $0.depots(k: k, candidates: try given.sites($0, .depots)) }
        }
    }

    struct Fire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Areas beyond 5 minutes' drive of every fire station, and candidate sites that close them.")
        @OptionGroup var options: Options
        @Option(help: "Most new stations to propose.") var maxSites = 5
        @Option(help: "Candidate sites: a GeoJSON file of points, or 'planned' (the data's fire stations with status planned); default a lattice on roads.") var candidates: String?

        func run() throws {
            guard (0...50).contains(maxSites) else { throw ValidationError("--max-sites takes 0 to 50") }
            let given = try Candidates(candidates)
            try options.run(.fire) { try $0.fire(maxSites: maxSites, candidates: try given.sites($0, .fire)) }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shelters, schools, hospitals and key targets within a major hazard source's safety distance or any open hazard's impact distance.")
        @OptionGroup var options: Options
        @Option(help: "Metres kept from major hazard sources (GB 50413-2007: 1,000).") var safetyDistance = 1000.0

        func run() throws {
            guard safetyDistance > 0, safetyDistance <= 100_000 else { throw ValidationError("--safety-distance takes 0 < metres ≤ 100,000") }
            try options.run(.audit) { try $0.audit(safetyDistance: safetyDistance) }
        }
    }
}
