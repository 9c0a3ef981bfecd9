@testable import OneMapServer
import Testing

/// The query-string decoder: what it accepts and refuses, byte for byte.
@Suite struct QueryParameterTests {
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
        #expect(params.string("k=") == "1" && params.string("level") == "1,2")
        #expect(params.order == ["k=", "level", "bbox"])
        #expect(throws: Problem.self) { try Params(query: "a=1&a=2") }
        #expect(throws: Problem.self) { try Params(query: "a=") }
        #expect(throws: Problem.self) { try Params(query: "a=%ZZ") }
        #expect(try Params(query: "&&a=1&").names == ["a"])
    }
}
