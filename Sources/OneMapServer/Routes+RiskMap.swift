import Foundation
import Hummingbird
import OneMap

/// The one map: the current map, its stored versions, diffs, statistics and legend.
extension Routes {
    var riskMapEndpoints: [Endpoint] {
        [
        Endpoint(method: .get, path: "/riskmap", summary: "The current one map: areas with level, colour and reasons",
                 response: .geoJSON(Schema.ref("FeatureCollection"))) { _ in
            let model = service.live.model
            return Reply.features(model.features(), members: [
                JSONMember("map", .string(service.live.mapKey)),
                JSONMember("unit", .string(model.unit.description)),
                JSONMember("rule", .string(model.rules.areaRule.rawValue)),
            ])
        },
        Endpoint(method: .get, path: "/riskmap/versions", summary: "Stored versions of the one map", response: .json(Schema.ref("RiskVersions"))) { _ in
            let versions = try RiskVersionStore.list(in: service.store)
            return Reply.json(.object([JSONMember("versions", .array(versions.map { v in
                .object([JSONMember("version", .number(Double(v.number))), JSONMember("created_at", .string(v.createdAt)),
                         JSONMember("unit", .string(v.unit.description)), JSONMember("area_rule", .string(v.rule.rawValue)),
                         JSONMember("note", v.note.map(JSONValue.string) ?? .null),
                         JSONMember("rules", (try? JSONParser(ByteStream(string: v.rules)).parseValue()) ?? .string(v.rules)),
                         JSONMember("inputs", (try? JSONParser(ByteStream(string: v.inputs)).parseValue()) ?? .string(v.inputs))])
            }))]))
        },
        Endpoint(method: .get, path: "/riskmap/diff", summary: "Areas that changed colour between two versions, and why",
                 parameters: [.int("from", 1...Int.max, required: true, "Earlier version"), .int("to", 1...Int.max, required: true, "Later version")],
                 response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
            let from = try call.params.int("from"), to = try call.params.int("to")
            let changes = try RiskVersionStore.diff(from: from, to: to, in: service.store)
            return Reply.features(RiskMap.features(of: changes), members: [
                JSONMember("from", .number(Double(from))), JSONMember("to", .number(Double(to))),
                JSONMember("numberChanged", .number(Double(changes.count))),
            ])
        },
        Endpoint(method: .get, path: "/riskmap/stats", summary: "Areas and residents per colour and subdistrict",
                 parameters: [.int("version", 1...Int.max, "Version (default: the latest)")], response: .json(Schema.anyObject)) { call in
            let version = try RiskVersionStore.version(try call.params.maybeInt("version"), in: service.store)
            return Reply.json(RiskMap.statsJSON(version, rows: try RiskVersionStore.stats(of: version, in: service.store)))
        },
        Endpoint(method: .get, path: "/riskmap/legend", summary: "Levels, colours and counts of the current map, and the tiles' shelter symbols by status",
                 response: .json(Schema.anyObject)) { _ in
            guard case .object(var members) = service.live.model.legend.json else { return Reply.json(service.live.model.legend.json) }
            members.append(JSONMember("shelters", service.tileStyle.shelters.legendJSON))
            return Reply.json(.object(members))
        },
        ]
    }
}
