import Foundation
import GRDB
import OneMapGeometry
@testable import OneMapStorage
import OneMapTestSupport
import Testing

@Suite struct SpatialFunctionTests {
    @Test func triggerFunctionsReadTheEnvelopeAndRefuseCorruptBlobs() throws {
        let dir = try TemporaryDirectory()
        let store = try GeoPackage(path: dir.path("t.gpkg"), mode: .create)
        let line = Data(GeoPackageBinary.encode(.lineString([Coordinate(109.5, 39.75), Coordinate(110.25, 39.5)])))
        let point = Data(GeoPackageBinary.encode(.point(Coordinate(1.5, -2))))  // no envelope in the header
        try store.queue.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT ST_MinX(?), ST_MaxX(?), ST_MinY(?), ST_MaxY(?), ST_IsEmpty(?), ST_MinX(?), ST_MaxY(?), ST_MinX(NULL)",
                                       arguments: [line, line, line, line, line, point, point])!
            #expect(row[0] as Double == 109.5 && row[1] as Double == 110.25)
            #expect(row[2] as Double == 39.5 && row[3] as Double == 39.75)
            #expect(row[4] as Int == 0)
            #expect(row[5] as Double == 1.5 && row[6] as Double == -2)
            #expect((row[7] as DatabaseValue).isNull)
            let error = #expect(throws: DatabaseError.self) { try Double.fetchOne(db, sql: "SELECT ST_MinX(?)", arguments: [Data([0x47, 0x50, 0, 1])]) }
            #expect(error?.message?.contains("malformed geometry binary") == true)
        }
    }
}
