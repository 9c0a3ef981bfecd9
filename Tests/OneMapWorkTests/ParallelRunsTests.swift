import OneMapWork
import Testing

/// Slices on every core come back in order and cover every element once.
@Suite struct ParallelRunsTests {
    @Test(arguments: [0, 1, 7, 65_536, 100_003])
    func runsAreTheSlicesInOrder(count: Int) {
        let values = Array(0..<count)
        let runs = values.parallelRuns(of: 1_000) { Array($0) }
        #expect(runs.count == (count + 999) / 1_000)
        #expect(runs.flatMap { $0 } == values)
        #expect(runs.dropLast().allSatisfy { $0.count == 1_000 })
    }
}
