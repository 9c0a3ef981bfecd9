import Foundation
import OneMapGeometry
import OneMapTiles

/// One run of a planner's analysis, ready to hand over: its features (GeoJSON), a summary,
/// the standards each figure is checked against, tables, and a map. ``html(renderer:)``
/// makes the self-contained HTML page (the map image inline, drawn by the tile renderer).
public struct PlanReport: Sendable {
    /// A figure set against the standard it must meet.
    public struct Check: Sendable {
        public var figure: String
        public var value: String
        public var standard: String
        public var source: String
        /// nil: for information (the standard sets no pass mark for this figure).
        public var passes: Bool?
    }

    public struct Table: Sendable {
        public var title: String
        public var note: String?
        public var header: [String]
        public var rows: [[String]]
        /// Rows to flag (falling short of a standard).
        public var flagged: Set<Int>

        public init(title: String, note: String? = nil, header: [String], rows: [[String]], flagged: Set<Int> = []) {
            self.title = title
            self.note = note
            self.header = header
            self.rows = rows
            self.flagged = flagged
        }
    }

    /// A line of the map's legend.
    public struct Key: Sendable {
        public var colour: String
        public var text: String
    }

    public var kind: String
    public var title: String
    /// What the page says it is, under the title.
    public var label = "OneMap planner's report"
    /// What was asked, in the order to show it.
    public var parameters: [(String, String)]
    public var checks: [Check] = []
    public var tables: [Table] = []
    public var features: [Feature] = []
    /// Foreign members of the GeoJSON answer (summary figures).
    public var summary: [JSONMember] = []
    public var overlays: [MapOverlay] = []
    public var legend: [Key] = []
    public var mapBox: BoundingBox?
    /// Seconds the analysis took.
    public var seconds: Double = 0

    /// The GeoJSON FeatureCollection with the summary as foreign members.
    public var geoJSON: [UInt8] {
        var bytes: [UInt8] = []
        let members = [JSONMember("type", .string("FeatureCollection")), JSONMember("plan", .string(kind))] + summary
        var head = JSONWriter.string(.object(members))
        head.removeLast()
        bytes += Array(head.utf8)
        bytes += Array(",\"features\":[".utf8)
        for (i, f) in features.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            GeoJSONWriter.write(f, into: &bytes)
        }
        bytes += Array("]}\n".utf8)
        return bytes
    }

    /// The report as one HTML page.
    public func html(renderer: TileRenderer?, generated: Date = Date()) throws -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:24px auto;max-width:1100px;color:#222;line-height:1.45}
        h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;margin-top:28px;border-bottom:2px solid #ddd;padding-bottom:4px}
        .meta{color:#666;font-size:13px}table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
        th,td{border:1px solid #ddd;padding:4px 7px;text-align:left;vertical-align:top}th{background:#f2f2f2}
        td.n{text-align:right;font-variant-numeric:tabular-nums}tr.flag td{background:#fdecea}
        .pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}.info{color:#666}
        .map{border:1px solid #ccc;max-width:100%}.legend span{display:inline-block;width:14px;height:14px;vertical-align:middle;margin:0 4px 0 14px;border:1px solid #888}
        .params td:first-child{width:260px;color:#555}
        @media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr,img{break-inside:avoid}}
        </style></head><body>
        <h1>\(escape(title))</h1>
        <p class="meta">\(escape(label)) · \(escape(kind)) · generated \(ISO8601DateFormatter().string(from: generated)) · \(String(format: "%.2f", seconds)) s</p>
        <table class="params">\(parameters.map { "<tr><td>\(escape($0.0))</td><td>\(escape($0.1))</td></tr>" }.joined())</table>

        """
        if !checks.isEmpty {
            page += "<h2>Standards 标准核查</h2><table><tr><th>Figure</th><th>Value</th><th>Standard</th><th>Source</th><th>Result</th></tr>"
            for c in checks {
                let result = c.passes.map { $0 ? "<span class=\"pass\">meets 达标</span>" : "<span class=\"fail\">falls short 未达标</span>" }
                    ?? "<span class=\"info\">for information</span>"
                page += "<tr\(c.passes == false ? " class=\"flag\"" : "")><td>\(escape(c.figure))</td><td class=\"n\">\(escape(c.value))</td><td>\(escape(c.standard))</td><td>\(escape(c.source))</td><td>\(result)</td></tr>"
            }
            page += "</table>\n"
        }
        if let renderer, let box = mapBox {
            // Drawn at twice the pixels it is shown at, so it stays sharp when zoomed or printed.
            let map = try renderer.renderMap(of: box, scale: 2, overlays: overlays)
            page += "<h2>Map 分布图</h2><img class=\"map\" width=\"\(map.width)\" height=\"\(map.height)\" alt=\"map of the plan\" src=\"data:image/png;base64,\(map.png.base64EncodedString())\">"
            page += "<p class=\"legend\">\(legend.map { "<span style=\"background:\($0.colour)\"></span>\(escape($0.text))" }.joined())</p>\n"
        }
        for table in tables {
            page += "<h2>\(escape(table.title))</h2>"
            if let note = table.note { page += "<p class=\"meta\">\(escape(note))</p>" }
            if table.rows.isEmpty { page += "<p>None.</p>\n"; continue }
            page += "<table><tr>\(table.header.map { "<th>\(escape($0))</th>" }.joined())</tr>"
            for (i, row) in table.rows.enumerated() {
                page += "<tr\(table.flagged.contains(i) ? " class=\"flag\"" : "")>"
                page += row.map { cell in "<td\(Self.isNumeric(cell) ? " class=\"n\"" : "")>\(escape(cell))</td>" }.joined()
                page += "</tr>"
            }
            page += "</table>\n"
        }
        page += "</body></html>\n"
        return page
    }

    static func isNumeric(_ cell: String) -> Bool {
        !cell.isEmpty && cell.allSatisfy { $0.isNumber || ",.%–-— hkmgs²/".contains($0) } && cell.contains { $0.isNumber }
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// How figures are written in reports.
enum Figures {
    /// A whole number with thousands separated by commas (reports list thousands of rows:
    /// no formatter per call).
    static func count(_ x: Double) -> String {
        guard x.isFinite else { return "—" }
        // Beyond what an Int holds exactly (a relief total from an outsized kit): plain digits, no trap.
        guard abs(x) < 1e15 else { return String(format: "%.0f", x) }
        let n = Int(x.rounded())
        var digits = Array(String(abs(n)))
        var i = digits.count - 3
        while i > 0 { digits.insert(",", at: i); i -= 3 }
        return (n < 0 ? "-" : "") + String(digits)
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
    static func metres(_ m: Double?) -> String { m.map { $0.isFinite ? String(format: "%.0f m", $0) : "—" } ?? "—" }
    static func number(_ x: Double, _ digits: Int = 2) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "—" }
    static func rounded(_ x: Double, _ digits: Double = 10) -> JSONValue { x.isFinite ? .number((x * digits).rounded() / digits) : .null }
}
