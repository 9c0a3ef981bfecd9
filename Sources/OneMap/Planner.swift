import Foundation
import OneMapDefaults
import OneMapGeometry
import OneMapIndex
import OneMapPlanning
import OneMapRouting
import OneMapStorage
import OneMapTiles

/// Planner analytics over one deployment: the CLI and the server both go through here,
/// so `onemap plan …` and `/plan/…` give the same answers. Each run returns a
/// ``PlanReport``: GeoJSON, tables, the standards checked, and a map.
public struct Planner: Sendable {
    public let snapshot: IndexSnapshot
    public let standards: PlanningStandards
    /// Walking graph (nil when the data has no walkable roads: coverage then uses straight lines).
    public let walk: RoadGraph?
    /// Driving graph (nil when the data has no drivable roads: depots and fire need one).
    public let drive: RoadGraph?
    /// Told each stage of long work as it starts (the CLI prints it).
    public var progress: (@Sendable (String) -> Void)?
    /// Plan only for the grids meeting this box, and site only inside it (a county of a
    /// city); shelters, stations and depots outside still serve. Nil: the whole district.
    public var area: BoundingBox?

    public init(snapshot: IndexSnapshot, standards: PlanningStandards, walk: RoadGraph?, drive: RoadGraph?) {
        self.snapshot = snapshot
        self.standards = standards
        self.walk = walk.flatMap { $0.pieceCount > 0 ? $0 : nil }
        self.drive = drive.flatMap { $0.pieceCount > 0 ? $0 : nil }
    }

    /// A planner over `snapshot` with its own road graphs for `profiles` (a city's take
    /// seconds each: build only those the plan uses).
    public init(snapshot: IndexSnapshot, standards: PlanningStandards, profiles: [RoadProfile] = [.walk, .drive]) throws {
        let roads = snapshot.loadedLayers.contains(.roads) ? try snapshot.allFeatures(.roads) : []
        func graph(_ p: RoadProfile) -> RoadGraph? { profiles.contains(p) ? RoadGraph(roads: roads, profile: p.with(access: standards.roadAccess)) : nil }
        self.init(snapshot: snapshot, standards: standards, walk: graph(.walk), drive: graph(.drive))
    }

    /// What each plan reads: its layers and road profiles.
    public enum Kind: String, CaseIterable, Sendable {
        case coverage, shelters, depots, fire, audit

        public var layers: [Layer] {
            switch self {
            case .coverage: [.adminUnits, .grids, .shelters, .roads]
            case .shelters: [.adminUnits, .grids, .shelters, .roads, .hazards]
            case .depots: [.adminUnits, .grids, .facilities, .roads, .hazards]
            case .fire: [.adminUnits, .grids, .facilities, .roads]
            case .audit: [.grids, .hazards, .shelters, .facilities]
            }
        }

        public var profiles: [RoadProfile] {
            switch self {
            case .coverage, .shelters: [.walk]
            case .depots: [.drive]
            case .fire: [.walk, .drive]
            case .audit: []
            }
        }
    }

    /// The planning standards at `path`, else `ONEMAP_PLANNING`'s, else `config/planning.json` in the
    /// working directory, else the defaults compiled in.
    public static func standards(path: String?) throws(PlanningStandardsError) -> PlanningStandards {
        // The compiled-in default is the GB values (config/planning.json says the same; a test checks).
        guard let chosen = Configuration.path(Defaults.planning, given: path) else { return .standard }
        return try PlanningStandards.load(path: chosen)
    }

    /// Why a plan cannot be made, in the user's terms.
    public enum PlanError: Error, CustomStringConvertible, Equatable {
        case unknownNeed(String, known: [String])
        case noDriveRoads(String)
        case noGrids
        case noCandidates(String)

        public var description: String {
            switch self {
            case .unknownNeed(let n, let known): "unknown shelter need '\(n)'; the standards define \(known.joined(separator: ", "))"
            case .noDriveRoads(let what): "\(what) needs roads a car may use, and the data has none"
            case .noGrids: "no grids (residents) to plan for in the data or the area given"
            case .noCandidates(let why): "no candidate sites: \(why)"
            }
        }
    }

    var walking: TravelMeasure { .walking(walk) }

    func stage(_ text: String) { progress?(text) }

    func needIndex(_ name: String) throws -> Int {
        guard let i = standards.needs.firstIndex(where: { $0.name == name }) else {
            throw PlanError.unknownNeed(name, known: standards.needs.map(\.name))
        }
        return i
    }

    func requireGrids() throws {
        guard try !PlanArea.grids(snapshot, within: area).isEmpty else { throw PlanError.noGrids }
    }

    /// Candidate sites: the given ones screened, else the lattice of open land.
    func candidates(_ given: [CandidateSite]?, spacing: Double, maxCount: Int, roads: RoadGraph?,
                    avoidHazards: Bool) throws -> CandidateSites.Screened {
        let screened = if let given {
            try CandidateSites.screen(given, snapshot: snapshot, standards: standards, roads: roads, avoidHazards: avoidHazards)
        } else {
            try CandidateSites.lattice(snapshot, spacing: spacing, maxCount: maxCount, standards: standards, roads: roads,
                                       avoidHazards: avoidHazards, within: area)
        }
        guard !screened.sites.isEmpty else {
            let reasons = screened.excluded.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
            throw PlanError.noCandidates(reasons.isEmpty ? "the district has no boundary or grids to place a lattice in" : "all left out (\(reasons))")
        }
        return screened
    }

    /// Stamps a report with the area it covers and how long the whole run took.
    func finish(_ report: inout PlanReport, _ started: UInt64) {
        if let area {
            report.parameters.append(("Area", String(format: "grids meeting %.5f,%.5f,%.5f,%.5f (lon/lat); new sites inside it", area.minX, area.minY, area.maxX, area.maxY)))
            report.summary.append(JSONMember("bbox", .array([area.minX, area.minY, area.maxX, area.maxY].map { .number($0) })))
        }
        report.seconds = Self.elapsed(since: started)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    /// Seconds since `start` (a ``now()``): reports say how long the whole run took.
    static func elapsed(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// The sites the data itself plans for `kind`: shelters, depots or fire stations whose
    /// status is `planned` (the candidate layer a planning office keeps in the GeoPackage).
    public func plannedSites(for kind: Kind) throws -> [CandidateSite] {
        let layer: Layer = kind == .shelters ? .shelters : .facilities
        guard kind == .shelters || kind == .depots || kind == .fire, snapshot.loadedLayers.contains(layer) else { return [] }
        let c = { (name: String) in layer.columns.firstIndex { $0.name == name } }
        let status = c("status")!, name = c("name")!, capacity = c("capacity")!, facilityKind = c("kind"), area = c("effective_area_m2")
        let wanted = kind == .depots ? "depot" : "fire_station"
        let context = GEOSContext()
        return try snapshot.allFeatures(layer).sorted { $0.id < $1.id }.compactMap { r in
            guard r.value(status) == .text("planned") else { return nil }
            if layer == .facilities, let k = facilityKind, r.value(k) != .text(wanted) { return nil }
            var named: String?
            if case .text(let n) = r.value(name) { named = n }
            return CandidateSite(id: r.id, name: named, point: try context.pointOnSurface(r.geometry), capacity: r.value(capacity).number,
                                 area: area.flatMap { r.value($0).number })
        }
    }

    /// The extent of the grids (what report maps show), grown a little.
    var gridExtent: BoundingBox? {
        guard let grids = try? PlanArea.grids(snapshot, within: area) else { return nil }
        var box = BoundingBox.empty
        for g in grids { if let b = g.geometry.boundingBox { box.extend(b) } }
        return box.isEmpty ? nil : box.widened(byMetres: 300)
    }
}

/// Report colours: findings drawn over the one map.
enum PlanColours {
    static let uncovered = try! TileStyle.Colour(hex: "#8E24AA66")
    static let uncoveredOutline = try! TileStyle.Colour(hex: "#6A1B9A")
    static let newSite = try! TileStyle.Colour(hex: "#1565C0")
    static let existingSite = try! TileStyle.Colour(hex: "#6D4C41")
    static let violation = try! TileStyle.Colour(hex: "#D50000")
}
