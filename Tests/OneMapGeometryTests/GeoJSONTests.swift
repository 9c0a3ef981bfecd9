import Foundation
import OneMapGeometry
import OneMapTestSupport
import Testing

@Suite struct GeoJSONTests {
    let features: [Feature] = [
        Feature(id: "H-1", geometry: .point(Coordinate(109.7812345678901, 39.6123456789012)), properties: [
            JSONMember("name", .string("加油站 \"东\"\n")), JSONMember("level", .number(1)), JSONMember("ratio", .number(0.1)),
            JSONMember("tags", .array([.bool(true), .null, .string("a\\b")])), JSONMember("nested", .object([JSONMember("x", .number(-2.5e-7))])),
        ]),
        Feature(id: nil, geometry: .polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]])),
        Feature(id: "R-1", geometry: .multiLineString([[Coordinate(0, 0), Coordinate(1, 1)], [Coordinate(2, 2), Coordinate(3, 3)]])),
    ]

    private func write(_ format: GeoJSONWriter.Format, _ dir: TemporaryDirectory) throws -> String {
        let path = dir.path("out.geojson")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let writer = GeoJSONWriter(fileDescriptor: fd, format: format, path: path)
        for f in features { try writer.write(f) }
        try writer.finish()
        return path
    }

    private func readAll(_ reader: GeoJSONFeatureReader) throws -> [Feature] {
        var out: [Feature] = []
        while let f = try reader.next() { out.append(f.feature) }
        return out
    }

    @Test(arguments: GeoJSONWriter.Format.allCases)
    func writingAndReadingBackGivesTheSameFeatures(_ format: GeoJSONWriter.Format) throws {
        let dir = try TemporaryDirectory()
        let path = try write(format, dir)
        #expect(try readAll(GeoJSONFeatureReader(path: path)) == features)
    }

    @Test func theFeatureCollectionIsValidJSONForAnIndependentParser() throws {
        let dir = try TemporaryDirectory()
        let path = try write(.featureCollection, dir)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect((object?["features"] as? [Any])?.count == 3)
    }

    /// JSON is UTF-8: a string with other bytes (GBK's 加油站 here) is refused, not read
    /// with U+FFFD in place of every character (the merge-patch fuzzer found it).
    /// Whole numbers are written digit by digit in place: the same text as Swift's own.
    @Test func integersAreWrittenAsSwiftPrintsThem() {
        var values: [Int64] = [0, 1, 9, 10, 99, 100, -1, -9, -10, 12345, -98765, 9_007_199_254_740_991, -9_007_199_254_740_991, .max, .min]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append(Int64.random(in: -(1 << 53)...(1 << 53), using: &rng) >> Int64.random(in: 0...52, using: &rng)) }
        for n in values {
            var out: [UInt8] = []
            JSONWriter.writeInteger(n, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(n))
            if n.magnitude < 1 << 53 {
                var number: [UInt8] = []
                JSONWriter.writeNumber(Double(n), into: &number)
                #expect(number == out)
            }
        }
    }

    @Test func stringsThatAreNotUTF8AreRefused() throws {
        let gbk: [UInt8] = Array(#"{"name": ""#.utf8) + [0xBC, 0xD3, 0xD3, 0xCD, 0xD5, 0xBE] + Array(#""}"#.utf8)
        let error = #expect(throws: JSONSyntaxError.self) { try JSONParser(ByteStream(bytes: gbk)).parseDocument() }
        #expect(error?.message.contains("not UTF-8") == true)
        #expect(try JSONParser(ByteStream(string: #"{"name": "加油站"}"#)).parseDocument()["name"]?.stringValue == "加油站")
    }

    @Test func rfc8142TextSequencesAndSingleObjectsAreRead() throws {
        let text = "\u{1E}{\"type\":\"Feature\",\"id\":7,\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":null}\n"
            + "\u{1E}{\"type\":\"Point\",\"coordinates\":[3,4]}\n"
        let read = try readAll(GeoJSONFeatureReader(bytes: Array(text.utf8)))
        #expect(read == [Feature(id: "7", geometry: .point(Coordinate(1, 2))), Feature(id: nil, geometry: .point(Coordinate(3, 4)))])
    }

    @Test func membersAfterTheFeaturesArrayAndTheLegacyCRSAreHandled() throws {
        let text = """
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}},
             "features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[500000,3400000]},"properties":{"s":"\\u5eb7\\ud83d\\ude00"}}],
             "bbox":[0,0,1,1]}
            """
        let reader = GeoJSONFeatureReader(bytes: Array(text.utf8))
        let first = try reader.next()
        #expect(reader.declaredCRSName == "urn:ogc:def:crs:EPSG::4547")
        #expect(first?.feature[property: "s"] == .string("康😀"))
        #expect(try reader.next() == nil)
    }

    @Test func numbersParseToTheNearestDouble() throws {
        for literal in ["109.975603", "0.1", "-0.0", "1e-7", "123456789012345678901234567890", "2.2250738585072014e-308", "39.99999999999999"] {
            let parsed = try JSONParser(ByteStream(string: literal)).parseValue()
            #expect(parsed == .number(Double(literal)!), "\(literal)")
        }
    }

    @Test func malformedJSONNamesTheLineAndFeature() throws {
        let text = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":{}},\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":{\"a\":tru}}\n]}"
        let reader = GeoJSONFeatureReader(bytes: Array(text.utf8))
        _ = try reader.next()
        let error = #expect(throws: GeoJSONFeatureReader.ReadError.self) { try reader.next() }
        #expect(error?.line == 3)
        #expect(error?.message.contains("malformed JSON") == true)
    }

    @Test func anUnclosedRingIsRefusedUnlessLenient() throws {
        let ring = JSONValue.array([[0, 0], [1, 0], [1, 1], [0, 1]].map { .array($0.map { .number($0) }) })
        let polygon = JSONValue.object([JSONMember("type", .string("Polygon")), JSONMember("coordinates", .array([ring]))])
        let error = #expect(throws: GeometryError.self) { try GeoJSONGeometry.decode(polygon) }
        #expect(error?.description.contains("not closed") == true)
        let (fixed, closed) = try GeoJSONGeometry.decode(polygon, leniency: .init(closeRings: true))
        #expect(closed == 1)
        #expect(fixed == .polygon([[Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)]]))
    }

    @Test func aFeatureCollectionIsReadInBoundedMemory() throws {
        // 200,000 features (~20 MB): the reader's buffers stay at the chunk size, not the file size.
        let dir = try TemporaryDirectory()
        let path = dir.path("big.geojson")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.write(Data("{\"type\":\"FeatureCollection\",\"features\":[".utf8))
        for i in 0..<200_000 {
            handle.write(Data("\(i == 0 ? "" : ","){\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(Double(i) * 1e-4),1]},\"properties\":{\"n\":\(i)}}".utf8))
        }
        handle.write(Data("]}".utf8))
        try handle.close()
        let reader = try GeoJSONFeatureReader(path: path)
        var count = 0
        var last: Feature?
        while let f = try reader.next() { count += 1; last = f.feature }
        #expect(count == 200_000)
        #expect(last?[property: "n"] == .number(199_999))
    }
}
