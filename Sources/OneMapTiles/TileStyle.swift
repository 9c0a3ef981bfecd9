import Foundation
import OneMapGeometry
import OneMapRisk

/// How tiles look: colours, widths, symbol sizes, and from which zoom each layer shows.
/// Read from `config/style.json`, a file users edit (documented in `tiles/README.md`).
public struct TileStyle: Sendable, Equatable, Decodable {
    /// An sRGB colour with opacity, written `#RRGGBB` or `#RRGGBBAA` in the file.
    public struct Colour: Sendable, Hashable, Decodable {
        public var red, green, blue, alpha: Double

        public static let black = Colour(red: 0, green: 0, blue: 0, alpha: 1)

        init(red: Double, green: Double, blue: Double, alpha: Double) {
            (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
        }

        /// `#RRGGBB`, or `#RRGGBBAA` when not opaque.
        public var hex: String {
            func byte(_ v: Double) -> String {
                let b = UInt8((min(1, max(0, v.isNaN ? 0 : v)) * 255).rounded())
                let digits = String(b, radix: 16, uppercase: true)
                return digits.count == 1 ? "0" + digits : digits
            }
            return "#" + byte(red) + byte(green) + byte(blue) + (alpha < 1 ? byte(alpha) : "")
        }

        public init(hex: String) throws {
            let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
            guard digits.count == 6 || digits.count == 8, let value = UInt32(digits, radix: 16) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(hex)' is not a colour: write #RRGGBB or #RRGGBBAA"))
            }
            let v = digits.count == 6 ? value << 8 | 0xFF : value
            red = Double(v >> 24 & 0xFF) / 255
            green = Double(v >> 16 & 0xFF) / 255
            blue = Double(v >> 8 & 0xFF) / 255
            alpha = Double(v & 0xFF) / 255
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            do {
                try self.init(hex: text)
            } catch let DecodingError.dataCorrupted(context) {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: context.debugDescription))
            }
        }
    }

    /// One value per risk level (a colour, a radius, a zoom), written as an object with
    /// members red, orange, yellow and blue.
    public struct PerLevel<Value: Sendable & Equatable & Decodable>: Sendable, Equatable, Decodable {
        public var red, orange, yellow, blue: Value

        public subscript(level: RiskLevel) -> Value {
            switch level {
            case .red: red
            case .orange: orange
            case .yellow: yellow
            case .blue: blue
            }
        }
    }

    public typealias LevelColours = PerLevel<Colour>
    public typealias LevelNumbers = PerLevel<Double>

    public struct RiskAreas: Sendable, Equatable, Decodable {
        public var minZoom: Int
        /// Fill colours; their alpha makes the fills semi-transparent.
        public var fill: LevelColours
        public var outline: LevelColours
        public var outlineWidth: Double
        /// Outline of areas no open source reaches (null: not drawn).
        public var uncolouredOutline: Colour?
        /// Below this zoom (default 10; 0: never) the areas of each level are drawn as their
        /// union, outlined once: cells of a few pixels hold more outline than colour there.
        public var mergeBelowZoom: Int?

        public func merged(at zoom: Int) -> Bool { zoom < (mergeBelowZoom ?? 10) }
    }

    public struct Hazards: Sendable, Equatable, Decodable {
        /// Zoom from which sources of each level are drawn (red ones first, blue ones last).
        public var minZoom: LevelNumbers
        public var colour: LevelColours
        /// Circle radius of point sources in pixels (at 256 px tiles).
        public var radius: LevelNumbers
        public var stroke: Colour
        public var strokeWidth: Double
        /// Width of pipelines and other line sources.
        public var lineWidth: Double
        /// Opacity of the fill of polygon sources (parks, flood zones).
        public var polygonFillOpacity: Double
        /// Open hazards past their rectification deadline (督办超期): a ring of this colour
        /// and width around the symbol, or along lines and polygon edges.
        public var overdue: Overdue
        /// Below this zoom point symbols are thinned: one symbol of a level (and ring) per
        /// cell as wide as its radius; another whose centre falls in the same cell is not
        /// drawn again (absent: 13; 0: never). A z11 tile of a city holds thousands of red
        /// circles, most under others.
        public var thinBelowZoom: Int?

        /// Whether point symbols at `zoom` are thinned.
        public func thinned(at zoom: Int) -> Bool { zoom < (thinBelowZoom ?? 13) }

        public struct Overdue: Sendable, Equatable, Decodable {
            public var colour: Colour
            public var width: Double
            /// Pixels between the symbol's edge and the ring.
            public var gap: Double
        }
    }

    public struct Symbol: Sendable, Equatable, Decodable {
        /// circle, square, diamond, triangle, cross or star.
        public var shape: Shape
        public var fill: Colour

        public init(shape: Shape, fill: Colour) {
            self.shape = shape
            self.fill = fill
        }

        public enum Shape: String, Sendable, Decodable, CaseIterable {
            case circle, square, diamond, triangle, cross, star
        }
    }

    public struct Shelters: Sendable, Equatable, Decodable {
        public var minZoom: Int
        public var size: Double
        /// The symbol of open shelters (and of statuses not listed in `statuses`).
        public var symbol: Symbol
        public var stroke: Colour
        /// Fill of polygon shelters (parks, squares) drawn as areas.
        public var areaFill: Colour
        /// Symbols by status (`full`, `closed`, `planned`): a shelter people cannot be sent
        /// to must not look like one they can. Absent from older style files: then the
        /// shipped greys and amber are used, never the open symbol.
        public var statuses: [String: Symbol]?

        /// The symbol drawn for a shelter of `status`.
        public func symbol(status: String?) -> Symbol {
            guard let status, status != "open" else { return symbol }
            return (statuses ?? Self.defaultStatuses)[status] ?? symbol
        }

        /// The statuses drawn with their own symbol, in legend order.
        public var statusSymbols: [(status: String, symbol: Symbol)] {
            let listed = statuses ?? Self.defaultStatuses
            return [("open", symbol)] + Self.legendOrder.compactMap { status in listed[status].map { (status, $0) } }
                + listed.keys.filter { !Self.legendOrder.contains($0) && $0 != "open" }.sorted().compactMap { status in listed[status].map { (status, $0) } }
        }

        static let legendOrder = ["full", "closed", "planned"]

        /// A status as the legend names it (Chinese and English).
        public static func statusName(_ status: String) -> String {
            switch status {
            case "open": "开放 open"
            case "full": "已满 full"
            case "closed": "关闭 closed"
            case "planned": "规划 planned"
            default: status
            }
        }

        /// The shelter symbols by status as JSON, for the web map's legend.
        public var legendJSON: JSONValue {
            .array(statusSymbols.map { entry in
                .object([JSONMember("status", .string(entry.status)), JSONMember("label", .string(Self.statusName(entry.status))),
                         JSONMember("shape", .string(entry.symbol.shape.rawValue)), JSONMember("colour_hex", .string(entry.symbol.fill.hex))])
            })
        }
        // Colours that parse: a literal here is checked by the tests of the shipped style.
        static let defaultStatuses: [String: Symbol] = [
            "full": Symbol(shape: .square, fill: (try? Colour(hex: "#FF8F00")) ?? .black),
            "closed": Symbol(shape: .square, fill: (try? Colour(hex: "#9E9E9E")) ?? .black),
            "planned": Symbol(shape: .square, fill: (try? Colour(hex: "#BDBDBD")) ?? .black),
        ]
    }

    public struct Facilities: Sendable, Equatable, Decodable {
        public var minZoom: Int
        public var size: Double
        public var stroke: Colour
        /// A symbol per facility kind (fire_station, depot, hospital, …).
        public var kinds: [String: Symbol]
        /// The symbol of kinds not listed.
        public var other: Symbol

        /// A kind as the legend names it (Chinese and English).
        public static func kindName(_ kind: String) -> String {
            switch kind {
            case "fire_station": "消防站 fire station"
            case "hospital": "医院 hospital"
            case "depot": "物资储备库 depot"
            case "rescue_team": "救援队伍 rescue team"
            case "school": "学校 school"
            case "monitoring_station": "监测站 monitoring station"
            case "key_target": "重点目标 key target"
            case "other": "其他 other"
            default: kind.replacingOccurrences(of: "_", with: " ")
            }
        }

        /// The facility symbols by kind (and `other`) as JSON, for the web map's legend.
        public var legendJSON: JSONValue {
            .array((kinds.keys.sorted().map { ($0, kinds[$0] ?? other) } + [("other", other)]).map { kind, symbol in
                .object([JSONMember("kind", .string(kind)), JSONMember("label", .string(Self.kindName(kind))),
                         JSONMember("shape", .string(symbol.shape.rawValue)), JSONMember("colour_hex", .string(symbol.fill.hex))])
            })
        }
    }

    public struct Labels: Sendable, Equatable, Decodable {
        /// A fontconfig family with Chinese glyphs (Debian's fonts-noto-cjk).
        public var font: String
        public var size: Double
        public var colour: Colour
        public var halo: Colour
        public var haloWidth: Double
        /// Zoom from which grid cells are named.
        public var areasFrom: Int
        /// Zoom from which shelters and facilities are named.
        public var pointsFrom: Int
    }

    /// A line drawn by class or level: the base under the one map (roads, boundaries).
    public struct Line: Sendable, Hashable, Decodable {
        /// Zoom from which lines of this class are drawn.
        public var minZoom: Int
        /// Width in pixels at ``Roads/fullWidthZoom`` and above; thinner below it.
        public var width: Double
        public var colour: Colour
        /// Dash and gap lengths in pixels; absent: solid.
        public var dash: [Double]?
    }

    /// The data's own roads by `road_class`, drawn under the risk colours so a map reads
    /// on an intranet with no base map.
    public struct Roads: Sendable, Equatable, Decodable {
        /// By OSM highway value; `primary_link` and the like are drawn as their road
        /// (`primary`) unless listed themselves.
        public var classes: [String: Line]
        /// Roads of a class not listed (or with none).
        public var other: Line
        /// Drawn under each road, wider by twice `casing_width`.
        public var casing: Colour
        public var casingWidth: Double
        /// Below this zoom widths shrink by √2 per zoom (to at least `min_width`).
        public var fullWidthZoom: Int
        public var minWidth: Double
        /// Below this zoom roads are drawn generalised: snapped to whole pixels, each
        /// pixel segment once, one path per road style (absent from a style file: 12;
        /// 0: never). Not optional: an `Int?` last in this struct read back as garbage
        /// through `#expect`'s copy of it (a 129-byte layout).
        public var generaliseBelowZoom: Int

        /// Whether roads at `zoom` are drawn generalised.
        public func generalised(at zoom: Int) -> Bool { zoom < generaliseBelowZoom }

        private enum CodingKeys: String, CodingKey {
            case classes, other, casing, casingWidth, fullWidthZoom, minWidth, generaliseBelowZoom
        }

        public init(classes: [String: Line], other: Line, casing: Colour, casingWidth: Double, fullWidthZoom: Int, minWidth: Double,
                    generaliseBelowZoom: Int = 12) {
            (self.classes, self.other, self.casing, self.casingWidth) = (classes, other, casing, casingWidth)
            (self.fullWidthZoom, self.minWidth, self.generaliseBelowZoom) = (fullWidthZoom, minWidth, generaliseBelowZoom)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(classes: try c.decode([String: Line].self, forKey: .classes), other: try c.decode(Line.self, forKey: .other),
                      casing: try c.decode(Colour.self, forKey: .casing), casingWidth: try c.decode(Double.self, forKey: .casingWidth),
                      fullWidthZoom: try c.decode(Int.self, forKey: .fullWidthZoom), minWidth: try c.decode(Double.self, forKey: .minWidth),
                      generaliseBelowZoom: try c.decodeIfPresent(Int.self, forKey: .generaliseBelowZoom) ?? 12)
        }

        /// The line for a road of `roadClass`.
        public func line(for roadClass: String?) -> Line {
            guard let roadClass else { return other }
            if let line = classes[roadClass] { return line }
            if roadClass.hasSuffix("_link"), let line = classes[String(roadClass.dropLast(5))] { return line }
            return other
        }

        /// The width of `line` at `zoom`.
        public func width(of line: Line, zoom: Int) -> Double {
            zoom >= fullWidthZoom ? line.width : max(minWidth, line.width * pow(0.5, Double(fullWidthZoom - zoom) / 2))
        }
    }

    /// Administrative boundaries (`admin_units` outlines) by `level`.
    public struct AdminBoundaries: Sendable, Equatable, Decodable {
        /// By level: district, subdistrict, community, county, city, township, …
        public var levels: [String: Line]
        /// Units of a level not listed.
        public var other: Line
        /// Drawn under each boundary (a light halo so it reads on any fill); null: none.
        public var halo: Colour?

        public func line(for level: String?) -> Line { level.flatMap { levels[$0] } ?? other }
    }

    /// What the base under the risk colours shows, as JSON for the legend: road classes
    /// and boundary levels with their colour, width and first zoom.
    public var baseLegendJSON: JSONValue {
        func entry(_ key: String, _ name: String, _ line: Line) -> JSONValue {
            .object([JSONMember(key, .string(name)), JSONMember("colour_hex", .string(line.colour.hex)),
                     JSONMember("width", .number(line.width)), JSONMember("min_zoom", .number(Double(line.minZoom))),
                     JSONMember("dashed", .bool(!(line.dash ?? []).isEmpty))])
        }
        return .object([
            JSONMember("roads", .array(roads.classes.sorted { ($0.value.width, $1.key) > ($1.value.width, $0.key) }.map { entry("road_class", $0.key, $0.value) })),
            JSONMember("boundaries", .array(adminBoundaries.levels.sorted { ($0.value.width, $1.key) > ($1.value.width, $0.key) }.map { entry("level", $0.key, $0.value) })),
        ])
    }

    public var riskAreas: RiskAreas
    public var hazards: Hazards
    public var shelters: Shelters
    public var facilities: Facilities
    public var labels: Labels
    /// Absent from older style files: then the shipped roads and boundaries are drawn
    /// (``defaultRoads``, ``defaultAdminBoundaries``).
    public var roads: Roads
    public var adminBoundaries: AdminBoundaries
    /// A digest of the style file's bytes: a tile cache drawn with another style is
    /// emptied when the server or seeder opens it.
    public var digest: String = ""

    enum CodingKeys: String, CodingKey {
        case riskAreas, hazards, shelters, facilities, labels, roads, adminBoundaries
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        riskAreas = try c.decode(RiskAreas.self, forKey: .riskAreas)
        hazards = try c.decode(Hazards.self, forKey: .hazards)
        shelters = try c.decode(Shelters.self, forKey: .shelters)
        facilities = try c.decode(Facilities.self, forKey: .facilities)
        labels = try c.decode(Labels.self, forKey: .labels)
        roads = try c.decodeIfPresent(Roads.self, forKey: .roads) ?? Self.defaultRoads
        adminBoundaries = try c.decodeIfPresent(AdminBoundaries.self, forKey: .adminBoundaries) ?? Self.defaultAdminBoundaries
    }

    private static func colour(_ hex: String) -> Colour { (try? Colour(hex: hex)) ?? .black }

    /// The roads of the shipped `config/style.json` (a test checks they agree).
    public static let defaultRoads = Roads(
        classes: [
            "motorway": Line(minZoom: 5, width: 4.5, colour: colour("#E990A0"), dash: nil),
            "trunk": Line(minZoom: 6, width: 4, colour: colour("#F9B29C"), dash: nil),
            "primary": Line(minZoom: 8, width: 3.5, colour: colour("#FCD6A4"), dash: nil),
            "secondary": Line(minZoom: 10, width: 3, colour: colour("#F7FABF"), dash: nil),
            "tertiary": Line(minZoom: 11, width: 2.5, colour: colour("#FFFFFF"), dash: nil),
            "residential": Line(minZoom: 13, width: 2, colour: colour("#FFFFFF"), dash: nil),
            "unclassified": Line(minZoom: 13, width: 2, colour: colour("#FFFFFF"), dash: nil),
            "living_street": Line(minZoom: 14, width: 1.8, colour: colour("#EDEDED"), dash: nil),
            "service": Line(minZoom: 15, width: 1.2, colour: colour("#FFFFFF"), dash: nil),
            "track": Line(minZoom: 15, width: 1, colour: colour("#996600"), dash: [4, 3]),
            "footway": Line(minZoom: 16, width: 0.8, colour: colour("#FA8072"), dash: [2, 2]),
            "path": Line(minZoom: 16, width: 0.8, colour: colour("#FA8072"), dash: [2, 2]),
            "cycleway": Line(minZoom: 16, width: 0.8, colour: colour("#0000FF"), dash: [2, 2]),
        ],
        other: Line(minZoom: 15, width: 1, colour: colour("#FFFFFF"), dash: nil),
        casing: colour("#9E9E9EB3"), casingWidth: 0.6, fullWidthZoom: 16, minWidth: 0.6, generaliseBelowZoom: 12)

    public static let defaultAdminBoundaries = AdminBoundaries(
        levels: [
            "city": Line(minZoom: 0, width: 2.5, colour: colour("#4A148CCC"), dash: [9, 4]),
            "county": Line(minZoom: 0, width: 2.2, colour: colour("#4A148CCC"), dash: [8, 4]),
            "district": Line(minZoom: 0, width: 2.2, colour: colour("#4A148CCC"), dash: [8, 4]),
            "subdistrict": Line(minZoom: 11, width: 1.6, colour: colour("#6A1B9AB3"), dash: [6, 3]),
            "township": Line(minZoom: 11, width: 1.6, colour: colour("#6A1B9AB3"), dash: [6, 3]),
            "community": Line(minZoom: 13, width: 1.1, colour: colour("#7B1FA299"), dash: [3, 3]),
        ],
        other: Line(minZoom: 12, width: 1, colour: colour("#7B1FA299"), dash: [3, 3]),
        halo: colour("#FFFFFF99"))

    /// Reads a style file; errors name the file and the member at fault.
    public static func load(path: String) throws(TileError) -> TileStyle {
        guard let data = FileManager.default.contents(atPath: path) else { throw .style(path: path, reason: "cannot read the file") }
        return try load(data: data, origin: path)
    }

    /// Reads a style from bytes (the compiled-in default); errors name `origin`.
    public static func load(data: Data, origin: String) throws(TileError) -> TileStyle {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            var style = try decoder.decode(TileStyle.self, from: data)
            style.digest = data.withUnsafeBytes { FNV1a.hex($0) }
            return style
        } catch let error as DecodingError {
            throw .style(path: origin, reason: DecodingExplanation.explain(error))
        } catch {
            throw .style(path: origin, reason: "\(error)")
        }
    }
}
