import OneMapGeometry

/// A layer's searches: the base (without its hidden slots) and the overlay, combined.
extension LayerState {
    /// Every live feature whose bounding box meets `box`.
    func forEach(meeting box: BoundingBox, _ body: (FeatureRef) -> Void) {
        base.forEach(meeting: box, hidden: hidden) { body(FeatureRef(inOverlay: false, slot: Int32($0))) }
        overlay.forEach(meeting: box, hidden: []) { body(FeatureRef(inOverlay: true, slot: Int32($0))) }
    }

    func measure(_ ref: FeatureRef, from observer: GeodesicObserver) -> Measurement {
        set(ref.inOverlay).measure(Int(ref.slot), from: observer)
    }

    /// Every live feature matching `predicate` whose geodesic distance from the observer is
    /// at most `radius`, with that distance (and the bearing where already known, else NaN). Nodes are pruned by the great-circle lower bound.
    func forEach(within radius: Double, of observer: GeodesicObserver, where predicate: RecordPredicate,
                 _ body: (FeatureRef, Double, Double) -> Void) {
        let limit = radius + boundaryTolerance
        base.forEach(within: limit, of: observer, hidden: hidden, where: predicate) {
            body(FeatureRef(inOverlay: false, slot: Int32($0)), $1, $2)
        }
        overlay.forEach(within: limit, of: observer, hidden: [], where: predicate) {
            body(FeatureRef(inOverlay: true, slot: Int32($0)), $1, $2)
        }
    }

    /// The `k` live features nearest the observer that match `predicate` and lie within
    /// `maxDistance`, nearest first, with exact distances and bearings: the best of the
    /// base's and the overlay's own k nearest.
    func nearest(to observer: GeodesicObserver, k: Int, maxDistance: Double = .infinity,
                 where predicate: RecordPredicate) -> [(FeatureRef, Measurement)] {
        let limit = maxDistance + boundaryTolerance
        var ranked = base.nearest(to: observer, k: k, limit: limit, hidden: hidden, where: predicate)
            .map { (FeatureRef(inOverlay: false, slot: Int32($0.slot)), $0.distance, $0.bearing) }
        if overlay.count > 0 {
            ranked += overlay.nearest(to: observer, k: k, limit: limit, hidden: [], where: predicate)
                .map { (FeatureRef(inOverlay: true, slot: Int32($0.slot)), $0.distance, $0.bearing) }
            ranked.sort { $0.1 < $1.1 }
            if ranked.count > k { ranked.removeLast(ranked.count - k) }
        }
        return ranked.map { ref, distance, bearing in
            // Points were ranked on distance alone; their bearing is one closed form away.
            let b = bearing.isNaN ? measure(ref, from: observer).bearing : bearing
            return (ref, Measurement(distance: distance, bearing: b))
        }
    }
}
