import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `transform` over every element on all cores (or `workers` threads), results in order;
    /// the first error thrown is rethrown. For the many independent road searches siting
    /// needs and the batch queries over many points. The caller's ``WorkBudget`` goes with
    /// the work: every worker checks it between elements.
    public func parallelMap<T: Sendable>(workers: Int? = nil, _ transform: @Sendable (Element) throws -> T) throws -> [T] {
        let budget = WorkBudget.current
        let results = Mutex<[T?]>(Array<T?>(repeating: nil, count: count))
        let failure = Mutex<(any Error)?>(nil)
        let workers = Swift.max(1, Swift.min(workers ?? ProcessInfo.processInfo.activeProcessorCount, count))
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            func work() {
                var local: [(Int, T)] = []
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < count else { break }
                    do {
                        try budget?.checkpoint()
                        local.append((i, try transform(self[i])))
                    } catch { failure.withLock { $0 = $0 ?? error }; break }
                }
                results.withLock { r in for (i, v) in local { r[i] = v } }
            }
            if let budget { budget.run(work) } else { work() }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        // A road search stops early once the budget is spent: its partial answer is no answer.
        try budget?.checkpoint()
        let done = results.withLock { $0.compactMap { $0 } }
        guard done.count == count else { throw WorkError.overBudget(seconds: budget?.seconds ?? 0) }
        return done
    }
}

extension Array where Element: Sendable {
    /// `body` over consecutive slices of at most `length` elements, on every core, results
    /// in slice order. For whole-layer passes that must finish — the hazards' digest, their
    /// time span, the overdue look — so it is not under the caller's work budget.
    public func parallelRuns<T: Sendable>(of length: Int, _ body: @Sendable (ArraySlice<Element>) -> T) -> [T] {
        let length = Swift.max(1, length)
        let runs = (count + length - 1) / length
        let results = Mutex<[T?]>(Array<T?>(repeating: nil, count: runs))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let start = run * length
            let value = body(self[start..<Swift.min(start + length, count)])
            results.withLock { $0[run] = value }
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}
