import Foundation
import OneMapGeometry
import OneMapIncidents
import OneMapRouting
import OneMapStorage

/// How the affected area of an incident is to be made.
public enum AreaRequest: Sendable, Equatable {
    /// The kind's zones from `config/incidents.json` (a leak: isolation 500 m, evacuation 2,000 m).
    case kind
    /// Zones of these radii in metres around the incident's place, innermost first.
    case radii([Double])
    /// The source hazard's impact distance.
    case hazard
    /// Polygons drawn or posted, innermost first.
    case polygons([Geometry])
    /// The area reached within these minutes by road from the incident, innermost first.
    case isochrone(minutes: [Double])
    /// The estimated threat zones of a toxic release.
    case plume(PlumeRequest)

    public var method: String {
        switch self {
        case .kind, .radii: "radius"
        case .hazard: "hazard"
        case .polygons: "polygon"
        case .isochrone: "isochrone"
        case .plume: "plume"
        }
    }
}

/// A toxic release as the commander knows it; what is not given comes from the config.
public struct PlumeRequest: Sendable, Equatable {
    public var windFromDegrees: Double
    public var windSpeedMS: Double
    public var stability: GaussianPlume.Stability
    public var surface: GaussianPlume.Surface?
    public var releaseRateGS: Double?
    public var releaseHeightM: Double?
    /// Concentrations in mg/m³ for red, orange and yellow (most severe first); nil: the config's.
    public var thresholdsMgM3: [Double]?

    public init(windFromDegrees: Double, windSpeedMS: Double, stability: GaussianPlume.Stability, surface: GaussianPlume.Surface? = nil,
                releaseRateGS: Double? = nil, releaseHeightM: Double? = nil, thresholdsMgM3: [Double]? = nil) {
        self.windFromDegrees = windFromDegrees
        self.windSpeedMS = windSpeedMS
        self.stability = stability
        self.surface = surface
        self.releaseRateGS = releaseRateGS
        self.releaseHeightM = releaseHeightM
        self.thresholdsMgM3 = thresholdsMgM3
    }
}

extension AffectedArea {
    /// Makes the zones `request` asks for around `location`.
    /// - Parameters:
    ///   - hazard: the source hazard's record, when the incident started from one.
    ///   - drive: the driving graph (for an isochrone).
    public static func make(_ request: AreaRequest, location: Geometry, kind: String, hazard: LayerRecord?, config: IncidentConfig,
                            drive: () throws -> RoadGraph?, at now: String) throws -> AffectedArea {
        guard let kindConfig = config.kinds[kind] else { throw IncidentError.unknownKind(kind, known: config.kindNames) }
        let method = request.method
        func zone(_ name: String, _ geometry: Geometry, _ inputs: [JSONMember]) -> IncidentZone {
            IncidentZone(name: name, geometry: geometry, method: method, inputs: .object(inputs), madeAt: now)
        }
        func increasing(_ values: [Double], _ what: String, _ range: ClosedRange<Double>) throws {
            guard !values.isEmpty, values.count <= 5 else { throw IncidentError.invalid("\(what): give 1–5 values, innermost first") }
            for (i, v) in values.enumerated() {
                guard range.contains(v) else { throw IncidentError.invalid("\(what): \(v) is outside \(range.lowerBound)…\(range.upperBound)") }
                if i > 0, v <= values[i - 1] { throw IncidentError.invalid("\(what): zones go innermost first, each larger than the one before") }
            }
        }
        switch request {
        case .kind:
            let zones = try kindConfig.zones.map { z in
                zone(z.name, try Self.ring(around: location, metres: z.radiusM), [JSONMember("radius_m", .number(z.radiusM)), JSONMember("from", .string("config: kinds.\(kind)"))])
            }
            return AffectedArea(method: method, inputs: .object([JSONMember("radii_m", .array(kindConfig.zones.map { .number($0.radiusM) })),
                                                                 JSONMember("from", .string("config/incidents.json kinds.\(kind)"))]), zones: zones)
        case .radii(let radii):
            try increasing(radii, "radii_m", 1...100_000)
            let names = Self.names(count: radii.count)
            let zones = try zip(names, radii).map { name, r in zone(name, try Self.ring(around: location, metres: r), [JSONMember("radius_m", .number(r))]) }
            return AffectedArea(method: method, inputs: .object([JSONMember("radii_m", .array(radii.map { .number($0) }))]), zones: zones)
        case .hazard:
            guard let hazard else { throw IncidentError.invalid("area: 'hazard' needs the incident's source hazard (give hazard)") }
            guard let distance = hazard.value(Layer.hazards.columnIndex("impact_distance_m")).number, distance > 0 else {
                throw IncidentError.invalid("area: hazard \(hazard.id) has no impact distance; give radii_m or choose another area method")
            }
            let inputs = [JSONMember("hazard", .string(hazard.id)), JSONMember("impact_distance_m", .number(distance))]
            return AffectedArea(method: method, inputs: .object(inputs), zones: [zone("impact", try Self.ring(around: location, metres: distance), inputs)])
        case .polygons(let polygons):
            guard !polygons.isEmpty, polygons.count <= 5 else { throw IncidentError.invalid("zones: give 1–5 polygons, innermost first") }
            let context = GEOSContext()
            for p in polygons {
                guard try context.isValid(p) else { throw IncidentError.invalid("zones: not a valid polygon: \(try context.validityReason(p))") }
            }
            let names = Self.names(count: polygons.count)
            let zones = zip(names, polygons).map { name, p in zone(name, p, [JSONMember("drawn", .bool(true))]) }
            return AffectedArea(method: method, inputs: .object([JSONMember("polygons", .number(Double(polygons.count)))]), zones: zones)
        case .isochrone(let minutes):
            try increasing(minutes, "minutes", 0.5...240)
            guard let graph = try drive(), graph.pieceCount > 0 else { throw IncidentError.invalid("area: an isochrone needs roads a car may use, and the data has none") }
            let centre = try GEOSContext().pointOnSurface(location)
            let names = minutes.map { "within \(Figures.number($0, $0.rounded() == $0 ? 0 : 1)) min" }
            let zones = try zip(names, minutes).map { name, m in
                do {
                    return zone(name, try graph.serviceArea(from: centre, seconds: m * 60), [JSONMember("minutes", .number(m)), JSONMember("profile", .string("drive"))])
                } catch let error as RoutingError {
                    throw IncidentError.invalid("minutes: no area within \(Figures.number(m, 1)) min: \(error)")
                }
            }
            return AffectedArea(method: method, inputs: .object([JSONMember("minutes", .array(minutes.map { .number($0) })), JSONMember("profile", .string("drive"))]), zones: zones)
        case .plume(let p):
            return try plume(p, location: location, config: config, at: now)
        }
    }

    static func plume(_ p: PlumeRequest, location: Geometry, config: IncidentConfig, at now: String) throws -> AffectedArea {
        let defaults = config.plume
        let release = GaussianPlume.Release(rateGS: p.releaseRateGS ?? defaults.releaseRateGS, heightM: p.releaseHeightM ?? defaults.releaseHeightM)
        let weather = GaussianPlume.Weather(windFromDegrees: p.windFromDegrees, windSpeedMS: p.windSpeedMS, stability: p.stability, surface: p.surface ?? defaults.surface)
        if let problem = release.problem ?? weather.problem { throw IncidentError.invalid("plume: \(problem)") }
        let levels = ["red", "orange", "yellow"]
        let thresholds = p.thresholdsMgM3 ?? levels.compactMap { defaults.thresholdsMgM3[$0] }
        guard (1...3).contains(thresholds.count) else { throw IncidentError.invalid("thresholds_mg_m3: give 1–3 concentrations, most severe (red) first") }
        for (i, t) in thresholds.enumerated() {
            guard t > 0, t.isFinite, t <= 1e6 else { throw IncidentError.invalid("thresholds_mg_m3: \(t) must be above 0 and at most 1,000,000 mg/m³") }
            if i > 0, t >= thresholds[i - 1] { throw IncidentError.invalid("thresholds_mg_m3: most severe first, each lower than the one before") }
        }
        let source = try GEOSContext().pointOnSurface(location)
        var inputs: [JSONMember] = [
            JSONMember("model", .string("Gaussian plume, ground reflection, \(weather.surface.rawValue) dispersion (Briggs / McElroy–Pooler σ)")),
            JSONMember("source", .array([.number(source.x), .number(source.y)])),
            JSONMember("wind_from_deg", .number(weather.windFromDegrees)), JSONMember("wind_speed_ms", .number(weather.windSpeedMS)),
            JSONMember("stability", .string(weather.stability.rawValue)), JSONMember("stability_meaning", .string(weather.stability.meaning)),
            JSONMember("surface", .string(weather.surface.rawValue)),
            JSONMember("release_rate_g_s", .number(release.rateGS)), JSONMember("release_height_m", .number(release.heightM)),
            JSONMember("thresholds_mg_m3", .array(thresholds.map { .number($0) })),
        ]
        if p.thresholdsMgM3 == nil {
            inputs.append(JSONMember("substance", .string(defaults.substance)))
            inputs.append(JSONMember("thresholds_source", .string(defaults.thresholdsSource)))
        }
        var zones: [IncidentZone] = []
        var longest = 0.0
        // Most severe first in the request; the zones go innermost first, so red is rank 0.
        for (i, t) in thresholds.enumerated() {
            guard let (polygon, length) = GaussianPlume.zone(at: source, threshold: t, release, weather, maxDistance: defaults.maxDistanceM) else { continue }
            longest = max(longest, length)
            zones.append(IncidentZone(name: levels[i], geometry: polygon, method: "plume",
                                      inputs: .object([JSONMember("threshold_mg_m3", .number(t)), JSONMember("length_m", .number(length.rounded()))]), madeAt: now))
        }
        guard !zones.isEmpty else {
            throw IncidentError.invalid("plume: the release never reaches \(Figures.number(thresholds.last ?? 0, 3)) mg/m³ at ground level; lower the thresholds or check the release rate")
        }
        inputs.append(JSONMember("estimate", .bool(true)))
        let limits = GaussianPlume.limits(release, weather, length: longest, maxDistance: defaults.maxDistanceM)
        inputs.append(JSONMember("limits", .array(limits.map(JSONValue.string))))
        return AffectedArea(method: "plume", inputs: .object(inputs), zones: zones)
    }

    /// isolation, evacuation for two zones; zone-1… for more; evacuation for one.
    static func names(count: Int) -> [String] {
        switch count {
        case 1: ["evacuation"]
        case 2: ["isolation", "evacuation"]
        default: (1...count).map { "zone-\($0)" }
        }
    }

    /// The area within `metres` of `location`: a geodesic circle round a point, a buffer
    /// (in a local frame in metres) round a line or polygon.
    static func ring(around location: Geometry, metres: Double) throws -> Geometry {
        if case .point(let c) = location { return DangerZone.circle(centre: c, radius: metres) }
        guard let box = location.boundingBox else { throw IncidentError.invalid("location: the geometry is empty") }
        let frame = LocalFrame(centre: Coordinate((box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2))
        let buffered = try GEOSContext().buffer(location.mapCoordinates(frame.toMetres), distance: metres, quadrantSegments: 18)
        return buffered.mapCoordinates(frame.toDegrees)
    }
}
