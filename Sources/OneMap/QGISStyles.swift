/// QGIS styles written into a GeoPackage (`layer_styles`), from the tile style: the one map
/// opens in QGIS in its four colours. `risk build`, `demo` and `osm` call it.
public enum QGISStyles {
    /// Writes the styles of the layers `path` has; returns the layers styled.
    @discardableResult
    public static func write(to path: String, style: TileStyle) throws -> [String] {
        try write(into: GeoPackage(path: path, mode: .readWrite), style: style)
    }

    /// Writes the styles into a GeoPackage already open for writing.
    @discardableResult
    public static func write(into store: GeoPackage, style: TileStyle) throws -> [String] {
        let styles = QGISStyle.all(style).map { LayerStyles.Style(table: $0.table, name: $0.name, qml: $0.qml, sld: $0.sld) }
        return try store.write { try LayerStyles.write(styles, in: $0) }
    }
}
