import Foundation
import Logging
import OneMap
@testable import OneMapServer
import OneMapTestSupport
import Testing

/// Write tokens: stored as hashes, reloaded without a restart, guessing slowed per address.
@Suite(.timeLimit(.minutes(10))) struct TokenTests {
    @Test func theFileKeepsOnlyHashesWithMode0600() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tokens.json")
        var book = try TokenFile.load(path: path, missingIsEmpty: true)
        let planner = try book.add(name: "规划科", role: .planner, grid: nil)
        let worker = try book.add(name: "网格员", role: .gridWorker, grid: "150603001001001")
        try book.save()
        // 128 random bits, hex, with a prefix; never twice the same.
        #expect(planner.hasPrefix("om_") && planner.count == 35 && planner != worker)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(planner) && !text.contains(worker))
        #expect(text.contains(TokenFile.hash(planner)) && text.contains("\"version\":2"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let again = try TokenFile.load(path: path)
        #expect(again.holders[TokenFile.hash(worker)] == Author(name: "网格员", role: .gridWorker, grid: "150603001001001"))
        // SHA-256 as everyone computes it (FIPS 180-2 example).
        #expect(TokenFile.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(throws: TokenFileError.self) { try book.add(name: "规划科", role: .planner, grid: nil) }  // one active token a name
        #expect(throws: TokenFileError.self) { try book.add(name: "x", role: .gridWorker, grid: nil) }
        try book.revoke(name: "规划科")
        #expect(book.holders[TokenFile.hash(planner)] == nil && book.entries.count == 2)
    }

    @Test func plainTokenFilesStillLoadAndMigrateToHashes() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("tokens.json", #"{"tokens": [{"token": "planner-token-0123456789abcdef", "name": "规划科", "role": "planner"}]}"#)
        let old = try TokenFile.load(path: path)
        #expect(old.loadedVersion == 1 && old.holders[TokenFile.hash("planner-token-0123456789abcdef")]?.role == .planner)
        try old.save()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("planner-token-0123456789abcdef"))
        #expect(try TokenFile.load(path: path).holders[TokenFile.hash("planner-token-0123456789abcdef")]?.name == "规划科")
        for (bad, words) in [(#"{"tokens": [{"role": "planner", "sha256": "zz"}]}"#, "entry 1: \"sha256\""),
                             (#"{"tokens": [{"role": "boss", "sha256": "00"}]}"#, "entry 1: role"),
                             (#"{"version": 3, "tokens": []}"#, "version 3"),
                             (#"{"tokens": [{"role": "grid_worker", "token": "0123456789abcdefgh"}]}"#, "entry 1: a grid worker needs")] {
            let file = try directory.write("bad.json", bad)
            let error = #expect(throws: TokenFileError.self) { try TokenFile.load(path: file) }
            #expect(error?.description.contains(file) == true && error?.description.contains(words) == true, "\(bad): \(String(describing: error))")
        }
    }

    /// Failed authentications from one address: past the limit every attempt from it,
    /// even with a good token, is 429 with Retry-After, until the window passes.
    @Test func failedAuthenticationsAreLimitedPerAddress() async throws {
        let server = try await LiveServer { $0.authFailures = FailedAuthentications.Limit(failures: 3, window: .seconds(60)) }
        let path = "/collections/hazards/items/nobody"
        let patch = #"{"level": 2}"#
        for _ in 0..<3 {
            #expect(try await server.request("PATCH", path, headers: ["Authorization": "Bearer wrong-token-0123456789"], body: patch).status == 401)
        }
        let locked = try await server.request("PATCH", path, headers: ["Authorization": "Bearer \(LiveServer.plannerToken)"], body: patch)
        #expect(locked.status == 429 && Int(locked.headers["retry-after"] ?? "") ?? 0 >= 1, "\(locked.status) \(locked.text)")
        // Reading needs no token and is not locked out.
        #expect(try await server.get("/collections/hazards/items?limit=1").status == 200)
    }

    /// The window slides: once the oldest failure leaves it, the address may try again.
    @Test func theLockoutEndsWithTheWindow() async throws {
        let limiter = FailedAuthentications(limit: .init(failures: 2, window: .milliseconds(300)))
        limiter.record("10.0.0.1")
        limiter.record("10.0.0.1")
        #expect(throws: Problem.self) { try limiter.check("10.0.0.1") }
        try limiter.check("10.0.0.2")  // another address is not affected
        try await Task.sleep(for: .milliseconds(400))
        try limiter.check("10.0.0.1")
    }

    /// A token added to (or revoked from) the file applies on reload, without a restart;
    /// a file that no longer reads leaves the old tokens in force.
    @Test func tokensReloadWithoutARestart() async throws {
        let server = try await LiveServer()
        let path = try #require(server.service.options.tokensPath)
        var book = try TokenFile.load(path: path)
        let fresh = try book.add(name: "应急局", role: .admin, grid: nil)
        try book.save()
        let id = try #require(try await server.get("/collections/hazards/items?limit=1").features.first?["id"] as? String)
        let url = "/collections/hazards/items/\(id)"
        #expect(try await server.request("PATCH", url, headers: ["Authorization": "Bearer \(fresh)"], body: "{}").status == 401)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server.service.reloadTokens(logger: logger)
        #expect(try await server.request("PATCH", url, headers: ["Authorization": "Bearer \(fresh)"], body: "{}").status == 200)
        try book.revoke(name: "应急局")
        try book.save()
        server.service.reloadTokens(logger: logger)
        #expect(try await server.request("PATCH", url, headers: ["Authorization": "Bearer \(fresh)"], body: "{}").status == 401)
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        server.service.reloadTokens(logger: logger)
        #expect(try await server.request("PATCH", url, headers: ["Authorization": "Bearer \(LiveServer.plannerToken)"], body: "{}").status == 200)
    }
}
