import ArgumentParser
import Foundation
import OneMap

/// `onemap supervision`: the open hazards under supervision, overdue first.
struct SupervisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervision",
        abstract: "List open hazards with their age, due date and overdue flag (挂牌督办), by grid, community and subdistrict.",
        discussion: """
            A hazard listed for supervision (a supervision_owner) is due on its due_date; any other is due its level's \
            deadline after reported_at (config/field.json: red 7 days, orange 15, yellow 30, blue 60). The same rule \
            as /supervision and the tiles' overdue ring.
            """)

    @Option(help: "The GeoPackage, or a postgres:// database made by onemap db init.")
    var data: String
    @Option(help: "Deadlines and supervision settings (default: ONEMAP_FIELD, else config/field.json here, else built in).")
    var field: String?
    @Flag(help: "Only overdue hazards.")
    var overdue = false
    @Option(help: "Only this grid code.")
    var grid: String?
    @Option(help: "Only this subdistrict.")
    var subdistrict: String?
    @Option(help: "table (a summary and a line per hazard), csv (UTF-8 with BOM) or json.")
    var format = "table"
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        guard ["table", "csv", "json"].contains(format) else { throw ValidationError("--format takes table, csv or json, not '\(format)'") }
    }

    func run() throws {
        let config: FieldConfig
        do { config = try FieldConfig.load(path: field) } catch let error as FieldConfig.Failure { throw ValidationError(error.description) }
        let store = try Stores.openForReading(data)
        let layers = try store.layers().filter { $0 == .hazards || $0 == .grids }
        guard layers.contains(.hazards) else { throw ValidationError("\(data) has no hazards layer") }
        let snapshot = try Stores.loadIndex(from: store, layers: layers).snapshot
        let (overdue, grid, subdistrict) = (overdue, grid, subdistrict)
        let report = try Supervision.report(snapshot, config: config) { row in
            (!overdue || row.overdue) && (grid.map { row.gridCode == $0 } ?? true) && (subdistrict.map { row.subdistrict == $0 } ?? true)
        }
        let text: String
        switch format {
        case "csv": text = report.csv
        case "json": text = JSONWriter.string(report.json) + "\n"
        default:
            var lines = ["\(report.rows.count) open hazards, \(report.overdueCount) overdue, \(report.rows.filter { $0.owner != nil }.count) listed (as of \(report.at))"]
            for g in report.bySubdistrict { lines.append("  subdistrict \(g.key): \(g.open) open, \(g.overdue) overdue, \(g.listed) listed") }
            for r in report.rows {
                let due = r.dueDate.map { String($0.prefix(10)) } ?? "no date"
                let flag = r.overdue ? "OVERDUE \(-(r.daysLeft ?? 0)) d" : "\(r.daysLeft.map(String.init) ?? "?") d left"
                lines.append("\(r.id)  \(r.level ?? "-")  \(r.status)  grid \(r.gridCode ?? "-")  due \(due) (\(r.dueFrom ?? "-"))  \(flag)  \(r.owner.map { "owner \($0)" } ?? "")  \(r.name ?? "")")
            }
            text = lines.joined(separator: "\n") + "\n"
        }
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            FileHandle.standardError.write(Data("wrote \(output): \(report.rows.count) hazards, \(report.overdueCount) overdue\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
