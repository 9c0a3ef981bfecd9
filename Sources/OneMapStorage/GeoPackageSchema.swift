/// SQL for the GeoPackage core tables (OGC 12-128r18, version 1.2) and for OneMap's
/// layer tables with the R-tree spatial index extension.
enum GeoPackageSchema {
    /// 'GPKG' as a big-endian 32-bit integer, the SQLite application_id of a GeoPackage.
    static let applicationID: Int32 = 0x4750_4B47
    /// GeoPackage 1.2.0, whose R-tree triggers OneMap writes.
    static let userVersion = 10200

    static let wgs84WKT =
        #"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#

    static let core: [String] = [
        "PRAGMA application_id = \(applicationID)",
        "PRAGMA user_version = \(userVersion)",
        """
        CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
          srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
          organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)
        """,
        """
        INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
          ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
          ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
          ('WGS 84 geodetic', 4326, 'EPSG', 4326, '\(wgs84WKT)', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')
        """,
        """
        CREATE TABLE IF NOT EXISTS gpkg_contents (
          table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
          description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
          CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
          table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
          srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
          CONSTRAINT uk_gc_table_name UNIQUE (table_name),
          CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
          CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS gpkg_extensions (
          table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
          scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))
        """,
    ]

    /// The layer table, its registration and its R-tree with the GeoPackage 1.2 triggers.
    static func layer(_ layer: Layer) -> [String] {
        let columns = layer.columns.map { "\($0.name) \($0.kind.sqlType)" }.joined(separator: ", ")
        return featureTable(name: layer.tableName, title: layer.title, geometryType: layer.geometryRule.declaredType,
                            columns: "id TEXT NOT NULL UNIQUE, \(columns), properties TEXT")
    }

    /// A feature table in WGS84 with its registration and R-tree: `columns` is the SQL of
    /// the columns after `fid` and `geom`.
    static func featureTable(name t: String, title: String, geometryType: String, columns: String) -> [String] {
        let c = "geom"
        let rtree = "rtree_\(t)_\(c)"
        let bounds = "ST_MinX(NEW.\(c)), ST_MaxX(NEW.\(c)), ST_MinY(NEW.\(c)), ST_MaxY(NEW.\(c))"
        return [
            "CREATE TABLE \(t) (fid INTEGER PRIMARY KEY AUTOINCREMENT, \(c) \(geometryType) NOT NULL, \(columns))",
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES ('\(t)', 'features', '\(t)', '\(title.replacingOccurrences(of: "'", with: "''"))', 4326)",
            "INSERT INTO gpkg_geometry_columns VALUES ('\(t)', '\(c)', '\(geometryType)', 4326, 0, 0)",
            "INSERT INTO gpkg_extensions VALUES ('\(t)', '\(c)', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            "CREATE VIRTUAL TABLE \(rtree) USING rtree(id, minx, maxx, miny, maxy)",
            """
            CREATE TRIGGER \(rtree)_insert AFTER INSERT ON \(t) WHEN (new.\(c) NOT NULL AND NOT ST_IsEmpty(NEW.\(c)))
            BEGIN INSERT OR REPLACE INTO \(rtree) VALUES (NEW.fid, \(bounds)); END
            """,
            """
            CREATE TRIGGER \(rtree)_update1 AFTER UPDATE OF \(c) ON \(t) WHEN OLD.fid = NEW.fid AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c)))
            BEGIN INSERT OR REPLACE INTO \(rtree) VALUES (NEW.fid, \(bounds)); END
            """,
            """
            CREATE TRIGGER \(rtree)_update2 AFTER UPDATE OF \(c) ON \(t) WHEN OLD.fid = NEW.fid AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c)))
            BEGIN DELETE FROM \(rtree) WHERE id = OLD.fid; END
            """,
            """
            CREATE TRIGGER \(rtree)_update3 AFTER UPDATE ON \(t) WHEN OLD.fid != NEW.fid AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c)))
            BEGIN DELETE FROM \(rtree) WHERE id = OLD.fid; INSERT OR REPLACE INTO \(rtree) VALUES (NEW.fid, \(bounds)); END
            """,
            """
            CREATE TRIGGER \(rtree)_update4 AFTER UPDATE ON \(t) WHEN OLD.fid != NEW.fid AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c)))
            BEGIN DELETE FROM \(rtree) WHERE id IN (OLD.fid, NEW.fid); END
            """,
            """
            CREATE TRIGGER \(rtree)_delete AFTER DELETE ON \(t) WHEN old.\(c) NOT NULL
            BEGIN DELETE FROM \(rtree) WHERE id = OLD.fid; END
            """,
        ]
    }
}
