import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage
import OneMapWork

/// A built one map as stored in the GeoPackage: when, under which rules, from which inputs.
public struct RiskVersion: Sendable, Equatable {
    public var number: Int
    /// UTC, ISO 8601.
    public var createdAt: String
    public var unit: AreaUnit
    public var rule: AreaRule
    /// The rules as JSON (the form of `config/risk-rules.json`).
    public var rules: String
    /// What went in: hazard counts and a digest of every hazard's id, geometry and attributes.
    public var inputs: String
    public var note: String?
}

/// One area of a stored version.
public struct StoredRiskArea: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var subdistrict: String?
    public var population: Int?
    public var level: RiskLevel?
    public var reasons: [AreaReason]
    public var geometry: Geometry
}

extension RiskModel {
    /// The live map's areas as a stored version holds them (for a diff against the live map).
    public var storedAreas: [StoredRiskArea] {
        zip(areas, assessments).map { area, assessment in
            StoredRiskArea(id: area.id, name: area.name, subdistrict: area.subdistrict, population: area.population,
                           level: assessment.level, reasons: assessment.reasons, geometry: area.geometry)
        }
    }
}

/// An area whose colour differs between two versions, and why.
public struct RiskAreaChange: Sendable, Equatable {
    public var area: StoredRiskArea
    public var from: RiskLevel?
    public var to: RiskLevel?
    /// Sources behind the new colour that were not behind the old one.
    public var added: [AreaReason]
    /// Sources behind the old colour that no longer are.
    public var removed: [AreaReason]
    /// The area exists in only one of the two versions.
    public var onlyIn: Int?
}

/// Areas and residents per colour in one subdistrict (nil: the areas with none).
public struct RiskStatsRow: Sendable, Equatable {
    public var subdistrict: String?
    /// The subdistrict's name from `admin_units`, when the areas name it by code.
    public var name: String?
    public var areas: [RiskLevel?: Int]
    public var residents: [RiskLevel?: Int]

    public init(subdistrict: String?, areas: [RiskLevel?: Int], residents: [RiskLevel?: Int]) {
        self.subdistrict = subdistrict
        self.name = nil
        self.areas = areas
        self.residents = residents
    }
}

/// Why a version could not be read or compared.
public enum RiskVersionError: Error, Equatable, CustomStringConvertible {
    case noVersions(path: String)
    case unknownVersion(Int, path: String, known: [Int])
    case differentUnits(Int, AreaUnit, Int, AreaUnit)

    public var description: String {
        switch self {
        case .noVersions(let path): "\(path) holds no risk map versions yet; run `onemap risk build` first"
        case .unknownVersion(let n, let path, let known):
            "\(path) has no risk map version \(n); it has \(known.map(String.init).joined(separator: ", "))"
        case .differentUnits(let a, let ua, let b, let ub):
            "versions \(a) and \(b) colour different units (\(ua) and \(ub)); compare versions of one unit"
        }
    }
}

/// Risk map versions in a GeoPackage: `risk_versions` (an attributes table) and
/// `risk_areas` (a feature layer QGIS and GDAL open, one row per area per version).
public enum RiskVersionStore {
    public static let versions = AuxiliaryTable(
        name: "risk_versions", title: "Versions of the four-colour risk map", geometryType: nil,
        columns: [
            .init("version", "INTEGER NOT NULL UNIQUE", "Version number, 1, 2, … in the order built"),
            .init("created_at", "TEXT NOT NULL", "When it was built (UTC, ISO 8601)"),
            .init("unit", "TEXT NOT NULL", "What was coloured: `grids` or an admin level (`subdistrict`, …)"),
            .init("area_rule", "TEXT NOT NULL", "`most_severe` or `weighted_density`"),
            .init("rules", "TEXT NOT NULL", "The whole rule set as JSON, in the form of config/risk-rules.json"),
            .init("inputs", "TEXT NOT NULL", "JSON: hazard count, closed and unassessed hazards, a digest of every hazard, area count"),
            .init("note", "TEXT", "Why it was built (`onemap risk build --note`)"),
        ])

    public static let areas = AuxiliaryTable(
        name: "risk_areas", title: "Four-colour risk map (四色安全风险分布图), every version", geometryType: "MULTIPOLYGON",
        columns: [
            .init("version", "INTEGER NOT NULL", "The version in risk_versions this row belongs to"),
            .init("area_id", "TEXT NOT NULL", "The area's id in its layer (grids or admin_units)"),
            .init("unit", "TEXT NOT NULL", "`grids` or the admin level"),
            .init("name", "TEXT", "The area's name"),
            .init("subdistrict", "TEXT", "A grid's subdistrict, an admin unit's parent code"),
            .init("population", "INTEGER", "Residents"),
            .init("area_km2", "REAL", "Geodesic area in km²"),
            .init("risk_level", "INTEGER", "1 red … 4 blue; null when no open hazard reaches the area"),
            .init("level_name", "TEXT", "重大, 较大, 一般, 低"),
            .init("colour", "TEXT", "red, orange, yellow, blue"),
            .init("colour_hex", "TEXT", "The colour as #RRGGBB"),
            .init("score", "REAL", "Weighted density (weight per km²) under that rule; null under most-severe"),
            .init("source_count", "INTEGER NOT NULL", "Open hazards reaching the area, at any level"),
            .init("reason_sources", "TEXT", "Ids of the hazards that set the colour (the first 20), comma-separated, for labels and filters"),
            .init("reasons", "TEXT NOT NULL", "JSON: every hazard that set the colour, with its level and distance in metres"),
        ],
        indexes: [["version", "area_id"]])

    /// Stores `model` as the next version, in one transaction. `hazards` are the inputs it
    /// was built from (counted and digested into the version's `inputs`).
    @discardableResult
    public static func save(_ model: RiskModel, hazards: [LayerRecord], in store: any LayerStore, note: String? = nil,
                            now: Date = Date()) throws -> RiskVersion {
        let inputs = JSONWriter.string(.object([
            JSONMember("hazards", .number(Double(hazards.count))),
            JSONMember("closed", .number(Double(model.summary.closed))),
            JSONMember("unassessed", .array(model.summary.unassessed.prefix(100).map { .string($0) })),
            JSONMember("unassessed_count", .number(Double(model.summary.unassessed.count))),
            JSONMember("hazards_digest", .string(inputsDigest(hazards))),
            JSONMember("areas", .number(Double(model.areas.count))),
        ]))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try store.writeTables([versions, areas]) { session in
            // Drawn inside the write transaction (a shared store's writers wait for each other).
            let number = (try session.rows(of: versions).compactMap { $0.value(0).count }.max()).map { $0 + 1 } ?? 1
            let version = RiskVersion(number: number, createdAt: formatter.string(from: now), unit: model.unit, rule: model.rules.areaRule,
                                      rules: JSONWriter.string(model.rules.json), inputs: inputs, note: note)
            try session.insert(into: versions, geometry: nil, values: [
                .integer(Int64(number)), .text(version.createdAt), .text(model.unit.description), .text(version.rule.rawValue),
                .text(version.rules), .text(inputs), note.map(FieldValue.text) ?? .null,
            ])
            for (area, assessment) in zip(model.areas, model.assessments) {
                let level = assessment.level
                let reasonIDs = assessment.reasons.prefix(20).map(\.sourceID).joined(separator: ",")
                    + (assessment.reasons.count > 20 ? ",…" : "")
                try session.insert(into: areas, geometry: area.geometry, values: [
                    .integer(Int64(number)), .text(area.id), .text(model.unit.description), area.name.map(FieldValue.text) ?? .null,
                    area.subdistrict.map(FieldValue.text) ?? .null, area.population.map { .integer(Int64($0)) } ?? .null,
                    .real(area.areaKm2), level.map { .integer(Int64($0.rawValue)) } ?? .null,
                    level.map { .text($0.chineseName) } ?? .null, level.map { .text($0.description) } ?? .null,
                    level.map { .text($0.hexColour) } ?? .null, assessment.score.map(FieldValue.real) ?? .null,
                    .integer(Int64(assessment.sourceCount)), reasonIDs.isEmpty ? .null : .text(reasonIDs),
                    .text(JSONWriter.string(RiskModel.reasonsJSON(assessment.reasons))),
                ])
            }
            return version
        }
    }

    /// Every stored version, oldest first.
    public static func list(in store: any LayerStore) throws -> [RiskVersion] {
        do {
            return try store.rows(of: versions).map { row in
                func text(_ i: Int) -> String { if case .text(let s) = row.value(i) { s } else { "" } }
                return RiskVersion(number: row.value(0).count ?? 0, createdAt: text(1), unit: AreaUnit(parsing: text(2)),
                                   rule: AreaRule(rawValue: text(3)) ?? .mostSevere, rules: text(4), inputs: text(5),
                                   note: row.value(6) == .null ? nil : text(6))
            }
        }
    }

    /// The version numbered `number` (the latest when nil).
    public static func version(_ number: Int?, in store: any LayerStore) throws -> RiskVersion {
        let all = try list(in: store)
        guard let latest = all.last else { throw RiskVersionError.noVersions(path: store.location) }
        guard let number else { return latest }
        guard let found = all.first(where: { $0.number == number }) else {
            throw RiskVersionError.unknownVersion(number, path: store.location, known: all.map(\.number))
        }
        return found
    }

    /// The areas of a version, in area id order.
    public static func areas(of version: RiskVersion, in store: any LayerStore) throws -> [StoredRiskArea] {
        do {
            return try store.rows(of: areas, where: "version", equals: .integer(Int64(version.number))).map { row in
                let v = row.values
                func text(_ i: Int) -> String? { if case .text(let s) = v[i] { s } else { nil } }
                let reasonsText = text(14) ?? "[]"
                let reasons = (try? JSONParser(ByteStream(string: reasonsText)).parseValue()).map(RiskModel.reasons(from:)) ?? []
                return StoredRiskArea(id: text(1) ?? "", name: text(3), subdistrict: text(4), population: v[5].count,
                                      level: v[7].count.flatMap { RiskLevel(rawValue: $0) }, reasons: reasons,
                                      geometry: row.geometry ?? .multiPolygon([]))
            }.sorted { $0.id < $1.id }
        }
    }

    /// The areas whose colour differs from version `from` to version `to`, with the
    /// sources that came and went behind the colour.
    public static func diff(from: Int, to: Int, in store: any LayerStore) throws -> [RiskAreaChange] {
        let a = try version(from, in: store), b = try version(to, in: store)
        guard a.unit == b.unit else { throw RiskVersionError.differentUnits(a.number, a.unit, b.number, b.unit) }
        return diff(try areas(of: a, in: store), a.number, try areas(of: b, in: store), b.number)
    }

    /// The areas whose colour differs from version `from` to the live map `model`
    /// (`onlyIn` 0 names the live map).
    public static func diff(from: Int, toLive model: RiskModel, in store: any LayerStore) throws -> [RiskAreaChange] {
        let a = try version(from, in: store)
        guard a.unit == model.unit else { throw RiskVersionError.differentUnits(a.number, a.unit, 0, model.unit) }  // 0: the live map
        return diff(try areas(of: a, in: store), a.number, model.storedAreas, 0)
    }

    static func diff(_ from: [StoredRiskArea], _ fromNumber: Int, _ to: [StoredRiskArea], _ toNumber: Int) -> [RiskAreaChange] {
        let before = Dictionary(from.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(to.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [RiskAreaChange] = []
        for id in Set(before.keys).union(after.keys).sorted() {
            let old = before[id], new = after[id]
            guard old?.level != new?.level || old == nil || new == nil else { continue }
            let oldIDs = Set(old?.reasons.map(\.sourceID) ?? []), newIDs = Set(new?.reasons.map(\.sourceID) ?? [])
            changes.append(RiskAreaChange(
                area: (new ?? old)!, from: old?.level, to: new?.level,
                added: (new?.reasons ?? []).filter { !oldIDs.contains($0.sourceID) },
                removed: (old?.reasons ?? []).filter { !newIDs.contains($0.sourceID) },
                onlyIn: old == nil ? toNumber : new == nil ? fromNumber : nil))
        }
        return changes
    }

    /// Areas and residents per colour and subdistrict in a version, subdistricts by name.
    public static func stats(of version: RiskVersion, in store: any LayerStore) throws -> [RiskStatsRow] {
        var rows: [String?: RiskStatsRow] = [:]
        for area in try areas(of: version, in: store) {
            var row = rows[area.subdistrict] ?? RiskStatsRow(subdistrict: area.subdistrict, areas: [:], residents: [:])
            row.areas[area.level, default: 0] += 1
            row.residents[area.level, default: 0] += area.population ?? 0
            rows[area.subdistrict] = row
        }
        var names: [String: String] = [:]
        if try store.layers().contains(.adminUnits) {
            let code = Layer.adminUnits.columnIndex("code"), name = Layer.adminUnits.columnIndex("name")
            try store.forEachRecord(in: .adminUnits) { unit in
                if case .text(let c) = unit.value(code), case .text(let n) = unit.value(name) { names[c] = n }
            }
        }
        return rows.values.map { row in
            var row = row
            row.name = row.subdistrict.flatMap { names[$0] }
            return row
        }.sorted { ($0.subdistrict ?? "\u{10FFFF}") < ($1.subdistrict ?? "\u{10FFFF}") }
    }

    /// A fingerprint of the hazards: FNV-1a of each one's id, geometry and typed values,
    /// summed, so it does not depend on their order. Two versions with the same digest
    /// were built from the same hazards.
    public static func inputsDigest(_ hazards: [LayerRecord]) -> String {
        // The sum does not depend on the order, so runs of hazards are hashed on every core
        // (a city's million took most of a second on one).
        let sums = hazards.parallelRuns(of: 16_384) { run in run.reduce(UInt64(0)) { $0 &+ digest($1) } }
        return String(sums.reduce(0, &+), radix: 16)
    }

    private static func digest(_ record: LayerRecord) -> UInt64 {
        var hash = FNV1a()
        hash.mix(record.id.utf8)
        record.geometry.forEachCoordinate { c in
            hash.mix(c.x.bitPattern)
            hash.mix(c.y.bitPattern)
        }
        record.packed.forEach { _, value in
            mixDescription(value, into: &hash)
            hash.mix(UInt8(0))
        }
        return hash.value
    }

    /// Mixes the bytes of `value.description` (what the digest was defined on, so stored
    /// versions keep matching) without making the string for numbers: an integer's decimal
    /// digits, and a whole real below 10¹⁵ as its digits and `.0`, the form Swift prints
    /// (formatting four reals a hazard was most of the digest's time).
    static func mixDescription(_ value: FieldValue, into hash: inout FNV1a) {
        switch value {
        case .text(let text): hash.mix(text.utf8)
        case .null: hash.mix("null".utf8)
        case .integer(let i): mixDigits(i, into: &hash)
        case .real(let d):
            guard d.isFinite, d.magnitude < 1e15, d == d.rounded(.towardZero) else { return hash.mix(String(d).utf8) }
            if d == 0 {
                hash.mix((d.sign == .minus ? "-0.0" : "0.0").utf8)
            } else {
                mixDigits(Int64(d), into: &hash)
                hash.mix(UInt8(ascii: "."))
                hash.mix(UInt8(ascii: "0"))
            }
        }
    }

    /// Mixes `String(i)`'s bytes.
    private static func mixDigits(_ i: Int64, into hash: inout FNV1a) {
        if i < 0 { hash.mix(UInt8(ascii: "-")) }
        // The magnitude's digits, most significant first (Int64.min's magnitude fits UInt64).
        var magnitude = i.magnitude, divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            hash.mix(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }
}
