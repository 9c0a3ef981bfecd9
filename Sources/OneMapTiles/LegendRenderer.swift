import Foundation
import OneMapRisk

/// The one map's legend as a PNG: a swatch per level in the tiles' own fill and outline
/// colours, its Chinese and English names, and how many areas and residents it holds.
public enum LegendRenderer {
    public static func render(_ legend: RiskLegend, style: TileStyle, scale: Int = 1) throws -> Data {
        guard scale == 1 || scale == 2 else { throw TileError.badScale(scale) }
        let rowHeight = 26.0, width = 360.0
        let rows = legend.entries.count
        // One more row: the shelter symbols by status, so a closed or full shelter on the
        // tiles is read as one, not as a place to send people.
        let height = 34 + Double(rows + 1) * rowHeight + 8
        let canvas = try Canvas(width: Int(width) * scale, height: Int(height) * scale, scale: Double(scale))
        let white = try TileStyle.Colour(hex: "#FFFFFFF2")
        canvas.rectangle(0, 0, width, height)
        canvas.fill(white, preserve: true)
        canvas.stroke(try TileStyle.Colour(hex: "#9E9E9E"), width: 1)
        var text = style.labels
        text.halo = white
        text.haloWidth = 0
        canvas.label("四色安全风险分布图 · \(legend.unit)", x: 12, y: 18, style: text, alignLeft: true)
        for (i, entry) in legend.entries.enumerated() {
            let y = 34 + Double(i) * rowHeight
            canvas.rectangle(12, y + 4, 28, 16)
            if let level = entry.level {
                canvas.fill(style.riskAreas.fill[level], preserve: true)
                canvas.stroke(style.riskAreas.outline[level], width: style.riskAreas.outlineWidth)
            } else if let outline = style.riskAreas.uncolouredOutline {
                canvas.stroke(outline, width: style.riskAreas.outlineWidth)
            } else {
                canvas.newPath()
            }
            let name = entry.level.map { "\($0.chineseName) \($0)" } ?? "无 none"
            let counts = "\(entry.areas) areas · \(entry.residents.formatted(.number.grouping(.automatic))) residents"
            canvas.label(name, x: 50, y: y + 12, style: text, alignLeft: true)
            canvas.label(counts, x: 150, y: y + 12, style: text, alignLeft: true)
        }
        let y = 34 + Double(rows) * rowHeight
        canvas.label("避难场所", x: 12, y: y + 12, style: text, alignLeft: true)
        for (i, entry) in style.shelters.statusSymbols.prefix(4).enumerated() {
            let x = 80 + Double(i) * 70
            TileRenderer.symbol(entry.symbol, at: (x + 6, y + 12), size: style.shelters.size, stroke: style.shelters.stroke, on: canvas)
            canvas.label(TileStyle.Shelters.statusName(entry.status), x: x + 15, y: y + 12, style: text, alignLeft: true)
        }
        return try canvas.png()
    }
}
