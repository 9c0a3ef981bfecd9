import OneMapRisk
/// The mix of hazards in an Inner Mongolian new-town district like Kangbashi, as the plans
/// describe it: many construction sites and crowded places, gas stations, a few
/// hazardous-chemical firms and gas pipelines, waterlogging points in the low streets,
/// geological points and forest-grassland fire risk on the urban fringe.
struct HazardKindProfile {
    var kind: String
    var share: Double
    var shape: Shape
    /// Where it sits: drawn by population (urban) or away from it (rural).
    var urban: Bool
    /// LEC consequence values C this kind can have (DOMAIN.md's scale).
    var consequences: [Double]
    var impactDistance: ClosedRange<Double>
    var subkinds: [String]
    var nameStem: String

    enum Shape { case point, line, polygon }

    static let kangbashi: [HazardKindProfile] = [
        .init(kind: "construction_site", share: 0.24, shape: .point, urban: true, consequences: [3, 7, 15], impactDistance: 20...50, subkinds: ["building", "road_works", "deep_excavation"], nameStem: "在建工地"),
        .init(kind: "crowded_place", share: 0.22, shape: .point, urban: true, consequences: [7, 15, 40], impactDistance: 50...150, subkinds: ["mall", "stadium", "square", "transport_hub"], nameStem: "人员密集场所"),
        .init(kind: "gas_station", share: 0.08, shape: .point, urban: true, consequences: [15, 40], impactDistance: 30...80, subkinds: ["petrol", "lng", "cng"], nameStem: "加油加气站"),
        .init(kind: "hazardous_chemical", share: 0.04, shape: .point, urban: false, consequences: [40, 100], impactDistance: 300...1000, subkinds: ["storage", "production", "use"], nameStem: "危险化学品企业"),
        .init(kind: "pipeline", share: 0.06, shape: .line, urban: true, consequences: [15, 40, 100], impactDistance: 30...200, subkinds: ["gas_main", "heating", "oil"], nameStem: "燃气管线"),
        .init(kind: "waterlogging", share: 0.10, shape: .point, urban: true, consequences: [3, 7, 15], impactDistance: 50...200, subkinds: ["underpass", "low_street"], nameStem: "易涝点"),
        .init(kind: "geological", share: 0.08, shape: .point, urban: false, consequences: [7, 15, 40], impactDistance: 100...300, subkinds: ["collapse", "landslide", "debris_flow", "subsidence"], nameStem: "地质灾害隐患点"),
        .init(kind: "forest_fire", share: 0.08, shape: .polygon, urban: false, consequences: [15, 40], impactDistance: 300...1000, subkinds: ["forest", "grassland"], nameStem: "森林草原火险区"),
        .init(kind: "flood_reach", share: 0.04, shape: .line, urban: false, consequences: [15, 40], impactDistance: 100...500, subkinds: ["flood", "ice_flood"], nameStem: "防汛重点河段"),
        .init(kind: "special_equipment", share: 0.06, shape: .point, urban: true, consequences: [7, 15], impactDistance: 10...30, subkinds: ["elevator", "boiler", "pressure_vessel"], nameStem: "特种设备"),
    ]
}

/// LEC factor scales from DOMAIN.md. The demo computes each hazard's level from its own
/// factors with the service's standard rules, so the data agrees with the risk model.
enum LEC {
    static let likelihoods: [Double] = [10, 6, 3, 1, 0.5, 0.2, 0.1]
    static let exposures: [Double] = [10, 6, 3, 2, 1, 0.5]

    static func level(_ d: Double) -> Int { RiskRules.standard.lec.level(d).rawValue }

    static func matrixLevel(_ r: Int) -> Int { RiskRules.standard.matrix.level(Double(r)).rawValue }
}
