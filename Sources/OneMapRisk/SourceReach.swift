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
        if source.values[Columns.status] == .text("closed") { return .closed }
        guard let level = rules.assess(source)?.level else { return .unassessed }
        let impact = max(0, source.values[Columns.impact].number ?? 0)
        guard let box = source.geometry.boundingBox else { return .reaches(level, []) }
        let search = Self.widened(box, by: impact)
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
                ?? Self.gap(source.geometry, areas[slot].geometry, near: search)
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

    /// The least geodesic distance between a source and an area that do not meet, when
    /// it is within the impact distance: from a vertex of either to the other (the
    /// minimum between disjoint shapes lies at a vertex). Area vertices outside `near`
    /// (the source's box grown by the impact) cannot be within it and are skipped, so a
    /// result beyond the impact distance is only a bound.
    static func gap(_ source: Geometry, _ area: Geometry, near: BoundingBox) -> Double {
        var best = Double.infinity
        source.forEachCoordinate { best = min(best, GeodesicObserver($0).measure(area).distance) }
        area.forEachCoordinate { c in
            if near.contains(c) { best = min(best, GeodesicObserver(c).measure(source).distance) }
        }
        return best
    }

    /// A lon/lat box grown by at least `metres` on every side (a degree of latitude is
    /// never under 110.5 km; a degree of longitude is that times the cosine of the
    /// box's highest latitude).
    static func widened(_ box: BoundingBox, by metres: Double) -> BoundingBox {
        let dLat = metres / 110_000
        let highest = min(89.9, max(abs(box.minY), abs(box.maxY)) + dLat)
        let dLon = metres / (110_000 * cos(highest * .pi / 180))
        return BoundingBox(minX: max(-180, box.minX - dLon), minY: max(-90, box.minY - dLat),
                           maxX: min(180, box.maxX + dLon), maxY: min(90, box.maxY + dLat))
    }
}

/// Positions of the hazard columns read here, resolved once.
private enum Columns {
    static let status = Layer.hazards.columns.firstIndex { $0.name == "status" }!
    static let impact = Layer.hazards.columns.firstIndex { $0.name == "impact_distance_m" }!
}
