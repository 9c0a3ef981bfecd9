import Foundation
import OneMapGeometry

/// An XYZ tile of the Web Mercator (EPSG:3857) pyramid: zoom `z`, column `x` from the
/// west, row `y` from the north (the scheme of OSM and Leaflet; MBTiles stores rows
/// from the south, see ``MBTilesCache``).
public struct TileID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let z: Int
    public let x: Int
    public let y: Int

    /// The deepest zoom OneMap renders: 0.15 m per pixel at the equator, beyond any
    /// detail its layers hold.
    public static let maxZoom = 20

    /// Refuses coordinates outside the pyramid (z outside 0…20, x or y outside 0…2^z − 1).
    public init(z: Int, x: Int, y: Int) throws(TileError) {
        guard (0...Self.maxZoom).contains(z) else { throw .zoomOutOfRange(z) }
        let n = 1 << z
        guard (0..<n).contains(x), (0..<n).contains(y) else { throw .outOfRange(z: z, x: x, y: y) }
        self.z = z
        self.x = x
        self.y = y
    }

    public var description: String { "\(z)/\(x)/\(y)" }

    public static func < (a: TileID, b: TileID) -> Bool { (a.z, a.x, a.y) < (b.z, b.x, b.y) }

    /// The tile's lon/lat box.
    public var bounds: BoundingBox {
        let n = Double(1 << z)
        return BoundingBox(minX: Double(x) / n * 360 - 180, minY: Self.latitude(Double(y + 1) / n),
                           maxX: Double(x + 1) / n * 360 - 180, maxY: Self.latitude(Double(y) / n))
    }

    /// Latitudes Web Mercator can show (±85.0511°).
    public static let latitudeLimit = 85.051_128_779_806_59

    /// The tiles at `zoom` that cover `box` (clamped to the pyramid), row by row.
    public static func covering(_ box: BoundingBox, zoom: Int) -> [TileID] {
        let range = tileRange(box, zoom: zoom)
        var tiles: [TileID] = []
        tiles.reserveCapacity(range.x.count * range.y.count)
        for y in range.y { for x in range.x { tiles.append(try! TileID(z: zoom, x: x, y: y)) } }
        return tiles
    }

    /// Columns and rows at `zoom` that cover `box` grown by `margin` 256ths of a tile.
    public static func tileRange(_ box: BoundingBox, zoom: Int, margin: Double = 0) -> (x: ClosedRange<Int>, y: ClosedRange<Int>) {
        let n = 1 << zoom
        let grow = margin / 256
        func clampIndex(_ v: Double) -> Int { min(n - 1, max(0, Int(v.rounded(.down)))) }
        let west = clampIndex((box.minX + 180) / 360 * Double(n) - grow), east = clampIndex((box.maxX + 180) / 360 * Double(n) + grow)
        let north = clampIndex(mercatorY(box.maxY) * Double(n) - grow), south = clampIndex(mercatorY(box.minY) * Double(n) + grow)
        return (west...east, north...south)
    }

    /// Web Mercator y of a latitude as a fraction of the world, 0 at the north edge.
    public static func mercatorY(_ latitude: Double) -> Double {
        let lat = min(latitudeLimit, max(-latitudeLimit, latitude)) * .pi / 180
        return (1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2
    }

    static func latitude(_ fraction: Double) -> Double {
        atan(sinh(.pi * (1 - 2 * fraction))) * 180 / .pi
    }
}

/// Why a tile, a style or a cache was refused.
public enum TileError: Error, Equatable, CustomStringConvertible {
    case zoomOutOfRange(Int)
    case outOfRange(z: Int, x: Int, y: Int)
    case badScale(Int)
    case style(path: String, reason: String)
    case cache(path: String, reason: String)
    case drawing(String)

    public var description: String {
        switch self {
        case .zoomOutOfRange(let z): "zoom \(z) is outside 0…\(TileID.maxZoom)"
        case .outOfRange(let z, let x, let y): "tile \(z)/\(x)/\(y) is outside the pyramid: at zoom \(z), x and y run from 0 to \((1 << z) - 1)"
        case .badScale(let s): "scale \(s) is not offered: 1 (256 px) or 2 (512 px, @2x)"
        case .style(let path, let reason): "\(path): \(reason)"
        case .cache(let path, let reason): "\(path): \(reason)"
        case .drawing(let reason): "cannot draw the tile: \(reason)"
        }
    }
}
