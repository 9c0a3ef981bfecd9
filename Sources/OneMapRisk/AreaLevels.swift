import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage

/// A source that reaches an area, as the area's colour reports it.
public struct AreaReason: Sendable, Equatable {
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

/// An area's level under the most-severe rule, and the sources that set it.
public struct AreaAssessment: Sendable, Equatable {
    public var areaID: String
    /// Nil when no open source lies in the area or reaches it with its impact distance.
    public var level: RiskLevel?
    /// The sources at the area's level, nearest first.
    public var reasons: [AreaReason]
}

extension RiskRules {
    /// Colours every feature of `areas` (grid cells by default) by the most severe open
    /// source inside it or whose impact distance reaches it.
    ///
    /// Distances are geodesic: a source meets an area when GEOS finds they intersect;
    /// otherwise the gap between them is the least distance from a vertex of either to
    /// the other (exact at vertices, see `GeodesicObserver.measure`). Closed sources (销号)
    /// colour nothing; sources whose level cannot be assessed are skipped.
    public func assessAreas(_ snapshot: IndexSnapshot, areas: Layer = .grids) throws -> [AreaAssessment] {
        let statusColumn = Layer.hazards.columns.firstIndex { $0.name == "status" }!
        let impactColumn = Layer.hazards.columns.firstIndex { $0.name == "impact_distance_m" }!
        var reached: [String: [AreaReason]] = [:]
        let context = GEOSContext()
        for source in try snapshot.allFeatures(.hazards) {
            if source.values[statusColumn] == .text("closed") { continue }
            guard let assessment = assess(source), let box = source.geometry.boundingBox else { continue }
            let impact: Double = switch source.values[impactColumn] {
            case .real(let d): max(0, d)
            case .integer(let i): Double(max(0, i))
            default: 0
            }
            let prepared = try context.prepare(source.geometry)
            for hit in try snapshot.features(areas, in: Self.widened(box, by: impact)) {
                let area = hit.record
                let distance = try prepared.intersects(area.geometry) ? 0 : Self.gap(source.geometry, area.geometry)
                if distance <= impact + 1e-6 {
                    reached[area.id, default: []].append(AreaReason(sourceID: source.id, level: assessment.level, distance: distance))
                }
            }
        }
        return try snapshot.allFeatures(areas).map { area in
            let reasons = reached[area.id] ?? []
            guard let level = reasons.map(\.level).min() else {
                return AreaAssessment(areaID: area.id, level: nil, reasons: [])
            }
            let setting = reasons.filter { $0.level == level }
                .sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.sourceID < $1.sourceID }
            return AreaAssessment(areaID: area.id, level: level, reasons: setting)
        }.sorted { $0.areaID < $1.areaID }
    }

    /// The least geodesic distance between two shapes that do not meet: from a vertex of
    /// either to the other.
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
