import Foundation
import GRDB
import NIOCore
import OneMapGeometry
import Synchronization

/// Rendered tiles kept in an MBTiles file (spec 1.3: SQLite with `metadata` and `tiles`,
/// rows counted from the south as in TMS), which GDAL and QGIS open.
///
/// The cache is keyed by the map it was drawn from (`onemap_map` in `metadata`): opened
/// for another map version it starts empty, while a live change to the current map drops
/// only the tiles it touches (``invalidate(_:)``). One file holds one tile size: 256 px,
/// or 512 px for `@2x`.
public final class MBTilesCache: Sendable {
    public let path: String
    /// 1 for 256-px tiles, 2 for 512-px tiles.
    public let scale: Int
    private let queue: DatabaseQueue
    /// The most recently used tiles in memory, in front of the file: a server answers most
    /// requests from a few thousand tiles, and SQLite reads through one queue serialise.
    private let hot = Mutex(HotTiles(limit: 4096, byteLimit: 64 << 20))
    /// Most tiles the file keeps (nil: no limit). Beyond it, the least recently used tenth
    /// is dropped: tiles drawn on demand for any zoom and place must not fill the disk.
    public let maxTiles: Int?

    /// Opens or creates the cache at `path` for the map called `mapKey` (a version and
    /// revision, say `v3.r12`) drawn with the style whose digest is `style`. Tiles of
    /// another map or style are dropped.
    public init(path: String, mapKey: String, style: String = "", scale: Int = 1, name: String = "OneMap four-colour risk map", maxTiles: Int? = nil) throws {
        guard scale == 1 || scale == 2 else { throw TileError.badScale(scale) }
        self.maxTiles = maxTiles
        self.path = path
        self.scale = scale
        do {
            queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS metadata (name TEXT NOT NULL, value TEXT);
                    CREATE UNIQUE INDEX IF NOT EXISTS metadata_name ON metadata (name);
                    CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL);
                    CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);
                    """)
                let meta = try Self.metadata(db)
                let size = String(256 * scale)
                if let existing = meta["onemap_tile_size"], existing != size {
                    throw TileError.cache(path: path, reason: "holds \(existing) px tiles, not \(size) px; use another file for this tile size")
                }
                if meta["onemap_map"] != mapKey || (meta["onemap_style"] ?? "") != style {
                    try db.execute(sql: "DELETE FROM tiles")
                    // What the metadata says it covers goes with the tiles (stores record it anew).
                    try db.execute(sql: "DELETE FROM metadata WHERE name IN ('minzoom', 'maxzoom', 'bounds', 'center')")
                }
                let values: [String: String] = [
                    "name": name, "format": "png", "type": "overlay", "version": "1",
                    "description": "四色安全风险分布图: risk areas, hazards, shelters and facilities, drawn by OneMap",
                    "attribution": "OneMap", "onemap_map": mapKey, "onemap_style": style, "onemap_tile_size": size,
                ]
                for (key, value) in values where meta[key] != value || key == "onemap_map" {
                    try db.execute(sql: "INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", arguments: [key, value])
                }
            }
        } catch let error as DatabaseError {
            throw TileError.cache(path: path, reason: error.message ?? "\(error)")
        }
    }

    private static func metadata(_ db: Database) throws -> [String: String] {
        var meta: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, value FROM metadata") {
            if let name: String = row[0], let value: String = row[1] { meta[name] = value }
        }
        return meta
    }

    /// The map the cached tiles were drawn from.
    public var mapKey: String? {
        try? queue.read { try String.fetchOne($0, sql: "SELECT value FROM metadata WHERE name = 'onemap_map'") }
    }

    /// The cached tile's PNG bytes, or nil.
    public func tile(_ id: TileID) throws -> Data? {
        try stored(id).map { Data($0.bytes.readableBytesView) }
    }

    /// The cached tile as it is sent: its bytes held once (answers share them, no copy)
    /// and its ETag, computed when it came into memory, not per request.
    public func stored(_ id: TileID) throws -> StoredTile? {
        let (found, generation) = hot.withLock { hot in
            let found = hot.entries[id]
            if found != nil { hot.touch(id) }
            return (found, hot.generation)
        }
        if let found { return found }
        let data = try queue.read { db in
            let statement = try db.cachedStatement(sql: "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?")
            return try Data.fetchOne(statement, arguments: [id.z, id.x, (1 << id.z) - 1 - id.y])
        }
        guard let data else { return nil }
        let tile = StoredTile(data)
        // Not if an invalidation came between the read and now: the tile may be stale.
        hot.withLock { hot in
            hot.touch(id)
            if hot.generation == generation { hot.insert(id, tile) }
        }
        return tile
    }

    /// Stores tiles in one transaction, replacing any already cached. With `drawnFor`,
    /// only if the cache still belongs to that map: a tile drawn just before a change
    /// must not land after the change dropped its place. Returns whether it stored them.
    @discardableResult
    public func store(_ tiles: [(TileID, Data)], drawnFor mapKey: String? = nil) throws -> Bool {
        try store(tiles.map { ($0.0, StoredTile($0.1)) }, drawnFor: mapKey)
    }

    /// ``store(_:drawnFor:)`` of tiles already held for sending (a server keeps what it
    /// drew as it answers it: the bytes and ETag are made once).
    @discardableResult
    public func store(_ tiles: [(TileID, StoredTile)], drawnFor mapKey: String? = nil) throws -> Bool {
        guard !tiles.isEmpty else { return true }
        return try queue.write { db in
            if let mapKey, try String.fetchOne(db, sql: "SELECT value FROM metadata WHERE name = 'onemap_map'") != mapKey { return false }
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)")
            for (id, tile) in tiles { try statement.execute(arguments: [id.z, id.x, (1 << id.z) - 1 - id.y, tile.data]) }
            // Inside the write: an invalidation (also a write) cannot slip between the two.
            hot.withLock { hot in
                for (id, tile) in tiles {
                    hot.touch(id)
                    if tiles.count <= 16 { hot.insert(id, tile) }
                }
            }
            try Self.cover(tiles.map(\.0), in: db)
            if let maxTiles { try evict(db, keeping: maxTiles) }
            return true
        }
    }

    /// Widens `minzoom`, `maxzoom` and `bounds` in `metadata` to take in `tiles`, so what
    /// the file says it holds stays true as tiles are drawn on demand (GDAL reads the
    /// raster's size from them: a cache that said maxzoom 0 could not be opened).
    private static func cover(_ tiles: [TileID], in db: Database) throws {
        guard let first = tiles.first else { return }
        var low = first.z, high = first.z
        var box = BoundingBox.empty
        for tile in tiles {
            low = min(low, tile.z)
            high = max(high, tile.z)
            box.extend(tile.bounds)
        }
        let meta = try metadata(db)
        if let text = meta["minzoom"], let old = Int(text) { low = min(low, old) }
        if let text = meta["maxzoom"], let old = Int(text) { high = max(high, old) }
        if let text = meta["bounds"] {
            let parts = text.split(separator: ",").compactMap { Double($0) }
            if parts.count == 4 { box.extend(BoundingBox(minX: parts[0], minY: parts[1], maxX: parts[2], maxY: parts[3])) }
        }
        let values = [
            "minzoom": String(low), "maxzoom": String(high),
            "bounds": String(format: "%.6f,%.6f,%.6f,%.6f", box.minX, box.minY, box.maxX, box.maxY),
        ]
        for (key, value) in values where meta[key] != value {
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    /// Drops the cached tiles meeting any of `boxes` (lon/lat) grown by `margin` pixels
    /// (symbols reach beyond their features) at every zoom, and records the cache as
    /// belonging to `mapKey` now. Returns how many were dropped.
    @discardableResult
    public func invalidate(_ boxes: [BoundingBox], margin: Double, now mapKey: String) throws -> Int {
        try queue.write { db in
            var dropped = 0
            hot.withLock { hot in
                hot.generation += 1
                for box in boxes { hot.remove { TileID.tileRange(box, zoom: $0.z, margin: margin).x.contains($0.x) && TileID.tileRange(box, zoom: $0.z, margin: margin).y.contains($0.y) } }
            }
            let zooms = try Int.fetchAll(db, sql: "SELECT DISTINCT zoom_level FROM tiles")
            for box in boxes {
                for z in zooms {
                    let range = TileID.tileRange(box, zoom: z, margin: margin)
                    let n = 1 << z
                    try db.execute(sql: "DELETE FROM tiles WHERE zoom_level = ? AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?",
                                   arguments: [z, range.x.lowerBound, range.x.upperBound, n - 1 - range.y.upperBound, n - 1 - range.y.lowerBound])
                    dropped += db.changesCount
                }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (name, value) VALUES ('onemap_map', ?)", arguments: [mapKey])
            return dropped
        }
    }

    /// Drops every tile and keys the file to `mapKey`: for a change that touches the whole
    /// map (the first overdue look at start), where finding each tile it touches costs more
    /// than drawing them again. Returns how many were dropped.
    @discardableResult
    public func clear(now mapKey: String) throws -> Int {
        try queue.write { db in
            hot.withLock { hot in
                hot.generation += 1
                hot.remove { _ in true }
            }
            try db.execute(sql: "DELETE FROM tiles")
            let dropped = db.changesCount
            try db.execute(sql: "INSERT OR REPLACE INTO metadata (name, value) VALUES ('onemap_map', ?)", arguments: [mapKey])
            return dropped
        }
    }

    /// Drops the least recently used tiles once the file holds more than `limit`, down to
    /// nine tenths of it (so eviction runs once per tenth, not on every store). Recency is
    /// what this process has served or stored; tiles untouched since it started go first,
    /// oldest stored first.
    private func evict(_ db: Database, keeping limit: Int) throws {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM tiles") ?? 0
        guard count > limit else { return }
        let keep = max(0, limit - limit / 10)
        let rows = try Row.fetchAll(db, sql: "SELECT rowid, zoom_level, tile_column, tile_row FROM tiles")
        let uses = hot.withLock { $0.uses }
        var ranked: [(use: UInt64, rowid: Int64, id: TileID?)] = rows.map { row in
            let z: Int = row[1], x: Int = row[2], tmsRow: Int = row[3]
            let id = (0...TileID.maxZoom).contains(z) ? try? TileID(z: z, x: x, y: (1 << z) - 1 - tmsRow) : nil
            return (id.flatMap { uses[$0] } ?? 0, row[0], id)
        }
        ranked.sort { ($0.use, $0.rowid) < ($1.use, $1.rowid) }
        let victims = ranked.prefix(count - keep)
        let statement = try db.makeStatement(sql: "DELETE FROM tiles WHERE rowid = ?")
        for victim in victims { try statement.execute(arguments: [victim.rowid]) }
        hot.withLock { hot in
            for victim in victims {
                guard let id = victim.id else { continue }
                hot.drop(id)
                hot.uses[id] = nil
            }
        }
    }

    /// Bytes of tiles held in memory in front of the file (at most 64 MB).
    public var heldBytes: Int { hot.withLock { $0.bytes } }

    /// Number of cached tiles.
    public func count() throws -> Int {
        try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM tiles") ?? 0 }
    }

    /// Records the extent and zoom range the cache covers (after seeding) in `metadata`.
    public func describe(bounds box: BoundingBox, zooms: ClosedRange<Int>) throws {
        try queue.write { db in
            let meta = try Self.metadata(db)
            let minZoom = min(zooms.lowerBound, Int(meta["minzoom"] ?? "") ?? zooms.lowerBound)
            let maxZoom = max(zooms.upperBound, Int(meta["maxzoom"] ?? "") ?? zooms.upperBound)
            let values = [
                "bounds": String(format: "%.6f,%.6f,%.6f,%.6f", box.minX, box.minY, box.maxX, box.maxY),
                "center": String(format: "%.6f,%.6f,%d", (box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2, zooms.lowerBound),
                "minzoom": String(minZoom), "maxzoom": String(maxZoom),
            ]
            for (key, value) in values {
                try db.execute(sql: "INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
    }
}

/// A tile as a server sends it: the PNG bytes in a buffer every answer shares (NIO sends
/// a `ByteBuffer` without copying it), and the quoted ETag (FNV-1a of the bytes).
public struct StoredTile: Sendable {
    public let bytes: ByteBuffer
    public let etag: String

    public init(_ png: some Collection<UInt8>) {
        bytes = ByteBuffer(bytes: png)
        etag = bytes.withUnsafeReadableBytes { "\"" + FNV1a.hex($0) + "\"" }
    }

    /// The bytes as `Data` (a copy; for callers that are not sending them).
    public var data: Data { Data(bytes.readableBytesView) }
}

/// A bounded map of tiles with first-in, first-out eviction, at most `limit` tiles and
/// `byteLimit` bytes (a dense tile is 160 KB, a sparse one 1 KB).
private struct HotTiles {
    let limit: Int
    let byteLimit: Int
    var entries: [TileID: StoredTile] = [:]
    var bytes = 0
    var order: [TileID] = []
    var head = 0
    /// Counts invalidations, so a read that straddles one does not keep what it read.
    var generation = 0
    /// When each tile was last served or stored (a tick of this process), for eviction.
    var uses: [TileID: UInt64] = [:]
    var tick: UInt64 = 0

    mutating func touch(_ id: TileID) {
        tick &+= 1
        uses[id] = tick
    }

    init(limit: Int, byteLimit: Int) {
        self.limit = limit
        self.byteLimit = byteLimit
    }

    mutating func insert(_ id: TileID, _ tile: StoredTile) {
        if let old = entries.updateValue(tile, forKey: id) {
            bytes -= old.bytes.readableBytes
        } else {
            order.append(id)
        }
        bytes += tile.bytes.readableBytes
        while entries.count > limit || bytes > byteLimit, head < order.count {
            drop(order[head])
            head += 1
        }
        if head > limit {
            order.removeFirst(head)
            head = 0
        }
    }

    mutating func drop(_ id: TileID) {
        if let old = entries.removeValue(forKey: id) { bytes -= old.bytes.readableBytes }
    }

    mutating func remove(where drop: (TileID) -> Bool) {
        for id in entries.keys where drop(id) { self.drop(id) }
    }
}
