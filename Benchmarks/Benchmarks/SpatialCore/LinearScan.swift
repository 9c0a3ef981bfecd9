import OneMap

/// The brute-force peer: every feature examined, with the index's own exact distance, and
/// only the cheap chord test (a lower bound) to skip the far ones.
enum LinearScan {
    /// A feature as the scan sees it: a point with its ECEF form, or another geometry.
    struct Located: Sendable {
        var coordinate: Coordinate
        var earth: EarthPoint
        var shape: Geometry?

        init(_ record: LayerRecord) {
            if case .point(let c) = record.geometry {
                coordinate = c
                shape = nil
            } else {
                coordinate = record.geometry.boundingBox!.center
                shape = record.geometry
            }
            earth = EarthPoint(coordinate)
        }
    }

    static func distance(_ item: Located, _ observer: GeodesicObserver) -> Double {
        if let shape = item.shape { return observer.measure(shape).distance }
        return observer.distance(item.coordinate, item.earth)
    }

    static func nearest(_ items: [Located], _ p: Coordinate, k: Int) -> [Double] {
        let observer = GeodesicObserver(p)
        let origin = observer.earthPoint
        var best: [Double] = []
        // Points in chord order, stopping once the chord exceeds the k-th exact distance;
        // other shapes measured one by one.
        let order = items.indices.filter { items[$0].shape == nil }
            .map { (items[$0].earth.chordDistance(to: origin), $0) }.sorted { $0.0 < $1.0 }
        for item in items where item.shape != nil {
            best.append(distance(item, observer))
            best.sort()
            if best.count > k { best.removeLast() }
        }
        for (chord, i) in order {
            if best.count == k, chord > best[k - 1] { break }
            best.append(distance(items[i], observer))
            best.sort()
            if best.count > k { best.removeLast() }
        }
        return best
    }

    static func within(_ items: [Located], _ p: Coordinate, radius: Double) -> Int {
        let observer = GeodesicObserver(p)
        let origin = observer.earthPoint
        var n = 0
        for item in items where item.shape != nil || item.earth.chordDistance(to: origin) <= radius {
            if distance(item, observer) <= radius { n += 1 }
        }
        return n
    }
}

