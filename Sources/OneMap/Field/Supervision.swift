import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage

/// Hazards under supervision (隐患治理督办): every open hazard with its age, the date it
/// must be rectified by and whether that date has passed, grouped by grid, community and
/// subdistrict. The rule of a due date lives here, once:
///
/// - a hazard listed for supervision (挂牌督办: it has a `supervision_owner`) with a
///   `due_date` is due then;
/// - otherwise it is due its level's deadline (config/field.json, e.g. red 7 days) after
///   `reported_at`;
/// - a hazard without `reported_at` has no due date (and is flagged: it cannot be tracked).
///
/// Hazards that must be listed (a level or a major-hazard grade in the config) but have
/// no owner are flagged `listing_missing`.
public enum Supervision {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var kind: String?
        public var level: String?
        public var status: String
        public var gridCode: String?
        public var community: String?
        public var subdistrict: String?
        public var gridWorker: String?
        public var reportedAt: String?
        public var ageDays: Int?
        public var dueDate: String?
        /// `listed` (the owner's due date) or `level` (the level's deadline).
        public var dueFrom: String?
        public var daysLeft: Int?
        public var overdue: Bool
        public var owner: String?
        public var listingMissing: Bool
        public var box: BoundingBox?
    }

    public struct Group: Sendable, Equatable {
        public var key: String
        public var open = 0
        public var overdue = 0
        public var listed = 0
    }

    public struct Report: Sendable {
        public var at: String
        public var rows: [Row]
        public var byGrid: [Group]
        public var byCommunity: [Group]
        public var bySubdistrict: [Group]
        public var overdueCount: Int { rows.filter(\.overdue).count }
    }

    static let day = 86_400.0

    /// Whether open hazards are overdue at one instant, cheaply enough to ask of a city's
    /// million hazards every minute: times the service writes (`YYYY-MM-DDTHH:MM:SSZ`) and
    /// bare dates compare as text against cut-offs computed once; other spellings are parsed.
    public struct OverdueTest: Sendable {
        let now: Date
        let nowText: String
        let cutoffs: [String: (text: String, date: Date)]
        let unlevelled: (text: String, date: Date)

        public init(config: FieldConfig, now: Date = Date()) {
            self.now = now
            nowText = Timestamps.format(now)
            func cut(_ days: Int) -> (String, Date) {
                let date = now.addingTimeInterval(-Double(days) * Supervision.day)
                return (Timestamps.format(date), date)
            }
            cutoffs = config.deadlinesDays.mapValues(cut)
            unlevelled = cut(config.unlevelledDeadlineDays)
        }

        /// The rule of ``Supervision/dueDate(_:config:)``, answered against `now`.
        public func isOverdue(_ record: LayerRecord) -> Bool {
            func text(_ column: Int) -> String? {
                guard let s = record.value(column).string, !s.isEmpty else { return nil }
                return s
            }
            guard text(Self.status) != "closed" else { return false }
            if text(Self.owner) != nil, let due = text(Self.due) {
                return Self.before(due, (nowText, now))
            }
            guard let reported = text(Self.reported) else { return false }
            let cutoff = Supervision.levelName(record).flatMap { cutoffs[$0] } ?? unlevelled
            return Self.before(reported, cutoff)
        }

        // The columns read, found once (by name per hazard they were a tenth of the look).
        private static let status = Layer.hazards.columnIndex("status")
        private static let owner = Layer.hazards.columnIndex("supervision_owner")
        private static let due = Layer.hazards.columnIndex("due_date")
        private static let reported = Layer.hazards.columnIndex("reported_at")

        static func before(_ time: String, _ limit: (text: String, date: Date)) -> Bool {
            let u = time.utf8
            if (u.count == 20 && u.last == UInt8(ascii: "Z")) || u.count == 10 { return time < limit.text }
            return Timestamps.parse(time).map { $0 < limit.date } ?? false
        }
    }

    /// When `record` is due, and by which rule.
    public static func dueDate(_ record: LayerRecord, config: FieldConfig) -> (date: Date, from: String)? {
        if text(record, "supervision_owner") != nil, let given = text(record, "due_date").flatMap(Timestamps.parse) { return (given, "listed") }
        guard let reported = text(record, "reported_at").flatMap(Timestamps.parse) else { return nil }
        return (reported.addingTimeInterval(Double(config.deadlineDays(level: levelName(record))) * day), "level")
    }

    /// Every open hazard of `snapshot`, overdue first, then by due date.
    /// `including` chooses the rows (a grid, only the overdue, …) before they are counted by
    /// grid, community and subdistrict, so the counts are of the rows listed.
    public static func report(_ snapshot: IndexSnapshot, config: FieldConfig, now: Date = Date(),
                              including: (Row) -> Bool = { _ in true }) throws -> Report {
        let hazards = snapshot.loadedLayers.contains(.hazards) ? try snapshot.allFeatures(.hazards) : []
        var grids: [String: LayerRecord] = [:]
        if snapshot.loadedLayers.contains(.grids) {
            for grid in try snapshot.allFeatures(.grids) { if let code = text(grid, "code", layer: .grids) { grids[code] = grid } }
        }
        var rows: [Row] = []
        for record in hazards where text(record, "status") != "closed" {
            let grid = text(record, "grid_code").flatMap { grids[$0] }
            let reported = text(record, "reported_at").flatMap(Timestamps.parse)
            let due = dueDate(record, config: config)
            let level = levelName(record)
            let owner = text(record, "supervision_owner")
            let mustList = mustBeListed(record, config: config)
            rows.append(Row(
                id: record.id, name: text(record, "name"), kind: text(record, "kind"), level: level, status: text(record, "status") ?? "registered",
                gridCode: text(record, "grid_code"), community: grid.flatMap { text($0, "community", layer: .grids) },
                subdistrict: grid.flatMap { text($0, "subdistrict", layer: .grids) }, gridWorker: grid.flatMap { text($0, "grid_worker", layer: .grids) },
                reportedAt: text(record, "reported_at"), ageDays: reported.map { wholeDays(now.timeIntervalSince($0)) },
                dueDate: due.map { Timestamps.format($0.date) }, dueFrom: due?.from, daysLeft: due.map { wholeDays($0.date.timeIntervalSince(now)) },
                overdue: due.map { $0.date < now } ?? false, owner: owner, listingMissing: mustList && owner == nil,
                box: record.geometry.boundingBox))
            if let last = rows.last, !including(last) { rows.removeLast() }
        }
        rows.sort { a, b in
            if a.overdue != b.overdue { return a.overdue }
            return (a.dueDate ?? "~", a.id) < (b.dueDate ?? "~", b.id)
        }
        func groups(_ key: (Row) -> String?) -> [Group] {
            var byKey: [String: Group] = [:]
            for row in rows {
                let k = key(row) ?? "(none)"
                var g = byKey[k] ?? Group(key: k)
                g.open += 1
                if row.overdue { g.overdue += 1 }
                if row.owner != nil { g.listed += 1 }
                byKey[k] = g
            }
            return byKey.values.sorted { ($1.overdue, $1.open, $0.key) < ($0.overdue, $0.open, $1.key) }
        }
        return Report(at: Timestamps.format(now), rows: rows, byGrid: groups(\.gridCode), byCommunity: groups(\.community), bySubdistrict: groups(\.subdistrict))
    }

    /// Whole days of a span, rounded towards minus infinity, safe for any span.
    static func wholeDays(_ seconds: Double) -> Int {
        let days = (seconds / day).rounded(.down)
        return Int(exactly: days) ?? (days < 0 ? Int.min / 2 : Int.max / 2)
    }

    /// Whether a hazard must be listed for supervision: its level or major-hazard grade is
    /// one the config names.
    static func mustBeListed(_ record: LayerRecord, config: FieldConfig) -> Bool {
        let grade: Int? = if case .integer(let g) = record.value(Layer.hazards.columnIndex("major_hazard_grade")) { Int(exactly: g) } else { nil }
        return levelName(record).map(config.supervise.levels.contains) == true || grade.map(config.supervise.majorHazardGrades.contains) == true
    }

    /// A hazard's level by name (red, orange, yellow, blue): stored as 1–4.
    private static let levelColumn = Layer.hazards.columnIndex("level")

    static func levelName(_ record: LayerRecord) -> String? {
        switch record.value(levelColumn) {
        case .integer(let i): Int(exactly: i).flatMap(RiskLevel.init(rawValue:))?.description
        case .text(let s): s.isEmpty ? nil : s
        default: nil
        }
    }

    static func text(_ record: LayerRecord, _ column: String, layer: Layer = .hazards) -> String? {
        let i = layer.columnIndex(column)
        guard i >= 0, i < record.valueCount, let s = record.value(i).string, !s.isEmpty else { return nil }
        return s
    }
}

extension Supervision.Row {
    public var json: JSONValue {
        func t(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func n(_ i: Int?) -> JSONValue { i.map { .number(Double($0)) } ?? .null }
        return .object([
            JSONMember("id", .string(id)), JSONMember("name", t(name)), JSONMember("kind", t(kind)), JSONMember("level", t(level)),
            JSONMember("status", .string(status)), JSONMember("grid_code", t(gridCode)), JSONMember("community", t(community)),
            JSONMember("subdistrict", t(subdistrict)), JSONMember("grid_worker", t(gridWorker)), JSONMember("reported_at", t(reportedAt)),
            JSONMember("age_days", n(ageDays)), JSONMember("due_date", t(dueDate)), JSONMember("due_from", t(dueFrom)),
            JSONMember("days_left", n(daysLeft)), JSONMember("overdue", .bool(overdue)), JSONMember("supervision_owner", t(owner)),
            JSONMember("listing_missing", .bool(listingMissing)),
        ])
    }
}

extension Supervision.Report {
    public var json: JSONValue {
        func groups(_ list: [Supervision.Group]) -> JSONValue {
            .array(list.map { .object([JSONMember("key", .string($0.key)), JSONMember("open", .number(Double($0.open))),
                                       JSONMember("overdue", .number(Double($0.overdue))), JSONMember("listed", .number(Double($0.listed)))]) })
        }
        return .object([
            JSONMember("at", .string(at)), JSONMember("open", .number(Double(rows.count))), JSONMember("overdue", .number(Double(overdueCount))),
            JSONMember("listed", .number(Double(rows.filter { $0.owner != nil }.count))),
            JSONMember("listing_missing", .number(Double(rows.filter(\.listingMissing).count))),
            JSONMember("by_subdistrict", groups(bySubdistrict)), JSONMember("by_community", groups(byCommunity)), JSONMember("by_grid", groups(byGrid)),
            JSONMember("hazards", .array(rows.map(\.json))),
        ])
    }

    public var csv: String {
        CSVText.document(
            header: ["id", "name", "kind", "level", "status", "grid_code", "community", "subdistrict", "grid_worker", "reported_at",
                     "age_days", "due_date", "due_from", "days_left", "overdue", "supervision_owner", "listing_missing"],
            rows: rows.map { r in
                [r.id, r.name, r.kind, r.level, r.status, r.gridCode, r.community, r.subdistrict, r.gridWorker, r.reportedAt,
                 r.ageDays.map(String.init), r.dueDate, r.dueFrom, r.daysLeft.map(String.init), r.overdue ? "yes" : "no", r.owner,
                 r.listingMissing ? "yes" : "no"]
            })
    }
}
