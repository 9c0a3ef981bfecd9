import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// GBK and GB18030 sources (what Excel and many Chinese GIS tools write) used to import
/// with exit 0 and every Chinese name turned into U+FFFD. Now they are refused naming the
/// file, the line and the likely encoding, and `--encoding` converts them.
@Suite(.timeLimit(.minutes(10))) struct ImportEncodingTests {
    let csv = "name,lon,lat,capacity\n人民广场避难场所,109.78,39.60,3000\n康巴什公园,109.79,39.61,2000\n"
    let geojson = #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[109.7,39.6]},"properties":{"name":"加油站隐患"}}]}"#

    func encoded(_ text: String, _ encoding: String, in directory: TemporaryDirectory, name: String) throws -> String {
        let utf8 = try directory.write(name + ".utf8", text)
        let out = directory.path(name)
        let result = try runProcess("sh", ["-c", "iconv -f UTF-8 -t \(encoding) '\(utf8)' > '\(out)'"])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    func names(_ store: String, _ layer: Layer) throws -> [String] {
        var names: [String] = []
        try GeoPackage(path: store, mode: .readOnly).read { session in
            try session.forEachRecord(in: layer) { names.append($0.values[layer.columnIndex("name")].description) }
        }
        return names
    }

    @Test(arguments: [("GBK", "gbk"), ("GB18030", "gb18030")])
    func aGBKSourceIsRefusedNamingTheLineThenConverted(_ iconvName: String, _ option: String) throws {
        let directory = try TemporaryDirectory()
        let store = directory.path("s.gpkg")
        for (text, file, layer) in [(csv, "shelters.csv", Layer.shelters), (geojson, "hazards.geojson", Layer.hazards)] {
            let source = try encoded(text, iconvName, in: directory, name: file)
            let refused = try runProcess(Repository.onemapExecutable, ["import", source, "--layer", layer.tableName, "--into", store])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("\(source): line \(layer == .shelters ? 2 : 1): byte"), "\(refused.stderr)")
            #expect(refused.stderr.contains("it looks like GBK/GB18030") && refused.stderr.contains("--encoding gbk"), "\(refused.stderr)")
            let done = try runProcess(Repository.onemapExecutable, ["import", source, "--layer", layer.tableName, "--encoding", option, "--into", store])
            #expect(done.status == 0, "\(done.stderr)")
        }
        #expect(try names(store, .shelters) == ["人民广场避难场所", "康巴什公园"])
        #expect(try names(store, .hazards) == ["加油站隐患"])
    }

    @Test func aByteOrderMarkIsAcceptedInGeoJSONAsInCSV() throws {
        let directory = try TemporaryDirectory()
        let store = directory.path("s.gpkg")
        let source = directory.path("bom.geojson")
        FileManager.default.createFile(atPath: source, contents: Data([0xEF, 0xBB, 0xBF]) + Data(geojson.utf8))
        let done = try runProcess(Repository.onemapExecutable, ["import", source, "--layer", "hazards", "--into", store])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(try names(store, .hazards) == ["加油站隐患"])
        let bad = try runProcess(Repository.onemapExecutable, ["import", source, "--layer", "hazards", "--encoding", "latin9", "--into", store])
        #expect(bad.status != 0 && bad.stderr.contains("--encoding: 'latin9' is not one of utf-8, gbk, gb18030, windows-1252, iso-8859-1"), "\(bad.stderr)")
    }
}
