import Foundation
import OneMapGeometry

/// How `onemap osm` turns OpenStreetMap tags into OneMap's layers: which tags make a
/// facility, a shelter or a hazard, the default level and impact distance of each hazard
/// kind, how shelter capacity and grid residents are estimated. The built-in profile is
/// `config/osm-profile.json`; `--profile F` reads an edited copy.
public struct OSMProfile: Codable, Sendable, Equatable {
    /// Tags to match: any key with any of its values (`*`: any value at all).
    public typealias Match = [String: [String]]

    public struct Roads: Codable, Sendable, Equatable {
        /// `highway` values that are not roads one can travel (yet).
        public var excludeHighway: [String]
    }

    public struct Facility: Codable, Sendable, Equatable {
        public var kind: String
        public var match: Match
    }

    public struct AssemblyPoints: Codable, Sendable, Equatable {
        public var match: Match
        public var shelterKind: String
        /// Persons an assembly point without an area is assumed to hold (estimated).
        public var capacity: Int
    }

    public struct OpenSpaces: Codable, Sendable, Equatable {
        public var match: Match
        public var shelterKind: String
        /// Smaller areas are not shelters.
        public var minAreaM2: Double
        /// The share of the area usable for sheltering (paths, water and trees excluded).
        public var effectiveShare: Double
        /// Effective area per person (GB 50413-2007: ≥ 1 m² emergency, ≥ 2 m² fixed).
        public var m2PerPerson: Double
    }

    public struct Shelters: Codable, Sendable, Equatable {
        public var assemblyPoints: AssemblyPoints
        public var openSpaces: OpenSpaces
    }

    public struct Hazard: Codable, Sendable, Equatable {
        public var kind: String
        public var match: Match
        /// When present, the object must also carry one of these tags (a pipeline counts
        /// when it carries gas or oil, not water or district heat).
        public var require: Match? = nil
        /// 1 red … 4 blue.
        public var level: Int
        public var impactDistanceM: Double
    }

    public struct Residents: Codable, Sendable, Equatable {
        /// Residential `building` values and the storeys assumed when `building:levels` is absent.
        public var buildingLevels: [String: Double]
        /// `building=yes` counts as residential only inside `landuse=residential`.
        public var genericBuildingInResidentialLanduse: Double
        /// Floor area per resident, m².
        public var floorM2PerResident: Double
    }

    public var roads: Roads
    public var facilities: [Facility]
    public var shelters: Shelters
    public var hazards: [Hazard]
    /// `admin_level` → the level name OneMap's admin_units use.
    public var adminLevels: [String: String]
    public var residents: Residents

    /// Reads a profile; errors name the file and the member at fault.
    public static func load(path: String) throws -> OSMProfile {
        guard let data = FileManager.default.contents(atPath: path) else { throw OSMError.profile(path: path, reason: "cannot read the file") }
        let profile: OSMProfile
        do {
            profile = try decoder.decode(OSMProfile.self, from: data)
        } catch let error as DecodingError {
            throw OSMError.profile(path: path, reason: DecodingExplanation.explain(error))
        }
        if let problem = profile.problem { throw OSMError.profile(path: path, reason: problem) }
        return profile
    }

    /// The first figure out of its range, named by its member, or nil when all fit.
    public var problem: String? {
        for (i, hazard) in hazards.enumerated() {
            if !(1...4).contains(hazard.level) { return "'hazards.[\(i)].level' is \(hazard.level); levels are 1 (red) … 4 (blue)" }
            if !(0...100_000).contains(hazard.impactDistanceM) { return "'hazards.[\(i)].impact_distance_m' is \(hazard.impactDistanceM); it must be 0…100,000 m" }
        }
        let spaces = shelters.openSpaces
        if !(spaces.effectiveShare > 0 && spaces.effectiveShare <= 1) { return "'shelters.open_spaces.effective_share' must be in (0, 1]" }
        if !(spaces.m2PerPerson > 0 && spaces.m2PerPerson <= 1000) { return "'shelters.open_spaces.m2_per_person' must be in (0, 1000]" }
        if !(0...1e9).contains(spaces.minAreaM2) { return "'shelters.open_spaces.min_area_m2' must be 0…10⁹ m²" }
        if !(0...100_000).contains(shelters.assemblyPoints.capacity) { return "'shelters.assembly_points.capacity' must be 0…100,000" }
        if !(residents.floorM2PerResident > 0 && residents.floorM2PerResident <= 10_000) { return "'residents.floor_m2_per_resident' must be in (0, 10,000]" }
        let storeys = residents.buildingLevels.values + [residents.genericBuildingInResidentialLanduse]
        if storeys.contains(where: { !($0 > 0 && $0 < 200) }) { return "'residents.building_levels' storeys must be in (0, 200)" }
        return nil
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }

    /// The profile as JSON, as `config/osm-profile.json` holds it.
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    static func matches(_ match: Match, _ tags: [String: String]) -> Bool {
        match.contains { key, values in
            guard let value = tags[key] else { return false }
            return values.contains("*") || values.contains(value)
        }
    }

    func matches(_ hazard: Hazard, _ tags: [String: String]) -> Bool {
        Self.matches(hazard.match, tags) && (hazard.require.map { Self.matches($0, tags) } ?? true)
    }

    /// A description of a match for the summary: `amenity=school|kindergarten`.
    static func describe(_ match: Match) -> String {
        match.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.joined(separator: "|"))" }.joined(separator: " or ")
    }

    /// The built-in profile (`config/osm-profile.json` is this, written out).
    public static let builtIn = OSMProfile(
        roads: Roads(excludeHighway: ["proposed", "construction", "abandoned", "disused", "platform", "raceway", "bus_stop", "elevator", "services", "rest_area"]),
        facilities: [
            Facility(kind: "school", match: ["amenity": ["school", "kindergarten", "college", "university"]]),
            Facility(kind: "hospital", match: ["amenity": ["hospital", "clinic"], "healthcare": ["hospital", "clinic"]]),
            Facility(kind: "fire_station", match: ["amenity": ["fire_station"]]),
            Facility(kind: "police", match: ["amenity": ["police"]]),
            Facility(kind: "pharmacy", match: ["amenity": ["pharmacy"]]),
            Facility(kind: "care_home", match: ["amenity": ["nursing_home"], "social_facility": ["nursing_home", "assisted_living", "group_home"]]),
        ],
        shelters: Shelters(
            assemblyPoints: AssemblyPoints(match: ["emergency": ["assembly_point"]], shelterKind: "emergency", capacity: 200),
            openSpaces: OpenSpaces(match: ["leisure": ["park"], "place": ["square"]], shelterKind: "emergency", minAreaM2: 2000, effectiveShare: 0.6, m2PerPerson: 1)),
        hazards: [
            Hazard(kind: "gas_station", match: ["amenity": ["fuel"]], level: 3, impactDistanceM: 50),
            Hazard(kind: "storage_tank", match: ["man_made": ["storage_tank", "gasometer"]], level: 2, impactDistanceM: 150),
            Hazard(kind: "industrial_site", match: ["landuse": ["industrial"]], level: 3, impactDistanceM: 100),
            Hazard(kind: "substation", match: ["power": ["substation"]], level: 3, impactDistanceM: 30),
            Hazard(kind: "pipeline", match: ["man_made": ["pipeline"]],
                   require: ["substance": ["gas", "natural_gas", "oil", "fuel", "petroleum", "lpg", "hydrogen"], "type": ["gas", "oil", "fuel"]],
                   level: 2, impactDistanceM: 50),
            Hazard(kind: "hazard", match: ["hazard": ["*"]], level: 2, impactDistanceM: 200),
        ],
        adminLevels: ["2": "country", "4": "province", "6": "city", "7": "district", "8": "municipality", "9": "subdistrict", "10": "community"],
        residents: Residents(
            buildingLevels: ["apartments": 5, "residential": 3, "house": 1.5, "detached": 1.5, "semidetached_house": 2, "terrace": 2, "dormitory": 4, "bungalow": 1],
            genericBuildingInResidentialLanduse: 3,
            floorM2PerResident: 40))
}
