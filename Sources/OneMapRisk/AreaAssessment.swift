import OneMapGeometry
import OneMapStorage

/// A source that reaches an area, as the area's colour reports it.
public struct AreaReason: Sendable, Equatable, Hashable {
    public var sourceID: String
    public var level: RiskLevel
    /// Geodesic distance in metres from the source to the area; zero when they meet.
    public var distance: Double

    public init(sourceID: String, level: RiskLevel, distance: Double) {
        self.sourceID = sourceID
        self.level = level
        self.distance = distance
    }
}

/// An area's level and the sources that set it.
public struct AreaAssessment: Sendable, Equatable {
    public var areaID: String
    /// Nil when no open source lies in the area or reaches it with its impact distance.
    public var level: RiskLevel?
    /// Under the most-severe rule, the sources at the area's level, nearest first; under
    /// the weighted-density rule, every source counted, most severe first.
    public var reasons: [AreaReason]
    /// The weighted density (weight per km²) under that rule; nil under most-severe.
    public var score: Double?
    /// How many open sources reach the area, at any level.
    public var sourceCount: Int

    public init(areaID: String, level: RiskLevel?, reasons: [AreaReason], score: Double? = nil, sourceCount: Int) {
        self.areaID = areaID
        self.level = level
        self.reasons = reasons
        self.score = score
        self.sourceCount = sourceCount
    }
}

/// A coloured unit's facts as maps, versions and statistics report them.
public struct RiskArea: Sendable, Equatable {
    public var id: String
    public var name: String?
    /// The subdistrict (街道) the area belongs to: a grid's `subdistrict`, an admin unit's
    /// parent code.
    public var subdistrict: String?
    public var population: Int?
    /// Geodesic area in km².
    public var areaKm2: Double
    public var geometry: Geometry
    public var box: BoundingBox
}

extension RiskRules {
    /// The assessment of one area from every source that reaches it, under the area rule.
    func assess(areaID: String, reaching: [AreaReason], areaKm2: Double) -> AreaAssessment {
        guard let top = reaching.map(\.level).min() else {
            return AreaAssessment(areaID: areaID, level: nil, reasons: [], score: areaRule == .weightedDensity ? 0 : nil, sourceCount: 0)
        }
        func nearestFirst(_ a: AreaReason, _ b: AreaReason) -> Bool {
            if a.level != b.level { return a.level < b.level }
            return a.distance != b.distance ? a.distance < b.distance : a.sourceID < b.sourceID
        }
        switch areaRule {
        case .mostSevere:
            return AreaAssessment(areaID: areaID, level: top, reasons: reaching.filter { $0.level == top }.sorted(by: nearestFirst),
                                  sourceCount: reaching.count)
        case .weightedDensity:
            let total = reaching.reduce(0) { $0 + density.weight($1.level) }
            let score = areaKm2 > 0 ? total / areaKm2 : .infinity
            return AreaAssessment(areaID: areaID, level: density.level(score), reasons: reaching.sorted(by: nearestFirst),
                                  score: score, sourceCount: reaching.count)
        }
    }
}
