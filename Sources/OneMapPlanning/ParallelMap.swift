import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `transform` over every element on all cores, results in order; the first error thrown
    /// is rethrown. For the many independent road searches siting needs.
    func parallelMap<T: Sendable>(_ transform: @Sendable (Element) throws -> T) throws -> [T] {
        let results = Mutex<[T?]>(Array<T?>(repeating: nil, count: count))
        let failure = Mutex<(any Error)?>(nil)
        let workers = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, count))
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var local: [(Int, T)] = []
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < count else { break }
                do { local.append((i, try transform(self[i]))) } catch { failure.withLock { $0 = $0 ?? error }; break }
            }
            results.withLock { r in for (i, v) in local { r[i] = v } }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.map { $0! } }
    }
}
