import OneMapGeometry

extension RiskRules {
    /// The rules in the form of `config/risk-rules.json`, as a version records them.
    public var json: JSONValue {
        .object([
            JSONMember("source_method", .string(sourceMethod.rawValue)),
            JSONMember("lec", .object([JSONMember("red_above", .number(lec.redAbove)), JSONMember("orange_from", .number(lec.orangeFrom)),
                                       JSONMember("yellow_from", .number(lec.yellowFrom))])),
            JSONMember("matrix", .object([JSONMember("red_from", .number(matrix.redFrom)), JSONMember("orange_from", .number(matrix.orangeFrom)),
                                          JSONMember("yellow_from", .number(matrix.yellowFrom))])),
            JSONMember("area_rule", .string(areaRule.rawValue)),
            JSONMember("density", .object([
                JSONMember("weights", .object(RiskLevel.allCases.map { JSONMember($0.description, .number(density.weight($0))) })),
                JSONMember("red_from", .number(density.redFrom)), JSONMember("orange_from", .number(density.orangeFrom)),
                JSONMember("yellow_from", .number(density.yellowFrom)),
            ])),
        ])
    }
}
