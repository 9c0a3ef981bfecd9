import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage

/// The one map as GeoJSON: every area with its level, colour and the sources behind it.
public enum RiskMap {
    /// Loads the areas and hazards of `path`, colours the areas under `rules`, and returns
    /// one feature per area (in id order) and the count per level (nil: no source reaches).
    public static func build(path: String, rules: RiskRules, areas: Layer = .grids) throws -> (features: [Feature], counts: [RiskLevel?: Int]) {
        let store = try GeoPackage(path: path, mode: .readOnly)
        let snapshot = try SpatialIndex.load(from: store, layers: [areas, .hazards]).snapshot
        var counts: [RiskLevel?: Int] = [:]
        let features = try rules.assessAreas(snapshot, areas: areas).map { assessment in
            counts[assessment.level, default: 0] += 1
            let area = snapshot.feature(areas, id: assessment.areaID)!
            var properties = area.feature(in: areas).properties
            if let level = assessment.level {
                properties.append(JSONMember("risk_level", .number(Double(level.rawValue))))
                properties.append(JSONMember("colour", .string(level.description)))
                properties.append(JSONMember("colour_hex", .string(level.hexColour)))
            } else {
                properties.append(JSONMember("risk_level", .null))
                properties.append(JSONMember("colour", .null))
            }
            properties.append(JSONMember("reasons", .array(assessment.reasons.map { reason in
                .object([JSONMember("source", .string(reason.sourceID)),
                         JSONMember("level", .number(Double(reason.level.rawValue))),
                         JSONMember("distance_m", .number((reason.distance * 1000).rounded() / 1000))])
            })))
            return Feature(id: area.id, geometry: area.geometry, properties: properties)
        }
        return (features, counts)
    }
}
