import Foundation
import Synchronization

/// How long one piece of CPU-heavy work may run, and a flag to stop it early.
///
/// Long loops call ``checkpoint()`` (or ``WorkBudget/checkCurrent()``, which finds the
/// budget of the work running on this thread): past the deadline, or once cancelled, it
/// throws ``WorkError/overBudget(seconds:)`` and the work unwinds instead of burning a core
/// for an answer nobody waits for.
public final class WorkBudget: Sendable {
    public let deadline: ContinuousClock.Instant
    public let seconds: Double
    private let cancelled = Atomic<Bool>(false)

    public init(_ duration: Duration) {
        deadline = ContinuousClock.now.advanced(by: duration)
        seconds = duration.seconds
    }

    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public var isExhausted: Bool { cancelled.load(ordering: .relaxed) || ContinuousClock.now >= deadline }

    public func checkpoint() throws(WorkError) {
        if isExhausted { throw .overBudget(seconds: seconds) }
    }

    private static let key = "onemap.work-budget"

    /// The budget of the work running on this thread (nil outside a ``WorkLimiter``).
    public static var current: WorkBudget? { Thread.current.threadDictionary[key] as? WorkBudget }

    /// Throws if the work running on this thread is over its budget; free outside one.
    public static func checkCurrent() throws(WorkError) { try current?.checkpoint() }

    /// Runs `body` with this budget as the thread's current one.
    public func run<T>(_ body: () throws -> T) rethrows -> T {
        let previous = Thread.current.threadDictionary[Self.key]
        Thread.current.threadDictionary[Self.key] = self
        defer { Thread.current.threadDictionary[Self.key] = previous }
        return try body()
    }
}

/// Why heavy work was not done.
public enum WorkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every slot is taken; try again after `retryAfter` seconds.
    case busy(running: Int, limit: Int, retryAfter: Int)
    case overBudget(seconds: Double)

    public var description: String {
        switch self {
        case .busy(let running, let limit, _): "the service is busy: \(running) of \(limit) heavy requests are running; try again shortly"
        case .overBudget(let seconds): "the work took longer than its budget of \(String(format: "%.0f", seconds)) s and was stopped"
        }
    }
}

/// At most `limit` pieces of CPU-heavy work at once, each with a time budget.
///
/// Past the limit, up to `queueLimit` requests wait for a slot, first come first served,
/// each as long as its caller allows (`waiting:`); any more, or any that waited too long,
/// are refused (``WorkError/busy``). Plans wait for nothing (a queued plan would answer
/// after its client gave up); tiles wait briefly, since a browser asks for twenty at
/// once. Both draw on the same slots, so the limit holds for all heavy work. At the
/// budget the caller gets ``WorkError/overBudget`` and the work is told to stop; its slot
/// frees only when it has really stopped, so work that ignores its budget cannot pile up
/// beyond the limit.
public final class WorkLimiter: Sendable {
    public let limit: Int
    public let budget: Duration
    public let queueLimit: Int

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init(limit: Int, budget: Duration, queueLimit: Int = 0) {
        self.limit = max(1, limit)
        self.budget = budget
        self.queueLimit = max(0, queueLimit)
    }

    public var runningCount: Int { state.withLock { $0.running } }

    private var busy: WorkError {
        .busy(running: limit, limit: limit, retryAfter: Int(min(60, max(1, budget.components.seconds / 8))))
    }

    /// Takes a slot, waiting in line when allowed.
    private func acquire(waiting maxWait: Duration) async throws {
        enum Admission { case now, refused, wait(UInt64) }
        let admission = state.withLock { s -> Admission in
            if s.running < limit { s.running += 1; return .now }
            guard maxWait > .zero, s.waiting.count < queueLimit else { return .refused }
            s.nextID += 1
            return .wait(s.nextID)
        }
        switch admission {
        case .now: return
        case .refused: throw busy
        case .wait(let id):
            let refusal = busy
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { $0.waiting.append(Waiter(id: id, continuation: continuation)) }
                let seconds = maxWait.seconds
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                    let expired = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                        guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                        return s.waiting.remove(at: i).continuation
                    }
                    expired?.resume(throwing: refusal)
                }
            }
        }
    }

    /// Frees a slot: the first waiter takes it over.
    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            if !s.waiting.isEmpty { return s.waiting.removeFirst().continuation }
            s.running -= 1
            return nil
        }
        next?.resume()
    }

    /// Runs `work` on a worker thread within the limit and the budget, waiting up to
    /// `maxWait` in line for a slot (none by default).
    public func run<T: Sendable>(waiting maxWait: Duration = .zero, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire(waiting: maxWait)
        let budget = WorkBudget(self.budget)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            // Whichever comes first, the answer or the deadline, resumes; the other is dropped.
            let pending = Mutex<CheckedContinuation<T, any Error>?>(continuation)
            let answer: @Sendable (Result<T, any Error>) -> Void = { result in
                pending.withLock { $0.take() }?.resume(with: result)
            }
            DispatchQueue.global().async {
                var result = Result { try budget.run(work) }
                // Searches stop early once the budget is spent; whatever they returned then
                // is not an answer, even if it beats the deadline timer here.
                if case .success = result, budget.isExhausted { result = .failure(WorkError.overBudget(seconds: budget.seconds)) }
                self.release()
                answer(result)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + budget.seconds) {
                budget.cancel()
                answer(.failure(WorkError.overBudget(seconds: budget.seconds)))
            }
        }
    }
}
