import Foundation
import OneMapRouting

/// The figures planning is checked against (DOMAIN.md), as configuration: every one can
/// be changed in `config/planning.json`; members left out keep these defaults.
public struct PlanningStandards: Sendable, Equatable {
    /// A class of shelter need: how far residents may walk to it and how much room each needs.
    public struct ShelterNeed: Sendable, Equatable {
        /// `emergency` or `fixed` (GB 50413-2007).
        public var name: String
        /// Walking distance on roads, metres.
        public var radius: Double
        /// Effective shelter area each resident needs, m².
        public var areaPerPerson: Double
        /// The shelter kinds (`shelter_kind`) that serve this need: a fixed shelter also
        /// serves as an emergency shelter for those who live near it.
        public var servedBy: Set<String>

        public init(name: String, radius: Double, areaPerPerson: Double, servedBy: Set<String>) {
            self.name = name
            self.radius = radius
            self.areaPerPerson = areaPerPerson
            self.servedBy = servedBy
        }
    }

    /// GB 50413-2007: emergency shelters 500 m and ≥ 1 m² per person; fixed shelters
    /// 2–3 km (we take 3 km, the edge of the standard's range) and ≥ 2 m² per person.
    public var needs: [ShelterNeed] = [
        ShelterNeed(name: "emergency", radius: 500, areaPerPerson: 1, servedBy: ["emergency", "fixed", "central"]),
        ShelterNeed(name: "fixed", radius: 3000, areaPerPerson: 2, servedBy: ["fixed", "central"]),
    ]
    /// Distance kept from major hazard sources when siting (GB 50413-2007).
    public var majorHazardDistance: Double = 1000
    /// Distance kept from any other open hazard when siting (ordinary fire sources, 30 m).
    public var ordinaryHazardDistance: Double = 30
    /// Persons a new shelter site is planned for when the candidate does not say.
    public var newShelterCapacity: Double = 3000
    /// Spacing of the lattice of candidate sites, metres.
    public var candidateSpacing: Double = 250
    /// Most lattice candidates (the lattice coarsens over a large area to stay within it).
    public var maxCandidates: Int = 3000
    /// How far from a walkable road a candidate site may lie, metres.
    public var candidateRoadDistance: Double = 150
    /// Spacing of the resident samples inside each grid, metres (coarser in large grids).
    public var sampleSpacing: Double = 100
    /// A sample's share of its grid's residents is the number of road junctions within this distance.
    public var settlementRoadDistance: Double = 250
    /// Most samples per grid: bounds the work on city-sized grids.
    public var maxSamplesPerGrid: Int = 400
    /// Fire engines reach the edge of their district within this many minutes (建标152-2017).
    public var fireMinutes: Double = 5
    /// Depot delivery targets in hours (6 h Chifeng; basic relief within 8–12 h).
    public var depotHours: [Double] = [6, 12]
    /// Farthest a point given to a route, evacuation or service area may lie from the
    /// roads, metres; beyond it the request is refused (422) and, in plans, the place is
    /// counted as not reached.
    public var roadAccessDistance: Double = RoadAccess.standard.maxDistance
    /// Speed of the leg between a point and the roads, km/h (walking).
    public var offRoadSpeed: Double = RoadAccess.standard.speed

    /// The access rule of every road graph built under these standards.
    public var roadAccess: RoadAccess { RoadAccess(maxDistance: roadAccessDistance, speed: offRoadSpeed) }

    public init() {}

    public static let standard = PlanningStandards()

    public func need(_ name: String) -> ShelterNeed? { needs.first { $0.name == name } }
}

/// A planning file that cannot be used, naming the file and the member at fault.
public struct PlanningStandardsError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

extension PlanningStandards {
    /// Reads `config/planning.json`. Unknown members other than `comment` are refused.
    public static func load(path: String) throws(PlanningStandardsError) -> PlanningStandards {
        func fail(_ reason: String) -> PlanningStandardsError { PlanningStandardsError(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw fail("not a JSON object") }
        var s = PlanningStandards.standard
        let scalars: [(String, WritableKeyPath<PlanningStandards, Double>, ClosedRange<Double>)] = [
            ("major_hazard_distance_m", \.majorHazardDistance, 0...100_000), ("ordinary_hazard_distance_m", \.ordinaryHazardDistance, 0...100_000),
            ("new_shelter_capacity", \.newShelterCapacity, 1...10_000_000), ("candidate_spacing_m", \.candidateSpacing, 10...50_000),
            ("candidate_road_distance_m", \.candidateRoadDistance, 0...10_000), ("sample_spacing_m", \.sampleSpacing, 5...10_000),
            ("settlement_road_distance_m", \.settlementRoadDistance, 1...100_000),
            ("fire_minutes", \.fireMinutes, 0.1...600),
            ("road_access_max_distance_m", \.roadAccessDistance, 0...100_000), ("off_road_speed_kmh", \.offRoadSpeed, 0.5...100),
        ]
        let members = ["comment", "shelter_needs", "max_samples_per_grid", "max_candidates", "depot_hours"] + scalars.map(\.0)
        for key in root.keys where !members.contains(key) {
            throw fail("unknown member '\(key)'; expected \(members.dropFirst().joined(separator: ", "))")
        }
        func number(_ value: Any?, _ member: String, _ range: ClosedRange<Double>) throws(PlanningStandardsError) -> Double {
            guard let n = (value as? NSNumber)?.doubleValue, n.isFinite, range.contains(n) else {
                throw fail("\(member) must be a number in \(range.lowerBound)…\(range.upperBound)")
            }
            return n
        }
        for (key, path, range) in scalars where root[key] != nil { s[keyPath: path] = try number(root[key], key, range) }
        if root["max_candidates"] != nil { s.maxCandidates = Int(try number(root["max_candidates"], "max_candidates", 1...1_000_000)) }
        if root["max_samples_per_grid"] != nil { s.maxSamplesPerGrid = Int(try number(root["max_samples_per_grid"], "max_samples_per_grid", 1...100_000)) }
        if let hours = root["depot_hours"] {
            guard let list = hours as? [Any], !list.isEmpty else { throw fail("depot_hours must be a list of hours") }
            var values: [Double] = []
            for (i, h) in list.enumerated() { values.append(try number(h, "depot_hours[\(i)]", 0.01...240)) }
            s.depotHours = values.sorted()
        }
        if let given = root["shelter_needs"] {
            guard let table = given as? [String: Any], !table.isEmpty else { throw fail("shelter_needs must be an object of needs by name") }
            var needs: [ShelterNeed] = []
            for name in table.keys.sorted(by: { (s.need($0) == nil ? 1 : 0, $0) < (s.need($1) == nil ? 1 : 0, $1) }) {
                guard let need = table[name] as? [String: Any] else { throw fail("shelter_needs.\(name) must be an object") }
                let known = ["radius_m", "area_per_person_m2", "served_by"]
                for key in need.keys where !known.contains(key) {
                    throw fail("shelter_needs.\(name) has an unknown member '\(key)'; expected \(known.joined(separator: ", "))")
                }
                var value = s.need(name) ?? ShelterNeed(name: name, radius: 500, areaPerPerson: 1, servedBy: [name])
                if need["radius_m"] != nil { value.radius = try number(need["radius_m"], "shelter_needs.\(name).radius_m", 1...100_000) }
                if need["area_per_person_m2"] != nil {
                    value.areaPerPerson = try number(need["area_per_person_m2"], "shelter_needs.\(name).area_per_person_m2", 0...10_000)
                }
                if let kinds = need["served_by"] {
                    guard let list = kinds as? [String], !list.isEmpty else { throw fail("shelter_needs.\(name).served_by must be a list of shelter kinds") }
                    value.servedBy = Set(list)
                }
                needs.append(value)
            }
            s.needs = needs
        }
        return s
    }
}
