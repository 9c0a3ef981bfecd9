import Foundation
import Hummingbird
import OneMap

/// The one map: the current map, its stored versions, diffs, statistics and legend.
extension Routes {
    func registerRiskMap() {
        resource("/riskmap", [.get: { request, _ in
            try Params(request).refuseUnknown([])
            let model = service.live.model
            return Reply.features(model.features(), members: [
                JSONMember("map", .string(service.live.mapKey)),
                JSONMember("unit", .string(model.unit.description)),
                JSONMember("rule", .string(model.rules.areaRule.rawValue)),
            ])
        }])
        resource("/riskmap/versions", [.get: { request, _ in
            try Params(request).refuseUnknown([])
            let versions = try RiskVersionStore.list(in: service.store)
            return Reply.json(.object([JSONMember("versions", .array(versions.map { v in
                .object([JSONMember("version", .number(Double(v.number))), JSONMember("created_at", .string(v.createdAt)),
                         JSONMember("unit", .string(v.unit.description)), JSONMember("area_rule", .string(v.rule.rawValue)),
                         JSONMember("note", v.note.map(JSONValue.string) ?? .null),
                         JSONMember("rules", (try? JSONParser(ByteStream(string: v.rules)).parseValue()) ?? .string(v.rules)),
                         JSONMember("inputs", (try? JSONParser(ByteStream(string: v.inputs)).parseValue()) ?? .string(v.inputs))])
            }))]))
        }])
        resource("/riskmap/diff", [.get: { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["from", "to"])
            let from = try params.requireInt("from", in: 1...Int.max), to = try params.requireInt("to", in: 1...Int.max)
            let changes = try RiskVersionStore.diff(from: from, to: to, in: service.store)
            return Reply.features(RiskMap.features(of: changes), members: [
                JSONMember("from", .number(Double(from))), JSONMember("to", .number(Double(to))),
                JSONMember("numberChanged", .number(Double(changes.count))),
            ])
        }])
        resource("/riskmap/stats", [.get: { request, _ in
            let params = try Params(request)
            try params.refuseUnknown(["version"])
            let version = try RiskVersionStore.version(try params.int("version", in: 1...Int.max), in: service.store)
            return Reply.json(RiskMap.statsJSON(version, rows: try RiskVersionStore.stats(of: version, in: service.store)))
        }])
        resource("/riskmap/legend", [.get: { request, _ in
            try Params(request).refuseUnknown([])
            return Reply.json(service.live.model.legend.json)
        }])
    }
}
