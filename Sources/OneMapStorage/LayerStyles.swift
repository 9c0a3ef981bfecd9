import GRDB

/// The `layer_styles` table QGIS reads a GeoPackage layer's default style from (and
/// writes when a user saves a style into the file): QML for QGIS, SLD for other clients.
public enum LayerStyles {
    /// QGIS's own definition (it looks rows up by catalog '', schema '', table and geometry
    /// column, and lists them by `id`), registered as an attributes table.
    static let definition = """
        CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
          f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN,
          description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))
        """

    /// One layer's style.
    public struct Style: Sendable {
        public var table: String
        public var name: String
        public var qml: String
        public var sld: String
        public init(table: String, name: String, qml: String, sld: String) {
            (self.table, self.name, self.qml, self.sld) = (table, name, qml, sld)
        }
    }

    /// Writes OneMap's style of each layer the file has as its default, replacing OneMap's
    /// earlier one and leaving styles users saved (other names) alone, except that only
    /// one style per layer is the default. Returns the layers styled.
    @discardableResult
    public static func write(_ styles: [Style], in session: WriteSession) throws -> [String] {
        let db = session.db
        if try !db.tableExists("layer_styles") {
            try db.execute(sql: definition)
            try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('layer_styles', 'attributes', 'layer_styles', 'Layer styles (QGIS)')")
        }
        var styled: [String] = []
        for style in styles where try db.tableExists(style.table) {
            try db.execute(sql: "DELETE FROM layer_styles WHERE f_table_name = ? AND owner = 'OneMap'", arguments: [style.table])
            try db.execute(sql: "UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ?", arguments: [style.table])
            try db.execute(sql: """
                INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui)
                VALUES ('', '', ?, 'geom', ?, ?, ?, 1, ?, 'OneMap', '')
                """, arguments: [style.table, style.name, style.qml, style.sld, "\(style.name), from OneMap's tile style"])
            styled.append(style.table)
        }
        return styled
    }
}
