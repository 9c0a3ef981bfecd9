import Foundation
import OneMapTestSupport
import Testing

/// `onemap tokens` as an operator uses it, and a running server picking up the change on
/// SIGHUP without a restart.
@Suite(.timeLimit(.minutes(10))) struct TokensCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func tokensAreMadeOnceListedWithoutSecretsRevokedAndReloadedOnSIGHUP() async throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg"), file = dir.path("tokens.json")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let first = try runProcess(onemap, ["tokens", "add", "--file", file, "--name", "规划科", "--role", "planner"])
        let planner = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(first.status == 0 && planner.count == 35 && first.stderr.contains("shown only now"), "\(first)")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try runProcess(onemap, ["tokens", "add", "--file", file, "--name", "x", "--role", "grid_worker"]).stderr.contains("--grid"))
        #expect(try runProcess(onemap, ["tokens", "add", "--file", file, "--name", "x", "--role", "boss"]).status != 0)

        // The server, started with only the planner's token.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: onemap)
        process.arguments = ["serve", "--data", gpkg, "--tokens", file, "--port", "0", "--log-level", "notice"]
        process.currentDirectoryURL = Repository.root
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        defer { process.terminate() }
        var url: String?
        var pending = Data()
        let deadline = Date().addingTimeInterval(120)
        while url == nil, Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = Data(pending[pending.startIndex..<newline])
                pending.removeSubrange(pending.startIndex...newline)
                if let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], object["message"] as? String == "serving" {
                    url = object["url"] as? String
                }
            }
        }
        let base = try #require(url)
        let id = try #require(try runProcess("/usr/bin/curl", ["-s", base + "collections/hazards/items?limit=1"]).stdout
            .firstMatch(of: /"id":"([^"]+)"/)?.1)
        func patch(_ token: String) async throws -> String {
            try await runProcessAsync("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH", "-H", "Authorization: Bearer \(token)",
                                                        "-H", "Content-Type: application/json", "--data-binary", "{}", base + "collections/hazards/items/\(id)"]).stdout
        }
        #expect(try await patch(planner) == "200")
        let added = try runProcess(onemap, ["tokens", "add", "--file", file, "--name", "应急局", "--role", "admin"])
        let admin = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await patch(admin) == "401")  // not yet read
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { try await patch(admin) == "200" })
        // The list names holders and hash prefixes, never a token.
        let list = try runProcess(onemap, ["tokens", "list", "--file", file])
        #expect(list.stdout.contains("应急局") && !list.stdout.contains(admin) && !list.stdout.contains(planner))
        #expect(try runProcess(onemap, ["tokens", "revoke", "--file", file, "--name", "应急局"]).status == 0)
        kill(process.processIdentifier, SIGHUP)
        #expect(try await eventually { try await patch(admin) == "401" })
        #expect(try await patch(planner) == "200")
        #expect(process.isRunning)
    }

    /// Polls `condition` for a few seconds (the reload runs on a signal queue).
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<50 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
