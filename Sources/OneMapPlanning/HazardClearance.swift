import OneMapStorage

/// How far an open hazard must be kept from people, by the rule each distance comes from:
/// the audit of protected targets and the screening of new sites read the same rules.
enum HazardClearance {
    static let major = "major_hazard_safety_distance"
    static let impact = "impact_distance"
    static let ordinary = "ordinary_hazard_distance"

    private static let status = Layer.hazards.columnIndex("status")
    private static let grade = Layer.hazards.columnIndex("major_hazard_grade")
    private static let impactColumn = Layer.hazards.columnIndex("impact_distance_m")

    /// Closed hazards (销号) keep nobody away.
    static func isOpen(_ hazard: LayerRecord) -> Bool { hazard.value(status) != .text("closed") }

    /// The distances `hazard` asks for: `majorDistance` when it is a major hazard source (it
    /// has a `major_hazard_grade`), its own impact distance, and `ordinaryDistance` from any
    /// open hazard (siting keeps 30 m from ordinary fire sources; the audit asks for none).
    static func rules(_ hazard: LayerRecord, majorDistance: Double, ordinaryDistance: Double = 0) -> [(rule: String, distance: Double)] {
        var rules: [(String, Double)] = []
        if hazard.value(grade) != .null { rules.append((major, majorDistance)) }
        if let d = hazard.value(impactColumn).number, d > 0 { rules.append((impact, d)) }
        if ordinaryDistance > 0 { rules.append((ordinary, ordinaryDistance)) }
        return rules
    }

    /// The farthest any of `hazards` asks to be kept: how far around a place to look.
    static func farthest(_ hazards: [LayerRecord], majorDistance: Double, ordinaryDistance: Double = 0) -> Double {
        max(majorDistance, ordinaryDistance, hazards.map { $0.value(impactColumn).number ?? 0 }.max() ?? 0)
    }
}
