import OneMapStorage

/// How a mode of travel uses the roads: which classes it may take and how fast, and
/// whether one-way streets bind it.
public struct RoadProfile: Sendable, Equatable {
    public var name: String
    /// Speed in km/h for each OSM `highway` value the mode may use.
    public var speeds: [String: Double]
    /// Speed for classes not listed (nil: such roads are not used).
    public var otherSpeed: Double?
    /// Whether a posted `maxspeed` replaces the class speed (cars), capped by `maxSpeed`.
    public var usesSpeedLimits: Bool
    public var respectsOneWay: Bool
    /// The fastest this mode goes: A*'s bound.
    public var maxSpeed: Double
    /// How a point off the network reaches it (and a destination is reached from it).
    public var access: RoadAccess = .standard

    /// The same profile with another access rule (from `config/planning.json`).
    public func with(access: RoadAccess) -> RoadProfile {
        var copy = self
        copy.access = access
        return copy
    }

    /// By car: OSM classes at typical urban speeds, posted limits where they are given,
    /// one-way streets respected; footways, paths, cycleways and steps are not driven.
    public static let drive = RoadProfile(
        name: "drive",
        speeds: ["motorway": 100, "motorway_link": 60, "trunk": 80, "trunk_link": 50, "primary": 60, "primary_link": 40,
                 "secondary": 50, "secondary_link": 35, "tertiary": 40, "tertiary_link": 30, "unclassified": 30,
                 "residential": 30, "living_street": 10, "service": 20, "road": 30, "track": 15, "busway": 40],
        otherSpeed: nil, usesSpeedLimits: true, respectsOneWay: true, maxSpeed: 130)

    /// On foot: 5 km/h on every way except motorways and trunk roads, in both directions.
    public static let walk = RoadProfile(
        name: "walk", speeds: ["motorway": 0, "motorway_link": 0, "trunk": 0, "trunk_link": 0],
        otherSpeed: 5, usesSpeedLimits: false, respectsOneWay: false, maxSpeed: 5)

    public static func named(_ name: String) -> RoadProfile? { [drive, walk].first { $0.name == name } }

    /// The speed in km/h this mode goes on `road` (a `roads` record), or nil if it may not.
    public func speed(_ road: LayerRecord) -> Double? {
        let roadClass = road.value(Columns.roadClass).description
        guard let base = speeds[roadClass] ?? otherSpeed, base > 0 else { return nil }
        if usesSpeedLimits, let limit = road.value(Columns.maxSpeed).number, limit > 0 { return min(limit, maxSpeed) }
        return base
    }

    /// 1 along the line only, -1 against it only, 0 both ways (always 0 when one-way
    /// streets do not bind this mode).
    public func direction(_ road: LayerRecord) -> Int {
        guard respectsOneWay, let value = road.value(Columns.oneway).number else { return 0 }
        return Int(value)
    }
}

/// The leg between a point and the road network: walked (or at a configured off-road
/// speed) and counted in every time and length, and refused beyond a limit, so a point
/// 127 km from the nearest road is not answered as if it stood on it.
public struct RoadAccess: Sendable, Equatable {
    /// Farthest a point may lie from the network, metres (GB-free: the operator's choice;
    /// 1,000 m by default).
    public var maxDistance: Double
    /// Speed over the leg, km/h (walking, 5 km/h, by default).
    public var speed: Double

    public init(maxDistance: Double, speed: Double) {
        self.maxDistance = maxDistance
        self.speed = speed
    }

    public static let standard = RoadAccess(maxDistance: 1000, speed: 5)

    /// Seconds (time) or metres (distance) of a leg of `metres`.
    func cost(_ metres: Double, _ metric: RouteMetric) -> Double {
        metric == .time ? metres / (speed / 3.6) : metres
    }
}

private enum Columns {
    static let roadClass = Layer.roads.columnIndex("road_class")
    static let maxSpeed = Layer.roads.columnIndex("maxspeed_kmh")
    static let oneway = Layer.roads.columnIndex("oneway")
}
