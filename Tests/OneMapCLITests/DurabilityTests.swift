import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// An acknowledged write survives kill -9: the real `onemap serve`, four clients streaming
/// reports, SIGKILL mid-stream, a restart, and every 201 is found again, in the change log
/// too, with SQLite's integrity check ok.
@Suite(.timeLimit(.minutes(10))) struct DurabilityTests {
    @Test func acknowledgedWritesSurviveKill9() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: data))
        let tokens = try directory.write("tokens.json", #"{"tokens": [{"token": "planner-token-0123456789abcdef", "name": "规划科", "role": "planner"}]}"#)
        let script = Repository.path("Tests/Durability/kill9.py")
        let run = try await runProcessAsync("python3", [script, Repository.onemapExecutable, data, tokens, "109.78", "39.60", "3"],
                                            directory: Repository.root.path)
        #expect(run.status == 0, "\(run.stderr)")
        let rounds = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rounds.count == 4, "\(run.stdout)")
        for round in rounds.dropLast() {
            #expect(round["lost"] as? Int == 0, "\(round)")
            #expect(round["integrity"] as? String == "ok", "\(round)")
            #expect((round["acknowledged"] as? Int ?? 0) >= 40, "\(round)")
            // Every acknowledged report is in the log; a report killed before its answer may be too.
            #expect((round["logged"] as? Int ?? 0) >= (round["acknowledged"] as? Int ?? 1), "\(round)")
        }
    }
}
