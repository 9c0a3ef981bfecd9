import OneMapRisk
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
        version2,
        version3,
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

    /// Version 2: OneMap's own tables beside the layers: the commander's incidents (their
    /// places, zones and report chains), the stored risk-map versions with their areas, and
    /// the photos of hazards and incident reports with their mapping tables (as the
    /// GeoPackage's Related Tables: `base_id` is the owner's `fid`, `related_id` the photo's `id`).
    static var version2: [String] { (IncidentTables.all + riskTables).flatMap(auxiliaryTable) + media }

    static var media: [String] {
        let m = MediaTables.media
        let columns = MediaTables.columns.map { column in
            column.name == "id" ? "id bigserial PRIMARY KEY" : "\(column.name) \(columnType(column.sql))"
        }
        return ["CREATE TABLE \(m) (\(columns.joined(separator: ", ")))",
                "COMMENT ON TABLE \(m) IS 'Photos of hazards and incident reports (bytes, type, size, where and when taken, who sent them)'"]
            + MediaTables.columns.map { "COMMENT ON COLUMN \(m).\($0.name) IS \(literal($0.meaning))" }
            + MediaTables.relations.flatMap { relation in [
                "CREATE TABLE \(relation.mapping) (base_id bigint NOT NULL, related_id bigint NOT NULL REFERENCES \(m) (id))",
                "CREATE INDEX \(relation.mapping)_base_idx ON \(relation.mapping) (base_id)",
                "COMMENT ON TABLE \(relation.mapping) IS \(literal("Which photos belong to which \(relation.base) row: base_id is its fid, related_id the photo's id"))",
            ] }
    }

    /// Version 3: edits other programs make to the layers (QGIS, psql, ogr2ogr) are logged as
    /// OneMap's own are, so every replica applies them: a trigger on each layer appends one
    /// change-log row per row changed (author: the database user, role `database`; an id
    /// changed is the old id's delete and the new id's create) under the same advisory lock,
    /// and notifies. OneMap's own transactions say so (`SET LOCAL onemap.writer = 'onemap'`)
    /// and are logged by OneMap, once.
    static var version3: [String] {
        func feature(_ row: String) -> String {
            "json_build_object('type', 'Feature', 'id', \(row).id, 'geometry', ST_AsGeoJSON(\(row).geom)::json, 'properties', "
                + "(to_jsonb(\(row)) - 'fid' - 'geom' - 'id' - 'properties') || CASE WHEN json_typeof(\(row).properties) = 'object' THEN \(row).properties::jsonb ELSE '{}'::jsonb END)::text"
        }
        func log(_ id: String, _ operation: String, _ before: String, _ after: String) -> String {
            """
            INSERT INTO onemap_changes (changed_at, author, role, author_grid, layer, feature_id, operation, before, after, request_key)
              VALUES (to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), session_user, 'database', NULL, TG_TABLE_NAME,
                      \(id), '\(operation)', \(before), \(after), NULL) RETURNING fid INTO number;
              PERFORM pg_notify('\(PostGISLiveStore.channel)', number::text);
            """
        }
        let function = """
            CREATE FUNCTION onemap_log_edit() RETURNS trigger LANGUAGE plpgsql AS $body$
            DECLARE
              number bigint;
            BEGIN
              IF coalesce(current_setting('onemap.writer', true), '') = 'onemap' THEN RETURN NULL; END IF;
              PERFORM pg_advisory_xact_lock(\(PostGISLiveStore.changeLock));
              IF TG_OP = 'INSERT' THEN
                \(log("NEW.id", "create", "NULL", feature("NEW")))
              ELSIF TG_OP = 'DELETE' THEN
                \(log("OLD.id", "delete", feature("OLD"), "NULL"))
              ELSIF OLD.id IS DISTINCT FROM NEW.id THEN
                \(log("OLD.id", "delete", feature("OLD"), "NULL"))
                \(log("NEW.id", "create", "NULL", feature("NEW")))
              ELSE
                \(log("NEW.id", "update", feature("OLD"), feature("NEW")))
              END IF;
              RETURN NULL;
            END
            $body$
            """
        return [function, "COMMENT ON FUNCTION onemap_log_edit() IS 'OneMap: logs edits other programs make to a layer, so every replica applies them'"]
            + Layer.allCases.map { "CREATE TRIGGER \($0.tableName)_onemap_log AFTER INSERT OR UPDATE OR DELETE ON \($0.tableName) FOR EACH ROW EXECUTE FUNCTION onemap_log_edit()" }
    }

    /// The risk-map versions and their areas.
    public static let riskTables = [RiskVersionStore.versions, RiskVersionStore.areas]

    /// One of OneMap's own tables as in the GeoPackage: `fid bigserial`, a `geom
    /// geometry(Geometry, 4326)` with a GiST index for the ones with a place, the columns
    /// with PostgreSQL's types and the same constraints, the same indexes and meanings.
    static func auxiliaryTable(_ table: AuxiliaryTable) -> [String] {
        let t = table.name
        let columns = table.columns.map { "\($0.name) \(columnType($0.sql))" }
        let geometry = table.geometryType == nil ? [] : ["geom geometry(Geometry, 4326) NOT NULL"]
        return ["CREATE TABLE \(t) (" + (["fid bigserial PRIMARY KEY"] + geometry + columns).joined(separator: ", ") + ")"]
            + (table.geometryType == nil ? [] : ["CREATE INDEX \(t)_geom_idx ON \(t) USING gist (geom)"])
            + table.indexes.map { "CREATE INDEX \(t)_\($0.joined(separator: "_"))_idx ON \(t) (\($0.joined(separator: ", ")))" }
            + ["COMMENT ON TABLE \(t) IS \(literal(table.title))"]
            + table.columns.map { "COMMENT ON COLUMN \(t).\($0.name) IS \(literal($0.meaning))" }
    }

    /// A GeoPackage column's SQL (`INTEGER NOT NULL UNIQUE`) in PostgreSQL's types.
    static func columnType(_ sql: String) -> String {
        let words = sql.split(separator: " ").map(String.init)
        guard let first = words.first else { return "text" }
        let type = switch first.uppercased() {
        case "INTEGER": "bigint"
        case "REAL": "double precision"
        case "BLOB": "bytea"
        default: "text"
        }
        return ([type] + words.dropFirst()).joined(separator: " ")
    }

    /// PostgreSQL's type for an auxiliary column, as declared.
    static func auxiliaryType(_ column: AuxiliaryTable.Column) -> String {
        String(columnType(column.sql).prefix { $0 != " " })
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
