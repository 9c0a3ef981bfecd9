import OneMapStorage

/// The PostGIS schema, as numbered migrations: a database is at the version of the last
/// one applied (`onemap_metadata.schema_version`), and `onemap db init` applies the rest in
/// one transaction. A migration, once released, never changes: a new need is a new one.
///
/// The tables are what a PostGIS user expects and QGIS opens and edits: one per layer,
/// `fid bigserial` primary key, `geom geometry(<type>, 4326)` with a GiST index, the
/// feature's `id` unique, the layer's typed columns (as in the GeoPackage; times stay
/// RFC 3339 text, as reporters wrote them, offset and all), `properties` as `json` (kept as
/// written, key order too); comments carry each table's title and each column's meaning.
public enum PostGISSchema {
    /// The version a database has after every migration here.
    public static var current: Int { migrations.count }

    /// Migration `n` is `migrations[n - 1]`: the SQL statements that bring version n − 1 to n.
    public static let migrations: [[String]] = [
        version1,
    ]

    /// Version 1: PostGIS, the metadata, the six layers, the change log.
    static var version1: [String] {
        var statements = [
            "CREATE EXTENSION IF NOT EXISTS postgis",
            "CREATE TABLE onemap_metadata (key text PRIMARY KEY, value text NOT NULL)",
            "COMMENT ON TABLE onemap_metadata IS 'OneMap: what this database holds (schema_version, …)'",
        ]
        for layer in Layer.allCases { statements += layerTable(layer) }
        statements += changeLog
        return statements
    }

    /// The table of `layer`, its indexes and comments.
    static func layerTable(_ layer: Layer) -> [String] {
        let t = layer.tableName
        let columns = layer.columns.map { "\($0.name) \(type($0.kind))" }.joined(separator: ", ")
        return [
            "CREATE TABLE \(t) (fid bigserial PRIMARY KEY, geom geometry(\(geometryType(layer.geometryRule)), 4326) NOT NULL, "
                + "id text NOT NULL UNIQUE, \(columns), properties json)",
            "CREATE INDEX \(t)_geom_idx ON \(t) USING gist (geom)",
            "COMMENT ON TABLE \(t) IS \(literal(layer.title))",
            "COMMENT ON COLUMN \(t).id IS 'The feature''s id, unique in the layer'",
            "COMMENT ON COLUMN \(t).properties IS 'Other properties, as a JSON object'",
        ] + layer.columns.map { "COMMENT ON COLUMN \(t).\($0.name) IS \(literal($0.meaning))" }
    }

    /// The change log: one row per accepted edit, written in the edit's own transaction;
    /// `fid` is the change number every replica reads on from.
    static var changeLog: [String] {
        let table = ChangeLog.table
        let columns = table.columns.map { "\($0.name) \($0.sql.replacingOccurrences(of: "TEXT", with: "text"))" }.joined(separator: ", ")
        return ["CREATE TABLE \(table.name) (fid bigserial PRIMARY KEY, \(columns))",
                "COMMENT ON TABLE \(table.name) IS \(literal(table.title))"]
            + table.indexes.map { "CREATE INDEX \(table.name)_\($0.joined(separator: "_"))_idx ON \(table.name) (\($0.joined(separator: ", ")))" }
            + table.columns.map { "COMMENT ON COLUMN \(table.name).\($0.name) IS \(literal($0.meaning))" }
    }

    /// PostgreSQL's type for a typed column (the GeoPackage's, widened to 64 bits).
    static func type(_ kind: ColumnKind) -> String {
        switch kind {
        case .text, .timestamp: "text"
        case .integer, .oneway: "bigint"
        case .real, .speed: "double precision"
        case .vocabulary(let v): v.isNumeric ? "bigint" : "text"
        }
    }

    /// PostGIS's name for a layer's geometry type.
    static func geometryType(_ rule: GeometryRule) -> String {
        switch rule {
        case .any: "Geometry"
        case .point: "Point"
        case .lineString: "LineString"
        case .multiPolygon: "MultiPolygon"
        }
    }

    /// `text` as an SQL string literal.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
