/// How big a generated deployment is. ``kangbashi`` matches the district's plans; other
/// boundaries scale it with ``scaled(by:)``, and benchmarks set counts directly.
public struct DemoSpec: Sendable, Equatable {
    /// Names of the subdistricts (街道); their count sets how many are made.
    public var subdistricts: [String]
    /// Communities per subdistrict, in the same order.
    public var communitiesPerSubdistrict: [Int]
    /// Grids per community are drawn from this range.
    public var gridsPerCommunity: ClosedRange<Int>
    public var residents: Int
    public var hazards: Int
    public var shelters: Int
    /// Facility counts per kind (fire stations, depots, hospitals, …).
    public var facilities: [FacilityKind: Int]
    /// Number of dense urban cores the population clusters around.
    public var urbanCores: Int
    /// Side of a residential street block in metres (the finest road spacing).
    public var blockSpacing: Double

    public enum FacilityKind: String, CaseIterable, Sendable {
        case fireStation = "fire_station"
        case depot
        case hospital
        case school
        case rescueTeam = "rescue_team"
        case monitoringStation = "monitoring_station"
        case keyTarget = "key_target"
    }

    /// Kangbashi district: 4 subdistricts with 19 communities, about 120,000 residents,
    /// about 500 hazards and the 8 shelters the 2025 plan calls for (1 class I, 2 class II, 5 class III).
    public static let kangbashi = DemoSpec(
        subdistricts: ["哈巴格希街道", "青春山街道", "滨河街道", "康新街道"],
        communitiesPerSubdistrict: [4, 5, 5, 5],
        gridsPerCommunity: 1...3,
        residents: 120_000,
        hazards: 500,
        shelters: 8,
        facilities: [.fireStation: 4, .depot: 8, .hospital: 3, .school: 16, .rescueTeam: 5, .monitoringStation: 10, .keyTarget: 6],
        urbanCores: 3,
        blockSpacing: 250)

    /// The Kangbashi profile multiplied by `factor`: residents, hazards, shelters and
    /// facilities linearly; subdistricts, communities and urban cores by √factor, so a
    /// city has more and larger administrative units.
    public func scaled(by factor: Double) -> DemoSpec {
        guard factor != 1 else { return self }
        var s = self
        let root = factor.squareRoot()
        let subdistrictCount = max(1, Int((Double(subdistricts.count) * root).rounded()))
        s.subdistricts = (0..<subdistrictCount).map { $0 < subdistricts.count ? subdistricts[$0] : "第\($0 + 1)街道" }
        let averageCommunities = Double(communitiesPerSubdistrict.reduce(0, +)) / Double(communitiesPerSubdistrict.count)
        s.communitiesPerSubdistrict = (0..<subdistrictCount).map { i in
            i < communitiesPerSubdistrict.count && root < 1.5 ? communitiesPerSubdistrict[i] : max(1, Int((averageCommunities * min(root, 8)).rounded()))
        }
        s.residents = Int(Double(residents) * factor)
        s.hazards = Int(Double(hazards) * factor)
        s.shelters = max(1, Int(Double(shelters) * factor))
        s.facilities = facilities.mapValues { max(1, Int(Double($0) * factor)) }
        s.urbanCores = max(1, Int((Double(urbanCores) * root).rounded()))
        return s
    }
}
