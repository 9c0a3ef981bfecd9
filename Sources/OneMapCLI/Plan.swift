import ArgumentParser
import Foundation
import OneMap

/// `onemap plan …`: planner analytics.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Planner analytics: the safety-distance audit (shelter coverage and siting to come).",
        subcommands: [Audit.self])

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shelters, schools, hospitals and key targets within a major hazard source's safety distance or any open hazard's impact distance.")
        @Option(help: "The GeoPackage.") var data = "onemap.gpkg"
        @Option(help: "Metres kept from major hazard sources (GB 50413-2007: 1,000).") var safetyDistance = 1000.0
        @Option(help: "text (a table) or geojson (the targets, each with the hazards too close).") var format: OutputFormat = .text

        func run() throws {
            guard safetyDistance > 0, safetyDistance <= 100_000 else { throw ValidationError("--safety-distance takes 0 < metres ≤ 100,000") }
            let snapshot = try SpatialIndex.load(from: GeoPackage(path: data, mode: .readOnly)).snapshot
            let violations = try SafetyAudit(safetyDistance: safetyDistance).run(snapshot)
            switch format {
            case .text:
                for v in violations {
                    print(String(format: "%@ %@ is %.0f m from %@ (%@: %.0f m)", v.targetKind, v.targetID, v.distance, v.hazardID,
                                 v.rule == "impact_distance" ? "its impact distance" : "major hazard safety distance", v.required))
                }
                print("\(violations.count) violation\(violations.count == 1 ? "" : "s"), \(Set(violations.map(\.targetID)).count) targets")
            case .json, .geojson:
                let byTarget = Dictionary(grouping: violations) { "\($0.targetLayer.tableName)/\($0.targetID)" }
                try printCollection(byTarget.keys.sorted().compactMap { key in
                    let list = byTarget[key]!
                    guard let record = snapshot.feature(list[0].targetLayer, id: list[0].targetID) else { return nil }
                    var feature = record.feature(in: list[0].targetLayer)
                    feature.properties.append(JSONMember("target_kind", .string(list[0].targetKind)))
                    feature.properties.append(JSONMember("too_close", .array(list.map { v in
                        .object([JSONMember("hazard", .string(v.hazardID)), JSONMember("distance_m", .number((v.distance * 10).rounded() / 10)),
                                 JSONMember("required_m", .number(v.required)), JSONMember("rule", .string(v.rule))])
                    })))
                    return feature
                })
            }
        }
    }
}
