import Foundation
import Hummingbird
import OneMap

/// The one map: the current map, its stored versions, diffs, statistics and legend.
extension Routes {
    /// The one map's areas as features: the live map, a stored `version`, or the live map
    /// over another `unit`; only those meeting `box`. With the members that say which.
    func riskAreas(version number: Int?, unit: AreaUnit?, box: BoundingBox?) async throws -> (features: [Feature], members: [JSONMember]) {
        func meets(_ g: Geometry) -> Bool { box.map { b in g.boundingBox.map { $0.intersects(b) } ?? false } ?? true }
        if let number {
            let version = try RiskVersionStore.version(number, in: service.store)
            if let unit, unit != version.unit { throw Problem.badParameter("unit", "version \(number) colours \(version.unit), not \(unit)") }
            let areas = try RiskVersionStore.areas(of: version, in: service.store).filter { meets($0.geometry) }
            return (RiskMap.features(of: areas, unit: version.unit), [
                JSONMember("version", .number(Double(version.number))), JSONMember("created_at", .string(version.createdAt)),
                JSONMember("unit", .string(version.unit.description)), JSONMember("rule", .string(version.rule.rawValue)),
            ])
        }
        var model = service.live.model
        // A file without the areas' layer is served uncoloured; asking for its map is a 404 naming the layer.
        let wanted = unit ?? model.unit
        guard service.snapshot.loadedLayers.contains(wanted.layer) else { throw QueryError.layerNotLoaded(wanted.layer) }
        if let unit, unit != model.unit {
            let snapshot = service.snapshot, rules = service.rules
            guard snapshot.loadedLayers.contains(unit.layer) else { throw Problem.badParameter("unit", "the data has no \(unit.layer.tableName) layer") }
            do {
                model = try await service.heavy.run { try RiskModel.build(snapshot, rules: rules, unit: unit) }
            } catch let error as RiskError {
                // `unit=0`: no such level (found by schemathesis: it was a 500).
                throw Problem.badParameter("unit", "\(error); admin_units' level column names the levels")
            }
            guard !model.areas.isEmpty else { throw Problem.badParameter("unit", "no \(unit) areas in admin_units (its level column names the levels)") }
        }
        let features = model.features()
        let kept = box == nil ? features : zip(model.areas, features).filter { meets($0.0.geometry) }.map(\.1)
        return (kept, [
            JSONMember("map", .string(model.unit == service.live.model.unit ? service.live.mapKey : "live")),
            JSONMember("unit", .string(model.unit.description)),
            JSONMember("rule", .string(model.rules.areaRule.rawValue)),
        ])
    }

    var riskMapEndpoints: [Endpoint] {
        [
        Endpoint(method: .get, path: "/riskmap",
                 summary: "The one map: areas with level, colour and reasons; the live map, a stored version, or the live map over another unit; optionally only the areas meeting a box",
                 parameters: [.int("version", 1...Int.max, "A stored version (default: the live map)"),
                              .text("unit", "grids, or an admin level (subdistrict, community, …): the live map coloured over those areas"),
                              .box("bbox", "minLon,minLat,maxLon,maxLat (WGS84): only the areas meeting it")],
                 response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
            let params = call.params
            let map = try await riskAreas(version: try params.maybeInt("version"), unit: try params.maybeString("unit").map(AreaUnit.init(parsing:)),
                                          box: try params.maybeBox())
            return Reply.features(map.features, members: map.members)
        },
        Endpoint(method: .post, path: "/riskmap/versions",
                 summary: "Store the live one map as the next version (planner or admin token), with an optional note",
                 body: .object([.text("note", "Why this version is stored (e.g. the monthly review)")]),
                 response: .json(Schema.anyObject, status: 201), secured: true) { call in
            let author = try call.writer
            let body = try await call.body(maxBytes: service.options.maxBodyBytes)
            let version = try RiskMap.storeLive(service.live.model, hazards: try service.snapshot.allFeatures(.hazards), in: service.store,
                                                by: author, note: try body.maybeString("note"))
            call.context.logger.notice("risk map version stored", metadata: ["version": "\(version.number)", "author": "\(author.name)", "role": "\(author.role.rawValue)"])
            return Reply.json(.object([JSONMember("version", .number(Double(version.number))), JSONMember("created_at", .string(version.createdAt)),
                                       JSONMember("unit", .string(version.unit.description)), JSONMember("note", version.note.map(JSONValue.string) ?? .null)]),
                              status: .created)
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
                 parameters: [.int("from", 1...Int.max, required: true, "Earlier version"),
                              .text("to", "Later version, or live (the map now; the default)")],
                 response: .geoJSON(Schema.ref("FeatureCollection"))) { call in
            let from = try call.params.int("from"), toText = try call.params.maybeString("to") ?? "live"
            let changes: [RiskAreaChange], to: JSONValue
            if toText == "live" {
                changes = try RiskVersionStore.diff(from: from, toLive: service.live.model, in: service.store)
                to = .string("live")
            } else {
                guard let number = Int(toText), number >= 1 else { throw Problem.badParameter("to", "'\(toText)' is not a version number or live") }
                changes = try RiskVersionStore.diff(from: from, to: number, in: service.store)
                to = .number(Double(number))
            }
            return Reply.features(RiskMap.features(of: changes), members: [
                JSONMember("from", .number(Double(from))), JSONMember("to", to),
                JSONMember("numberChanged", .number(Double(changes.count))),
            ])
        },
        Endpoint(method: .get, path: "/riskmap/stats", summary: "Areas and residents per colour and subdistrict",
                 parameters: [.int("version", 1...Int.max, "Version (default: the latest)")], response: .json(Schema.anyObject)) { call in
            let version = try RiskVersionStore.version(try call.params.maybeInt("version"), in: service.store)
            return Reply.json(RiskMap.statsJSON(version, rows: try RiskVersionStore.stats(of: version, in: service.store)))
        },
        Endpoint(method: .get, path: "/riskmap/legend", summary: "Levels, colours and counts of the current map; the tiles' shelter symbols by status, facility symbols by kind, and the base's road classes and boundary levels",
                 response: .json(Schema.anyObject)) { _ in
            guard case .object(var members) = service.live.model.legend.json else { return Reply.json(service.live.model.legend.json) }
            members.append(JSONMember("shelters", service.tileStyle.shelters.legendJSON))
            members.append(JSONMember("facilities", service.tileStyle.facilities.legendJSON))
            members.append(JSONMember("base", service.tileStyle.baseLegendJSON))
            return Reply.json(.object(members))
        },
        ]
    }
}
