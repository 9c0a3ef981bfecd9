import Foundation
import OneMapGeometry

/// Earth-centred (ECEF) boxes for every entry of a feature set's packed R-tree, six
/// Floats each, rounded outwards.
///
/// Distance searches prune with them: the straight-line distance from the query's ECEF
/// point to a box never exceeds the geodesic distance to anything inside it, costs a
/// dozen flops without trigonometry or branches, and Floats halve the memory each node
/// visit pulls in (outward rounding keeps the bound safe; it loosens by under a metre).
struct ChordBoxes: Sendable {
    let values: [Float]

    init(tree: PackedRTree, earth: [EarthPoint], vertexEarth: [EarthPoint], vertexStart: [Int32]) {
        var values = [Float](repeating: 0, count: (tree.levelEnds.last ?? 0) * 6)
        func store(_ p: Int, _ lo: (Double, Double, Double), _ hi: (Double, Double, Double)) {
            values[6 * p] = Float(lo.0).nextDown; values[6 * p + 1] = Float(lo.1).nextDown; values[6 * p + 2] = Float(lo.2).nextDown
            values[6 * p + 3] = Float(hi.0).nextUp; values[6 * p + 4] = Float(hi.1).nextUp; values[6 * p + 5] = Float(hi.2).nextUp
        }
        for slot in 0..<tree.count {
            let e = earth[slot]
            if e.isPoint {
                store(slot, (e.x, e.y, e.z), (e.x, e.y, e.z))
                continue
            }
            var lo = (Double.infinity, Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity, -Double.infinity)
            for v in vertexEarth[Int(vertexStart[slot])..<Int(vertexStart[slot + 1])] {
                lo = (min(lo.0, v.x), min(lo.1, v.y), min(lo.2, v.z))
                hi = (max(hi.0, v.x), max(hi.1, v.y), max(hi.2, v.z))
            }
            // Edges and interiors bow outwards from the chords between vertices: pad by
            // the sagitta of the feature's diagonal on the tightest circle it can lie on
            // (its highest parallel), plus a metre.
            let pad = Self.sagitta(tree.box(at: slot)) + 1
            store(slot, (lo.0 - pad, lo.1 - pad, lo.2 - pad), (hi.0 + pad, hi.1 + pad, hi.2 + pad))
        }
        for level in 1..<max(1, tree.levelEnds.count) {
            for p in tree.levelEnds[level - 1]..<tree.levelEnds[level] {
                var lo = [Float](repeating: .infinity, count: 3), hi = [Float](repeating: -.infinity, count: 3)
                for child in tree.children(of: p, level: level) {
                    for axis in 0..<3 {
                        lo[axis] = min(lo[axis], values[6 * child + axis])
                        hi[axis] = max(hi[axis], values[6 * child + 3 + axis])
                    }
                }
                for axis in 0..<3 { values[6 * p + axis] = lo[axis]; values[6 * p + 3 + axis] = hi[axis] }
            }
        }
        self.values = values
    }

    static func sagitta(_ box: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> Double {
        let highest = max(abs(box.minY), abs(box.maxY)) * WGS84.degrees
        let radius = max(100_000, WGS84.a * (1 - WGS84.e2) * cos(highest))
        let diagonal = ((box.maxX - box.minX) * WGS84.degrees * WGS84.a).magnitude
            + ((box.maxY - box.minY) * WGS84.degrees * WGS84.a).magnitude
        return diagonal * diagonal / (8 * radius)
    }
}

extension GeodesicObserver {
    /// Squared straight-line distance from the origin to the ECEF box at `b` (six Floats):
    /// a lower bound on the squared geodesic distance to anything in the box.
    func chordBoundSquared(_ b: UnsafePointer<Float>) -> Double {
        let dx = max(0, Double(b[0]) - point.x, point.x - Double(b[3]))
        let dy = max(0, Double(b[1]) - point.y, point.y - Double(b[4]))
        let dz = max(0, Double(b[2]) - point.z, point.z - Double(b[5]))
        return dx * dx + dy * dy + dz * dz
    }
}
