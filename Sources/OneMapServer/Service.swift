import Foundation
import Hummingbird
import Logging
import OneMap
import Synchronization

/// How `onemap serve` runs.
public struct ServiceOptions: Sendable {
    /// A GeoPackage file, or a `postgres://` URL of a database several replicas share.
    public var dataPath: String
    /// Connections to a database store each replica holds at most (its listener's is one more).
    public var poolSize = 4
    /// Where a replica's notification listener connects when the pool's `dataPath` is
    /// pgbouncer in transaction mode: the database directly.
    public var listenAt: String?
    /// Where a replica reads the map at start, when not from `dataPath`: a read-only standby
    /// of the database (it then catches up from the primary by change number).
    public var loadFrom: String?
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port = 8080
    public var rulesPath: String?
    /// Planning standards (default config/planning.json when present).
    public var planningPath: String?
    /// Incident kinds, zones and targets (default config/incidents.json when present).
    public var incidentsPath: String?
    /// Deadlines, supervision, photo and live-feed limits (default config/field.json when present).
    public var fieldPath: String?
    public var stylePath: String?
    public var tokensPath: String?
    /// Where the MBTiles caches live (default: beside the GeoPackage).
    public var cacheDirectory: String?
    /// Most tiles each on-demand cache keeps (least recently used dropped beyond it).
    public var maxCachedTiles = 100_000
    /// CPU-heavy requests (plans, evacuation plans, service areas, uncached tiles) at once;
    /// more answer 503 with Retry-After.
    public var maxHeavyRequests = ProcessInfo.processInfo.activeProcessorCount
    /// Time budget of one heavy request; past it the answer is 503 and the work stops.
    public var heavyBudget: Duration = .seconds(60)
    /// Connections idle this long (also mid-headers) are closed.
    public var idleTimeout: Duration = .seconds(30)
    /// Most coordinates in one reported geometry (422 above).
    public var maxVertices = 10_000
    /// Largest request body accepted (413 above).
    public var maxBodyBytes = 1 << 20
    /// Failed authentications allowed per client address in a window (429 beyond).
    public var authFailures = FailedAuthentications.Limit()
    /// Where Leaflet is (Debian's libjs-leaflet).
    public var leafletDirectory = "/usr/share/javascript/leaflet"

    public init(dataPath: String) { self.dataPath = dataPath }
}

/// Everything the routes share: the live one map over the GeoPackage, the stores, the
/// tile caches, the tokens and the metrics.
public final class OneMapService: Sendable {
    public let options: ServiceOptions
    /// Where the layers and the change log are kept.
    let store: any LayerStore
    let live: LiveOneMap
    /// Index 0: 256-px tiles; index 1: 512-px (`@2x`).
    let caches: [MBTilesCache]
    let tokens: TokenBook
    let metrics = Metrics()
    /// The hazards' time extent, found again only when the hazards changed (by revision).
    private let hazardSpan = Mutex<(revision: Int, span: (String, String)?)?>(nil)
    let rules: RiskRules
    /// How tiles look (the legend's shelter symbols come from here too).
    let tileStyle: TileStyle
    let planning: PlanningStandards
    /// CPU-heavy requests (plans, evacuation plans, service areas, tiles drawn on demand):
    /// at most `maxHeavyRequests` at once, each within `heavyBudget`; tiles may wait in line.
    let heavy: WorkLimiter
    /// Field reports: every write goes through here (rules, lock, change log).
    let reports: FieldReports
    /// The road graphs and the resident samples, built once.
    let networks: Networks
    /// The commander's incidents: every change goes through here (roles, lifecycle, report chain, change log).
    let incidents: Incidents
    /// Incident figures, kept current as hazards, shelters and grids change.
    let analyst: IncidentAnalyst
    /// Incident kinds, zones and targets.
    let incidentConfig: IncidentConfig
    /// Deadlines, supervision, photo and live-feed limits.
    let field: FieldConfig
    /// What changed, for `/events`.
    let feed: ChangeFeed

    /// Where residents live, as the planner places them: population inside an area and
    /// evacuation plans count these.
    func residentSamples() throws -> ResidentSamples { try networks.residentSamples() }

    /// The graph of profile `name` (drive or walk), nil for another name.
    func roadGraph(_ name: String) throws -> RoadGraph? { try networks.roadGraph(name) }

    /// Loads the GeoPackage into the spatial core and colours the one map.
    public init(options: ServiceOptions, logger: Logger) throws {
        self.options = options
        let (rules, origin) = try RiskMap.rules(path: options.rulesPath)
        self.rules = rules
        planning = try Planner.standards(path: options.planningPath)
        let style = try TileMaps.style(path: options.stylePath)
        tileStyle = style
        let started = Date(), startMemory = ProcessMemory.residentBytes()
        let store = try Stores.open(options.dataPath, poolSize: options.poolSize, listenAt: options.listenAt, logger: logger)
        self.store = store
        // Read before the layers: whatever is logged after it is applied after the load. A
        // standby's log is the primary's up to its own last number, and its layers are as of it.
        let loadStore = try options.loadFrom.map { try Stores.openForReading($0) } ?? store
        let loadedThrough = try loadStore.lastChangeNumber()
        let source = try TileMaps.load(store: loadStore, rules: rules, style: style, allLayers: true)
        let sourceMemory = ProcessMemory.residentBytes(), sourceSeconds = Date().timeIntervalSince(started)
        let stem = try Self.cacheStem(options)
        // One cache per tile size and per variant: the one map with its base (roads,
        // boundaries) and the risk layers alone (`?layers=risk`), in that order.
        caches = try [("tiles", "", "OneMap four-colour risk map"), ("risk-tiles", "-risk", "OneMap four-colour risk map, risk layers only")]
            .flatMap { file, variant, name in
                try [1, 2].map { scale in
                    try MBTilesCache(path: stem + ".\(file)\(scale == 2 ? "@2x" : "").mbtiles", mapKey: source.mapKey, style: style.digest + variant,
                                     scale: scale, name: name, maxTiles: options.maxCachedTiles)
                }
            }
        let field = try FieldConfig.load(path: options.fieldPath)
        self.field = field
        live = LiveOneMap(source, caches: caches, field: field)
        let overdueStarted = Date()
        let overdue = try live.startOverdue()
        let overdueSeconds = Date().timeIntervalSince(overdueStarted)
        feed = try ChangeFeed(store: store, limits: field.feedLimits)
        var limits = FieldReports.Limits()
        limits.maxVertices = options.maxVertices
        reports = try FieldReports(store: store, live: live, limits: limits, feed: feed, appliedThrough: loadedThrough)
        // A browser asks for a screenful of tiles at once: up to 256 may wait in line.
        heavy = WorkLimiter(limit: options.maxHeavyRequests, budget: options.heavyBudget, queueLimit: 256)
        tokens = try options.tokensPath.map { try TokenBook(path: $0, limit: options.authFailures, logger: logger) } ?? .empty()
        let networks = Networks(live: live, planning: planning)
        self.networks = networks
        let incidentConfig = try Incidents.config(path: options.incidentsPath)
        self.incidentConfig = incidentConfig
        incidents = try Incidents(store: store, live: live, config: incidentConfig, feed: feed) { try networks.roadGraph("drive") }
        // Other replicas' incident changes, read from the change log.
        let desk = incidents, incidentLog = logger
        reports.whenOtherTablesChange { entries in
            guard entries.contains(where: { $0.layer.hasPrefix("incident") }) else { return }
            do { try desk.refresh() } catch { incidentLog.warning("reading the incidents again failed", metadata: ["error": "\(error)"]) }
        }
        analyst = IncidentAnalyst(live: live, store: store, config: incidentConfig, samples: {
            try networks.residentSamplesIfAny()
        }, drive: { try networks.roadGraph("drive") })
        let collectionsStarted = Date()
        let collections = self.collections
        let collectionsSeconds = Date().timeIntervalSince(collectionsStarted)
        logger.info("loaded", metadata: [
            "data": "\(store.location)", "change": "\(reports.appliedChange)", "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
            "rules": "\(origin)", "map": "\(source.mapKey)", "tokens": "\(tokens.count)",
            "overdue_hazards": "\(overdue)", "overdue_seconds": "\(String(format: "%.2f", overdueSeconds))",
            "map_seconds": "\(String(format: "%.2f", sourceSeconds))",
            "collections_seconds": "\(String(format: "%.2f", collectionsSeconds))",
            "layers": "\(collections.map { "\($0.layer)=\($0.count)" }.joined(separator: ","))",
            "resident_mb": "\(ProcessMemory.residentBytes() >> 20)",
        ])
        // What was written while the map loaded (or since the standby's copy) is applied
        // before the server listens: it never serves an older map than it read. Then the
        // change log is followed: other replicas of a database, other programs logging to a file.
        do { try reports.applyChangesFromElsewhere() } catch { logger.warning("catching up at start failed; the follower goes on", metadata: ["error": "\(error)"]) }
        Self.follow(store, reports: reports, logger: logger)
        // What each structure costs (BENCHMARKS.md's memory table is made from this line):
        // counted after start, beside the first requests (a walk over every record).
        let index = source.index, memoryLog = logger
        @Sendable func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
        DispatchQueue.global(qos: .utility).async {
            let released = ProcessMemory.releaseFreePages()
            let costs = index.loadCosts
            let indexed = costs.reduce(0) { $0 + $1.totalBytes }
            var memory: Logger.Metadata = [:]
            for cost in costs {
                memory["\(cost.layer)"] = "\(cost.features) features: records \(mb(cost.recordBytes)) MB, values \(mb(cost.valueBytes)) MB, geometry \(mb(cost.geometryBytes)) MB, index \(mb(cost.indexBytes)) MB, \(cost.bytesPerFeature) B a feature; read \(String(format: "%.2f", cost.readSeconds)) s, indexed \(String(format: "%.2f", cost.indexSeconds)) s"
            }
            memory["layers_mb"] = "\(mb(indexed))"
            memory["map_resident_mb"] = "\((sourceMemory - startMemory) >> 20)"
            memory["resident_mb"] = "\(ProcessMemory.residentBytes() >> 20)"
            memory["free_pages_released_mb"] = "\(released >> 20)"
            memoryLog.info("memory", metadata: memory)
        }
        // Low zooms draw the roads generalised (tiles/README.md): built in the background
        // now, not on the first tile a user asks for at each zoom.
        let renderer = live.renderer, roadLog = logger
        DispatchQueue.global(qos: .utility).async {
            let built = renderer.prepareGeneralisedRoads()
            guard !built.isEmpty else { return }
            roadLog.info("generalised roads ready", metadata: [
                "zooms": "\(built.map { "z\($0.zoom)=\($0.segments)" }.joined(separator: ","))",
                "seconds": "\(String(format: "%.2f", built.reduce(0) { $0 + $1.seconds }))",
            ])
        }
        // The driving graph is built after start, beside the first requests (a city's takes
        // about 2 s; a route asked meanwhile waits for it), then its contraction hierarchy
        // (fastest routes use A* until it is ready: seconds to minutes on a city).
        let log = logger, loadedSnapshot = source.index.snapshot, driveProfile = RoadProfile.drive.with(access: planning.roadAccess)
        DispatchQueue.global(qos: .userInitiated).async {
            let started = Date()
            let roads = loadedSnapshot.loadedLayers.contains(.roads) ? (try? loadedSnapshot.allFeatures(.roads)) ?? [] : []
            let drive = RoadGraph(roads: roads, profile: driveProfile)
            networks.provideDrive(drive)
            log.info("driving graph ready", metadata: ["seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
                                                      "pieces": "\(drive.pieceCount)", "graph_mb": "\(mb(drive.heldBytes))"])
            guard drive.pieceCount > 0 else { return }
            let hierarchyStarted = Date(), before = ProcessMemory.residentBytes()
            let fast = drive.withHierarchy()
            networks.graphs.withLock { $0["drive"] = fast }
            // Contraction's scratch (every node's arc lists) is freed by now; give its pages back.
            let released = ProcessMemory.releaseFreePages()
            log.info("road hierarchy ready", metadata: ["seconds": "\(String(format: "%.1f", Date().timeIntervalSince(hierarchyStarted)))",
                                                        "shortcuts": "\(fast.hierarchy?.shortcutCount ?? 0)",
                                                        "hierarchy_mb": "\((fast.hierarchy?.heldBytes ?? 0) >> 20)",
                                                        "resident_added_mb": "\((ProcessMemory.residentBytes() - before) >> 20)",
                                                        "free_pages_released_mb": "\(released >> 20)"])
        }
    }

    var snapshot: IndexSnapshot { live.index.snapshot }

    /// Applies what others log to the store (other replicas of a database, the command line
    /// writing to a file), on a thread of its own: at each notification the store passes on,
    /// and at least once a second (a missed notification is caught up by change number).
    /// Ends when the service is gone.
    static func follow(_ store: any LayerStore, reports: FieldReports, logger: Logger) {
        let wake = DispatchSemaphore(value: 0)
        store.watchChanges { wake.signal() }
        weak let weakReports = reports
        let thread = Thread {
            var failing = false
            while let reports = weakReports {
                do {
                    let read = try reports.applyChangesFromElsewhere()
                    if failing {
                        logger.info("store reachable again: caught up", metadata: ["changes": "\(read)", "change": "\(reports.appliedChange)"])
                        failing = false
                    }
                } catch {
                    if !failing { logger.warning("cannot follow the store's change log; retrying every second", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                _ = wake.wait(timeout: .now() + 1)
            }
        }
        thread.name = "onemap-follow"
        thread.start()
    }

    /// What `/health` says: the map, the features loaded, the change number applied, the
    /// store's newest change and how many this server is behind it (a replica of a database
    /// catching up; a moment after a write of its own).
    func health() -> JSONValue {
        let snapshot = snapshot
        let applied = reports.appliedChange
        var members = [
            JSONMember("status", .string("ok")),
            JSONMember("map", .string(live.mapKey)),
            JSONMember("features", .object(snapshot.loadedLayers.map { JSONMember($0.tableName, .number(Double(snapshot.count($0)))) })),
            JSONMember("change", .number(Double(applied))),
        ]
        if let newest = try? store.lastChangeNumber() {
            members += [JSONMember("store", .string("reachable")), JSONMember("store_change", .number(Double(newest))),
                        JSONMember("lag", .number(Double(max(0, newest - applied))))]
        } else {
            members.append(JSONMember("store", .string("unavailable")))
        }
        return .object(members)
    }

    /// Where the tile caches go, without `.tiles.mbtiles`: beside the GeoPackage (or in the
    /// cache directory); for a database, in the cache directory under the database's name,
    /// else in a new temporary folder (each replica needs caches of its own).
    static func cacheStem(_ options: ServiceOptions) throws -> String {
        if !Stores.isDatabase(options.dataPath) {
            let base = options.cacheDirectory.map { URL(fileURLWithPath: $0).appendingPathComponent(URL(fileURLWithPath: options.dataPath).lastPathComponent).path }
                ?? options.dataPath
            return base.hasSuffix(".gpkg") ? String(base.dropLast(5)) : base
        }
        let name = Stores.databaseName(options.dataPath) ?? "onemap"
        let safe = String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? Character($0) : "_" })
        let folder: String
        if let directory = options.cacheDirectory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            folder = directory
        } else {
            let made = FileManager.default.temporaryDirectory.appendingPathComponent("onemap-cache-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
            folder = made.path
        }
        return URL(fileURLWithPath: folder).appendingPathComponent("postgis-\(safe)").path
    }

    /// What `/collections` says of each layer loaded, as it is now.
    var collections: [CollectionInfo] { snapshot.loadedLayers.compactMap { collection($0) } }

    /// What `/collections/{layer}` says of `layer` now (nil when it is not loaded): count and
    /// extent from the index, and for hazards the first and last report time, found again
    /// only after the hazards changed.
    func collection(_ layer: Layer) -> CollectionInfo? {
        // The revision before the snapshot: a change between them makes the next call look again.
        let revision = live.layerRevisions[.hazards] ?? 0
        let snapshot = snapshot
        guard snapshot.loadedLayers.contains(layer) else { return nil }
        var interval: (String, String)?
        if layer == .hazards {
            interval = hazardSpan.withLock { cached in
                if let cached, cached.revision == revision { return cached.span }
                let span = (try? snapshot.allFeatures(.hazards)).flatMap { Timestamps.span($0, column: Layer.hazards.columnIndex("reported_at")) }
                    .map { ($0.first, $0.last) }
                cached = (revision, span)
                return span
            }
        }
        return CollectionInfo(layer: layer, count: snapshot.count(layer), extent: snapshot.extent(layer), interval: interval)
    }

    /// Reads the tokens file again (what SIGHUP does).
    public func reloadTokens(logger: Logger) { tokens.reload(logger: logger) }
}

/// The road graphs by profile name (roads are not edited over HTTP) and the planner's
/// resident samples, built on first use. The driving graph is built in the background from
/// start (``provideDrive(_:)``; asking for it before waits) and gains its contraction
/// hierarchy after; the walking one on its first use (a city's roads take seconds, and few
/// ask to walk).
final class Networks: Sendable {
    let live: LiveOneMap
    let planning: PlanningStandards
    let graphs: Mutex<[String: RoadGraph]>
    private let sampleCache: ResidentSampleCache
    /// Left once the driving graph is in ``graphs``.
    private let driveReady = DispatchGroup()

    init(live: LiveOneMap, planning: PlanningStandards) {
        self.live = live
        self.planning = planning
        graphs = Mutex([:])
        driveReady.enter()
        let walk = Mutex<RoadGraph?>(nil)
        sampleCache = ResidentSampleCache(live: live, standards: planning) {
            // The walking graph, built once: the roads are not edited over HTTP.
            try walk.withLock { graph in
                if let graph { return graph }
                let snapshot = live.index.snapshot
                let roads = snapshot.loadedLayers.contains(.roads) ? try snapshot.allFeatures(.roads) : []
                let made = RoadGraph(roads: roads, profile: RoadProfile.walk.with(access: planning.roadAccess))
                graph = made
                return made
            }
        }
    }

    /// The planner's samples for the grids now (rebuilt after the grids change).
    func residentSamples() throws -> ResidentSamples {
        guard let samples = try sampleCache.samples() else { throw QueryError.layerNotLoaded(.grids) }
        return samples
    }

    /// Nil when the map has no grids.
    func residentSamplesIfAny() throws -> ResidentSamples? { try sampleCache.samples() }

    /// Hands over the driving graph built at start; whoever waits for it goes on.
    func provideDrive(_ graph: RoadGraph) {
        graphs.withLock { $0["drive"] = graph }
        driveReady.leave()
    }

    func roadGraph(_ name: String) throws -> RoadGraph? {
        guard let profile = RoadProfile.named(name) else { return nil }
        if profile.name == "drive" { driveReady.wait() }
        return try graphs.withLock { graphs in
            if let graph = graphs[name] { return graph }
            let snapshot = live.index.snapshot
            let roads = snapshot.loadedLayers.contains(.roads) ? try snapshot.allFeatures(.roads) : []
            let graph = RoadGraph(roads: roads, profile: profile.with(access: planning.roadAccess))
            graphs[name] = graph
            return graph
        }
    }
}

/// What `/collections` says of a layer: its extent in space (and in time for hazards).
struct CollectionInfo: Sendable {
    var layer: Layer
    var count: Int
    var extent: BoundingBox?
    /// First and last `reported_at`, for layers with times.
    var interval: (String, String)?

    /// Layers whose features carry a time that `datetime` filters on.
    static func timeColumn(of layer: Layer) -> String? { layer == .hazards ? "reported_at" : nil }
}

extension OneMapService {
    /// The index now, for tests that compare answers with the library's.
    public var snapshotForTests: IndexSnapshot { snapshot }
    /// The map now.
    public var modelForTests: RiskModel { live.model }
    public var rulesForTests: RiskRules { rules }
    /// Listeners of /events now.
    public var feedSubscribersForTests: Int { feed.subscriberCount }
    /// Tiles in the caches (both sizes).
    public var cacheCountForTests: Int { get throws { try caches.reduce(0) { $0 + (try $1.count()) } } }
}
