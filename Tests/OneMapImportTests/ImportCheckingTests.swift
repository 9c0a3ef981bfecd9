import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Mapping you can trust: every unmapped value reported with its count, bad features set
/// aside with their reasons, degenerate rings dropped under --fix, zone numbers explained.
@Suite struct ImportCheckingTests {
    static func point(_ lon: Double, _ props: String) -> String {
        #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(lon),39.6]},"properties":\#(props)}"#
    }
    static func collection(_ features: [String]) -> String { #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}" }

    /// Five hazards: one good; three with levels no vocabulary knows (严重 twice, 特别重大
    /// once); one with a negative impact distance.
    static let ledger = collection([
        point(109.70, #"{"name":"甲","level":"重大"}"#),
        point(109.71, #"{"name":"乙","level":"严重"}"#),
        point(109.72, #"{"name":"丙","level":"严重"}"#),
        point(109.73, #"{"name":"丁","level":"特别重大"}"#),
        point(109.74, #"{"name":"戊","level":"一般","impact_distance_m":-5}"#),
    ])

    func names(_ store: String) throws -> [String] {
        var out: [String] = []
        try GeoPackage(path: store, mode: .readOnly).read { try $0.forEachRecord(in: .hazards) { out.append($0.feature(in: .hazards)[property: "name"]?.stringValue ?? "") } }
        return out
    }

    @Test func aStrictImportFailsNamingTheFirstBadFeatureAndCountingEveryUnmappedValue() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.ledger)
        #expect { try Importer.run(src, into: dir.path("a.gpkg"), options: ImportOptions(layer: .hazards)) } throws: { error in
            let text = "\(error)"
            return text.contains("feature #2") && text.contains("\"严重\" is not one of 1, 2, 3, 4")
                && text.contains("4 of 5 features are invalid")
                && text.contains("level \"严重\" (property level) × 2, level \"特别重大\" (property level) × 1")
                && text.contains("nothing was imported")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.gpkg")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.h.rejects.geojsonl")))
    }

    @Test func skipInvalidImportsTheGoodAndWritesTheRestWithTheirReasons() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.ledger)
        var options = ImportOptions(layer: .hazards)
        options.skipInvalid = true
        let report = try Importer.run(src, into: dir.path("a.gpkg"), options: options)
        #expect(report.imported == 1 && report.rejected == 4)
        #expect(report.unmapped.map(\.description) == ["level \"严重\" (property level) × 2", "level \"特别重大\" (property level) × 1"])
        #expect(try names(dir.path("a.gpkg")) == ["甲"])
        let rejectsPath = try #require(report.rejectsPath)
        #expect(rejectsPath == dir.path("a.h.rejects.geojsonl"))
        // GDAL reads the rejects file back: four features, each with its reason.
        let info = try runProcess("ogrinfo", ["-ro", "-al", rejectsPath])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("Feature Count: 4"))
        #expect(info.stdout.components(separatedBy: "onemap_reject_reason (String) = ").count - 1 == 4)
        #expect(info.stdout.contains("-5.0 is outside 0.0…100000.0"))
        #expect(info.stdout.contains("onemap_reject_location (String) = line 3, feature #4"))
    }

    @Test func aMappingFileMapsValuesAndColumnsAndIsCheckedLikeFlags() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.collection([
            Self.point(109.70, #"{"名字":"甲","级别":"严重"}"#),
            Self.point(109.71, #"{"名字":"乙","级别":"特别重大"}"#),
        ]))
        let mappingPath = try dir.write("m.json", #"{"columns": {"名字": "name", "级别": "level"}, "values": {"level": {"严重": "2", "特别重大": "red"}}}"#)
        var options = ImportOptions(layer: .hazards)
        try ImportMapping.load(path: mappingPath).applied(to: &options, file: mappingPath)
        _ = try Importer.run(src, into: dir.path("a.gpkg"), options: options)
        var levels: [JSONValue?] = []
        try GeoPackage(path: dir.path("a.gpkg"), mode: .readOnly).read { try $0.forEachRecord(in: .hazards) { levels.append($0.feature(in: .hazards)[property: "level"]) } }
        #expect(levels == [.number(2), .number(1)])
        #expect(try names(dir.path("a.gpkg")) == ["甲", "乙"])

        // A member of the wrong type is named with the file.
        let bad = try dir.write("bad.json", #"{"columns": {"名字": 3}}"#)
        #expect { try ImportMapping.load(path: bad) } throws: { "\($0)".hasPrefix(bad + ": 'columns.") }
        // A value mapped to something the vocabulary does not know is still refused.
        let wrong = try dir.write("wrong.json", #"{"values": {"level": {"严重": "purple"}}, "columns": {"级别": "level"}}"#)
        var strict = ImportOptions(layer: .hazards)
        try ImportMapping.load(path: wrong).applied(to: &strict, file: wrong)
        #expect(throws: ImportError.self) { try Importer.run(src, into: dir.path("b.gpkg"), options: strict) }
    }

    /// A ring of two vertices cannot even be built by GEOS; --fix drops it (a hole on its
    /// own, an outer ring with its polygon) and says so.
    @Test func fixDropsDegenerateRingsAndCountsThem() throws {
        let dir = try TemporaryDirectory()
        let square = "[[109.7,39.6],[109.71,39.6],[109.71,39.61],[109.7,39.61],[109.7,39.6]]"
        let src = try dir.write("g.geojson", Self.collection([
            #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[\#(square),[[109.705,39.605],[109.706,39.606]]]},"properties":{"code":"G-1"}}"#,
            #"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[\#(square)],[[[109.8,39.6],[109.81,39.6]]]]},"properties":{"code":"G-2"}}"#,
        ]))
        #expect { try Importer.run(src, into: dir.path("a.gpkg"), options: ImportOptions(layer: .grids)) } throws: { "\($0)".contains("--fix") }
        var options = ImportOptions(layer: .grids)
        options.fix = true
        let report = try Importer.run(src, into: dir.path("a.gpkg"), options: options)
        #expect(report.imported == 2 && report.droppedRings == 2 && report.repaired == 2)
        var geometries: [Geometry] = []
        try GeoPackage(path: dir.path("a.gpkg"), mode: .readOnly).read { try $0.forEachRecord(in: .grids) { geometries.append($0.geometry) } }
        for g in geometries {
            guard case .multiPolygon(let parts) = g else { Issue.record("not a multipolygon: \(g)"); continue }
            #expect(parts.count == 1 && parts[0].count == 1)
        }
        // Nothing but a degenerate ring: rejected with the reason.
        let line = try dir.write("l.geojson", #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[109.7,39.6],[109.71,39.6]]]},"properties":{}}"#)
        #expect { try Importer.run(line, into: dir.path("b.gpkg"), options: options) } throws: { "\($0)".contains("no area is left") }
    }

    /// Gauss–Krüger x with the zone number in front (38,4xx,xxx) is explained, with the code to use.
    @Test func aZoneNumberInTheFalseEastingIsExplained() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.csv", "name,x,y\n甲,38420000,4380000\n")
        var options = ImportOptions(layer: .hazards)
        options.crs = .epsg(4547)
        #expect { try Importer.run(src, into: dir.path("a.gpkg"), options: options) } throws: { error in
            "\(error)".contains("zone number 38") && "\(error)".contains("EPSG:4526")
        }
        // Read as the zone it names, it lands where the CM 114°E form of the same numbers does.
        options.crs = .epsg(4526)
        _ = try Importer.run(src, into: dir.path("b.gpkg"), options: options)
        let plain = try dir.write("p.csv", "name,x,y\n甲,420000,4380000\n")
        options.crs = .epsg(4547)
        _ = try Importer.run(plain, into: dir.path("c.gpkg"), options: options)
        func point(_ store: String) throws -> Geometry? {
            var g: Geometry?
            try GeoPackage(path: store, mode: .readOnly).read { try $0.forEachRecord(in: .hazards) { g = $0.geometry } }
            return g
        }
        guard case .point(let a)? = try point(dir.path("b.gpkg")), case .point(let b)? = try point(dir.path("c.gpkg")) else { Issue.record("no points"); return }
        #expect(Geodesic.wgs84.distance(a, b) < 0.01)
        // Swapped axes are named as such; metres given as degrees get the CRS advice.
        let swapped = try dir.write("s.csv", "name,x,y\n甲,4380000,420000\n")
        #expect { try Importer.run(swapped, into: dir.path("d.gpkg"), options: options) } throws: { "\($0)".contains("axes are swapped") }
        #expect { try Importer.run(plain, into: dir.path("e.gpkg"), options: ImportOptions(layer: .hazards)) } throws: { "\($0)".contains("give the projected CRS with --crs") }
        // And the other way round: degrees given as Gauss–Krüger metres.
        let degrees = try dir.write("d.csv", "name,x,y\n甲,109.78,39.6\n")
        #expect { try Importer.run(degrees, into: dir.path("f.gpkg"), options: options) } throws: { "\($0)".contains("look like longitude and latitude in degrees, not metres of EPSG:4547") }
    }

    /// An empty layer is loaded with its R-tree filled once at the end (the insert trigger
    /// set aside and restored in the same transaction); a later load into the same layer
    /// goes through the trigger. Either way the index holds every feature with its exact
    /// box, and GDAL's spatial filter finds what a brute-force scan finds.
    @Test func theSpatialIndexOfABulkLoadIsCompleteAndItsTriggerRestored() throws {
        let dir = try TemporaryDirectory()
        let points = (0..<500).map { Self.point(109.6 + Double($0) * 0.001, #"{"name":"p\#($0)"}"#) }
        let store = dir.path("a.gpkg")
        _ = try Importer.run(try dir.write("a.geojson", Self.collection(points)), into: store, options: ImportOptions(layer: .hazards))
        func sql(_ q: String) throws -> String { try runProcess("sqlite3", [store, q]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try sql("SELECT count(*) FROM rtree_hazards_geom") == "500")
        #expect(try sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'rtree_hazards_geom_insert'") == "1")
        #expect(try sql("SELECT count(*) FROM hazards h JOIN rtree_hazards_geom r ON r.id = h.fid WHERE abs(r.minx - (109.6 + (h.fid - 1) * 0.001)) > 1e-4") == "0")
        // A second load into the non-empty layer: through the trigger.
        let more = (0..<10).map { Self.point(109.0 + Double($0) * 0.001, #"{"name":"q\#($0)"}"#) }
        _ = try Importer.run(try dir.write("b.geojson", Self.collection(more)), into: store, options: ImportOptions(layer: .hazards))
        #expect(try sql("SELECT count(*) FROM rtree_hazards_geom") == "510")
        let inBox = try runProcess("ogrinfo", ["-ro", "-q", store, "hazards", "-spat", "109.6495", "39.5", "109.7505", "39.7"]).stdout
        #expect(inBox.components(separatedBy: "OGRFeature(hazards)").count - 1 == 101)  // 109.650 … 109.750
    }

    /// Ledger rows without usable coordinates are set aside like any bad feature (before,
    /// the reader stopped the whole import on the first one, --skip-invalid or not).
    @Test func rowsWithoutCoordinatesAreSetAsideUnderSkipInvalid() throws {
        let dir = try TemporaryDirectory()
        let csv = try dir.write("l.csv", "名称,经度,纬度\n甲,109.70,39.60\n乙,,\n丙,abc,39.6\n丁,109.71\n戊,109.72,39.62\n")
        #expect { try Importer.run(csv, into: dir.path("a.gpkg"), options: ImportOptions(layer: .hazards)) } throws: { error in
            "\(error)".contains("line 3: coordinates \"\", \"\" are not numbers; 3 of 5 features are invalid")
        }
        var options = ImportOptions(layer: .hazards)
        options.skipInvalid = true
        let report = try Importer.run(csv, into: dir.path("a.gpkg"), options: options)
        #expect(report.imported == 2 && report.rejected == 3)
        let rejects = try String(contentsOfFile: try #require(report.rejectsPath), encoding: .utf8)
        #expect(rejects.contains("\"名称\":\"乙\"") && rejects.contains("2 fields where the header has 3"))
        // The same through GDAL: an XLSX ledger with a row lacking its latitude.
        #expect(try runProcess("ogr2ogr", ["-f", "XLSX", dir.path("l.xlsx"), csv]).status == 0)
        let sheet = try Importer.run(dir.path("l.xlsx"), into: dir.path("b.gpkg"), options: options)
        #expect(sheet.imported == 2 && sheet.rejected == 3)
    }
}
