import Foundation
@testable import OneMapIndex
import OneMap
import Testing

@Suite struct LiveUpdateTests {
    /// A model dictionary and the index take the same random inserts, updates and deletes,
    /// past a compaction; after each step queries on the index equal scans of the model.
    @Test func queriesFollowInsertsUpdatesAndDeletes() throws {
        var scene = Scene(seed: 31, hazards: 1500, shelters: 10, clustered: true)
        let index = SpatialIndex(records: [.hazards: scene.hazards])
        var model = Dictionary(uniqueKeysWithValues: scene.hazards.map { ($0.id, $0) })
        var random = SeededRandom(seed: 32)
        var next = 0
        let start = index.snapshot
        for step in 0..<(LayerState.compactionThreshold + 300) {
            let change: FeatureChange
            switch random.int(0...2) {
            case 0:
                next += 1
                change = .insert(makeRecord(.hazards, "new-\(next)", .point(scene.randomPoint(spread: 0.3)), ["level": .integer(1)]))
            case 1:
                let id = model.keys.min(by: { _, _ in random.unit() < 0.5 })!
                change = .update(makeRecord(.hazards, id, .point(scene.randomPoint(spread: 0.3)), ["level": .integer(2)]))
            default:
                change = .delete(id: model.keys.min(by: { _, _ in random.unit() < 0.5 })!)
            }
            try index.apply(change, to: .hazards)
            switch change {
            case .insert(let r), .update(let r): model[r.id] = r
            case .delete(let id): model[id] = nil
            }
            if step % 50 == 0 || step == LayerState.compactionThreshold + 1 {
                let snapshot = index.snapshot
                #expect(snapshot.count(.hazards) == model.count)
                let p = scene.randomPoint(spread: 0.3)
                let got = try snapshot.features(.hazards, within: 3000, of: p).map(\.record.id)
                #expect(got == BruteForce.within(Array(model.values), p, 3000).map(\.0), "step \(step)")
                let nearest = try snapshot.nearest(.hazards, to: p, k: 7, where: [AttributeFilter(column: "level", test: .oneOf(["2"]))])
                let want = BruteForce.nearest(Array(model.values), p, 7) { value($0, .hazards, "level") == .integer(2) }
                #expect(nearest.map(\.record.id) == want.map(\.0), "step \(step)")
                for id in model.keys.prefix(20) { #expect(snapshot.feature(.hazards, id: id) == model[id]) }
            }
        }
        // Once the background compactions are done, the overlay holds only what came after
        // the last one began, and every record is the model's.
        index.waitForCompactions()
        let compacted = index.snapshot
        #expect(compacted.layers[.hazards]!.overlay.count + compacted.layers[.hazards]!.hidden.count <= LayerState.compactionThreshold)
        #expect(compacted.layers[.hazards]!.base.count > 1000)
        #expect(Dictionary(uniqueKeysWithValues: try compacted.allFeatures(.hazards).map { ($0.id, $0) }) == model)
        // The snapshot taken before any change still answers as it did.
        #expect(start.count(.hazards) == 1500)
        #expect(start.feature(.hazards, id: "H0") == scene.hazards[0])
    }

    /// Changes keep coming while a base is rebuilt in the background; none is lost, and
    /// none waits for the rebuild.
    @Test func changesDuringABackgroundCompactionAreKept() throws {
        let scene = Scene(seed: 35, hazards: 20_000, shelters: 0, clustered: false)
        let index = SpatialIndex(records: [.hazards: scene.hazards])
        var model = Dictionary(uniqueKeysWithValues: scene.hazards.map { ($0.id, $0) })
        for round in 0..<3 {
            for i in 0...LayerState.compactionThreshold + 40 {
                let record = makeRecord(.hazards, "H\((i * 13 + round) % 20_000)", .point(Coordinate(118.9 + Double(i) * 1e-5, 42.2 + Double(round) * 1e-3)),
                                        ["level": .integer(Int64(1 + round))])
                try index.apply(.update(record), to: .hazards)
                model[record.id] = record
            }
        }
        index.waitForCompactions()
        let snapshot = index.snapshot
        #expect(snapshot.count(.hazards) == 20_000)
        #expect(Dictionary(uniqueKeysWithValues: try snapshot.allFeatures(.hazards).map { ($0.id, $0) }) == model)
        let p = Coordinate(118.905, 42.201)
        // Points east and west of p at the same latitude tie, so compare as sets.
        let got = Set(try snapshot.features(.hazards, within: 800, of: p).map(\.record.id))
        let want = Set(BruteForce.within(Array(model.values), p, 800).map(\.0))
        #expect(got == want && !want.isEmpty)
    }

    @Test func refusedChangesLeaveTheIndexAsItWas() throws {
        let scene = Scene(seed: 33, hazards: 50, shelters: 0, clustered: false)
        let index = SpatialIndex(records: [.hazards: scene.hazards])
        let before = index.snapshot
        let good = makeRecord(.hazards, "fresh", .point(Coordinate(118.9, 42.2)))
        let bad: [(FeatureChange, QueryError)] = [
            (.insert(scene.hazards[3]), .duplicateFeature(layer: .hazards, id: "H3")),
            (.update(makeRecord(.hazards, "nobody", .point(Coordinate(1, 1)))), .unknownFeature(layer: .hazards, id: "nobody")),
            (.delete(id: "nobody"), .unknownFeature(layer: .hazards, id: "nobody")),
            (.insert(makeRecord(.hazards, "far", .point(Coordinate(200, 1)))),
             .invalidFeature(layer: .hazards, id: "far", reason: "coordinates lie outside lon −180…180, lat −90…90")),
        ]
        for (change, error) in bad {
            // Each refused change is batched after a good one: the batch must leave no trace.
            #expect(throws: error) { try index.apply([(.hazards, .insert(good)), (.hazards, change)]) }
            #expect(index.snapshot.version == before.version)
            #expect(index.snapshot.feature(.hazards, id: "fresh") == nil)
        }
        #expect(throws: QueryError.layerNotLoaded(.shelters)) { try index.apply(.delete(id: "S1"), to: .shelters) }
    }

    /// Many readers query while a writer moves a token feature and swaps pairs of features
    /// in single atomic batches. Any snapshot must hold exactly one token and the full set.
    @Test func concurrentReadersNeverSeeAHalfAppliedChange() async throws {
        let scene = Scene(seed: 34, hazards: 3000, shelters: 0, clustered: true)
        let token = makeRecord(.hazards, "token-0", .point(Scene.centre), ["level": .integer(1)])
        let index = SpatialIndex(records: [.hazards: scene.hazards + [token]])
        let total = scene.hazards.count + 1
        let writes = 2500
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                var random = SeededRandom(seed: 35)
                for n in 1...writes {
                    let moved = Coordinate(Scene.centre.x + random.uniform(-0.01...0.01), Scene.centre.y + random.uniform(-0.01...0.01))
                    try index.apply([
                        (.hazards, .delete(id: "token-\(n - 1)")),
                        (.hazards, .insert(makeRecord(.hazards, "token-\(n)", .point(moved), ["level": .integer(1)]))),
                    ])
                    // Leave the readers room on a two-core machine.
                    if n % 8 == 0 { try await Task.sleep(for: .microseconds(300)) }
                }
                return 0
            }
            for reader in 0..<8 {
                group.addTask {
                    var checks = 0, lastVersion = -1
                    while index.snapshot.version < writes {
                        let snapshot = index.snapshot
                        #expect(snapshot.version >= lastVersion)
                        lastVersion = snapshot.version
                        let tokens = try snapshot.features(.hazards, within: 2000, of: Scene.centre, where: [AttributeFilter(column: "level", test: .oneOf(["1"]))])
                            .filter { $0.record.id.hasPrefix("token-") }
                        #expect(tokens.map(\.record.id) == ["token-\(snapshot.version)"], "reader \(reader)")
                        let nearest = try snapshot.nearest(.hazards, to: Scene.centre, k: 3)
                        #expect(nearest.count == 3)
                        #expect(snapshot.count(.hazards) == total)
                        checks += 1
                        // The cooperative pool has one thread per core: yield so the writer runs.
                        await Task.yield()
                    }
                    return checks
                }
            }
            var readerChecks = 0
            for try await n in group { readerChecks += n }
            #expect(readerChecks > 500, "readers made only \(readerChecks) checks")
        }
        #expect(index.snapshot.feature(.hazards, id: "token-\(writes)") != nil)
    }
}
