import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage

/// The safety-distance audit (GB 50413-2007: shelters ≥ 1,000 m from major hazard
/// sources): protected targets — shelters, schools, hospitals and other key targets —
/// that lie within a major hazard source's safety distance or any open hazard's impact
/// distance, with the geodesic distances.
public struct SafetyAudit: Sendable {
    /// One target too close to one hazard.
    public struct Violation: Sendable, Equatable {
        public var targetLayer: Layer
        public var targetID: String
        public var targetKind: String
        public var hazardID: String
        /// Geodesic metres between the two shapes (zero when they meet).
        public var distance: Double
        /// The distance the hazard must be kept at.
        public var required: Double
        /// `major_hazard_safety_distance` or `impact_distance`.
        public var rule: String
    }

    /// The distance kept from major hazard sources (重大危险源: hazards with a
    /// `major_hazard_grade`), in metres.
    public var safetyDistance: Double
    /// Facility kinds that are protected targets (shelters always are).
    public var protectedKinds: Set<String>

    public init(safetyDistance: Double = 1000, protectedKinds: Set<String> = ["school", "hospital", "key_target"]) {
        self.safetyDistance = safetyDistance
        self.protectedKinds = protectedKinds
    }

    /// Every violation in `snapshot`, nearest first. Closed hazards (销号) are not counted.
    public func run(_ snapshot: IndexSnapshot) throws -> [Violation] {
        let kind = Layer.facilities.columnIndex("kind")
        var targets: [(Layer, LayerRecord, String)] = []
        if snapshot.loadedLayers.contains(.shelters) {
            targets += try snapshot.allFeatures(.shelters).map { (.shelters, $0, "shelter") }
        }
        if snapshot.loadedLayers.contains(.facilities) {
            targets += try snapshot.allFeatures(.facilities).compactMap { record in
                let k = record.value(kind).description
                return protectedKinds.contains(k) ? (.facilities, record, k) : nil
            }
        }
        guard snapshot.loadedLayers.contains(.hazards) else { return [] }
        // The farthest any hazard reaches: how far around a target to look.
        let hazards = try snapshot.allFeatures(.hazards)
        let reach = HazardClearance.farthest(hazards, majorDistance: safetyDistance)
        let context = GEOSContext()
        var violations: [Violation] = []
        for (layer, target, targetKind) in targets {
            guard let box = target.geometry.boundingBox else { continue }
            let prepared = try context.prepare(target.geometry)
            for hit in try snapshot.features(.hazards, in: box.widened(byMetres: reach)) {
                let hazard = hit.record
                guard HazardClearance.isOpen(hazard) else { continue }
                let rules = HazardClearance.rules(hazard, majorDistance: safetyDistance)
                guard let limit = rules.map(\.1).max() else { continue }
                let distance = try prepared.intersects(hazard.geometry) ? 0 : ShapeGap.between(hazard.geometry, target.geometry)
                guard distance <= limit else { continue }
                // Report the strictest rule broken.
                let (rule, required) = rules.filter { distance <= $0.1 }.max { $0.1 < $1.1 }!
                violations.append(Violation(targetLayer: layer, targetID: target.id, targetKind: targetKind, hazardID: hazard.id,
                                            distance: distance, required: required, rule: rule))
            }
        }
        return violations.sorted { ($0.distance, $0.targetID, $0.hazardID) < ($1.distance, $1.targetID, $1.hazardID) }
    }
}
