import Dispatch
import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapStorage
import Synchronization

/// The current one map: every area's level with its reasons, kept up to date one source
/// at a time.
///
/// It remembers every source that reaches every area (not only the ones that set its
/// colour), so when a hazard is added, moved, re-levelled or closed only the areas the
/// old and the new source reach are assessed again.
public struct RiskModel: Sendable {
    public let rules: RiskRules
    public let unit: AreaUnit
    /// The coloured areas, in id order.
    public let areas: [RiskArea]
    /// One per area, in the same order.
    public private(set) var assessments: [AreaAssessment]
    /// Every open source reaching each area.
    private var reaching: [[AreaReason]]
    /// The areas alone, indexed: what the reach of a source is searched in.
    private let areaIndex: IndexSnapshot
    private let slotOfID: [String: Int]
    /// What the last full build counted.
    public let summary: BuildSummary

    public struct BuildSummary: Sendable, Equatable {
        public var sources = 0
        public var closed = 0
        /// Sources the rules could not give a level (no level given, a factor missing).
        public var unassessed: [String] = []
    }

    /// Colours the `unit` areas of `snapshot` from all its hazards. `progress` hears
    /// (sources done, sources in all) from the worker threads now and then.
    /// - Parameter allowEmpty: a map with no areas when the snapshot has none (a server
    ///   over a file without grids serves everything else, uncoloured), instead of an error.
    public static func build(_ snapshot: IndexSnapshot, rules: RiskRules, unit: AreaUnit = .grids, allowEmpty: Bool = false,
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> RiskModel {
        let hasAreas = snapshot.loadedLayers.contains(unit.layer)
        let records = hasAreas || !allowEmpty ? try snapshot.allFeatures(unit.layer).filter(unit.contains).sorted { $0.id < $1.id } : []
        guard !records.isEmpty || allowEmpty else { throw RiskError.noAreas(unit) }
        let areas = records.map { Self.area($0, in: unit.layer) }
        let slotOfID = Dictionary(uniqueKeysWithValues: areas.enumerated().map { ($1.id, $0) })
        let areaIndex = SpatialIndex(records: [unit.layer: records]).snapshot
        let sources = snapshot.loadedLayers.contains(.hazards) || !allowEmpty ? try snapshot.allFeatures(.hazards) : []

        // Sources are split into contiguous chunks, one per core, each with its own GEOS context.
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, sources.count / 4096 + 1))
        let chunk = (sources.count + workers - 1) / workers
        let found = Mutex<[[(Int, AreaReason)]]>(Array(repeating: [], count: workers))
        let summaries = Mutex<[BuildSummary]>(Array(repeating: BuildSummary(), count: workers))
        let failure = Mutex<(any Error)?>(nil)
        let done = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let reach = SourceReach(areas: areas, areaIndex: areaIndex, unit: unit, slotOfID: slotOfID, rules: rules)
            var local: [(Int, AreaReason)] = []
            var summary = BuildSummary()
            let range = (worker * chunk)..<min(sources.count, (worker + 1) * chunk)
            do {
                for i in range {
                    let source = sources[i]
                    summary.sources += 1
                    switch try reach.reach(source) {
                    case .closed: summary.closed += 1
                    case .unassessed: summary.unassessed.append(source.id)
                    case .reaches(let level, let slots):
                        for (slot, distance) in slots {
                            local.append((slot, AreaReason(sourceID: source.id, level: level, distance: distance)))
                        }
                    }
                    if (i - range.lowerBound) % 8192 == 8191, let progress {
                        progress(done.add(8192, ordering: .relaxed).newValue, sources.count)
                    }
                }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
            found.withLock { $0[worker] = local }
            summaries.withLock { $0[worker] = summary }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        progress?(sources.count, sources.count)

        var reaching = Array(repeating: [AreaReason](), count: areas.count)
        for part in found.withLock({ $0 }) {
            for (slot, reason) in part { reaching[slot].append(reason) }
        }
        var summary = BuildSummary()
        for part in summaries.withLock({ $0 }) {
            summary.sources += part.sources
            summary.closed += part.closed
            summary.unassessed += part.unassessed
        }
        summary.unassessed.sort()
        let assessments = areas.indices.map { rules.assess(areaID: areas[$0].id, reaching: reaching[$0], areaKm2: areas[$0].areaKm2) }
        return RiskModel(rules: rules, unit: unit, areas: areas, assessments: assessments, reaching: reaching,
                         areaIndex: areaIndex, slotOfID: slotOfID, summary: summary)
    }

    /// What one source change did to the map.
    public struct Change: Sendable, Equatable {
        /// Areas whose assessment changed (level, reasons or score), by index.
        public var changed: [Int] = []
        /// Areas whose level changed: their tiles must be drawn again.
        public var recoloured: [Int] = []
        /// Areas assessed again (reached by the old or the new source).
        public var reassessed: [Int] = []

        /// No area touched (a change to a layer that colours nothing).
        public init() {}
    }

    /// Replaces source `old` (nil when it is new) by `new` (nil when it is deleted; a
    /// closed source counts as absent). Only the areas either one reaches are assessed again.
    public mutating func replaceSource(_ old: LayerRecord?, with new: LayerRecord?) throws -> Change {
        let reach = SourceReach(areas: areas, areaIndex: areaIndex, unit: unit, slotOfID: slotOfID, rules: rules)
        var touched = Set<Int>()
        if let old {
            if case .reaches(_, let slots) = try reach.reach(old) {
                for (slot, _) in slots {
                    reaching[slot].removeAll { $0.sourceID == old.id }
                    touched.insert(slot)
                }
            }
        }
        if let new {
            if case .reaches(let level, let slots) = try reach.reach(new) {
                for (slot, distance) in slots {
                    reaching[slot].removeAll { $0.sourceID == new.id }
                    reaching[slot].append(AreaReason(sourceID: new.id, level: level, distance: distance))
                    touched.insert(slot)
                }
            }
        }
        var change = Change()
        for slot in touched.sorted() {
            let before = assessments[slot]
            let after = rules.assess(areaID: areas[slot].id, reaching: reaching[slot], areaKm2: areas[slot].areaKm2)
            change.reassessed.append(slot)
            if after != before {
                change.changed.append(slot)
                if after.level != before.level { change.recoloured.append(slot) }
                assessments[slot] = after
            }
        }
        return change
    }

    /// The area with `id`, with its assessment.
    /// The red areas' outlines: what `avoid=red` routes around.
    public var redAreas: [Geometry] { areas.indices.filter { assessments[$0].level == .red }.map { areas[$0].geometry } }

    public func area(id: String) -> (area: RiskArea, assessment: AreaAssessment)? {
        slotOfID[id].map { (areas[$0], assessments[$0]) }
    }

    /// Number of areas at each level (nil: reached by no open source).
    public var counts: [RiskLevel?: Int] {
        var counts: [RiskLevel?: Int] = [:]
        for assessment in assessments { counts[assessment.level, default: 0] += 1 }
        return counts
    }

    /// The areas whose bounding boxes meet `box`, by index: what a tile draws (the
    /// canvas clips the rest, so no exact test is spent here).
    public func areas(meeting box: BoundingBox) -> [Int] {
        var slots: [Int] = []
        areaIndex.forEachCandidatePosition(unit.layer, meeting: box) { slots.append($0) }
        return slots
    }

    private static func area(_ record: LayerRecord, in layer: Layer) -> RiskArea {
        func text(_ name: String) -> String? {
            guard let i = layer.columns.firstIndex(where: { $0.name == name }), case .text(let s) = record.value(i) else { return nil }
            return s
        }
        func integer(_ name: String) -> Int? {
            guard let i = layer.columns.firstIndex(where: { $0.name == name }), case .integer(let n) = record.value(i) else { return nil }
            return Int(n)
        }
        return RiskArea(id: record.id, name: text("name"),
                        subdistrict: layer == .grids ? text("subdistrict") : text("parent_code"),
                        population: integer("population"),
                        areaKm2: Geodesic.wgs84.area(of: record.geometry) / 1e6,
                        geometry: record.geometry, box: record.geometry.boundingBox ?? .empty)
    }
}

/// Why a risk map could not be built.
public enum RiskError: Error, Equatable, CustomStringConvertible {
    case noAreas(AreaUnit)

    public var description: String {
        switch self {
        case .noAreas(.grids): "the data has no grid cells to colour"
        case .noAreas(.admin(let level)): "the data has no administrative units of level '\(level)' to colour"
        }
    }
}

extension RiskRules {
    /// Colours the `unit` areas of `snapshot` (grid cells by default): the assessments of
    /// a freshly built ``RiskModel``, in area id order.
    public func assessAreas(_ snapshot: IndexSnapshot, unit: AreaUnit = .grids) throws -> [AreaAssessment] {
        try RiskModel.build(snapshot, rules: self, unit: unit).assessments
    }
}
