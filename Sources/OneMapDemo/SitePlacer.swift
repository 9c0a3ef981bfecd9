import Foundation
import OneMapGeometry

/// Places shelters and facilities where people live, with capacities and areas in the
/// ranges the standards and plans give (GB 50413-2007, GB 21734-2008, 建标152-2017).
enum SitePlacer {
    /// Shelters in the planned mix 1 : 2 : 5 of class I : II : III (Kangbashi's 2025 target).
    static func shelters(count: Int, _ context: DemoGenerator.Context, _ random: inout SeededRandom, emit: (Feature) throws -> Void) throws {
        let classI = max(1, Int((Double(count) / 8).rounded()))
        let classII = min(count - classI, Int((Double(count) * 2 / 8).rounded()))
        for n in 0..<count {
            let shelterClass = n < classI ? "I" : n < classI + classII ? "II" : "III"
            let block = context.block(.urban, &random)
            let centre = context.layout.point(in: block, &random)
            let host: String
            let capacity: Int
            let perPerson: Double
            let geometry: Geometry
            switch shelterClass {
            case "I":
                host = random.element(["park", "stadium"])
                capacity = random.int(25...40) * 1000
                perPerson = 2.5
                geometry = try rectangle(around: centre, width: 380, height: 260, context)
            case "II":
                host = random.element(["park", "square", "stadium"])
                capacity = random.int(8...15) * 1000
                perPerson = 2.0
                geometry = try rectangle(around: centre, width: 220, height: 160, context)
            default:
                host = random.element(["school", "square", "park", "school"])
                capacity = random.int(15...50) * 100
                perPerson = 1.5
                geometry = .point(centre)
            }
            let hostName = ["park": "公园", "stadium": "体育场", "square": "广场", "school": "学校"][host]!
            try emit(Feature(id: String(format: "S-%05d", n + 1), geometry: geometry, properties: [
                JSONMember("name", .string("\(context.community(of: block).name.dropLast(2))\(hostName)应急避难场所")),
                JSONMember("shelter_class", .string(shelterClass)),
                JSONMember("shelter_kind", .string(shelterClass == "III" ? "emergency" : shelterClass == "II" ? "fixed" : "central")),
                JSONMember("host_type", .string(host)),
                JSONMember("capacity", .number(Double(capacity))),
                JSONMember("effective_area_m2", .number((Double(capacity) * perPerson * random.uniform(1.0...1.3)).rounded())),
                JSONMember("occupancy", .number(0)),
                JSONMember("exits", .number(Double(shelterClass == "III" ? random.int(2...4) : random.int(4...8)))),
                JSONMember("status", .string(random.unit() < 0.95 ? "open" : "closed")),
            ]))
        }
    }

    static func facilities(_ counts: [DemoSpec.FacilityKind: Int], _ context: DemoGenerator.Context, _ random: inout SeededRandom, emit: (Feature) throws -> Void) throws {
        var serial = 0
        for kind in DemoSpec.FacilityKind.allCases {
            for n in 0..<(counts[kind] ?? 0) {
                serial += 1
                let block = context.block(kind == .monitoringStation ? .anywhere : .urban, &random)
                let point = context.layout.point(in: block, &random)
                let place = String(context.community(of: block).name.dropLast(2))
                var properties: [JSONMember] = []
                func add(_ key: String, _ value: JSONValue) { properties.append(JSONMember(key, value)) }
                switch kind {
                case .fireStation:
                    let cls = n == 0 ? "1" : n == 1 ? "2" : "small"
                    add("name", .string("\(place)\(cls == "small" ? "小型" : cls == "1" ? "一级" : "二级")消防救援站"))
                    add("facility_class", .string(cls))
                    add("headcount", .number(Double(cls == "1" ? random.int(40...50) : cls == "2" ? random.int(25...35) : random.int(10...18))))
                case .depot:
                    let level = n == 0 ? "district" : n <= 4 ? "subdistrict" : "community"
                    add("name", .string("\(place)应急物资储备库"))
                    add("facility_class", .string(level))
                    add("capacity", .number(Double(level == "district" ? random.int(20...40) * 1000 : level == "subdistrict" ? random.int(3...8) * 1000 : random.int(5...15) * 100)))
                    add("inventory", .object([
                        JSONMember("tents", .number(Double(random.int(20...400)))), JSONMember("quilts", .number(Double(random.int(200...4000)))),
                        JSONMember("water_l", .number(Double(random.int(1...20) * 1000))), JSONMember("generators", .number(Double(random.int(1...12)))),
                    ]))
                case .hospital:
                    add("name", .string("\(place)医院"))
                    add("facility_class", .string(n == 0 ? "grade_3" : "grade_2"))
                    add("capacity", .number(Double(random.int(30...80) * 10)))
                case .school:
                    let stage = random.element(["primary", "middle", "high"])
                    add("name", .string("\(place)\(["primary": "小学", "middle": "中学", "high": "高级中学"][stage]!)"))
                    add("facility_class", .string(stage))
                    add("capacity", .number(Double(random.int(8...25) * 100)))
                case .rescueTeam:
                    let specialism = ["fire", "flood", "medical", "hazmat", "search_rescue", "mine"][n % 6]
                    add("name", .string("\(place)应急救援队(\(specialism))"))
                    add("headcount", .number(Double(random.int(20...80))))
                    add("specialism", .string(specialism))
                case .monitoringStation:
                    let what = random.element(["hydrology", "air_quality", "seismic", "weather"])
                    add("name", .string("\(place)监测站(\(what))"))
                    add("facility_class", .string(what))
                case .keyTarget:
                    let what = random.element(["water_plant", "substation", "gas_storage", "government", "telecom"])
                    add("name", .string("\(place)重点防护目标(\(what))"))
                    add("facility_class", .string(what))
                }
                properties.insert(JSONMember("kind", .string(kind.rawValue)), at: 1)
                add("status", .string("open"))
                if kind != .monitoringStation { add("contact", .string(String(format: "0477-5%06d", serial))) }
                try emit(Feature(id: String(format: "F-%05d", serial), geometry: .point(point), properties: properties))
            }
        }
    }

    /// An axis-aligned rectangle of `width` × `height` metres, shrunk until inside the boundary.
    private static func rectangle(around c: Coordinate, width: Double, height: Double, _ context: DemoGenerator.Context) throws -> Geometry {
        let frame = context.layout.frame
        let centre = frame.metres(c)
        var scale = 1.0
        while true {
            let w = width * scale / 2, h = height * scale / 2
            let ring: Ring = [frame.lonLat(centre.x - w, centre.y - h), frame.lonLat(centre.x + w, centre.y - h), frame.lonLat(centre.x + w, centre.y + h),
                              frame.lonLat(centre.x - w, centre.y + h), frame.lonLat(centre.x - w, centre.y - h)]
            if try context.prepared.contains(.polygon([ring])) || scale < 0.05 { return .polygon([ring]) }
            scale *= 0.7
        }
    }
}
