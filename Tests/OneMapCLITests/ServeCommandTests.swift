import Foundation
import OneMapTestSupport
import Testing

/// `onemap serve` as users run it: JSON log lines, a free port when asked for port 0, and
/// a clean exit on SIGTERM.
@Suite(.timeLimit(.minutes(10))) struct ServeCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func servesLogsInJSONAndStopsGracefullyOnSIGTERM() async throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: onemap)
        process.arguments = ["serve", "--data", gpkg, "--port", "0"]
        process.currentDirectoryURL = Repository.root
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        // Read log lines until the one that says where it serves.
        var lines: [String] = []
        var url: String?
        var pending = Data()
        let deadline = Date().addingTimeInterval(60)
        while url == nil, Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                lines.append(line)
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], object["message"] as? String == "serving" {
                    url = object["url"] as? String
                }
            }
        }
        let base = try #require(url, "no 'serving' line in \(lines)")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "every log line is JSON: \(lines)")
        let health = try await runProcessAsync("/usr/bin/curl", ["-s", base + "health"])
        #expect(health.stdout.contains("\"status\":\"ok\""))
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}
