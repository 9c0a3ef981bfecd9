import Foundation
import OneMapWork
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(10))) struct WorkLimiterTests {
    @Test func workBeyondTheLimitIsRefusedAtOnce() async throws {
        let limiter = WorkLimiter(limit: 1, budget: .seconds(30))
        let release = Atomic<Bool>(false)
        async let first: Int = limiter.run {
            while !release.load(ordering: .relaxed) { usleep(1000) }
            return 1
        }
        while limiter.runningCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: WorkError.busy(running: 1, limit: 1, retryAfter: 3)) { try await limiter.run { 2 } }
        release.store(true, ordering: .relaxed)
        #expect(try await first == 1)
        #expect(try await limiter.run { 3 } == 3)
        #expect(limiter.runningCount == 0)
    }

    @Test func workOverItsBudgetAnswersAndStops() async throws {
        let limiter = WorkLimiter(limit: 2, budget: .milliseconds(200))
        let loops = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)
        await #expect(throws: WorkError.overBudget(seconds: 0.2)) {
            try await limiter.run { () throws -> Int in
                // A long computation that checks its budget, as plans and road searches do.
                defer { stopped.store(true, ordering: .relaxed) }
                for _ in 0..<100_000 {
                    try WorkBudget.checkCurrent()
                    loops.add(1, ordering: .relaxed)
                    usleep(1000)
                }
                return 0
            }
        }
        // The work unwinds at its next checkpoint and frees its slot.
        for _ in 0..<200 where !stopped.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        let didStop = stopped.load(ordering: .relaxed), looped = loops.load(ordering: .relaxed)
        #expect(didStop)
        #expect(looped < 100_000)
        for _ in 0..<100 where limiter.runningCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(limiter.runningCount == 0)
    }

    @Test func aShortQueueWaitsForASlotInTurn() async throws {
        // Generous budget and wait: the work runs on Dispatch's global queue, which has as
        // many threads as cores; with the whole suite running in parallel on 2 cores, a
        // 50-ms job once waited over 30 s for a thread and was counted over its budget.
        // What is tested here is the queue, not the clock.
        let limiter = WorkLimiter(limit: 1, budget: .seconds(600), queueLimit: 2)
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<3 {
                group.addTask { try await limiter.run(waiting: .seconds(300)) { usleep(50_000); return i } }
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(done.sorted() == [0, 1, 2])
        #expect(limiter.runningCount == 0)
        // Beyond the queue: refused.
        // The holder keeps its slot until the test lets it go: polling `runningCount` for a
        // timed job could miss it on a loaded machine and loop for ever (a suite hang).
        // The holder blocks one of the global queue's threads until released; its budget is
        // generous for the same reason as above (it once ran out while the test waited).
        let slow = WorkLimiter(limit: 1, budget: .seconds(600), queueLimit: 0)
        let started = DispatchSemaphore(value: 0), finish = DispatchSemaphore(value: 0)
        async let holder: Void = slow.run { started.signal(); finish.wait() }
        try await Self.wait(for: started)
        await #expect(throws: WorkError.self) { try await slow.run(waiting: .seconds(1)) { 1 } }
        finish.signal()
        try await holder
    }

    @Test func outsideALimiterTheCheckIsFree() throws {
        #expect(WorkBudget.current == nil)
        try WorkBudget.checkCurrent()
    }

    /// Waits for `semaphore` off the cooperative threads (at most 60 s).
    static func wait(for semaphore: DispatchSemaphore) async throws {
        let signalled = await withCheckedContinuation { continuation in
            // A thread of its own: the global queue's few threads are the ones the work needs.
            Thread { continuation.resume(returning: semaphore.wait(timeout: .now() + 60) == .success) }.start()
        }
        #expect(signalled, "the work never started")
    }
}
