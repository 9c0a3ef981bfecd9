import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The weighted-density rule, admin units, and incremental updates against full rebuilds.
@Suite struct RiskModelTests {
    let scene = AreaLevelTests()

    @Test func weightedDensityCountsEverySourceByItsWeightPerSquareKilometre() throws {
        var rules = RiskRules.standard
        rules.areaRule = .weightedDensity
        rules.density = DensityRule(weights: [10, 5, 2, 1], redFrom: 20, orangeFrom: 10, yellowFrom: 4)
        let cellKm2 = Geodesic.wgs84.area(of: scene.cell(0).geometry) / 1e6  // about 0.92 km²
        // Orange sources in G0 until the density passes 10 per km²: two give 10 / 0.92 ≈ 10.9.
        let sources = [scene.source("O1", .point(Coordinate(118.902, 42.252)), level: 2),
                       scene.source("O2", .point(Coordinate(118.904, 42.254)), level: 2),
                       scene.source("B1", .point(Coordinate(118.915, 42.255)), level: 4)]
        let index = SpatialIndex(records: [.grids: (0..<3).map(scene.cell), .hazards: sources])
        let model = try RiskModel.build(index.snapshot, rules: rules)
        let g0 = try #require(model.area(id: "G0")?.assessment), g1 = try #require(model.area(id: "G1")?.assessment)
        #expect(abs((g0.score ?? 0) - 10 / cellKm2) < 1e-9)
        #expect(g0.level == .orange)
        #expect(g0.reasons.map(\.sourceID) == ["O1", "O2"])
        // One blue source: 1 / 0.92 per km², below yellow, so blue.
        #expect(g1.level == .blue && g1.sourceCount == 1)
        #expect(model.area(id: "G2")?.assessment.level == nil)
        // Under most-severe, one orange source alone makes G0 orange and B1 makes G1 blue.
        let severe = try RiskModel.build(index.snapshot, rules: .standard)
        #expect(severe.area(id: "G0")?.assessment.score == nil)
    }

    @Test func anAdminLevelIsColouredLikeGrids() throws {
        let ring = [Coordinate(118.90, 42.25), Coordinate(118.92, 42.25), Coordinate(118.92, 42.26), Coordinate(118.90, 42.26), Coordinate(118.90, 42.25)]
        func unit(_ id: String, level: String, _ ring: [Coordinate]) -> LayerRecord {
            let named: [String: FieldValue] = ["level": .text(level), "name": .text(id)]
            return LayerRecord(id: id, geometry: .multiPolygon([[ring]]), values: Layer.adminUnits.columns.map { named[$0.name] ?? .null }, extra: [])
        }
        let far = ring.map { Coordinate($0.x + 1, $0.y) }
        let index = SpatialIndex(records: [
            .adminUnits: [unit("S1", level: "subdistrict", ring), unit("S2", level: "subdistrict", far), unit("D", level: "district", ring)],
            .hazards: [scene.source("R", .point(Coordinate(118.905, 42.255)), level: 1)],
        ])
        let model = try RiskModel.build(index.snapshot, rules: .standard, unit: AreaUnit(parsing: "subdistrict"))
        #expect(model.areas.map(\.id) == ["S1", "S2"])
        #expect(model.area(id: "S1")?.assessment.level == .red && model.area(id: "S2")?.assessment.level == nil)
        #expect(throws: RiskError.noAreas(.admin(level: "township"))) {
            try RiskModel.build(index.snapshot, rules: .standard, unit: AreaUnit(parsing: "township"))
        }
    }

    /// Random adds, moves, re-levels, closes and deletes, each applied incrementally; the
    /// model must equal a full rebuild after every one, and only reached areas may change.
    @Test(arguments: [RiskRules.standard, { var r = RiskRules.standard; r.areaRule = .weightedDensity; return r }()])
    func incrementalUpdatesEqualAFullRebuild(rules: RiskRules) throws {
        var random = SeededRandom(seed: 7)
        let cells = (0..<3).flatMap { row in (0..<4).map { col -> LayerRecord in
            let x0 = 118.90 + Double(col) * 0.01, y0 = 42.25 + Double(row) * 0.01
            let ring = [Coordinate(x0, y0), Coordinate(x0 + 0.01, y0), Coordinate(x0 + 0.01, y0 + 0.01), Coordinate(x0, y0 + 0.01), Coordinate(x0, y0)]
            return LayerRecord(id: "G\(row)\(col)", geometry: .multiPolygon([[ring]]), values: Layer.grids.columns.map { _ in .null }, extra: [])
        } }
        func randomSource(_ id: String) -> LayerRecord {
            let p = Coordinate(118.895 + random.unit() * 0.05, 42.245 + random.unit() * 0.04)
            let geometry: Geometry = random.unit() < 0.2 ? .lineString([p, Coordinate(p.x + 0.004, p.y + 0.002)]) : .point(p)
            return scene.source(id, geometry, level: 1 + Int(random.unit() * 4), impact: random.unit() < 0.5 ? 0 : random.unit() * 900,
                                status: random.unit() < 0.15 ? "closed" : "registered")
        }
        var sources: [String: LayerRecord] = [:]
        for i in 0..<40 { sources["H\(i)"] = randomSource("H\(i)") }
        let index = SpatialIndex(records: [.grids: cells, .hazards: Array(sources.values)])
        var model = try RiskModel.build(index.snapshot, rules: rules)
        for step in 0..<150 {
            let id = random.unit() < 0.3 ? "N\(step)" : "H\(Int(random.unit() * 40))"
            let old = sources[id]
            let new: LayerRecord? = old != nil && random.unit() < 0.2 ? nil : randomSource(id)
            let change: FeatureChange = switch (old, new) {
            case (nil, let n?): .insert(n)
            case (_?, let n?): .update(n)
            default: .delete(id: id)
            }
            if old == nil && new == nil { continue }
            try index.apply(change, to: .hazards)
            sources[id] = new
            let before = model.assessments
            let result = try model.replaceSource(old, with: new)
            let rebuilt = try RiskModel.build(index.snapshot, rules: rules)
            for (a, b) in zip(model.assessments, rebuilt.assessments) {
                #expect(a.level == b.level && Set(a.reasons) == Set(b.reasons) && a.sourceCount == b.sourceCount, "step \(step), \(a.areaID)")
                if let s = a.score, let t = b.score { #expect(abs(s - t) < 1e-9) }
            }
            let changed = Set(model.assessments.indices.filter { model.assessments[$0] != before[$0] })
            #expect(changed == Set(result.changed), "step \(step)")
            #expect(Set(result.changed).isSubset(of: Set(result.reassessed)))
            #expect(Set(result.recoloured) == Set(changed.filter { model.assessments[$0].level != before[$0].level }))
        }
    }
}
