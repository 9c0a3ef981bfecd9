import OneMap

/// The server's input checks reached from outside the module, for the fuzz targets: any
/// bytes must give a value or a problem, never a crash.
public enum ServerInputFuzzing {
    /// Parameters of every kind (as the endpoints declare them), and the hazards' columns
    /// as filters.
    static let declared: [ParameterSpec] = Routes.point + [
        .int("k", 1...100, default: 3, "k"), .int("offset", 0...Routes.maxOffset, default: 0, "offset"),
        .number("radius", 0...100_000, "radius"), .bool("open", default: false, "open"), .text("datetime", "datetime"),
        .choice("format", ["geojson", "html"], default: "geojson", "format"), .list("class", "class"), .box("bbox", "bbox"),
        .pair("from", "from"),
    ]

    /// A query string: parsed, checked, every declared value read, filters and `datetime` built.
    public static func query(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let params = try? Params(query: text, declared: declared, columns: Set(Layer.hazards.columns.map(\.name))) else { return }
        _ = try? params.point()
        _ = try? params.maybeInt("k"); _ = try? params.int("offset")
        _ = try? params.maybeDouble("radius"); _ = try? params.maybeBool("open")
        _ = try? params.maybeString("format"); _ = try? params.maybeList("class")
        _ = try? params.maybeBox(); _ = try? params.pair("from")
        _ = params.filters()
        if let datetime = try? params.maybeString("datetime") { _ = try? TimeInterval(parsing: datetime, column: "reported_at") }
    }

    /// A tile path `z/x/y` (y may end in `@2x`), each segment percent-decoded first.
    public static func tilePath(_ bytes: [UInt8]) {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return }
        let decoded = parts.map { Params.percentDecoded($0) }
        guard let z = decoded[0], let x = decoded[1], let y = decoded[2] else { return }
        if let (tile, scale) = try? Routes.tile(z: z, x: x, y: y) {
            guard (1...2).contains(scale), tile.z >= 0, tile.z <= TileID.maxZoom, tile.x >= 0, tile.x < 1 << tile.z, tile.y >= 0, tile.y < 1 << tile.z else {
                fatalError("tile \(z)/\(x)/\(y) accepted outside the pyramid")
            }
        }
    }
}
