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
                           progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }) async throws -> Report {
        try await PostGISStore.using(location) { store in try await run(sourcePath, into: store, options: given, progress: progress) }
    }

    static func run(_ sourcePath: String, into store: PostGISStore, options given: ImportOptions,
                    progress: @escaping @Sendable (ImportProgress) -> Void) async throws -> Report {
        try await store.requireCurrentSchema()
        var options = given
        // Rejects go where a GeoPackage import would put them: the working folder stands in
        // for the store's, named after the database.
        if options.rejectsPath == nil {
            let stem = URL(fileURLWithPath: sourcePath).deletingPathExtension().lastPathComponent
            options.rejectsPath = FileManager.default.currentDirectoryPath + "/\(store.location.database).\(stem).rejects.geojsonl"
        }
        // Grids are staged (their import rechecks every hazard's code); every other layer
        // streams from the source into COPY.
        if options.layer != .grids { return try await stream(sourcePath, into: store, options: options, progress: progress) }
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
        try await store.copy(imported, into: options.layer, replacing: options.replace, gridCodes: codes,
                             logging: [reload(options.layer)] + (codes.isEmpty ? [] : [reload(.hazards)]))
        return Report(report: report, copySeconds: Date().timeIntervalSince(started))
    }

    /// The change-log row of a bulk load: running replicas read the layer again.
    static func reload(_ layer: Layer) -> ChangeLog.Entry {
        ChangeLog.Entry(changedAt: Timestamps.now(), author: NSUserName(), role: "import", authorGrid: nil, layer: layer.tableName, featureID: "*",
                        operation: .reload, before: nil, after: nil, requestKey: nil)
    }

    /// Reads, checks and maps the source on a thread of its own (``Importer/stream``) while
    /// the records it hands over are copied, chunk by chunk, into the layer in one COPY: the
    /// import takes as long as the slower of the two, not their sum. Hazards without a
    /// `grid_code` take the code of the database's grid they lie in (``GridLocator``, the
    /// rule a GeoPackage import derives them by). A bad feature (without `--skip-invalid`)
    /// or a record the database refuses ends both and the layer stays as it was.
    static func stream(_ sourcePath: String, into store: PostGISStore, options: ImportOptions,
                       progress: @escaping @Sendable (ImportProgress) -> Void) async throws -> Report {
        let grids = options.layer == .hazards ? try await store.records(in: .grids) : []
        let channel = ChunkChannel(capacity: 8)
        let produced = ProducedReport()
        let producer = Thread {
            let column = Layer.hazards.columnIndex("grid_code")
            var chunk: [LayerRecord] = []
            chunk.reserveCapacity(ChunkChannel.chunk)
            var derived = 0
            do {
                let finder = grids.isEmpty ? nil : try SpatialIndex(records: [.grids: grids]).snapshot.gridLocator()
                var report = try Importer.stream(sourcePath, options: options, progress: progress) { record, _ in
                    var record = record
                    if let finder, record.value(column) == .null, let code = try finder.code(of: record.geometry) {
                        record.values[column] = .text(code)
                        derived += 1
                    }
                    chunk.append(record)
                    if chunk.count == ChunkChannel.chunk {
                        try channel.send(chunk)
                        chunk.removeAll(keepingCapacity: true)
                    }
                } finish: {
                    if !chunk.isEmpty { try channel.send(chunk) }
                }
                report.gridCodesDerived = derived
                produced.set(.success(report))
                channel.close(nil)
            } catch {
                produced.set(.failure(error))
                channel.close(error)
            }
        }
        producer.stackSize = 8 << 20
        let started = Date()
        producer.start()
        do {
            try await store.copy(chunks: { try channel.receive() }, into: options.layer, replacing: options.replace,
                                 logging: [reload(options.layer)])
        } catch {
            // The producer's own error (a bad feature) says more than the copy that it ended.
            channel.cancel(error)
            produced.wait()
            if case .failure(let own)? = produced.result { throw own }
            throw error
        }
        produced.wait()
        guard let result = produced.result else { throw CancellationError() }
        let report = try result.get()
        return Report(report: report, copySeconds: Date().timeIntervalSince(started))
    }
}

/// Chunks of records from the reading thread to the copy: at most `capacity` waiting (the
/// reader waits when the database is slower), ended by the reader, or by the copy failing.
final class ChunkChannel: @unchecked Sendable {
    static let chunk = 4096
    private let condition = NSCondition()
    private var queue: [[LayerRecord]] = []
    private var closed = false
    private var failure: (any Error)?
    private var cancelled: (any Error)?
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Hands a chunk over, waiting while `capacity` wait; throws once the copy has failed.
    func send(_ records: [LayerRecord]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, cancelled == nil { condition.wait() }
        if let cancelled { throw cancelled }
        queue.append(records)
        condition.broadcast()
    }

    /// The reader is done: with nil, every chunk was sent; else why it stopped.
    func close(_ error: (any Error)?) {
        condition.lock()
        closed = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The copy failed: the reader's next send throws.
    func cancel(_ error: any Error) {
        condition.lock()
        cancelled = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk, nil after the last; throws what stopped the reader.
    func receive() throws -> [LayerRecord]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !closed { condition.wait() }
        if !queue.isEmpty {
            condition.broadcast()
            return queue.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }
}

/// The reading thread's report, waited for by the copy's side.
final class ProducedReport: @unchecked Sendable {
    private let condition = NSCondition()
    private(set) var result: Result<ImportReport, any Error>?

    func set(_ value: Result<ImportReport, any Error>) {
        condition.lock()
        result = value
        condition.broadcast()
        condition.unlock()
    }

    func wait() {
        condition.lock()
        while result == nil { condition.wait() }
        condition.unlock()
    }
}

