import Foundation
import OneMapGeometry

/// What `config/incidents.json` says: the incident kinds (a vocabulary), the zones each
/// kind gets by default, the teams each needs, key protected targets, resources to rank,
/// the response targets, relief kits and the toxic-plume defaults.
public struct IncidentConfig: Codable, Sendable, Equatable {
    /// One kind of incident.
    public struct Kind: Codable, Sendable, Equatable {
        public var label: String
        /// Default zones, innermost first (isolation inside evacuation).
        public var zones: [RadiusZone]
        /// Rescue-team specialisms this kind calls for (`hazmat` for a leak).
        public var teamSpecialisms: [String]
        /// Whether a toxic-plume footprint suits this kind.
        public var plume: Bool?

        public init(label: String, zones: [RadiusZone], teamSpecialisms: [String], plume: Bool?) {
            self.label = label
            self.zones = zones
            self.teamSpecialisms = teamSpecialisms
            self.plume = plume
        }
    }

    public struct RadiusZone: Codable, Sendable, Equatable {
        public var name: String
        public var radiusM: Double
        public init(name: String, radiusM: Double) {
            self.name = name
            self.radiusM = radiusM
        }
    }

    public struct KeyTargets: Codable, Sendable, Equatable {
        /// Facility kinds that are key protected targets (重点防护目标).
        public var facilityKinds: [String]
        /// Hazard kinds that are also targets (crowded places).
        public var hazardKinds: [String]
        /// Targets this far outside a zone are listed too, metres.
        public var marginM: Double
    }

    public struct Resources: Codable, Sendable, Equatable {
        public var fireStations: Int
        public var teams: Int
        public var depots: Int
        public var hospitals: Int
        public var openSheltersOutside: Int
    }

    public struct Targets: Codable, Sendable, Equatable {
        public var firstFireEngineMinutes: Double
        public var teamMinutes: Double
        public var teamShare: Double
        public var source: String
    }

    public struct Kit: Codable, Sendable, Equatable {
        public var item: String
        public var unit: String
        public var amount: Double
    }

    public struct Relief: Codable, Sendable, Equatable {
        public var days: Double
        public var source: String
        public var perPersonPerDay: [Kit]
        public var perPerson: [Kit]
    }

    public struct PlumeDefaults: Codable, Sendable, Equatable {
        public var substance: String
        public var releaseRateGS: Double
        public var releaseHeightM: Double
        public var surface: GaussianPlume.Surface
        public var thresholdsMgM3: [String: Double]
        public var thresholdsSource: String
        public var maxDistanceM: Double
    }

    public var schema: String
    public var kinds: [String: Kind]
    public var keyTargets: KeyTargets
    public var resources: Resources
    public var targets: Targets
    public var relief: Relief
    public var plume: PlumeDefaults

    /// The kinds' names, sorted.
    public var kindNames: [String] { kinds.keys.sorted() }

    /// Reads the configuration from `data`; errors name `path` and the member at fault.
    public static func decode(_ data: Data, path: String) throws(IncidentConfigError) -> IncidentConfig {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let config: IncidentConfig
        do {
            config = try decoder.decode(IncidentConfig.self, from: data)
        } catch let error as DecodingError {
            throw IncidentConfigError(path: path, reason: DecodingExplanation.explain(error))
        } catch {
            throw IncidentConfigError(path: path, reason: "\(error)")
        }
        if let problem = config.problem { throw IncidentConfigError(path: path, reason: problem) }
        return config
    }

    /// The first figure out of its range, named by its member, or nil when all fit.
    public var problem: String? {
        guard schema == "onemap-incidents/1" else { return "'schema' is '\(schema)'; this OneMap reads onemap-incidents/1" }
        guard !kinds.isEmpty else { return "'kinds' is empty; name at least one kind of incident" }
        for (name, kind) in kinds.sorted(by: { $0.key < $1.key }) {
            guard !kind.zones.isEmpty else { return "'kinds.\(name).zones' is empty; give at least one zone" }
            var last = 0.0
            for (i, zone) in kind.zones.enumerated() {
                guard (1...100_000).contains(zone.radiusM) else { return "'kinds.\(name).zones.[\(i)].radius_m' is \(zone.radiusM); it must be 1…100,000 m" }
                guard zone.radiusM > last else { return "'kinds.\(name).zones.[\(i)].radius_m': zones go innermost first, each larger than the one before" }
                last = zone.radiusM
            }
        }
        guard (0...50_000).contains(keyTargets.marginM) else { return "'key_targets.margin_m' is \(keyTargets.marginM); it must be 0…50,000 m" }
        for (name, n) in [("fire_stations", resources.fireStations), ("teams", resources.teams), ("depots", resources.depots),
                          ("hospitals", resources.hospitals), ("open_shelters_outside", resources.openSheltersOutside)] where !(0...100).contains(n) {
            return "'resources.\(name)' is \(n); it must be 0…100"
        }
        guard targets.firstFireEngineMinutes > 0, targets.teamMinutes > 0 else { return "'targets' minutes must be above 0" }
        guard (0...1).contains(targets.teamShare) else { return "'targets.team_share' is \(targets.teamShare); it is a share, 0…1" }
        guard (0...365).contains(relief.days) else { return "'relief.days' is \(relief.days); it must be 0…365" }
        for kit in relief.perPerson + relief.perPersonPerDay where !(0...1_000_000).contains(kit.amount) {
            return "'relief': the amount of \(kit.item) is \(kit.amount); it must be 0…1,000,000 per person"
        }
        if let bad = GaussianPlume.Release(rateGS: plume.releaseRateGS, heightM: plume.releaseHeightM).problem { return "'plume': \(bad)" }
        for (zone, value) in plume.thresholdsMgM3 where !(value > 0 && value.isFinite) {
            return "'plume.thresholds_mg_m3.\(zone)' is \(value); a concentration is above 0"
        }
        guard (100...100_000).contains(plume.maxDistanceM) else { return "'plume.max_distance_m' is \(plume.maxDistanceM); it must be 100…100,000 m" }
        return nil
    }
}

/// An incidents configuration that could not be used, naming the file and the member.
public struct IncidentConfigError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
