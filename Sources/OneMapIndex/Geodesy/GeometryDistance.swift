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
        var vertices: [EarthPoint] = []
        geometry.forEachCoordinate { vertices.append(EarthPoint($0)) }
        return vertices.withUnsafeBufferPointer { measure(geometry, vertices: $0) }
    }

    /// As ``measure(_:)``, with the ECEF form of every vertex given in
    /// `forEachCoordinate` order (the index keeps them, saving the trigonometry).
    func measure(_ geometry: Geometry, vertices: UnsafeBufferPointer<EarthPoint>) -> Measurement {
        var walk = VertexWalk(observer: self, vertices: vertices)
        walk.visit(geometry)
        return walk.best
    }
}

/// One pass over a geometry's vertices, keeping the nearest point found so far.
private struct VertexWalk {
    let observer: GeodesicObserver
    let vertices: UnsafeBufferPointer<EarthPoint>
    var next = 0
    /// Nearest point so far in the plane (squared distance), and any exact point measure.
    var bestSquared = Double.infinity
    var nearestX = 0.0, nearestY = 0.0
    var pointBest = Measurement(distance: .infinity, bearing: 0)
    var inside = false

    var best: Measurement {
        if inside { return Measurement(distance: 0, bearing: 0) }
        let d = bestSquared.squareRoot()
        if pointBest.distance <= d { return pointBest }
        var bearing = atan2(nearestX, nearestY) / WGS84.degrees
        if bearing < 0 { bearing += 360 }
        return Measurement(distance: d, bearing: d == 0 ? 0 : bearing)
    }

    init(observer: GeodesicObserver, vertices: UnsafeBufferPointer<EarthPoint>) {
        self.observer = observer
        self.vertices = vertices
    }

    mutating func visit(_ geometry: Geometry) {
        switch geometry {
        case .point(let c):
            point(c)
        case .multiPoint(let cs):
            for c in cs { point(c) }
        case .lineString(let line):
            path(line)
        case .multiLineString(let lines):
            for line in lines { path(line) }
        case .polygon(let rings):
            polygon(rings)
        case .multiPolygon(let polygons):
            for rings in polygons { polygon(rings) }
        case .geometryCollection(let parts):
            for part in parts { visit(part) }
        }
    }

    private mutating func point(_ c: Coordinate) {
        let m = observer.measure(c, vertices[next])
        next += 1
        if m.distance < pointBest.distance { pointBest = m }
    }

    private mutating func polygon(_ rings: [Ring]) {
        if PlanarRing.polygonContains(rings, observer.origin) {
            inside = true
            for ring in rings { next += ring.count }
            return
        }
        for ring in rings { path(ring) }
    }

    private mutating func path(_ path: [Coordinate]) {
        path.withUnsafeBufferPointer { walk($0) }
    }

    private mutating func walk(_ path: UnsafeBufferPointer<Coordinate>) {
        guard !path.isEmpty else { return }
        if path.count == 1 { point(path[0]); return }
        var previous = plane(path[0])
        for i in 1..<path.count {
            let current = plane(path[i])
            let dx = current.x - previous.x, dy = current.y - previous.y
            let lengthSquared = dx * dx + dy * dy
            var t = lengthSquared > 0 ? -(previous.x * dx + previous.y * dy) / lengthSquared : 0
            t = min(1, max(0, t))
            let px = previous.x + t * dx, py = previous.y + t * dy
            let distanceSquared = px * px + py * py
            if distanceSquared < bestSquared {
                bestSquared = distanceSquared
                nearestX = px
                nearestY = py
            }
            previous = current
        }
    }

    /// The next vertex in the azimuthal equidistant plane centred on the origin (metres,
    /// y north). Near vertices come from the chord's east/north direction, no trigonometry.
    private mutating func plane(_ c: Coordinate) -> (x: Double, y: Double) {
        let earth = vertices[next]
        next += 1
        if let (d, east, north) = observer.closedForm(earth) {
            let horizontal = (east * east + north * north).squareRoot()
            return horizontal > 0 ? (d * east / horizontal, d * north / horizontal) : (0, 0)
        }
        let m = observer.measure(c, earth)
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
