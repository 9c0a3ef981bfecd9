import ArgumentParser
import Foundation
import OneMap

/// `onemap tiles …`: raster tiles of the one map.
struct Tiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Raster tiles of the one map (XYZ Web Mercator PNG, 256 px or 512 px @2x): render one, or seed an MBTiles cache.",
        subcommands: [Render.self, Seed.self])

    struct Drawing: ParsableArguments {
        @OptionGroup var making: Risk.Making
        @Option(help: "The style file (default: ONEMAP_STYLE, else config/style.json here, else the built-in style).")
        var style: String?
        @Option(help: "1 for 256-px tiles, 2 for 512-px (@2x) tiles.")
        var scale = 1
        @Flag(help: "Leave out the base under the risk colours (roads and administrative boundaries), as /tiles/…png?layers=risk does.")
        var riskOnly = false

        func load(progress: SharedProgress) throws -> TileMaps.Source {
            guard scale == 1 || scale == 2 else { throw ValidationError(TileError.badScale(scale).description) }
            let style = try TileMaps.style(path: self.style)
            return try TileMaps.load(path: making.data, rules: try making.loadRules(), unit: AreaUnit(parsing: making.unit), style: style) { done, all in
                progress.update("assessing hazards: \(done) / \(all)")
            }
        }
    }

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Render one tile Z/X/Y to a PNG file.")

        @OptionGroup var drawing: Drawing
        @Argument(help: ArgumentHelp("The tile, as z/x/y (XYZ scheme, y from the north).", valueName: "z/x/y"))
        var tile: String
        @Option(name: .shortAndLong, help: "The PNG file to write.")
        var output: String

        func run() throws {
            let parts = tile.split(separator: "/").map { Int($0) }
            guard parts.count == 3, let z = parts[0], let x = parts[1], let y = parts[2] else {
                throw ValidationError("'\(tile)' is not a tile: write z/x/y, e.g. 14/13387/6151")
            }
            let id: TileID
            do { id = try TileID(z: z, x: x, y: y) } catch { throw ValidationError(error.description) }
            let progress = SharedProgress(quiet: false)
            let source = try drawing.load(progress: progress)
            progress.finish()
            let png = try source.renderer.render(id, scale: drawing.scale, base: !drawing.riskOnly)
            try writeAtomically(png, to: output)
            print("\(id) → \(output) (\(png.count) bytes, map \(source.mapKey))")
        }
    }

    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a pyramid of tiles into an MBTiles cache on every core, with progress.")

        @OptionGroup var drawing: Drawing
        @Option(help: ArgumentHelp("Zoom levels, as A-B or one level.", valueName: "A-B"))
        var zooms: String
        @Option(help: ArgumentHelp("minLon,minLat,maxLon,maxLat (default: the extent of the coloured areas).", valueName: "box"))
        var bbox: String?
        @Option(help: "The MBTiles file (created if missing; tiles of another map version are dropped).")
        var cache = "tiles/cache.mbtiles"

        func run() throws {
            let bounds = zooms.split(separator: "-").map { Int($0) }
            guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!, low <= high else {
                throw ValidationError("--zooms '\(zooms)': write A-B with A ≤ B, e.g. 10-14")
            }
            for z in [low, high] where !(0...TileID.maxZoom).contains(z) {
                throw ValidationError("--zooms: \(TileError.zoomOutOfRange(z))")
            }
            var box: BoundingBox?
            if let bbox { box = try Arguments.box(bbox) }
            let progress = SharedProgress(quiet: false)
            let source = try drawing.load(progress: progress)
            let area = box ?? source.extent
            guard !area.isEmpty else { throw ValidationError("nothing to seed: the data has no coloured areas; give --bbox") }
            let cache = try MBTilesCache(path: self.cache, mapKey: source.mapKey, style: source.renderer.style.digest + (drawing.riskOnly ? "-risk" : ""), scale: drawing.scale)
            let total = (low...high).reduce(0) { n, z in let r = TileID.tileRange(area, zoom: z); return n + r.x.count * r.y.count }
            progress.say("seeding \(total) tiles at zooms \(low)–\(high) into \(self.cache) (map \(source.mapKey))")
            let report = try TileSeeder.seed(source.renderer, into: cache, zooms: low...high, box: area, base: !drawing.riskOnly) { done, all in
                progress.update("tiles: \(done) / \(all) (\(100 * done / max(1, all))%)")
            }
            progress.finish()
            print(String(format: "%d tiles (%d blank), %@, in %.1f s: %.0f tiles/s", report.tiles, report.blank,
                         formatBytes(report.bytes), report.seconds, Double(report.tiles) / max(report.seconds, 1e-9)))
        }
    }
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
func writeAtomically(_ data: Data, to path: String) throws {
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
}
