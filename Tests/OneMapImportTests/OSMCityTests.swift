import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// `onemap osm` on the committed Kotka extract, checked against GDAL reading the same file.
@Suite struct OSMCityTests {
    static let pbf = Repository.path("data/osm/kotka.osm.pbf")

    /// Rows of an ogrinfo SQLite-dialect query (hstore_get_value reads other_tags), as "|"-joined fields.
    func ogrRows(_ sql: String, fields: Int) throws -> [[String]] {
        let r = try runProcess("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", sql, Self.pbf])
        #expect(r.status == 0, "\(r.stderr)")
        var rows: [[String]] = []
        var current: [String] = []
        for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("OGRFeature") {
                if !current.isEmpty { rows.append(current) }
                current = []
            } else if let eq = line.range(of: ") = ") ?? line.range(of: ") (null)") {
                current.append(line[eq].hasSuffix("(null)") ? "" : String(line[eq.upperBound...]))
            }
        }
        if !current.isEmpty { rows.append(current) }
        return rows.map { Array($0.prefix(fields)) }
    }

    func build(_ dir: TemporaryDirectory) throws -> (String, OSMCity.Summary) {
        let out = dir.path("kotka.gpkg")
        return (out, try OSMCity.build(OSMCity.Options(input: Self.pbf, output: out)))
    }

    @Test func roadsAreOneWayExactlyWhereTheSourceTagsSaySo() throws {
        let dir = try TemporaryDirectory()
        let (out, summary) = try build(dir)
        var oneway: [String: JSONValue?] = [:]
        try GeoPackage(path: out, mode: .readOnly).read { s in
            try s.forEachRecord(in: .roads) { r in oneway[r.id] = r.feature(in: .roads)[property: "oneway"] }
        }
        let rows = try ogrRows("SELECT osm_id, highway, hstore_get_value(other_tags, 'oneway') AS oneway, hstore_get_value(other_tags, 'junction') AS junction FROM lines WHERE highway IS NOT NULL", fields: 4)
        let excluded = Set(OSMProfile.builtIn.roads.excludeHighway)
        let roads = rows.filter { !excluded.contains($0[1]) }
        #expect(summary.counts[.roads] == roads.count)
        var ways = 0
        for row in roads {
            let tag = row.count > 2 ? row[2] : ""
            let implied = (row.count > 3 && row[3] == "roundabout") || row[1] == "motorway"
            let expected: JSONValue? = switch tag {
            case "yes", "true", "1": .number(1)
            case "-1": .number(-1)
            case "no", "false", "0": .number(0)
            default: implied ? .number(1) : nil
            }
            #expect(oneway["way-\(row[0])"] == .some(expected), "way \(row[0]): oneway=\(tag)")
            if expected == .number(1) || expected == .number(-1) { ways += 1 }
        }
        #expect(ways > 0)
    }

    @Test func facilitiesCountAsGDALCountsTheirTags() throws {
        let dir = try TemporaryDirectory()
        let (out, _) = try build(dir)
        var kinds: [String: Int] = [:]
        try GeoPackage(path: out, mode: .readOnly).read { s in
            try s.forEachRecord(in: .facilities) { r in kinds[r.feature(in: .facilities)[property: "kind"]?.stringValue ?? "", default: 0] += 1 }
        }
        // The driver's own columns per layer (osmconf.ini); every other tag is in other_tags.
        let columns = ["points": Set(["name", "barrier", "highway", "ref", "address", "is_in", "place", "man_made"]),
                       "multipolygons": Set(["name", "type", "amenity", "admin_level", "barrier", "boundary", "building", "landuse", "leisure", "man_made", "natural", "place", "shop", "sport", "tourism"])]
        var total = 0
        for facility in OSMProfile.builtIn.facilities {
            var count = 0
            for layer in ["points", "multipolygons"] {
                // (String spelled out: GRDB's SQL literal would claim the interpolation.)
                let condition: String = facility.match.map { key, values -> String in
                    let column = columns[layer]!.contains(key) ? "\"\(key)\"" : "hstore_get_value(other_tags, '\(key)')"
                    return "\(column) IN (\(values.map { "'\($0)'" }.joined(separator: ",")))"
                }.joined(separator: " OR ")
                let rows = try ogrRows("SELECT COUNT(*) AS n FROM \(layer) WHERE \(condition)", fields: 1)
                count += Int(rows.first?.first ?? "0") ?? 0
            }
            #expect(kinds[facility.kind, default: 0] == count, "\(facility.kind)")
            total += count
        }
        #expect(total > 0)
    }

    @Test func theCityHasAOneMapAndNearestSheltersAnswer() throws {
        let dir = try TemporaryDirectory()
        let (out, summary) = try build(dir)
        #expect(summary.residents > 0)
        #expect(summary.lines.contains { $0.hasPrefix("grids:") && $0.contains("residential buildings") })
        let (_, model) = try RiskMap.build(path: out, rules: .standard)
        #expect(model.areas.count == summary.counts[.grids])
        #expect(model.summary.sources == summary.counts[.hazards])
        // Every hazard is levelled by the profile, so none is left unassessed.
        #expect(model.summary.unassessed.isEmpty)
        let snapshot = try SpatialIndex.load(from: GeoPackage(path: out, mode: .readOnly)).snapshot
        let nearest = try snapshot.nearestShelters(to: Coordinate(26.94, 60.47), k: 1)
        #expect(nearest.count == 1)
        // Grid codes stand in URLs; every hazard inside a cell knows it.
        var codes: [String] = []
        try GeoPackage(path: out, mode: .readOnly).read { s in
            try s.forEachRecord(in: .grids) { codes.append($0.feature(in: .grids)[property: "code"]?.stringValue ?? "") }
        }
        #expect(codes.allSatisfy { $0.hasPrefix("cell-") && $0.allSatisfy { $0.isASCII } })
    }

    /// A bow-tie boundary is refused naming the file and the reason (it was GEOS's
    /// TopologyException from cutting the first cell, with no file named).
    @Test func anInvalidBoundaryIsRefusedNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let bow = try dir.write("bow.geojson", #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[26.9,60.4],[27.0,60.5],[27.0,60.4],[26.9,60.5],[26.9,60.4]]]},"properties":{}}"#)
        var options = OSMCity.Options(input: Self.pbf, output: dir.path("k.gpkg"))
        options.boundary = bow
        #expect { try OSMCity.build(options) } throws: { "\($0)".hasPrefix(bow + ": the boundary polygon is invalid: Self-intersection") }
        #expect(!FileManager.default.fileExists(atPath: dir.path("k.gpkg")))
    }

    @Test func theShippedProfileIsTheBuiltInOneAndABadOneIsNamed() throws {
        #expect(try OSMProfile.load(path: Repository.path("config/osm-profile.json")) == .builtIn)
        let dir = try TemporaryDirectory()
        let bad = try dir.write("p.json", String(decoding: try OSMProfile.builtIn.json(), as: UTF8.self).replacingOccurrences(of: "\"floor_m2_per_resident\" : 40", with: "\"floor_m2_per_resident\" : \"forty\""))
        #expect { try OSMProfile.load(path: bad) } throws: { "\($0)".hasPrefix(bad + ": 'residents.floor_m2_per_resident' has the wrong type") }
        // A figure out of range is named, not a trap or a late failure.
        #expect(OSMProfile.builtIn.problem == nil)
        let far = try dir.write("far.json", String(decoding: try OSMProfile.builtIn.json(), as: UTF8.self).replacingOccurrences(of: "\"impact_distance_m\" : 50", with: "\"impact_distance_m\" : 1e300"))
        #expect { try OSMProfile.load(path: far) } throws: { "\($0)".contains("impact_distance_m' is 1e+300") }
    }
}
