import Foundation
import GRDB
import OneMapGeometry

/// Photos of hazards and of incident reports, kept in the GeoPackage by the OGC GeoPackage
/// Related Tables Extension (OGC 18-000, schema version 6): one media table (`id`, `data`,
/// `content_type`, and what OneMap knows of each photo), one mapping table per base table
/// (`base_id` → the base row's `fid`, `related_id` → the photo's `id`), each relation a row
/// of `gpkgext_relations` and the extension registered in `gpkg_extensions`, so GDAL
/// (`ogrinfo`, `GetRelationshipNames`) and QGIS see the relation.
public enum MediaTables {
    public static let media = "onemap_media"
    public static let extensionName = "gpkg_related_tables"
    public static let definition = "http://www.opengis.net/doc/IS/gpkg-rte/1.0"

    /// A relation from a base table to the photos.
    public struct Relation: Sendable, Equatable {
        /// The base table (`hazards`, `incident_reports`).
        public var base: String
        /// The mapping table: `<base>_media`.
        public var mapping: String { base + "_media" }
    }

    public static let hazards = Relation(base: "hazards")
    public static let incidentReports = Relation(base: "incident_reports")
    public static let relations = [hazards, incidentReports]

    /// The columns of the media table after `id`, `data`, `content_type`, for docs/SCHEMA.md.
    public static let columns: [AuxiliaryTable.Column] = [
        .init("id", "INTEGER PRIMARY KEY AUTOINCREMENT", "The photo's number (the relation's related_id)"),
        .init("data", "BLOB NOT NULL", "The image: JPEG or PNG, EXIF and text chunks stripped"),
        .init("content_type", "TEXT NOT NULL", "image/jpeg or image/png"),
        .init("bytes", "INTEGER NOT NULL", "Size of data"),
        .init("width", "INTEGER", "Pixels across"),
        .init("height", "INTEGER", "Pixels down"),
        .init("sha256", "TEXT NOT NULL", "SHA-256 of data, hex"),
        .init("taken_at", "TEXT", "When it was taken (EXIF DateTimeOriginal, as written by the camera)"),
        .init("longitude", "REAL", "Where it was taken (EXIF GPS), WGS84"),
        .init("latitude", "REAL", "Where it was taken (EXIF GPS), WGS84"),
        .init("uploaded_by", "TEXT NOT NULL", "Who sent it (the token's holder)"),
        .init("uploaded_at", "TEXT NOT NULL", "When it was stored (RFC 3339, UTC)"),
    ]

    /// One stored photo's description (its bytes apart).
    public struct Photo: Sendable, Equatable {
        public var number: Int64
        public var contentType: String
        public var bytes: Int
        public var width: Int?
        public var height: Int?
        public var sha256: String
        public var takenAt: String?
        public var longitude: Double?
        public var latitude: Double?
        public var uploadedBy: String
        public var uploadedAt: String

        public init(number: Int64 = 0, contentType: String, bytes: Int, width: Int?, height: Int?, sha256: String, takenAt: String?,
                    longitude: Double?, latitude: Double?, uploadedBy: String, uploadedAt: String) {
            self.number = number
            self.contentType = contentType
            self.bytes = bytes
            self.width = width
            self.height = height
            self.sha256 = sha256
            self.takenAt = takenAt
            self.longitude = longitude
            self.latitude = latitude
            self.uploadedBy = uploadedBy
            self.uploadedAt = uploadedAt
        }
    }

    /// Creates the media table, the mapping tables, `gpkgext_relations` and their
    /// registrations, each unless the file has it.
    static func install(_ session: WriteSession) throws {
        let db = session.db
        if try !db.tableExists(media) {
            try db.execute(sql: "CREATE TABLE \(media) (\(columns.map { "\($0.name) \($0.sql)" }.joined(separator: ", ")))")
            try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?, 'attributes', ?, ?)",
                           arguments: [media, media, "Photos of hazards and incident reports (OGC Related Tables Extension: media)"])
        }
        if try !db.tableExists("gpkgext_relations") {
            try db.execute(sql: """
                CREATE TABLE gpkgext_relations (id INTEGER PRIMARY KEY AUTOINCREMENT, base_table_name TEXT NOT NULL,
                  base_primary_column TEXT NOT NULL DEFAULT 'id', related_table_name TEXT NOT NULL,
                  related_primary_column TEXT NOT NULL DEFAULT 'id', relation_name TEXT NOT NULL, mapping_table_name TEXT NOT NULL UNIQUE)
                """)
        }
        try register("gpkgext_relations", db)
        for relation in relations {
            if try !db.tableExists(relation.mapping) {
                try db.execute(sql: "CREATE TABLE \(relation.mapping) (base_id INTEGER NOT NULL, related_id INTEGER NOT NULL)")
                try db.execute(sql: "CREATE INDEX \(relation.mapping)_base ON \(relation.mapping) (base_id)")
                try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?, 'attributes', ?, ?)",
                               arguments: [relation.mapping, relation.mapping, "Which photos belong to which \(relation.base) row (Related Tables mapping)"])
            }
            try register(relation.mapping, db)
            let known = try Int.fetchOne(db, sql: "SELECT count(*) FROM gpkgext_relations WHERE mapping_table_name = ?", arguments: [relation.mapping]) ?? 0
            if known == 0 {
                try db.execute(sql: """
                    INSERT INTO gpkgext_relations (base_table_name, base_primary_column, related_table_name, related_primary_column, relation_name, mapping_table_name)
                    VALUES (?, 'fid', ?, 'id', 'media', ?)
                    """, arguments: [relation.base, media, relation.mapping])
            }
        }
    }

    private static func register(_ table: String, _ db: Database) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, NULL, ?, ?, 'read-write')",
                       arguments: [table, extensionName, definition])
    }
}

extension WriteSession {
    /// Stores one photo and relates it to row `baseFID` of `relation`'s base table; returns its number.
    public func attach(_ data: [UInt8], photo: MediaTables.Photo, to relation: MediaTables.Relation, baseFID: Int64) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO \(MediaTables.media) (data, content_type, bytes, width, height, sha256, taken_at, longitude, latitude, uploaded_by, uploaded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Data(data), photo.contentType, photo.bytes, photo.width, photo.height, photo.sha256, photo.takenAt,
                             photo.longitude, photo.latitude, photo.uploadedBy, photo.uploadedAt])
        let number = db.lastInsertedRowID
        try db.execute(sql: "INSERT INTO \(relation.mapping) (base_id, related_id) VALUES (?, ?)", arguments: [baseFID, number])
        return number
    }

    /// The `fid` of the row with `id` in a layer table (nil when there is none).
    public func fid(in table: String, id: String) throws -> Int64? {
        try reader.fid(in: table, id: id)
    }
}

extension ReadSession {
    /// The `fid` of the row whose `column` is `value` (a layer's `id`, an incident report's key).
    public func fid(in table: String, id: String) throws -> Int64? {
        guard try db.tableExists(table) else { return nil }
        return try Int64.fetchOne(db, sql: "SELECT fid FROM \(table) WHERE id = ?", arguments: [id])
    }

    /// The `fid` of report `sequence` of incident `incident`.
    public func incidentReportFID(incident: String, sequence: Int) throws -> Int64? {
        guard try db.tableExists(IncidentTables.reports.name) else { return nil }
        return try Int64.fetchOne(db, sql: "SELECT fid FROM incident_reports WHERE incident_id = ? AND sequence = ?", arguments: [incident, sequence])
    }

    /// The photos of row `baseFID`, in the order they were stored (empty for a file without media).
    public func photos(of relation: MediaTables.Relation, baseFID: Int64) throws -> [MediaTables.Photo] {
        guard try db.tableExists(relation.mapping) else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT m.id, m.content_type, m.bytes, m.width, m.height, m.sha256, m.taken_at, m.longitude, m.latitude, m.uploaded_by, m.uploaded_at
            FROM \(relation.mapping) r JOIN \(MediaTables.media) m ON m.id = r.related_id WHERE r.base_id = ? ORDER BY m.id
            """, arguments: [baseFID])
        return rows.map {
            MediaTables.Photo(number: $0[0], contentType: $0[1], bytes: $0[2], width: $0[3], height: $0[4], sha256: $0[5], takenAt: $0[6],
                              longitude: $0[7], latitude: $0[8], uploadedBy: $0[9], uploadedAt: $0[10])
        }
    }

    /// The bytes and type of the `position`-th photo (1 for the first stored) of row `baseFID`.
    public func photoData(of relation: MediaTables.Relation, baseFID: Int64, position: Int) throws -> (data: [UInt8], contentType: String)? {
        guard position >= 1, try db.tableExists(relation.mapping) else { return nil }
        guard let row = try Row.fetchOne(db, sql: """
            SELECT m.data, m.content_type FROM \(relation.mapping) r JOIN \(MediaTables.media) m ON m.id = r.related_id
            WHERE r.base_id = ? ORDER BY m.id LIMIT 1 OFFSET ?
            """, arguments: [baseFID, position - 1]) else { return nil }
        let data: Data = row[0]
        return ([UInt8](data), row[1])
    }
}
