import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// A place a new shelter, depot or fire station could go.
public struct CandidateSite: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var point: Coordinate
    /// Persons it could hold (shelters), if the candidate says.
    public var capacity: Double?
    /// Effective area in m², if the candidate says.
    public var area: Double?

    public init(id: String, name: String? = nil, point: Coordinate, capacity: Double? = nil, area: Double? = nil) {
        self.id = id
        self.name = name
        self.point = point
        self.capacity = capacity
        self.area = area
    }
}

/// Candidate sites: given by the planner, or a lattice over the open land of the district.
public enum CandidateSites {
    /// Sites kept, and how many were left out for each reason.
    public struct Screened: Sendable {
        public var sites: [CandidateSite]
        public var excluded: [String: Int]
        /// Lattice spacing in metres (nil for given candidates).
        public var spacing: Double?
    }

    /// The district boundary: its `admin_units` of level district, else the union of its
    /// grids; cut to `area` when one is given.
    public static func boundary(_ snapshot: IndexSnapshot, within area: BoundingBox? = nil) throws -> Geometry? {
        let level = Layer.adminUnits.columnIndex("level")
        var parts: [Geometry] = []
        if snapshot.loadedLayers.contains(.adminUnits) {
            parts = try snapshot.allFeatures(.adminUnits).filter { $0.value(level) == .text("district") }.map(\.geometry)
        }
        if parts.isEmpty, snapshot.loadedLayers.contains(.grids) { parts = try snapshot.allFeatures(.grids).map(\.geometry) }
        guard !parts.isEmpty else { return nil }
        let context = GEOSContext()
        return try PlanArea.clip(parts.count == 1 ? parts[0] : try context.union(parts), to: area, context: context)
    }

    /// Lattice points every `spacing` metres inside the boundary (coarsened to at most
    /// about `maxCount`), each moved onto its nearest road, then screened by
    /// ``screen(_:snapshot:standards:roads:avoidHazards:)``.
    public static func lattice(_ snapshot: IndexSnapshot, spacing: Double, maxCount: Int, standards: PlanningStandards,
                               roads: RoadGraph?, avoidHazards: Bool, within area: BoundingBox? = nil) throws -> Screened {
        guard let boundary = try boundary(snapshot, within: area),
              let lattice = try Lattice(inside: boundary, spacing: spacing, maxCount: maxCount, context: GEOSContext()) else {
            return Screened(sites: [], excluded: [:])
        }
        let step = lattice.step
        let sites = lattice.points.map { CandidateSite(id: "L\($0.row)-\($0.column)", point: lattice.frame.toDegrees($0.metres)) }
        // A lattice point moves onto its nearest road when one is within half the spacing (a
        // site must be reachable; on a coarse city lattice, few points fall next to a road).
        var moved: [CandidateSite] = []
        var farFromRoads = 0
        let reach = max(standards.candidateRoadDistance, step / 2)
        for var site in sites {
            if let roads {
                let snap = try roads.snap(site.point)
                guard snap.distance <= reach else { farFromRoads += 1; continue }
                site.point = snap.point
            }
            moved.append(site)
        }
        var screened = try screen(moved, snapshot: snapshot, standards: standards, roads: roads, avoidHazards: avoidHazards)
        if farFromRoads > 0 { screened.excluded["no road within \(Int(reach)) m", default: 0] += farFromRoads }
        screened.spacing = step
        return screened
    }

    /// Keeps the sites a road reaches (within `candidateRoadDistance` of one) and, when
    /// `avoidHazards`, that keep the siting distances (GB 50413-2007): 1,000 m from major
    /// hazard sources, 30 m from any open hazard, and every hazard's impact distance.
    public static func screen(_ sites: [CandidateSite], snapshot: IndexSnapshot, standards: PlanningStandards,
                              roads: RoadGraph?, avoidHazards: Bool) throws -> Screened {
        let hazards = avoidHazards && snapshot.loadedLayers.contains(.hazards)
        let (major, ordinary) = (standards.majorHazardDistance, standards.ordinaryHazardDistance)
        let farthest = hazards ? HazardClearance.farthest(try snapshot.allFeatures(.hazards), majorDistance: major, ordinaryDistance: ordinary) : 0
        var kept: [CandidateSite] = []
        var excluded: [String: Int] = [:]
        for site in sites {
            if let roads, try roads.snap(site.point).distance > standards.candidateRoadDistance {
                excluded["no road within \(Int(standards.candidateRoadDistance)) m", default: 0] += 1
                continue
            }
            if hazards {
                let observer = GeodesicObserver(site.point)
                let box = BoundingBox(minX: site.point.x, minY: site.point.y, maxX: site.point.x, maxY: site.point.y).widened(byMetres: farthest)
                var reason: String?
                for hit in try snapshot.features(.hazards, in: box) where HazardClearance.isOpen(hit.record) {
                    let distance = observer.measure(hit.record.geometry).distance
                    let broken = HazardClearance.rules(hit.record, majorDistance: major, ordinaryDistance: ordinary).filter { distance < $0.distance }
                    if broken.isEmpty { continue }
                    if broken.contains(where: { $0.rule == HazardClearance.major }) {
                        reason = "within \(Int(major)) m of a major hazard source"
                        break
                    }
                    reason = "within a hazard's safety distance"
                }
                if let reason {
                    excluded[reason, default: 0] += 1
                    continue
                }
            }
            kept.append(site)
        }
        return Screened(sites: kept, excluded: excluded)
    }

    /// Candidates from a GeoJSON file of points (or polygons, at their point-on-surface),
    /// with `name`, `capacity` and `effective_area_m2` properties where given.
    public static func read(geoJSON path: String) throws -> [CandidateSite] {
        try read(try GeoJSONFeatureReader(path: path))
    }

    /// Candidates from GeoJSON bytes (a request body).
    public static func read(geoJSON bytes: [UInt8]) throws -> [CandidateSite] {
        try read(GeoJSONFeatureReader(bytes: bytes))
    }

    /// A candidate file OneMap cannot use, naming the feature at fault.
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public var feature: String
        public var reason: String
        public var description: String { "candidate \(feature): \(reason)" }
    }

    static func read(_ reader: GeoJSONFeatureReader) throws -> [CandidateSite] {
        let context = GEOSContext()
        var sites: [CandidateSite] = []
        // The legacy `crs` member (EPSG:4547 Gauss–Krüger metres, say) is honoured, as the
        // importer does; without one, coordinates must be lon/lat.
        var transform: CoordinateTransform?
        while let located = try reader.next() {
            let f = located.feature
            let label = f.id.map { "\"\($0)\"" } ?? "#\(located.index)"
            if transform == nil {
                let crs: CoordinateReferenceSystem
                do { crs = try reader.declaredCRSName.map(CoordinateReferenceSystem.parse) ?? .wgs84 } catch {
                    throw ReadError(feature: label, reason: "the file declares CRS \"\(reader.declaredCRSName!)\", which OneMap cannot read")
                }
                transform = try CoordinateTransform(from: crs)
            }
            let geometry: Geometry
            do { geometry = try transform!.toWGS84(f.geometry) } catch { throw ReadError(feature: label, reason: "\(error)") }
            let point: Coordinate
            if case .point(let c) = geometry {
                point = c
            } else {
                guard try context.isValid(geometry) else {
                    throw ReadError(feature: label, reason: "invalid geometry: \(try context.validityReason(geometry))")
                }
                point = try context.pointOnSurface(geometry)
            }
            func property(_ names: String...) -> JSONValue? { f.properties.first { names.contains($0.key) }?.value }
            func number(_ names: String...) -> Double? {
                guard let v = f.properties.first(where: { names.contains($0.key) })?.value else { return nil }
                if case .number(let n) = v { return n }
                if case .string(let s) = v { return DecimalText.number(s) }
                return nil
            }
            var name: String?
            if case .string(let s) = property("name", "名称") { name = s }
            sites.append(CandidateSite(id: f.id ?? "C\(located.index)", name: name, point: point,
                                       capacity: number("capacity", "容量"), area: number("effective_area_m2", "area_m2")))
        }
        return sites
    }
}
