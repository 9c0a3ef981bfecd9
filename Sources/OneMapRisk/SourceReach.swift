import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage

/// Finds the areas one risk source reaches: those it lies in or meets, and those within
/// its impact distance, measured geodesically (never in degrees).
///
/// Holds a GEOS context, so each thread makes its own.
struct SourceReach {
    let areas: IndexSnapshot
    let unit: AreaUnit
    let slotOfID: [String: Int]
    let rules: RiskRules
    private let context = GEOSContext()

    init(areas: IndexSnapshot, unit: AreaUnit, slotOfID: [String: Int], rules: RiskRules) {
        self.areas = areas
        self.unit = unit
        self.slotOfID = slotOfID
        self.rules = rules
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
        var found: [(slot: Int, distance: Double)] = []
        if case .point(let point) = source.geometry {
            // The index's radius query measures exactly to each polygon (zero inside).
            for hit in try areas.features(unit.layer, within: impact, of: point) {
                found.append((slotOfID[hit.record.id]!, hit.distance ?? 0))
            }
        } else if let box = source.geometry.boundingBox {
            let prepared = try context.prepare(source.geometry)
            for hit in try areas.features(unit.layer, in: Self.widened(box, by: impact)) {
                let area = hit.record
                let distance = try prepared.intersects(area.geometry) ? 0 : Self.gap(source.geometry, area.geometry)
                if distance <= impact + 1e-6 { found.append((slotOfID[area.id]!, distance)) }
            }
        }
        return .reaches(level, found)
    }

    /// The least geodesic distance between two shapes that do not meet: from a vertex of
    /// either to the other (the minimum between disjoint shapes always lies at a vertex).
    static func gap(_ a: Geometry, _ b: Geometry) -> Double {
        var best = Double.infinity
        a.forEachCoordinate { best = min(best, GeodesicObserver($0).measure(b).distance) }
        b.forEachCoordinate { best = min(best, GeodesicObserver($0).measure(a).distance) }
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
