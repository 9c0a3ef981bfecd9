import Foundation
import Logging
import OneMapPostGIS

/// Opening a store by what `--data` names: a GeoPackage file, or a `postgres://` URL.
public enum Stores {
    /// Whether `data` names a PostgreSQL database rather than a file.
    public static func isDatabase(_ data: String) -> Bool { PostGISLocation.isLocation(data) }

    /// The database's name, when `data` is a `postgres://` URL.
    public static func databaseName(_ data: String) -> String? {
        isDatabase(data) ? (try? PostGISLocation(data))?.database : nil
    }

    /// The store `data` names, opened for writing: a GeoPackage in write-ahead-log mode, or
    /// a PostGIS database at this build's schema with a pool of `poolSize` connections.
    /// `listenAt`: a database's address for the notification listener when the pool's is
    /// pgbouncer in transaction mode.
    public static func open(_ data: String, poolSize: Int = 4, listenAt: String? = nil, logger: Logger = PostGISStore.quiet) throws -> any LayerStore {
        if isDatabase(data) {
            return try PostGISLiveStore(location: try PostGISLocation(data), poolSize: poolSize, listenAt: try listenAt.map { try PostGISLocation($0) },
                                        logger: logger)
        }
        let store = try GeoPackage(path: data, mode: .readWrite)
        try store.useWriteAheadLog()
        return store
    }

    /// The store `data` names, to read: a GeoPackage opened read-only, or a database (one
    /// connection per core).
    public static func openForReading(_ data: String) throws -> any LayerStore {
        if isDatabase(data) {
            return try PostGISLiveStore(location: try PostGISLocation(data), poolSize: max(1, ProcessInfo.processInfo.activeProcessorCount))
        }
        return try GeoPackage(path: data, mode: .readOnly)
    }

    /// The store `data` names, to write to: a GeoPackage as it is (its journal mode kept), or a
    /// database at this build's schema.
    public static func openForWriting(_ data: String) throws -> any LayerStore {
        if isDatabase(data) { return try PostGISLiveStore(location: try PostGISLocation(data), poolSize: 2) }
        return try GeoPackage(path: data, mode: .readWrite)
    }

    /// Every layer `store` has (of `wanted`; nil: all it has), read and indexed: a GeoPackage
    /// by its own fast path (both cores), a database layer by layer on as many connections as cores.
    public static func loadIndex(from store: any LayerStore, layers wanted: [Layer]? = nil) throws -> SpatialIndex {
        if let geoPackage = store as? GeoPackage { return try SpatialIndex.load(from: geoPackage, layers: wanted) }
        let present = try store.layers()
        let layers = (wanted ?? Layer.allCases).filter(present.contains)
        // A database's largest layer is read as two halves by feature id, on two connections.
        var pieces: [(layer: Layer, fids: ClosedRange<Int64>?)] = layers.map { ($0, nil) }
        if let database = store as? PostGISLiveStore {
            let sizes = try layers.map { (layer: $0, bounds: try database.fidBounds($0)) }
            if let largest = sizes.max(by: { ($0.bounds?.count ?? 0) < ($1.bounds?.count ?? 0) }), let bounds = largest.bounds,
               bounds.count >= SpatialIndex.splitAbove, let index = layers.firstIndex(of: largest.layer) {
                let middle = bounds.fids.lowerBound + (bounds.fids.upperBound - bounds.fids.lowerBound) / 2
                pieces[index] = (largest.layer, bounds.fids.lowerBound...middle)
                pieces.insert((largest.layer, (middle + 1)...bounds.fids.upperBound), at: index + 1)
            }
        }
        let read = try pieces.parallelMap { piece -> [LayerRecord] in
            if let database = store as? PostGISLiveStore { return try database.records(in: piece.layer, fids: piece.fids) }
            var records: [LayerRecord] = []
            try store.forEachRecord(in: piece.layer) { records.append($0) }
            return records
        }
        var records: [Layer: [LayerRecord]] = [:]
        for (piece, part) in zip(pieces, read) {
            if records[piece.layer] == nil { records[piece.layer] = part } else { records[piece.layer]?.append(contentsOf: part) }
        }
        return SpatialIndex(records: records)
    }
}
