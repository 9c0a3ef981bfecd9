import Foundation
import OneMapFuzz
import OneMapTestSupport
import Testing

/// Every committed fuzz input (the seed corpora and each crash the fuzzers found) through
/// its target, as the libFuzzer harness runs it: none may crash.
@Suite(.timeLimit(.minutes(10))) struct FuzzCorpusTests {
    @Test(arguments: FuzzTargets.names)
    func everyCommittedInputRunsThroughItsTarget(_ target: String) throws {
        var count = 0
        for folder in ["Tests/Fuzz/corpus/\(target)", "Tests/Fuzz/crashes/\(target)"] {
            let directory = Repository.path(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() {
                let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + name), "\(folder)/\(name)")
                FuzzTargets.run(target, [UInt8](bytes))
                count += 1
            }
        }
        #expect(count > 0, "no seed inputs for \(target) under Tests/Fuzz/corpus")
    }
}
