/// A binary min-heap of (key, payload) pairs in two flat arrays: the queue of best-first
/// nearest-neighbour search.
struct MinHeap {
    private(set) var keys: [Double] = []
    private var payloads: [Int64] = []

    init(capacity: Int = 64) {
        keys.reserveCapacity(capacity)
        payloads.reserveCapacity(capacity)
    }

    var isEmpty: Bool { keys.isEmpty }
    var minimumKey: Double? { keys.first }

    mutating func push(_ key: Double, _ payload: Int64) {
        var i = keys.count
        keys.append(key)
        payloads.append(payload)
        while i > 0 {
            let parent = (i - 1) / 2
            guard keys[parent] > key else { break }
            keys[i] = keys[parent]
            payloads[i] = payloads[parent]
            i = parent
        }
        keys[i] = key
        payloads[i] = payload
    }

    mutating func pop() -> (key: Double, payload: Int64)? {
        guard let top = keys.first else { return nil }
        let topPayload = payloads[0]
        let lastKey = keys.removeLast(), lastPayload = payloads.removeLast()
        let n = keys.count
        if n > 0 {
            var i = 0
            while true {
                var child = 2 * i + 1
                if child >= n { break }
                if child + 1 < n && keys[child + 1] < keys[child] { child += 1 }
                guard keys[child] < lastKey else { break }
                keys[i] = keys[child]
                payloads[i] = payloads[child]
                i = child
            }
            keys[i] = lastKey
            payloads[i] = lastPayload
        }
        return (top, topPayload)
    }
}
