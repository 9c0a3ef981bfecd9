import Foundation
import OneMap
import OneMapTestSupport
import Testing

@Suite struct ImportTests {
    static func collection(_ features: String...) -> String { #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}" }
    static func point(_ id: String, _ lon: Double, _ lat: Double, _ props: String = "{}") -> String {
        #"{"type":"Feature","id":"\#(id)","geometry":{"type":"Point","coordinates":[\#(lon),\#(lat)]},"properties":\#(props)}"#
    }

    func records(_ store: String, _ layer: Layer) throws -> [LayerRecord] {
        var out: [LayerRecord] = []
        try GeoPackage(path: store, mode: .readOnly).read { try $0.forEachRecord(in: layer) { out.append($0) } }
        return out
    }

    @Test func geoJSONWithChineseAliasesKeepsIDsAndUnknownProperties() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("s.geojson", Self.collection(
            Self.point("S-1", 109.78, 39.61, #"{"名称":"市民广场","容量":3000,"有效面积":4500.5,"manager":"王伟"}"#),
            #"{"type":"Feature","geometry":{"type":"Point","coordinates":[109.8,39.62]},"properties":{"id":42,"class":"Ⅱ"}}"#))
        let report = try Importer.run(src, into: dir.path("d.gpkg"), options: ImportOptions(layer: .shelters))
        #expect(report.imported == 2)
        let r = try records(dir.path("d.gpkg"), .shelters)
        #expect(r.map(\.id) == ["S-1", "42"])
        let f = r[0].feature(in: .shelters)
        #expect(f[property: "name"] == .string("市民广场"))
        #expect(f[property: "capacity"] == .number(3000))
        #expect(f[property: "effective_area_m2"] == .number(4500.5))
        #expect(f[property: "manager"] == .string("王伟"))
        #expect(r[1].feature(in: .shelters)[property: "shelter_class"] == .string("II"))
    }

    /// Features without an id get one that can stand in a URL path: letters, digits and
    /// `-` from the file's name, then the feature's number (was `grids_3067#2`, whose `#`
    /// cut `/query/grid/…` short).
    @Test func featuresWithoutAnIDGetOneThatFitsAURL() throws {
        let dir = try TemporaryDirectory()
        let feature = #"{"type":"Feature","geometry":{"type":"Point","coordinates":[109.8,39.62]},"properties":{}}"#
        let src = try dir.write("grids_3067 (网格).geojson", Self.collection(feature, feature))
        _ = try Importer.run(src, into: dir.path("d.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(try records(dir.path("d.gpkg"), .hazards).map(\.id) == ["grids-3067-1", "grids-3067-2"])
        let chinese = try dir.write("网格.geojson", Self.collection(feature))
        _ = try Importer.run(chinese, into: dir.path("e.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(try records(dir.path("e.gpkg"), .hazards).map(\.id) == ["feature-1"])
    }

    @Test func aGeoJSONSequenceImportsFeatureByFeature() throws {
        let dir = try TemporaryDirectory()
        let lines = (0..<1000).map { Self.point("H-\($0)", 109.6 + Double($0) * 1e-4, 39.6, #"{"level":"yellow"}"#) }.joined(separator: "\n")
        let src = try dir.write("h.geojsonl", lines + "\n")
        #expect(try Importer.run(src, into: dir.path("d.gpkg"), options: ImportOptions(layer: .hazards)).imported == 1000)
    }

    @Test func csvInGaussKrugerMetresLandsWhereCs2csPutsIt() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.csv", "id,x,y,name,level\nH-1,420000,4380000,\"油库, 北\",2\n")
        var options = ImportOptions(layer: .hazards)
        options.crs = .epsg(4547)
        _ = try Importer.run(src, into: dir.path("d.gpkg"), options: options)
        let r = try records(dir.path("d.gpkg"), .hazards)
        let cs2cs = try runProcess("cs2cs", ["-f", "%.10f", "EPSG:4547", "EPSG:4326"], stdin: "4380000 420000\n")
        let expected = cs2cs.stdout.split(whereSeparator: { " \t\n".contains($0) }).compactMap { Double($0) }
        guard case .point(let p) = r[0].geometry else { Issue.record("not a point"); return }
        #expect(abs(p.lat - expected[0]) < 1e-9 && abs(p.lon - expected[1]) < 1e-9)
        #expect(r[0].feature(in: .hazards)[property: "name"] == .string("油库, 北"))
    }

    @Test func gcj02InputIsStoredAsWGS84() throws {
        let dir = try TemporaryDirectory()
        let wgs = Coordinate(109.78, 39.61)
        let gcj = ChineseOffsets.wgs84ToGCJ02(wgs)
        let src = try dir.write("p.geojson", Self.point("F-1", gcj.x, gcj.y))
        var options = ImportOptions(layer: .facilities)
        options.crs = .gcj02
        _ = try Importer.run(src, into: dir.path("d.gpkg"), options: options)
        guard case .point(let stored) = try records(dir.path("d.gpkg"), .facilities)[0].geometry else { Issue.record("not a point"); return }
        #expect(Geodesic.wgs84.distance(stored, wgs) < 0.01)
    }

    @Test func aLayerOfAnotherGeoPackageImports() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("s.geojson", Self.collection(Self.point("S-1", 109.78, 39.61, #"{"capacity":10,"extra":{"a":1}}"#)))
        _ = try Importer.run(src, into: dir.path("a.gpkg"), options: ImportOptions(layer: .shelters))
        // GDAL's own GeoPackage of the same data, as a real outside source.
        let gdal = try runProcess("ogr2ogr", ["-f", "GPKG", dir.path("gdal.gpkg"), dir.path("a.gpkg"), "shelters"])
        #expect(gdal.status == 0, "\(gdal.stderr)")
        _ = try Importer.run(dir.path("gdal.gpkg"), into: dir.path("b.gpkg"), options: ImportOptions(layer: .shelters))
        #expect(try records(dir.path("b.gpkg"), .shelters) == records(dir.path("a.gpkg"), .shelters))
    }

    // MARK: bad input: a clear error naming file and feature, and the store left as it was

    struct BadInput: CustomTestStringConvertible, Sendable {
        var name: String
        var file: String
        var text: String
        var crs: CoordinateReferenceSystem?
        var expected: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "malformed JSON", file: "bad.geojson", text: collection(point("A", 109.7, 39.6), #"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,]},"properties":{}}"#),
                 expected: "bad.geojson: line 2, feature #2: malformed JSON: expected a value, found ']'"),
        BadInput(name: "unclosed polygon", file: "open.geojson", text: collection(#"{"type":"Feature","id":"P","geometry":{"type":"Polygon","coordinates":[[[109.7,39.6],[109.8,39.6],[109.8,39.7]]]},"properties":{}}"#),
                 expected: "ring 0 of the Polygon is not closed"),
        BadInput(name: "self-intersecting polygon", file: "bowtie.geojson", text: collection(#"{"type":"Feature","id":"B","geometry":{"type":"Polygon","coordinates":[[[109.7,39.6],[109.8,39.7],[109.8,39.6],[109.7,39.7],[109.7,39.6]]]},"properties":{}}"#),
                 expected: "bowtie.geojson: line 1, feature #1 (id \"B\"): invalid Polygon: Self-intersection"),
        BadInput(name: "coordinates outside the CRS", file: "swapped.geojson", text: collection(point("A", 39.6, 109.7)),
                 expected: "swapped.geojson: line 1, feature #1 (id \"A\"): coordinate (39.6, 109.7) is outside EPSG:4326"),
        BadInput(name: "GK metres outside the zone", file: "far.csv", text: "id,x,y\nA,420000,4380000\nB,99000000,4380000\n", crs: .epsg(4547),
                 expected: "far.csv: line 3: coordinate (99000000.0, 4380000.0) is outside EPSG:4547"),
        BadInput(name: "unknown CRS", file: "u.geojson", text: collection(point("A", 1, 1)), crs: .epsg(999_999), expected: "u.geojson: unknown CRS EPSG:999999"),
        BadInput(name: "missing CSV column", file: "nolat.csv", text: "id,lon,name\nA,109.7,x\n", expected: "nolat.csv: missing column: no latitude/y"),
        BadInput(name: "a value of the wrong type", file: "cap.geojson", text: collection(point("A", 109.7, 39.6), point("B", 109.7, 39.6, #"{"capacity":"lots"}"#)),
                 expected: "cap.geojson: line 1, feature #2 (id \"B\"): property \"capacity\" (column capacity): expected a whole number, got \"lots\""),
        BadInput(name: "a duplicate id", file: "dup.geojson", text: collection(point("A", 109.7, 39.6), point("A", 109.8, 39.6)),
                 expected: "dup.geojson: line 1, feature #2 (id \"A\"): id \"A\" already exists in shelters"),
        BadInput(name: "a wrong geometry type for the layer", file: "line.geojson", text: collection(#"{"type":"Feature","id":"L","geometry":{"type":"LineString","coordinates":[[109.7,39.6],[109.8,39.6]]},"properties":{}}"#),
                 expected: "line.geojson: line 1, feature #1 (id \"L\"): layer facilities takes Point, got a LineString"),
    ]

    @Test(arguments: badInputs)
    func badInputGivesItsErrorAndLeavesTheStoreUnchanged(_ bad: BadInput) throws {
        let dir = try TemporaryDirectory()
        let store = dir.path("d.gpkg")
        let good = try dir.write("good.geojson", Self.collection(Self.point("KEEP", 109.7, 39.6)))
        _ = try Importer.run(good, into: store, options: ImportOptions(layer: .shelters))
        let before = fileBytes(store)
        let src = try dir.write(bad.file, bad.text)
        var options = ImportOptions(layer: bad.name == "a wrong geometry type for the layer" ? .facilities : .shelters)
        options.crs = bad.crs
        options.replace = true  // even a replacing import must leave the old features on failure
        let error = #expect(throws: ImportError.self) { try Importer.run(src, into: store, options: options) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains(bad.expected), "got: \(message)")
        #expect(fileBytes(store) == before)
        // A failed import into a new file leaves no file behind.
        #expect(throws: ImportError.self) { try Importer.run(src, into: dir.path("new.gpkg"), options: options) }
        #expect(!FileManager.default.fileExists(atPath: dir.path("new.gpkg")))
    }

    @Test func fixRepairsTheBowTieAndClosesOpenRingsAndSaysHowMany() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("fix.geojson", Self.collection(
            #"{"type":"Feature","id":"B","geometry":{"type":"Polygon","coordinates":[[[109.7,39.6],[109.8,39.7],[109.8,39.6],[109.7,39.7],[109.7,39.6]]]},"properties":{}}"#,
            #"{"type":"Feature","id":"O","geometry":{"type":"Polygon","coordinates":[[[109.7,39.6],[109.8,39.6],[109.8,39.7]]]},"properties":{}}"#,
            // Open and self-intersecting: one feature repaired, one ring closed.
            #"{"type":"Feature","id":"OB","geometry":{"type":"Polygon","coordinates":[[[109.7,39.6],[109.8,39.7],[109.8,39.6],[109.7,39.7]]]},"properties":{}}"#,
            Self.point("P", 109.7, 39.6)))
        var options = ImportOptions(layer: .hazards)
        options.fix = true
        let report = try Importer.run(src, into: dir.path("d.gpkg"), options: options)
        #expect(report.imported == 4)
        #expect(report.repaired == 3)
        #expect(report.closedRings == 2)
        let geos = GEOSContext()
        for r in try records(dir.path("d.gpkg"), .hazards) { #expect(try geos.isValid(r.geometry)) }
    }

    /// A OneMap GeoPackage imported into another store keeps its records as they are: its
    /// `properties` column is the features' other properties, and NULL is none (it came in
    /// as a property `properties: null` on every feature).
    @Test func aOneMapGeoPackageImportsItsRecordsUnchanged() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.collection(Self.point("A", 109.7, 39.6, #"{"name":"甲","level":2}"#),
                                                            Self.point("B", 109.8, 39.7, #"{"name":"乙","来源":"巡查","n":3}"#)))
        _ = try Importer.run(src, into: dir.path("first.gpkg"), options: ImportOptions(layer: .hazards))
        var options = ImportOptions(layer: .hazards)
        options.sourceLayer = "hazards"
        _ = try Importer.run(dir.path("first.gpkg"), into: dir.path("second.gpkg"), options: options)
        let first = try records(dir.path("first.gpkg"), .hazards), second = try records(dir.path("second.gpkg"), .hazards)
        #expect(second == first)
        #expect(second.map(\.extra.count) == [0, 2], "\(second.map(\.extra))")
    }
}
