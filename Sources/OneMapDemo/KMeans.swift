/// Lloyd's k-means with k-means++ seeding on points in metres, used to carve blocks into
/// compact administrative units. Deterministic for a given generator state.
enum KMeans {
    /// The cluster index of each point; every cluster gets at least one point when k ≤ count.
    static func cluster(_ points: [(x: Double, y: Double)], k: Int, random: inout SeededRandom, iterations: Int = 20) -> [Int] {
        let k = min(k, points.count)
        guard k > 1 else { return Array(repeating: 0, count: points.count) }
        var centres = [points[random.int(0...(points.count - 1))]]
        var nearest = points.map { d2($0, centres[0]) }
        while centres.count < k {
            let next = points[random.pick(weights: nearest)]
            centres.append(next)
            for i in points.indices { nearest[i] = min(nearest[i], d2(points[i], next)) }
        }
        var assignment = Array(repeating: 0, count: points.count)
        for _ in 0..<iterations {
            for (i, p) in points.enumerated() {
                var best = 0
                var bestD = Double.infinity
                for (c, centre) in centres.enumerated() {
                    let d = d2(p, centre)
                    if d < bestD { bestD = d; best = c }
                }
                assignment[i] = best
            }
            var sums = Array(repeating: (x: 0.0, y: 0.0, n: 0), count: k)
            for (i, p) in points.enumerated() {
                sums[assignment[i]].x += p.x
                sums[assignment[i]].y += p.y
                sums[assignment[i]].n += 1
            }
            for c in 0..<k where sums[c].n > 0 { centres[c] = (sums[c].x / Double(sums[c].n), sums[c].y / Double(sums[c].n)) }
        }
        // An emptied cluster takes the point farthest from its own centre.
        var counts = Array(repeating: 0, count: k)
        for a in assignment { counts[a] += 1 }
        for c in 0..<k where counts[c] == 0 {
            let donor = points.indices.filter { counts[assignment[$0]] > 1 }.max { d2(points[$0], centres[assignment[$0]]) < d2(points[$1], centres[assignment[$1]]) }
            if let donor {
                counts[assignment[donor]] -= 1
                assignment[donor] = c
                counts[c] = 1
            }
        }
        return assignment
    }

    @inline(__always) static func d2(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
        (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)
    }
}
