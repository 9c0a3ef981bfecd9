import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// `onemap export` to the formats people use, read back through GDAL (and OneMap's own
/// importer, which reads them through GDAL): counts, Chinese names, positions to the centimetre.
@Suite struct ExportTests {
    /// A store with the three Kangbashi hazards of the format tests (Chinese names, levels).
    func store(_ dir: TemporaryDirectory, lon: Double = 109.78, lat: Double = 39.60) throws -> String {
        let path = dir.path("s.gpkg")
        _ = try Importer.run(try dir.write("h.geojson", GDALFormatTests.hazards(lon: lon, lat: lat)), into: path, options: ImportOptions(layer: .hazards))
        return path
    }

    func readBack(_ file: String, _ dir: TemporaryDirectory, crs: CoordinateReferenceSystem? = nil) throws -> [Feature] {
        let target = dir.path("back-\(UUID().uuidString).gpkg")
        var options = ImportOptions(layer: .hazards)
        options.crs = crs
        _ = try Importer.run(file, into: target, options: options)
        var out: [Feature] = []
        try GeoPackage(path: target, mode: .readOnly).read { try $0.forEachRecord(in: .hazards) { out.append($0.feature(in: .hazards)) } }
        return out
    }

    func check(_ features: [Feature], lon: Double = 109.78, lat: Double = 39.60, tolerance: Double = 0.01, _ label: String) {
        #expect(features.count == 3, "\(label)")
        for feature in features {
            guard let i = GDALFormatTests.names.firstIndex(where: { $0 == feature[property: "name"]?.stringValue }),
                  case .point(let p) = feature.geometry else { Issue.record("\(label): \(feature)"); continue }
            #expect(Geodesic.wgs84.distance(p, Coordinate(lon + Double(i) * 0.01, lat + Double(i) * 0.01)) < tolerance, "\(label) \(i)")
            #expect(feature[property: "level"] == .number(Double(i + 1)), "\(label) level")
        }
    }

    @Test(arguments: ["gpkg", "shp", "geojson", "geojsonl", "csv", "xlsx", "kml"])
    func aLayerRoundTripsThroughEachFormat(ext: String) throws {
        let dir = try TemporaryDirectory()
        let source = try store(dir)
        let out = dir.path("out/hazards.\(ext)")
        try FileManager.default.createDirectory(atPath: dir.path("out"), withIntermediateDirectories: true)
        let format = LayerExport.Format(rawValue: ext) ?? .geojsonseq
        #expect(try LayerExport.toFile(.layer(.hazards), from: source, format: format, output: out) == 3)
        // GDAL opens it with every feature.
        let info = try runProcess("ogrinfo", ["-ro", "-al", "-so", out])
        #expect(info.status == 0 && info.stdout.contains("Feature Count: 3"), "\(info.stdout)\(info.stderr)")
        // Nothing but the file (and a Shapefile's sidecars) is left beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
        #expect(left == (ext == "shp" ? ["hazards.cpg", "hazards.dbf", "hazards.prj", "hazards.shp", "hazards.shx"] : ["hazards.\(ext)"]))
        check(try readBack(out, dir), "\(ext)")
    }

    /// CGCS2000 Gauss–Krüger for the survey office, GCJ-02 for Amap: each read back in its CRS.
    @Test func anotherCRSIsWrittenAndDeclaredWhereItHasACode() throws {
        let dir = try TemporaryDirectory()
        let source = try store(dir, lon: 114.30, lat: 30.59)
        let shp = dir.path("gk.shp")
        try LayerExport.toFile(.layer(.hazards), from: source, format: .shp, crs: .epsg(4547), output: shp)
        #expect(try String(contentsOfFile: dir.path("gk.prj"), encoding: .utf8).contains("114E"))
        check(try readBack(shp, dir), lon: 114.30, lat: 30.59, "EPSG:4547 from the .prj")
        let gcj = dir.path("gcj.geojson")
        try LayerExport.toFile(.layer(.hazards), from: source, format: .geojson, crs: .gcj02, output: gcj)
        let raw = try readBack(gcj, dir)  // read as if WGS84: GCJ-02's offset, hundreds of metres
        #expect(raw.allSatisfy { f in
            guard case .point(let p) = f.geometry, let i = GDALFormatTests.names.firstIndex(where: { $0 == f[property: "name"]?.stringValue }) else { return false }
            let d = Geodesic.wgs84.distance(p, Coordinate(114.30 + Double(i) * 0.01, 30.59 + Double(i) * 0.01))
            return d > 100 && d < 1000
        })
        check(try readBack(gcj, dir, crs: .gcj02), lon: 114.30, lat: 30.59, "GCJ-02 read as GCJ-02")
        #expect(throws: LayerExport.ExportError.kmlIsWGS84("GCJ-02")) {
            try LayerExport.toFile(.layer(.hazards), from: source, format: .kml, crs: .gcj02, output: dir.path("x.kml"))
        }
    }

    @Test func theOneMapOfAVersionExportsWithItsLevelsAndAShapefileRefusesMixedGeometry() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: gpkg))
        let (version, model) = try RiskMap.buildVersion(path: gpkg, rules: .standard)
        let out = dir.path("map.gpkg")
        #expect(try LayerExport.toFile(.riskMap(version: version.number), from: gpkg, format: .gpkg, output: out) == model.areas.count)
        let reds = try runProcess("ogrinfo", ["-ro", "-q", "-sql", "SELECT COUNT(*) FROM risk_map_v\(version.number) WHERE risk_level = 1", out]).stdout
        let expected = model.assessments.filter { $0.level == .red }.count
        #expect(reds.contains("= \(expected)"), "\(reds)")
        // Demo hazards are points, lines and polygons.
        #expect(throws: LayerExport.ExportError.self) { try LayerExport.toFile(.layer(.hazards), from: gpkg, format: .shp, output: dir.path("h.shp")) }
        #expect(!FileManager.default.fileExists(atPath: dir.path("h.shp")))
    }
}
