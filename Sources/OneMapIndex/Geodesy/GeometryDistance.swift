import Foundation
import OneMapGeometry

extension GeodesicObserver {
    /// Distance and bearing from the origin to the nearest point of `geometry`; zero
    /// (bearing 0) when the origin lies inside one of its polygons.
    ///
    /// Vertices are measured exactly (see ``measure(_:_:)``) and placed in the azimuthal
    /// equidistant plane centred on the origin, where distances from the centre are true;
    /// the nearest point of each segment is found in that plane. At a vertex the answer is
    /// exact; inside a segment the plane's straight chord stands in for the edge: within
    /// 1 mm of dense geodesic sampling for edges up to 1.5 km (tested), some centimetres
    /// for 20 km edges, which lon/lat polygons do not draw as geodesics either.
    public func measure(_ geometry: Geometry) -> Measurement {
        var best = Measurement(distance: .infinity, bearing: 0)
        visit(geometry, &best)
        return best
    }

    private func visit(_ geometry: Geometry, _ best: inout Measurement) {
        switch geometry {
        case .point(let c):
            keep(measure(c), &best)
        case .multiPoint(let cs):
            for c in cs { keep(measure(c), &best) }
        case .lineString(let line):
            nearestOnPath(line, &best)
        case .multiLineString(let lines):
            for line in lines { nearestOnPath(line, &best) }
        case .polygon(let rings):
            polygon(rings, &best)
        case .multiPolygon(let polygons):
            for rings in polygons { polygon(rings, &best) }
        case .geometryCollection(let parts):
            for part in parts { visit(part, &best) }
        }
    }

    private func polygon(_ rings: [Ring], _ best: inout Measurement) {
        if PlanarRing.polygonContains(rings, origin) {
            best = Measurement(distance: 0, bearing: 0)
            return
        }
        for ring in rings { nearestOnPath(ring, &best) }
    }

    private func keep(_ m: Measurement, _ best: inout Measurement) {
        if m.distance < best.distance { best = m }
    }

    private func nearestOnPath(_ path: [Coordinate], _ best: inout Measurement) {
        guard var previous = path.first.map(plane) else { return }
        if path.count == 1 { keep(measure(path[0]), &best) }
        for c in path.dropFirst() {
            let next = plane(c)
            let dx = next.x - previous.x, dy = next.y - previous.y
            let lengthSquared = dx * dx + dy * dy
            var t = lengthSquared > 0 ? -(previous.x * dx + previous.y * dy) / lengthSquared : 0
            t = min(1, max(0, t))
            let px = previous.x + t * dx, py = previous.y + t * dy
            let distance = (px * px + py * py).squareRoot()
            if distance < best.distance {
                var bearing = atan2(px, py) / WGS84.degrees
                if bearing < 0 { bearing += 360 }
                best = Measurement(distance: distance, bearing: distance == 0 ? 0 : bearing)
            }
            previous = next
        }
    }

    /// A vertex in the azimuthal equidistant plane centred on the origin (metres, y north).
    private func plane(_ c: Coordinate) -> (x: Double, y: Double) {
        let m = measure(c)
        let b = m.bearing * WGS84.degrees
        return (m.distance * sin(b), m.distance * cos(b))
    }
}

/// Point-in-polygon on lon/lat as the planar GeoPackage/OGC model reads a polygon.
enum PlanarRing {
    /// Inside the exterior ring and outside every hole; a point on an edge counts as inside.
    static func polygonContains(_ rings: [Ring], _ p: Coordinate) -> Bool {
        guard let exterior = rings.first, contains(exterior, p) else { return false }
        for hole in rings.dropFirst() where contains(hole, p) && !onBoundary(hole, p) { return false }
        return true
    }

    /// Even–odd crossing test, with points on the boundary counted as inside.
    static func contains(_ ring: Ring, _ p: Coordinate) -> Bool {
        guard ring.count >= 3 else { return false }
        if onBoundary(ring, p) { return true }
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let a = ring[i], b = ring[j]
            if (a.y > p.y) != (b.y > p.y) {
                let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y)
                if p.x < x { inside.toggle() }
            }
            j = i
        }
        return inside
    }

    static func onBoundary(_ ring: Ring, _ p: Coordinate) -> Bool {
        guard var a = ring.last else { return false }
        for b in ring {
            let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
            if cross == 0, p.x >= min(a.x, b.x), p.x <= max(a.x, b.x), p.y >= min(a.y, b.y), p.y <= max(a.y, b.y) {
                return true
            }
            a = b
        }
        return false
    }
}
