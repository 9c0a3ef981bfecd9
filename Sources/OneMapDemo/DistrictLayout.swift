import Foundation
import OneMapGeometry

/// The district cut into square blocks (clipped at the boundary) and the blocks grouped
/// into subdistricts → communities → grids, with a clustered population density.
///
/// Everything else the generator places (hazards, shelters, facilities) is drawn block by
/// block from this layout, so it always knows which grid a feature falls in.
struct DistrictLayout {
    struct Block {
        var polygon: [Ring]
        var centre: (x: Double, y: Double)
        /// Residents-weight: density × area.
        var weight: Double
        /// True where the square was clipped by the boundary: points drawn in its box must be re-checked.
        var clipped: Bool
        var grid = 0
        var bbox: BoundingBox
    }

    struct Unit {
        var name: String
        var code: String
        var parent: Int
        var blocks: [Int] = []
        var population = 0
        var worker = ""
    }

    let frame: LocalFrame
    let boundary: Geometry
    let cores: [(x: Double, y: Double, sigma: Double, weight: Double)]
    var blocks: [Block] = []
    var subdistricts: [Unit] = []
    var communities: [Unit] = []
    var grids: [Unit] = []
    let blockSide: Double

    /// Builds the layout; `progress` receives short stage descriptions.
    init(boundary: Geometry, districtCode: String, spec: DemoSpec, random: inout SeededRandom, geos: GEOSContext, progress: (String) -> Void) throws {
        self.boundary = boundary
        guard let box = boundary.boundingBox else { throw GeometryError.invalidStructure(reason: "the boundary is empty") }
        frame = LocalFrame(origin: box.center)
        let prepared = try geos.prepare(boundary)
        let area = Geodesic.wgs84.area(of: boundary)
        let gridTarget = spec.communitiesPerSubdistrict.reduce(0, +) * spec.gridsPerCommunity.upperBound
        let blockTarget = Double(max(400, gridTarget * 6))
        blockSide = (area / blockTarget).squareRoot()

        // Urban cores: random points inside the boundary, each with its own spread.
        let lo = frame.metres(Coordinate(box.minX, box.minY))
        let hi = frame.metres(Coordinate(box.maxX, box.maxY))
        var cores: [(x: Double, y: Double, sigma: Double, weight: Double)] = []
        let sigmaBase = (area / Double(spec.urbanCores)).squareRoot() / 6
        while cores.count < spec.urbanCores {
            let x = random.uniform(lo.x...hi.x)
            let y = random.uniform(lo.y...hi.y)
            guard try prepared.contains(frame.lonLat(x, y)) else { continue }
            cores.append((x, y, sigmaBase * random.uniform(0.7...1.3), cores.isEmpty ? 1.0 : random.uniform(0.3...0.8)))
        }
        self.cores = cores

        progress("laying out blocks of \(Int(blockSide)) m")
        var row = lo.y
        while row < hi.y {
            var col = lo.x
            while col < hi.x {
                let square: Ring = [frame.lonLat(col, row), frame.lonLat(col + blockSide, row), frame.lonLat(col + blockSide, row + blockSide),
                                    frame.lonLat(col, row + blockSide), frame.lonLat(col, row)]
                let squareGeometry = Geometry.polygon([square])
                if try prepared.contains(squareGeometry) {
                    blocks.append(makeBlock([square], clipped: false))
                } else if try prepared.intersects(squareGeometry) {
                    let clipped = try geos.intersection(squareGeometry, boundary)
                    let parts: [[Ring]] = switch clipped {
                    case .polygon(let p): [p]
                    case .multiPolygon(let ps): ps
                    case .geometryCollection(let gs): gs.compactMap { if case .polygon(let p) = $0 { p } else { nil } }
                    default: []
                    }
                    // The largest piece only, and only if it is a real share of the square.
                    if let largest = parts.max(by: { Geodesic.wgs84.area(of: .polygon($0)) < Geodesic.wgs84.area(of: .polygon($1)) }),
                        Geodesic.wgs84.area(of: .polygon(largest)) > 0.15 * blockSide * blockSide
                    {
                        blocks.append(makeBlock(largest, clipped: true))
                    }
                }
                col += blockSide
            }
            row += blockSide
        }
        guard blocks.count >= gridTarget else {
            throw GeometryError.invalidStructure(reason: "the boundary holds only \(blocks.count) blocks for \(gridTarget) grids")
        }

        progress("grouping \(blocks.count) blocks into \(spec.subdistricts.count) subdistricts and \(spec.communitiesPerSubdistrict.reduce(0, +)) communities")
        let centres = blocks.map(\.centre)
        let subdistrictOf = KMeans.cluster(centres, k: spec.subdistricts.count, random: &random)
        // Number subdistricts north to south, west to east, so codes read like a map.
        let clusterCentres = (0..<spec.subdistricts.count).map { s in Self.mean(subdistrictOf.indices.filter { subdistrictOf[$0] == s }.map { centres[$0] }) }
        let order = clusterCentres.indices.sorted { a, b in
            clusterCentres[a].y - clusterCentres[a].x * 0.3 > clusterCentres[b].y - clusterCentres[b].x * 0.3
        }
        var communityNames = Names.communities.makeIterator()
        for (rank, s) in order.enumerated() {
            let code = districtCode + String(format: "%03d", rank + 1)
            subdistricts.append(Unit(name: spec.subdistricts[rank], code: code, parent: -1))
            let members = subdistrictOf.indices.filter { subdistrictOf[$0] == s }
            let wanted = rank < spec.communitiesPerSubdistrict.count ? spec.communitiesPerSubdistrict[rank] : spec.communitiesPerSubdistrict.last ?? 1
            let communityOf = KMeans.cluster(members.map { centres[$0] }, k: wanted, random: &random)
            for c in 0..<min(wanted, members.count) {
                let communityMembers = members.indices.filter { communityOf[$0] == c }.map { members[$0] }
                guard !communityMembers.isEmpty else { continue }
                let communityCode = code + String(format: "%03d", c + 1)
                let name = (communityNames.next() ?? "第\(communities.count + 1)") + "社区"
                communities.append(Unit(name: name, code: communityCode, parent: subdistricts.count - 1, blocks: communityMembers))
                let gridCount = min(random.int(spec.gridsPerCommunity), communityMembers.count)
                let gridOf = KMeans.cluster(communityMembers.map { centres[$0] }, k: gridCount, random: &random)
                for g in 0..<gridCount {
                    let gridBlocks = communityMembers.indices.filter { gridOf[$0] == g }.map { communityMembers[$0] }
                    guard !gridBlocks.isEmpty else { continue }
                    for b in gridBlocks { blocks[b].grid = grids.count }
                    grids.append(Unit(name: "\(name)第\(g + 1)网格", code: communityCode + String(format: "%03d", g + 1),
                                      parent: communities.count - 1, blocks: gridBlocks, worker: Names.person(&random)))
                }
            }
        }
        distributePopulation(spec.residents)
    }

    private func makeBlock(_ polygon: [Ring], clipped: Bool) -> Block {
        var box = BoundingBox.empty
        polygon[0].forEach { box.extend($0) }
        let centre = frame.metres(box.center)
        var density = 0.015  // rural floor: villages and farms
        for core in cores {
            let d2 = (centre.x - core.x) * (centre.x - core.x) + (centre.y - core.y) * (centre.y - core.y)
            density += core.weight * exp(-d2 / (2 * core.sigma * core.sigma))
        }
        let area = clipped ? Geodesic.wgs84.area(of: .polygon(polygon)) : blockSide * blockSide
        return Block(polygon: polygon, centre: centre, weight: density * area, clipped: clipped, bbox: box)
    }

    /// Shares `residents` among grids by block weight, rounding so the total is exact.
    private mutating func distributePopulation(_ residents: Int) {
        let total = blocks.reduce(0) { $0 + $1.weight }
        var assigned = 0
        for g in grids.indices {
            let w = grids[g].blocks.reduce(0) { $0 + blocks[$1].weight }
            grids[g].population = Int((Double(residents) * w / total).rounded(.down))
            assigned += grids[g].population
        }
        // Hand the rounding remainder to the most populous grids, one resident each.
        let byWeight = grids.indices.sorted { grids[$0].population > grids[$1].population }
        for i in 0..<(residents - assigned) { grids[byWeight[i % byWeight.count]].population += 1 }
        for g in grids.indices { communities[grids[g].parent].population += grids[g].population }
        for c in communities.indices { subdistricts[communities[c].parent].population += communities[c].population }
    }

    /// Cumulative block weights for drawing blocks by population, or by area when `byArea`.
    func cumulativeWeights(byArea: Bool = false, rural: Bool = false) -> [Double] {
        var acc = 0.0
        let maxWeight = blocks.map(\.weight).max() ?? 1
        return blocks.map { b in
            let w: Double
            if byArea { w = 1 } else if rural { w = max(0, 1 - b.weight / maxWeight * 4) } else { w = b.weight }
            acc += w
            return acc
        }
    }

    /// A block index drawn from cumulative weights.
    static func draw(_ cumulative: [Double], _ random: inout SeededRandom) -> Int {
        let r = random.unit() * (cumulative.last ?? 0)
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] <= r { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// A uniform point inside block `b` (re-drawn until inside, for clipped blocks).
    func point(in b: Int, _ random: inout SeededRandom) -> Coordinate {
        let block = blocks[b]
        for _ in 0..<50 {
            let c = Coordinate(random.uniform(block.bbox.minX...block.bbox.maxX), random.uniform(block.bbox.minY...block.bbox.maxY))
            if !block.clipped || Self.ringContains(block.polygon[0], c) { return c }
        }
        return block.polygon[0][0]
    }

    /// Even–odd point-in-ring test (the exterior ring of a block is simple).
    static func ringContains(_ ring: Ring, _ p: Coordinate) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let a = ring[i], b = ring[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }

    static func mean(_ ps: [(x: Double, y: Double)]) -> (x: Double, y: Double) {
        guard !ps.isEmpty else { return (0, 0) }
        return (ps.reduce(0) { $0 + $1.x } / Double(ps.count), ps.reduce(0) { $0 + $1.y } / Double(ps.count))
    }

    /// The polygon of a set of blocks, merged with GEOS.
    func union(of blockIndices: [Int], geos: GEOSContext) throws -> Geometry {
        let merged = try geos.union(blockIndices.map { .polygon(blocks[$0].polygon) })
        switch merged {
        case .polygon(let p): return .multiPolygon([p])
        case .multiPolygon: return merged
        case .geometryCollection(let parts): return .multiPolygon(parts.compactMap { if case .polygon(let p) = $0 { p } else { nil } })
        default: throw GeometryError.invalidStructure(reason: "union of blocks is a \(merged.typeName)")
        }
    }
}
