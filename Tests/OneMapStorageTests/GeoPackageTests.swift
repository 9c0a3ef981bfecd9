import Foundation
import OneMapGeometry
import OneMapStorage
import OneMapTestSupport
import Testing

@Suite struct GeoPackageTests {
    func shelter(_ id: String, _ lon: Double, capacity: Int64) -> LayerRecord {
        var values = [FieldValue](repeating: .null, count: Layer.shelters.columns.count)
        values[0] = .text("广场 \(id)")
        values[4] = .integer(capacity)
        return LayerRecord(id: id, geometry: .point(Coordinate(lon, 39.6)), values: values, extra: [JSONMember("note", .string("x"))])
    }

    @Test func recordsReadBackAsWritten() throws {
        let dir = try TemporaryDirectory()
        let store = try GeoPackage(path: dir.path("t.gpkg"), mode: .create)
        let records = [shelter("S-1", 109.7, capacity: 3000), shelter("S-2", 109.8, capacity: 500)]
        try store.write { session in
            let writer = try session.writer(for: .shelters, replacing: false)
            for r in records { try writer.insert(r) }
            try writer.finish()
        }
        var read: [LayerRecord] = []
        try store.read { try $0.forEachRecord(in: .shelters) { read.append($0) } }
        #expect(read == records)
    }

    @Test func theFileIsAGeoPackageWithItsRTreeFilled() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("t.gpkg")
        let store = try GeoPackage(path: path, mode: .create)
        try store.write { session in
            let writer = try session.writer(for: .shelters, replacing: false)
            try writer.insert(shelter("S-1", 109.7, capacity: 1))
            try writer.insert(shelter("S-2", 109.9, capacity: 1))
            try writer.finish()
        }
        let pragma = try runProcess("sqlite3", [path, "PRAGMA application_id; PRAGMA user_version; SELECT count(*), min(minx), max(maxx) FROM rtree_shelters_geom;"])
        let lines = pragma.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "1196444487")  // 'GPKG'
        #expect(lines[1] == "10200")
        let rtree = lines[2].split(separator: "|").map(String.init)
        #expect(rtree[0] == "2")
        // float32 bounds, rounded outward around the exact coordinates
        #expect(Double(rtree[1])! <= 109.7 && Double(rtree[1])! > 109.6999)
        #expect(Double(rtree[2])! >= 109.9 && Double(rtree[2])! < 109.9001)
        let summary = try store.read { try $0.summary() }
        #expect(summary.map(\.layer) == [.shelters])
        #expect(summary[0].count == 2 && summary[0].hasSpatialIndex)
    }

    @Test func aDuplicateIDRollsBackTheWholeTransaction() throws {
        let dir = try TemporaryDirectory()
        let store = try GeoPackage(path: dir.path("t.gpkg"), mode: .create)
        try store.write { try $0.writer(for: .shelters, replacing: false).insert(shelter("S-1", 109.7, capacity: 1)) }
        let error = #expect(throws: StorageError.self) {
            try store.write { session in
                let writer = try session.writer(for: .shelters, replacing: false)
                try writer.insert(self.shelter("S-2", 109.7, capacity: 1))
                try writer.insert(self.shelter("S-1", 109.8, capacity: 1))
            }
        }
        #expect(error == .duplicateID("S-1", layer: .shelters))
        #expect(try store.read { try $0.count(.shelters) } == 1)
    }

    @Test func gdalAddsFeaturesThroughOurTriggersToAFileWeWrote() throws {
        // ogr2ogr -append writes through GDAL's own connection; our R-tree triggers must accept it.
        let dir = try TemporaryDirectory()
        let path = dir.path("t.gpkg")
        let store = try GeoPackage(path: path, mode: .create)
        try store.write { try $0.writer(for: .shelters, replacing: false).insert(shelter("S-1", 109.7, capacity: 1)) }
        let src = try dir.write("more.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[110.1,39.7]},"properties":{"id":"S-9","capacity":5}}]}"#)
        let r = try runProcess("ogr2ogr", ["-append", "-nln", "shelters", path, src])
        #expect(r.status == 0, "\(r.stderr)")
        // And our connection can write again after GDAL did (the functions exist on ours too).
        try store.write { try $0.writer(for: .shelters, replacing: false).insert(shelter("S-3", 109.5, capacity: 1)) }
        let rtree = try runProcess("sqlite3", [path, "SELECT count(*) FROM rtree_shelters_geom"])
        #expect(rtree.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    }

    @Test func aFileThatIsNotAGeoPackageIsRefusedClearly() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("x.gpkg", "hello, not sqlite")
        let error = #expect(throws: StorageError.self) { try GeoPackage(path: path, mode: .readWrite) }
        guard case .notAGeoPackage(let p, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(p == path)
        #expect(throws: StorageError.missingFile(path: dir.path("none.gpkg"))) { try GeoPackage(path: dir.path("none.gpkg"), mode: .readOnly) }
    }
}
