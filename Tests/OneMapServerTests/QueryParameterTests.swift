@testable import OneMapServer
import OneMap
import Testing

/// The query-string decoder: what it accepts and refuses, byte for byte.
@Suite(.timeLimit(.minutes(10))) struct QueryParameterTests {
    @Test(arguments: [
        ("109.7", "109.7"), ("%E5%BA%B7%E5%B7%B4%E4%BB%80", "康巴什"), ("a%2Fb", "a/b"), ("100%25", "100%"),
        ("%2525", "%25"), ("a+b", "a+b"), ("%41%62", "Ab"), ("康巴什", "康巴什"),
    ])
    func escapesDecodeOnceAsUTF8(_ raw: String, _ decoded: String) {
        #expect(Params.percentDecoded(raw[...]) == decoded)
    }

    @Test(arguments: ["%", "%4", "%zz", "%G0", "%FF", "%C3", "ok%E5%BA"])
    func badEscapesAndNonUTF8AreRefused(_ raw: String) {
        #expect(Params.percentDecoded(raw[...]) == nil)
    }

    @Test func namesAndValuesAreDecodedAndChecked() throws {
        let params = try Params(query: "k%3D=1&level=1%2C2&bbox=1,2,3,4")
        #expect(params.rawValue("k=") == "1" && params.rawValue("level") == "1,2")
        #expect(params.order == ["k=", "level", "bbox"])
        #expect(throws: Problem.self) { try Params(query: "a=1&a=2") }
        #expect(throws: Problem.self) { try Params(query: "a=") }
        #expect(throws: Problem.self) { try Params(query: "a=%ZZ") }
        #expect(try Params(query: "&&a=1&").names == ["a"])
    }

    static let declared: [ParameterSpec] = [
        .int("k", 1...100, default: 3, "k"), .number("radius", 0...100, required: true, "radius"),
        .choice("format", ["geojson", "html"], default: "geojson", "format"), .box("bbox", "bbox"), .pair("from", "from"),
        .bool("open", "open"), .list("class", "class"),
    ]

    /// The declaration is the check: types, ranges, enums, required, defaults and unknown
    /// names all come from it.
    @Test func theDeclarationChecksEveryValue() throws {
        let params = try Params(query: "radius=5&bbox=1,%202,3,4&from=109.7,39.6&open=yes&class=I,II&level=1,2",
                                declared: Self.declared, columns: ["level"])
        #expect(try params.int("k") == 3)
        #expect(try params.double("radius") == 5)
        #expect(try params.string("format") == "geojson")
        #expect(try params.maybeBox() == BoundingBox(minX: 1, minY: 2, maxX: 3, maxY: 4))
        #expect(try params.pair("from") == Coordinate(109.7, 39.6))
        #expect(try params.maybeBool("open") == true)
        #expect(try params.maybeList("class") == ["I", "II"])
        #expect(params.filters().map(\.column) == ["level"])
        for bad in ["radius=5&k=0", "radius=5&k=101", "radius=5&k=1.5", "radius=5&k=99999999999999999999", "radius=101", "radius=nan", "radius=0x1p3", "radius=inf", "radius=1e",
                    "radius=5&format=pdf", "radius=5&bbox=1,2,3", "radius=5&bbox=3,2,1,4", "radius=5&from=200,0", "radius=5&open=maybe",
                    "radius=5&class=I,,II", "k=3", "radius=5&limit=3", "radius=5&level=1"] {
            let error = #expect(throws: Problem.self, "\(bad)") { try Params(query: bad, declared: Self.declared) }
            #expect(error?.status == .badRequest, "\(bad)")
        }
        // Reading what is not declared is a defect of ours, not a crash.
        #expect(throws: EndpointError.self) { try params.maybeInt("limit") }
    }
}
