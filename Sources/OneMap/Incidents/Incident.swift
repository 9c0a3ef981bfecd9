import Foundation
import OneMapGeometry
import OneMapIncidents
import OneMapStorage

/// One incident as the commander keeps it: its own place (kept apart from the area it
/// affects, as ArcGIS Emergency Management keeps incident and impact areas), its zones
/// with how they were made, its status and its chain of reports.
public struct Incident: Sendable, Equatable {
    public var id: String
    /// A kind of `config/incidents.json` (`hazardous_chemical_leak`, `fire`, …).
    public var kind: String
    public var title: String
    /// Where it is: a point, line or polygon (WGS84 lon/lat).
    public var location: Geometry
    /// The hazard it started from (`hazards.id`).
    public var hazardID: String?
    /// ISO 8601 UTC.
    public var startedAt: String
    public var status: IncidentStatus
    public var createdBy: String
    public var createdAt: String
    public var changedBy: String?
    public var changedAt: String?
    public var area: AffectedArea
    /// Oldest first; append-only.
    public var reports: [IncidentReport]

    public var isOpen: Bool { status != .closed }

    /// The incident as a GeoJSON feature (its own place), with its zones' names, its latest report and the chain's length.
    public func feature(base: String = "") -> Feature {
        var properties: [JSONMember] = [
            JSONMember("kind", .string(kind)), JSONMember("title", .string(title)),
            JSONMember("hazard_id", hazardID.map(JSONValue.string) ?? .null), JSONMember("started_at", .string(startedAt)),
            JSONMember("status", .string(status.rawValue)), JSONMember("created_by", .string(createdBy)), JSONMember("created_at", .string(createdAt)),
            JSONMember("changed_by", changedBy.map(JSONValue.string) ?? .null), JSONMember("changed_at", changedAt.map(JSONValue.string) ?? .null),
            JSONMember("area_method", .string(area.method)), JSONMember("area_inputs", area.inputs),
            JSONMember("zones", .array(area.zones.map { .string($0.name) })),
            JSONMember("reports", .number(Double(reports.count))),
            JSONMember("latest_report", reports.last.map { .string($0.kind.rawValue) } ?? .null),
        ]
        if !base.isEmpty {
            properties.append(JSONMember("briefing", .string("\(base)/incidents/\(id)/briefing")))
        }
        return Feature(id: id, geometry: location, properties: properties)
    }

    /// The incident with its zones and whole report chain, as JSON.
    public func json(base: String = "") -> JSONValue {
        .object([
            JSONMember("type", .string("Feature")), JSONMember("id", .string(id)),
            JSONMember("geometry", GeoJSONGeometry.encode(location)),
            JSONMember("properties", .object(feature(base: base).properties)),
            JSONMember("zones", area.featureCollection),
            JSONMember("report_chain", .array(reports.map(\.json))),
        ])
    }
}

/// The affected area: one or more zones, innermost first, and how they were made.
public struct AffectedArea: Sendable, Equatable {
    /// radius, hazard, polygon, isochrone or plume.
    public var method: String
    /// What the method was given (radii, minutes, wind, …), as JSON.
    public var inputs: JSONValue
    public var zones: [IncidentZone]

    /// What the estimate cannot know (a plume's limits, kept in its inputs); empty for other methods.
    public var limits: [String] { inputs["limits"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    /// Whether the area is a model's estimate (a plume) rather than a given radius or drawing.
    public var isEstimate: Bool { inputs["estimate"] == .bool(true) }

    public var featureCollection: JSONValue {
        .object([JSONMember("type", .string("FeatureCollection")), JSONMember("features", .array(zones.map { GeoJSONWriter.encode($0.feature) }))])
    }

    /// The area as the zones table stores it (each zone a MultiPolygon), so what is kept in
    /// memory is what a restart reads back.
    var stored: AffectedArea {
        var area = self
        area.zones = zones.map { zone in
            var z = zone
            z.geometry = Incidents.multi(zone.geometry)
            return z
        }
        return area
    }

    /// The outermost zone: the one evacuated.
    public var outer: IncidentZone? { zones.last }
}

public struct IncidentZone: Sendable, Equatable {
    /// isolation, evacuation, red, orange, yellow, …
    public var name: String
    public var geometry: Geometry
    public var method: String
    public var inputs: JSONValue
    public var madeAt: String

    public var feature: Feature {
        Feature(id: name, geometry: geometry, properties: [JSONMember("zone", .string(name)), JSONMember("method", .string(method)),
                                                          JSONMember("inputs", inputs), JSONMember("made_at", .string(madeAt))])
    }
}

/// One report of the chain (初报/续报/核报/终报).
public struct IncidentReport: Sendable, Equatable {
    public var sequence: Int
    public var kind: ReportKind
    public var reportedAt: String
    public var author: String
    public var role: String
    public var casualties: Casualties
    public var affectedPeople: Int?
    public var measures: String?
    public var trend: String?
    public var text: String?
    /// The zones as they stood when it was made (a GeoJSON FeatureCollection).
    public var affectedArea: JSONValue

    public var json: JSONValue {
        func count(_ n: Int?) -> JSONValue { n.map { .number(Double($0)) } ?? .null }
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            JSONMember("sequence", .number(Double(sequence))), JSONMember("report_type", .string(kind.rawValue)),
            JSONMember("report_type_zh", .string(kind.chinese)), JSONMember("reported_at", .string(reportedAt)),
            JSONMember("author", .string(author)), JSONMember("role", .string(role)),
            JSONMember("casualties", .object([JSONMember("dead", count(casualties.dead)), JSONMember("injured", count(casualties.injured)),
                                              JSONMember("missing", count(casualties.missing)), JSONMember("trapped", count(casualties.trapped))])),
            JSONMember("affected_people", count(affectedPeople)), JSONMember("measures", text(measures)),
            JSONMember("trend", text(trend)), JSONMember("text", text(self.text)), JSONMember("affected_area", affectedArea),
        ])
    }
}
