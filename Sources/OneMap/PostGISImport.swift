import Foundation
import OneMapPostGIS

/// `onemap import … --into postgres://…`: a source read, checked, mapped, transformed and
/// repaired exactly as into a GeoPackage — by the same ``Importer``, into a staging
/// GeoPackage in a temporary folder — then copied into the PostGIS layer in one transaction
/// (COPY). Derived fields follow the same rules: the staging file first receives what
/// they read from the database (its grids, for the hazards' `grid_code`; its hazards and,
/// when adding, its grids, for a grids import's recheck), and the hazards' codes a grids
/// import changes are written in the same transaction as the grids.
public enum PostGISImport {
    public struct Report: Sendable {
        public var report: ImportReport
        /// Seconds spent copying into the database (the rest: reading and checking the source).
        public var copySeconds: Double
    }

    public static func run(_ sourcePath: String, into location: PostGISLocation, options given: ImportOptions,
                           progress: (ImportProgress) -> Void = { _ in }) async throws -> Report {
        try await PostGISStore.using(location) { store in try await run(sourcePath, into: store, options: given, progress: progress) }
    }

    static func run(_ sourcePath: String, into store: PostGISStore, options given: ImportOptions,
                    progress: (ImportProgress) -> Void) async throws -> Report {
        try await store.requireCurrentSchema()
        var options = given
        // Rejects go where a GeoPackage import would put them: the working folder stands in
        // for the store's, named after the database.
        if options.rejectsPath == nil {
            let stem = URL(fileURLWithPath: sourcePath).deletingPathExtension().lastPathComponent
            options.rejectsPath = FileManager.default.currentDirectoryPath + "/\(store.location.database).\(stem).rejects.geojsonl"
        }
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("onemap-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let stagePath = staging.appendingPathComponent("stage.gpkg").path

        // What the derived fields read, from the database.
        var context: [Layer] = []
        if options.layer == .hazards { context = [.grids] }
        if options.layer == .grids { context = options.replace ? [.hazards] : [.hazards, .grids] }
        var present: [Layer: [LayerRecord]] = [:]
        for layer in context { present[layer] = try await store.records(in: layer) }
        let stage = try GeoPackage(path: stagePath, mode: .create)
        try stage.write { session in
            for layer in context {
                let writer = try session.writer(for: layer, replacing: true, bulk: true)
                for record in present[layer] ?? [] { try writer.insert(record) }
                try writer.finish()
            }
        }

        let report = try Importer.run(sourcePath, into: stagePath, options: options, progress: progress)

        // The layer's new features: what the staging file holds beyond what it was given.
        let given = Set((present[options.layer] ?? []).map(\.id))
        let imported = try stage.read { session in
            var list: [LayerRecord] = []
            try session.forEachRecord(in: options.layer) { if !given.contains($0.id) { list.append($0) } }
            return list
        }
        // A grids import changes the codes derived for hazards: the same changes, in the database.
        var codes: [(id: String, code: String?)] = []
        if options.layer == .grids, let before = present[.hazards] {
            let column = Layer.hazards.columnIndex("grid_code")
            let old = Dictionary(before.map { ($0.id, $0.value(column).string) }, uniquingKeysWith: { first, _ in first })
            try stage.read { session in
                try session.forEachRecord(in: .hazards) { hazard in
                    let code = hazard.value(column).string
                    if let was = old[hazard.id], was != code { codes.append((hazard.id, code)) }
                }
            }
        }
        let started = Date()
        try await store.copy(imported, into: options.layer, replacing: options.replace, gridCodes: codes)
        return Report(report: report, copySeconds: Date().timeIntervalSince(started))
    }
}

