import Foundation
import OneMap
import OneMapTestSupport
import Synchronization
import Testing

/// Layers load on two connections at once; a commit made by another connection while
/// they read must not leave the index with one layer before it and another after.
@Suite struct ParallelLoadTests {
    static func grid(_ i: Int) -> LayerRecord {
        let x0 = 118.0 + Double(i % 100) * 0.01, y0 = 42.0 + Double(i / 100) * 0.01
        let ring = [Coordinate(x0, y0), Coordinate(x0 + 0.01, y0), Coordinate(x0 + 0.01, y0 + 0.01), Coordinate(x0, y0 + 0.01), Coordinate(x0, y0)]
        let named: [String: FieldValue] = ["code": .text("C\(i)")]
        return LayerRecord(id: "G\(i)", geometry: .multiPolygon([[ring]]), values: Layer.grids.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    static func hazard(_ i: Int) -> LayerRecord {
        let named: [String: FieldValue] = ["level": .integer(2), "status": .text("registered")]
        return LayerRecord(id: "H\(i)", geometry: .point(Coordinate(118.0 + Double(i % 100) * 0.01 + 0.005, 42.005 + Double(i / 100) * 0.01)),
                           values: Layer.hazards.columns.map { named[$0.name] ?? .null }, extra: [])
    }

    /// Also with the hazards read as two halves by feature id on the two connections (a
    /// commit between the halves, or between finding the ids' bounds and reading, must be
    /// caught as well).
    @Test(arguments: [SpatialIndex.splitAbove, 1_000])
    func aCommitDuringTheLoadIsSeenByEveryLayerOrByNone(splitAbove: Int) throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("pair.gpkg")
        let store = try GeoPackage(path: path, mode: .create)
        // Many hazards, so that the two layers read long enough to be overtaken by commits.
        try store.write { session in
            let grids = try session.writer(for: .grids, replacing: true)
            try grids.insert(Self.grid(0))
            try grids.finish()
            let hazards = try session.writer(for: .hazards, replacing: true)
            for i in 0..<20_000 { try hazards.insert(Self.hazard(1_000_000 + i)) }
            try hazards.finish()
        }
        try store.useWriteAheadLog()
        // Another connection adds a grid and a hazard in each of its transactions.
        let stop = Atomic<Bool>(false), written = Atomic<Int>(0)
        let writer = Thread {
            // Opening for writing may meet a load's lock on a busy machine: try again.
            var opened: GeoPackage?
            while opened == nil && !stop.load(ordering: .relaxed) {
                opened = try? GeoPackage(path: path, mode: .readWrite)
                if opened == nil { usleep(10_000) }
            }
            guard let other = opened else { return }
            var i = 1
            while !stop.load(ordering: .relaxed) && i < 5_000 {
                try? other.write { session in
                    let grids = try session.writer(for: .grids, replacing: false)
                    try grids.insert(Self.grid(i))
                    try grids.finish()
                    let hazards = try session.writer(for: .hazards, replacing: false)
                    try hazards.insert(Self.hazard(i))
                    try hazards.finish()
                }
                written.store(i, ordering: .relaxed)
                i += 1
            }
        }
        writer.start()
        defer { stop.store(true, ordering: .relaxed) }
        // The loads begin once the writer is writing (a busy machine may start it late).
        let waitedSince = Date()
        while written.load(ordering: .relaxed) == 0 && Date().timeIntervalSince(waitedSince) < 60 { usleep(1_000) }
        for _ in 0..<12 {
            let snapshot = try SpatialIndex.load(from: GeoPackage(path: path, mode: .readOnly), layers: [.hazards, .grids], splitAbove: splitAbove).snapshot
            // Grid 0 came with 20,000 hazards; every later commit added one of each.
            #expect(snapshot.count(.hazards) - 20_000 == snapshot.count(.grids) - 1,
                    "hazards \(snapshot.count(.hazards)), grids \(snapshot.count(.grids))")
        }
        stop.store(true, ordering: .relaxed)
        while !writer.isFinished { usleep(1_000) }
        #expect(written.load(ordering: .relaxed) > 0)
    }

    /// Read in two halves, a layer is the same records in the same order as read whole:
    /// ids with gaps (deleted rows), an odd count, and the halves meeting at the middle id.
    @Test func halvesMakeTheSameLayerAsOneRead() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("halves.gpkg")
        let store = try GeoPackage(path: path, mode: .create)
        try store.write { session in
            let hazards = try session.writer(for: .hazards, replacing: true)
            for i in 0..<5_001 { try hazards.insert(Self.hazard(i)) }
            try hazards.finish()
            let grids = try session.writer(for: .grids, replacing: true)
            for i in 0..<30 { try grids.insert(Self.grid(i)) }
            try grids.finish()
        }
        #expect(try runProcess("sqlite3", [path, "DELETE FROM hazards WHERE fid % 7 = 3 OR fid BETWEEN 2400 AND 2600"]).status == 0)
        let whole = try SpatialIndex.load(from: store, splitAbove: .max).snapshot
        let halved = try SpatialIndex.load(from: store, splitAbove: 10).snapshot
        let expected = try store.read { session in
            var ids: [String] = []
            try session.forEachRecord(in: .hazards) { ids.append($0.id) }
            return ids
        }
        #expect(expected.count == 5_001 - 887)
        #expect(try halved.allFeatures(.hazards) == whole.allFeatures(.hazards))
        #expect(try halved.allFeatures(.hazards).map(\.id) == expected)
        #expect(try halved.allFeatures(.grids) == whole.allFeatures(.grids))
        for id in ["H0", "H2398", "H2600", "H5000"] { #expect(halved.feature(.hazards, id: id) == whole.feature(.hazards, id: id)) }
    }
}
