import Foundation
import OneMap
import OneMapTestSupport
import Testing

@Suite struct RiskRulesTests {
    let rules = RiskRules.standard

    /// DOMAIN.md: D > 320 red, 160–320 orange, 70–160 yellow, < 70 blue.
    static let lecCases: [(Double, RiskLevel)] = [
        (320.01, .red), (320, .orange), (160, .orange), (159.99, .yellow), (70, .yellow), (69.99, .blue),
        (10_000, .red), (0.05, .blue), (252, .orange), (63, .blue), (126, .yellow),
    ]

    @Test func lecThresholdsHitTheirBoundaries() {
        for (d, level) in Self.lecCases { #expect(rules.lec.level(d) == level, "D = \(d)") }
    }

    /// R = L × S: 20–25 red, 10–16 orange, 4–9 yellow, 1–3 blue, every product of the 1–5 scales.
    @Test func matrixThresholdsCoverEveryProduct() {
        for l in 1...5 {
            for s in 1...5 {
                let r = l * s
                let expected: RiskLevel = r >= 20 ? .red : r >= 10 ? .orange : r >= 4 ? .yellow : .blue
                #expect(rules.matrix.level(Double(r)) == expected)
            }
        }
        #expect(rules.matrix.level(20) == .red && rules.matrix.level(16) == .orange)
        #expect(rules.matrix.level(10) == .orange && rules.matrix.level(9) == .yellow)
        #expect(rules.matrix.level(4) == .yellow && rules.matrix.level(3) == .blue)
    }

    func hazard(_ named: [String: FieldValue]) -> LayerRecord {
        LayerRecord(id: "H", geometry: .point(Coordinate(109.78, 39.61)),
                    values: Layer.hazards.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    @Test func theMethodDecidesWhichEvidenceCounts() {
        let record = hazard(["level": .integer(4), "lec_l": .real(6), "lec_e": .real(6), "lec_c": .real(15),
                             "matrix_l": .integer(5), "matrix_s": .integer(5)])
        var rules = RiskRules.standard
        #expect(rules.assess(record) == SourceAssessment(level: .blue, basis: .given))
        rules.sourceMethod = .lec
        #expect(rules.assess(record) == SourceAssessment(level: .red, basis: .lec(l: 6, e: 6, c: 15, d: 540)))
        rules.sourceMethod = .matrix
        #expect(rules.assess(record) == SourceAssessment(level: .red, basis: .matrix(l: 5, s: 5, r: 25)))
        // Auto falls back from a missing level to LEC, then to the matrix, then to nothing.
        let noLevel = hazard(["matrix_l": .integer(2), "matrix_s": .integer(3)])
        #expect(RiskRules.standard.assess(noLevel)?.level == .yellow)
        #expect(RiskRules.standard.assess(hazard([:])) == nil)
        rules.sourceMethod = .lec
        #expect(rules.assess(noLevel) == nil)
    }

    @Test func theCommittedRulesFileStatesTheStandardRules() throws {
        #expect(try RiskRules.load(path: Repository.path("config/risk-rules.json")) == RiskRules.standard)
    }

    @Test func aRulesFileCanChangeMethodAndThresholds() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("r.json", #"{"source_method": "matrix", "matrix": {"red_from": 16, "orange_from": 9, "yellow_from": 3}}"#)
        let rules = try RiskRules.load(path: path)
        #expect(rules.sourceMethod == .matrix)
        #expect(rules.lec == RiskRules.standard.lec)
        #expect(rules.matrix.level(16) == .red && rules.matrix.level(3) == .yellow)
    }

    @Test(arguments: [
        (#"{"source_method": "guess"}"#, "source_method must be one of given, lec, matrix, auto"),
        (#"{"lec": {"red_above": 100, "orange_from": 160, "yellow_from": 70}}"#, "lec thresholds must not increase"),
        (#"{"matrix": {"red_from": 20, "orange_from": 10}}"#, "matrix.yellow_from must be a number"),
        (#"{"matrix": {"red_from": 20, "orange_from": 10, "yellow_from": 4, "blue_from": 1}}"#, "matrix has an unknown member 'blue_from'"),
        (#"{"areas_rule": "most_severe"}"#, "unknown member 'areas_rule'"),
        (#"{"area_rule": "loudest"}"#, "area_rule must be one of most_severe, weighted_density"),
        (#"{"density": {"red_from": 20, "orange_from": 10, "yellow_from": 4, "weights": {"purple": 3}}}"#, "density.weights has an unknown level 'purple'"),
        ("[1, 2]", "not a JSON object"),
    ])
    func badRulesFilesAreRefusedWithTheReason(text: String, reason: String) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bad.json", text)
        do {
            _ = try RiskRules.load(path: path)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix("\(path): "))
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    /// The demo's hazards carry both a level and the factors behind it: the rules agree.
    @Test func theDemoLevelsAgreeWithTheRules() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"),
                                                boundaryCRS: .gcj02, output: path))
        var lec = RiskRules.standard, matrix = RiskRules.standard
        lec.sourceMethod = .lec
        matrix.sourceMethod = .matrix
        var checked = 0
        try GeoPackage(path: path, mode: .readOnly).read { session in
            try session.forEachRecord(in: .hazards) { record in
                guard let given = RiskRules.standard.assess(record)?.level else { return }
                if let byFactors = lec.assess(record) ?? matrix.assess(record) {
                    #expect(byFactors.level == given, "\(record.id)")
                    checked += 1
                }
            }
        }
        #expect(checked > 400, "only \(checked) demo hazards carry LEC or matrix factors")
    }
}
