import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage

/// What `/dashboard` shows, computed in one place: areas per colour over time (each
/// stored risk-map version, then the live map now), hazards per status day by day (the
/// change log read backwards from the hazards as they are now), open hazards by kind and
/// by age, overdue hazards, and shelters' room now.
public enum Dashboard {
    /// Days the status series covers.
    public static let days = 30
    static let ageBuckets: [(label: String, upTo: Int)] = [("0–7 days", 7), ("8–30 days", 30), ("31–90 days", 90), ("over 90 days", Int.max)]

    /// `overdue`: the open hazards past their deadline, as the live map keeps them
    /// (``LiveOneMap/refreshOverdue(now:afterLook:)``): counted, not found again.
    public static func summary(snapshot: IndexSnapshot, model: RiskModel, store: any LayerStore, config: FieldConfig,
                               mapKey: String, overdue: Set<String>, now: Date = Date()) throws -> JSONValue {
        let hazards = snapshot.loadedLayers.contains(.hazards) ? try snapshot.allFeatures(.hazards) : []
        let status = Layer.hazards.columnIndex("status"), kind = Layer.hazards.columnIndex("kind"), reportedAt = Layer.hazards.columnIndex("reported_at")

        // Colours: each stored version, then now.
        let levels = RiskLevel.allCases.map(\.description) + ["none"]
        func colours(_ counts: [String: Int]) -> [JSONMember] { levels.map { JSONMember($0, .number(Double(counts[$0] ?? 0))) } }
        let versions = try store.colourCounts()
        var nowCounts: [String: Int] = [:]
        for (level, n) in model.counts { nowCounts[level?.description ?? "none", default: 0] += n }
        let colourSeries: [JSONValue] = versions.map { v in
            .object([JSONMember("label", .string("v\(v.version)")), JSONMember("at", .string(v.createdAt))] + colours(v.counts))
        } + [.object([JSONMember("label", .string("now")), JSONMember("at", .string(Timestamps.format(now))), JSONMember("map", .string(mapKey))] + colours(nowCounts))]

        // Status per day: start from now and undo the logged changes day by day.
        var state: [String: String] = [:]
        var reported: [String: Date] = [:]
        for h in hazards {
            state[h.id] = h.value(status).string ?? "registered"
            if let t = h.value(reportedAt).string.flatMap(Timestamps.parse) { reported[h.id] = t }
        }
        let start = now.addingTimeInterval(-Double(days) * 86_400)
        let logged = try store.changes(layer: Layer.hazards.tableName, since: Timestamps.format(start), limit: 200_000)
        var pending = logged.reversed()[...]
        var series: [JSONValue] = []
        let statuses = ["registered", "rectifying", "closed"]
        for back in 0...days {
            let dayEnd = now.addingTimeInterval(-Double(back) * 86_400)
            let cut = Timestamps.format(dayEnd)
            while let entry = pending.first, entry.changedAt > cut {
                pending = pending.dropFirst()
                if let before = entry.before, entry.operation != .create {
                    state[entry.featureID] = before.properties.first { $0.key == "status" }?.value.stringValue ?? "registered"
                } else if entry.operation == .create {
                    state[entry.featureID] = nil
                }
            }
            var counts: [String: Int] = [:]
            for (id, s) in state where (reported[id].map { $0 <= dayEnd } ?? true) { counts[s, default: 0] += 1 }
            series.append(.object([JSONMember("day", .string(String(cut.prefix(10))))] + statuses.map { JSONMember($0, .number(Double(counts[$0] ?? 0))) }))
        }
        series.reverse()

        // Open hazards by kind and by age.
        var byKind: [String: Int] = [:]
        var byAge = Array(repeating: 0, count: ageBuckets.count)
        var open = 0, listingMissing = 0
        for h in hazards where h.value(status).string != "closed" {
            open += 1
            if Supervision.mustBeListed(h, config: config), Supervision.text(h, "supervision_owner") == nil { listingMissing += 1 }
            byKind[h.value(kind).string ?? "(none)", default: 0] += 1
            if let t = reported[h.id] {
                let age = Supervision.wholeDays(now.timeIntervalSince(t))
                byAge[ageBuckets.firstIndex { age <= $0.upTo } ?? ageBuckets.count - 1] += 1
            }
        }

        // Shelters' room now: open shelters' capacity less occupancy.
        var room = 0, capacity = 0, occupied = 0, full = 0, openShelters = 0
        var byStatus: [String: Int] = [:]
        if snapshot.loadedLayers.contains(.shelters) {
            let st = Layer.shelters.columnIndex("status"), cap = Layer.shelters.columnIndex("capacity"), occ = Layer.shelters.columnIndex("occupancy")
            for s in try snapshot.allFeatures(.shelters) {
                let state = s.value(st).string ?? "open"
                byStatus[state, default: 0] += 1
                guard state == "open" else { continue }
                openShelters += 1
                let c = s.value(cap).count.map { Int(clamping: $0) } ?? 0, o = s.value(occ).count.map { Int(clamping: $0) } ?? 0
                capacity += c
                occupied += min(o, c)
                room += max(0, c - o)
                if c > 0, o >= c { full += 1 }
            }
        }
        return .object([
            JSONMember("at", .string(Timestamps.format(now))), JSONMember("map", .string(mapKey)),
            JSONMember("colours", .array(colourSeries)),
            JSONMember("statuses", .array(series)),
            JSONMember("open_by_kind", .object(byKind.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { JSONMember($0.key, .number(Double($0.value))) })),
            JSONMember("open_by_age", .object(zip(ageBuckets, byAge).map { JSONMember($0.label, .number(Double($1))) })),
            JSONMember("open", .number(Double(open))), JSONMember("overdue", .number(Double(overdue.count))),
            JSONMember("listing_missing", .number(Double(listingMissing))),
            JSONMember("shelters", .object([
                JSONMember("open", .number(Double(openShelters))), JSONMember("capacity", .number(Double(capacity))),
                JSONMember("occupied", .number(Double(occupied))), JSONMember("room", .number(Double(room))), JSONMember("full", .number(Double(full))),
                JSONMember("by_status", .object(byStatus.sorted { $0.key < $1.key }.map { JSONMember($0.key, .number(Double($0.value))) })),
            ])),
        ])
    }
}
