import Foundation
import OneMapGeometry
import OneMapRouting
import OneMapStorage

extension Route {
    /// The route as a GeoJSON LineString feature with its time and length.
    public func feature(id: String? = nil, extra: [JSONMember] = []) -> Feature {
        Feature(id: id, geometry: .lineString(path), properties: [
            JSONMember("seconds", .number((seconds * 10).rounded() / 10)),
            JSONMember("minutes", .number((seconds / 6).rounded() / 10)),
            JSONMember("metres", .number(metres.rounded())),
            JSONMember("snapped_from_m", .number((start.distance * 10).rounded() / 10)),
            JSONMember("snapped_to_m", .number((end.distance * 10).rounded() / 10)),
            // The legs off the network, counted in seconds, minutes and metres above and drawn in the line.
            JSONMember("leg_to_road", Self.leg(start.distance, accessSeconds.start)),
            JSONMember("leg_from_road", Self.leg(end.distance, accessSeconds.end)),
        ] + extra)
    }

    static func leg(_ metres: Double, _ seconds: Double) -> JSONValue {
        .object([JSONMember("metres", .number((metres * 10).rounded() / 10)), JSONMember("seconds", .number((seconds * 10).rounded() / 10))])
    }
}

extension EvacuationPlan {
    /// The plan as JSON: per grid its shelter, persons, minutes and route; per shelter its
    /// load against its room; and who cannot be placed.
    public func json(origins: [Origin], destinations: [Evacuation.Candidate], routes: [String: Route]) -> JSONValue {
        .object([
            JSONMember("persons", .number(Double(origins.reduce(0) { $0 + $1.persons }))),
            JSONMember("placed", .number(Double(assignments.reduce(0) { $0 + $1.persons }))),
            JSONMember("unplaced", .object(unplaced.keys.sorted().map { JSONMember($0, .number(Double(unplaced[$0]!))) })),
            JSONMember("person_hours", .number((personSeconds / 36).rounded() / 100)),
            JSONMember("assignments", .array(assignments.map { a in
                var members = [JSONMember("grid", .string(a.origin)), JSONMember("shelter", .string(a.destination)),
                               JSONMember("persons", .number(Double(a.persons))), JSONMember("minutes", .number((a.seconds / 6).rounded() / 10))]
                if let route = routes["\(a.origin)→\(a.destination)"] {
                    members.append(JSONMember("route", GeoJSONGeometry.encode(.lineString(route.path))))
                    members.append(JSONMember("metres", .number(route.metres.rounded())))
                }
                return .object(members)
            })),
            JSONMember("shelters", .array(destinations.map { d in
                .object([JSONMember("shelter", .string(d.record.id)), JSONMember("room", .number(Double(d.room))),
                         JSONMember("load", .number(Double(loads[d.record.id] ?? 0)))])
            })),
        ])
    }
}
