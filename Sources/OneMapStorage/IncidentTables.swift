import Foundation
import GRDB
import OneMapGeometry

/// The tables of the commander's incidents, beside the six layers (schema version 5):
/// an incident's own place, its affected-area zones (each with how it was made), and its
/// append-only chain of reports. Registered in `gpkg_contents`, so GDAL and QGIS list them.
public enum IncidentTables {
    public static let incidents = AuxiliaryTable(
        name: "incidents", title: "Incidents (突发事件): where each is, its kind, status and source hazard", geometryType: "GEOMETRY",
        columns: [
            .init("id", "TEXT NOT NULL UNIQUE", "Incident id, e.g. INC-20261203-0001"),
            .init("kind", "TEXT NOT NULL", "Kind, from config/incidents.json: hazardous_chemical_leak, fire, explosion, flood, geological, earthquake, traffic, public_health, other"),
            .init("title", "TEXT", "Title as the commander gives it"),
            .init("hazard_id", "TEXT", "The hazard it started from (hazards.id), if any"),
            .init("started_at", "TEXT NOT NULL", "When it started, ISO 8601 UTC"),
            .init("status", "TEXT NOT NULL", "reported → responding → contained → closed"),
            .init("created_by", "TEXT NOT NULL", "Who created it (the token's holder)"),
            .init("created_at", "TEXT NOT NULL", "When it was created"),
            .init("changed_by", "TEXT", "Who changed it last"),
            .init("changed_at", "TEXT", "When it was changed last"),
            .init("area_method", "TEXT NOT NULL", "How the affected area was made: radius, hazard, polygon, isochrone or plume"),
            .init("area_inputs", "TEXT NOT NULL", "The inputs of that method, JSON"),
        ])

    public static let zones = AuxiliaryTable(
        name: "incident_zones", title: "Incident zones: each incident's affected area, innermost first, with how it was made", geometryType: "MULTIPOLYGON",
        columns: [
            .init("incident_id", "TEXT NOT NULL", "incidents.id"),
            .init("rank", "INTEGER NOT NULL", "0 for the innermost zone (isolation), then outwards (evacuation)"),
            .init("name", "TEXT NOT NULL", "isolation, evacuation, red, orange, yellow, …"),
            .init("method", "TEXT NOT NULL", "radius, hazard, polygon, isochrone or plume"),
            .init("inputs", "TEXT NOT NULL", "What made it, JSON (radius, minutes, wind, stability, threshold, …)"),
            .init("made_at", "TEXT NOT NULL", "When it was made"),
        ],
        indexes: [["incident_id", "rank"]])

    public static let reports = AuxiliaryTable(
        name: "incident_reports", title: "Incident reports (初报/续报/核报/终报), append-only", geometryType: nil,
        columns: [
            .init("incident_id", "TEXT NOT NULL", "incidents.id"),
            .init("sequence", "INTEGER NOT NULL", "1 for the first report of the incident, then 2, 3, …"),
            .init("report_type", "TEXT NOT NULL", "initial (初报), follow_up (续报), verified (核报), final (终报)"),
            .init("reported_at", "TEXT NOT NULL", "When it was reported"),
            .init("author", "TEXT NOT NULL", "Who reported (the token's holder)"),
            .init("role", "TEXT NOT NULL", "commander, planner or admin"),
            .init("dead", "INTEGER", "Dead"),
            .init("injured", "INTEGER", "Injured"),
            .init("missing", "INTEGER", "Missing"),
            .init("trapped", "INTEGER", "Trapped"),
            .init("affected_people", "INTEGER", "People affected, as reported"),
            .init("measures", "TEXT", "Measures taken"),
            .init("trend", "TEXT", "Trend: spreading, stable, under_control, …"),
            .init("text", "TEXT", "Free text"),
            .init("affected_area", "TEXT NOT NULL", "The zones as they stood, a GeoJSON FeatureCollection"),
        ],
        indexes: [["incident_id", "sequence"]])

    public static let all = [incidents, zones, reports]
}

extension WriteSession {
    /// Deletes the rows of `table` whose `column` equals `value`.
    public func delete(from table: AuxiliaryTable, where column: String, equals value: FieldValue) throws {
        guard try db.tableExists(table.name) else { return }
        try db.execute(sql: "DELETE FROM \(table.name) WHERE \(column) = ?", arguments: [value.databaseValue])
    }

    /// Replaces the geometry and values of the rows of `table` whose `column` equals `value`.
    public func update(_ table: AuxiliaryTable, where column: String, equals value: FieldValue, geometry: Geometry?, values: [FieldValue]) throws {
        var names = table.columns.map(\.name)
        var arguments: [DatabaseValueConvertible?] = values.map(\.databaseValue)
        if table.geometryType != nil, let geometry {
            names.insert("geom", at: 0)
            arguments.insert(Data(GeoPackageBinary.encode(geometry)), at: 0)
        }
        arguments.append(value.databaseValue)
        try db.execute(sql: "UPDATE \(table.name) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(column) = ?",
                       arguments: StatementArguments(arguments))
    }
}
