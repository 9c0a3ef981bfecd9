import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage

/// Finds the areas one risk source reaches: those it lies in or meets, and those within
/// its impact distance, measured geodesically (never in degrees).
///
/// Each area is prepared with GEOS once (on first use) so that "does the source meet
/// it" is an indexed test, and a planar distance in degrees, scaled to a lower bound on
/// metres, rules out areas clearly beyond the impact distance before the exact geodesic
/// measure. Holds a GEOS context and its prepared areas, so each thread makes its own.
final class SourceReach {
    let areas: [RiskArea]
    let areaIndex: IndexSnapshot
    let unit: AreaUnit
    let slotOfID: [String: Int]
    let rules: RiskRules
    private let context = GEOSContext()
    private var prepared: [PreparedGeometry?]

    init(areas: [RiskArea], areaIndex: IndexSnapshot, unit: AreaUnit, slotOfID: [String: Int], rules: RiskRules) {
        self.areas = areas
        self.areaIndex = areaIndex
        self.unit = unit
        self.slotOfID = slotOfID
        self.rules = rules
        prepared = Array(repeating: nil, count: areas.count)
    }

    enum Outcome {
        /// Closed sources (销号) colour nothing.
        case closed
        /// The rules cannot give the source a level (no level given, a factor missing).
        case unassessed
        case reaches(RiskLevel, [(slot: Int, distance: Double)])
    }

    func reach(_ source: LayerRecord) throws -> Outcome {
        if source.value(Columns.status) == .text("closed") { return .closed }
        guard let level = rules.assess(source)?.level else { return .unassessed }
        let impact = max(0, source.value(Columns.impact).number ?? 0)
        guard let box = source.geometry.boundingBox else { return .reaches(level, []) }
        let search = box.widened(byMetres: impact)
        // Degrees of planar distance below which the geodesic distance may be within the
        // impact: a degree is at least 110.57 km × cos(latitude) in any direction (the
        // meridian's radius of curvature is least at the equator), less 1% for curvature.
        let highest = min(89.9, max(abs(search.minY), abs(search.maxY)))
        let degrees = impact / (0.99 * 110_570 * cos(highest * .pi / 180))
        var point: Coordinate?
        if case .point(let c) = source.geometry { point = c }
        var found: [(slot: Int, distance: Double)] = []
        var candidates: [Int] = []
        areaIndex.forEachCandidatePosition(unit.layer, meeting: search) { candidates.append($0) }
        for slot in candidates {
            let area = try preparedArea(slot)
            let meets = try point.map { try area.intersects($0) } ?? area.intersects(source.geometry)
            if meets {
                found.append((slot, 0))
                continue
            }
            guard impact > 0 else { continue }
            let near = try point.map { try area.isWithin(degrees, of: $0) } ?? area.isWithin(degrees, of: source.geometry)
            guard near else { continue }
            let distance = point.map { GeodesicObserver($0).measure(areas[slot].geometry).distance }
                ?? ShapeGap.between(source.geometry, areas[slot].geometry, near: search)
            if distance <= impact + 1e-6 { found.append((slot, distance)) }
        }
        return .reaches(level, found)
    }

    private func preparedArea(_ slot: Int) throws -> PreparedGeometry {
        if let ready = prepared[slot] { return ready }
        let made = try context.prepare(areas[slot].geometry)
        prepared[slot] = made
        return made
    }
}

/// Positions of the hazard columns read here, resolved once.
private enum Columns {
    static let status = Layer.hazards.columnIndex("status")
    static let impact = Layer.hazards.columnIndex("impact_distance_m")
}
