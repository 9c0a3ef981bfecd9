// swift-tools-version:6.1
// OneMap: GIS risk mapping and spatial queries for emergency management.
//
// Read this file as the architecture diagram. Imports flow one way:
//   C libraries (CGEOS, CPROJ, CCairo, CZlib, CGDAL) → OneMapGeometry → OneMapOGR, OneMapStorage → OneMapIndex → OneMapRisk → OneMapTiles;
//   OneMapStorage → OneMapImport; → OneMapDemo → OneMap (the core façade) → OneMapServer → OneMapCLI → onemap (executable).
import PackageDescription

let package = Package(
    name: "OneMap",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "OneMap", targets: ["OneMap"]),
        .library(name: "OneMapFuzz", targets: ["OneMapFuzz"]),
        .executable(name: "onemap", targets: ["onemap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through Hummingbird; named for NIOHTTP1's parser errors (a 400, not a 500).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // SHA-256 of write tokens (the tokens file keeps only hashes).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // The PostGIS store (issue 19): PostgreSQL's wire protocol, COPY, LISTEN/NOTIFY.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // One door per C library: a module map and a shim header, nothing else.
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),

        // Geometry values, WKB, GeoPackage binary, GeoJSON, CRS transforms, geodesics.
        // GEOS/ and PROJ/ are the only Swift that imports CGEOS and CPROJ.
        .target(
            name: "OneMapGeometry", dependencies: ["CGEOS", "CPROJ"],
            // The JSON parser and byte stream are classes whose every byte read is a
            // dynamically checked access (swift_beginAccess: 9.5 % of a 1,000,000-point
            // import, perf). Each is used by one thread at a time and never re-entered;
            // release builds skip the check (debug builds and tests keep it).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // The GeoPackage store: schema, layers, R-tree index, ST_* functions, atomic writes.
        .target(
            name: "OneMapStorage",
            dependencies: [
                "OneMapGeometry", .product(name: "GRDB", package: "GRDB.swift"),
                // The raw SQLite API GRDB links, for the per-row insert and trigger-function paths.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // The PostGIS store: a PostgreSQL database with the six layers and the change log as
        // tables with geometry(…, 4326) columns, its schema made and migrated by version.
        .target(
            name: "OneMapPostGIS",
            dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapRisk", .product(name: "PostgresNIO", package: "postgres-nio")]),
        // Vector files through GDAL/OGR (Shapefile, KML, XLSX, OSM, FlatGeobuf, …): read and
        // written as OneMap geometries. The only Swift that imports CGDAL.
        .target(name: "OneMapOGR", dependencies: ["CGDAL", "OneMapGeometry"]),
        // Readers of outside data into the store: GeoJSON, GeoJSON sequences, CSV and
        // GeoPackage by OneMap's own readers, every other format through OneMapOGR.
        .target(
            name: "OneMapImport",
            dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapOGR", .product(name: "GRDB", package: "GRDB.swift")]),
        // In-memory spatial index (packed Hilbert R-tree), geodesic measures, queries, live updates.
        .target(name: "OneMapIndex", dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapWork"]),
        // The risk model: source levels (given, LEC, matrix) under configurable rules, area levels.
        .target(name: "OneMapRisk", dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapIndex", "OneMapWork"]),
        // Raster tiles of the one map: XYZ Web Mercator, drawn with cairo from an editable
        // style; the MBTiles cache and the seeder. The only Swift that imports CCairo.
        .target(
            name: "OneMapTiles",
            dependencies: ["CCairo", "CZlib", "OneMapGeometry", "OneMapStorage", "OneMapIndex", "OneMapRisk", "OneMapWork",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           // Cached tiles are held as NIO byte buffers, sent without a copy.
                           .product(name: "NIOCore", package: "swift-nio")]),
        // Bounded CPU work: a limit on heavy requests at once, time budgets that stop long loops.
        .target(name: "OneMapWork"),
        // The road graph, snapping and routes (A* over flat arrays), barriers.
        .target(name: "OneMapRouting", dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapIndex", "OneMapWork"]),
        // Planner analytics: shelter coverage, the safety-distance audit, siting of shelters, depots and fire stations.
        .target(name: "OneMapPlanning", dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapIndex", "OneMapRouting", "OneMapWork"]),
        // Any city's one map from an OpenStreetMap extract: roads, facilities, shelters,
        // hazards, boundaries and a lattice of grids with estimated residents, by an editable profile.
        .target(name: "OneMapOSM", dependencies: ["OneMapGeometry", "OneMapOGR", "OneMapStorage"]),
        // The commander's rules without I/O: incident kinds and zones (config), the report
        // chain and status lifecycle, and the Gaussian-plume threat zones of a toxic release.
        .target(name: "OneMapIncidents", dependencies: ["OneMapGeometry"]),
        // The seeded generator of demo and benchmark deployments.
        .target(name: "OneMapDemo", dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapRisk"]),
        // The default configuration (config/: tile style, risk rules, planning standards, OSM
        // profile), compiled into the binary so that it runs from any folder.
        .target(name: "OneMapDefaults", path: "config",
                resources: [.embedInCode("style.json"), .embedInCode("risk-rules.json"), .embedInCode("planning.json"), .embedInCode("osm-profile.json"),
                            .embedInCode("incidents.json"), .embedInCode("field.json")]),
        // The core façade the CLI and (later) the server wrap.
        .target(
            name: "OneMap",
            dependencies: ["OneMapGeometry", "OneMapStorage", "OneMapIndex", "OneMapRisk", "OneMapTiles", "OneMapRouting",
                           "OneMapPlanning", "OneMapImport", "OneMapOSM", "OneMapOGR", "OneMapDemo", "OneMapWork", "OneMapDefaults", "OneMapIncidents", "OneMapPostGIS", .product(name: "Crypto", package: "swift-crypto")]),
        // The HTTP service (Hummingbird 2): OGC API Features, queries, the one map, tiles,
        // reports from the field, the web map, metrics. A thin shell over OneMap.
        // The web map's page assets (web/: HTML, script, style), compiled into the binary.
        .target(name: "OneMapWeb", path: "web", exclude: [],
                resources: [.embedInCode("map.html"), .embedInCode("map.js"), .embedInCode("map.css"), .embedInCode("common.js"), .embedInCode("live.js"),
                            .embedInCode("field.html"), .embedInCode("field.js"), .embedInCode("field.css"),
                            .embedInCode("dashboard.html"), .embedInCode("dashboard.js"), .embedInCode("dashboard.css")]),
        .target(
            name: "OneMapServer",
            dependencies: ["OneMap", "OneMapWeb", .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")]),
        .target(
            name: "OneMapCLI",
            dependencies: ["OneMap", "OneMapServer", "OneMapPostGIS", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(name: "onemap", dependencies: ["OneMapCLI"]),
        // The fuzz targets (any bytes in, an answer out, never a crash): run by the libFuzzer
        // harness in Tests/Fuzz (tools/fuzz.sh) and replayed over the corpora by the tests.
        .target(name: "OneMapFuzz", dependencies: ["OneMap", "OneMapServer"]),

        // Helpers shared by the test targets: temporary files, running commands, repository paths.
        .target(name: "OneMapTestSupport", dependencies: ["OneMap"]),

        .testTarget(name: "OneMapGeometryTests", dependencies: ["OneMapGeometry", "OneMapTestSupport"]),
        .testTarget(name: "OneMapStorageTests", dependencies: ["OneMapStorage", "OneMapTestSupport"]),
        .testTarget(name: "OneMapPostGISTests", dependencies: ["OneMapPostGIS", "OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapIndexTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapRiskTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapTilesTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapRoutingTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapPlanningTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapImportTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapWorkTests", dependencies: ["OneMapWork"]),
        .testTarget(name: "OneMapFieldReportsTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        .testTarget(name: "OneMapIncidentsTests", dependencies: ["OneMap", "OneMapIncidents", "OneMapTestSupport"]),
        .testTarget(name: "OneMapServerTests", dependencies: ["OneMapServer", "OneMapFuzz", "OneMapTestSupport"]),
        .testTarget(name: "OneMapDemoTests", dependencies: ["OneMap", "OneMapTestSupport"]),
        // Depends on the executable so `swift test` builds it; the tests run the real binary.
        .testTarget(name: "OneMapCLITests", dependencies: ["onemap", "OneMapTestSupport"]),
    ]
)
