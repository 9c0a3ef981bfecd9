import Foundation
import OneMap

/// The city-sized data every spatial benchmark queries: the generated Chifeng deployment
/// (1,000,000 hazards, 20,000 shelters), loaded once, and 10,000 seeded query points that
/// are also written out for the peer script (tools/bench_spatial_peer.py).
final class Fixture: Sendable {
    static let shared = Fixture()

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dataPath = ProcessInfo.processInfo.environment["ONEMAP_BENCH_DATA"]
        ?? repository.appendingPathComponent("data/generated/chifeng.gpkg").path
    static let pointsPath = repository.appendingPathComponent("data/generated/query-points.csv").path

    let snapshot: IndexSnapshot
    let hazards: [LayerRecord]
    let shelters: [LayerRecord]
    let hazardBoxes: [BoundingBox]
    let points: [Coordinate]
    /// Grid codes in sorted order; the polygon benchmark cycles through them.
    let gridCodes: [String]
    let loadSeconds: Double
    let shelterScan: [LinearScan.Located]
    let hazardScan: [LinearScan.Located]

    private init() {
        guard FileManager.default.fileExists(atPath: Self.dataPath) else {
            fatalError("""
                \(Self.dataPath) is missing; make it with: onemap demo --boundary data/chifeng_150400.gcj02.geojson \
                --scale 20 --hazards 1000000 --shelters 20000 --out data/generated/chifeng.gpkg (tools/bench-spatial.sh does)
                """)
        }
        let started = Date()
        let index = try! SpatialIndex.load(from: GeoPackage(path: Self.dataPath, mode: .readOnly),
                                           layers: [.hazards, .shelters, .grids])
        loadSeconds = Date().timeIntervalSince(started)
        snapshot = index.snapshot
        hazards = try! snapshot.allFeatures(.hazards)
        shelters = try! snapshot.allFeatures(.shelters)
        hazardBoxes = hazards.map { $0.geometry.boundingBox! }
        shelterScan = shelters.map(LinearScan.Located.init)
        hazardScan = hazards.map(LinearScan.Located.init)
        let codeColumn = Layer.grids.columns.firstIndex { $0.name == "code" }!
        gridCodes = try! snapshot.allFeatures(.grids).map { $0.values[codeColumn].description }.sorted()

        // Where grid workers and residents are: beside a random hazard, ~300 m away.
        var random = SeededRandom(seed: 2026)
        let pointHazards = hazards.compactMap { record -> Coordinate? in
            if case .point(let c) = record.geometry { return c }
            return nil
        }.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        points = (0..<10_000).map { _ in
            let c = random.element(pointHazards)
            return Coordinate(c.x + random.normal() * 0.0035, c.y + random.normal() * 0.0027)
        }
        let csv = "lon,lat\n" + points.map { String(format: "%.9f,%.9f", $0.x, $0.y) }.joined(separator: "\n") + "\n"
        try! csv.write(toFile: Self.pointsPath, atomically: true, encoding: .utf8)
        let hazardBytes = snapshot.indexByteCount(.hazards)
        print("""
            fixture: \(hazards.count) hazards, \(shelters.count) shelters, \(gridCodes.count) grids loaded in \
            \(String(format: "%.1f", loadSeconds)) s; hazard index \(hazardBytes / hazards.count) bytes/feature
            """)
    }

    /// The query box around a point: about 1 km × 1 km at Chifeng's latitude.
    static func box(around p: Coordinate) -> BoundingBox {
        BoundingBox(minX: p.x - 0.006, minY: p.y - 0.0045, maxX: p.x + 0.006, maxY: p.y + 0.0045)
    }
}
