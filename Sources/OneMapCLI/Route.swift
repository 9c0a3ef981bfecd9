import ArgumentParser
import Foundation
import OneMap

/// `onemap route …`: routes, evacuation and service areas on the road network.
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Routes on the roads layer: fastest or shortest path, evacuation to shelters, the evacuation plan of a danger zone, service areas, fire-station coverage.",
        subcommands: [Path.self, Evacuate.self, Plan.self, Isochrone.self, FireCoverageCommand.self])

    struct Network: ParsableArguments {
        @Option(help: "The GeoPackage with the roads (and grids, shelters, facilities), or a postgres:// database made by onemap db init.")
        var data = "onemap.gpkg"
        @Option(help: "drive (OSM classes and limits, one-way streets) or walk (5 km/h, both ways).")
        var profile = "drive"

        func load() throws -> (RoadGraph, IndexSnapshot) {
            guard let profile = RoadProfile.named(profile) else { throw ValidationError("--profile takes drive or walk, not \(profile)") }
            let snapshot = try Stores.loadIndex(from: Stores.openForReading(data)).snapshot
            guard snapshot.loadedLayers.contains(.roads) else { throw ValidationError("\(data) has no roads layer; import one with onemap import FILE --layer roads") }
            // The access rule (how far from the roads a point may lie) is the planning file's.
            let graph = RoadGraph(roads: try snapshot.allFeatures(.roads), profile: profile.with(access: try Planner.standards(path: nil).roadAccess))
            guard graph.pieceCount > 0 else { throw ValidationError("\(data): no roads the \(profile.name) profile may use") }
            return (graph, snapshot)
        }
    }

    struct Zone: ParsableArguments {
        @Option(help: "The danger zone as a GeoJSON polygon file.")
        var zone: String?
        @Option(help: ArgumentHelp("Or its centre, lon,lat (with --radius).", valueName: "lon,lat"))
        var centre: String?
        @Option(help: "The danger zone's radius in metres around --centre.")
        var radius: Double?

        func geometry(required: Bool) throws -> Geometry? {
            if let zone { return try DangerZone.read(path: zone) }
            if let centre {
                guard let radius, radius > 0, radius <= 100_000 else { throw ValidationError("--radius: give 0 < metres ≤ 100,000 with --centre") }
                return DangerZone.circle(centre: try coordinate(centre, "--centre"), radius: radius)
            }
            if required { throw ValidationError("give the danger zone: --zone FILE.geojson, or --centre lon,lat --radius METRES") }
            return nil
        }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The fastest (or shortest) route between two points, as a GeoJSON LineString.")
        @OptionGroup var network: Network
        @Option(help: ArgumentHelp("Start, lon,lat.", valueName: "lon,lat")) var from: String
        @Option(help: ArgumentHelp("End, lon,lat.", valueName: "lon,lat")) var to: String
        @Option(help: "time (fastest) or distance (shortest).") var by = "time"
        @OptionGroup(title: "A danger zone to route around") var zone: Zone
        @Option(help: "red: also avoid the red cells of the one map (as /route?avoid=red).") var avoid: String?
        @Option(help: "The risk rules for --avoid red (default: ONEMAP_RULES, else config/risk-rules.json here, else the built-in DOMAIN.md rules).") var rules: String?

        func run() throws {
            guard let metric = RouteMetric(rawValue: by) else { throw ValidationError("--by takes time or distance, not \(by)") }
            guard avoid == nil || avoid == "red" else {
                throw ValidationError("--avoid takes red; a danger zone to route around is --zone FILE, or --centre lon,lat --radius METRES")
            }
            let a = try coordinate(from, "--from"), b = try coordinate(to, "--to")
            let (graph, _) = try network.load()
            var areas = try zone.geometry(required: false).map { [$0] } ?? []
            if avoid == "red" {
                let (ruleSet, _) = try RiskMap.rules(path: rules)
                areas += try RiskMap.build(path: network.data, rules: ruleSet).model.redAreas
            }
            let blocked = try graph.pieces(meeting: areas)
            let route = try graph.route(from: a, to: b, by: metric, blocked: blocked)
            try printCollection([route.feature()])
            FileHandle.standardError.write(Data(String(format: "%.1f min, %.0f m\n", route.seconds / 60, route.metres).utf8))
        }
    }

    struct Evacuate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The shelters with room reached soonest by road from a point, leaving the danger zone, with routes.")
        @OptionGroup var network: Network
        @OptionGroup var zone: Zone
        @Option(help: ArgumentHelp("Where people are, lon,lat.", valueName: "lon,lat")) var from: String
        @Option(help: "How many shelters.") var k = 1
        @Option(help: "Room needed (persons).") var minRoom = 1

        func run() throws {
            guard (1...50).contains(k) else { throw ValidationError("--k takes 1…50") }
            let (graph, snapshot) = try network.load()
            let reached = try Evacuation.best(from: try coordinate(from, "--from"), graph: graph, snapshot: snapshot,
                                              zone: try zone.geometry(required: false), minimumRoom: minRoom, k: k)
            guard !reached.isEmpty else { throw ValidationError("no open shelter with room \(minRoom) can be reached by road") }
            try printCollection(reached.map(\.feature))
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The evacuation plan of a danger zone: every grid's residents to shelters outside it, no shelter over its room, least total travel time (exact min-cost flow).")
        @OptionGroup var network: Network
        @OptionGroup var zone: Zone

        func run() throws {
            let (graph, snapshot) = try network.load()
            let area = try zone.geometry(required: true)!
            let started = Date()
            let standards = try Planner.standards(path: nil)
            let walk = RoadGraph(roads: try snapshot.allFeatures(.roads), profile: RoadProfile.walk.with(access: standards.roadAccess))
            let samples = try Population.samples(snapshot, standards: standards, walk: walk)
            let (plan, origins, destinations) = try Evacuation.plan(zone: area, graph: graph, snapshot: snapshot, samples: samples)
            let routes = try Evacuation.routes(of: plan, origins: origins, destinations: destinations, zone: area, graph: graph)
            print(JSONWriter.string(plan.json(origins: origins, destinations: destinations, routes: routes)))
            let placed = plan.assignments.reduce(0) { $0 + $1.persons }
            FileHandle.standardError.write(Data(String(format: "%d grids, %d residents: %d placed in %d shelters, %d unplaced; %.0f person-hours; planned in %.2f s\n",
                                                       origins.count, origins.reduce(0) { $0 + $1.persons }, placed, plan.loads.count,
                                                       plan.unplaced.values.reduce(0, +), plan.personSeconds / 3600, Date().timeIntervalSince(started)).utf8))
        }
    }

    struct Isochrone: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The area reachable from a point within some minutes, as a GeoJSON polygon.")
        @OptionGroup var network: Network
        @Option(help: ArgumentHelp("The point, lon,lat.", valueName: "lon,lat")) var from: String
        @Option(help: "Minutes.") var minutes = 5.0

        func run() throws {
            guard minutes > 0, minutes <= 600 else { throw ValidationError("--minutes takes 0 < minutes ≤ 600") }
            let (graph, _) = try network.load()
            let area = try graph.serviceArea(from: try coordinate(from, "--from"), seconds: minutes * 60)
            try printCollection([Feature(id: nil, geometry: area, properties: [JSONMember("minutes", .number(minutes)), JSONMember("profile", .string(graph.profile.name))])])
        }
    }

    struct FireCoverageCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fire-coverage",
            abstract: "Which grids lie beyond some minutes' drive of every fire station, and how many residents.")
        @OptionGroup var network: Network
        @Option(help: "Minutes (the standard: 5).") var minutes = 5.0

        func run() throws {
            let (graph, snapshot) = try network.load()
            let standards = try Planner.standards(path: nil)
            let walk = RoadGraph(roads: try snapshot.allFeatures(.roads), profile: RoadProfile.walk.with(access: standards.roadAccess))
            let result = try FireCoverage.compute(graph: graph, settlement: walk, snapshot: snapshot, minutes: minutes, standards: standards)
            try printCollection(result.cells.map(\.feature))
            FileHandle.standardError.write(Data("\(result.stations) fire stations; \(result.cells.filter { !$0.covered }.count) of \(result.cells.count) grids, \(result.residentsOutside) residents, beyond \(minutes) minutes\n".utf8))
        }
    }
}

/// A "lon,lat" option value.
func coordinate(_ text: String, _ option: String) throws -> Coordinate {
    let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let lon = parts[0], let lat = parts[1], (-180...180).contains(lon), (-90...90).contains(lat) else {
        throw ValidationError("\(option) takes lon,lat in WGS84 degrees, got \"\(text)\"")
    }
    return Coordinate(lon, lat)
}
