import Foundation
import Hummingbird
import Logging
import OneMap
import OneMapServer
import OneMapTestSupport

/// A real OneMap server on a random loopback port, over a fresh demo GeoPackage, with a
/// planner's token and a grid worker's token for the demo's first grid. Requests go
/// through curl, a real HTTP client.
final class LiveServer: @unchecked Sendable {
    let directory: TemporaryDirectory
    let dataPath: String
    let port: Int
    let service: OneMapService
    private let task: Task<Void, any Error>

    static let plannerToken = "planner-token-0123456789abcdef"
    static let workerToken = "worker-token-0123456789abcdef"
    static let otherWorkerToken = "other-worker-0123456789abcdef"
    static let commanderToken = "commander-token-0123456789abcdef"

    /// The demo's grids, by code, and the first one's code (the grid worker's).
    let gridCodes: [String]
    var workerGrid: String { gridCodes[0] }

    init(maxBodyBytes: Int = 1 << 20, configure: (inout ServiceOptions) -> Void = { _ in }) async throws {
        directory = try TemporaryDirectory()
        dataPath = directory.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"),
                                                boundaryCRS: .gcj02, output: dataPath))
        let snapshot = try SpatialIndex.load(from: GeoPackage(path: dataPath, mode: .readOnly), layers: [.grids]).snapshot
        let code = Layer.grids.columns.firstIndex { $0.name == "code" }!
        gridCodes = try snapshot.allFeatures(.grids).map { $0.values[code].description }.sorted()
        // As `onemap tokens add` writes them: hashes only.
        let tokens = """
            {"version": 2, "tokens": [
              {"name": "规划科", "role": "planner", "sha256": "\(TokenFile.hash(Self.plannerToken))"},
              {"name": "张网格员", "role": "grid_worker", "grid": "\(gridCodes[0])", "sha256": "\(TokenFile.hash(Self.workerToken))"},
              {"name": "李网格员", "role": "grid_worker", "grid": "\(gridCodes[1])", "sha256": "\(TokenFile.hash(Self.otherWorkerToken))"},
              {"name": "王指挥", "role": "commander", "sha256": "\(TokenFile.hash(Self.commanderToken))"}
            ]}
            """
        var options = ServiceOptions(dataPath: dataPath)
        options.port = 0
        options.tokensPath = try directory.write("tokens.json", tokens)
        options.rulesPath = Repository.path("config/risk-rules.json")
        options.stylePath = Repository.path("config/style.json")
        options.planningPath = Repository.path("config/planning.json")
        options.maxBodyBytes = maxBodyBytes
        configure(&options)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        service = try OneMapService(options: options, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = OneMapServer.application(service, logger: logger) { continuation.yield($0) }
        // A server that fails to start ends the stream, so a test fails instead of waiting for good.
        task = Task {
            defer { continuation.finish() }
            try await app.runService()
        }
        var bound = 0
        for await p in ports { bound = p; break }
        guard bound > 0 else { throw CancellationError() }
        port = bound
    }

    deinit { task.cancel() }

    var base: String { "http://127.0.0.1:\(port)" }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var features: [[String: Any]] { json["features"] as? [[String: Any]] ?? [] }
    }

    /// One request with curl: method, path (with query), headers and body.
    func request(_ method: String = "GET", _ path: String, headers: [String: String] = [:], body: String? = nil) async throws -> Answer {
        let out = directory.path("body-\(UUID().uuidString)")
        var arguments = ["-s", "-S", "-g", "-X", method, "-D", "-", "-o", out]
        if method == "HEAD" { arguments = ["-s", "-S", "-g", "-I", "-o", out, "-D", "-"] }
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            arguments += ["--data-binary", "@-"]
            if headers["Content-Type"] == nil { arguments += ["-H", "Content-Type: application/geo+json"] }
        }
        arguments.append(base + path)
        let result = try await runProcessAsync("/usr/bin/curl", arguments, stdin: body)
        return Self.answer(headers: result.stdout, bodyFile: out)
    }

    /// An answer from curl's `-D -` headers and its body file (removed). After a
    /// `100 Continue`, the real status line follows.
    static func answer(headers: String, bodyFile: String) -> Answer {
        let lines = headers.components(separatedBy: "\r\n")
        let statusLine = lines.last { $0.hasPrefix("HTTP/") && !$0.contains(" 100 ") } ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var parsed: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            parsed[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let data = FileManager.default.contents(atPath: bodyFile) ?? Data()
        try? FileManager.default.removeItem(atPath: bodyFile)
        return Answer(status: status, headers: parsed, body: data)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Answer { try await request("GET", path, headers: headers) }

    /// POSTs `bytes` as the body (a photo), with curl.
    func upload(_ path: String, _ bytes: [UInt8], headers: [String: String]) async throws -> Answer {
        let file = directory.path("upload-\(UUID().uuidString)")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = directory.path("body-\(UUID().uuidString)")
        var arguments = ["-s", "-S", "-g", "-X", "POST", "-D", "-", "-o", out, "--data-binary", "@" + file]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        arguments.append(base + path)
        let result = try await runProcessAsync("/usr/bin/curl", arguments)
        return Self.answer(headers: result.stdout, bodyFile: out)
    }
}
