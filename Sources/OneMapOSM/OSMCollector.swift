import Foundation
import OneMapGeometry
import OneMapStorage

/// Sorts OSM objects into OneMap features by the profile's tags, counting what came
/// from where for the summary.
struct OSMCollector {
    let profile: OSMProfile
    private let boundary: PreparedGeometry?
    private let geos = GEOSContext()
    private var residentialLanduse: [(box: BoundingBox, area: PreparedGeometry)] = []
    private var genericBuildings: [(geometry: Geometry, levels: Double?)] = []

    var roads: [Feature] = []
    var facilities: [Feature] = []
    var shelters: [Feature] = []
    var hazards: [Feature] = []
    var adminUnits: [Feature] = []
    var residentialBuildings: [(geometry: Geometry, floorArea: Double)] = []
    private(set) var roadExtent: BoundingBox?
    /// Summary counters: description → count.
    private var counted: [String: Int] = [:]
    private var order: [String] = []
    private var oneWay = 0, speeds = 0, droppedSpeeds = 0

    private static let maxspeedColumn = Layer.roads.column(named: "maxspeed_kmh")

    init(profile: OSMProfile, boundary: Geometry?) {
        self.profile = profile
        self.boundary = try? boundary.map { try GEOSContext().prepare($0) }
    }

    private mutating func count(_ key: String) {
        if counted[key] == nil { order.append(key) }
        counted[key, default: 0] += 1
    }

    private func inside(_ g: Geometry) -> Bool {
        guard let boundary else { return true }
        return (try? boundary.intersects(g)) ?? false
    }

    /// A URL-safe id from the OSM id: `way/123` → `way-123`.
    private static func id(_ object: OSMObject) -> String { object.id.replacingOccurrences(of: "/", with: "-") }

    /// Takes one object; one whose geometry GEOS cannot use (an extract cuts relations
    /// apart) is skipped and counted, never the end of the build.
    mutating func take(_ object: OSMObject, from layer: String) {
        var object = object
        do {
            // Outlines cut at the extract's edge can have degenerate or crossing rings.
            guard let repaired = try GeometryRepair.polygonalRepaired(object.geometry, context: geos) else {
                count("skipped: outlines with no area left after repair")
                return
            }
            object.geometry = repaired
            try classify(object, from: layer)
        } catch {
            count("skipped: objects whose geometry GEOS refuses")
        }
    }

    private mutating func classify(_ object: OSMObject, from layer: String) throws {
        guard inside(object.geometry) else { return }
        let tags = object.tags
        if layer == "lines" {
            if let highway = tags["highway"], !profile.roads.excludeHighway.contains(highway) { takeRoad(object, highway) }
            else if let hazard = profile.hazards.first(where: { profile.matches($0, tags) }) { try takeHazard(object, hazard) }
            return
        }
        if layer == "multipolygons" {
            if tags["boundary"] == "administrative", let level = tags["admin_level"] { takeAdmin(object, level) }
            if tags["landuse"] == "residential", let box = object.geometry.boundingBox { residentialLanduse.append((box, try geos.prepare(object.geometry))) }
            if let building = tags["building"] { takeBuilding(object, building) }
        }
        if let facility = profile.facilities.first(where: { OSMProfile.matches($0.match, tags) }) {
            try takeFacility(object, facility, layer: layer)
        } else if let hazard = profile.hazards.first(where: { profile.matches($0, tags) }) {
            try takeHazard(object, hazard)
        } else if OSMProfile.matches(profile.shelters.assemblyPoints.match, tags) {
            takeAssemblyPoint(object)
        } else if layer == "multipolygons", OSMProfile.matches(profile.shelters.openSpaces.match, tags) {
            takeOpenSpace(object)
        }
    }

    private mutating func takeRoad(_ object: OSMObject, _ highway: String) {
        guard case .lineString = object.geometry else { return }
        let tags = object.tags
        var properties = [JSONMember("road_class", .string(highway)), JSONMember("osm_id", .string(object.id))]
        if let name = tags["name"] { properties.append(JSONMember("name", .string(name))) }
        // One-way as OSM means it: the tag, else implied by roundabouts and motorways.
        let oneway = tags["oneway"] ?? ((tags["junction"] == "roundabout" || highway == "motorway") ? "yes" : nil)
        if let oneway, ["yes", "true", "1", "-1", "no", "false", "0"].contains(oneway) {
            properties.append(JSONMember("oneway", .string(oneway)))
            if oneway != "no" && oneway != "false" && oneway != "0" { self.oneWay += 1 }
        }
        if let speed = tags["maxspeed"] {
            // "FI:urban", "signals", "walk": no number to route by; the class's speed stands.
            if case .value = Self.maxspeedColumn?.value(parsing: speed) {
                properties.append(JSONMember("maxspeed", .string(speed)))
                speeds += 1
            } else {
                droppedSpeeds += 1
            }
        }
        if let lanes = tags["lanes"], let n = Int(lanes), (1...20).contains(n) { properties.append(JSONMember("lanes", .number(Double(n)))) }
        roads.append(Feature(id: Self.id(object), geometry: object.geometry, properties: properties))
        if let box = object.geometry.boundingBox {
            if roadExtent == nil { roadExtent = box } else { roadExtent?.extend(box) }
        }
        count("roads: highway=* ways (lines layer)")
    }

    private mutating func takeFacility(_ object: OSMObject, _ facility: OSMProfile.Facility, layer: String) throws {
        // Facilities are points: an outline becomes its representative point.
        let point = try geos.pointOnSurface(object.geometry)
        var properties = [JSONMember("kind", .string(facility.kind)), JSONMember("osm_id", .string(object.id)), JSONMember("status", .string("open"))]
        if let name = object["name"] { properties.append(JSONMember("name", .string(name))) }
        facilities.append(Feature(id: Self.id(object), geometry: .point(point), properties: properties))
        count("facilities: \(facility.kind) from \(OSMProfile.describe(facility.match))\(layer == "points" ? "" : " (outlines: their point on surface)")")
    }

    private mutating func takeHazard(_ object: OSMObject, _ hazard: OSMProfile.Hazard) throws {
        var properties = [
            JSONMember("kind", .string(hazard.kind)), JSONMember("level", .number(Double(hazard.level))),
            JSONMember("impact_distance_m", .number(hazard.impactDistanceM)), JSONMember("status", .string("registered")),
            JSONMember("osm_id", .string(object.id)), JSONMember("level_source", .string("OSM profile default")),
        ]
        if let name = object["name"] { properties.append(JSONMember("name", .string(name))) }
        if let value = object["hazard"] { properties.append(JSONMember("subkind", .string(value))) }
        hazards.append(Feature(id: Self.id(object), geometry: object.geometry, properties: properties))
        count("hazards: \(hazard.kind) from \(OSMProfile.describe(hazard.match))\(hazard.require.map { " with " + OSMProfile.describe($0) } ?? ""), level \(hazard.level) and \(String(format: "%.0f", hazard.impactDistanceM)) m by the profile")
    }

    private mutating func takeAssemblyPoint(_ object: OSMObject) {
        let spec = profile.shelters.assemblyPoints
        var properties = [
            JSONMember("shelter_kind", .string(spec.shelterKind)), JSONMember("host_type", .string("assembly_point")),
            JSONMember("capacity", .number(Double(spec.capacity))), JSONMember("capacity_estimated", .bool(true)),
            JSONMember("status", .string("open")), JSONMember("osm_id", .string(object.id)),
        ]
        if let name = object["name"] { properties.append(JSONMember("name", .string(name))) }
        shelters.append(Feature(id: Self.id(object), geometry: object.geometry, properties: properties))
        count("shelters: assembly points from \(OSMProfile.describe(spec.match)), capacity \(spec.capacity) each (estimated)")
    }

    private mutating func takeOpenSpace(_ object: OSMObject) {
        let spec = profile.shelters.openSpaces
        let area = Geodesic.wgs84.area(of: object.geometry)
        guard area >= spec.minAreaM2 else { return }
        let effective = (area * spec.effectiveShare).rounded()
        let host = object["leisure"] ?? object["place"] ?? "open_space"
        var properties = [
            JSONMember("shelter_kind", .string(spec.shelterKind)), JSONMember("host_type", .string(host)),
            JSONMember("effective_area_m2", .number(effective)), JSONMember("capacity", .number((effective / spec.m2PerPerson).rounded(.down))),
            JSONMember("capacity_estimated", .bool(true)), JSONMember("status", .string("open")), JSONMember("osm_id", .string(object.id)),
        ]
        if let name = object["name"] { properties.append(JSONMember("name", .string(name))) }
        shelters.append(Feature(id: Self.id(object), geometry: object.geometry, properties: properties))
        count("shelters: open spaces from \(OSMProfile.describe(spec.match)) of at least \(String(format: "%.0f", spec.minAreaM2)) m²; capacity = area × \(spec.effectiveShare) ÷ \(spec.m2PerPerson) m² per person (estimated)")
    }

    private mutating func takeAdmin(_ object: OSMObject, _ level: String) {
        var properties = [JSONMember("level", .string(profile.adminLevels[level] ?? "admin_level_\(level)")), JSONMember("osm_id", .string(object.id))]
        if let name = object["name"] { properties.append(JSONMember("name", .string(name))) }
        properties.append(JSONMember("code", .string(object["ref"] ?? Self.id(object))))
        adminUnits.append(Feature(id: Self.id(object), geometry: object.geometry, properties: properties))
        count("admin_units: boundary=administrative with admin_level (levels named by the profile)")
    }

    private mutating func takeBuilding(_ object: OSMObject, _ building: String) {
        let levels = object["building:levels"].flatMap(Double.init).flatMap { $0 > 0 && $0 < 200 ? $0 : nil }
        if let assumed = profile.residents.buildingLevels[building] {
            residentialBuildings.append((object.geometry, Geodesic.wgs84.area(of: object.geometry) * (levels ?? assumed)))
        } else if building == "yes" {
            genericBuildings.append((object.geometry, levels))  // residential if it stands in residential land use (settled in report())
        }
    }

    /// The summary lines, once every object is read; settles generic buildings first.
    mutating func report() -> [String] {
        var lines = order.sorted().map { "\($0): \(counted[$0] ?? 0)" }
        lines.append("roads: \(oneWay) one-way (the oneway tag, or implied by roundabouts and motorways), \(speeds) with a maxspeed"
                     + (droppedSpeeds > 0 ? "; \(droppedSpeeds) maxspeed values without a number (FI:urban, signals, …) left to the class's speed" : ""))
        return lines
    }

    /// Buildings tagged only `building=yes` count as homes inside residential land use.
    mutating func settleGenericBuildings() throws {
        let storeys = profile.residents.genericBuildingInResidentialLanduse
        for building in genericBuildings {
            guard let box = building.geometry.boundingBox else { continue }
            let point = try geos.pointOnSurface(building.geometry)
            let inResidential = try residentialLanduse.contains { try $0.box.intersects(box) && $0.area.intersects(point) }
            if inResidential { residentialBuildings.append((building.geometry, Geodesic.wgs84.area(of: building.geometry) * (building.levels ?? storeys))) }
        }
        genericBuildings = []
    }
}
