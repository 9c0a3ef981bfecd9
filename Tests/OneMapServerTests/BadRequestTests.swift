import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Requests that used to kill the server (force-unwraps on empty values, `offset + limit`
/// overflowing, `Int(1e300)`) or answered 500 for the client's mistake (bad chunking, a
/// body shorter than its Content-Length). Each must answer a 4xx problem naming what is
/// wrong, and the server must still answer afterwards.
@Suite(.serialized, .timeLimit(.minutes(10))) struct BadRequestTests {
    static let server = LazyServer()

    func expectProblem(_ answer: LiveServer.Answer, _ status: Int, naming words: String, _ what: String) {
        #expect(answer.status == status, "\(what): \(status) wanted, got \(answer.status) \(answer.text)")
        #expect(answer.headers["content-type"] == "application/problem+json", "\(what)")
        #expect((answer.json["detail"] as? String ?? "").contains(words), "\(what): detail should name '\(words)': \(answer.text)")
    }

    @Test func emptyRepeatedAndOverflowingQueryParametersAre400s() async throws {
        let server = try await Self.server.get()
        let cases: [(String, String)] = [
            ("/collections/hazards/items?status=", "status: is empty"),
            ("/collections/shelters/items?name=", "name: is empty"),
            ("/collections/hazards/items?offset=9223372036854775807", "offset: 9223372036854775807 is outside"),
            ("/collections/hazards/items?limit=99999999999999999999", "limit: 99999999999999999999 is outside"),
            ("/collections/hazards/items?limit=10&limit=20", "limit: is given twice"),
            ("/collections/hazards/items?level=1,,2", "level: '1,,2' has an empty item"),
            ("/collections/hazards/items?bbox=1,2,3", "bbox:"),
            ("/collections/hazards/items?bbox=1,2,3,4,", "bbox:"),
            ("/collections/hazards/items?f=xml", "f: 'xml' is not one of"),
            ("/collections/hazards/items?status=%zz", "status:"),
            ("/query/within?layer=hazards&lon=109.7&lat=39.6&radius=10&status=", "status: is empty"),
            ("/query/within?layer=hazards&lon=109.7&lat=39.6&radius=1e999", "radius:"),
            ("/query/nearest-shelter?lon=109.7&lat=39.6&k=", "k: is empty"),
            ("/query/nearest-shelter?lon=nan&lat=39.6", "lon: 'nan' is not a number"),
            // Swift's Double(_:) reads hexadecimal floats: 0x1p3 was taken as 8 degrees.
            ("/query/nearest-shelter?lon=0x1p3&lat=39.6", "lon: '0x1p3' is not a number"),
            ("/query/nearest-shelter?lon=109.78&lat=39.6&max_distance=0x10", "max_distance: '0x10' is not a number"),
            ("/query/nearest-shelter?lon=109.7&lat=39.6&min_room=99999999999999999999", "min_room:"),
            ("/riskmap/diff?from=1&to=", "to: is empty"),
            ("/evacuate?lon=109.7&lat=39.6&centre=109.7,39.6", "radius: metres in 1…100,000 are required with centre"),
            ("/evacuate?lon=109.7&lat=39.6&zoneLon=109.7&zoneLat=39.6&zoneRadius=500", "zoneLon: renamed: give the danger zone as centre=lon,lat and radius=METRES"),
            ("/route?from=109.7,39.6&to=109.8,39.6&profile=fly", "profile: 'fly'"),
            ("/plan/shelters?need=everything", "need: 'everything'"),
            ("/plan/coverage?format=pdf", "format: 'pdf'"),
        ]
        for (path, words) in cases {
            expectProblem(try await server.get(path), 400, naming: words, path)
        }
        #expect(try await server.get("/health").status == 200)
    }

    @Test func hugeAndFractionalNumbersInBodiesAreRefusedNotTrapped() async throws {
        let server = try await Self.server.get()
        let json = ["Content-Type": "application/json"]
        let cases: [(String, String, Int, String)] = [
            ("/evacuate", #"{"from":[109.66,39.65],"k":1e300}"#, 422, "k: 1e+300 is outside 1…20"),
            ("/evacuate", #"{"from":[109.66,39.65],"k":-1e300}"#, 422, "k: -1e+300 is outside"),
            ("/evacuate", #"{"from":[109.66,39.65],"k":1e400}"#, 400, "1e400 is out of range"),
            ("/evacuate", #"{"from":[109.66,39.65],"min_room":1e300}"#, 422, "min_room:"),
            ("/evacuate", #"{"from":[109.66,39.65],"k":2.5}"#, 422, "k: expected a whole number"),
            ("/evacuate", #"{"from":[109.66,39.65],"k":"3"}"#, 422, "k: expected a whole number, got a string"),
            ("/evacuate", #"{"from":[109.66,39.65]} trailing"#, 400, "after the JSON value"),
            ("/evacuate", #"{"from":[109.66,39.65],"from":[1,2]}"#, 422, "from: the member is given twice"),
            ("/evacuate", #"{"from":[109.66,39.65],"kk":1}"#, 422, "kk: unknown member"),
            ("/evacuate", #"{"from":[1e308,39.65]}"#, 422, "from: lon must lie in"),
            ("/evacuation-plan", #"{"centre":[109.66,39.65],"radius":1e300}"#, 422, "radius:"),
            ("/evacuation-plan", #"{"radius":100}"#, 422, "radius: needs"),
            ("/route", #"{"from":[109.66,39.65],"to":[109.7,39.6],"avoid_red":true}"#, 422, "avoid_red: renamed: write \"avoid\": \"red\""),
            ("/route", #"{"from":[109.66,39.65]}"#, 422, "to: is required"),
        ]
        for (path, body, status, words) in cases {
            expectProblem(try await server.request("POST", path, headers: json, body: body), status, naming: words, "\(path) \(body)")
        }
        #expect(try await server.get("/health").status == 200)
    }

    /// Raw HTTP/1.1 the way a broken or hostile client sends it (curl will not).
    @Test func malformedFramingIsA400() async throws {
        let server = try await Self.server.get()
        let script = """
            import socket, sys
            def send(data, close_write):
                s = socket.create_connection(("127.0.0.1", \(server.port)))
                s.settimeout(10)
                s.sendall(data)
                if close_write: s.shutdown(socket.SHUT_WR)
                out = b""
                try:
                    while not out.endswith(b"}"):
                        d = s.recv(65536)
                        if not d: break
                        out += d
                except socket.timeout:
                    pass
                print(out.split(b"\\r\\n")[0].decode())
            head = b"POST /route HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
            send(head + b"Transfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nabc\\r\\n0\\r\\n\\r\\n", False)
            send(head + b"Transfer-Encoding: chunked\\r\\n\\r\\nFFFFFFFFFFFFFFFF\\r\\nabc", True)
            send(head + b"Content-Length: 100\\r\\n\\r\\n{\\"from\\": [1", True)
            gbk = b'{"from": [109.66, 39.65], "to": [109.7, 39.6], "by": "\\xbc\\xd3\\xd3\\xcd"}'
            send(head + b"Content-Length: " + str(len(gbk)).encode() + b"\\r\\n\\r\\n" + gbk, True)
            """
        let result = try await runProcessAsync("python3", ["-c", script])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // The last: a string in GBK, not UTF-8, is malformed JSON (it was read with U+FFFD).
        #expect(lines.count == 4, "\(result.stdout) \(result.stderr)")
        for line in lines { #expect(line.hasPrefix("HTTP/1.1 4"), "\(line)") }
        #expect(lines.last?.hasPrefix("HTTP/1.1 400") == true, "\(lines)")  // 422 when 'by' was read as U+FFFD
        #expect(try await server.get("/health").status == 200)
    }
}

/// One demo server shared by a suite's tests (building the demo takes seconds).
actor LazyServer {
    private var server: LiveServer?
    func get() async throws -> LiveServer {
        if let server { return server }
        let made = try await LiveServer()
        server = made
        return made
    }
}
