import Foundation
import OneMapGeometry
import OneMapRisk

/// How tiles look: colours, widths, symbol sizes, and from which zoom each layer shows.
/// Read from `tiles/style.json`, a file users edit (documented in `tiles/README.md`).
public struct TileStyle: Sendable, Equatable, Decodable {
    /// An sRGB colour with opacity, written `#RRGGBB` or `#RRGGBBAA` in the file.
    public struct Colour: Sendable, Equatable, Decodable {
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

    public var riskAreas: RiskAreas
    public var hazards: Hazards
    public var shelters: Shelters
    public var facilities: Facilities
    public var labels: Labels

    /// Reads a style file; errors name the file and the member at fault.
    public static func load(path: String) throws(TileError) -> TileStyle {
        guard let data = FileManager.default.contents(atPath: path) else { throw .style(path: path, reason: "cannot read the file") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(TileStyle.self, from: data)
        } catch let error as DecodingError {
            throw .style(path: path, reason: Self.explain(error))
        } catch {
            throw .style(path: path, reason: "\(error)")
        }
    }

    /// The style committed in `tiles/style.json` when OneMap runs from the repository,
    /// found next to the working directory or given by ONEMAP_STYLE.
    public static func locate() -> String? {
        if let given = ProcessInfo.processInfo.environment["ONEMAP_STYLE"] { return given }
        return FileManager.default.fileExists(atPath: "tiles/style.json") ? "tiles/style.json" : nil
    }

    static func explain(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? Self.snake($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing member '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "'\(path(context.codingPath))' has the wrong type: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON: \(context.debugDescription)"
                : "'\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func snake(_ camel: String) -> String {
        camel.reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }
}
