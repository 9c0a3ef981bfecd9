import Foundation

extension PlanReport {
    /// The report as plain text for a terminal: parameters, the standards checked, and the
    /// tables with aligned columns (rows falling short marked with `!`).
    public var text: String {
        var out = "\(title)\n\(String(repeating: "=", count: 40))\n"
        for (key, value) in parameters { out += "\(key): \(value)\n" }
        if !checks.isEmpty {
            out += "\nStandards\n"
            out += Self.columns(["", "Figure", "Value", "Standard", "Source"], checks.map { c in
                [c.passes.map { $0 ? "ok" : "!" } ?? "·", c.figure, c.value, c.standard, c.source]
            })
        }
        for table in tables {
            out += "\n\(table.title)\n"
            if let note = table.note { out += "\(note)\n" }
            if table.rows.isEmpty { out += "none\n"; continue }
            out += Self.columns([""] + table.header, table.rows.enumerated().map { [table.flagged.contains($0.offset) ? "!" : ""] + $0.element })
        }
        out += String(format: "\n(%.2f s)\n", seconds)
        return out
    }

    static func columns(_ header: [String], _ rows: [[String]]) -> String {
        // Chinese characters take two columns on a terminal.
        func width(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 2 : 1) } }
        var widths = header.map(width)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], width(cell)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: max(0, widths[i] - width(c))) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
