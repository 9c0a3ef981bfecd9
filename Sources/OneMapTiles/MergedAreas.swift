import OneMapGeometry
import OneMapRisk
import Synchronization

/// The coloured areas of one risk map merged per level (GEOS union), for the zooms below
/// `risk_areas.merge_below_zoom`: a z8 tile of a city covers hundreds of grid cells of a
/// few pixels each, and tracing, filling and outlining each cost more than its colour
/// shows. Made on the first tile that needs it and kept for this map version (a renderer
/// of a later version has its own).
final class MergedAreas: Sendable {
    struct Part: Sendable {
        let level: RiskLevel
        let geometry: Geometry
        let box: BoundingBox
    }

    /// nil until made; `.some(nil)` when the union failed (the areas are then drawn one by one).
    private let made = Mutex<[Part]??>(nil)

    /// The merged polygons of `risk`, each with its level and box, or nil if they cannot be
    /// made (an area GEOS cannot union).
    func parts(of risk: RiskModel) -> [Part]? {
        made.withLock { made in
            if let made { return made }
            let parts = Self.merge(risk)
            made = .some(parts)
            return parts
        }
    }

    private static func merge(_ risk: RiskModel) -> [Part]? {
        let context = GEOSContext()
        var parts: [Part] = []
        for level in RiskLevel.allCases {
            let areas = risk.areas.indices.filter { risk.assessments[$0].level == level }.map { risk.areas[$0].geometry }
            guard !areas.isEmpty else { continue }
            guard let union = try? context.union(areas) else { return nil }
            let polygons: [Geometry] = switch union {
            case .polygon: [union]
            case .multiPolygon(let list): list.map { .polygon($0) }
            case .geometryCollection(let list): list.filter { if case .polygon = $0 { true } else { false } }
            default: []
            }
            for polygon in polygons {
                guard let box = polygon.boundingBox else { continue }
                parts.append(Part(level: level, geometry: polygon, box: box))
            }
        }
        return parts
    }
}
