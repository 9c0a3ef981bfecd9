import Foundation
import Hummingbird
import OneMap

/// Planner analytics over HTTP.
extension Routes {
    func registerPlanning() {
        resource("/plan/audit", [.get: { request, _ in
            let params = Params(request)
            try params.refuseUnknown(["safetyDistance"])
            let distance = try params.double("safetyDistance", in: 1...100_000, default: 1000)!
            let snapshot = service.snapshot
            let violations = try SafetyAudit(safetyDistance: distance).run(snapshot)
            let features = violations.compactMap { v -> Feature? in
                guard let record = snapshot.feature(v.targetLayer, id: v.targetID) else { return nil }
                var feature = record.feature(in: v.targetLayer)
                feature.properties += [JSONMember("target_kind", .string(v.targetKind)), JSONMember("hazard", .string(v.hazardID)),
                                       JSONMember("distance_m", .number((v.distance * 10).rounded() / 10)),
                                       JSONMember("required_m", .number(v.required)), JSONMember("rule", .string(v.rule))]
                return feature
            }
            return Reply.features(features, members: [JSONMember("safety_distance_m", .number(distance)),
                                                      JSONMember("violations", .number(Double(violations.count)))])
        }])
    }
}
