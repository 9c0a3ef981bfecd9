import Foundation
import OneMap
import OneMapTestSupport

/// Constructed data for tile tests: a row of three grid cells 0.01° square at 42.25° N
/// and sources placed in them, with pixel positions computed here independently of the
/// renderer (spherical Web Mercator, EPSG:3857).
struct TileScene {
    static let origin = Coordinate(118.90, 42.25)

    static func cell(_ i: Int) -> LayerRecord {
        let x0 = origin.x + Double(i) * 0.01, y0 = origin.y
        let ring = [Coordinate(x0, y0), Coordinate(x0 + 0.01, y0), Coordinate(x0 + 0.01, y0 + 0.01), Coordinate(x0, y0 + 0.01), Coordinate(x0, y0)]
        let named: [String: FieldValue] = ["code": .text("C\(i)"), "name": .text("网格\(i)")]
        return LayerRecord(id: "G\(i)", geometry: .multiPolygon([[ring]]), values: Layer.grids.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    static func source(_ id: String, _ c: Coordinate, level: Int, status: String = "registered") -> LayerRecord {
        let named: [String: FieldValue] = ["level": .integer(Int64(level)), "status": .text(status)]
        return LayerRecord(id: id, geometry: .point(c), values: Layer.hazards.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    static let redSource = source("H-red", Coordinate(118.905, 42.255), level: 1)

    static var style: TileStyle { get throws { try TileStyle.load(path: Repository.path("config/style.json")) } }

    /// The tile at `zoom` holding `c`, and the pixel of `c` in it (at `scale`).
    static func locate(_ c: Coordinate, zoom: Int, scale: Int = 1) -> (tile: TileID, x: Int, y: Int) {
        let n = Double(1 << zoom)
        let fx = (c.x + 180) / 360 * n
        let lat = c.y * .pi / 180
        let fy = (1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2 * n
        let tile = try! TileID(z: zoom, x: Int(fx), y: Int(fy))
        let size = Double(256 * scale)
        return (tile, Int((fx - fx.rounded(.down)) * size), Int((fy - fy.rounded(.down)) * size))
    }

    /// A GeoPackage holding the three cells and `hazards`.
    static func store(at path: String, hazards: [LayerRecord]) throws {
        let store = try GeoPackage(path: path, mode: .create)
        try store.write { session in
            for (layer, records) in [(Layer.grids, (0..<3).map(cell)), (.hazards, hazards)] {
                let writer = try session.writer(for: layer, replacing: true)
                for record in records { try writer.insert(record) }
                try writer.finish()
            }
        }
    }
}

/// The pixel at `c` on the tile that holds it, rendered at `zoom` and `scale`.
func pixel(at c: Coordinate, zoom: Int, scale: Int = 1, of renderer: TileRenderer) throws -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
    let spot = TileScene.locate(c, zoom: zoom, scale: scale)
    return try RasterImage(png: try renderer.render(spot.tile, scale: scale)).pixel(spot.x, spot.y)
}

/// Whether `p` is `colour` within `tolerance` per channel.
func matches(_ p: (r: UInt8, g: UInt8, b: UInt8, a: UInt8), _ colour: TileStyle.Colour, tolerance: Int = 3) -> Bool {
    let want = [colour.red, colour.green, colour.blue, colour.alpha].map { Int(($0 * 255).rounded()) }
    return zip([Int(p.r), Int(p.g), Int(p.b), Int(p.a)], want).allSatisfy { abs($0 - $1) <= tolerance }
}

extension RasterImage {
    /// Whether the pixel at (x, y) is `colour` within `tolerance` per channel.
    func pixel(_ x: Int, _ y: Int, is colour: TileStyle.Colour, tolerance: Int = 3) -> Bool {
        let p = pixel(x, y)
        let want = [colour.red, colour.green, colour.blue, colour.alpha].map { Int(($0 * 255).rounded()) }
        return zip([Int(p.r), Int(p.g), Int(p.b), Int(p.a)], want).allSatisfy { abs($0 - $1) <= tolerance }
    }

    var isFullyTransparent: Bool { stride(from: 3, to: rgba.count, by: 4).allSatisfy { rgba[$0] == 0 } }
}
