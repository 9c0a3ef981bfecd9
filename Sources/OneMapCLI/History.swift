import ArgumentParser
import Foundation
import OneMap

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a feature's whole story from the change log: who changed what, when, and the feature before and after.",
        discussion: "Every accepted report (POST and PATCH over HTTP) is logged in the GeoPackage's onemap_changes table in the same transaction as the write.")

    @Option(name: .long, help: "The GeoPackage, or a postgres:// database made by onemap db init.")
    var data: String

    @Option(name: .long, help: "The layer: hazards (default) or shelters.")
    var layer = "hazards"

    @Option(name: .long, help: "text (a line per change with what changed) or json (whole features before and after).")
    var format = "text"

    @Argument(help: "The feature's id.")
    var id: String

    func validate() throws {
        guard Layer(name: layer) != nil else { throw ValidationError("--layer: '\(layer)' is not a layer; the layers are \(Layer.allCases.map(\.tableName).joined(separator: ", "))") }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json, not '\(format)'") }
    }

    func run() throws {
        guard let layer = Layer(name: layer) else { return }
        let store = try Stores.openForReading(data)
        let entries = try FieldReports.history(in: store, layer: layer, id: id)
        if format == "json" {
            var bytes: [UInt8] = []
            JSONWriter.write(.object([JSONMember("layer", .string(layer.tableName)), JSONMember("id", .string(id)),
                                      JSONMember("changes", .array(entries.map(\.json)))]), into: &bytes)
            print(String(decoding: bytes, as: UTF8.self))
        } else {
            for entry in entries { print(ChangeLogText.line(entry)) }
        }
        FileHandle.standardError.write(Data("\(entries.count) change\(entries.count == 1 ? "" : "s") of \(layer) \(id)\n".utf8))
        if entries.isEmpty {
            throw ValidationError("\(data): no change of \(layer) '\(id)' is on record (imported features have no history until a report changes them)")
        }
    }
}

/// Change-log entries for people: one line each, naming the properties that changed.
enum ChangeLogText {
    static func line(_ entry: ChangeLog.Entry) -> String {
        var what: [String] = []
        let before = Dictionary(entry.before?.properties.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { a, _ in a })
        let after = Dictionary(entry.after?.properties.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { a, _ in a })
        for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] && !["changed_at", "changed_by"].contains(key) {
            what.append("\(key): \(text(before[key])) → \(text(after[key]))")
        }
        if entry.before?.geometry != entry.after?.geometry, entry.before != nil, entry.after != nil { what.append("geometry moved") }
        let who = entry.author + " (" + entry.role + (entry.authorGrid.map { ", grid \($0)" } ?? "") + ")"
        return "#\(entry.number)  \(entry.changedAt)  \(entry.operation.rawValue)  \(who)  \(what.joined(separator: "; "))"
    }

    private static func text(_ value: JSONValue?) -> String {
        guard let value else { return "∅" }
        return JSONWriter.string(value)
    }
}
