import OneMapGeometry

/// Inclusion slack at a radius query's boundary: a feature exactly on the circle (to the
/// metre's millionth, far below the 1e-9° ≈ 0.1 mm of stored coordinates) is inside.
let boundaryTolerance = 1e-6

/// Searches over one feature set. Each works on one set's arrays bound once per query, so
/// the inner loops index flat buffers and touch no reference counts; a layer's answer is
/// the union (or the merged ranking) of its base's and its overlay's.
extension FeatureSet {
    func measure(_ slot: Int, from observer: GeodesicObserver) -> Measurement {
        let earth = self.earth[slot]
        if earth.isPoint { return observer.measure(points[slot], earth) }
        return vertexCoordinates.withUnsafeBufferPointer { coordinates in
            vertexEarth.withUnsafeBufferPointer { vertices in
                partEnds.withUnsafeBufferPointer { ends in
                    partKinds.withUnsafeBufferPointer { kinds in
                        let parts = Int(partStart[slot])..<Int(partStart[slot + 1])
                        return observer.measure(ShapeView(
                            coordinates: coordinates, earth: vertices,
                            partEnds: UnsafeBufferPointer(rebasing: ends[parts]),
                            partKinds: UnsafeBufferPointer(rebasing: kinds[parts]), base: Int(vertexStart[slot])))
                    }
                }
            }
        }
    }


    /// Calls `body` with every slot (not in `hidden`) whose box meets `box`.
    func forEach(meeting box: BoundingBox, hidden: Set<Int32>, _ body: (Int) -> Void) {
        let checkHidden = !hidden.isEmpty
        tree.search(box) { slot in
            if !checkHidden || !hidden.contains(Int32(slot)) { body(slot) }
        }
    }

    /// Every slot matching `predicate` within `limit` metres, with its distance and, for
    /// lines and polygons (measured whole anyway), its bearing; NaN bearing for points.
    func forEach(within limit: Double, of observer: GeodesicObserver, hidden: Set<Int32>,
                 where predicate: RecordPredicate, _ body: (Int, Double, Double) -> Void) {
        let checkHidden = !hidden.isEmpty, filter = !predicate.isAlways
        let limitSquared = limit * limit
        earth.withUnsafeBufferPointer { earth in
            points.withUnsafeBufferPointer { points in
            chordBoxes.values.withUnsafeBufferPointer { chord in
                let chord = chord.baseAddress!
                // Point leaves are tested on their exact ECEF point below, not their box:
                // one array fewer to pull from memory.
                let leaves = count
                tree.search(admitting: { p in
                    (p < leaves && earth[p].isPoint) || observer.chordBoundSquared(chord + 6 * p) <= limitSquared
                }) { slot in
                    if checkHidden && hidden.contains(Int32(slot)) { return }
                    if filter && !predicate.matches(record(slot)) { return }
                    let e = earth[slot]
                    if e.isPoint && observer.chordSquared(e) > limitSquared { return }
                    if e.isPoint {
                        // The lon/lat array is read only beyond the closed form's reach.
                        let d = observer.closedForm(e)?.0 ?? observer.distance(points[slot], e)
                        if d <= limit { body(slot, d, .nan) }
                    } else {
                        let m = measure(slot, from: observer)
                        if m.distance <= limit { body(slot, m.distance, m.bearing) }
                    }
                }
            }
            }
        }
    }

    /// The `k` nearest slots matching `predicate` within `limit`, nearest first, with
    /// exact distances (see ``NearestSearch``).
    func nearest(to observer: GeodesicObserver, k: Int, limit: Double, hidden: Set<Int32>,
                 where predicate: RecordPredicate) -> [(slot: Int, distance: Double, bearing: Double)] {
        guard k > 0, let root = tree.root else { return [] }
        return tree.withBuffers { tree in
            earth.withUnsafeBufferPointer { earth in
                chordBoxes.values.withUnsafeBufferPointer { chord in
                    var search = NearestSearch(set: self, observer: observer, tree: tree, chord: chord.baseAddress!,
                                               earth: earth, k: k, limit: limit, hidden: hidden, predicate: predicate)
                    defer { search.release() }
                    return search.run(from: root)
                }
            }
        }
    }
}

/// Best-first k-nearest search over one feature set (branch and bound).
///
/// Nodes wait in a queue keyed by their chord lower bound (see ``ChordBoxes``). Points are measured as
/// soon as their node opens (the closed form costs less than queueing them); lines,
/// polygons and far points wait in the queue under their box's bound until they come
/// up. The k nearest measured so far are kept sorted, and the k-th of them caps what may
/// enter the queue; the search ends when the queue's least bound exceeds that cap.
struct NearestSearch {
    let set: FeatureSet
    let observer: GeodesicObserver
    let tree: PackedRTree.Buffers
    let chord: UnsafePointer<Float>
    let earth: UnsafeBufferPointer<EarthPoint>
    let k: Int
    var limit: Double
    let hidden: Set<Int32>
    let predicate: RecordPredicate
    private let checkHidden: Bool
    private let filter: Bool
    /// The filter's answer per slot, when the set keeps it (``FeatureSet/matching(_:)``).
    private let passing: [UInt64]?
    private var queue = MinHeap()
    /// The k nearest measured so far, nearest first; bearings where already known (NaN
    /// for points, whose bearing costs an atan2 only if they make the answer).
    private var best: [(slot: Int, distance: Double, bearing: Double)] = []

    init(set: FeatureSet, observer: GeodesicObserver, tree: PackedRTree.Buffers, chord: UnsafePointer<Float>,
         earth: UnsafeBufferPointer<EarthPoint>, k: Int, limit: Double, hidden: Set<Int32>, predicate: RecordPredicate) {
        self.set = set
        self.observer = observer
        self.tree = tree
        self.chord = chord
        self.earth = earth
        self.k = k
        self.limit = limit
        self.hidden = hidden
        self.predicate = predicate
        checkHidden = !hidden.isEmpty
        filter = !predicate.isAlways
        passing = filter ? set.matching(predicate) : nil
        best.reserveCapacity(min(k, 64) + 1)
    }

    func release() { queue.release() }

    mutating func run(from root: (position: Int, level: Int)) -> [(slot: Int, distance: Double, bearing: Double)] {
        if root.level == 0 { enqueueLeaf(root.position) } else { queue.push(bound(root.position), QueueEntry.node(root.position, root.level)) }
        while let (key, payload) = queue.pop() {
            if key > limit { break }
            let entry = QueueEntry(payload)
            if entry.kind == .bounded {
                let m = set.measure(entry.position, from: observer)
                measured(entry.position, m.distance, bearing: m.bearing)
                continue
            }
            let children = tree.children(of: entry.position, level: entry.level)
            if entry.level == 1 {
                for child in children { enqueueLeaf(child) }
            } else {
                let limitSquared = limit * limit
                for child in children {
                    let b2 = boundSquared(child)
                    if b2 <= limitSquared { queue.push(b2.squareRoot(), QueueEntry.node(child, entry.level - 1)) }
                }
            }
        }
        return best
    }

    private func bound(_ p: Int) -> Double { boundSquared(p).squareRoot() }

    private func boundSquared(_ p: Int) -> Double { observer.chordBoundSquared(chord + 6 * p) }

    private mutating func enqueueLeaf(_ slot: Int) {
        if checkHidden && hidden.contains(Int32(slot)) { return }
        let e = earth[slot]
        if e.isPoint {
            // The chord never exceeds the geodesic: most leaves are dismissed on it alone,
            // before their values are read for the filter (reading them first cost more).
            guard observer.chordSquared(e) <= limit * limit else { return }
            if filter && !passes(slot) { return }
            if let (d, _, _) = observer.closedForm(e) { measured(slot, d); return }
        } else {
            guard boundSquared(slot) <= limit * limit else { return }
            if filter && !passes(slot) { return }
        }
        let b2 = boundSquared(slot)
        if b2 <= limit * limit { queue.push(b2.squareRoot(), QueueEntry.bounded(slot)) }
    }

    private func passes(_ slot: Int) -> Bool {
        if let passing { return passing[slot >> 6] & (1 << UInt64(slot & 63)) != 0 }
        return predicate.matches(set.record(slot))
    }

    private mutating func measured(_ slot: Int, _ distance: Double, bearing: Double = .nan) {
        guard distance <= limit else { return }
        var i = best.count
        best.append((slot, distance, bearing))
        while i > 0 && best[i - 1].distance > distance {
            best[i] = best[i - 1]
            i -= 1
        }
        best[i] = (slot, distance, bearing)
        if best.count > k { best.removeLast() }
        if best.count == k { limit = min(limit, best[k - 1].distance) }
    }
}

/// A queue entry of nearest-neighbour search, packed into one integer.
private struct QueueEntry {
    enum Kind: Int64 { case node = 0, bounded = 1 }
    var kind: Kind
    var level: Int
    var position: Int

    init(_ payload: Int64) {
        kind = Kind(rawValue: payload >> 40) ?? .node
        level = Int((payload >> 32) & 0xFF)
        position = Int(payload & 0xFFFF_FFFF)
    }

    static func node(_ position: Int, _ level: Int) -> Int64 { Kind.node.rawValue << 40 | Int64(level) << 32 | Int64(position) }
    static func bounded(_ position: Int) -> Int64 { Kind.bounded.rawValue << 40 | Int64(position) }
}
