import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Derived fields, filled once by every writer: a hazard's grid, a grid's code, a
/// shelter's status. Checked against GEOS by brute force and through the queries that
/// read them.
@Suite struct DerivedFieldsTests {
    /// Two cells side by side: A is 109.70–109.71, B is 109.71–109.72 (39.60–39.61).
    static let grids = #"""
    {"type":"FeatureCollection","features":[
    {"type":"Feature","id":"A","geometry":{"type":"Polygon","coordinates":[[[109.70,39.60],[109.71,39.60],[109.71,39.61],[109.70,39.61],[109.70,39.60]]]},"properties":{"name":"甲网格"}},
    {"type":"Feature","id":"网格乙","geometry":{"type":"Polygon","coordinates":[[[109.71,39.60],[109.72,39.60],[109.72,39.61],[109.71,39.61],[109.71,39.60]]]},"properties":{"name":"乙网格"}}
    ]}
    """#
    /// A point in A; a line from A that runs deep into B (its representative point, the
    /// inner vertex, is in B);
    /// a polygon wholly in B; a point outside both; a point on the shared edge.
    static let hazards = #"""
    {"type":"FeatureCollection","features":[
    {"type":"Feature","id":"P","geometry":{"type":"Point","coordinates":[109.705,39.605]},"properties":{}},
    {"type":"Feature","id":"L","geometry":{"type":"LineString","coordinates":[[109.709,39.605],[109.715,39.605],[109.719,39.605]]},"properties":{}},
    {"type":"Feature","id":"Q","geometry":{"type":"Polygon","coordinates":[[[109.712,39.602],[109.718,39.602],[109.718,39.608],[109.712,39.602]]]},"properties":{}},
    {"type":"Feature","id":"O","geometry":{"type":"Point","coordinates":[109.80,39.605]},"properties":{}},
    {"type":"Feature","id":"E","geometry":{"type":"Point","coordinates":[109.71,39.605]},"properties":{}}
    ]}
    """#

    func values(_ store: String, _ layer: Layer, _ column: String) throws -> [String: JSONValue?] {
        var out: [String: JSONValue?] = [:]
        try GeoPackage(path: store, mode: .readOnly).read { try $0.forEachRecord(in: layer) { out[$0.id] = $0.feature(in: layer)[property: column] } }
        return out
    }

    @Test(arguments: [true, false]) func hazardsTakeTheGridTheyLieInWhicheverLayerCameFirst(gridsFirst: Bool) throws {
        let dir = try TemporaryDirectory()
        let g = try dir.write("g.geojson", Self.grids), h = try dir.write("h.geojson", Self.hazards)
        let store = dir.path("s.gpkg")
        for (file, layer) in gridsFirst ? [(g, Layer.grids), (h, .hazards)] : [(h, .hazards), (g, .grids)] {
            _ = try Importer.run(file, into: store, options: ImportOptions(layer: layer))
        }
        let codes = try values(store, .grids, "code")
        // A clean id is its own code; another gets grid- and a hash, letters and digits only.
        #expect(codes["A"] == .string("A"))
        let generated = try #require(codes["网格乙"]??.stringValue)
        #expect(generated.hasPrefix("grid-") && generated.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        let expected: [String: JSONValue?] = ["P": .string("A"), "L": .string(generated), "Q": .string(generated), "O": nil, "E": .string("A")]
        #expect(try values(store, .hazards, "grid_code") == expected)

        // Brute force with GEOS: every derived code names a cell that covers the hazard or
        // holds its representative point.
        let geos = GEOSContext()
        var cells: [String: Geometry] = [:]
        var hazards: [String: Geometry] = [:]
        try GeoPackage(path: store, mode: .readOnly).read { s in
            try s.forEachRecord(in: .grids) { cells[$0.feature(in: .grids)[property: "code"]?.stringValue ?? ""] = $0.geometry }
            try s.forEachRecord(in: .hazards) { hazards[$0.id] = $0.geometry }
        }
        for (id, code) in try values(store, .hazards, "grid_code") {
            let geometry = try #require(hazards[id])
            if let code = code?.stringValue {
                let cell = try geos.prepare(try #require(cells[code]))
                #expect(try cell.covers(geometry) || cell.intersects(try geos.pointOnSurface(geometry)), "\(id) → \(code)")
            } else {
                for cell in cells.values { #expect(try !geos.prepare(cell).intersects(geometry)) }
            }
        }
    }

    @Test func aShelterWithoutStatusIsOpenInTheFileAndInEveryQuery() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("s.geojson", #"""
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":"S-1","geometry":{"type":"Point","coordinates":[109.70,39.60]},"properties":{"capacity":500}},
        {"type":"Feature","id":"S-2","geometry":{"type":"Point","coordinates":[109.701,39.60]},"properties":{"capacity":500,"status":"closed"}}
        ]}
        """#)
        let store = dir.path("s.gpkg")
        _ = try Importer.run(src, into: store, options: ImportOptions(layer: .shelters))
        #expect(try values(store, .shelters, "status") == ["S-1": .string("open"), "S-2": .string("closed")])

        // A file edited elsewhere (QGIS, sqlite3) may still hold a shelter without status:
        // the open-shelters query and evacuation agree that it is open.
        // (GDAL, as QGIS, has the ST_ functions the GeoPackage's R-tree triggers call; sqlite3 has not.)
        let edit = try runProcess("ogrinfo", [store, "-q", "-sql", "UPDATE shelters SET status = NULL WHERE id = 'S-1'"])
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(try values(store, .shelters, "status") == ["S-1": nil, "S-2": .string("closed")])
        let snapshot = try SpatialIndex.load(from: GeoPackage(path: store, mode: .readOnly)).snapshot
        #expect(try snapshot.nearestShelters(to: Coordinate(109.70, 39.60), k: 5).map(\.hit.record.id) == ["S-1"])
        #expect(try Evacuation.candidates(snapshot, outside: nil).map(\.record.id) == ["S-1"])
    }

    /// Version 3 states in the data what older files left open.
    @Test func openingAVersion2FileFillsItsDerivedFields() throws {
        let dir = try TemporaryDirectory()
        let store = dir.path("s.gpkg")
        _ = try Importer.run(try dir.write("g.geojson", Self.grids), into: store, options: ImportOptions(layer: .grids))
        _ = try Importer.run(try dir.write("h.geojson", Self.hazards), into: store, options: ImportOptions(layer: .hazards))
        _ = try Importer.run(try dir.write("s.geojson", #"{"type":"Feature","id":"S-1","geometry":{"type":"Point","coordinates":[109.70,39.60]},"properties":{}}"#),
                             into: store, options: ImportOptions(layer: .shelters))
        // As a version-2 OneMap left it: nothing derived.
        for sql in ["UPDATE shelters SET status = NULL", "UPDATE grids SET code = NULL WHERE id = 'A'", "UPDATE hazards SET grid_code = NULL",
                    "UPDATE onemap_metadata SET value = '2' WHERE key = 'schema_version'"] {
            let r = try runProcess("ogrinfo", [store, "-q", "-sql", sql])
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try values(store, .shelters, "status") == ["S-1": nil])
        let opened = try GeoPackage(path: store, mode: .readWrite)
        #expect(try opened.read { try $0.schemaVersion() } == SchemaVersion.current)
        #expect(try values(store, .shelters, "status") == ["S-1": .string("open")])
        #expect(try values(store, .grids, "code")["A"] == .string("A"))
        #expect(try values(store, .hazards, "grid_code")["P"] == .string("A"))
    }
}
