import Foundation
import OneMapGeometry

/// Places hazards kind by kind: points, pipelines and flood reaches as lines, fire-risk
/// areas as polygons, each with a level from its own LEC or risk-matrix factors.
struct HazardPlacer {
    let profile: [HazardKindProfile]
    let count: Int

    func place(_ context: DemoGenerator.Context, _ random: inout SeededRandom, progress: (String) -> Void, emit: (Feature) throws -> Void) throws {
        var counts = profile.map { Int((Double(count) * $0.share).rounded(.down)) }
        counts[0] += count - counts.reduce(0, +)
        let start = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        var serial = 0
        for (kind, n) in zip(profile, counts) {
            for _ in 0..<n {
                serial += 1
                let block = context.block(kind.urban ? .urban : .rural, &random)
                let geometry = try shape(kind.shape, in: block, context, &random)
                let grid = context.grid(of: block)
                var properties: [JSONMember] = [
                    JSONMember("name", .string("\(context.community(of: block).name)\(kind.nameStem)\(serial)号")),
                    JSONMember("kind", .string(kind.kind)),
                    JSONMember("subkind", .string(random.element(kind.subkinds))),
                ]
                properties += factors(kind, &random)
                if kind.kind == "hazardous_chemical", random.unit() < 0.3 {
                    properties.append(JSONMember("major_hazard_grade", .number(Double(random.pick(weights: [0.1, 0.2, 0.3, 0.4]) + 1))))
                }
                let impact = (random.uniform(kind.impactDistance) / 5).rounded() * 5
                let reported = start.addingTimeInterval(random.uniform(0...(1034 * 86_400)))
                properties += [
                    JSONMember("impact_distance_m", .number(impact)),
                    JSONMember("status", .string(["registered", "rectifying", "closed"][random.pick(weights: [0.35, 0.25, 0.4])])),
                    JSONMember("reported_by", .string(grid.worker)),
                    JSONMember("reported_at", .string(formatter.string(from: reported))),
                    JSONMember("grid_code", .string(grid.code)),
                ]
                try emit(Feature(id: String(format: "H-%07d", serial), geometry: geometry, properties: properties))
                if serial % 100_000 == 0 { progress("placed \(serial) of \(count) hazards") }
            }
        }
    }

    /// LEC factors (65%), risk-matrix factors (20%), or a level given directly (15%).
    private func factors(_ kind: HazardKindProfile, _ random: inout SeededRandom) -> [JSONMember] {
        let method = random.pick(weights: [0.65, 0.2, 0.15])
        switch method {
        case 0:
            let l = LEC.likelihoods[random.pick(weights: [0.04, 0.1, 0.25, 0.3, 0.2, 0.08, 0.03])]
            let e = LEC.exposures[random.pick(weights: [0.03, 0.2, 0.3, 0.2, 0.2, 0.07])]
            let c = random.element(kind.consequences)
            return [JSONMember("level", .number(Double(LEC.level(l * e * c)))), JSONMember("lec_l", .number(l)), JSONMember("lec_e", .number(e)), JSONMember("lec_c", .number(c))]
        case 1:
            let l = random.pick(weights: [0.25, 0.3, 0.25, 0.15, 0.05]) + 1
            let s = random.pick(weights: [0.15, 0.25, 0.3, 0.2, 0.1]) + 1
            return [JSONMember("level", .number(Double(LEC.matrixLevel(l * s)))), JSONMember("matrix_l", .number(Double(l))), JSONMember("matrix_s", .number(Double(s)))]
        default:
            return [JSONMember("level", .number(Double(random.pick(weights: [0.05, 0.15, 0.35, 0.45]) + 1)))]
        }
    }

    private func shape(_ shape: HazardKindProfile.Shape, in block: Int, _ context: DemoGenerator.Context, _ random: inout SeededRandom) throws -> Geometry {
        let layout = context.layout
        let start = layout.point(in: block, &random)
        switch shape {
        case .point:
            return .point(start)
        case .line:
            // A pipeline or river reach: a bent walk of 3–7 vertices, cut where it would leave the boundary.
            var heading = random.uniform(0...(2 * .pi))
            var here = layout.frame.metres(start)
            var vertices = [start]
            for _ in 0..<random.int(2...6) {
                heading += random.uniform(-0.5...0.5)
                let step = random.uniform(150...400)
                here = (here.x + step * cos(heading), here.y + step * sin(heading))
                let next = layout.frame.lonLat(here.x, here.y)
                guard try context.prepared.contains(next) else { break }
                vertices.append(next)
            }
            if vertices.count < 2 { vertices.append(Coordinate(start.x + 1e-4, start.y)) }
            return .lineString(vertices)
        case .polygon:
            // A fire-risk patch: an irregular heptagon of 150–500 m radius, shrunk until inside.
            let centre = layout.frame.metres(start)
            var radius = random.uniform(150...500)
            let wobble = (0..<7).map { _ in random.uniform(0.7...1.0) }
            while true {
                var ring: Ring = (0..<7).map { i in
                    let angle = Double(i) / 7 * 2 * .pi
                    return layout.frame.lonLat(centre.x + radius * wobble[i] * cos(angle), centre.y + radius * wobble[i] * sin(angle))
                }
                ring.append(ring[0])
                if try context.prepared.contains(.polygon([ring])) || radius < 20 { return .polygon([ring]) }
                radius *= 0.6
            }
        }
    }
}
