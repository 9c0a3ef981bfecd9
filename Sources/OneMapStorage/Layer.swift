/// The six layers of a OneMap deployment, each one table in the GeoPackage.
public enum Layer: String, CaseIterable, Sendable, CustomStringConvertible {
    case adminUnits = "admin_units"
    case grids
    case hazards
    case shelters
    case facilities
    case roads

    /// The table name in the GeoPackage, also the name users type (`--layer hazards`).
    public var tableName: String { rawValue }
    public var description: String { rawValue }

    /// Parses a layer name as users type it (`admin_units`, `admin-units`, `grids`, …).
    public init?(name: String) {
        self.init(rawValue: name.lowercased().replacingOccurrences(of: "-", with: "_"))
    }

    public var title: String {
        switch self {
        case .adminUnits: "Administrative units"
        case .grids: "Grid cells (网格)"
        case .hazards: "Hazards and risk sources"
        case .shelters: "Emergency shelters (应急避难场所)"
        case .facilities: "Facilities: fire stations, depots, hospitals, rescue teams, schools"
        case .roads: "Roads"
        }
    }

    /// The geometry type declared in `gpkg_geometry_columns`, and what sources may bring.
    public var geometryRule: GeometryRule {
        switch self {
        case .adminUnits, .grids: .multiPolygon
        case .hazards, .shelters: .any
        case .facilities: .point
        case .roads: .lineString
        }
    }

    /// The typed columns, after `fid`, `geom` and `id` and before `properties`.
    public var columns: [Column] { Self.columnTable[self]! }

    /// Built once: readers and writers consult the columns for every row.
    private static let columnTable: [Layer: [Column]] = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.definedColumns) })

    private var definedColumns: [Column] {
        switch self {
        case .adminUnits:
            [
                Column("name", .text, "Name, e.g. 康巴什区", aliases: ["名称", "title"]),
                Column("code", .text, "Administrative code (adcode)", aliases: ["adcode", "行政区划代码", "区划代码", "编码"]),
                Column("level", .text, "district, subdistrict, community, county, township, city", aliases: ["级别", "层级", "admin_level"]),
                Column("parent_code", .text, "Code of the enclosing unit", aliases: ["parent", "上级代码", "parent_adcode"]),
                Column("population", .integer(0...10_000_000_000), "Resident population", aliases: ["pop", "人口", "常住人口"]),
            ]
        case .grids:
            [
                Column("name", .text, "Name of the grid cell", aliases: ["名称", "网格名称"]),
                Column("code", .text, "Grid code, unique in the deployment", aliases: ["grid_code", "网格编码", "网格代码", "编码"]),
                Column("community", .text, "Parent community (社区) name or code", aliases: ["community_code", "社区", "所属社区"]),
                Column("subdistrict", .text, "Subdistrict (街道) name or code", aliases: ["subdistrict_code", "街道", "所属街道"]),
                Column("population", .integer(0...10_000_000_000), "Resident population", aliases: ["pop", "residents", "人口", "常住人口"]),
                Column("grid_worker", .text, "The grid worker (网格员) responsible", aliases: ["worker", "网格员"]),
                Column("contact", .text, "How to reach the grid worker (phone), for an incident's notification list", aliases: ["phone", "telephone", "联系电话", "电话", "联系方式"]),
            ]
        case .hazards:
            [
                Column("name", .text, "Name", aliases: ["名称", "隐患名称", "title"]),
                Column("kind", .text, "gas_station, hazardous_chemical, pipeline, construction_site, crowded_place, waterlogging, geological, forest_fire, mine, tailings_pond, …", aliases: ["type", "category", "类型", "类别", "风险类型"]),
                Column("subkind", .text, "Finer kind, e.g. landslide (滑坡) for geological", aliases: ["subtype", "子类"]),
                Column("level", .vocabulary(.riskLevel), "Risk level", aliases: ["risk_level", "风险等级", "隐患等级", "风险级别", "等级"]),
                Column("major_hazard_grade", .integer(1...4), "Major hazard source (重大危险源) grade", aliases: ["major_grade", "重大危险源等级"]),
                Column("impact_distance_m", .real(0...100_000), "Impact or external-safety distance in metres", aliases: ["impact_distance", "impact_radius", "safety_distance", "影响距离", "影响半径", "安全距离"]),
                Column("status", .vocabulary(.hazardStatus), "Lifecycle status", aliases: ["state", "状态", "治理状态"]),
                Column("reported_by", .text, "Who reported it", aliases: ["reporter", "上报人", "报告人"]),
                Column("reported_at", .timestamp, "When it was reported", aliases: ["report_time", "reported", "上报时间", "登记时间"]),
                Column("grid_code", .text, "Grid cell it was reported in", aliases: ["grid", "所属网格"]),
                Column("lec_l", .real(0...10), "LEC likelihood L", aliases: ["l", "likelihood"]),
                Column("lec_e", .real(0...10), "LEC exposure E", aliases: ["e", "exposure"]),
                Column("lec_c", .real(0...100), "LEC consequence C", aliases: ["c", "consequence"]),
                Column("matrix_l", .integer(1...5), "Risk-matrix likelihood (1–5)", aliases: ["matrix_likelihood"]),
                Column("matrix_s", .integer(1...5), "Risk-matrix severity (1–5)", aliases: ["matrix_severity", "severity"]),
                Column("supervision_owner", .text, "Listed for supervision (挂牌督办): the department or person answerable for rectifying it", aliases: ["supervisor", "督办责任人", "督办单位", "责任单位"]),
                Column("due_date", .timestamp, "When it must be rectified by (set on listing; otherwise its level's deadline counts from reported_at)", aliases: ["deadline", "整改期限", "督办期限"]),
            ]
        case .shelters:
            [
                Column("name", .text, "Name", aliases: ["名称", "场所名称"]),
                Column("shelter_class", .vocabulary(.shelterClass), "Class (GB 21734)", aliases: ["class", "类别", "等级", "shelter_level"]),
                Column("shelter_kind", .vocabulary(.shelterKind), "Kind (GB 50413)", aliases: ["kind", "type", "类型"]),
                Column("host_type", .text, "park, square, school, stadium, …", aliases: ["host", "依托类型", "场所类型"]),
                Column("capacity", .integer(0...100_000_000), "Capacity in persons", aliases: ["容量", "容纳人数", "可容纳人数", "persons"]),
                Column("effective_area_m2", .real(0...1.0e9), "Effective area in m²", aliases: ["area_m2", "effective_area", "有效面积", "有效避难面积"]),
                Column("occupancy", .integer(0...100_000_000), "Persons sheltered now", aliases: ["occupied", "current", "当前人数"]),
                Column("exits", .integer(0...1000), "Number of exits", aliases: ["出入口", "出口数"]),
                Column("status", .vocabulary(.operationalStatus), "open, full, closed, planned", aliases: ["state", "状态"]),
            ]
        case .facilities:
            [
                Column("name", .text, "Name", aliases: ["名称"]),
                Column("kind", .text, "fire_station, depot, hospital, rescue_team, school, monitoring_station, key_target", aliases: ["type", "category", "类型"]),
                Column("facility_class", .text, "Fire station class (1, 2, small), depot level (city … community), …", aliases: ["class", "level", "等级", "级别"]),
                Column("capacity", .integer(0...Int64.max), "Beds, pupils or stored units", aliases: ["容量", "床位"]),
                Column("headcount", .integer(0...Int64.max), "Staff or team members", aliases: ["staff", "members", "人数", "队员人数"]),
                Column("specialism", .text, "A rescue team's speciality", aliases: ["speciality", "specialty", "专业"]),
                Column("status", .vocabulary(.operationalStatus), "open, full, closed, planned", aliases: ["state", "状态"]),
            ]
        case .roads:
            [
                Column("name", .text, "Name", aliases: ["名称", "道路名称"]),
                Column("road_class", .text, "OSM highway value: motorway, trunk, primary, secondary, tertiary, residential, service, …", aliases: ["highway", "class", "fclass", "道路等级"]),
                Column("maxspeed_kmh", .speed, "Speed limit in km/h", aliases: ["maxspeed", "speed", "speed_kmh", "限速"]),
                Column("oneway", .oneway, "One-way: 1 along the line, -1 against, 0 both", aliases: ["one_way", "单行"]),
                Column("lanes", .integer(1...20), "Lanes", aliases: ["车道数"]),
            ]
        }
    }

    /// The column named `name`, if this layer has it.
    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// Where column `name` sits in ``columns`` (and so in a record's `values`). Code names
    /// columns it knows; a name the layer lacks is a programming error.
    public func columnIndex(_ name: String) -> Int {
        guard let i = Self.columnIndexTable[self]![name] else { preconditionFailure("the \(self) layer has no column \(name)") }
        return i
    }

    private static let columnIndexTable: [Layer: [String: Int]] = Dictionary(uniqueKeysWithValues: allCases.map { layer in
        (layer, Dictionary(uniqueKeysWithValues: layer.columns.enumerated().map { ($1.name, $0) }))
    })
}

/// A typed column of a layer, with the source property names it also answers to.
public struct Column: Sendable, Equatable {
    public var name: String
    public var kind: ColumnKind
    public var meaning: String
    /// Source property names matched to this column, compared after ``Column/foldKey(_:)``.
    public var aliases: [String]

    init(_ name: String, _ kind: ColumnKind, _ meaning: String, aliases: [String]) {
        self.name = name
        self.kind = kind
        self.meaning = meaning
        self.aliases = aliases
    }

    /// How property names are compared: lower case, without spaces, `_` or `-`, so that
    /// "Effective Area", "effective-area" and "effective_area" match one alias.
    public static func foldKey(_ key: String) -> String {
        String(key.lowercased().unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "-" })
    }
}

/// Which geometries a layer declares and accepts.
public enum GeometryRule: Sendable {
    /// Any simple-features type (hazards are points, lines or polygons).
    case any
    case point
    case lineString
    /// Polygons, promoted to single-part MultiPolygons so the layer has one type.
    case multiPolygon

    /// The `geometry_type_name` in `gpkg_geometry_columns`.
    public var declaredType: String {
        switch self {
        case .any: "GEOMETRY"
        case .point: "POINT"
        case .lineString: "LINESTRING"
        case .multiPolygon: "MULTIPOLYGON"
        }
    }
}

extension Column {
    /// The typed value a piece of text stands for in this column, as a query parameter or
    /// command-line argument gives it ("red" and "1" are both level 1), or why it does not fit.
    public func value(parsing text: String) -> Normalized {
        kind.normalize(.string(text))
    }
}
