import OneMapGeometry

extension RiskModel {
    /// The one map as GeoJSON features, in area id order: every area with its level,
    /// colour, Chinese level name, the sources behind its colour, and (density rule) its score.
    public func features() -> [Feature] {
        areas.indices.map { slot in
            let area = areas[slot], assessment = assessments[slot]
            var properties = Self.areaMembers(unit: unit, name: area.name, subdistrict: area.subdistrict, population: area.population)
            properties.append(JSONMember("area_km2", .number((area.areaKm2 * 1e6).rounded() / 1e6)))
            properties += Self.levelMembers(assessment.level)
            if let score = assessment.score { properties.append(JSONMember("score", .number((score * 1e6).rounded() / 1e6))) }
            properties.append(JSONMember("source_count", .number(Double(assessment.sourceCount))))
            properties.append(JSONMember("reasons", Self.reasonsJSON(assessment.reasons)))
            return Feature(id: area.id, geometry: area.geometry, properties: properties)
        }
    }

    /// `unit`, and the area's `name`, `subdistrict` and `population` where known.
    public static func areaMembers(unit: AreaUnit, name: String?, subdistrict: String?, population: Int?) -> [JSONMember] {
        var members = [JSONMember("unit", .string(unit.description))]
        if let name { members.append(JSONMember("name", .string(name))) }
        if let subdistrict { members.append(JSONMember("subdistrict", .string(subdistrict))) }
        if let population { members.append(JSONMember("population", .number(Double(population)))) }
        return members
    }

    /// `risk_level`, `colour`, `colour_hex` and `level_name` (null when no source reaches).
    public static func levelMembers(_ level: RiskLevel?) -> [JSONMember] {
        guard let level else {
            return ["risk_level", "colour", "colour_hex", "level_name"].map { JSONMember($0, .null) }
        }
        return [JSONMember("risk_level", .number(Double(level.rawValue))), JSONMember("colour", .string(level.description)),
                JSONMember("colour_hex", .string(level.hexColour)), JSONMember("level_name", .string(level.chineseName))]
    }

    /// Reasons as `[{"source": id, "level": n, "distance_m": d}]`, distances to the millimetre.
    public static func reasonsJSON(_ reasons: [AreaReason]) -> JSONValue {
        .array(reasons.map { reason in
            .object([JSONMember("source", .string(reason.sourceID)),
                     JSONMember("level", .number(Double(reason.level.rawValue))),
                     JSONMember("distance_m", .number((reason.distance * 1000).rounded() / 1000))])
        })
    }

    /// Reads what ``reasonsJSON(_:)`` wrote; entries it cannot read are skipped.
    public static func reasons(from json: JSONValue) -> [AreaReason] {
        (json.arrayValue ?? []).compactMap { item in
            guard let id = item["source"]?.stringValue, let n = item["level"]?.numberValue,
                  let level = RiskLevel(rawValue: Int(n)) else { return nil }
            return AreaReason(sourceID: id, level: level, distance: item["distance_m"]?.numberValue ?? 0)
        }
    }
}

/// The legend of a one map: the four levels in order with their colours, names and how
/// many areas and residents each holds.
public struct RiskLegend: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// Nil: the areas no open source reaches (not coloured).
        public var level: RiskLevel?
        public var areas: Int
        public var residents: Int
    }

    public var unit: AreaUnit
    public var rule: AreaRule
    public var entries: [Entry]

    public init(unit: AreaUnit, rule: AreaRule, levels: [(level: RiskLevel?, population: Int?)]) {
        self.unit = unit
        self.rule = rule
        entries = (RiskLevel.allCases.map(Optional.some) + [nil]).map { level in
            let matching = levels.filter { $0.level == level }
            return Entry(level: level, areas: matching.count, residents: matching.reduce(0) { $0 + ($1.population ?? 0) })
        }
    }

    public var json: JSONValue {
        .object([
            JSONMember("title", .string("四色安全风险分布图 · four-colour risk map")),
            JSONMember("unit", .string(unit.description)),
            JSONMember("rule", .string(rule.rawValue)),
            JSONMember("levels", .array(entries.map { entry in
                var members = RiskModel.levelMembers(entry.level)
                if entry.level == nil { members.append(JSONMember("label", .string("reached by no open hazard"))) }
                members.append(JSONMember("areas", .number(Double(entry.areas))))
                members.append(JSONMember("residents", .number(Double(entry.residents))))
                return .object(members)
            })),
        ])
    }
}

extension RiskModel {
    public var legend: RiskLegend {
        RiskLegend(unit: unit, rule: rules.areaRule, levels: areas.indices.map { (assessments[$0].level, areas[$0].population) })
    }
}
