import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage

/// The road network as a graph for one mode of travel, in flat arrays.
///
/// Roads are noded where they share a vertex (OSM ways meet that way) and at their ends;
/// the stretch of road between two nodes is a *piece*, stored once with its shape,
/// geodesic length, speed and allowed direction. Arcs (a piece in one direction) are in
/// compressed-sparse-row form: the arcs leaving node `n` are `firstArc[n]..<firstArc[n+1]`.
/// A value: when roads change, build a new graph.
public struct RoadGraph: Sendable {
    public let profile: RoadProfile
    public let nodes: [Coordinate]
    let pieceShapes: [[Coordinate]]
    let pieceFrom: [Int32]
    let pieceTo: [Int32]
    let pieceLength: [Double]
    /// Metres per second.
    let pieceSpeed: [Double]
    /// 1: along the shape only; -1: against it only; 0: both ways.
    let pieceDirection: [Int8]
    let firstArc: [Int32]
    let arcTarget: [Int32]
    let arcPiece: [Int32]
    let arcForward: [Bool]
    /// The pieces as features of a `roads` layer (id = piece number), for snapping.
    let pieceIndex: IndexSnapshot
    /// Fastest routes without areas to avoid go through it when built (``withHierarchy()``).
    public private(set) var hierarchy: ContractionHierarchy?

    /// The same graph with a contraction hierarchy for fast fastest-route queries: worth
    /// its preprocessing on city-sized networks.
    public func withHierarchy(progress: ((Int, Int) -> Void)? = nil) -> RoadGraph {
        var copy = self
        copy.hierarchy = ContractionHierarchy(self, progress: progress)
        return copy
    }

    public var pieceCount: Int { pieceShapes.count }
    /// Bytes the graph holds: nodes, pieces with their shapes, arcs, and the pieces' own
    /// spatial index for snapping (not the hierarchy: see ``ContractionHierarchy/heldBytes``).
    /// The shapes' coordinate lists are shared with that index's records and counted there.
    public var heldBytes: Int {
        nodes.count * MemoryLayout<Coordinate>.stride + pieceShapes.count * 8
            + (pieceFrom.count + pieceTo.count + firstArc.count + arcTarget.count + arcPiece.count) * 4
            + (pieceLength.count + pieceSpeed.count) * 8 + pieceDirection.count + arcForward.count
            + pieceIndex.heldBytes(.roads)
    }
    public var arcCount: Int { arcTarget.count }

    /// Builds the graph of the roads this profile may use.
    public init(roads: [LayerRecord], profile: RoadProfile) {
        self.profile = profile
        struct Key: Hashable {
            let x: UInt64, y: UInt64
            init(_ c: Coordinate) { x = c.x.bitPattern; y = c.y.bitPattern }
        }
        var lines: [(coordinates: [Coordinate], speed: Double, direction: Int8)] = []
        for road in roads {
            guard let kmh = profile.speed(road) else { continue }
            let direction = Int8(profile.direction(road))
            let parts: [[Coordinate]] = switch road.geometry {
            case .lineString(let cs): [cs]
            case .multiLineString(let ls): ls
            default: []
            }
            for part in parts {
                // Repeated consecutive vertices would make zero-length segments.
                var clean: [Coordinate] = []
                for c in part where clean.last != c { clean.append(c) }
                if clean.count >= 2 { lines.append((clean, kmh / 3.6, direction)) }
            }
        }
        // A vertex is a node where a line ends or where lines (or one line twice) pass.
        var uses: [Key: Int] = [:]
        for line in lines {
            for c in line.coordinates { uses[Key(c), default: 0] += 1 }
            uses[Key(line.coordinates[0]), default: 0] += 1
            uses[Key(line.coordinates[line.coordinates.count - 1]), default: 0] += 1
        }
        var nodeOf: [Key: Int32] = [:]
        var nodes: [Coordinate] = []
        func node(_ c: Coordinate) -> Int32 {
            if let n = nodeOf[Key(c)] { return n }
            let n = Int32(nodes.count)
            nodes.append(c)
            nodeOf[Key(c)] = n
            return n
        }
        var shapes: [[Coordinate]] = [], from: [Int32] = [], to: [Int32] = [], lengths: [Double] = []
        var speeds: [Double] = [], directions: [Int8] = []
        for line in lines {
            var start = 0
            for i in 1..<line.coordinates.count where i == line.coordinates.count - 1 || uses[Key(line.coordinates[i])]! >= 2 {
                let shape = Array(line.coordinates[start...i])
                var length = 0.0
                for j in 1..<shape.count { length += Geodesic.wgs84.distance(shape[j - 1], shape[j]) }
                shapes.append(shape)
                from.append(node(shape[0]))
                to.append(node(shape[shape.count - 1]))
                lengths.append(length)
                speeds.append(line.speed)
                directions.append(line.direction)
                start = i
            }
        }
        // Arcs in CSR form.
        var degree = [Int32](repeating: 0, count: nodes.count + 1)
        for p in shapes.indices {
            if directions[p] >= 0 { degree[Int(from[p])] += 1 }
            if directions[p] <= 0 { degree[Int(to[p])] += 1 }
        }
        var first = [Int32](repeating: 0, count: nodes.count + 1)
        for n in 0..<nodes.count { first[n + 1] = first[n] + degree[n] }
        var fill = first
        let arcs = Int(first[nodes.count])
        var target = [Int32](repeating: 0, count: arcs), piece = [Int32](repeating: 0, count: arcs), forward = [Bool](repeating: true, count: arcs)
        for p in shapes.indices {
            if directions[p] >= 0 {
                let a = Int(fill[Int(from[p])]); fill[Int(from[p])] += 1
                target[a] = to[p]; piece[a] = Int32(p); forward[a] = true
            }
            if directions[p] <= 0 {
                let a = Int(fill[Int(to[p])]); fill[Int(to[p])] += 1
                target[a] = from[p]; piece[a] = Int32(p); forward[a] = false
            }
        }
        self.nodes = nodes
        pieceShapes = shapes
        pieceFrom = from
        pieceTo = to
        pieceLength = lengths
        pieceSpeed = speeds
        pieceDirection = directions
        firstArc = first
        arcTarget = target
        arcPiece = piece
        arcForward = forward
        // One packed block of nulls shared by every piece (each packing its own cost 26 MB on a city).
        let empty = PackedValues(Layer.roads.columns.map { _ in FieldValue.null })
        pieceIndex = SpatialIndex(records: [.roads: shapes.enumerated().map {
            LayerRecord(id: String($0.offset), geometry: .lineString($0.element), packed: empty, extra: [])
        }]).snapshot
    }

}
