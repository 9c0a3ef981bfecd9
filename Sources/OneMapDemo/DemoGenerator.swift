import Foundation
import OneMapGeometry

/// Generates a realistic deployment inside a real boundary: subdistricts, communities and
/// grids with clustered residents, hazards with the district's profile, shelters,
/// facilities and a planned-city road network. Same boundary, spec and seed → same data.
///
/// Features are handed to `sink` layer by layer with the layer schema's canonical
/// property names, so the caller stores them through the same mapping as any import.
public struct DemoGenerator {
    public let boundary: Geometry
    public let districtCode: String
    public let spec: DemoSpec
    public let seed: UInt64

    /// - Parameters:
    ///   - boundary: the district (or city) polygon in WGS84.
    ///   - districtCode: prefix of generated administrative codes, e.g. "150603".
    public init(boundary: Geometry, districtCode: String, spec: DemoSpec, seed: UInt64) {
        self.boundary = boundary
        self.districtCode = districtCode
        self.spec = spec
        self.seed = seed
    }

    /// Layers the generator writes, in order.
    public enum Output: String, CaseIterable, Sendable {
        case adminUnits = "admin_units", grids, hazards, shelters, facilities, roads
    }

    public func generate(progress: (String) -> Void = { _ in }, sink: (Output, Feature) throws -> Void) throws {
        var random = SeededRandom(seed: seed)
        let geos = GEOSContext()
        let layout = try DistrictLayout(boundary: boundary, districtCode: districtCode, spec: spec, random: &random, geos: geos, progress: progress)
        let context = Context(layout: layout, geos: geos, prepared: try geos.prepare(boundary))

        progress("writing \(layout.subdistricts.count) subdistricts, \(layout.communities.count) communities, \(layout.grids.count) grids")
        try writeAdministrativeUnits(layout, geos, sink)
        progress("placing \(spec.hazards) hazards")
        try HazardPlacer(profile: HazardKindProfile.kangbashi, count: spec.hazards).place(context, &random, progress: progress) { try sink(.hazards, $0) }
        progress("placing \(spec.shelters) shelters and \(spec.facilities.values.reduce(0, +)) facilities")
        try SitePlacer.shelters(count: spec.shelters, context, &random) { try sink(.shelters, $0) }
        try SitePlacer.facilities(spec.facilities, context, &random) { try sink(.facilities, $0) }
        progress("laying out the road network")
        let roads = try RoadNetwork(layout: layout, spacing: spec.blockSpacing, prepared: context.prepared)
        progress("writing \(roads.segments.count) road segments")
        for feature in roads.features() { try sink(.roads, feature) }
    }

    private func writeAdministrativeUnits(_ layout: DistrictLayout, _ geos: GEOSContext, _ sink: (Output, Feature) throws -> Void) throws {
        for (s, unit) in layout.subdistricts.enumerated() {
            let blocks = layout.communities.filter { $0.parent == s }.flatMap(\.blocks)
            try sink(.adminUnits, Feature(id: unit.code, geometry: try layout.union(of: blocks, geos: geos), properties: [
                JSONMember("name", .string(unit.name)), JSONMember("code", .string(unit.code)), JSONMember("level", .string("subdistrict")),
                JSONMember("parent_code", .string(districtCode)), JSONMember("population", .number(Double(unit.population))),
            ]))
        }
        for unit in layout.communities {
            try sink(.adminUnits, Feature(id: unit.code, geometry: try layout.union(of: unit.blocks, geos: geos), properties: [
                JSONMember("name", .string(unit.name)), JSONMember("code", .string(unit.code)), JSONMember("level", .string("community")),
                JSONMember("parent_code", .string(layout.subdistricts[unit.parent].code)), JSONMember("population", .number(Double(unit.population))),
            ]))
        }
        for (n, unit) in layout.grids.enumerated() {
            let community = layout.communities[unit.parent]
            try sink(.grids, Feature(id: unit.code, geometry: try layout.union(of: unit.blocks, geos: geos), properties: [
                JSONMember("name", .string(unit.name)), JSONMember("code", .string(unit.code)),
                JSONMember("community", .string(community.code)), JSONMember("subdistrict", .string(layout.subdistricts[community.parent].code)),
                JSONMember("population", .number(Double(unit.population))), JSONMember("grid_worker", .string(unit.worker)),
                // A made-up number in the demo's own range (0477 is Ordos's area code; 6xxxxxx is not issued to the public here).
                JSONMember("contact", .string(String(format: "0477-6%06d", n + 1))),
            ]))
        }
    }

    /// What the placers share: the layout, GEOS, the prepared boundary and block samplers.
    struct Context {
        let layout: DistrictLayout
        let geos: GEOSContext
        let prepared: PreparedGeometry
        let urbanWeights: [Double]
        let ruralWeights: [Double]
        let areaWeights: [Double]

        init(layout: DistrictLayout, geos: GEOSContext, prepared: PreparedGeometry) {
            self.layout = layout
            self.geos = geos
            self.prepared = prepared
            urbanWeights = layout.cumulativeWeights()
            ruralWeights = layout.cumulativeWeights(rural: true)
            areaWeights = layout.cumulativeWeights(byArea: true)
        }

        /// A block drawn by population (urban), away from it (rural) or by area.
        func block(_ kind: Placement, _ random: inout SeededRandom) -> Int {
            switch kind {
            case .urban: DistrictLayout.draw(urbanWeights, &random)
            case .rural: DistrictLayout.draw(ruralWeights, &random)
            case .anywhere: DistrictLayout.draw(areaWeights, &random)
            }
        }

        func grid(of block: Int) -> DistrictLayout.Unit { layout.grids[layout.blocks[block].grid] }
        func community(of block: Int) -> DistrictLayout.Unit { layout.communities[grid(of: block).parent] }
    }

    enum Placement { case urban, rural, anywhere }
}
