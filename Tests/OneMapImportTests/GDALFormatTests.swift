import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Formats read through GDAL: each fixture is written by GDAL's own `ogr2ogr` from a
/// GeoJSON the test makes, then imported; exact counts, Chinese names read back intact.
@Suite struct GDALFormatTests {
    static let names = ["康巴什加油站", "乌兰木伦化工厂", "滨河工地"]
    /// Three hazards near Kangbashi, WGS84, with Chinese attribute names.
    static func hazards(lon: Double = 109.78, lat: Double = 39.60) -> String {
        let features = names.enumerated().map { i, name in
            #"{"type":"Feature","properties":{"名称":"\#(name)","风险等级":"\#(["重大", "较大", "一般"][i])","类型":"gas_station"},"geometry":{"type":"Point","coordinates":[\#(lon + Double(i) * 0.01),\#(lat + Double(i) * 0.01)]}}"#
        }
        return #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
    }

    func ogr2ogr(_ arguments: [String]) throws {
        let r = try runProcess("ogr2ogr", arguments)
        #expect(r.status == 0, "ogr2ogr \(arguments): \(r.stderr)")
    }

    func features(_ store: String, _ layer: Layer = .hazards) throws -> [Feature] {
        var out: [Feature] = []
        try GeoPackage(path: store, mode: .readOnly).read { try $0.forEachRecord(in: layer) { out.append($0.feature(in: layer)) } }
        return out
    }

    func point(_ f: Feature) -> Coordinate? { if case .point(let c) = f.geometry { c } else { nil } }

    /// GDAL alone, given a Shapefile with neither .cpg nor language byte, reads GBK as
    /// ISO-8859-1: mojibake. OneMap settles the encoding itself: .cpg, then the DBF
    /// language byte, then the bytes.
    @Test func aGBKShapefileReadsItsChineseNamesByCPGLanguageByteOrContent() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.hazards())
        try ogr2ogr(["-f", "ESRI Shapefile", "-lco", "ENCODING=CP936", dir.path("gbk.shp"), src])
        #expect(try String(contentsOfFile: dir.path("gbk.cpg"), encoding: .utf8).contains("936"))

        var report = try Importer.run(dir.path("gbk.shp"), into: dir.path("a.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(report.imported == 3)
        #expect(report.reader.contains("GBK") && report.reader.contains(".cpg"))
        #expect(try features(dir.path("a.gpkg")).map { $0[property: "name"] } == Self.names.map { .string($0) })
        #expect(try features(dir.path("a.gpkg")).map { $0[property: "level"] } == [.number(1), .number(2), .number(3)])

        // Without the .cpg, GDAL wrote language byte 0: judged by the bytes.
        try FileManager.default.removeItem(atPath: dir.path("gbk.cpg"))
        report = try Importer.run(dir.path("gbk.shp"), into: dir.path("b.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(report.reader.contains("decodes as GBK"))
        #expect(try features(dir.path("b.gpkg")).map { $0[property: "name"] } == Self.names.map { .string($0) })

        // Language byte 0x4D (code page 936), as older Chinese GIS tools write.
        let handle = try #require(FileHandle(forWritingAtPath: dir.path("gbk.dbf")))
        try handle.seek(toOffset: 29)
        handle.write(Data([0x4D]))
        try handle.close()
        report = try Importer.run(dir.path("gbk.shp"), into: dir.path("c.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(report.reader.contains("language byte is 0x4D"))
        #expect(try features(dir.path("c.gpkg")).map { $0[property: "name"] } == Self.names.map { .string($0) })
        #expect(try features(dir.path("c.gpkg")).allSatisfy { !"\($0)".contains("\u{FFFD}") })

        // A wrong --encoding is an error naming the feature, never U+FFFD.
        var options = ImportOptions(layer: .hazards)
        options.encoding = .utf8
        #expect { try Importer.run(dir.path("gbk.shp"), into: dir.path("d.gpkg"), options: options) } throws: { error in
            "\(error)".contains("not valid UTF-8") && "\(error)".contains("give --encoding")
        }
    }

    @Test func anXLSXLedgerTakesPointsFromItsLongitudeAndLatitudeColumns() throws {
        let dir = try TemporaryDirectory()
        let csv = try dir.write("l.csv", "名称,经度,纬度,隐患等级\n康巴什加油站,109.78,39.60,重大\n乌兰木伦化工厂,109.79,39.61,一般\n")
        try ogr2ogr(["-f", "XLSX", "-nln", "隐患台账", "-oo", "AUTODETECT_TYPE=YES", dir.path("ledger.xlsx"), csv])
        let report = try Importer.run(dir.path("ledger.xlsx"), into: dir.path("a.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(report.imported == 2)
        let f = try features(dir.path("a.gpkg"))
        #expect(f.map { $0[property: "name"] } == [.string("康巴什加油站"), .string("乌兰木伦化工厂")])
        #expect(f.map { $0[property: "level"] } == [.number(1), .number(3)])
        #expect(f.map(point) == [Coordinate(109.78, 39.60), Coordinate(109.79, 39.61)])
    }

    @Test func aKMLImportsItsPlacemarksWithTheirNames() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.hazards().replacingOccurrences(of: "\"名称\"", with: "\"name\""))
        try ogr2ogr(["-f", "KML", dir.path("h.kml"), src])
        let report = try Importer.run(dir.path("h.kml"), into: dir.path("a.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(report.imported == 3)
        let f = try features(dir.path("a.gpkg"))
        #expect(f.map { $0[property: "name"] } == Self.names.map { .string($0) })
        // KML's drawing fields are not hazard properties.
        #expect(f.allSatisfy { $0[property: "tessellate"] == nil && $0[property: "extrude"] == nil })
    }

    /// EPSG:4547 (CGCS2000 3° Gauss–Krüger, CM 114°E) read from the file's own CRS, no --crs.
    @Test func aFlatGeobufInGaussKrugerLandsBackOnItsWGS84Points() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.hazards(lon: 114.30, lat: 30.59))
        try ogr2ogr(["-f", "FlatGeobuf", "-t_srs", "EPSG:4547", dir.path("h.fgb"), src])
        let report = try Importer.run(dir.path("h.fgb"), into: dir.path("a.gpkg"), options: ImportOptions(layer: .hazards))
        #expect(report.imported == 3)
        #expect(report.sourceCRS == .epsg(4547))
        // FlatGeobuf's spatial index orders features along its Hilbert curve: match by name.
        let f = try features(dir.path("a.gpkg"))
        #expect(Set(f.compactMap { $0[property: "name"]?.stringValue }) == Set(Self.names))
        for feature in f {
            let i = try #require(Self.names.firstIndex { $0 == feature[property: "name"]?.stringValue })
            let p = try #require(point(feature))
            #expect(Geodesic.wgs84.distance(p, Coordinate(114.30 + Double(i) * 0.01, 30.59 + Double(i) * 0.01)) < 0.01)
        }
    }

    /// OSM's other_tags are parsed: one-way streets stay one-way, speed limits stay.
    @Test func anOSMExtractsRoadsKeepTheirOneWayAndSpeedTags() throws {
        let dir = try TemporaryDirectory()
        let pbf = Repository.path("data/osm/kotka.osm.pbf")
        var options = ImportOptions(layer: .roads)
        options.whereClause = "highway IS NOT NULL"
        let report = try Importer.run(pbf, into: dir.path("r.gpkg"), options: options)
        // The count GDAL itself gives for the same layer and condition.
        let info = try runProcess("ogrinfo", ["-ro", "-q", pbf, "-sql", "SELECT COUNT(*) FROM lines WHERE highway IS NOT NULL"])
        let count = try #require(info.stdout.split(separator: "\n").first { $0.contains("COUNT_*") && $0.contains("=") }.flatMap { Int($0.split(separator: "=").last!.trimmingCharacters(in: .whitespaces)) })
        #expect(report.imported == count)
        let roads = try features(dir.path("r.gpkg"), .roads)
        #expect(roads.count == count)
        // Against the tags as GDAL prints them, way by way.
        let dump = try runProcess("ogrinfo", ["-ro", "-q", pbf, "lines", "-where", "highway IS NOT NULL"]).stdout
        let oneWay = dump.components(separatedBy: "\"oneway\"=>\"yes\"").count - 1
        let speeds = dump.components(separatedBy: "\"maxspeed\"=>").count - 1
        #expect(oneWay > 0)
        #expect(roads.filter { $0[property: "oneway"] == .number(1) }.count == oneWay)
        #expect(roads.filter { $0[property: "maxspeed_kmh"] != nil }.count == speeds)
        // Finnish names with ä and ö come through.
        #expect(roads.contains { $0[property: "name"]?.stringValue?.contains("ä") == true })
    }

    @Test func aMapFromAColumnTheSourceLacksFailsListingTheColumns() throws {
        let dir = try TemporaryDirectory()
        let src = try dir.write("h.geojson", Self.hazards())
        try ogr2ogr(["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", dir.path("h.shp"), src])
        for file in [dir.path("h.shp"), src] {
            var options = ImportOptions(layer: .hazards)
            options.columnMap["amenity"] = "kind"
            #expect { try Importer.run(file, into: dir.path("a.gpkg"), options: options) } throws: { error in
                let text = "\(error)"
                // (A DBF keeps 10 bytes of a name: the Shapefile's 风险等级 is 风险等 in UTF-8.)
                return text.contains("--map amenity=kind") && text.contains("no column \"amenity\"") && text.contains("it has the columns 名称, 风险等")
            }
            #expect(!FileManager.default.fileExists(atPath: dir.path("a.gpkg")))
        }
    }

    /// `--gdal` reads GeoJSON and CSV through GDAL (the benchmark's comparison): the same
    /// features as OneMap's own readers give.
    @Test func gdalsReadersGiveWhatOursGive() throws {
        let dir = try TemporaryDirectory()
        let json = try dir.write("h.geojson", Self.hazards())
        let csv = try dir.write("h.csv", "id,名称,经度,纬度,风险等级\nA,康巴什加油站,109.78,39.6,重大\nB,乌兰木伦化工厂,109.79,39.61,较大\n")
        for source in [json, csv] {
            var viaGDAL = ImportOptions(layer: .hazards)
            viaGDAL.throughGDAL = true
            let ours = try Importer.run(source, into: dir.path("ours-\(source.hasSuffix("csv")).gpkg"), options: ImportOptions(layer: .hazards))
            let gdals = try Importer.run(source, into: dir.path("gdal-\(source.hasSuffix("csv")).gpkg"), options: viaGDAL)
            #expect(gdals.reader.hasPrefix("GDAL") && ours.reader.hasPrefix("OneMap"))
            let a = try features(dir.path("ours-\(source.hasSuffix("csv")).gpkg")), b = try features(dir.path("gdal-\(source.hasSuffix("csv")).gpkg"))
            #expect(a.map { $0[property: "name"] } == b.map { $0[property: "name"] } && a.map { $0[property: "level"] } == b.map { $0[property: "level"] })
            #expect(a.map(point) == b.map(point))
        }
    }
}
