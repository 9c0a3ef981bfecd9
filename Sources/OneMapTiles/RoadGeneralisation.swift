import OneMapGeometry
import OneMapIndex
import OneMapStorage
import Synchronization

/// The roads as a low zoom can show them. Below `roads.generalise_below_zoom` a tile of a
/// city holds hundreds of thousands of road pieces, most shorter than a pixel: drawing
/// each (the exact path, one stroke per road) made a z8 tile of the city take 170 ms.
/// Here each visible road is traced in that zoom's world pixels snapped to whole pixels
/// (geometry simplified to the pixel), every distinct pixel segment is kept once however
/// many roads share it, and segments are filed by the 256-px cell they start in, so a
/// tile reads only its own and its neighbours' cells and strokes each road style as one
/// path. Built once per zoom for the roads as they are (the key is the roads' index
/// state: an edit to the roads builds it again), on the first tile that needs it.
final class RoadGeneralisation: Sendable {
    /// One zoom's generalised roads.
    struct Level: Sendable {
        /// The road styles drawn at this zoom, in the order the exact drawing uses (narrowest first).
        var lines: [TileStyle.Line]
        /// By cell (x, y of the 256-px cell in world pixels), per style: segments as
        /// x1, y1, x2, y2 in whole world pixels.
        var cells: [Cell: [[Int32]]]
        /// Segments longer than a cell, per style (checked against every frame).
        var long: [[Int32]]
        var segments: Int
    }

    struct Cell: Hashable, Sendable {
        var x: Int32
        var y: Int32
    }

    private struct Key: Hashable {
        var roads: IndexSnapshot.LayerIdentity
        var zoom: Int
    }

    private let levels = Mutex<[Key: Level]>([:])

    /// The generalised roads of `snapshot` at `zoom` with `style`, built if missing.
    func level(_ snapshot: IndexSnapshot, zoom: Int, style: TileStyle.Roads) -> Level? {
        guard let identity = snapshot.layerIdentity(.roads) else { return nil }
        let key = Key(roads: identity, zoom: zoom)
        if let level = levels.withLock({ $0[key] }) { return level }
        let level = Self.build(snapshot, zoom: zoom, style: style)
        levels.withLock { all in
            // Levels of roads that are no longer the index's are dropped.
            all = all.filter { $0.key.roads == identity }
            all[key] = level
        }
        return level
    }

    static func build(_ snapshot: IndexSnapshot, zoom: Int, style: TileStyle.Roads) -> Level {
        let world = 256 * Double(1 << zoom)
        var lineIndex: [TileStyle.Line: Int] = [:]
        var lines: [TileStyle.Line] = []
        var seen: [Set<Segment>] = []
        let column = Columns.roadClass
        snapshot.forEachCandidate(.roads, meeting: BoundingBox(minX: -180, minY: -90, maxX: 180, maxY: 90)) { record in
            let text: String? = if case .text(let text) = record.value(column) { text } else { nil }
            let line = style.line(for: text)
            guard zoom >= line.minZoom else { return }
            let index: Int
            if let known = lineIndex[line] {
                index = known
            } else {
                index = lines.count
                lineIndex[line] = index
                lines.append(line)
                seen.append([])
            }
            func trace(_ coordinates: [Coordinate]) {
                var last: (Int32, Int32)?
                for c in coordinates {
                    let x = Self.pixel((c.x + 180) / 360 * world), y = Self.pixel(TileID.mercatorY(c.y) * world)
                    if let (lx, ly) = last {
                        if lx == x && ly == y { continue }
                        seen[index].insert(Segment(lx, ly, x, y))
                    }
                    last = (x, y)
                }
            }
            switch record.geometry {
            case .lineString(let cs): trace(cs)
            case .multiLineString(let parts): parts.forEach(trace)
            case .polygon(let rings): rings.forEach(trace)
            case .multiPolygon(let polygons): polygons.forEach { $0.forEach(trace) }
            default: break
            }
        }
        // Narrowest first, as the exact drawing sorts (stable for equal widths).
        let order = lines.indices.sorted { (lines[$0].width, $0) < (lines[$1].width, $1) }
        var cells: [Cell: [[Int32]]] = [:]
        var long = [[Int32]](repeating: [], count: lines.count)
        var segments = 0
        for (slot, index) in order.enumerated() {
            for s in seen[index] {
                segments += 1
                if abs(Int(s.x2) - Int(s.x1)) > 128 || abs(Int(s.y2) - Int(s.y1)) > 128 {
                    long[slot] += [s.x1, s.y1, s.x2, s.y2]
                    continue
                }
                let cell = Cell(x: s.x1 >> 8, y: s.y1 >> 8)
                cells[cell, default: [[Int32]](repeating: [], count: lines.count)][slot] += [s.x1, s.y1, s.x2, s.y2]
            }
        }
        return Level(lines: order.map { lines[$0] }, cells: cells, long: long, segments: segments)
    }

    /// A world-pixel coordinate snapped to the nearest whole pixel (clamped to Int32).
    static func pixel(_ v: Double) -> Int32 {
        guard v.isFinite else { return 0 }
        return Int32(max(-2_000_000_000, min(2_000_000_000, v.rounded())))
    }

    /// A pixel segment, its ends in a fixed order so that a road traced either way is one.
    struct Segment: Hashable {
        var x1: Int32, y1: Int32, x2: Int32, y2: Int32

        init(_ ax: Int32, _ ay: Int32, _ bx: Int32, _ by: Int32) {
            if (ax, ay) <= (bx, by) {
                (x1, y1, x2, y2) = (ax, ay, bx, by)
            } else {
                (x1, y1, x2, y2) = (bx, by, ax, ay)
            }
        }
    }
}
