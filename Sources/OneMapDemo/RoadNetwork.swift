import Foundation
import OneMapGeometry

/// A planned-city road grid: primary roads every 2 km across the whole district, then
/// secondary (1 km), tertiary (500 m) and residential streets (the block spacing) where the
/// population is dense enough. Segments run between neighbouring intersections, so the
/// network is noded at shared vertices; only the largest connected part is kept.
struct RoadNetwork {
    struct Segment {
        var from: Coordinate
        var to: Coordinate
        var roadClass: String
        var lineIndex: Int
        var eastWest: Bool
        var oneway: Bool
    }

    private(set) var segments: [Segment] = []

    /// Class, speed in km/h and the density (relative to the main core) a street needs.
    static let classes: [(name: String, speed: Double, minimumDensity: Double)] = [
        ("primary", 60, 0), ("secondary", 50, 0.12), ("tertiary", 40, 0.3), ("residential", 30, 0.5),
    ]

    init(layout: DistrictLayout, spacing: Double, prepared: PreparedGeometry) throws {
        guard let box = layout.boundary.boundingBox else { return }
        let frame = layout.frame
        let lo = frame.metres(Coordinate(box.minX, box.minY))
        let hi = frame.metres(Coordinate(box.maxX, box.maxY))
        let columns = Int(((hi.x - lo.x) / spacing).rounded(.up)) + 1
        let rows = Int(((hi.y - lo.y) / spacing).rounded(.up)) + 1

        func density(_ x: Double, _ y: Double) -> Double {
            layout.cores.reduce(0) { sum, core in
                let d2 = (x - core.x) * (x - core.x) + (y - core.y) * (y - core.y)
                return sum + core.weight * exp(-d2 / (2 * core.sigma * core.sigma))
            }
        }
        func classIndex(_ line: Int) -> Int { line % 8 == 0 ? 0 : line % 4 == 0 ? 1 : line % 2 == 0 ? 2 : 3 }
        var inside: [Int: Bool] = [:]
        func isInside(_ i: Int, _ j: Int) throws -> Bool {
            let key = j * columns + i
            if let known = inside[key] { return known }
            let result = try prepared.contains(frame.lonLat(lo.x + Double(i) * spacing, lo.y + Double(j) * spacing))
            inside[key] = result
            return result
        }

        // Candidate edges: (node a, node b, class, line index, east–west?).
        var edges: [(a: Int, b: Int, cls: Int, line: Int, eastWest: Bool)] = []
        for j in 0..<rows {
            for i in 0..<columns {
                let x = lo.x + Double(i) * spacing, y = lo.y + Double(j) * spacing
                // East–west edge along row j, north–south edge along column i.
                for eastWest in [true, false] {
                    let (i2, j2) = eastWest ? (i + 1, j) : (i, j + 1)
                    guard i2 < columns, j2 < rows else { continue }
                    let line = eastWest ? j : i
                    let cls = classIndex(line)
                    let mid = eastWest ? density(x + spacing / 2, y) : density(x, y + spacing / 2)
                    guard mid >= Self.classes[cls].minimumDensity else { continue }
                    guard try isInside(i, j), try isInside(i2, j2) else { continue }
                    edges.append((j * columns + i, j2 * columns + i2, cls, line, eastWest))
                }
            }
        }

        // Keep the largest connected component (union–find over node ids).
        var parent: [Int: Int] = [:]
        func find(_ x: Int) -> Int {
            var r = x
            while let p = parent[r], p != r { r = p }
            var c = x
            while let p = parent[c], p != r { parent[c] = r; c = p }
            return r
        }
        for e in edges {
            if parent[e.a] == nil { parent[e.a] = e.a }
            if parent[e.b] == nil { parent[e.b] = e.b }
            let ra = find(e.a), rb = find(e.b)
            if ra != rb { parent[ra] = rb }
        }
        var sizes: [Int: Int] = [:]
        for e in edges { sizes[find(e.a), default: 0] += 1 }
        guard let main = sizes.max(by: { $0.value < $1.value })?.key else { return }

        func node(_ id: Int) -> Coordinate { frame.lonLat(lo.x + Double(id % columns) * spacing, lo.y + Double(id / columns) * spacing) }
        for (n, e) in edges.enumerated() where find(e.a) == main {
            // A few residential streets are one-way, alternating direction by line.
            let oneway = e.cls == 3 && (n % 29 == 0)
            let forward = e.line % 2 == 0
            segments.append(Segment(from: forward ? node(e.a) : node(e.b), to: forward ? node(e.b) : node(e.a),
                                    roadClass: Self.classes[e.cls].name, lineIndex: e.line, eastWest: e.eastWest, oneway: oneway))
        }
    }

    func features() -> [Feature] {
        segments.enumerated().map { n, s in
            let speed = Self.classes.first { $0.name == s.roadClass }!.speed
            return Feature(id: String(format: "R-%06d", n + 1), geometry: .lineString([s.from, s.to]), properties: [
                JSONMember("name", .string(Names.street(s.lineIndex, eastWest: s.eastWest))),
                JSONMember("road_class", .string(s.roadClass)),
                JSONMember("maxspeed_kmh", .number(speed)),
                JSONMember("oneway", .number(s.oneway ? 1 : 0)),
                JSONMember("lanes", .number(s.roadClass == "primary" ? 6 : s.roadClass == "secondary" ? 4 : 2)),
            ])
        }
    }
}
