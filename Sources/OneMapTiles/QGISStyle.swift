import OneMapGeometry

/// QGIS styles (QML, and SLD for other clients) of the one map's layers, from the tile
/// style, so that the GeoPackage opens in QGIS looking as OneMap draws it: the risk areas
/// in the four colours, hazards by level, shelters by status, facilities by kind.
/// Written into the GeoPackage's `layer_styles` table, which QGIS reads for its default style.
public struct QGISStyle: Sendable, Equatable {
    public var table: String
    public var name: String
    public var qml: String
    public var sld: String

    /// The styles for every layer that has one: risk_areas, hazards, shelters, facilities.
    public static func all(_ style: TileStyle) -> [QGISStyle] {
        let levels: [(value: String, label: String, key: KeyPath<TileStyle.LevelColours, TileStyle.Colour>)] = [
            ("1", "红 重大 red", \.red), ("2", "橙 较大 orange", \.orange), ("3", "黄 一般 yellow", \.yellow), ("4", "蓝 低 blue", \.blue),
        ]
        let risk = style.riskAreas
        let areaCategories = levels.map { level in
            Category(value: level.value, label: level.label,
                     symbol: .fill(risk.fill[keyPath: level.key], outline: risk.outline[keyPath: level.key], width: risk.outlineWidth))
        }
        let hazards = style.hazards
        let hazardCategories = levels.map { level in
            Category(value: level.value, label: level.label,
                     symbol: .marker(.circle, hazards.colour[keyPath: level.key], stroke: hazards.stroke, size: 4.5))
        }
        let shelters = style.shelters
        let shelterCategories = [Category(value: "open", label: "开放 open", symbol: .marker(shelters.symbol.shape, shelters.symbol.fill, stroke: shelters.stroke, size: 4))]
            + (shelters.statuses ?? [:]).sorted { $0.key < $1.key }.map {
                Category(value: $0.key, label: $0.key, symbol: .marker($0.value.shape, $0.value.fill, stroke: shelters.stroke, size: 4))
            }
        let facilities = style.facilities
        let facilityCategories = facilities.kinds.sorted { $0.key < $1.key }.map {
            Category(value: $0.key, label: $0.key, symbol: .marker($0.value.shape, $0.value.fill, stroke: facilities.stroke, size: 3.5))
        }
        return [
            QGISStyle(table: "risk_areas", name: "OneMap four colours", attribute: "risk_level", categories: areaCategories,
                      other: .fill(TileStyle.Colour.transparent, outline: risk.uncolouredOutline ?? .black, width: 0.5)),
            QGISStyle(table: "hazards", name: "OneMap hazards by level", attribute: "level", categories: hazardCategories,
                      other: .marker(.circle, TileStyle.Colour.grey, stroke: hazards.stroke, size: 3)),
            QGISStyle(table: "shelters", name: "OneMap shelters by status", attribute: "status", categories: shelterCategories,
                      other: .marker(shelters.symbol.shape, shelters.symbol.fill, stroke: shelters.stroke, size: 4)),
            QGISStyle(table: "facilities", name: "OneMap facilities by kind", attribute: "kind", categories: facilityCategories,
                      other: .marker(facilities.other.shape, facilities.other.fill, stroke: facilities.stroke, size: 3.5)),
        ]
    }

    struct Category {
        var value: String
        var label: String
        var symbol: Symbol
    }

    enum Symbol {
        case fill(TileStyle.Colour, outline: TileStyle.Colour, width: Double)
        /// Size in millimetres, as QGIS measures symbols.
        case marker(TileStyle.Symbol.Shape, TileStyle.Colour, stroke: TileStyle.Colour, size: Double)
    }

    init(table: String, name: String, attribute: String, categories: [Category], other: Symbol) {
        self.table = table
        self.name = name
        qml = Self.qml(attribute: attribute, categories: categories, other: other)
        sld = Self.sld(table: table, attribute: attribute, categories: categories)
    }

    // MARK: QML

    private static func rgba(_ c: TileStyle.Colour) -> String {
        func byte(_ v: Double) -> Int { Int((min(1, max(0, v.isFinite ? v : 0)) * 255).rounded()) }
        return "\(byte(c.red)),\(byte(c.green)),\(byte(c.blue)),\(byte(c.alpha))"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func option(_ name: String, _ value: String) -> String { "<Option name=\"\(name)\" value=\"\(escape(value))\" type=\"QString\"/>" }

    private static func qmlShape(_ shape: TileStyle.Symbol.Shape) -> String {
        switch shape {
        case .circle: "circle"
        case .square: "square"
        case .diamond: "diamond"
        case .triangle: "triangle"
        case .star: "star"
        case .cross: "cross_fill"
        }
    }

    private static func qmlSymbol(_ symbol: Symbol, name: String) -> String {
        switch symbol {
        case .fill(let fill, let outline, let width):
            return """
                <symbol type="fill" name="\(name)" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">\
                \(option("color", rgba(fill)))\(option("outline_color", rgba(outline)))\(option("outline_style", "solid"))\
                \(option("outline_width", String(width * 0.26)))\(option("outline_width_unit", "MM"))\(option("style", "solid"))</Option></layer></symbol>
                """
        case .marker(let shape, let fill, let stroke, let size):
            return """
                <symbol type="marker" name="\(name)" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" locked="0" pass="0"><Option type="Map">\
                \(option("name", qmlShape(shape)))\(option("color", rgba(fill)))\(option("outline_color", rgba(stroke)))\(option("outline_style", "solid"))\
                \(option("outline_width", "0.3"))\(option("outline_width_unit", "MM"))\(option("size", String(size)))\(option("size_unit", "MM"))</Option></layer></symbol>
                """
        }
    }

    static func qml(attribute: String, categories: [Category], other: Symbol) -> String {
        var out = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.16\" styleCategories=\"Symbology\">\n"
        out += "<renderer-v2 type=\"categorizedSymbol\" attr=\"\(escape(attribute))\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n<categories>\n"
        for (i, category) in categories.enumerated() {
            out += "<category value=\"\(escape(category.value))\" label=\"\(escape(category.label))\" symbol=\"\(i)\" render=\"true\"/>\n"
        }
        // The empty value: every other value (a risk area not coloured, an unknown kind).
        out += "<category value=\"\" label=\"other\" symbol=\"\(categories.count)\" render=\"true\"/>\n</categories>\n<symbols>\n"
        for (i, category) in categories.enumerated() { out += qmlSymbol(category.symbol, name: String(i)) + "\n" }
        out += qmlSymbol(other, name: String(categories.count)) + "\n</symbols>\n</renderer-v2>\n</qgis>\n"
        return out
    }

    // MARK: SLD

    static func sld(table: String, attribute: String, categories: [Category]) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
            <NamedLayer><se:Name>\(escape(table))</se:Name><UserStyle><se:Name>\(escape(table))</se:Name><se:FeatureTypeStyle>

            """
        for category in categories {
            out += "<se:Rule><se:Name>\(escape(category.label))</se:Name>"
            out += "<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>\(escape(attribute))</ogc:PropertyName><ogc:Literal>\(escape(category.value))</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>"
            switch category.symbol {
            case .fill(let fill, let outline, let width):
                out += "<se:PolygonSymbolizer><se:Fill><se:SvgParameter name=\"fill\">\(String(fill.hex.prefix(7)))</se:SvgParameter><se:SvgParameter name=\"fill-opacity\">\(fill.alpha)</se:SvgParameter></se:Fill>"
                out += "<se:Stroke><se:SvgParameter name=\"stroke\">\(String(outline.hex.prefix(7)))</se:SvgParameter><se:SvgParameter name=\"stroke-width\">\(width)</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>"
            case .marker(let shape, let fill, let stroke, let size):
                let wellKnown = switch shape { case .circle: "circle"; case .square: "square"; case .triangle: "triangle"; case .star: "star"; case .cross: "cross"; case .diamond: "square" }
                out += "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>\(wellKnown)</se:WellKnownName><se:Fill><se:SvgParameter name=\"fill\">\(String(fill.hex.prefix(7)))</se:SvgParameter></se:Fill>"
                out += "<se:Stroke><se:SvgParameter name=\"stroke\">\(String(stroke.hex.prefix(7)))</se:SvgParameter></se:Stroke></se:Mark><se:Size>\(size * 3.78)</se:Size></se:Graphic></se:PointSymbolizer>"
            }
            out += "</se:Rule>\n"
        }
        out += "</se:FeatureTypeStyle></UserStyle></NamedLayer>\n</StyledLayerDescriptor>\n"
        return out
    }
}

extension TileStyle.Colour {
    static let transparent = TileStyle.Colour(red: 1, green: 1, blue: 1, alpha: 0)
    static let grey = TileStyle.Colour(red: 0.46, green: 0.46, blue: 0.46, alpha: 1)
}
