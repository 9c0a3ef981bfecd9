import Foundation
import OneMap

/// An incident desk over a copy of the demo district (data/generated/kangbashi-bench.gpkg)
/// or the generated city (data/generated/chifeng.gpkg), with the resident samples and the
/// driving graph built before timing, as a running server has them. Each created incident
/// is new (a new id); the recompute benchmark keeps one open incident and toggles the level
/// of a hazard inside its zone between two measured calls.
final class IncidentFixture: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let demo = IncidentFixture(path: "data/generated/kangbashi-bench.gpkg", hazard: "H-0000283")
    static let city = IncidentFixture(path: "data/generated/chifeng.gpkg", hazard: nil)

    let desk: IncidentDesk
    let hazard: String
    let commander = Author(name: "bench", role: .commander)
    private var open: Incident
    private var toggled: LayerRecord
    private var serial = 0

    private init(path: String, hazard chosen: String?) {
        do {
            let source = Self.repository.appendingPathComponent(path).path
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("incident-bench-\(UUID().uuidString).gpkg").path
            try FileManager.default.copyItem(atPath: source, toPath: copy)
            let started = Date()
            desk = try IncidentDesk(path: copy, rulesPath: Self.repository.appendingPathComponent("config/risk-rules.json").path,
                                    planningPath: Self.repository.appendingPathComponent("config/planning.json").path,
                                    stylePath: Self.repository.appendingPathComponent("config/style.json").path,
                                    incidentsPath: Self.repository.appendingPathComponent("config/incidents.json").path)
            // The city's firm: the first level-1 hazardous-chemical firm (by id) with residents around it.
            let snapshot = desk.live.index.snapshot
            let kind = Layer.hazards.columnIndex("kind"), level = Layer.hazards.columnIndex("level")
            hazard = try chosen ?? snapshot.allFeatures(.hazards).filter {
                $0.values[kind] == .text("hazardous_chemical") && $0.values[level] == .integer(1)
            }.map(\.id).sorted().first ?? "H-0000001"
            open = try desk.incidents.create(.init(kind: "hazardous_chemical_leak", hazardID: hazard), by: commander).incident
            let figures = try desk.analyst.figures(of: open)
            let inside = try figures.zones.last?.hazards.first.flatMap { snapshot.feature(.hazards, id: $0.id) }
                ?? snapshot.allFeatures(.hazards)[0]
            toggled = inside
            FileHandle.standardError.write(Data(String(format: "%@: loaded and first analysis in %.1f s; %@\n", path, Date().timeIntervalSince(started),
                                                       IncidentBriefing.summary(figures)).utf8))
        } catch {
            fatalError("incident fixture \(path): \(error)")
        }
    }

    func createAndAnalyse() throws -> IncidentFigures {
        serial += 1
        let incident = try desk.incidents.create(.init(id: "BENCH-\(serial)-\(UUID().uuidString.prefix(8))", kind: "hazardous_chemical_leak", hazardID: hazard),
                                                 by: commander).incident
        return try desk.analyst.figures(of: incident)
    }

    /// A hazard inside the open incident's zone moves between levels 3 and 4 (the map re-colours).
    func changeOneHazard() throws {
        let level = Layer.hazards.columnIndex("level")
        toggled.values[level] = toggled.values[level] == .integer(3) ? .integer(4) : .integer(3)
        try desk.live.apply(.update(toggled), to: .hazards)
    }

    func recompute() throws -> IncidentFigures { try desk.analyst.figures(of: open) }
}
