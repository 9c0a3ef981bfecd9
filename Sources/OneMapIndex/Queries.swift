import OneMapGeometry
import OneMapStorage

/// One feature a query found; distance queries also give the geodesic distance in metres
/// and the bearing in degrees from the query point to the feature's nearest point.
///
/// A hit refers to its feature inside the snapshot it came from and fetches the record
/// only when asked: a query returning hundreds of features copies none of them.
public struct Hit: Sendable, Equatable {
    let owner: FeatureSet
    let slot: Int32
    public var distance: Double?
    public var bearing: Double?

    init(_ state: LayerState, _ ref: FeatureRef, distance: Double? = nil, bearing: Double? = nil) {
        owner = state.set(ref.inOverlay)
        slot = ref.slot
        self.distance = distance
        self.bearing = bearing
    }

    /// The feature's record, as the snapshot holds it.
    public var record: LayerRecord { owner.record(Int(slot)) }

    public static func == (a: Hit, b: Hit) -> Bool {
        a.record == b.record && a.distance == b.distance && a.bearing == b.bearing
    }

    /// The hit as a GeoJSON feature: the record, then `distance_m` (to the millimetre)
    /// and `bearing_deg` (to 0.01°) when measured.
    public func feature(in layer: Layer) -> Feature {
        var feature = record.feature(in: layer)
        if let distance { feature.properties.append(JSONMember("distance_m", .number((distance * 1000).rounded() / 1000))) }
        if let bearing { feature.properties.append(JSONMember("bearing_deg", .number((bearing * 100).rounded() / 100))) }
        return feature
    }

    /// Writes ``feature(in:)`` (then `more` properties) straight into `out`: the same bytes
    /// as `GeoJSONWriter.write` of it, without building it.
    public func write(in layer: Layer, more: (inout [UInt8], inout Bool) -> Void = { _, _ in }, into out: inout [UInt8]) {
        var first: Bool
        if let start = owner.encodedStart(Int(slot), layer: layer) {
            out.append(contentsOf: start)
            first = start.last == UInt8(ascii: "{")
        } else {
            first = record.writeFeatureStart(in: layer, into: &out)
        }
        if let distance { Hit.member("distance_m", (distance * 1000).rounded() / 1000, into: &out, first: &first) }
        if let bearing { Hit.member("bearing_deg", (bearing * 100).rounded() / 100, into: &out, first: &first) }
        more(&out, &first)
        out.append(contentsOf: "}}".utf8)
    }

    /// Writes `,"name":number` (no comma before the first member).
    public static func member(_ name: String, _ value: Double, into out: inout [UInt8], first: inout Bool) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        JSONWriter.writeKey(name, into: &out)
        JSONWriter.writeNumber(value, into: &out)
    }
}

/// How a feature must relate to a query area.
public enum SpatialRelation: String, Sendable, CaseIterable {
    /// Wholly inside the area (the OGC `within`: a point on the boundary is not inside).
    case within
    /// Sharing at least one point with the area, boundary included.
    case intersects
}

extension IndexSnapshot {
    /// Features whose geometry meets the lon/lat box (edges included).
    public func features(_ layer: Layer, in box: BoundingBox, where filters: [AttributeFilter] = []) throws -> [Hit] {
        try QueryCheck.box(box)
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        var candidates: [FeatureRef] = []
        state.forEach(meeting: box) { ref in
            if predicate.isAlways || predicate.matches(state.record(ref)) { candidates.append(ref) }
        }
        // A point whose box meets the query box is inside it; other shapes are tested
        // exactly, with GEOS set up only when one turns up.
        var prepared: PreparedGeometry?  // keeps its GEOS context alive
        var hits: [Hit] = []
        for ref in candidates {
            if state.set(ref.inOverlay).isPoint(Int(ref.slot)) {
                hits.append(Hit(state, ref))
                continue
            }
            if prepared == nil { prepared = try GEOSContext().prepare(box.polygon) }
            if try prepared!.intersects(state.record(ref).geometry) { hits.append(Hit(state, ref)) }
        }
        return hits
    }

    /// Features within `radius` metres (geodesic) of `point`, nearest first (ties by id).
    /// A feature exactly on the circle is inside. `limit` keeps only the nearest ones.
    public func features(_ layer: Layer, within radius: Double, of point: Coordinate,
                         where filters: [AttributeFilter] = [], limit: Int? = nil) throws -> [Hit] {
        try QueryCheck.point(point)
        try QueryCheck.radius(radius)
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        return Self.within(state, radius, GeodesicObserver(point), predicate, limit)
    }

    /// Number of features within `radius` metres of `point` (the radius query without
    /// building results: what a density or a count needs).
    public func count(_ layer: Layer, within radius: Double, of point: Coordinate,
                      where filters: [AttributeFilter] = []) throws -> Int {
        try QueryCheck.point(point)
        try QueryCheck.radius(radius)
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        var n = 0
        state.forEach(within: radius, of: GeodesicObserver(point), where: predicate) { _, _, _ in n += 1 }
        return n
    }

    /// Features inside, or meeting, a polygonal area (a drawn area, a subdistrict).
    public func features(_ layer: Layer, inside area: Geometry, relation: SpatialRelation = .within,
                         where filters: [AttributeFilter] = []) throws -> [Hit] {
        let context = GEOSContext()
        try QueryCheck.area(area, context)
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        return try Self.features(state, inside: area, relation: relation, predicate: predicate, context: context)
    }

    /// Features inside, or meeting, the grid cell with `code`.
    public func features(_ layer: Layer, inGrid code: String, relation: SpatialRelation = .within,
                         where filters: [AttributeFilter] = []) throws -> [Hit] {
        let grid = try self.grid(code: code)
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        return try Self.features(state, inside: grid.geometry, relation: relation, predicate: predicate, context: GEOSContext())
    }

    /// The grid cell with `code`.
    public func grid(code: String) throws -> LayerRecord {
        let grids = try state(.grids)
        guard let ref = grids.ref(gridCode: code) else { throw QueryError.unknownGrid(code) }
        return grids.record(ref)
    }

    /// The `k` features of `layer` nearest `point` that match the filters, nearest first,
    /// with exact geodesic distances (to the nearest point of lines and polygons; zero
    /// inside a polygon) and bearings. `maxDistance` stops the search early.
    public func nearest(_ layer: Layer, to point: Coordinate, k: Int, maxDistance: Double = .infinity,
                        where filters: [AttributeFilter] = []) throws -> [Hit] {
        try QueryCheck.point(point)
        try QueryCheck.count(k)
        if maxDistance != .infinity { try QueryCheck.radius(maxDistance, name: "max_distance") }
        let state = try state(layer)
        let predicate = try RecordPredicate(filters, layer: layer)
        return state.nearest(to: GeodesicObserver(point), k: k, maxDistance: maxDistance, where: predicate).map { ref, m in
            Hit(state, ref, distance: m.distance, bearing: m.bearing)
        }
    }

    static func features(_ state: LayerState, inside area: Geometry, relation: SpatialRelation,
                         predicate: RecordPredicate, context: GEOSContext) throws -> [Hit] {
        guard let box = area.boundingBox else { return [] }
        var candidates: [FeatureRef] = []
        state.forEach(meeting: box) { ref in
            if predicate.isAlways || predicate.matches(state.record(ref)) { candidates.append(ref) }
        }
        guard !candidates.isEmpty else { return [] }
        let prepared = try context.prepare(area)
        var hits: [Hit] = []
        for ref in candidates {
            let inside: Bool
            switch (relation, state.record(ref).geometry) {
            case (.within, .point(let c)): inside = try prepared.contains(c)
            case (.intersects, .point(let c)): inside = try prepared.intersects(c)
            case (.within, let g): inside = try prepared.contains(g)
            case (.intersects, let g): inside = try prepared.intersects(g)
            }
            if inside { hits.append(Hit(state, ref)) }
        }
        return hits
    }
}

extension BoundingBox {
    /// The box as a closed polygon ring (for exact tests against it).
    public var polygon: Geometry {
        .polygon([[Coordinate(minX, minY), Coordinate(maxX, minY), Coordinate(maxX, maxY),
                   Coordinate(minX, maxY), Coordinate(minX, minY)]])
    }
}

/// Parameter checks shared by every query, each failing with the parameter named.
enum QueryCheck {
    static func point(_ p: Coordinate) throws(QueryError) {
        guard p.lon.isFinite, p.lat.isFinite, (-180...180).contains(p.lon) else {
            throw .badParameter(name: "lon", reason: "\(p.lon) is outside −180…180")
        }
        guard (-90...90).contains(p.lat) else { throw .badParameter(name: "lat", reason: "\(p.lat) is outside −90…90") }
    }

    static func radius(_ r: Double, name: String = "radius") throws(QueryError) {
        guard r.isFinite, r >= 0 else { throw .badParameter(name: name, reason: "\(r) is not a distance in metres ≥ 0") }
    }

    static func count(_ k: Int) throws(QueryError) {
        guard (1...10_000).contains(k) else { throw .badParameter(name: "k", reason: "\(k) is outside 1…10000") }
    }

    static func box(_ b: BoundingBox) throws(QueryError) {
        guard [b.minX, b.minY, b.maxX, b.maxY].allSatisfy(\.isFinite) else {
            throw .badParameter(name: "bbox", reason: "coordinates must be finite numbers")
        }
        guard b.minX <= b.maxX, b.minY <= b.maxY else {
            throw .badParameter(name: "bbox", reason: "min must not exceed max (minLon,minLat,maxLon,maxLat)")
        }
        guard b.minX >= -180, b.maxX <= 180, b.minY >= -90, b.maxY <= 90 else {
            throw .badParameter(name: "bbox", reason: "outside lon −180…180, lat −90…90")
        }
    }

    static func area(_ g: Geometry, _ context: GEOSContext) throws {
        switch g {
        case .polygon, .multiPolygon: break
        default: throw QueryError.badParameter(name: "area", reason: "must be a Polygon or MultiPolygon, not a \(g.typeName)")
        }
        guard let box = g.boundingBox else { throw QueryError.badParameter(name: "area", reason: "the polygon is empty") }
        try Self.box(box)
        guard try context.isValid(g) else {
            throw QueryError.badParameter(name: "area", reason: "invalid polygon: \(try context.validityReason(g))")
        }
    }
}

extension IndexSnapshot {
    /// Calls `body` with every feature of `layer` whose bounding box meets `box`, without
    /// the exact test: what drawing needs (the canvas clips whatever falls outside). A
    /// layer that is not loaded has nothing to give.
    public func forEachCandidate(_ layer: Layer, meeting box: BoundingBox, _ body: (LayerRecord) -> Void) {
        guard let state = layers[layer] else { return }
        state.forEach(meeting: box) { body(state.record($0)) }
    }
}

extension IndexSnapshot {
    /// Positions, in the order the records were given to the index, of the features of
    /// `layer` whose boxes meet `box`. Only for a layer that no change has touched since
    /// it was built (positions are then stable): an index built for one fixed set, such
    /// as the risk model's areas, which then needs no id lookups.
    public func forEachCandidatePosition(_ layer: Layer, meeting box: BoundingBox, _ body: (Int) -> Void) {
        guard let state = layers[layer] else { return }
        precondition(state.overlay.count == 0 && state.hidden.isEmpty, "positions are stable only in an unchanged layer")
        let order = state.base.tree.order
        state.base.forEach(meeting: box, hidden: []) { body(Int(order[$0])) }
    }
}

extension IndexSnapshot {
    /// Every live feature of `layer` that matches the filters (checked against the
    /// layer's columns and vocabularies like any query's), in the layer's order.
    public func allFeatures(_ layer: Layer, where filters: [AttributeFilter]) throws(QueryError) -> [LayerRecord] {
        let predicate = try RecordPredicate(filters, layer: layer)
        let all = try allFeatures(layer)
        return predicate.isAlways ? all : all.filter { predicate.matches($0) }
    }
}
