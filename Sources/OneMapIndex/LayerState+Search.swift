import OneMapGeometry

/// Inclusion slack at a radius query's boundary: a feature exactly on the circle (to the
/// metre's millionth, far below the 1e-9° ≈ 0.1 mm of stored coordinates) is inside.
let boundaryTolerance = 1e-6

extension LayerState {
    private func isLive(_ ref: FeatureRef) -> Bool {
        ref.inOverlay || hidden.isEmpty || !hidden.contains(ref.slot)
    }

    /// Every live feature whose bounding box meets `box`.
    func forEach(meeting box: BoundingBox, _ body: (FeatureRef) -> Void) {
        for inOverlay in [false, true] {
            set(inOverlay).tree.search(box) { position in
                let ref = FeatureRef(inOverlay: inOverlay, slot: Int32(position))
                if isLive(ref) { body(ref) }
            }
        }
    }

    func measure(_ ref: FeatureRef, from observer: GeodesicObserver) -> Measurement {
        let set = set(ref.inOverlay)
        let earth = set.earth[Int(ref.slot)]
        let record = set.records[Int(ref.slot)]
        if earth.isPoint, case .point(let c) = record.geometry { return observer.measure(c, earth) }
        return observer.measure(record.geometry)
    }

    func distance(_ ref: FeatureRef, from observer: GeodesicObserver) -> Double {
        let set = set(ref.inOverlay)
        let earth = set.earth[Int(ref.slot)]
        let record = set.records[Int(ref.slot)]
        if earth.isPoint, case .point(let c) = record.geometry { return observer.distance(c, earth) }
        return observer.measure(record.geometry).distance
    }

    /// Every live feature matching `predicate` whose geodesic distance from the observer is
    /// at most `radius`, with that distance. Nodes are pruned by the great-circle lower bound.
    func forEach(within radius: Double, of observer: GeodesicObserver, where predicate: RecordPredicate,
                 _ body: (FeatureRef, Double) -> Void) {
        let limit = radius + boundaryTolerance
        for inOverlay in [false, true] {
            let set = set(inOverlay)
            set.tree.search(admitting: { minX, minY, maxX, maxY in
                observer.lowerBound(minX: minX, minY: minY, maxX: maxX, maxY: maxY) <= limit
            }) { position in
                let ref = FeatureRef(inOverlay: inOverlay, slot: Int32(position))
                guard isLive(ref), predicate.isAlways || predicate.matches(set.records[position].values) else { return }
                let d = distance(ref, from: observer)
                if d <= limit { body(ref, d) }
            }
        }
    }

    /// The `k` live features nearest the observer that match `predicate` and lie within
    /// `maxDistance`, nearest first, with exact distances and bearings.
    ///
    /// Best-first search over both trees: nodes enter the queue keyed by their great-circle
    /// lower bound, features by their exact distance, so a feature leaving the queue is
    /// nearer than anything still in it.
    func nearest(to observer: GeodesicObserver, k: Int, maxDistance: Double = .infinity,
                 where predicate: RecordPredicate) -> [(FeatureRef, Measurement)] {
        guard k > 0 else { return [] }
        var queue = MinHeap()
        let limit = maxDistance + boundaryTolerance
        func enqueue(_ inOverlay: Bool, _ position: Int, level: Int) {
            let set = set(inOverlay)
            let b = set.tree.box(at: position)
            if level > 0 {
                let bound = observer.lowerBound(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY)
                if bound <= limit { queue.push(bound, Entry.node(inOverlay, position, level)) }
                return
            }
            let ref = FeatureRef(inOverlay: inOverlay, slot: Int32(position))
            guard isLive(ref), predicate.isAlways || predicate.matches(set.records[position].values) else { return }
            let earth = set.earth[position]
            if earth.isPoint, let (d, _, _) = observer.closedForm(earth) {
                if d <= limit { queue.push(d, Entry.measured(inOverlay, position)) }
            } else {
                let bound = observer.lowerBound(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY)
                if bound <= limit { queue.push(bound, Entry.bounded(inOverlay, position)) }
            }
        }
        for inOverlay in [false, true] {
            if let root = set(inOverlay).tree.root { enqueue(inOverlay, root.position, level: root.level) }
        }
        var found: [(FeatureRef, Measurement)] = []
        found.reserveCapacity(k)
        while let (key, payload) = queue.pop() {
            let entry = Entry(payload)
            switch entry.kind {
            case .node:
                let tree = set(entry.inOverlay).tree
                for child in tree.children(of: entry.position, level: entry.level) {
                    enqueue(entry.inOverlay, child, level: entry.level - 1)
                }
            case .bounded:
                let d = distance(FeatureRef(inOverlay: entry.inOverlay, slot: Int32(entry.position)), from: observer)
                if d <= limit { queue.push(d, Entry.measured(entry.inOverlay, entry.position)) }
            case .measured:
                let ref = FeatureRef(inOverlay: entry.inOverlay, slot: Int32(entry.position))
                var m = measure(ref, from: observer)
                m.distance = key
                found.append((ref, m))
                if found.count == k { return found }
            }
        }
        return found
    }
}

/// A queue entry of nearest-neighbour search, packed into one integer.
private struct Entry {
    enum Kind: Int64 { case node = 0, bounded = 1, measured = 2 }
    var kind: Kind
    var inOverlay: Bool
    var level: Int
    var position: Int

    init(_ payload: Int64) {
        kind = Kind(rawValue: payload >> 48) ?? .node
        inOverlay = (payload >> 40) & 1 == 1
        level = Int((payload >> 32) & 0xFF)
        position = Int(payload & 0xFFFF_FFFF)
    }

    static func node(_ inOverlay: Bool, _ position: Int, _ level: Int) -> Int64 {
        pack(.node, inOverlay, level, position)
    }
    static func bounded(_ inOverlay: Bool, _ position: Int) -> Int64 { pack(.bounded, inOverlay, 0, position) }
    static func measured(_ inOverlay: Bool, _ position: Int) -> Int64 { pack(.measured, inOverlay, 0, position) }

    private static func pack(_ kind: Kind, _ inOverlay: Bool, _ level: Int, _ position: Int) -> Int64 {
        kind.rawValue << 48 | (inOverlay ? 1 << 40 : 0) | Int64(level) << 32 | Int64(position)
    }
}
