import ArgumentParser
import Foundation
import OneMap

/// `onemap incident …`: the commander's incidents on a GeoPackage, through the same core
/// the server uses (``Incidents``, ``IncidentAnalyst``, ``IncidentBriefing``).
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Incidents: create one and its affected area, report on it (初报/续报/核报/终报), list and show them, and write the commander's briefing.",
        subcommands: [Create.self, Report.self, Update.self, Show.self, List.self, Briefing.self])

    struct Common: ParsableArguments {
        @Option(help: "The GeoPackage, or a postgres:// database made by onemap db init.") var data = "onemap.gpkg"
        @Option(help: "Incident kinds, zones, targets and relief kits (default: ONEMAP_INCIDENTS, else config/incidents.json here, else built in).")
        var incidents: String?
        @Option(name: .customLong("as"), help: "Who makes the change, for the change log (default: $USER).") var author: String?
        @Option(help: "The role recorded: commander, planner or admin.") var role = "commander"

        func desk() throws -> IncidentDesk {
            guard Stores.isDatabase(data) || FileManager.default.fileExists(atPath: data) else { throw ValidationError("--data: \(data) does not exist") }
            return try IncidentDesk(path: data, incidentsPath: incidents)
        }

        func who() throws -> Author {
            guard let role = Author.Role(rawValue: role) else {
                throw ValidationError("--role: '\(role)' is not one of \(Author.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return Author(name: author ?? ProcessInfo.processInfo.environment["USER"] ?? "cli", role: role)
        }
    }

    /// How the affected area is made (the same choices as POST /incidents).
    struct Area: ParsableArguments {
        @Option(help: "kind (the kind's zones from config), radii, hazard (its impact distance), polygon, isochrone or plume.") var area: String?
        @Option(help: ArgumentHelp("area=radii: metres, innermost first.", valueName: "m,m")) var radii: String?
        @Option(help: "area=polygon: a GeoJSON file of polygons, innermost first.") var zones: String?
        @Option(help: ArgumentHelp("area=isochrone: minutes by road, innermost first.", valueName: "min,min")) var minutes: String?
        @Option(help: "area=plume: where the wind comes from, degrees clockwise from north.") var windFrom: Double?
        @Option(help: "area=plume: wind speed at 10 m, m/s.") var windSpeed: Double?
        @Option(help: "area=plume: Pasquill stability class A … F.") var stability: String?
        @Option(help: "area=plume: rural or urban dispersion.") var surface: String?
        @Option(help: "area=plume: release rate, g/s.") var releaseRate: Double?
        @Option(help: "area=plume: release height, m.") var releaseHeight: Double?
        @Option(help: ArgumentHelp("area=plume: red,orange,yellow concentrations in mg/m³.", valueName: "mg,mg,mg")) var thresholds: String?

        func numbers(_ text: String?, _ option: String) throws -> [Double]? {
            guard let text else { return nil }
            let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0?.isFinite ?? false }) else { throw ValidationError("\(option) takes numbers separated by commas, got \"\(text)\"") }
            return values.compactMap { $0 }
        }

        func request() throws -> AreaRequest? {
            switch area {
            case nil: return nil
            case "kind": return .kind
            case "hazard": return .hazard
            case "radii":
                guard let radii = try numbers(radii, "--radii") else { throw ValidationError("--area radii needs --radii m,m (innermost first)") }
                return .radii(radii)
            case "polygon":
                guard let zones else { throw ValidationError("--area polygon needs --zones FILE.geojson") }
                return .polygons(try DangerZone.readZones(path: zones))
            case "isochrone":
                guard let minutes = try numbers(minutes, "--minutes") else { throw ValidationError("--area isochrone needs --minutes m,m") }
                return .isochrone(minutes: minutes)
            case "plume":
                guard let windFrom, let windSpeed, let stability else { throw ValidationError("--area plume needs --wind-from, --wind-speed and --stability") }
                guard let s = GaussianPlume.Stability(rawValue: stability) else { throw ValidationError("--stability takes A, B, C, D, E or F, not \(stability)") }
                var surfaceValue: GaussianPlume.Surface?
                if let surface {
                    guard let value = GaussianPlume.Surface(rawValue: surface) else { throw ValidationError("--surface takes rural or urban, not \(surface)") }
                    surfaceValue = value
                }
                return .plume(PlumeRequest(windFromDegrees: windFrom, windSpeedMS: windSpeed, stability: s, surface: surfaceValue,
                                           releaseRateGS: releaseRate, releaseHeightM: releaseHeight, thresholdsMgM3: try numbers(thresholds, "--thresholds")))
            case let other?: throw ValidationError("--area takes kind, radii, hazard, polygon, isochrone or plume, not \(other)")
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an incident and its affected area; prints it as JSON and its figures in brief.")
        @OptionGroup var common: Common
        @Option(help: "Kind (config/incidents.json): hazardous_chemical_leak, fire, explosion, flood, geological, earthquake, traffic, public_health, other.")
        var kind: String
        @Option(help: "The hazard it started from (its id); its geometry is the incident's place unless --at or --location.") var hazard: String?
        @Option(help: ArgumentHelp("Its place, lon,lat.", valueName: "lon,lat")) var at: String?
        @Option(help: "Its place as a GeoJSON file (a point, line or polygon geometry or feature).") var location: String?
        @Option(help: "Title.") var title: String?
        @Option(help: "When it started, ISO 8601 (default: now).") var startedAt: String?
        @Option(help: "Its id (default INC-YYYYMMDD-NNNN).") var id: String?
        @OptionGroup(title: "The affected area") var area: Area

        func run() throws {
            var place: Geometry?
            if let at { place = .point(try coordinate(at, "--at")) }
            if let location { place = try DangerZone.readGeometry(path: location) }
            let desk = try common.desk()
            let accepted = try desk.incidents.create(Incidents.Creation(id: id, kind: kind, title: title, location: place, hazardID: hazard, startedAt: startedAt,
                                                                        area: try area.request() ?? .kind), by: try common.who())
            print(JSONWriter.string(accepted.incident.json()))
            let figures = try desk.analyst.figures(of: accepted.incident)
            FileHandle.standardError.write(Data((IncidentBriefing.summary(figures) + "change \(accepted.change)\n").utf8))
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append a report to an incident's chain: initial (初报), follow_up (续报), verified (核报), final (终报).")
        @OptionGroup var common: Common
        @Argument(help: "The incident's id.") var id: String
        @Option(name: .customLong("type"), help: "initial, follow_up, verified or final.") var type: String
        @Option(help: "Dead.") var dead: Int?
        @Option(help: "Injured.") var injured: Int?
        @Option(help: "Missing.") var missing: Int?
        @Option(help: "Trapped.") var trapped: Int?
        @Option(help: "People affected.") var affected: Int?
        @Option(help: "Measures taken.") var measures: String?
        @Option(help: "Trend: spreading, stable, under_control, …") var trend: String?
        @Option(help: "Free text.") var text: String?

        func run() throws {
            guard let kind = ReportKind(rawValue: type) else { throw ValidationError("--type takes initial, follow_up, verified or final, not \(type)") }
            let desk = try common.desk()
            let accepted = try desk.incidents.report(id, Incidents.ReportInput(
                kind: kind, casualties: Casualties(dead: dead, injured: injured, missing: missing, trapped: trapped), affectedPeople: affected,
                measures: measures, trend: trend, text: text), by: try common.who())
            print(JSONWriter.string(accepted.incident.json()))
            FileHandle.standardError.write(Data("report \(accepted.incident.reports.count) (\(kind.rawValue) \(kind.chinese)) of \(id); status \(accepted.incident.status.rawValue); change \(accepted.change)\n".utf8))
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an incident's status (reported → responding → contained → closed), title or affected area.")
        @OptionGroup var common: Common
        @Argument(help: "The incident's id.") var id: String
        @Option(help: "reported, responding, contained or closed.") var status: String?
        @Option(help: "Title.") var title: String?
        @OptionGroup(title: "A new affected area") var area: Area

        func run() throws {
            var next: IncidentStatus?
            if let status {
                guard let value = IncidentStatus(rawValue: status) else { throw ValidationError("--status takes reported, responding, contained or closed, not \(status)") }
                next = value
            }
            let desk = try common.desk()
            let accepted = try desk.incidents.update(id, Incidents.Change(title: title, status: next, area: try area.request()), by: try common.who())
            print(JSONWriter.string(accepted.incident.json()))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One incident as JSON: its place, zones and report chain (--figures: the briefing's figures).")
        @OptionGroup var common: Common
        @Argument(help: "The incident's id.") var id: String
        @Flag(help: "Print the briefing's figures (JSON) instead.") var figures = false

        func run() throws {
            let desk = try common.desk()
            let incident = try desk.incidents.incident(id)
            if figures {
                print(JSONWriter.string(IncidentBriefing.json(try desk.analyst.figures(of: incident), config: desk.analyst.config)))
            } else {
                print(JSONWriter.string(incident.json()))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The incidents, newest first: id, status, kind, reports, title.")
        @OptionGroup var common: Common
        @Option(help: "Only this status.") var status: String?

        func run() throws {
            let wanted = try status.map { s -> IncidentStatus in
                guard let value = IncidentStatus(rawValue: s) else { throw ValidationError("--status takes reported, responding, contained or closed, not \(s)") }
                return value
            }
            guard Stores.isDatabase(common.data) || FileManager.default.fileExists(atPath: common.data) else { throw ValidationError("--data: \(common.data) does not exist") }
            let store = try Stores.openForWriting(common.data)
            for incident in try Incidents.stored(in: store).filter({ wanted == nil || $0.status == wanted }) {
                print([incident.id, incident.status.rawValue, incident.kind, "\(incident.reports.count) reports", incident.startedAt, incident.title].joined(separator: "\t"))
            }
        }
    }

    struct Briefing: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the commander's briefing: a printable HTML page with the map (or --format json), and print its figures in brief.")
        @OptionGroup var common: Common
        @Argument(help: "The incident's id.") var id: String
        @Option(name: .shortAndLong, help: "Where to write it (default: standard output).") var output: String?
        @Option(help: "html or json.") var format = "html"

        func run() throws {
            guard format == "html" || format == "json" else { throw ValidationError("--format takes html or json, not \(format)") }
            let desk = try common.desk()
            let figures = try desk.analyst.figures(of: try desk.incidents.incident(id))
            let text = format == "json" ? JSONWriter.string(IncidentBriefing.json(figures, config: desk.analyst.config)) + "\n"
                : try IncidentBriefing.report(figures, config: desk.analyst.config).html(renderer: desk.live.renderer)
            if let output {
                try AtomicFile.write(Array(text.utf8), to: output, mode: 0o644)
                FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
            } else {
                print(text, terminator: "")
            }
            FileHandle.standardError.write(Data(IncidentBriefing.summary(figures).utf8))
        }
    }
}
