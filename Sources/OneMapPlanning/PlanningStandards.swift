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
    /// Depot delivery targets in hours (basic living relief within 8–12 h: 12 h; a local
    /// plan's tighter target, such as Chifeng's 6 h, comes as a local target).
    public var depotHours: [Double] = [12]
    /// Earthquake shelters: effective area per person at capacity (GB 21734-2008: > 1.5 m²).
    public var earthquakeAreaPerPerson: Double = 1.5
    /// What each figure a report checks cites, by the member that holds the figure
    /// (`shelter_needs`, `earthquake_area_per_person_m2`, `major_hazard_distance_m`,
    /// `fire_minutes`, `depot_hours`): the reports take every source text from here.
    public var sources: [String: String] = Self.nationalSources
    /// Targets of the user's own plan (optional), each with its source.
    public var localTargets: [LocalTarget] = []

    /// A local plan's target: a figure the national standards do not set.
    public struct LocalTarget: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// At least this many shelters in service (e.g. "≥ 5 comprehensive shelters").
            case sheltersInService(atLeast: Int)
            /// Residents within this many hours of a depot (e.g. Chifeng's 6 h).
            case depotHours(Double)
        }

        public var kind: Kind
        public var source: String

        public init(kind: Kind, source: String) {
            self.kind = kind
            self.source = source
        }
    }

    /// The national standards the shipped figures come from.
    public static let nationalSources: [String: String] = [
        "shelter_needs": "GB 50413-2007 城市抗震防灾规划标准: emergency shelters within 500 m and ≥ 1 m² per person, fixed shelters within 2–3 km and ≥ 2 m² per person",
        "earthquake_area_per_person_m2": "GB 21734-2008 地震应急避难场所 场址及配套设施: more than 1.5 m² of effective area per person",
        "major_hazard_distance_m": "GB 50413-2007: shelters ≥ 1,000 m from major hazard sources and ≥ 30 m from ordinary fire sources",
        "fire_minutes": "建标152-2017 城市消防站建设标准: engines reach the edge of the station's district within 5 min of dispatch",
        "depot_hours": "disaster-relief plans: basic living relief reaches those affected within 8–12 h",
    ]

    /// The source of the figure held by `member`, or where it was set when no source is given.
    public func source(_ member: String) -> String {
        sources[member] ?? "config/planning.json: \(member) (no source given)"
    }

    /// The local target of at least this many shelters in service, if the plan sets one.
    public var sheltersInServiceTarget: (atLeast: Int, source: String)? {
        for t in localTargets { if case .sheltersInService(let n) = t.kind { return (n, t.source) } }
        return nil
    }

    /// The source of a depot delivery target of `hours`: the local plan's, else the standards'.
    public func depotSource(hours: Double) -> String {
        for t in localTargets { if case .depotHours(let h) = t.kind, h == hours { return t.source } }
        return source("depot_hours")
    }
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
            ("earthquake_area_per_person_m2", \.earthquakeAreaPerPerson, 0...10_000),
        ]
        let members = ["comment", "shelter_needs", "max_samples_per_grid", "max_candidates", "depot_hours", "sources", "local_targets"] + scalars.map(\.0)
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
        if let given = root["sources"] {
            guard let table = given as? [String: Any] else { throw fail("sources must be an object of source texts by member") }
            let cited = Self.nationalSources.keys.sorted()
            for (key, value) in table {
                guard cited.contains(key) else { throw fail("sources has an unknown member '\(key)'; expected \(cited.joined(separator: ", "))") }
                guard let text = value as? String, !text.isEmpty else { throw fail("sources.\(key) must be the source's text") }
                s.sources[key] = text
            }
        }
        if let given = root["local_targets"] {
            guard let list = given as? [Any] else { throw fail("local_targets must be a list of targets") }
            for (i, item) in list.enumerated() {
                let at = "local_targets[\(i)]"
                guard let target = item as? [String: Any] else { throw fail("\(at) must be an object") }
                guard let source = target["source"] as? String, !source.isEmpty else { throw fail("\(at).source must name the plan and its text") }
                switch target["check"] as? String {
                case "shelters_in_service":
                    for key in target.keys where !["check", "at_least", "source"].contains(key) { throw fail("\(at) has an unknown member '\(key)'; expected check, at_least, source") }
                    let n = try number(target["at_least"], "\(at).at_least", 0...1_000_000)
                    guard let whole = Int(exactly: n) else { throw fail("\(at).at_least must be a whole number") }
                    s.localTargets.append(LocalTarget(kind: .sheltersInService(atLeast: whole), source: source))
                case "depot_hours":
                    for key in target.keys where !["check", "hours", "source"].contains(key) { throw fail("\(at) has an unknown member '\(key)'; expected check, hours, source") }
                    let hours = try number(target["hours"], "\(at).hours", 0.01...240)
                    s.localTargets.append(LocalTarget(kind: .depotHours(hours), source: source))
                    if !s.depotHours.contains(hours) { s.depotHours = (s.depotHours + [hours]).sorted() }
                default:
                    throw fail("\(at).check must be shelters_in_service or depot_hours")
                }
            }
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
