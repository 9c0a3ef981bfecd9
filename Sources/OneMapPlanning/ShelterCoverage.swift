import Foundation
import OneMapGeometry
import OneMapIndex
import OneMapRouting
import OneMapStorage

/// Shelter coverage (GB 50413-2007): for each need (emergency, fixed), how far every
/// resident sample is from the nearest shelter that serves it, who is within the service
/// radius, and how much effective shelter area each resident has.
///
/// Residents go to their nearest serving shelter within the radius; a shelter's area is
/// shared among those it takes, so a grid's area per resident is the mean, over its
/// residents, of their shelter's area per person (zero for those out of reach).
public struct ShelterCoverage: Sendable {
    public struct Shelter: Sendable {
        public var id: String
        public var name: String
        public var kind: String
        public var area: Double
        public var capacity: Double
        public var point: Coordinate
    }

    /// The coverage of one need.
    public struct Need: Sendable {
        public var need: PlanningStandards.ShelterNeed
        /// The shelters that serve it (open or full, of a serving kind).
        public var shelters: [Shelter]
        /// Per sample: cost to the nearest serving shelter (infinity: none reachable) and which.
        public var sampleCost: [Double]
        public var sampleShelter: [Int]
        /// Per grid: the same from its representative point.
        public var centreCost: [Double]
        public var centreShelter: [Int]
        /// Per shelter: residents within the radius for whom it is the nearest.
        public var load: [Double]
        /// Area per person at each shelter (infinity for one nobody is assigned to).
        public var areaPerPerson: [Double]

        public func isCovered(_ sample: Int) -> Bool { sampleCost[sample] <= need.radius }
    }

    /// One grid's figures for one need.
    public struct GridNeed: Sendable {
        public var nearestShelter: Shelter?
        /// Cost from the grid's representative point to that shelter.
        public var cost: Double?
        public var residentsCovered: Double
        public var areaPerResident: Double
        public var meetsRadius: Bool
        public var meetsArea: Bool
    }

    /// A group of grids (a subdistrict, or the whole district) for one need.
    public struct GroupNeed: Sendable {
        public var residentsCovered: Double
        public var residentsUncovered: Double
        public var gridsBeyondRadius: Int
        public var areaPerResident: Double
        public var meetsArea: Bool
        public var coveredShare: Double { residentsCovered + residentsUncovered > 0 ? residentsCovered / (residentsCovered + residentsUncovered) : 1 }
    }

    public struct Group: Sendable {
        /// The subdistrict as the grids name it, or "" for the whole district.
        public var name: String
        public var grids: [Int]
        public var residents: Int
        public var needs: [GroupNeed]
    }

    public let samples: ResidentSamples
    public let measure: TravelMeasure
    public let needs: [Need]
    /// The samples snapped to the roads once (siting reuses them).
    public let samplePlaces: [TravelMeasure.Place]

    /// Measures coverage of every need in `standards` over the grids and shelters of
    /// `snapshot`, by `measure` (walking on roads, or straight lines without roads).
    /// `area`: only the grids meeting it (shelters anywhere still count).
    public init(snapshot: IndexSnapshot, measure: TravelMeasure, standards: PlanningStandards = .standard,
                within area: BoundingBox? = nil) throws {
        let grids = try PlanArea.grids(snapshot, within: area)
        let samples = try ResidentSamples(grids: grids, spacing: standards.sampleSpacing, maxPerGrid: standards.maxSamplesPerGrid,
                                          roads: measure.graph, settledWithin: standards.settlementRoadDistance)
        let all = snapshot.loadedLayers.contains(.shelters) ? try ShelterCoverage.shelters(in: snapshot) : []
        let samplePlaces = try measure.places(samples.samples.map(\.coordinate))
        let centrePlaces = try measure.places(samples.grids.map(\.centre))
        var needs: [Need] = []
        for need in standards.needs {
            let serving = all.filter { need.servedBy.contains($0.kind) }
            let origins = try measure.places(serving.map(\.point))
            let nearest = try measure.nearest(of: origins, to: samplePlaces + centrePlaces)
            let sampleCount = samples.samples.count
            var load = [Double](repeating: 0, count: serving.count)
            for i in 0..<sampleCount {
                if let hit = nearest[i], hit.cost <= need.radius { load[hit.origin] += samples.samples[i].residents }
            }
            needs.append(Need(need: need, shelters: serving,
                              sampleCost: nearest[..<sampleCount].map { $0?.cost ?? .infinity },
                              sampleShelter: nearest[..<sampleCount].map { $0?.origin ?? -1 },
                              centreCost: nearest[sampleCount...].map { $0?.cost ?? .infinity },
                              centreShelter: nearest[sampleCount...].map { $0?.origin ?? -1 }, load: load,
                              areaPerPerson: zip(serving, load).map { $1 > 0 ? $0.area / $1 : .infinity }))
        }
        self.samples = samples
        self.measure = measure
        self.needs = needs
        self.samplePlaces = samplePlaces
        perGrid = samples.grids.indices.map { Self.gridNeeds($0, samples, needs) }
    }

    /// Per grid, per need (computed once: reports read them several times).
    public let perGrid: [[GridNeed]]

    /// Shelters in service (open or full), with their effective area and capacity.
    static func shelters(in snapshot: IndexSnapshot) throws -> [Shelter] {
        let c = { (name: String) in Layer.shelters.columnIndex(name) }
        let (name, kind, area, capacity, status) = (c("name"), c("shelter_kind"), c("effective_area_m2"), c("capacity"), c("status"))
        let context = GEOSContext()
        return try snapshot.allFeatures(.shelters).sorted { $0.id < $1.id }.compactMap { r in
            guard IndexSnapshot.isInService(r.value(status)) else { return nil }
            return Shelter(id: r.id, name: r.value(name).string ?? r.id, kind: r.value(kind).description,
                           area: r.value(area).number ?? 0, capacity: r.value(capacity).number ?? 0,
                           point: try context.pointOnSurface(r.geometry))
        }
    }

    /// Per grid, per need.
    public func grid(_ g: Int) -> [GridNeed] { perGrid[g] }

    static func gridNeeds(_ g: Int, _ samples: ResidentSamples, _ needs: [Need]) -> [GridNeed] {
        needs.map { n in
            let grid = samples.grids[g]
            let shares = n.areaPerPerson
            var covered = 0.0, area = 0.0
            for i in grid.samples where n.isCovered(i) && samples.samples[i].residents > 0 {
                let s = samples.samples[i]
                covered += s.residents
                area += s.residents * shares[n.sampleShelter[i]]
            }
            let perResident = grid.residents > 0 ? area / Double(grid.residents) : 0
            let shelter = n.centreShelter[g] >= 0 ? n.shelters[n.centreShelter[g]] : nil
            return GridNeed(nearestShelter: shelter, cost: n.centreCost[g].isFinite ? n.centreCost[g] : nil,
                            residentsCovered: covered, areaPerResident: perResident,
                            meetsRadius: n.centreCost[g] <= n.need.radius,
                            meetsArea: grid.residents == 0 || perResident >= n.need.areaPerPerson)
        }
    }

    /// Subdistricts (as the grids name them), then the whole district last (name "").
    public var groups: [Group] {
        let bySubdistrict = Dictionary(grouping: samples.grids.indices) { samples.grids[$0].subdistrict }
        var groups = bySubdistrict.keys.sorted().map { group($0, bySubdistrict[$0]!) }
        groups.append(group("", Array(samples.grids.indices)))
        return groups
    }

    func group(_ name: String, _ grids: [Int]) -> Group {
        let rows = grids.map { grid($0) }
        let residents = grids.reduce(0) { $0 + samples.grids[$1].residents }
        let needs = self.needs.indices.map { n in
            let covered = rows.reduce(0) { $0 + $1[n].residentsCovered }
            let area = zip(grids, rows).reduce(0) { $0 + $1.1[n].areaPerResident * Double(samples.grids[$1.0].residents) }
            let perResident = residents > 0 ? area / Double(residents) : 0
            return GroupNeed(residentsCovered: covered, residentsUncovered: max(0, Double(residents) - covered),
                             gridsBeyondRadius: rows.filter { !$0[n].meetsRadius }.count, areaPerResident: perResident,
                             meetsArea: residents == 0 || perResident >= self.needs[n].need.areaPerPerson)
        }
        return Group(name: name, grids: grids, residents: residents, needs: needs)
    }

    /// The parts of grids whose residents are beyond the radius of `need`, each with the
    /// residents it holds.
    public func uncoveredAreas(need n: Int) throws -> [(grid: Int, geometry: Geometry, residents: Double)] {
        try samples.areaAndResidents(of: needs[n].sampleCost.indices.filter { !needs[n].isCovered($0) })
    }

    /// Index of the need named `name`.
    public func needIndex(_ name: String) -> Int? { needs.firstIndex { $0.need.name == name } }
}
