import Foundation
import OneMapDefaults
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage

/// The one map of a GeoPackage: load its areas and hazards, colour them, keep versions.
public enum RiskMap {
    /// Loads the areas and hazards of `path` into the spatial core and colours the `unit`
    /// areas under `rules`.
    public static func build(path: String, rules: RiskRules, unit: AreaUnit = .grids,
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (snapshot: IndexSnapshot, model: RiskModel) {
        let snapshot = try load(path: path, unit: unit)
        return (snapshot, try RiskModel.build(snapshot, rules: rules, unit: unit, progress: progress))
    }

    /// The areas and hazards of `path` in the spatial core.
    public static func load(path: String, unit: AreaUnit = .grids) throws -> IndexSnapshot {
        let store = try Stores.openForReading(path)
        let present = try store.layers()
        for layer in [unit.layer, .hazards] where !present.contains(layer) { throw StorageError.layerMissing(layer, path: store.location) }
        return try Stores.loadIndex(from: store, layers: [unit.layer, .hazards]).snapshot
    }

    /// Builds the map of `path` and stores it there as the next version.
    public static func buildVersion(path: String, rules: RiskRules, unit: AreaUnit = .grids, note: String? = nil,
                                    progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (version: RiskVersion, model: RiskModel) {
        let (snapshot, model) = try build(path: path, rules: rules, unit: unit, progress: progress)
        return (try save(model, hazards: try snapshot.allFeatures(.hazards), path: path, note: note), model)
    }

    /// Stores a built map in `path` as the next version, and the layers' QGIS styles with
    /// it, so that the file opens in QGIS in the four colours (the style ONEMAP_STYLE or
    /// config/style.json names, else the built-in one).
    public static func save(_ model: RiskModel, hazards: [LayerRecord], path: String, note: String?) throws -> RiskVersion {
        let store = try Stores.openForWriting(path)
        let version = try RiskVersionStore.save(model, hazards: hazards, in: store, note: note)
        if let geoPackage = store as? GeoPackage { try QGISStyles.write(into: geoPackage, style: TileMaps.style(path: nil)) }
        return version
    }

    /// Stores the live map `model` as the next version on `author`'s word: planners and
    /// admins only (a grid worker's token is refused), the author named in the version's note.
    public static func storeLive(_ model: RiskModel, hazards: [LayerRecord], in store: any LayerStore, by author: Author,
                                 note: String?, now: Date = Date()) throws -> RiskVersion {
        guard author.isSupervisor else { throw ReportError.forbidden("\(author.name) is a grid worker and may not store a version of the one map") }
        let signed = "stored by \(author.name) (\(author.role.rawValue))" + (note.map { ": " + $0 } ?? "")
        return try RiskVersionStore.save(model, hazards: hazards, in: store, note: signed, now: now)
    }

    /// The rules in `path`, else `ONEMAP_RULES`'s, else `config/risk-rules.json` in the working
    /// directory, else the standard rules compiled in; with the name of where they came from.
    public static func rules(path: String?) throws(RiskRulesError) -> (rules: RiskRules, origin: String) {
        // The compiled-in default is the standard rules (config/risk-rules.json says the same; a test checks).
        guard let chosen = Configuration.path(Defaults.riskRules, given: path) else { return (.standard, "built-in risk-rules.json (DOMAIN.md)") }
        return (try RiskRules.load(path: chosen), chosen)
    }

    /// A stored version's areas as GeoJSON features, as `/riskmap` and `risk map --version` give them.
    public static func features(of areas: [StoredRiskArea], unit: AreaUnit) -> [Feature] {
        areas.map { area in
            var properties = RiskModel.areaMembers(unit: unit, name: area.name, subdistrict: area.subdistrict, population: area.population)
                + RiskModel.levelMembers(area.level)
            properties.append(JSONMember("reasons", RiskModel.reasonsJSON(area.reasons)))
            return Feature(id: area.id, geometry: area.geometry, properties: properties)
        }
    }

    /// The changes of a diff as GeoJSON features: each area with `from`/`to` levels and
    /// the sources that came (`added`) and went (`removed`) behind its colour.
    public static func features(of changes: [RiskAreaChange]) -> [Feature] {
        changes.map { change in
            var properties: [JSONMember] = []
            if let name = change.area.name { properties.append(JSONMember("name", .string(name))) }
            if let subdistrict = change.area.subdistrict { properties.append(JSONMember("subdistrict", .string(subdistrict))) }
            properties += [
                JSONMember("from_level", change.from.map { .number(Double($0.rawValue)) } ?? .null),
                JSONMember("from_colour", change.from.map { .string($0.description) } ?? .null),
                JSONMember("to_level", change.to.map { .number(Double($0.rawValue)) } ?? .null),
                JSONMember("to_colour", change.to.map { .string($0.description) } ?? .null),
                JSONMember("added", RiskModel.reasonsJSON(change.added)),
                JSONMember("removed", RiskModel.reasonsJSON(change.removed)),
            ]
            if let only = change.onlyIn { properties.append(JSONMember("only_in_version", .number(Double(only)))) }
            return Feature(id: change.area.id, geometry: change.area.geometry, properties: properties)
        }
    }

    /// Areas and residents per colour and subdistrict of a stored version, as JSON (what
    /// `risk stats --format json` prints and `/riskmap/stats` answers).
    public static func statsJSON(_ version: RiskVersion, rows: [RiskStatsRow]) -> JSONValue {
        let levels: [RiskLevel?] = RiskLevel.allCases.map(Optional.some) + [nil]
        return .object([
            JSONMember("version", .number(Double(version.number))),
            JSONMember("unit", .string(version.unit.description)),
            JSONMember("subdistricts", .array(rows.map { row in
                .object([JSONMember("subdistrict", row.subdistrict.map(JSONValue.string) ?? .null),
                         JSONMember("name", row.name.map(JSONValue.string) ?? .null)] + levels.map { level in
                    JSONMember(level?.description ?? "none", .object([
                        JSONMember("areas", .number(Double(row.areas[level] ?? 0))),
                        JSONMember("residents", .number(Double(row.residents[level] ?? 0))),
                    ]))
                })
            })),
        ])
    }
}
