/// A binary min-heap of (key, payload) pairs: the queue of best-first nearest-neighbour
/// search. It lives on one manually managed buffer because a query pushes hundreds of
/// entries and Swift arrays' growth and uniqueness checks showed up as a third of the
/// query time; the owner calls ``release()`` when done.
struct MinHeap {
    private var storage: UnsafeMutablePointer<(key: Double, payload: Int64)>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    func release() { storage.deallocate() }

    mutating func push(_ key: Double, _ payload: Int64) {
        if count == capacity { grow() }
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) >> 1
            guard storage[parent].key > key else { break }
            storage[i] = storage[parent]
            i = parent
        }
        storage[i] = (key, payload)
    }

    mutating func pop() -> (key: Double, payload: Int64)? {
        guard count > 0 else { return nil }
        let top = storage[0]
        count -= 1
        let last = storage[count]
        var i = 0
        while true {
            var child = 2 * i + 1
            if child >= count { break }
            if child + 1 < count && storage[child + 1].key < storage[child].key { child += 1 }
            guard storage[child].key < last.key else { break }
            storage[i] = storage[child]
            i = child
        }
        if count > 0 { storage[i] = last }
        return top
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<(key: Double, payload: Int64)>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }
}
